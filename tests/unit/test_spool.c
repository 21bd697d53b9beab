/*
 * Tests for spool: entries written and read back as they were (row, hash,
 * aux, flags and every field's kind and bytes), for narrow records (every
 * field framed) and wide sparse ones (only the fields set, each with its
 * number), any number of times after a rewind; an empty spool reads as
 * empty.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "record.h"
#include "spool.h"

/* rec as a record read back must be: same width, same fields. */
static void assert_same(const struct record *a, const struct record *b)
{
	cr_assert_eq(a->nf, b->nf);
	for (size_t i = 0; i < a->nf; i++) {
		cr_assert_eq(rec_kind(a, i), rec_kind(b, i), "field %zu", i);
		cr_assert_eq(rec_len(a, i), rec_len(b, i), "field %zu", i);
		if (rec_kind(a, i) != VAL_ABSENT)
			cr_assert(memcmp(rec_val(a, i), rec_val(b, i),
					 rec_len(a, i)) == 0,
				  "field %zu", i);
	}
}

/* Record number k: width 6 or 3000, a few fields set (or all of a narrow
 * one), of every kind, empty values among them. */
static void make(struct record *r, int k)
{
	size_t nf = k % 2 ? 3000 : 6;
	char v[32];

	rec_clear(r, nf);
	for (size_t j = 0; j < (k % 2 ? 7u : nf); j++) {
		size_t i = k % 2 ? (j * 431 + (size_t)k) % nf : j;
		int n = snprintf(v, sizeof v, "v%d.%zu", k, j);
		if (j == 2)
			n = 0;
		rec_set(r, i, v, (size_t)n, j == 3 ? VAL_RAW : VAL_STR);
	}
}

Test(spool, round_trip_narrow_and_sparse)
{
	struct spool s;
	struct cov_err e;
	struct record r = RECORD_INIT, got = RECORD_INIT;
	struct spool_entry x, y;

	cr_assert_eq(spool_open(&s, &e), 0);
	cr_assert_eq(spool_read(&s, &y, &got, &e), 0, "empty spool");
	for (int k = 0; k < 200; k++) {
		make(&r, k);
		cr_assert_eq(r.sparse, k % 2 == 1);
		x.row = (uint64_t)k;
		x.h.lo = (uint64_t)k * 3;
		x.h.hi = ~(uint64_t)k;
		x.aux = 77;
		x.flags = (uint32_t)k & 3;
		cr_assert_eq(spool_write(&s, &x, &r, &e), 0);
	}
	for (int pass = 0; pass < 2; pass++) {
		cr_assert_eq(spool_rewind(&s, &e), 0);
		for (int k = 0; k < 200; k++) {
			cr_assert_eq(spool_read(&s, &y, &got, &e), 1);
			make(&r, k);
			cr_assert_eq(y.row, (uint64_t)k);
			cr_assert_eq(y.h.lo, (uint64_t)k * 3);
			cr_assert_eq(y.h.hi, ~(uint64_t)k);
			cr_assert_eq(y.aux, 77);
			cr_assert_eq(y.flags, (uint32_t)k & 3);
			assert_same(&r, &got);
			/* read back sparse as well, and cleared whole */
			cr_assert_eq(got.sparse, k % 2 == 1);
		}
		cr_assert_eq(spool_read(&s, &y, NULL, &e), 0);
	}
	spool_close(&s);
	rec_release(&r);
	rec_release(&got);
}
