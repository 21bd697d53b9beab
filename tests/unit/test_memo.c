/*
 * Tests for memo: the direct-mapped memo (hits, misses, replacement, keys
 * and values at and past MEMO_MAX) and the hashed memo (any key length,
 * values at and past MEMO_HASHED_MAX, four ways a set, first in first
 * out).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "memo.h"

Test(memo, hit_miss_replace)
{
	struct memo *m = memo_new(16);
	const char *v;
	size_t vn;

	cr_assert_null(memo_get(m, "acme", 4, &vn));
	memo_put(m, "acme", 4, "ACME", 4);
	v = memo_get(m, "acme", 4, &vn);
	cr_assert(v && vn == 4 && memcmp(v, "ACME", 4) == 0);
	cr_assert_null(memo_get(m, "acm", 3, &vn), "a prefix is another key");
	memo_put(m, "acme", 4, "", 0);
	v = memo_get(m, "acme", 4, &vn);
	cr_assert(v && vn == 0, "an empty value is a value");
	memo_free(m);
}

Test(memo, lengths_at_the_limit)
{
	struct memo *m = memo_new(16);
	char k[MEMO_MAX + 1];
	size_t vn;

	memset(k, 'k', sizeof k);
	memo_put(m, k, MEMO_MAX, k, MEMO_MAX);
	cr_assert_not_null(memo_get(m, k, MEMO_MAX, &vn));
	cr_assert_eq(vn, MEMO_MAX);
	memo_put(m, k, MEMO_MAX + 1, "v", 1);
	cr_assert_null(memo_get(m, k, MEMO_MAX + 1, &vn),
		       "longer keys not kept");
	memo_put(m, "x", 1, k, MEMO_MAX + 1);
	cr_assert_null(memo_get(m, "x", 1, &vn), "longer values not kept");
	memo_free(m);
}

Test(memo_hashed, hit_miss_and_long_keys)
{
	struct memo_hashed *m = memo_hashed_new(64);
	char key[1000];
	const char *v;
	size_t vn;

	memset(key, 'a', sizeof key);
	cr_assert_null(memo_hashed_get(m, key, sizeof key, &vn));
	memo_hashed_put(m, key, sizeof key, "long", 4);
	v = memo_hashed_get(m, key, sizeof key, &vn);
	cr_assert(v && vn == 4 && memcmp(v, "long", 4) == 0,
		  "keys of any length are kept");
	cr_assert_null(memo_hashed_get(m, key, sizeof key - 1, &vn));
	memo_hashed_put(m, "", 0, "empty key", 9);
	v = memo_hashed_get(m, "", 0, &vn);
	cr_assert(v && vn == 9 && memcmp(v, "empty key", 9) == 0);
	memo_hashed_put(m, "e", 1, "", 0);
	v = memo_hashed_get(m, "e", 1, &vn);
	cr_assert(v && vn == 0, "an empty value is a value");
	memo_hashed_free(m);
}

Test(memo_hashed, value_lengths)
{
	struct memo_hashed *m = memo_hashed_new(64);
	char val[MEMO_HASHED_MAX + 1];
	const char *v;
	size_t vn;

	for (size_t i = 0; i < sizeof val; i++)
		val[i] = (char)('a' + i % 26);
	memo_hashed_put(m, "max", 3, val, MEMO_HASHED_MAX);
	v = memo_hashed_get(m, "max", 3, &vn);
	cr_assert(v && vn == MEMO_HASHED_MAX &&
		  memcmp(v, val, MEMO_HASHED_MAX) == 0);
	memo_hashed_put(m, "over", 4, val, MEMO_HASHED_MAX + 1);
	cr_assert_null(memo_hashed_get(m, "over", 4, &vn),
		       "longer values are not kept");
	memo_hashed_free(m);
}

Test(memo_hashed, ways_first_in_first_out)
{
	/* one set of four ways: a fifth key pushes out the first */
	struct memo_hashed *m = memo_hashed_new(4);
	char k[16];
	size_t vn;

	for (int i = 0; i < 5; i++) {
		int n = snprintf(k, sizeof k, "key%d", i);
		memo_hashed_put(m, k, (size_t)n, k, (size_t)n);
	}
	cr_assert_null(memo_hashed_get(m, "key0", 4, &vn), "oldest gone");
	for (int i = 1; i < 5; i++) {
		int n = snprintf(k, sizeof k, "key%d", i);
		const char *v = memo_hashed_get(m, k, (size_t)n, &vn);
		cr_assert(v && vn == (size_t)n && memcmp(v, k, vn) == 0,
			  "key%d kept", i);
	}
	memo_hashed_free(m);
}

Test(memo_hashed, many_keys_never_wrong)
{
	/* four times more keys than slots: every answer given is right */
	struct memo_hashed *m = memo_hashed_new(1024);
	char k[32], want[32];
	long hits = 0;

	for (int round = 0; round < 2; round++)
		for (int i = 0; i < 4096; i++) {
			int n = snprintf(k, sizeof k, "company %d", i);
			int wn = snprintf(want, sizeof want, "key %d", i);
			size_t vn;
			const char *v;
			v = memo_hashed_get(m, k, (size_t)n, &vn);
			if (v) {
				cr_assert(vn == (size_t)wn &&
						  memcmp(v, want, vn) == 0,
					  "%s", k);
				hits++;
			} else {
				memo_hashed_put(m, k, (size_t)n, want,
						(size_t)wn);
			}
		}
	cr_assert_lt(hits, 4096, "more keys than slots: some evicted");
	memo_hashed_free(m);
}

/* Hashed once, then prefetched, looked up and put by the hash: the same
 * memo as by the key (either way finds what the other put). */
Test(memo_hashed, by_hash_same_as_by_key)
{
	struct memo_hashed *m = memo_hashed_new(64);
	struct memo_hash h, h2;
	const char *v;
	size_t vn;

	memo_hashed_hash("Acme, Inc.", 10, &h);
	memo_hashed_hash("Acme, Inc.", 10, &h2);
	cr_assert(h.lo == h2.lo && h.hi == h2.hi,
		  "the same key, the same hash");
	memo_hashed_prefetch(m, &h);
	cr_assert_null(memo_hashed_get_hash(m, &h, &vn));
	memo_hashed_put_hash(m, &h, "acme", 4);
	v = memo_hashed_get(m, "Acme, Inc.", 10, &vn);
	cr_assert(v && vn == 4 && memcmp(v, "acme", 4) == 0);
	cr_assert_null(memo_hashed_get(m, "Acme, Inc", 9, &vn));
	memo_hashed_put(m, "Globex", 6, "globex", 6);
	memo_hashed_hash("Globex", 6, &h);
	v = memo_hashed_get_hash(m, &h, &vn);
	cr_assert(v && vn == 6 && memcmp(v, "globex", 6) == 0);
	memo_hashed_hash("globex", 6, &h2);
	cr_assert(h.lo != h2.lo || h.hi != h2.hi);
	cr_assert_null(memo_hashed_get_hash(m, &h2, &vn));
	memo_hashed_free(m);
}

/* An empty value may come from a buffer that never held anything (NULL,
 * 0): it is cached as the empty value, and nothing is read from NULL
 * (which UndefinedBehaviorSanitizer would report). */
Test(memo_hashed, empty_value_from_no_buffer)
{
	struct memo_hashed *m = memo_hashed_new(16);
	struct memo *d = memo_new(16);
	struct memo_hash h;
	size_t vn = 1;

	memo_hashed_hash("Inc.", 4, &h);
	memo_hashed_put_hash(m, &h, NULL, 0);
	cr_assert_not_null(memo_hashed_get_hash(m, &h, &vn));
	cr_assert_eq(vn, 0);
	memo_put(d, "Inc.", 4, NULL, 0);
	vn = 1;
	cr_assert_not_null(memo_get(d, "Inc.", 4, &vn));
	cr_assert_eq(vn, 0);
	memo_hashed_free(m);
	memo_free(d);
}
