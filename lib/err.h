/*
 * err: exit codes, error records and the "cov-TOOL: FILE:LINE: message"
 * reporting every tool shares.
 *
 * Library code never prints or exits: it fills a struct cov_err and returns
 * an error.  Only cmd/ prints (err_print) and exits.  The allocation wrappers
 * are the one exception: running out of memory ends the program with exit 3,
 * because no caller could do anything better.
 */
#ifndef COV_ERR_H
#define COV_ERR_H

#include <stddef.h>

enum {
	COV_EXIT_OK = 0,    /* success */
	COV_EXIT_DATA = 1,  /* malformed input, threshold exceeded */
	COV_EXIT_USAGE = 2, /* bad options */
	COV_EXIT_IO = 3     /* cannot open/write, out of memory */
};

struct cov_err {
	int code;        /* one of COV_EXIT_*; 0 when no error */
	long line;       /* 0 when no line applies */
	char file[256];  /* "" when no file applies; "-" is stdin */
	char reason[48]; /* short stable reason code, e.g. "bad_quote" */
	char msg[512];
};

/* Name printed before every message; set once by cmd/ from argv[0]. */
extern const char *cov_progname;

/* Fill e.  file may be NULL, line may be 0, reason may be NULL. */
void err_set(struct cov_err *e, int code, const char *file, long line,
	     const char *reason, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* Print e as "cov-TOOL: FILE:LINE: msg" (parts that are unset omitted). */
void err_print(const struct cov_err *e);

/* Print "cov-TOOL: msg" to stderr. */
void cov_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print "cov-TOOL: msg" and exit with code. */
_Noreturn void cov_die(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Allocators that exit 3 with a message instead of returning NULL. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Append at most max bytes of s to dst (size dstsz), replacing control bytes
 * with '?' and marking a cut with "...": for quoting offending values. */
void err_quote_value(char *dst, size_t dstsz, const char *s, size_t n,
		     size_t max);

#endif
