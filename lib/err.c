/*
 * err: see err.h.  Messages are built in fixed-size buffers so reporting
 * never allocates (it may run because allocation failed).
 */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *cov_progname = "cov";

void err_set(struct cov_err *e, int code, const char *file, long line,
	     const char *reason, const char *fmt, ...)
{
	va_list ap;

	e->code = code;
	e->line = line;
	snprintf(e->file, sizeof e->file, "%s", file ? file : "");
	snprintf(e->reason, sizeof e->reason, "%s", reason ? reason : "");
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
}

void err_print(const struct cov_err *e)
{
	if (e->file[0] && e->line > 0)
		fprintf(stderr, "%s: %s:%ld: %s\n", cov_progname, e->file,
			e->line, e->msg);
	else if (e->file[0])
		fprintf(stderr, "%s: %s: %s\n", cov_progname, e->file, e->msg);
	else
		fprintf(stderr, "%s: %s\n", cov_progname, e->msg);
}

static void vsay(const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", cov_progname);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void cov_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
}

void cov_die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
	exit(code);
}

static void *check(void *p, size_t n)
{
	if (p == NULL && n != 0)
		cov_die(COV_EXIT_IO, "out of memory (%zu bytes)", n);
	return p;
}

void *xmalloc(size_t n) { return check(malloc(n ? n : 1), n); }

void *xcalloc(size_t n, size_t size)
{
	return check(calloc(n ? n : 1, size ? size : 1), n * size);
}

void *xrealloc(void *p, size_t n) { return check(realloc(p, n ? n : 1), n); }

char *xstrdup(const char *s) { return xstrndup(s, strlen(s)); }

char *xstrndup(const char *s, size_t n)
{
	char *d = xmalloc(n + 1);

	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

void err_quote_value(char *dst, size_t dstsz, const char *s, size_t n,
		     size_t max)
{
	size_t used = strlen(dst), i;

	for (i = 0; i < n && i < max && used + 4 < dstsz; i++) {
		unsigned char c = (unsigned char)s[i];
		dst[used++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	if (i < n && used + 4 < dstsz) {
		memcpy(dst + used, "...", 3);
		used += 3;
	}
	dst[used] = '\0';
}
