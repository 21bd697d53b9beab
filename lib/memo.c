/*
 * memo: see memo.h.  A slot holds the full hash, both lengths and both
 * strings; a hit needs the hash and the key bytes to match, so a hash
 * collision can only cost a miss, never a wrong answer.
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
	memcpy(s->key, key, kn);
	memcpy(s->val, val, vn);
}

void memo_free(struct memo *m)
{
	if (!m)
		return;
	free(m->slot);
	free(m);
}
