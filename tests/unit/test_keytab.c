/*
 * keytab: inserts and lookups, payloads, growth across many shards, the
 * all-zero hash, the budget, iteration, and memory per key at 10^7 keys.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <xxhash.h>

#include "keytab.h"

static struct key128 key_of(uint64_t i)
{
	XXH128_hash_t x = XXH3_128bits(&i, sizeof i);
	struct key128 h = {x.low64, x.high64};
	return h;
}

Test(keytab, insert_find_payload)
{
	struct keytab *t = keytab_new(2);
	uint64_t *p;

	for (uint64_t i = 0; i < 100000; i++) {
		struct key128 h = key_of(i);
		cr_assert_eq(keytab_put(t, &h, &p), 1);
		cr_assert_eq(p[0], 0);
		cr_assert_eq(p[1], 0);
		p[0] = i;
		p[1] = ~i;
	}
	cr_assert_eq(keytab_count(t), 100000);
	for (uint64_t i = 0; i < 100000; i++) {
		struct key128 h = key_of(i);
		cr_assert_eq(keytab_put(t, &h, &p), 0);
		cr_assert_eq(p[0], i, "payload kept across growth");
		cr_assert_eq(p[1], ~i);
		cr_assert_eq(keytab_get(t, &h), p);
	}
	for (uint64_t i = 100000; i < 100100; i++) {
		struct key128 h = key_of(i);
		cr_assert_null(keytab_get(t, &h));
	}
	cr_assert_eq(keytab_count(t), 100000);
	keytab_free(t);
}

Test(keytab, zero_hash_and_neighbours)
{
	struct keytab *t = keytab_new(1);
	struct key128 zero = {0, 0}, one = {1, 0}, two = {0, 1};
	uint64_t *p;

	cr_assert_eq(keytab_put(t, &zero, &p), 1);
	p[0] = 7;
	/* the all-zero hash is stored as (1, 0): the one merge documented */
	cr_assert_eq(keytab_put(t, &one, &p), 0);
	cr_assert_eq(p[0], 7);
	cr_assert_eq(keytab_put(t, &two, &p), 1);
	cr_assert_eq(keytab_count(t), 2);
	keytab_free(t);
}

Test(keytab, same_home_slot_probes)
{
	/* hashes with equal lo land on one home slot: linear probing must
	 * keep them apart, also across the end of the array */
	struct keytab *t = keytab_new(0);
	uint64_t *p;

	for (uint64_t i = 1; i <= 500; i++) {
		struct key128 h = {UINT64_MAX, i};
		cr_assert_eq(keytab_put(t, &h, &p), 1);
	}
	for (uint64_t i = 1; i <= 500; i++) {
		struct key128 h = {UINT64_MAX, i};
		cr_assert_not_null(keytab_get(t, &h));
		cr_assert_eq(keytab_put(t, &h, &p), 0);
	}
	cr_assert_eq(keytab_count(t), 500);
	keytab_free(t);
}

static void count_each(const struct key128 *h, const uint64_t *payload,
		       void *arg)
{
	uint64_t *sum = arg;

	(void)h;
	sum[0]++;
	sum[1] += payload[0];
}

Test(keytab, each_visits_every_entry_once)
{
	struct keytab *t = keytab_new(1);
	uint64_t *p, sum[2] = {0, 0}, want = 0;

	for (uint64_t i = 0; i < 5000; i++) {
		struct key128 h = key_of(i);
		keytab_put(t, &h, &p);
		p[0] = i;
		want += i;
	}
	keytab_each(t, count_each, sum);
	cr_assert_eq(sum[0], 5000);
	cr_assert_eq(sum[1], want);
	keytab_free(t);
}

Test(keytab, budget_refuses_growth_and_changes_nothing)
{
	struct keytab *t = keytab_new(0);
	uint64_t *p, i;
	int r = 0;

	keytab_set_budget(t, 64 * 1024);
	for (i = 0; i < 1000000; i++) {
		struct key128 h = key_of(i);
		if ((r = keytab_put(t, &h, &p)) < 0)
			break;
	}
	cr_assert_eq(r, -1, "the budget must stop growth");
	cr_assert_leq(keytab_bytes(t), 64 * 1024);
	{
		size_t n = keytab_count(t);
		struct key128 h = key_of(i);
		cr_assert_eq(keytab_put(t, &h, &p), -1);
		cr_assert_eq(keytab_count(t), n);
		cr_assert_null(keytab_get(t, &h));
		/* keys already in are still found without growth */
		h = key_of(0);
		cr_assert_eq(keytab_put(t, &h, &p), 0);
	}
	keytab_free(t);
}

/* Load stays between 3/8 (without payload: growth x 2 at 3/4) or 1/2
 * (with: growth by half) and 3/4: bytes per key at most 8/3 or 2 entries,
 * at least 4/3 of one once every shard is in use. */
static void check_per_key(unsigned words, uint64_t n)
{
	struct keytab *t = keytab_new(words);
	uint64_t *p;
	double entry = 16.0 + 8.0 * words, per;
	double most = words ? 2.0 : 8.0 / 3.0;

	for (uint64_t i = 0; i < n; i++) {
		struct key128 h = key_of(i);
		keytab_put(t, &h, &p);
	}
	per = (double)keytab_bytes(t) / (double)keytab_count(t);
	printf("keytab: %llu keys, %u payload words: %.1f bytes a key (entry %.0f)\n",
	       (unsigned long long)n, words, per, entry);
	cr_assert_leq(per, most * entry + 0.5);
	cr_assert_geq(per, 4.0 / 3.0 * entry - 0.5);
	keytab_free(t);
}

Test(keytab, memory_per_key_at_ten_million, .timeout = 120)
{
	check_per_key(0, 10000000);
	check_per_key(1, 10000000);
	/* just past a doubling: every shard at 3/8 or a little more */
	check_per_key(0, 3200000);
}

/* Insert keys [from, to) (all new; key i's first payload word i, when
 * there are payload words), then find every key of [0, to). */
static void put_range(struct keytab *t, unsigned words, uint64_t from,
		      uint64_t to)
{
	uint64_t *p;

	for (uint64_t i = from; i < to; i++) {
		struct key128 h = key_of(i);
		cr_assert_eq(keytab_put(t, &h, &p), 1, "key %llu",
			     (unsigned long long)i);
		if (words)
			p[0] = i;
	}
	for (uint64_t i = 0; i < to; i++) {
		struct key128 h = key_of(i);
		uint64_t *q = keytab_get(t, &h);
		cr_assert_not_null(q);
		if (words)
			cr_assert_eq(q[0], i);
	}
}

/* With the keys foretold, a shard grows once to its share at a load of
 * 2/3: 24 bytes a key without payload (plus the minimum a shard), not
 * the 21 to 43 of doubling; and every key is still found. */
Test(keytab, expect_grows_once_to_the_hinted_size)
{
	const uint64_t n = 1000000;
	struct keytab *t = keytab_new(1);
	size_t share = n / 256 / 2 * 3 + 8; /* keytab.c: grown_cap */
	uint64_t *p;

	keytab_expect(t, n);
	put_range(t, 1, 0, n);
	cr_assert_eq(keytab_bytes(t), 256 * share * 24,
		     "every shard at its hinted size: %zu bytes",
		     keytab_bytes(t));
	/* past the hint: the usual growth (by half, with payload) */
	put_range(t, 1, n, n + n / 4);
	cr_assert_gt(keytab_bytes(t), 256 * share * 24);
	keytab_free(t);

	t = keytab_new(0);
	keytab_expect(t, n);
	for (uint64_t i = 0; i < n; i++) {
		struct key128 h = key_of(i);
		keytab_put(t, &h, &p);
	}
	cr_assert_eq(keytab_bytes(t), 256 * share * 16);
	keytab_free(t);
}

/* A hint too low costs the usual growth; one too high, memory only (24
 * bytes a hinted key); a hint the budget cannot hold is passed over, and
 * growth stops where the budget stops it, not sooner. */
Test(keytab, expect_wrong_or_past_the_budget)
{
	struct keytab *t = keytab_new(0);
	uint64_t *p, i;
	int r = 0;

	keytab_expect(t, 1000);
	put_range(t, 0, 0, 200000);
	cr_assert_leq(keytab_bytes(t), 200000 * 16 * 8 / 3 + 256 * 16 * 8);
	keytab_free(t);

	t = keytab_new(0);
	keytab_expect(t, 1000000);
	put_range(t, 0, 0, 1000);
	cr_assert_leq(keytab_bytes(t), 256 * (1000000 / 256 / 2 * 3 + 8) * 16);
	keytab_free(t);

	t = keytab_new(0);
	keytab_set_budget(t, 64 * 1024);
	keytab_expect(t, 100000000); /* 2.4 GB: far past the budget */
	for (i = 0; i < 1000000; i++) {
		struct key128 h = key_of(i);
		if ((r = keytab_put(t, &h, &p)) < 0)
			break;
	}
	cr_assert_eq(r, -1);
	cr_assert_leq(keytab_bytes(t), 64 * 1024);
	/* as full as without the hint: at least 3/8 of the budget's slots */
	cr_assert_geq(i, 64 * 1024 / 16 * 3 / 8, "stopped at %llu keys",
		      (unsigned long long)i);
	keytab_free(t);
}
