/*
 * cli: the options every tool shares (SPEC §3), parsed in one place.
 *
 * A tool lists CLI_COMMON_LONGOPTS in its getopt_long table and
 * CLI_COMMON_SHORTOPTS in its short-option string, and hands every option
 * it does not know itself to cli_common_opt.  CLI_COMMON_HELP is the text of
 * those options for the tool's usage().
 */
#ifndef COV_CLI_H
#define COV_CLI_H

#include <getopt.h>
#include <stdio.h>

#include "reader.h"

struct cli_common {
	const char *output;  /* -o FILE; NULL = stdout */
	const char *rejects; /* --rejects FILE */
	const char *stats;   /* --stats FILE or "-" (stderr) */
	enum rec_format from, to;
	int progress, excel_safe;
};

enum {
	CLI_OPT_TO = 0x1000,
	CLI_OPT_FROM,
	CLI_OPT_REJECTS,
	CLI_OPT_STATS,
	CLI_OPT_PROGRESS,
	CLI_OPT_EXCEL_SAFE,
	CLI_OPT_VERSION,
	CLI_OPT_TOOL /* first free number for a tool's own long options */
};

#define CLI_COMMON_SHORTOPTS "o:h"
#define CLI_COMMON_LONGOPTS                                                    \
	{"output", required_argument, NULL, 'o'},                              \
		{"to", required_argument, NULL, CLI_OPT_TO},                   \
		{"from", required_argument, NULL, CLI_OPT_FROM},               \
		{"rejects", required_argument, NULL, CLI_OPT_REJECTS},         \
		{"stats", required_argument, NULL, CLI_OPT_STATS},             \
		{"progress", no_argument, NULL, CLI_OPT_PROGRESS},             \
		{"excel-safe", no_argument, NULL, CLI_OPT_EXCEL_SAFE},         \
		{"help", no_argument, NULL, 'h'},                              \
	{                                                                      \
		"version", no_argument, NULL, CLI_OPT_VERSION                  \
	}

#define CLI_COMMON_HELP                                                                \
	"Common options:\n"                                                            \
	"  -o, --output FILE   write to FILE (atomically; gzip if FILE ends in .gz)\n" \
	"      --from FORMAT   input format: csv, tsv, ndjson (default: detect)\n"     \
	"      --to FORMAT     output format (default: the input's)\n"                 \
	"      --rejects FILE  write malformed records there and go on\n"              \
	"      --stats FILE    write run counters as JSON (- for stderr)\n"            \
	"      --progress      show rows, MB and rows/s on a terminal\n"               \
	"      --excel-safe    prefix cells starting with = + - @ with '\n"            \
	"  -h, --help          show this help\n"                                       \
	"      --version       show the version\n"

/* Set the program name and signal behaviour; call first in main, with its
 * argv, whose argv[0] becomes name: getopt's messages (an unknown option,
 * a missing value) then begin "cov-TOOL:" as every other, not with the
 * path the tool was run by. */
void cli_init(const char *name, char **argv);

/* Handle a shared option.  Returns 1 when opt was one, 0 when not.  Prints
 * usage and exits 0 for -h, the version for --version; exits 2 with a
 * message on a bad value or on '?' (getopt's unknown option). */
int cli_common_opt(struct cli_common *c, int opt, const char *arg,
		   void (*usage)(FILE *));

/* Exit 2 with "cov-TOOL: msg" and a pointer to --help. */
_Noreturn void cli_usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* 1 when output paths a and b (NULL or "-": standard output) name the same
 * file, however spelt ("x.csv", "./x.csv", a link to it), else 0. */
int cli_same_output(const char *a, const char *b);

/* An output a tool writes besides -o, --rejects and --stats: the option
 * that names it ("--dupes") and its path (NULL: not asked for). */
struct cli_output {
	const char *what, *path;
};

/* Exit 2 when two outputs name the same file (cli_same_output): -o
 * (standard output when not given), --rejects, --stats (unless "-", which
 * is standard error) and the tool's own n others.  Each is written to a
 * file of its own and renamed over its name at the end, so a file named
 * twice would keep only one of them. */
void cli_distinct_outputs(const struct cli_common *c,
			  const struct cli_output *own, size_t n);

/* When r < 0, end the program with e: a usage error that names no file
 * as cli_usage_error does (exit 2), anything else printed with its own
 * exit code.  Nothing when r >= 0. */
void cli_check(int r, const struct cov_err *e);

/* One "ROLE=NAME" item s[0..n) of a --field list, ROLE one of
 * roles[0..nroles) (spaces around '=' are dropped).  Returns the role's
 * index with *name and *nn set to NAME, or -1 with e filled (usage) when
 * the item is malformed or names no role (the message lists them). */
int cli_field_item(const char *s, size_t n, const char *const *roles,
		   int nroles, const char **name, size_t *nn,
		   struct cov_err *e);

/* Parse a non-negative decimal or a rate in [0,1]; -1 on error. */
double cli_parse_number(const char *s);

/* 1 when the environment variable name is "0": a switch of the tools'
 * ENVIRONMENT turned off (COV_FASTSCAN, COV_PREFETCH, COV_AVX2, ...) */
int cli_env_off(const char *name);

/* 1 when the environment variable name is "1": a switch turned on
 * (COV_MMAP) */
int cli_env_on(const char *name);

/* 1 when the processor has AVX-512 (F and BW) and the environment allows
 * it: neither COV_AVX512 nor COV_AVX2 is "0" (tests set them to run the
 * narrower ways).  x86-64 only; else 0. */
int cli_avx512bw(void);

#endif
