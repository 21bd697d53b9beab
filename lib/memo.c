/*
 * memo: see memo.h.  A slot holds the full hash, both lengths and both
 * strings; a hit needs the hash and the key bytes to match, so a hash
 * collision can only cost a miss, never a wrong answer.
 *
 * The hashed memo keeps a set as one 256-byte block: the four ways' hashes
 * (high 64 bits, then the low 64 bits with the low byte replaced by the
 * value's length + 1, so 0 marks an empty way) in the first cache line,
 * the four values after them.  A lookup reads the first line and, on a
 * hit, the value's.  Inserting shifts the set down one way (the fourth is
 * dropped): first in, first out, which keeps a hit free of writes.
 */
#include "memo.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "err.h"

struct memo_slot {
	uint64_t hash;
	uint8_t kn, vn, used;
	char key[MEMO_MAX], val[MEMO_MAX];
};

struct memo {
	size_t mask;
	struct memo_slot *slot;
};

struct memo *memo_new(size_t nslots)
{
	struct memo *m = xcalloc(1, sizeof *m);
	size_t n = 16;

	while (n < nslots)
		n *= 2;
	m->mask = n - 1;
	m->slot = xcalloc(n, sizeof *m->slot);
	return m;
}

const char *memo_get(struct memo *m, const char *key, size_t kn, size_t *vn)
{
	uint64_t h;
	struct memo_slot *s;

	if (kn > MEMO_MAX)
		return NULL;
	h = XXH3_64bits(key, kn);
	s = &m->slot[h & m->mask];
	if (!s->used || s->hash != h || s->kn != kn ||
	    memcmp(s->key, key, kn) != 0)
		return NULL;
	*vn = s->vn;
	return s->val;
}

void memo_put(struct memo *m, const char *key, size_t kn, const char *val,
	      size_t vn)
{
	uint64_t h;
	struct memo_slot *s;

	if (kn > MEMO_MAX || vn > MEMO_MAX)
		return;
	h = XXH3_64bits(key, kn);
	s = &m->slot[h & m->mask];
	s->hash = h;
	s->kn = (uint8_t)kn;
	s->vn = (uint8_t)vn;
	s->used = 1;
	if (kn) /* key or val may be NULL when empty */
		memcpy(s->key, key, kn);
	if (vn)
		memcpy(s->val, val, vn);
}

void memo_free(struct memo *m)
{
	if (!m)
		return;
	free(m->slot);
	free(m);
}

#define WAYS 4

struct memo_hset {
	uint64_t tag[WAYS][2];
	char val[WAYS][MEMO_HASHED_MAX];
};

_Static_assert(sizeof(struct memo_hset) == 256, "a set is four cache lines");

struct memo_hashed {
	size_t mask; /* sets - 1 */
	struct memo_hset *set;
};

struct memo_hashed *memo_hashed_new(size_t nslots)
{
	struct memo_hashed *m = xcalloc(1, sizeof *m);
	size_t sets = 1;

	while (sets * WAYS < nslots)
		sets *= 2;
	m->mask = sets - 1;
	m->set = aligned_alloc(64, sets * sizeof *m->set);
	if (!m->set)
		cov_die(COV_EXIT_IO, "out of memory");
	memset(m->set, 0, sets * sizeof *m->set);
	return m;
}

static uint64_t tag_lo(uint64_t lo) { return lo & ~(uint64_t)0xff; }

void memo_hashed_hash(const char *key, size_t kn, struct memo_hash *h)
{
	XXH128_hash_t x = XXH3_128bits(key, kn);

	h->lo = x.low64;
	h->hi = x.high64;
}

void memo_hashed_prefetch(const struct memo_hashed *m,
			  const struct memo_hash *h)
{
	const char *s = (const char *)&m->set[h->hi & m->mask];

	/* the tags, and the values a put moves */
	for (size_t i = 0; i < sizeof(struct memo_hset); i += 64)
		__builtin_prefetch(s + i, 1);
	__asm__ volatile(""); /* kept under -flto: see keytab_prefetch */
}

const char *memo_hashed_get_hash(struct memo_hashed *m,
				 const struct memo_hash *h, size_t *vn)
{
	struct memo_hset *s = &m->set[h->hi & m->mask];
	uint64_t lo = tag_lo(h->lo);

	for (int w = 0; w < WAYS; w++)
		if (s->tag[w][0] == h->hi && (s->tag[w][1] & 0xff) &&
		    (s->tag[w][1] & ~(uint64_t)0xff) == lo) {
			*vn = (size_t)(s->tag[w][1] & 0xff) - 1;
			return s->val[w];
		}
	return NULL;
}

void memo_hashed_put_hash(struct memo_hashed *m, const struct memo_hash *h,
			  const char *val, size_t vn)
{
	struct memo_hset *s;

	if (vn > MEMO_HASHED_MAX)
		return;
	s = &m->set[h->hi & m->mask];
	memmove(s->tag[1], s->tag[0], (WAYS - 1) * sizeof s->tag[0]);
	memmove(s->val[1], s->val[0], (WAYS - 1) * sizeof s->val[0]);
	s->tag[0][0] = h->hi;
	s->tag[0][1] = tag_lo(h->lo) | (uint64_t)(vn + 1);
	if (vn) /* val may be NULL when empty */
		memcpy(s->val[0], val, vn);
}

const char *memo_hashed_get(struct memo_hashed *m, const char *key, size_t kn,
			    size_t *vn)
{
	struct memo_hash h;

	memo_hashed_hash(key, kn, &h);
	return memo_hashed_get_hash(m, &h, vn);
}

void memo_hashed_put(struct memo_hashed *m, const char *key, size_t kn,
		     const char *val, size_t vn)
{
	struct memo_hash h;

	memo_hashed_hash(key, kn, &h);
	memo_hashed_put_hash(m, &h, val, vn);
}

void memo_hashed_free(struct memo_hashed *m)
{
	if (!m)
		return;
	free(m->set);
	free(m);
}
