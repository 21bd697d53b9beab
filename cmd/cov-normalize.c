/*
 * cov-normalize: map export headers to canonical names, clean values and
 * derive persona, seniority, department, email_domain, domain, company_key
 * and region.  The work is in lib/normalize.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "err.h"
#include "norm_value.h"
#include "normalize.h"
#include "stream.h"

enum {
	OPT_MAP = CLI_OPT_TOOL,
	OPT_TAXONOMY,
	OPT_DEFAULT_COUNTRY,
	OPT_DATE_ORDER,
	OPT_KIND
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: cov-normalize [OPTIONS] [FILE...]\n"
		"Map CRM export headers to canonical names, clean every value and\n"
		"derive email_domain, domain, company_key, persona, seniority,\n"
		"department and region.\n\n"
		"Options:\n"
		"      --map 'Source=canonical,...'  rename columns (before the built-in aliases)\n"
		"      --taxonomy FILE       extra title rules (see cov-normalize(1))\n"
		"      --default-country CC  country for phone numbers without one\n"
		"      --date-order mdy|dmy  how to read 03/05/2024 (default mdy)\n"
		"      --kind contacts|accounts  what the export holds (default: from\n"
		"                            its header)\n"
		"%s\n"
		"Example:\n"
		"  cov-normalize --default-country US contacts.csv.gz -o clean.csv\n",
		CLI_COMMON_HELP);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"map", required_argument, NULL, OPT_MAP},
		{"taxonomy", required_argument, NULL, OPT_TAXONOMY},
		{"default-country", required_argument, NULL,
		 OPT_DEFAULT_COUNTRY},
		{"date-order", required_argument, NULL, OPT_DATE_ORDER},
		{"kind", required_argument, NULL, OPT_KIND},
		CLI_COMMON_LONGOPTS,
		{NULL, 0, NULL, 0}};
	struct cli_common opt = {0};
	struct normalize_opts nopt = {0};
	struct normalizer *nz;
	struct stream st;
	struct record rec = RECORD_INIT;
	struct cov_err e = {0};
	int c, k;

	cli_init("cov-normalize", argv);
	nopt.date_order = DATE_MDY;
	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts,
				NULL)) != -1) {
		switch (c) {
		case OPT_MAP: nopt.map = optarg; break;
		case OPT_TAXONOMY: nopt.taxonomy = optarg; break;
		case OPT_DEFAULT_COUNTRY: nopt.default_country = optarg; break;
		case OPT_DATE_ORDER:
			if (strcmp(optarg, "mdy") == 0)
				nopt.date_order = DATE_MDY;
			else if (strcmp(optarg, "dmy") == 0)
				nopt.date_order = DATE_DMY;
			else
				cli_usage_error(
					"--date-order: expected mdy or dmy, got '%s'",
					optarg);
			break;
		case OPT_KIND:
			if (strcmp(optarg, "contacts") == 0)
				nopt.kind = HEADER_CONTACTS;
			else if (strcmp(optarg, "accounts") == 0)
				nopt.kind = HEADER_ACCOUNTS;
			else
				cli_usage_error(
					"--kind: expected contacts or accounts, got '%s'",
					optarg);
			break;
		default:
			if (!cli_common_opt(&opt, c, optarg, usage))
				cli_usage_error("unknown option");
		}
	}
	cli_distinct_outputs(&opt, NULL, 0);
	nz = normalizer_new(&nopt, &e);
	if (!nz) {
		if (e.code == COV_EXIT_USAGE && !e.file[0])
			cli_usage_error("%s", e.msg);
		err_print(&e);
		return e.code;
	}
	if (stream_open_flags(&st, &opt, argc - optind, argv + optind,
			      STREAM_PREFETCH, &e) < 0) {
		err_print(&e);
		normalizer_free(nz);
		return e.code;
	}
	normalizer_bind(nz, &st);
	while ((k = stream_next(&st, &rec, &e)) > 0) {
		normalizer_apply(nz, &st, &rec);
		if (stream_write(&st, &rec, &e) < 0) {
			k = -1;
			break;
		}
	}
	rec_release(&rec);
	normalizer_free(nz);
	if (k < 0) {
		err_print(&e);
		stream_abort(&st);
		return e.code;
	}
	if (stream_close(&st, &e) < 0) {
		err_print(&e);
		return e.code;
	}
	return COV_EXIT_OK;
}
