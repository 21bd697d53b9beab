/*
 * csvscan: a CSV input read in large chunks and scanned by several
 * threads, for a tool that passes records through as they are and decides
 * about each from a few of its fields (cov-dedupe --keep first).
 *
 * The file is read in chunks of whole records (a chunk ends at a line end
 * outside quotes).  Each thread reads a chunk and scans it, in parallel
 * with the others, and whichever thread is free commits the chunks in
 * input order, one at a time: the tool's commit callback sees every record
 * of a chunk, in order, with its decision data.
 *
 * A record whose bytes are already the CSV the stream's writer would write
 * (fields unquoted, or quoted because they hold a comma, quote or LF; the
 * header's number of fields; valid UTF-8; LF or CRLF line end) is taken
 * from the chunk as it is: no record is built.  Any other record is
 * parsed by the reader's own code (reader_parse) into a struct record.
 * A record that is malformed, or that the tool declines at commit, ends
 * the scan: it and everything after it are handed back to the stream's
 * reader, with its line count, so stream_next goes on from there exactly
 * as if it had read everything before itself.  So do the bytes after the
 * last line end of the file, and a read error is reported where the
 * reader would have met it.
 *
 * Chunks are read (copied into buffers small enough to stay in the
 * processor's cache while they are scanned).  With COV_MMAP "1", a regular
 * file is mapped instead, in larger chunks (CSVSCAN_MAP_CHUNK): a chunk's
 * bytes are then the file's pages, not a copy.  A mapping spans the whole
 * 2 MiB blocks of the file its chunk touches, as huge pages where the
 * page cache holds them so.  Which is faster depends on the machine:
 * mapping costs a page table entry a page (fewer where the page cache
 * holds 2 MiB pages), reading a copy a byte.
 *
 * Threads: as many as processors, at most 4; one when COV_PREFETCH is "0".
 * Memory: 2 x threads + 2 chunks of CSVSCAN_CHUNK bytes, and their
 * records; mapped, each chunk read and not yet committed holds up to two
 * 2 MiB blocks (rarely three) in the resident set, and its buffer (of
 * CSVSCAN_MAP_CHUNK bytes) is touched only when the chunk is read after
 * all (the file's tail, or a mapping that failed).
 */
#ifndef COV_CSVSCAN_H
#define COV_CSVSCAN_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "keytab.h"
#include "record.h"
#include "stream.h"

#define CSVSCAN_CHUNK (512u << 10)   /* read */
#define CSVSCAN_MAP_CHUNK (2u << 20) /* mapped */

/* The chunk size, read or mapped alike; 0 (the default): CSVSCAN_CHUNK
 * read, CSVSCAN_MAP_CHUNK mapped.  Tests set it small to sweep records
 * across chunk edges. */
extern size_t csvscan_chunk;

/* One record of a chunk. */
struct scan_rec {
	uint32_t off;       /* its first byte in the chunk */
	uint32_t len;       /* its CSV bytes, without the line end */
	uint32_t end;       /* the byte after its line end */
	uint32_t line0;     /* line ends in the chunk before its first byte */
	uint32_t lines_end; /* line ends in the chunk up to its end */
	int32_t slow;       /* -1: bytes [off, off+len) are its CSV; else its
			     * index in the chunk's parsed records */
	uint32_t flags;     /* the tool's */
	struct key128 h;    /* the tool's */
};

/* A chunk, as the commit callback sees it. */
struct scan_chunk {
	const char *buf;
	const struct scan_rec *rec;
	size_t n;
	const struct record *slow; /* parsed records (scan_rec.slow) */
};

struct buf;

/* A record's fields as the key callback sees them: read them with
 * csvscan_field. */
struct scan_fields {
	const char *b;       /* the chunk */
	const uint32_t *sep; /* field i ends at b[sep[i]] (comma, line end) */
	size_t pos;          /* the record's first byte in b */
	struct buf *unesc;   /* per field: its value with quotes undoubled */
};

/* csvscan_field for a field in quotes, b[s..e) with its quotes */
const char *csvscan_field_quoted(const struct scan_fields *f, int i, size_t s,
				 size_t e, size_t *n);

/* The value of field i (one of scan_ops.fields) of the record f, quotes
 * undoubled: valid until the key callback returns.  Inline: the key
 * reads a field or two of every record. */
static inline const char *csvscan_field(const struct scan_fields *f, int i,
					size_t *n)
{
	size_t s = i ? f->sep[i - 1] + 1 : f->pos, e = f->sep[i];

	if (f->b[s] == '"')
		return csvscan_field_quoted(f, i, s, e, n);
	*n = e - s;
	return f->b + s;
}

struct scan_ops {
	/* The fields the key callback reads (indices into the schema). */
	const int *fields;
	size_t nfields;
	/* Per-thread state for key, made in the calling thread and freed
	 * in the thread that used it (so it may free what the functions it
	 * called keep per thread). */
	void *(*thread_new)(void *arg);
	void (*thread_free)(void *t);
	/* Fill r->flags and r->h from a record: either its fields f (read
	 * with csvscan_field, only those listed above, and only those the
	 * key needs: a field is found only when asked for) or, when rec is
	 * not NULL, the parsed record.  Called in any thread. */
	void (*key)(void *t, const struct scan_fields *f,
		    const struct record *rec, struct scan_rec *r);
	/* Commit c's records in order, from the first.  Returns how many it
	 * took (fewer than c->n hands the rest back to the stream), or -1
	 * with e filled.  Called in input order, one chunk at a time. */
	long (*commit)(void *arg, const struct scan_chunk *c,
		       struct cov_err *e);
	void *arg;
};

/* Scan the rest of st's current input (which must be CSV, with
 * stream_raw_out not NULL, and not yet read past its header by
 * stream_next).  Returns 0 when it stopped and the bytes it did not take
 * are back in st's reader (stream_next goes on with them), or -1 with e
 * filled (a commit failed). */
int csvscan_run(struct stream *st, const struct scan_ops *ops,
		struct cov_err *e);

/* 1 when csvscan is allowed: COV_FASTSCAN is not "0". */
int csvscan_enabled(void);

#endif
