/*
 * stream: the loop every tool runs — inputs read in turn, records out in
 * the chosen format, malformed records to --rejects, and the books kept.
 *
 * Conservation (SPEC §3): every record read is counted in rows_in and ends
 * in exactly one of rows_out (stream_write), rows_rejected (malformed, or
 * stream_reject by the tool) or rows_set_aside (stream_set_aside).
 * stream_close checks the identity and writes --stats.
 *
 * Several input files are read in turn and must have the same fields (CSV
 * and TSV headers equal, in order); NDJSON files share one growing schema.
 * Fields a tool adds (stream_add_field) are written after the input's
 * fields, even when an NDJSON input reveals more fields later.
 */
#ifndef COV_STREAM_H
#define COV_STREAM_H

#include <stdint.h>
#include <time.h>

#include "cli.h"
#include "reader.h"
#include "record.h"

/* A record writer in one format. */
struct writer {
	struct out_file *o;
	enum rec_format fmt;
	int excel_safe;
	int started;     /* header written (CSV/TSV) */
	size_t header_n; /* fields in the written header */
	struct buf keys; /* NDJSON: escaped "name": strings */
	size_t *key_off;
	size_t keys_n, keys_cap;
	unsigned long keys_changes; /* the schema's changes when made */
	size_t *opos;  /* NDJSON, sparse records: field -> place in order */
	size_t opos_n; /* fields opos covers */
	size_t *pick;  /* the places of a sparse record's fields */
	size_t pick_cap;
};

/* Open path ("-"/NULL = stdout) for fmt.  NULL and e filled on failure. */
struct writer *writer_open(const char *path, enum rec_format fmt,
			   int excel_safe, struct cov_err *e);

/* Write rec's fields in the order given (order[i] = field index).  -1 with
 * e filled when a CSV/TSV output meets a field its header lacks. */
int writer_write(struct writer *w, const struct schema *s, const int *order,
		 size_t norder, const struct record *rec, struct cov_err *e);

/* Write the header if nothing was written, then close atomically. */
int writer_close(struct writer *w, const struct schema *s, const int *order,
		 size_t norder, struct cov_err *e);

void writer_abort(struct writer *w);

#define STREAM_MAX_REASONS 128

struct stream {
	struct cli_common *opt;
	struct schema schema;   /* input fields, then the tool's */
	enum rec_format in_fmt; /* format of the first input */
	uint64_t rows_in, rows_out, rows_rejected, rows_set_aside;
	struct {
		char name[48];
		uint64_t n;
	} reason[STREAM_MAX_REASONS];
	size_t nreasons;
	/* private */
	char **files;
	int nfiles, cur;
	int base; /* the input whose header is the schema's */
	struct reader *r;
	struct schema tmp;
	struct writer *out, *rej;
	struct schema rej_schema;
	struct record rej_rec;
	unsigned char *added; /* per field: 1 when the tool added it */
	size_t added_cap;
	int *order;
	size_t norder, order_for;
	uint64_t bytes_done;
	struct timespec t0, last_progress;
	int progress_shown;
	unsigned flags; /* STREAM_* given to stream_open_flags */
	int *rej_map;   /* STREAM_REJECT_RECORDS: schema field -> rej_schema */
	size_t rej_mapped; /* schema fields mapped so far */
	int rej_extra[5]; /* rej_schema indices of reject_file ... reject_raw */
	int *rej_order;
	size_t rej_norder, rej_order_for;
	struct prefetch *pf; /* STREAM_PREFETCH: the reading thread */
	uint64_t pf_bytes;   /* bytes of the current input read so far */
	int pf_pending;      /* start the thread at the next stream_next */
	int raw_on;          /* csvscan.h reads: raw_bytes read so far */
	uint64_t raw_bytes;
};

/* Open the inputs (nfiles names, none = stdin) and, once the first input's
 * format is known, the output.  Empty inputs (no header, no records) before
 * the first that is not are passed over: it gives the header and the
 * format.  -1 with e filled on failure. */
int stream_open(struct stream *st, struct cli_common *opt, int nfiles,
		char **files, struct cov_err *e);

/* Flags of stream_open_flags.  STREAM_REJECT_RECORDS: --rejects is written
 * in the output's format, with the output's fields followed by
 * reject_file, reject_line, reject_reason, reject_message and reject_raw.
 * A malformed record fills only the reject_ fields (its text in
 * reject_raw); a record the tool rejects (stream_reject) keeps its fields. */
enum { STREAM_REJECT_RECORDS = 1, STREAM_PREFETCH = 2 };

/* STREAM_PREFETCH: CSV and TSV inputs are read and parsed by a second
 * thread, a few hundred records ahead of the tool, so parsing overlaps
 * the tool's own work on another core.  Records, malformed ones, errors
 * and the counts come out exactly as without it; NDJSON inputs (whose
 * schema grows as they are read) are read in the calling thread, and so
 * is everything on a single processor or when the environment variable
 * COV_PREFETCH is "0".  The tool must not touch the stream from other
 * threads. */

/* stream_open with flags (stream_open is stream_open_flags with 0). */
int stream_open_flags(struct stream *st, struct cli_common *opt, int nfiles,
		      char **files, unsigned flags, struct cov_err *e);

/* Index of a field the tool adds (appended after the input's fields; an
 * input field of that name is reused instead, but not one renamed from
 * it: see schema_add_name). */
int stream_add_field(struct stream *st, const char *name);

/* 1 when field i of the schema is one the tool added (stream_add_field),
 * not one of the input's. */
static inline int stream_is_added(const struct stream *st, size_t i)
{
	return i < st->added_cap && st->added[i];
}

/* 1 when the inputs gave a field (a header, or an NDJSON key).  When
 * every input was empty, they gave none, and the outputs that mirror them
 * get no header either (stream_close), not one of the tool's fields
 * alone. */
int stream_has_input_field(const struct stream *st);

/* For a tool's --field ROLE=NAME: the first names[k] of n that the user
 * gave (named[k]) and whose field (idx[k], -1 when none) a CSV or TSV
 * input's header lacks, else NULL.  NULL too for NDJSON, whose fields
 * come with its records, and for an input with no header. */
const char *stream_unknown_field(const struct stream *st, char *const *names,
				 const unsigned char *named, const int *idx,
				 size_t n);

/* Next well-formed record.  Malformed ones go to --rejects when given;
 * otherwise they end the run.  1, 0 at end, -1 with e filled. */
int stream_next(struct stream *st, struct record *rec, struct cov_err *e);

/* stream_next in two halves, for a tool that takes each input from its
 * start (csvscan.h): stream_next_in gives the next record of the current
 * input only (0 at its end); stream_next_input then opens the next input
 * and reads its header (1), or says there is none (0), or fails (-1). */
int stream_next_in(struct stream *st, struct record *rec, struct cov_err *e);
int stream_next_input(struct stream *st, struct cov_err *e);

/* Write rec to the output. */
int stream_write(struct stream *st, const struct record *rec,
		 struct cov_err *e);

/* Count rec as rejected by the tool (reason) or as set aside. */
void stream_count_reject(struct stream *st, const char *reason);

/* Count rec as rejected by the tool for reason and, with --rejects, write
 * it there with its file, line, reason and message (NULL: none).  Needs
 * STREAM_REJECT_RECORDS to write (without it, -1 and an internal error
 * when --rejects is open).  0, or -1 with e filled on a write error. */
int stream_reject(struct stream *st, const struct record *rec,
		  const char *reason, const char *message, struct cov_err *e);
void stream_count_aside(struct stream *st);

/* Add n to a per-reason counter (listed under "reasons" in --stats). */
void stream_count_reason(struct stream *st, const char *reason, uint64_t n);

/* Close the output (atomically), write --stats, free everything.  Returns
 * 0 or -1 with e filled. */
int stream_close(struct stream *st, struct cov_err *e);

/* Remove temporaries and free after a fatal error. */
void stream_abort(struct stream *st);

/* For a tool that copies CSV records through as they are (csvscan.h):
 * the output, when a record of the current input can be written as its
 * own canonical bytes (comma-separated CSV in, CSV out, no --excel-safe,
 * more than one field, no field added, the reading thread not started),
 * with the header written; else NULL. */
struct out_file *stream_raw_out(struct stream *st);

/* Count n records read (and show --progress). */
void stream_raw_in(struct stream *st, uint64_t n);

/* Write one record's canonical CSV bytes p[0..n) (no line end) to o, the
 * output stream_raw_out returned. */
static inline void stream_write_raw(struct stream *st, struct out_file *o,
				    const char *p, size_t n)
{
	char *d = out_reserve(o, n + 1);

	memcpy(d, p, n);
	d[n] = '\n';
	o->len += n + 1;
	st->rows_out++;
}

/* Write nrec records whose canonical CSV lines, line ends included, are
 * the n bytes at p, to o (stream_raw_out's), from p itself: p must stay
 * as it is until out_flush(o) (out_write_ref).  What reaches the file is
 * always whole records. */
static inline void stream_write_raw_lines(struct stream *st, struct out_file *o,
					  const char *p, size_t n,
					  uint64_t nrec)
{
	out_write_ref(o, p, n);
	st->rows_out += nrec;
}

/* Seconds since stream_open. */
double stream_seconds(const struct stream *st);

#endif
