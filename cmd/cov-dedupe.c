/*
 * cov-dedupe: remove duplicate records by key, keeping one per key by a
 * policy; duplicates are set aside (--dupes), never silently lost.  The
 * work is in lib/dedupe.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dedupe.h"
#include "err.h"
#include "stream.h"

enum {
	OPT_EXACT = CLI_OPT_TOOL,
	OPT_KEEP,
	OPT_MERGE,
	OPT_DUPES,
	OPT_MEMORY,
	OPT_PARTITION,
	OPT_PREFIX,
	OPT_GZIP
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: cov-dedupe [OPTIONS] [FILE...]\n"
		"Remove duplicate records, keeping one per key; removed records go to\n"
		"--dupes.  Output keeps the input's order.\n\n"
		"Options:\n"
		"  -k, --key FIELDS      key fields, comma-separated, or 'contact' (the\n"
		"                        default when there is an email field: canonical\n"
		"                        email, else first + last name + company key)\n"
		"      --exact           compare values byte for byte (no trimming or\n"
		"                        case folding)\n"
		"      --keep POLICY     first (default), last, newest:FIELD, most-complete\n"
		"      --merge           fill the survivor's empty fields from its\n"
		"                        duplicates; add dup_count\n"
		"      --dupes FILE      write removed records there, with dup_of (the\n"
		"                        survivor's row number)\n"
		"      --memory SIZE     bound the key table (e.g. 512M, 4G; default: half\n"
		"                        of RAM); past it, work in partitions on disk\n"
		"      --partition N     do not dedupe: split the records into N files by\n"
		"                        key hash, PREFIX-K.FORMAT, for N workers\n"
		"      --prefix PATH     where --partition writes (required with it)\n"
		"      --gzip            gzip the --partition files (names end in .gz)\n"
		"%s\n"
		"Example:\n"
		"  cov-dedupe --keep newest:updated_at --merge --dupes dupes.csv \\\n"
		"      contacts.csv -o unique.csv\n",
		CLI_COMMON_HELP);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"key", required_argument, NULL, 'k'},
		{"exact", no_argument, NULL, OPT_EXACT},
		{"keep", required_argument, NULL, OPT_KEEP},
		{"merge", no_argument, NULL, OPT_MERGE},
		{"dupes", required_argument, NULL, OPT_DUPES},
		{"memory", required_argument, NULL, OPT_MEMORY},
		{"partition", required_argument, NULL, OPT_PARTITION},
		{"prefix", required_argument, NULL, OPT_PREFIX},
		{"gzip", no_argument, NULL, OPT_GZIP},
		CLI_COMMON_LONGOPTS,
		{NULL, 0, NULL, 0}};
	struct cli_common opt = {0};
	struct dedupe_opts o = {0};
	struct stream st;
	struct cov_err e = {0};
	int c, keep_given = 0;

	cli_init("cov-dedupe", argv);
	while ((c = getopt_long(argc, argv, "k:" CLI_COMMON_SHORTOPTS, longopts,
				NULL)) != -1) {
		switch (c) {
		case 'k': o.key = optarg; break;
		case OPT_EXACT: o.exact = 1; break;
		case OPT_KEEP:
			if (dedupe_parse_keep(optarg, &o, &e) < 0)
				cli_usage_error("%s", e.msg);
			keep_given = 1;
			break;
		case OPT_MERGE: o.merge = 1; break;
		case OPT_DUPES: o.dupes = optarg; break;
		case OPT_MEMORY:
			if (dedupe_parse_size(optarg, &o.memory) < 0)
				cli_usage_error(
					"--memory: expected a size such as 64M or 2G, got '%s'",
					optarg);
			break;
		case OPT_PARTITION: {
			char *end;
			long n = strtol(optarg, &end, 10);
			if (*end || n < 1 || n > 1000)
				cli_usage_error(
					"--partition: expected a count from 1 to 1000, got '%s'",
					optarg);
			o.partition = (unsigned)n;
			break;
		}
		case OPT_PREFIX:
			if (!*optarg)
				cli_usage_error("--prefix: empty path");
			o.prefix = optarg;
			break;
		case OPT_GZIP: o.gzip = 1; break;
		default:
			if (!cli_common_opt(&opt, c, optarg, usage))
				cli_usage_error("unknown option");
		}
	}
	if (o.partition) {
		if (!o.prefix)
			cli_usage_error("--partition needs --prefix PATH");
		if (keep_given || o.merge || o.dupes || opt.output)
			cli_usage_error(
				"--partition only splits: --keep, --merge, --dupes and -o apply when each part is deduplicated");
		opt.output = "/dev/null";
	} else if (o.prefix || o.gzip)
		cli_usage_error("--prefix and --gzip go with --partition");
	cli_distinct_outputs(&opt, &(struct cli_output){"--dupes", o.dupes}, 1);
	if (stream_open_flags(&st, &opt, argc - optind, argv + optind,
			      STREAM_PREFETCH, &e) < 0) {
		err_print(&e);
		return e.code;
	}
	if (dedupe_run(&st, &o, &e) < 0) {
		if (e.code == COV_EXIT_USAGE && !e.file[0])
			cli_usage_error("%s", e.msg);
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
