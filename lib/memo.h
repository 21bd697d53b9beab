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

/* Cache key -> value (ignored when either is longer than MEMO_MAX; key
 * or val may be NULL when its length is 0). */
void memo_put(struct memo *m, const char *key, size_t kn, const char *val,
	      size_t vn);

void memo_free(struct memo *m);

/*
 * A hashed memo, for keys that are many or long (company names): a key is
 * known only by its XXH3-128 hash (120 bits of it are compared; a wrong
 * answer would need two keys that agree on all of them), so keys of any
 * length are cached and only values are stored, inline, at most
 * MEMO_HASHED_MAX bytes.  Four-way set-associative: a set's four hashes
 * fill one 64-byte cache line, a new entry goes first in its set and the
 * oldest leaves.  Memory is fixed at creation: 64 bytes per slot.
 */
#define MEMO_HASHED_MAX 48

struct memo_hashed;

/* A hashed memo of nslots slots (rounded up to a power of two, at least 4). */
struct memo_hashed *memo_hashed_new(size_t nslots);

/* The cached value for key (borrowed, valid until the next
 * memo_hashed_put), or NULL.  *vn gets its length. */
const char *memo_hashed_get(struct memo_hashed *m, const char *key, size_t kn,
			    size_t *vn);

/* Cache key -> value (ignored when the value is longer than
 * MEMO_HASHED_MAX; val may be NULL when vn is 0).  Call it after
 * memo_hashed_get missed: a key put twice takes two slots. */
void memo_hashed_put(struct memo_hashed *m, const char *key, size_t kn,
		     const char *val, size_t vn);

/* A key known by its hash, for a caller that looks up a key a little
 * after it knows it: memo_hashed_hash once, memo_hashed_prefetch (the
 * key's set starts loading into the cache), other work, then the _hash
 * calls, which do as memo_hashed_get and memo_hashed_put. */
struct memo_hash {
	uint64_t lo, hi;
};

void memo_hashed_hash(const char *key, size_t kn, struct memo_hash *h);
void memo_hashed_prefetch(const struct memo_hashed *m,
			  const struct memo_hash *h);
const char *memo_hashed_get_hash(struct memo_hashed *m,
				 const struct memo_hash *h, size_t *vn);
void memo_hashed_put_hash(struct memo_hashed *m, const struct memo_hash *h,
			  const char *val, size_t vn);

void memo_hashed_free(struct memo_hashed *m);

#endif
