/*
 * reader: see reader.h.  This file holds what every format shares: opening
 * with detection, the line scanner over the in_file window, and the
 * bookkeeping of malformed records.
 */
#include "reader.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "norm_text.h"

const char *format_name(enum rec_format f)
{
	switch (f) {
	case FMT_CSV: return "csv";
	case FMT_TSV: return "tsv";
	case FMT_NDJSON: return "ndjson";
	default: return "auto";
	}
}

int format_parse(const char *s)
{
	if (strcmp(s, "csv") == 0)
		return FMT_CSV;
	if (strcmp(s, "tsv") == 0)
		return FMT_TSV;
	if (strcmp(s, "ndjson") == 0 || strcmp(s, "jsonl") == 0 ||
	    strcmp(s, "json") == 0)
		return FMT_NDJSON;
	if (strcmp(s, "auto") == 0)
		return FMT_AUTO;
	return -1;
}

/* in_fill would not keep more than in_max_record bytes: say so at the first
 * line of what it kept.  When open is set, that is a CSV record that runs
 * over several lines (a quoted field left open, maybe by mistake); else it
 * is one line, which has no line end within the limit, so no quote can be
 * the cause, in any format. */
static void say_too_long(struct reader *r, struct cov_err *e, long line,
			 int open)
{
	if (open)
		err_set(e, COV_EXIT_DATA, r->in->name, line, "record_too_long",
			"record longer than %zu MiB (unterminated quote?)",
			in_max_record >> 20);
	else
		err_set(e, COV_EXIT_DATA, r->in->name, line, "record_too_long",
			"line longer than %zu MiB", in_max_record >> 20);
}

int reader_line(struct reader *r, const char **p, size_t *n, struct cov_err *e)
{
	struct in_file *in = r->in;
	size_t seen = 0; /* bytes after pos known to hold no line end: a
			  * long line read in many small pieces (a pipe) is
			  * searched once, not again after every read */

	for (;;) {
		if (r->pos < in->end) {
			char *s = in->buf + r->pos;
			char *nl =
				memchr(s + seen, '\n', in->end - r->pos - seen);
			if (nl || in->eof) {
				*p = s;
				*n = nl ? (size_t)(nl + 1 - s)
					: in->end - r->pos;
				r->pos += *n;
				r->line++;
				return 1;
			}
			seen = in->end - r->pos;
		} else if (in->eof) {
			return 0;
		}
		{
			size_t keep = r->in_record ? r->rec_start : r->pos;
			if (in_fill(in, keep, e) < 0) {
				/* the window holds the record from its first
				 * line (in_record: a CSV record of several
				 * lines), else the line being read, which
				 * r->line does not count yet */
				if (strcmp(e->reason, "record_too_long") == 0)
					say_too_long(r, e,
						     r->in_record ? r->rec_line
								  : r->line + 1,
						     r->in_record);
				else if (e->code == COV_EXIT_DATA &&
					 e->line == 0)
					e->line = r->rec_line ? r->rec_line
						  : r->line   ? r->line
							      : 1;
				return -1;
			}
			r->pos -= keep;
			r->rec_start -= keep;
		}
	}
}

void reader_reject(struct reader *r, struct cov_err *e, long line,
		   const char *reason, const char *fmt, ...)
{
	va_list ap;
	char msg[400];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	err_set(e, COV_EXIT_DATA, r->in->name, line, reason, "%s", msg);
	buf_reset(&r->raw);
	buf_add(&r->raw, r->in->buf + r->rec_start, r->pos - r->rec_start);
	r->raw_line = r->rec_line;
	r->rejected = 1;
}

void reader_utf8_msg(char *msg, size_t cap, const char *s, size_t n, long line)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = text_utf8_bad(s, n);
	char on[32] = "";
	int alone;

	if (line)
		snprintf(on, sizeof on, " on line %ld", line);
	if (i >= n) { /* valid after all: not called so */
		snprintf(msg, cap, "invalid UTF-8%s", on);
		return;
	}
	alone = u[i] < 0xC0 || i + 1 == n || (u[i + 1] & 0xC0) != 0x80;
	snprintf(msg, cap, "invalid UTF-8%s (byte 0x%02X%s)", on, u[i],
		 alone ? ": a file in Windows-1252 or Latin-1? convert it with "
			 "iconv -f WINDOWS-1252 -t UTF-8"
		       : "");
}

void reader_raw(const struct reader *r, const char **p, size_t *n, long *line)
{
	*p = r->raw.p ? r->raw.p : "";
	*n = r->raw.len;
	*line = r->raw_line;
}

/* The line ends in s[0..n). */
static long count_lines(const char *s, size_t n)
{
	long k = 0;
	const char *nl;

	while ((nl = memchr(s, '\n', n)) != NULL) {
		k++;
		n -= (size_t)(nl + 1 - s);
		s = nl + 1;
	}
	return k;
}

/* 1 when the line s[0..n), read as CSV, is split by ';' rather than ','
 * (a file saved as CSV by a spreadsheet set up for a language whose
 * decimal mark is the comma): more ';' than ',' outside double quotes.
 * Such a file leaves a comma in a field unquoted, so a name may hold one.
 * A quote opens a quoted part only as a field's first byte, as in
 * reading. */
static int semicolon_line(const char *s, size_t n)
{
	int inq = 0, start = 1;
	size_t semi = 0, comma = 0;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (inq) {
			if (c == '"')
				inq = 0; /* "" closes and opens again */
			continue;
		}
		if (c == '"' && start)
			inq = 1;
		comma += c == ',';
		semi += c == ';';
		start = c == ';' || c == ',';
	}
	return semi > comma;
}

/* Peek at the first non-blank byte (after a BOM) to pick a format, and
 * for CSV its separator. */
static enum rec_format detect(struct reader *r, struct cov_err *e)
{
	struct in_file *in = r->in;
	long line;

	for (;;) {
		size_t i = r->pos;
		while (i < in->end &&
		       (in->buf[i] == ' ' || in->buf[i] == '\t' ||
			in->buf[i] == '\r' || in->buf[i] == '\n'))
			i++;
		if (i < in->end) {
			const char *s = in->buf + i, *nl;
			size_t m = in->end - i;
			if (*s == '{')
				return FMT_NDJSON;
			nl = memchr(s, '\n', m);
			if (nl || in->eof) {
				size_t len = nl ? (size_t)(nl - s) : m;
				if (memchr(s, '\t', len) &&
				    !memchr(s, ',', len))
					return FMT_TSV;
				r->semicolon = semicolon_line(s, len);
				return FMT_CSV;
			}
		} else if (in->eof) {
			return FMT_CSV;
		}
		/* the line not yet seen whole: after the blank ones */
		line = 1 + count_lines(in->buf + r->pos, i - r->pos);
		if (in_fill(in, r->pos, e) < 0) {
			if (strcmp(e->reason, "record_too_long") == 0)
				say_too_long(r, e, line, 0);
			else if (e->code == COV_EXIT_DATA && e->line == 0)
				e->line = line; /* a bad gzip stream */
			return -1;
		}
		r->pos = 0;
	}
}

/* 1 when the first n bytes of a file (4 unless it is shorter) start as
 * UTF-16 does: a UTF-16 byte order mark (what a spreadsheet's "Unicode
 * text" holds), or two ASCII characters each with a zero byte beside it. */
static int utf16(const char *b, size_t n)
{
	const unsigned char *u = (const unsigned char *)b;

	if (n >= 2 &&
	    ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF)))
		return 1;
	return n >= 4 &&
	       ((u[0] && u[0] < 0x80 && !u[1] && u[2] && u[2] < 0x80 &&
		 !u[3]) ||
		(!u[0] && u[1] && u[1] < 0x80 && !u[2] && u[3] && u[3] < 0x80));
}

/* A first line "sep=," or "sep=;" (with which a program writing CSV for a
 * spreadsheet names the separator): when r's input starts with one, take
 * it (a line read, r->semicolon set) and return 1; else 0, or -1 with e
 * filled when reading fails. */
static int sep_line(struct reader *r, struct cov_err *e)
{
	struct in_file *in = r->in;
	const char *s;
	size_t n;

	while (in->end - r->pos < 7 && !in->eof) {
		if (in_fill(in, r->pos, e) < 0) {
			if (e->code == COV_EXIT_DATA && e->line == 0)
				e->line = 1; /* a bad gzip stream */
			return -1;
		}
		r->pos = 0;
	}
	s = in->buf + r->pos;
	n = in->end - r->pos;
	if (n < 5 || memcmp(s, "sep=", 4) != 0 || (s[4] != ',' && s[4] != ';'))
		return 0;
	if (n > 5 && s[5] != '\n' && (s[5] != '\r' || n < 7 || s[6] != '\n'))
		return 0;
	r->semicolon = s[4] == ';';
	r->pos += n == 5 ? 5 : s[5] == '\n' ? 6 : 7;
	r->line = 1;
	return 1;
}

struct reader *reader_open(const char *path, enum rec_format fmt,
			   struct schema *schema, struct cov_err *e)
{
	struct reader *r;
	int k = 0;

	struct in_file *in = in_open(path, e);
	if (!in)
		return NULL;
	r = xcalloc(1, sizeof *r);
	r->in = in;
	r->schema = schema;
	while (in->end < 4 && !in->eof)
		if (in_fill(in, 0, e) < 0) {
			if (e->code == COV_EXIT_DATA && e->line == 0)
				/* a bad gzip stream: the line it reached */
				e->line = 1 + count_lines(in->buf, in->end);
			goto fail;
		}
	if (utf16(in->buf, in->end)) {
		err_set(e, COV_EXIT_DATA, in->name, 1, "utf16",
			"the file is UTF-16, which cov does not read: convert "
			"it first, e.g. iconv -f UTF-16 -t UTF-8");
		goto fail;
	}
	if (in->end >= 3 && memcmp(in->buf, "\xEF\xBB\xBF", 3) == 0)
		r->pos = 3;
	if (fmt == FMT_AUTO || fmt == FMT_CSV) {
		int k = sep_line(r, e);
		if (k < 0)
			goto fail;
		if (k)
			fmt = FMT_CSV;
	}
	if (fmt == FMT_AUTO) {
		int d = detect(r, e);
		if (d < 0)
			goto fail;
		fmt = (enum rec_format)d;
	}
	r->fmt = fmt;
	if (fmt == FMT_CSV)
		k = csv_read_header(r, e);
	else if (fmt == FMT_TSV)
		k = tsv_read_header(r, e);
	if (k < 0)
		goto fail;
	return r;
fail:
	reader_close(r);
	return NULL;
}

int reader_next(struct reader *r, struct record *rec, struct cov_err *e)
{
	r->rejected = 0;
	switch (r->fmt) {
	case FMT_CSV: return csv_next(r, rec, e);
	case FMT_TSV: return tsv_next(r, rec, e);
	default: return ndjson_next(r, rec, e);
	}
}

struct reader *reader_mem(const char *name, size_t ncols)
{
	struct reader *r = xcalloc(1, sizeof *r);

	r->in = xcalloc(1, sizeof *r->in);
	r->in->name = xstrdup(name);
	r->in->fd = -1;
	r->in->eof = 1;
	r->fmt = FMT_CSV;
	r->ncols = ncols;
	csv_reader_init(r);
	return r;
}

long reader_parse(struct reader *r, const char *p, size_t n, struct record *rec,
		  long *lines)
{
	struct cov_err e;
	int k;

	r->in->buf = (char *)p; /* only read */
	r->in->end = r->in->cap = n;
	r->pos = r->rec_start = 0;
	r->line = 0;
	k = reader_next(r, rec, &e);
	r->in->buf = NULL;
	r->in->end = r->in->cap = 0;
	*lines = r->line;
	if (k > 0)
		return (long)r->pos;
	csv_free(&r->csv); /* whatever state the error left */
	csv_reader_init(r);
	return -1;
}

void reader_close(struct reader *r)
{
	if (!r)
		return;
	if (r->fmt == FMT_CSV)
		csv_free(&r->csv);
	in_close(r->in);
	buf_release(&r->raw);
	buf_release(&r->scratch);
	free(r->by_alias);
	free(r->unaliased);
	free(r);
}
