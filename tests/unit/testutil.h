/*
 * testutil: small helpers the reader test suites share (included by the
 * test files themselves; not part of lib/).
 */
#ifndef COV_TESTUTIL_H
#define COV_TESTUTIL_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "io.h"

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

/* The whole file at path as a string (malloc'd), or "(none)" when it
 * cannot be opened. */
static inline char *tmp_read(const char *path)
{
	FILE *f = fopen(path, "rb");
	long n;
	char *text;

	if (!f)
		return strdup("(none)");
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	text = calloc(1, (size_t)n + 1);
	cr_assert_eq(fread(text, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return text;
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

/* Write in[0..len) to a file and read it back with every chunk size from 1
 * to len + 1, and with no limit; each time, transcript (the suite's own
 * description of what the reader gave) must equal want.  One report per
 * case. */
static inline void sweep_chunks(const char *name, const char *in, size_t len,
				const char *want,
				void (*transcript)(struct buf *, const char *))
{
	char *path = tmp_write(in, len);
	struct buf t = BUF_INIT;

	/* chunk len + 2 stands for "no limit" */
	for (size_t chunk = 1; chunk <= len + 2; chunk++) {
		int same;
		in_chunk_limit = chunk <= len + 1 ? chunk : 0;
		transcript(&t, path);
		same = t.len == strlen(want) && memcmp(t.p, want, t.len) == 0;
		cr_expect(same,
			  "case '%s', chunk %zu:\n--- got\n%.*s--- want\n%s",
			  name, in_chunk_limit, (int)t.len, t.p, want);
		if (!same)
			break;
	}
	in_chunk_limit = 0;
	buf_release(&t);
	tmp_remove(path);
}

#endif
