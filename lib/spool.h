/*
 * spool: an anonymous temporary file of records, written once and read back
 * in order (any number of times), for the passes and partitions of
 * cov-dedupe.
 *
 * Each entry is a record with a row number, a 128-bit key hash, one more
 * 64-bit word (aux) and flags, in a native binary framing:
 *   u64 row, u64 hash lo, u64 hash hi, u64 aux, u32 flags, u32 nf,
 *   u32 data length, u32 m, then m x (u32 length, u8 kind) when m is nf,
 *   else (a sparse record: see record.h) m x (u32 field number, u32
 *   length, u8 kind) for its m fields set; then the field bytes.
 * The file is created in $TMPDIR (else /tmp) and unlinked at once, so it
 * disappears with the process whatever happens.  Not portable between
 * machines: it never outlives the run.
 */
#ifndef COV_SPOOL_H
#define COV_SPOOL_H

#include <stdint.h>
#include <stdio.h>

#include "err.h"
#include "keytab.h"
#include "record.h"

struct spool {
	FILE *f;
	uint64_t n; /* entries written */
	uint64_t bytes;
	struct buf scratch;
};

struct spool_entry {
	uint64_t row, aux;
	struct key128 h;
	uint32_t flags;
};

/* Make s an empty spool.  Its temporary file is created on the first
 * write (spool_write then fails with code 3 when it cannot be); always 0. */
int spool_open(struct spool *s, struct cov_err *e);

/* Append rec (its first nf fields; all when nf is rec->nf) with x.  -1 with
 * e (code 3) on a write error (disk full). */
int spool_write(struct spool *s, const struct spool_entry *x,
		const struct record *rec, struct cov_err *e);

/* Go back to the first entry for reading (flushes what was written). */
int spool_rewind(struct spool *s, struct cov_err *e);

/* Read the next entry into x and rec (rec_clear'ed first; rec may be NULL to
 * skip the fields).  1, 0 at the end, -1 with e (code 3) on a read error or
 * a damaged file. */
int spool_read(struct spool *s, struct spool_entry *x, struct record *rec,
	       struct cov_err *e);

void spool_close(struct spool *s);

#endif
