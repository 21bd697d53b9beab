/*
 * testutil: small helpers the reader test suites share (included by the
 * test files themselves; not part of lib/).
 */
#ifndef COV_TESTUTIL_H
#define COV_TESTUTIL_H

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"

/* Write s[0..n) to a new temporary file; returns its path (free with
 * tmp_remove). */
static inline char *tmp_write(const char *s, size_t n)
{
	char *path = strdup("/tmp/cov-test-XXXXXX");
	int fd = mkstemp(path);

	cr_assert(fd >= 0, "mkstemp");
	for (size_t off = 0; off < n;) {
		ssize_t w = write(fd, s + off, n - off);
		cr_assert(w > 0, "write");
		off += (size_t)w;
	}
	close(fd);
	return path;
}

static inline void tmp_remove(char *path)
{
	unlink(path);
	free(path);
}

/* Append s with bytes outside printable ASCII, '|' and '\\' as \xHH. */
static inline void esc(struct buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c >= 0x7f || c == '|' || c == '\\')
			buf_addf(b, "\\x%02x", c);
		else
			buf_addc(b, (char)c);
	}
}

#endif
