/*
 * cli: see cli.h.  SIGPIPE is reset to its default so that `cov-x | head`
 * ends quietly even when a parent process ignored it.
 */
#include "cli.h"

#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "err.h"

void cli_init(const char *name)
{
	cov_progname = name;
	signal(SIGPIPE, SIG_DFL);
}

void cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", cov_progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help' for more information.\n",
		cov_progname);
	exit(COV_EXIT_USAGE);
}

static enum rec_format format_arg(const char *opt, const char *arg)
{
	int f = format_parse(arg);
	if (f < 0)
		cli_usage_error("%s: unknown format '%s' (csv, tsv, ndjson)", opt,
				arg);
	return (enum rec_format)f;
}

int cli_common_opt(struct cli_common *c, int opt, const char *arg,
		   void (*usage)(FILE *))
{
	switch (opt) {
	case 'o':
		c->output = arg;
		return 1;
	case CLI_OPT_TO:
		c->to = format_arg("--to", arg);
		return 1;
	case CLI_OPT_FROM:
		c->from = format_arg("--from", arg);
		return 1;
	case CLI_OPT_REJECTS:
		c->rejects = arg;
		return 1;
	case CLI_OPT_STATS:
		c->stats = arg;
		return 1;
	case CLI_OPT_PROGRESS:
		c->progress = 1;
		return 1;
	case CLI_OPT_EXCEL_SAFE:
		c->excel_safe = 1;
		return 1;
	case 'h':
		usage(stdout);
		if (fflush(stdout) != 0 || ferror(stdout))
			exit(COV_EXIT_IO);
		exit(COV_EXIT_OK);
	case CLI_OPT_VERSION:
		printf("%s %s\n", cov_progname, COV_VERSION);
		if (fflush(stdout) != 0 || ferror(stdout))
			exit(COV_EXIT_IO);
		exit(COV_EXIT_OK);
	case '?':
	case ':':
		fprintf(stderr, "Try '%s --help' for more information.\n",
			cov_progname);
		exit(COV_EXIT_USAGE);
	}
	return 0;
}

double cli_parse_number(const char *s)
{
	char *end;
	double d;

	if (!s || !*s)
		return -1;
	d = strtod(s, &end);
	if (*end != '\0' || d < 0 || d != d)
		return -1;
	return d;
}

/* The directory part of path resolved, then its last component. */
static char *resolve_output(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir, *real, *full;
	size_t n;

	if (slash)
		dir = strndup(path, (size_t)(slash - path) + (slash == path));
	else
		dir = strdup(".");
	if (!dir)
		return NULL;
	real = realpath(dir, NULL);
	free(dir);
	if (!real)
		return NULL;
	n = strlen(real) + strlen(path) + 2;
	full = malloc(n);
	if (full)
		snprintf(full, n, "%s/%s", real, slash ? slash + 1 : path);
	free(real);
	return full;
}

int cli_same_output(const char *a, const char *b)
{
	struct stat sa, sb;
	char *ra, *rb;
	int same;

	int sta = !a || !strcmp(a, "-"), stb = !b || !strcmp(b, "-");

	if (sta && stb)
		return 1;
	if ((sta ? fstat(1, &sa) : stat(a, &sa)) == 0 &&
	    (stb ? fstat(1, &sb) : stat(b, &sb)) == 0)
		return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino &&
		       (S_ISREG(sa.st_mode) || S_ISFIFO(sa.st_mode));
	if (sta || stb)
		return 0;
	ra = resolve_output(a);
	rb = resolve_output(b);
	same = ra && rb ? strcmp(ra, rb) == 0 : strcmp(a, b) == 0;
	free(ra);
	free(rb);
	return same;
}
