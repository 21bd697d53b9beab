/*
 * dedupe: what cov-dedupe does to a stream — keys, keep policies, merge,
 * duplicates set aside, bounded memory, partitioning.
 *
 * Keys (keyer_*): -k FIELDS joins the fields' values, each preceded by its
 * length, so ("a","bc") and ("ab","c") differ; values are cleaned (NFC,
 * trimmed, inner white space collapsed) and case-folded unless exact.  The
 * contact key ("contact", the default when the stream has an email field)
 * is the canonical email (norm_email.h email_key) when the email holds an
 * address, else first name + last name + company key when a name and a
 * company are both present, else empty.  A record whose key is empty is
 * never a duplicate: it passes through, counted under "key_empty".  Keys
 * are hashed with XXH3-128; only hashes are kept (keytab.h).
 *
 * Policies: first (one streaming pass: a record is written as soon as it is
 * read) and, spooling the input to a temporary file and reading it again,
 * last, newest:FIELD (the latest date in FIELD; missing or invalid dates
 * are oldest; ties go to the first) and most-complete (most non-empty
 * fields; ties go to the first).  --merge fills the survivor's empty fields
 * from its duplicates in the order of the policy and adds dup_count.
 * Output order is always input order; --dupes gets every removed record,
 * unmerged, with dup_of = the survivor's row number (the position of the
 * record among all records read, 1 for the first).
 *
 * Memory: when the key table would pass --memory, the records are split by
 * key hash into partitions (temporary files), each deduplicated on its own
 * within the same budget, and the results merged back by row number, so the
 * output is the same as without the limit.
 */
#ifndef COV_DEDUPE_H
#define COV_DEDUPE_H

#include <stddef.h>
#include <stdint.h>

#include "csvscan.h"
#include "err.h"
#include "keytab.h"
#include "record.h"
#include "stream.h"

enum dedupe_keep {
	DEDUPE_FIRST,
	DEDUPE_LAST,
	DEDUPE_NEWEST,
	DEDUPE_MOST_COMPLETE
};

struct dedupe_opts {
	const char *key; /* -k: "contact" or "f1,f2,..."; NULL: default */
	int exact;       /* --exact */
	int keep;        /* enum dedupe_keep */
	const char *newest_field; /* for DEDUPE_NEWEST */
	int merge;                /* --merge */
	const char *dupes;        /* --dupes FILE */
	size_t memory;            /* --memory in bytes; 0: half of RAM */
	unsigned partition;       /* --partition N; 0: deduplicate */
	const char *prefix;       /* --prefix PATH */
	int gzip;                 /* --gzip: partition files end in .gz */
	unsigned spill_parts;     /* partitions past --memory; 0: automatic */
};

struct keyer;

/* A keyer for spec ("contact" or comma-separated field names; NULL:
 * "contact").  NULL and e (usage) on an empty field name. */
struct keyer *keyer_new(const char *spec, int exact, struct cov_err *e);

/* Find the key fields in s.  For CSV/TSV input (ndjson 0) a missing field
 * is an error (-1, e usage, naming file); NDJSON fields may appear later
 * and are looked up again when s grows. */
int keyer_bind(struct keyer *k, const struct schema *s, int ndjson,
	       const char *file, struct cov_err *e);

/* Hash rec's key into h.  Returns 1, or 0 when the key is empty. */
int keyer_hash(struct keyer *k, const struct schema *s,
	       const struct record *rec, struct key128 *h);

/* keyer_hash for a record csvscan did not build, its fields f read with
 * csvscan_field (only those keyer_fields lists, and only those the key
 * needs: the contact key reads the names and company only without an
 * email). */
int keyer_hash_fields(struct keyer *k, const struct scan_fields *f,
		      struct key128 *h);

/* The schema indices of the fields the key reads, into out (room for 5,
 * or for the -k fields); returns their number. */
size_t keyer_fields(const struct keyer *k, int *out);

/* The bytes hashed by the last keyer_hash (borrowed until the next call). */
const char *keyer_bytes(const struct keyer *k, size_t *n);

void keyer_free(struct keyer *k);

/* Parse a --keep value into o.  -1 and e (usage) when it is not one. */
int dedupe_parse_keep(const char *s, struct dedupe_opts *o, struct cov_err *e);

/* Parse a size: digits with an optional K, M, G or T (powers of 1024, an
 * optional trailing B or iB).  0, or -1 when malformed or zero. */
int dedupe_parse_size(const char *s, size_t *bytes);

/* The table's bound without --memory: half of the memory the process may
 * have, the least of the physical memory, its control group's limit (a
 * container's: cgroup v2 memory.max or v1 memory.limit_in_bytes), the data
 * limit (ulimit -d) and the address space limit (ulimit -v) less 192 MiB
 * (or half of it) for the rest of the process. */
size_t dedupe_default_budget(void);

/* The partition (0..n-1) of a key hash, as --partition uses it. */
unsigned dedupe_partition(const struct key128 *h, unsigned n);

/* Run the whole job on st (opened by the caller; not closed here).  0, or
 * -1 with e filled. */
int dedupe_run(struct stream *st, const struct dedupe_opts *o,
	       struct cov_err *e);

#endif
