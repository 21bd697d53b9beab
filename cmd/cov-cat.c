/*
 * cov-cat: read CSV, TSV or NDJSON (plain or gzip) and write any of them.
 * The identity of the suite: every other tool's speed is measured against it.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "err.h"
#include "stream.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: cov-cat [OPTIONS] [FILE...]\n"
		"Read CSV, TSV or NDJSON records (plain or gzip) from the FILEs in turn\n"
		"(or standard input) and write them in one format, re-quoted.\n"
		"Every FILE must have the same fields.\n\n"
		"%s\n"
		"Example:\n"
		"  cov-cat --to ndjson contacts.csv.gz | head\n"
		"  cov-cat jan.csv feb.csv mar.csv -o q1.csv.gz\n",
		CLI_COMMON_HELP);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {CLI_COMMON_LONGOPTS,
						 {NULL, 0, NULL, 0}};
	struct cli_common opt = {0};
	struct stream st;
	struct record rec = RECORD_INIT;
	struct cov_err e = {0};
	int c, k;

	cli_init("cov-cat", argv);
	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts,
				NULL)) != -1)
		if (!cli_common_opt(&opt, c, optarg, usage))
			cli_usage_error("unknown option");
	cli_distinct_outputs(&opt, NULL, 0);
	if (stream_open(&st, &opt, argc - optind, argv + optind, &e) < 0) {
		err_print(&e);
		return e.code;
	}
	while ((k = stream_next(&st, &rec, &e)) > 0)
		if (stream_write(&st, &rec, &e) < 0) {
			k = -1;
			break;
		}
	if (k < 0) {
		err_print(&e);
		stream_abort(&st);
		rec_release(&rec);
		return e.code;
	}
	rec_release(&rec);
	if (stream_close(&st, &e) < 0) {
		err_print(&e);
		return e.code;
	}
	return COV_EXIT_OK;
}
