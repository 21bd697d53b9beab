/*
 * keytab: a set of 128-bit key hashes (XXH3-128), each with zero to three
 * 64-bit words of payload, for deduplicating by key without keeping
 * the keys.
 *
 * An entry is the hash (16 bytes) and its payload words: 16 to 40
 * bytes.  The table is split into 256 shards by the top byte of the hash;
 * each shard is an open-addressing array with linear probing, at most 3/4
 * full, grown when an insert would pass that: a table without payload
 * doubles (its load stays between 3/8 and 3/4, a key costs 21 to 43
 * bytes), since a key is then moved once on average instead of twice, and
 * the key table is most of cov-dedupe's work when most keys are new; a
 * table with payload grows by half (x 3/2: load between 1/2 and 3/4, a
 * key between 4/3 and 2 entry sizes).  Growing one small shard at a
 * time keeps the transient of a rehash to one shard, not the whole table.
 * A shard of 16 KiB or more is mapped with its pages made at once, and
 * grows in place: only its added slots take fresh memory.
 * A caller that can foresee the number of keys says so (keytab_expect),
 * and the shards then grow straight to that size instead.
 * Nothing is ever deleted, so no tombstones are needed.
 *
 * The all-zero hash marks an empty slot; a key whose hash is all zero is
 * stored as hash (1, 0), a merge with that one other hash that happens
 * with probability 2^-128.
 */
#ifndef COV_KEYTAB_H
#define COV_KEYTAB_H

#include <stddef.h>
#include <stdint.h>

struct key128 {
	uint64_t lo, hi;
};

struct keytab;

/* A new empty table whose entries carry words (0 to 3) payload words.
 * Never NULL (exits 3 on out of memory). */
struct keytab *keytab_new(unsigned words);

/* Refuse to grow past bytes of slots (0: no limit). */
void keytab_set_budget(struct keytab *t, size_t bytes);

/* A hint: about that many keys are expected in all (0: none, the
 * default).
 * A shard that must grow then grows at once to its share of them at a
 * load of 2/3, when that is more than its usual growth and within the
 * budget, so a key is moved about once instead of at every doubling.  A
 * hint too high costs memory (at most 24 bytes a hinted key without
 * payload), never a wrong answer; one too low costs the usual growth. */
void keytab_expect(struct keytab *t, size_t keys);

/* Find h, inserting it (payload zeroed) when absent.  *payload points to its
 * payload words (valid until the next insert).  Returns 1 when inserted, 0
 * when found, -1 when inserting would pass the budget (nothing changed). */
int keytab_put(struct keytab *t, const struct key128 *h, uint64_t **payload);

/* Start loading the home slot of h into the cache (a hint: nothing
 * changes), so a keytab_put a little later does not wait for memory. */
void keytab_prefetch(const struct keytab *t, const struct key128 *h);

/* The payload words of h, or NULL when h is absent. */
uint64_t *keytab_get(const struct keytab *t, const struct key128 *h);

/* Keys stored, and bytes of slots allocated. */
size_t keytab_count(const struct keytab *t);
size_t keytab_bytes(const struct keytab *t);

/* Call fn for every entry (hash and payload), in no particular order. */
void keytab_each(const struct keytab *t,
		 void (*fn)(const struct key128 *h, const uint64_t *payload,
			    void *arg),
		 void *arg);

void keytab_free(struct keytab *t);

#endif
