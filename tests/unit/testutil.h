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

#include <zlib.h>

#include "buf.h"
#include "io.h"
#include "reader.h"
#include "record.h"

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

/* Append lead, then 3 MiB of x, then tail: a line over in_max_record as
 * expect_too_long sets it (1 MiB), and over the window the reader may
 * grow below it (the limit plus a block). */
static inline void add_long_line(struct buf *b, const char *lead,
				 const char *tail)
{
	buf_adds(b, lead);
	for (size_t i = 0; i < (3u << 20) / 64; i++)
		buf_adds(
			b,
			"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
	buf_adds(b, tail);
}

/* Read in[0..len) (gzip-compressed first when gz) as fmt with in_max_record
 * at 1 MiB, in a few chunk sizes: every record before the long one must
 * read, then reading must stop with a final "record_too_long" error at
 * line want_line, saying want_msg. */
static inline void expect_too_long(const char *name, enum rec_format fmt,
				   const struct buf *in, int gz, long want_line,
				   const char *want_msg)
{
	static const size_t chunks[] = {0, 4093, 65537};
	char *path = tmp_write("", 0);

	if (gz) {
		gzFile g = gzopen(path, "wb1");
		cr_assert_not_null(g);
		cr_assert_eq(gzwrite(g, in->p, (unsigned)in->len),
			     (int)in->len);
		cr_assert_eq(gzclose(g), Z_OK);
	} else {
		FILE *f = fopen(path, "wb");
		cr_assert_not_null(f);
		cr_assert_eq(fwrite(in->p, 1, in->len, f), in->len);
		cr_assert_eq(fclose(f), 0);
	}
	in_max_record = 1u << 20;
	for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
		struct schema s = SCHEMA_INIT;
		struct record rec = RECORD_INIT;
		struct cov_err e;
		struct reader *r;
		int k = -1;

		in_chunk_limit = chunks[c];
		memset(&e, 0, sizeof e);
		r = reader_open(path, fmt, &s, &e);
		for (int guard = 0; r && guard < 100000; guard++) {
			k = reader_next(r, &rec, &e);
			if (k <= 0)
				break;
		}
		cr_expect_eq(k, -1, "case '%s', chunk %zu: no error", name,
			     chunks[c]);
		cr_expect(!r || !r->rejected,
			  "case '%s', chunk %zu: a reject, not a final error",
			  name, chunks[c]);
		cr_expect_eq(e.code, COV_EXIT_DATA, "case '%s'", name);
		cr_expect_str_eq(e.reason, "record_too_long", "case '%s'",
				 name);
		cr_expect_str_eq(e.file, path, "case '%s'", name);
		cr_expect_eq(e.line, want_line,
			     "case '%s', chunk %zu: line %ld, want %ld", name,
			     chunks[c], e.line, want_line);
		cr_expect_str_eq(e.msg, want_msg, "case '%s'", name);
		reader_close(r);
		rec_release(&rec);
		schema_release(&s);
	}
	in_chunk_limit = 0;
	in_max_record = IN_MAX_RECORD;
	tmp_remove(path);
}

#endif
