/*
 * keytab: sharded open-addressing set of 128-bit hashes (see keytab.h).
 *
 * Layout: a shard is an array of cap entries of (2 + words) uint64_t each:
 * hash lo, hash hi, then the payload.  The home slot of a hash is
 * (lo * cap) >> 64 (a multiply-shift range reduction, so cap need not be a
 * power of two); collisions probe the next slots, wrapping at the end.
 * Invariant: n <= cap * 3 / 4, so a probe always ends at an empty slot.
 * The shard is the top byte of hi, which the home slot does not use.
 *
 * Growth.  A mapped array (KEYTAB_MAP_MIN bytes or more) grows where it
 * is: its entries are copied aside into spare (one array for the whole
 * table, as large as the largest shard grown so far), the mapping is
 * extended (mremap), and the entries go back from spare.  So a growing
 * table makes fresh pages only for the slots it adds, half as many as a
 * new array each time, and unmaps nothing: fresh pages are the dearest
 * part of growth (the kernel zeroes them; under a hypervisor, it may first
 * have to fetch them), and an unmapping flushes the other threads' TLBs.
 * A smaller array is moved into a new one, malloc'd or mapped.
 */
#include "keytab.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "err.h"

#define KEYTAB_SHARDS 256
#define KEYTAB_MIN_CAP 8
#define KEYTAB_MAP_MIN (16u << 10) /* bytes: a shard mapped (slots_new) */

struct shard {
	uint64_t *slot;
	size_t cap, n;
};

struct keytab {
	struct shard shard[KEYTAB_SHARDS];
	unsigned stride; /* uint64_t per entry */
	size_t count, bytes, budget;
	size_t expect;   /* keytab_expect's hint: keys in all (0: none) */
	uint64_t *spare; /* a mapped shard's entries while it grows */
	size_t spare_bytes;
};

struct keytab *keytab_new(unsigned words)
{
	struct keytab *t = xcalloc(1, sizeof *t);

	t->stride = 2 + (words > 3 ? 3 : words);
	return t;
}

void keytab_set_budget(struct keytab *t, size_t bytes) { t->budget = bytes; }

void keytab_expect(struct keytab *t, size_t keys) { t->expect = keys; }

/* The slots a full shard s grows to: twice or 3/2 its slots, or its
 * share of the keys expected at a load of 2/3 when that is more and
 * within the budget; 0 when even the usual growth would pass the
 * budget. */
static size_t grown_cap(const struct keytab *t, const struct shard *s)
{
	size_t cap = !s->cap          ? KEYTAB_MIN_CAP
		     : t->stride == 2 ? s->cap * 2
				      : s->cap + s->cap / 2;
	size_t slot = t->stride * sizeof(uint64_t);
	size_t want = t->expect / KEYTAB_SHARDS / 2 * 3 + KEYTAB_MIN_CAP;

	if (want > cap &&
	    (!t->budget || t->bytes + (want - s->cap) * slot <= t->budget))
		return want;
	if (t->budget && t->bytes + (cap - s->cap) * slot > t->budget)
		return 0;
	return cap;
}

static size_t home(uint64_t lo, size_t cap)
{
	return (size_t)(((unsigned __int128)lo * cap) >> 64);
}

static void norm_hash(const struct key128 *h, uint64_t *lo, uint64_t *hi)
{
	*lo = h->lo;
	*hi = h->hi;
	if (!*lo && !*hi)
		*lo = 1;
}

/* A zeroed array of bytes for a shard.  A large one is mapped with its
 * pages made at once (MAP_POPULATE), already zero: one call instead of a
 * page fault a page and a second pass to zero it.  Not calloc: its fresh
 * pages map the zero page on the first read (a probe), and the first
 * write then costs a copy and, with other threads running, a TLB
 * shootdown. */
static uint64_t *slots_new(size_t bytes)
{
	uint64_t *p;

	if (bytes >= KEYTAB_MAP_MIN) {
		void *m =
			mmap(NULL, bytes, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

		if (m == MAP_FAILED)
			cov_die(COV_EXIT_IO, "out of memory (%zu bytes)",
				bytes);
		return m;
	}
	p = xmalloc(bytes);
	memset(p, 0, bytes);
	return p;
}

/* Free what slots_new gave for bytes (p NULL, bytes 0: nothing). */
static void slots_free(uint64_t *p, size_t bytes)
{
	if (bytes >= KEYTAB_MAP_MIN)
		munmap(p, bytes);
	else
		free(p);
}

/* The mapped array p of ob bytes made nb bytes (nb > ob) and all zero, in
 * place or moved by the kernel (its pages, not their bytes); NULL, with
 * p as it was, when it cannot be. */
static uint64_t *slots_grow(uint64_t *p, size_t ob, size_t nb)
{
#ifdef MREMAP_MAYMOVE
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t end = ob + (page - ob % page) % page; /* the added pages */
	void *m = mremap(p, ob, nb, MREMAP_MAYMOVE);

	if (m == MAP_FAILED)
		return NULL;
#ifdef MADV_POPULATE_WRITE /* Linux 5.14; without it, a fault a page */
	if (nb > end)
		madvise((char *)m + end, nb - end, MADV_POPULATE_WRITE);
#endif
	/* the old bytes; the rest of their last page was never written */
	memset(m, 0, ob);
	return m;
#else
	(void)p, (void)ob, (void)nb;
	return NULL;
#endif
}

/* Move every entry of s into an array of cap slots: its own, grown, when
 * it is mapped (see Growth above), else a new one. */
static void shard_resize(struct keytab *t, struct shard *s, size_t cap)
{
	size_t ob = s->cap * t->stride * sizeof(uint64_t);
	size_t nb = cap * t->stride * sizeof(uint64_t);
	const uint64_t *from = s->slot;
	uint64_t *slot = NULL;
	int grown = 0;

	if (ob >= KEYTAB_MAP_MIN) {
		if (t->spare_bytes < ob) {
			free(t->spare);
			t->spare = xmalloc(ob);
			t->spare_bytes = ob;
		}
		memcpy(t->spare, s->slot, ob);
		from = t->spare;
		slot = slots_grow(s->slot, ob, nb);
		grown = slot != NULL;
	}
	if (!slot)
		slot = slots_new(nb);
	for (size_t i = 0; i < s->cap; i++) {
		const uint64_t *e = from + i * t->stride;
		size_t j;

		if (!e[0] && !e[1])
			continue;
		j = home(e[0], cap);
		while (slot[j * t->stride] || slot[j * t->stride + 1])
			if (++j == cap)
				j = 0;
		for (size_t w = 0; w < t->stride; w++) /* 2 to 5: no call */
			slot[j * t->stride + w] = e[w];
	}
	t->bytes += nb - ob;
	if (!grown) /* else the old mapping is part of the new one */
		slots_free(s->slot, ob);
	s->slot = slot;
	s->cap = cap;
}

/* The slot of (lo, hi) in s: its entry, or the empty slot where it goes. */
static uint64_t *probe(const struct keytab *t, const struct shard *s,
		       uint64_t lo, uint64_t hi)
{
	size_t j = home(lo, s->cap);

	for (;;) {
		uint64_t *e = s->slot + j * t->stride;

		if ((e[0] == lo && e[1] == hi) || (!e[0] && !e[1]))
			return e;
		if (++j == s->cap)
			j = 0;
	}
}

int keytab_put(struct keytab *t, const struct key128 *h, uint64_t **payload)
{
	uint64_t lo, hi, *e = NULL;
	struct shard *s;

	norm_hash(h, &lo, &hi);
	s = &t->shard[hi >> 56];
	if (s->cap) {
		e = probe(t, s, lo, hi);
		if (e[0] || e[1]) {
			*payload = e + 2;
			return 0;
		}
	}
	if ((s->n + 1) * 4 > s->cap * 3) {
		size_t cap = grown_cap(t, s);

		if (!cap)
			return -1;
		shard_resize(t, s, cap);
		e = probe(t, s, lo, hi); /* the empty slot moved */
	}
	e[0] = lo;
	e[1] = hi;
	if (t->stride > 2) /* most tables have no payload: no call */
		memset(e + 2, 0, (t->stride - 2) * sizeof(uint64_t));
	s->n++;
	t->count++;
	*payload = e + 2;
	return 1;
}

void keytab_prefetch(const struct keytab *t, const struct key128 *h)
{
	uint64_t lo, hi;
	const struct shard *s;

	norm_hash(h, &lo, &hi);
	s = &t->shard[hi >> 56];
	if (s->cap)
		__builtin_prefetch(s->slot + home(lo, s->cap) * t->stride);
	/* an effect the compiler must keep: else, seeing this function's
	 * body (-flto), it finds nothing but loads, deems it pure, and drops
	 * every call, prefetch and all */
	__asm__ volatile("");
}

uint64_t *keytab_get(const struct keytab *t, const struct key128 *h)
{
	uint64_t lo, hi, *e;
	const struct shard *s;

	norm_hash(h, &lo, &hi);
	s = &t->shard[hi >> 56];
	if (!s->cap)
		return NULL;
	e = probe(t, s, lo, hi);
	return (e[0] || e[1]) ? e + 2 : NULL;
}

size_t keytab_count(const struct keytab *t) { return t->count; }
size_t keytab_bytes(const struct keytab *t) { return t->bytes; }

void keytab_each(const struct keytab *t,
		 void (*fn)(const struct key128 *h, const uint64_t *payload,
			    void *arg),
		 void *arg)
{
	for (int k = 0; k < KEYTAB_SHARDS; k++) {
		const struct shard *s = &t->shard[k];

		for (size_t i = 0; i < s->cap; i++) {
			const uint64_t *e = s->slot + i * t->stride;
			struct key128 h;

			if (!e[0] && !e[1])
				continue;
			h.lo = e[0];
			h.hi = e[1];
			fn(&h, e + 2, arg);
		}
	}
}

void keytab_free(struct keytab *t)
{
	if (!t)
		return;
	for (int k = 0; k < KEYTAB_SHARDS; k++)
		slots_free(t->shard[k].slot,
			   t->shard[k].cap * t->stride * sizeof(uint64_t));
	free(t->spare);
	free(t);
}
