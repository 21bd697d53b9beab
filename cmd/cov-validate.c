/*
 * cov-validate: check every record, add reachable, errors and warnings,
 * optionally route rows with errors to --rejects, and fail the job past a
 * threshold.  The rules are in lib/validate.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "err.h"
#include "stream.h"
#include "validate.h"

enum {
	OPT_FILTER = CLI_OPT_TOOL,
	OPT_REQUIRE,
	OPT_ERROR,
	OPT_WARN,
	OPT_IGNORE,
	OPT_CONSENT,
	OPT_DOMAINS,
	OPT_FIELD,
	OPT_EMAIL_FIELD,
	OPT_DEFAULT_COUNTRY,
	OPT_MAX_INVALID,
	OPT_MAX_INVALID_RATE
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: cov-validate [OPTIONS] [FILE...]\n"
		"Check every record and add reachable, errors and warnings (reason\n"
		"codes); with --filter, pass only rows without errors.\n\n"
		"Options:\n"
		"      --filter              write rows with errors to --rejects, not to the output\n"
		"      --require FIELDS      these fields must not be empty (required_missing:FIELD)\n"
		"      --error CODES         report these codes as errors\n"
		"      --warn CODES          report these codes as warnings\n"
		"      --ignore CODES        do not report these codes\n"
		"      --consent-countries LIST  countries needing consent: codes, names,\n"
		"                            eu, eea, all or none (default: eea,GB,CA)\n"
		"      --domains-file FILE   'DOMAIN freemail|disposable|ok' lines over the\n"
		"                            embedded lists (repeatable)\n"
		"      --field ROLE=NAME,... read a role from another column (roles: email,\n"
		"                            email_status, opt_out, consent, country, phone,\n"
		"                            created_at, updated_at, last_activity_at)\n"
		"      --email-field NAME    the same as --field email=NAME\n"
		"      --default-country CC  country of phone numbers without one\n"
		"      --max-invalid N       exit 1 when more than N rows are invalid\n"
		"      --max-invalid-rate R  exit 1 when more than a share R (0..1) is invalid\n"
		"Reason codes (default severity):\n"
		"  errors:   email_missing email_syntax email_disposable email_bounced\n"
		"            email_invalid opted_out no_consent required_missing\n"
		"  warnings: email_role email_freemail country_unknown date_invalid\n"
		"            phone_invalid\n"
		"%s\n"
		"Example:\n"
		"  cov-validate --filter --rejects rejects.csv --max-invalid-rate 0.2 \\\n"
		"      contacts.csv -o valid.csv\n",
		CLI_COMMON_HELP);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"filter", no_argument, NULL, OPT_FILTER},
		{"require", required_argument, NULL, OPT_REQUIRE},
		{"error", required_argument, NULL, OPT_ERROR},
		{"warn", required_argument, NULL, OPT_WARN},
		{"ignore", required_argument, NULL, OPT_IGNORE},
		{"consent-countries", required_argument, NULL, OPT_CONSENT},
		{"domains-file", required_argument, NULL, OPT_DOMAINS},
		{"field", required_argument, NULL, OPT_FIELD},
		{"email-field", required_argument, NULL, OPT_EMAIL_FIELD},
		{"default-country", required_argument, NULL,
		 OPT_DEFAULT_COUNTRY},
		{"max-invalid", required_argument, NULL, OPT_MAX_INVALID},
		{"max-invalid-rate", required_argument, NULL,
		 OPT_MAX_INVALID_RATE},
		CLI_COMMON_LONGOPTS,
		{NULL, 0, NULL, 0}};
	struct cli_common opt = {0};
	struct validator *v;
	struct stream st;
	struct record rec = RECORD_INIT;
	struct cov_err e = {0};
	double max_invalid = -1, max_rate = -1;
	const char *max_invalid_arg = "", *max_rate_arg = "";
	uint64_t rows, invalid, malformed;
	int c, k, filter = 0;
	const char *bad_field;

	cli_init("cov-validate", argv);
	v = validator_new();
	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts,
				NULL)) != -1) {
		switch (c) {
		case OPT_FILTER: filter = 1; break;
		case OPT_REQUIRE:
			cli_check(validator_require(v, optarg, &e), &e);
			break;
		case OPT_ERROR:
			cli_check(validator_set_severity(v, optarg,
							 VALIDATE_ERROR, &e),
				  &e);
			break;
		case OPT_WARN:
			cli_check(validator_set_severity(v, optarg,
							 VALIDATE_WARN, &e),
				  &e);
			break;
		case OPT_IGNORE:
			cli_check(validator_set_severity(v, optarg,
							 VALIDATE_OFF, &e),
				  &e);
			break;
		case OPT_CONSENT:
			cli_check(validator_consent_countries(v, optarg, &e),
				  &e);
			break;
		case OPT_DOMAINS:
			cli_check(validator_load_domains(v, optarg, &e), &e);
			break;
		case OPT_FIELD:
			cli_check(validator_set_fields(v, optarg, &e), &e);
			break;
		case OPT_EMAIL_FIELD:
			if (!*optarg)
				cli_usage_error("--email-field: empty name");
			{
				char *spec = xmalloc(strlen(optarg) + 7);
				sprintf(spec, "email=%s", optarg);
				cli_check(validator_set_fields(v, spec, &e),
					  &e);
				free(spec);
			}
			break;
		case OPT_DEFAULT_COUNTRY:
			cli_check(validator_default_country(v, optarg, &e), &e);
			break;
		case OPT_MAX_INVALID:
			max_invalid = cli_parse_number(optarg);
			max_invalid_arg = optarg;
			if (max_invalid < 0 ||
			    max_invalid != floor(max_invalid))
				cli_usage_error(
					"--max-invalid: expected a count, got '%s'",
					optarg);
			break;
		case OPT_MAX_INVALID_RATE:
			max_rate = cli_parse_number(optarg);
			max_rate_arg = optarg;
			if (max_rate < 0 || max_rate > 1)
				cli_usage_error(
					"--max-invalid-rate: expected a share between 0 and 1, got '%s'",
					optarg);
			break;
		default:
			if (!cli_common_opt(&opt, c, optarg, usage))
				cli_usage_error("unknown option");
		}
	}
	if (filter && !opt.rejects)
		cli_usage_error(
			"--filter needs --rejects FILE: rows with errors are never dropped");
	cli_distinct_outputs(&opt, NULL, 0);
	if (stream_open_flags(&st, &opt, argc - optind, argv + optind,
			      STREAM_REJECT_RECORDS | STREAM_PREFETCH,
			      &e) < 0) {
		err_print(&e);
		validator_free(v);
		return e.code;
	}
	validator_bind(v, &st);
	if ((bad_field = validator_unknown_field(v, &st)) != NULL) {
		stream_abort(&st); /* its temporaries; the rest ends here */
		cli_usage_error("--field: the input has no column '%s'",
				bad_field);
	}
	while ((k = stream_next(&st, &rec, &e)) > 0) {
		int bad = validator_apply(v, &st, &rec);
		if (bad && filter)
			k = stream_reject(&st, &rec, "has_errors", NULL, &e);
		else
			k = stream_write(&st, &rec, &e);
		if (k < 0)
			break;
	}
	rec_release(&rec);
	if (k < 0) {
		err_print(&e);
		stream_abort(&st);
		validator_free(v);
		return e.code;
	}
	validator_count(v, &st);
	if (!filter && validator_rows_with_errors(v))
		stream_count_reason(&st, "has_errors",
				    validator_rows_with_errors(v));
	rows = st.rows_in;
	malformed =
		st.rows_rejected - (filter ? validator_rows_with_errors(v) : 0);
	invalid = validator_rows_with_errors(v) + malformed;
	validator_free(v);
	if (stream_close(&st, &e) < 0) {
		err_print(&e);
		return e.code;
	}
	{
		int over_n = max_invalid >= 0 && (double)invalid > max_invalid;
		int over_r = max_rate >= 0 && rows > 0 &&
			     (double)invalid > max_rate * (double)rows;
		if (over_n || over_r) {
			cov_warnx(
				"%llu of %llu rows invalid (%.1f%%; %llu with errors, %llu malformed), more than %s %s allows",
				(unsigned long long)invalid,
				(unsigned long long)rows,
				100.0 * (double)invalid / (double)rows,
				(unsigned long long)(invalid - malformed),
				(unsigned long long)malformed,
				over_n ? "--max-invalid" : "--max-invalid-rate",
				over_n ? max_invalid_arg : max_rate_arg);
			return COV_EXIT_DATA;
		}
	}
	return COV_EXIT_OK;
}
