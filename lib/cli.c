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

void cli_init(const char *name, char **argv)
{
	cov_progname = name;
	argv[0] = (char *)name;
	signal(SIGPIPE, SIG_DFL);
	out_catch_signals();
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
		cli_usage_error("%s: unknown format '%s' (csv, tsv, ndjson)",
				opt, arg);
	return (enum rec_format)f;
}

int cli_common_opt(struct cli_common *c, int opt, const char *arg,
		   void (*usage)(FILE *))
{
	switch (opt) {
	case 'o': c->output = arg; return 1;
	case CLI_OPT_TO: c->to = format_arg("--to", arg); return 1;
	case CLI_OPT_FROM: c->from = format_arg("--from", arg); return 1;
	case CLI_OPT_REJECTS: c->rejects = arg; return 1;
	case CLI_OPT_STATS: c->stats = arg; return 1;
	case CLI_OPT_PROGRESS: c->progress = 1; return 1;
	case CLI_OPT_EXCEL_SAFE: c->excel_safe = 1; return 1;
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

void cli_distinct_outputs(const struct cli_common *c,
			  const struct cli_output *own, size_t n)
{
	enum { MAX = 8 };
	struct cli_output all[MAX] = {
		{"the output", c->output ? c->output : "-"},
		{"--rejects", c->rejects},
		{"--stats",
		 c->stats && strcmp(c->stats, "-") != 0 ? c->stats : NULL},
	};
	size_t k = 3;

	for (size_t i = 0; i < n && k < MAX; i++)
		all[k++] = own[i];
	for (size_t j = 1; j < k; j++)
		for (size_t i = 0; i < j; i++)
			if (all[i].path && all[j].path &&
			    cli_same_output(all[i].path, all[j].path))
				cli_usage_error("%s and %s name the same file",
						all[j].what, all[i].what);
}

void cli_check(int r, const struct cov_err *e)
{
	if (r >= 0)
		return;
	if (e->code == COV_EXIT_USAGE && !e->file[0])
		cli_usage_error("%s", e->msg);
	err_print(e);
	exit(e->code);
}

int cli_field_item(const char *s, size_t n, const char *const *roles,
		   int nroles, const char **name, size_t *nn, struct cov_err *e)
{
	const char *eq = memchr(s, '=', n);
	char list[400];
	size_t rn, used = 0;

	if (!eq || eq == s || eq + 1 == s + n) {
		err_set(e, COV_EXIT_USAGE, NULL, 0, "usage",
			"--field: expected 'role=NAME', got '%.*s'",
			(int)(n > 60 ? 60 : n), s);
		return -1;
	}
	rn = (size_t)(eq - s);
	while (rn > 0 && s[rn - 1] == ' ')
		rn--;
	*name = eq + 1;
	*nn = (size_t)(s + n - *name);
	while (*nn > 0 && **name == ' ')
		(*name)++, (*nn)--;
	for (int i = 0; i < nroles; i++)
		if (strlen(roles[i]) == rn && memcmp(roles[i], s, rn) == 0)
			return i;
	list[0] = '\0';
	for (int i = 0; i < nroles && used < sizeof list; i++) {
		int k = snprintf(list + used, sizeof list - used, "%s%s",
				 i ? ", " : "", roles[i]);
		if (k < 0)
			break;
		used += (size_t)k;
	}
	err_set(e, COV_EXIT_USAGE, NULL, 0, "usage",
		"--field: unknown role '%.*s' (%s)", (int)(rn > 60 ? 60 : rn),
		s, list);
	return -1;
}

static int env_is(const char *name, const char *value)
{
	const char *env = getenv(name);

	return env && strcmp(env, value) == 0;
}

int cli_env_off(const char *name) { return env_is(name, "0"); }

int cli_env_on(const char *name) { return env_is(name, "1"); }

int cli_avx512bw(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
	__builtin_cpu_init();
	return __builtin_cpu_supports("avx512f") &&
	       __builtin_cpu_supports("avx512bw") &&
	       !cli_env_off("COV_AVX512") && !cli_env_off("COV_AVX2");
#else
	return 0;
#endif
}
