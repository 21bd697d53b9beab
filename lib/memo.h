/*
 * memo: a small bounded cache of string -> string results, for normalisers
 * whose inputs repeat (company names, countries) across millions of rows.
 *
 * Direct-mapped: a key's XXH3-64 hash picks one slot, and a new entry
 * replaces what was there.  Keys and values live inline in the slot (at
 * most MEMO_MAX bytes each; longer ones are simply not cached), so memory
 * is fixed at creation: nslots * (2 * MEMO_MAX + 24) bytes, and a lookup or
 * insert never allocates.
 */
#ifndef COV_MEMO_H
#define COV_MEMO_H

#include <stddef.h>
#include <stdint.h>

#define MEMO_MAX 80

struct memo;

/* A cache of nslots slots (rounded up to a power of two). */
struct memo *memo_new(size_t nslots);

/* The cached value for key (borrowed, valid until the next memo_put), or
 * NULL.  *vn gets its length. */
const char *memo_get(struct memo *m, const char *key, size_t kn, size_t *vn);

/* Cache key -> value (ignored when either is longer than MEMO_MAX). */
void memo_put(struct memo *m, const char *key, size_t kn, const char *val,
	      size_t vn);

void memo_free(struct memo *m);

#endif
