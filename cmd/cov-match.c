/*
 * cov-match: attach each contact to an account of --accounts and record
 * how (match_method) and how surely (match_score).  The methods, the
 * tie-break rules and the tables are in lib/match.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "err.h"
#include "match.h"
#include "stream.h"

enum {
	OPT_ACCOUNTS = CLI_OPT_TOOL,
	OPT_WITH,
	OPT_MIN_SCORE,
	OPT_EXPLAIN,
	OPT_UNMATCHED,
	OPT_MATCHED_ONLY,
	OPT_DOMAINS,
	OPT_FIELD
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: cov-match --accounts FILE [OPTIONS] [FILE...]\n"
		"Attach each contact to an account: by its existing account_id, its\n"
		"e-mail domain, its company name, or a similar company name; add\n"
		"account_id, match_method and match_score.\n\n"
		"Options:\n"
		"      --accounts FILE       the accounts (CSV, TSV or NDJSON, gzip or not,\n"
		"                            normalised or raw export); required\n"
		"      --with FIELDS         copy these account fields as account_FIELD\n"
		"                            (e.g. tier,segment,owner_id,name,country)\n"
		"      --min-score S         least similarity for a fuzzy match, 0..1\n"
		"                            (default %.2f)\n"
		"      --explain             add match_candidates: the accounts weighed\n"
		"      --unmatched FILE      also write contacts that match no account there\n"
		"      --matched-only        leave unmatched contacts out of the output\n"
		"                            (counted as set aside)\n"
		"      --domains-file FILE   'DOMAIN freemail|disposable|ok' lines over the\n"
		"                            embedded free-mail lists (repeatable)\n"
		"      --field ROLE=NAME,... read a role from another column (roles:\n"
		"                            account_id, email, email_domain, company,\n"
		"                            company_key, country)\n"
		"Methods, first that succeeds: existing, domain, name, fuzzy, else none.\n"
		"%s\n"
		"Example:\n"
		"  cov-match --accounts accounts.csv --with tier,owner_id \\\n"
		"      --unmatched unmatched.csv contacts.csv -o matched.csv\n",
		MATCH_MIN_SCORE, CLI_COMMON_HELP);
}

static int started(const struct writer *w)
{
	return w->fmt == FMT_NDJSON || w->started;
}

/* Match one contact and write it (and to um when it matches none). */
static int emit(struct matcher *m, struct stream *st, struct record *rec,
		struct writer *um, int matched_only, struct cov_err *e)
{
	enum match_method how = matcher_apply(m, st, rec);

	if (how == MATCH_NONE && um) {
		size_t n;
		const int *order = matcher_order(m, st, &n);
		if (writer_write(um, &st->schema, order, n, rec, e) < 0)
			return -1;
	}
	if (how == MATCH_NONE && matched_only) {
		stream_count_aside(st);
		return 0;
	}
	return stream_write(st, rec, e);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"accounts", required_argument, NULL, OPT_ACCOUNTS},
		{"with", required_argument, NULL, OPT_WITH},
		{"min-score", required_argument, NULL, OPT_MIN_SCORE},
		{"explain", no_argument, NULL, OPT_EXPLAIN},
		{"unmatched", required_argument, NULL, OPT_UNMATCHED},
		{"matched-only", no_argument, NULL, OPT_MATCHED_ONLY},
		{"domains-file", required_argument, NULL, OPT_DOMAINS},
		{"field", required_argument, NULL, OPT_FIELD},
		CLI_COMMON_LONGOPTS,
		{NULL, 0, NULL, 0}};
	struct cli_common opt = {0};
	struct matcher *m;
	struct stream st;
	struct record rec[MATCH_AHEAD + 1];
	struct cov_err e = {0};
	struct writer *um = NULL;
	const char *accounts = NULL, *unmatched = NULL;
	size_t first = 0, pending = 0;
	int c, k, matched_only = 0;
	const char *bad_field;

	for (int i = 0; i <= MATCH_AHEAD; i++)
		rec[i] = (struct record)RECORD_INIT;
	cli_init("cov-match", argv);
	m = matcher_new();
	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts,
				NULL)) != -1) {
		switch (c) {
		case OPT_ACCOUNTS: accounts = optarg; break;
		case OPT_WITH:
			cli_check(matcher_set_with(m, optarg, &e), &e);
			break;
		case OPT_MIN_SCORE: {
			double s = cli_parse_number(optarg);
			if (s < 0 || s > 1)
				cli_usage_error(
					"--min-score: expected a score between 0 and 1, got '%s'",
					optarg);
			cli_check(matcher_set_min_score(m, s, &e), &e);
			break;
		}
		case OPT_EXPLAIN: matcher_set_explain(m, 1); break;
		case OPT_UNMATCHED: unmatched = optarg; break;
		case OPT_MATCHED_ONLY: matched_only = 1; break;
		case OPT_DOMAINS:
			cli_check(matcher_load_domains(m, optarg, &e), &e);
			break;
		case OPT_FIELD:
			cli_check(matcher_set_fields(m, optarg, &e), &e);
			break;
		default:
			if (!cli_common_opt(&opt, c, optarg, usage))
				cli_usage_error("unknown option");
		}
	}
	if (!accounts)
		cli_usage_error("--accounts FILE is required");
	cli_distinct_outputs(&opt,
			     &(struct cli_output){"--unmatched", unmatched}, 1);
	cli_check(matcher_load_accounts(m, accounts, &e), &e);
	if (stream_open_flags(&st, &opt, argc - optind, argv + optind,
			      STREAM_REJECT_RECORDS | STREAM_PREFETCH,
			      &e) < 0) {
		err_print(&e);
		matcher_free(m);
		return e.code;
	}
	matcher_bind(m, &st);
	if ((bad_field = matcher_unknown_field(m, &st)) != NULL) {
		stream_abort(&st); /* its temporaries; the rest ends here */
		cli_usage_error("--field: the input has no column '%s'",
				bad_field);
	}
	if (unmatched) {
		um = writer_open(unmatched, st.out->fmt, opt.excel_safe, &e);
		if (!um) {
			err_print(&e);
			stream_abort(&st);
			matcher_free(m);
			return e.code;
		}
	}
	/* each contact is matched MATCH_AHEAD records late, so that what its
	 * look-ups read, requested from memory step by step meanwhile, has
	 * arrived (matcher_prefetch); none is held back while a CSV or TSV
	 * header is still to be written, which must not list fields a later
	 * NDJSON record reveals */
	for (;;) {
		struct record *r = &rec[(first + pending) % (MATCH_AHEAD + 1)];
		int keep;
		k = stream_next(&st, r, &e);
		if (k > 0) {
			matcher_prefetch(m, &st, r);
			pending++;
		}
		keep = k > 0 && started(st.out) && (!um || started(um))
			       ? MATCH_AHEAD
			       : 0;
		while (pending > (size_t)keep) {
			struct cov_err we = {0};
			if (emit(m, &st, &rec[first], um, matched_only, &we) <
			    0) {
				e = we;
				k = -1;
				break;
			}
			first = (first + 1) % (MATCH_AHEAD + 1);
			pending--;
		}
		if (k <= 0)
			break;
	}
	for (int i = 0; i <= MATCH_AHEAD; i++)
		rec_release(&rec[i]);
	if (k < 0) {
		err_print(&e);
		writer_abort(um);
		stream_abort(&st);
		matcher_free(m);
		return e.code;
	}
	if (um) {
		size_t n;
		const int *order = matcher_order(m, &st, &n);
		if (writer_close(um, &st.schema, order, n, &e) < 0) {
			err_print(&e);
			stream_abort(&st);
			matcher_free(m);
			return e.code;
		}
	}
	matcher_count(m, &st);
	matcher_free(m);
	if (stream_close(&st, &e) < 0) {
		err_print(&e);
		return e.code;
	}
	return COV_EXIT_OK;
}
