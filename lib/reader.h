/*
 * reader: one file's records, whatever its format.
 *
 * A reader owns an in_file window and scans it line by line (records never
 * start mid-line).  While a record is being read, the window keeps every
 * byte from the record's first line on, so a malformed record can be handed
 * over whole (reader_raw) for a reject file, and parsing resumes at the line
 * after it.  Blank lines between records are skipped but counted, so line
 * numbers are those of the file.  A UTF-8 BOM at the start is skipped.
 *
 * Formats: CSV (RFC 4180 through libcsv, see csvio.c), TSV (tab-separated,
 * backslash escapes \t \n \r \\), NDJSON (one JSON object per line, see
 * ndjson.c).  Auto-detection looks at the first non-blank byte: '{' means
 * NDJSON; otherwise a first line with a tab and no comma means TSV; else CSV,
 * its fields separated by ';' when that line has more ';' than ',' outside
 * quotes (r->semicolon), else by ','.  A first line "sep=," or "sep=;"
 * names the separator of CSV, detected or not, and is skipped (counted).
 */
#ifndef COV_READER_H
#define COV_READER_H

#include <csv.h>
#include <stddef.h>

#include "err.h"
#include "io.h"
#include "record.h"

enum rec_format { FMT_AUTO = 0, FMT_CSV, FMT_TSV, FMT_NDJSON };

/* "csv", "tsv", "ndjson" (or "auto"). */
const char *format_name(enum rec_format f);

/* Parse a format name ("csv", "tsv", "ndjson", "jsonl", "json"); -1 if none. */
int format_parse(const char *s);

struct reader {
	struct in_file *in;
	enum rec_format fmt;
	struct schema *schema; /* borrowed: field names; NDJSON adds to it */
	/* private */
	size_t pos;       /* next unread byte in in->buf */
	size_t rec_start; /* first byte of the record being read */
	int in_record;
	long line;      /* lines consumed */
	long rec_line;  /* first line of the current record */
	struct buf raw; /* the last malformed record */
	long raw_line;
	struct buf scratch;
	/* CSV */
	struct csv_parser csv;
	struct record *cur;
	int row_done;
	long bad_line;
	const char *bad_reason;
	char bad_msg[160];
	int rejected;    /* the last error was one malformed record */
	long lines_seen; /* NDJSON: non-blank lines read */
	int *by_alias;   /* NDJSON: per field, 1 + the alias that gave its
			  * value in this record, 0 none (see ndjson.c) */
	size_t by_alias_cap;
	int *unaliased; /* NDJSON: (alias, field) pairs the line being read
			 * unaliased, undone when it is malformed */
	size_t nunaliased, unaliased_cap;
	size_t ncols;  /* CSV/TSV: fields in the header */
	int semicolon; /* CSV: fields are separated by ';' (detected) */
};

/* Open path ("-" = stdin) as fmt (FMT_AUTO detects).  Field names go into
 * schema, which the caller owns.  For CSV/TSV the header is read here and
 * its names must be unique.  NULL and e filled on failure. */
struct reader *reader_open(const char *path, enum rec_format fmt,
			   struct schema *schema, struct cov_err *e);

/* Read the next record into rec (rec_clear'ed first; it gets schema->n
 * fields).  Returns 1, 0 at end, or -1 with e filled.  When r->rejected is
 * set the error was one malformed record: reader_raw holds it and the reader
 * is ready for the next one; otherwise the error is final. */
int reader_next(struct reader *r, struct record *rec, struct cov_err *e);

/* The raw bytes and first line of the last malformed record. */
void reader_raw(const struct reader *r, const char **p, size_t *n, long *line);

void reader_close(struct reader *r);

/* A CSV reader over bytes in memory, for parsing records one at a time
 * with reader_parse: name is the file they came from, ncols the number of
 * fields a record must have. */
struct reader *reader_mem(const char *name, size_t ncols);

/* Parse the first record of p[0..n) (whole lines) into rec as reader_next
 * would.  Returns the bytes it took, blank lines before it and its line
 * end included, with *lines set to the lines they hold; or -1 when the
 * record is malformed or p holds none. */
long reader_parse(struct reader *r, const char *p, size_t n, struct record *rec,
		  long *lines);

/* Shared by the format parsers: the next line (with its '\n', if any) as a
 * pointer into the window, valid until the next call.  1, 0 at end, -1 on
 * error (a line, or a CSV record of several lines, over in_max_record:
 * "record_too_long" at its first line). */
int reader_line(struct reader *r, const char **p, size_t *n, struct cov_err *e);

/* The message for s[0..n), which is not valid UTF-8: "invalid UTF-8",
 * "on line L" when line is not 0, the first bad byte, and when that byte
 * stands alone (0x80 or more, no continuation byte after it, as a
 * one-byte encoding writes an accented letter) a hint to convert the file
 * from Windows-1252. */
void reader_utf8_msg(char *msg, size_t cap, const char *s, size_t n, long line);

/* Mark the current record malformed: keep its raw bytes, fill e. */
void reader_reject(struct reader *r, struct cov_err *e, long line,
		   const char *reason, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Format-specific parts (csvio.c, ndjson.c). */
void csv_reader_init(struct reader *r);
int csv_read_header(struct reader *r, struct cov_err *e);
int csv_next(struct reader *r, struct record *rec, struct cov_err *e);
int tsv_read_header(struct reader *r, struct cov_err *e);
int tsv_next(struct reader *r, struct record *rec, struct cov_err *e);
int ndjson_next(struct reader *r, struct record *rec, struct cov_err *e);

#endif
