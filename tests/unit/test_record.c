/*
 * Tests for record: the schema (add, find, rename, own names beside old
 * names, truncate and realias, equal, copy, growth of its hash index past
 * many names, names holding NUL bytes) and records (rec_set from the
 * record's own buffer while it grows, every value length on both of
 * rec_set's paths, rec_copy, and rec_clear keeping its memory so that
 * reading rows costs no malloc).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "record.h"

static int add(struct schema *s, const char *name)
{
	return schema_add(s, name, strlen(name));
}

static int find(const struct schema *s, const char *name)
{
	return schema_find(s, name, strlen(name));
}

Test(schema, add_and_find)
{
	struct schema s = SCHEMA_INIT;

	cr_assert_eq(find(&s, "a"), -1, "empty schema");
	cr_assert_eq(add(&s, "email"), 0);
	cr_assert_eq(add(&s, "phone"), 1);
	cr_assert_eq(add(&s, ""), 2);
	cr_assert_eq(add(&s, "email"), 0, "adding again finds it");
	cr_assert_eq(s.n, 3);
	cr_assert_eq(find(&s, "phone"), 1);
	cr_assert_eq(find(&s, ""), 2);
	cr_assert_eq(find(&s, "Email"), -1, "case matters");
	cr_assert_eq(find(&s, "emai"), -1);
	cr_assert_eq(schema_find(&s, "emailx", 5), 0, "length is honoured");
	cr_assert_str_eq(s.names[1], "phone");
	cr_assert_eq(s.lens[1], 5);
	schema_release(&s);
	cr_assert_eq(s.n, 0);
	cr_assert_eq(find(&s, "email"), -1, "released schema is empty");
}

Test(schema, names_with_nul_bytes)
{
	struct schema s = SCHEMA_INIT;

	cr_assert_eq(schema_add(&s, "a\0b", 3), 0);
	cr_assert_eq(schema_add(&s, "a\0c", 3), 1);
	cr_assert_eq(schema_add(&s, "a", 1), 2);
	cr_assert_eq(schema_add(&s, "\0", 1), 3);
	cr_assert_eq(schema_add(&s, "", 0), 4);
	cr_assert_eq(schema_find(&s, "a\0b", 3), 0);
	cr_assert_eq(schema_find(&s, "a\0c", 3), 1);
	cr_assert_eq(schema_find(&s, "a\0", 2), -1);
	cr_assert_eq(schema_find(&s, "\0", 1), 3);
	cr_assert_eq(s.lens[0], 3);
	cr_assert(memcmp(s.names[0], "a\0b", 3) == 0);
	schema_release(&s);
}

Test(schema, growth_past_many_fields)
{
	struct schema s = SCHEMA_INIT, c = SCHEMA_INIT;
	char name[32];

	for (int i = 0; i < 1000; i++) {
		snprintf(name, sizeof name, "field_%d", i);
		cr_assert_eq(add(&s, name), i);
		/* every earlier name still found after each index growth */
		if (i % 97 == 0)
			for (int j = 0; j <= i; j++) {
				snprintf(name, sizeof name, "field_%d", j);
				cr_assert_eq(find(&s, name), j);
			}
	}
	cr_assert_eq(s.n, 1000);
	cr_assert_geq(s.nslots, 2 * s.n, "load factor under 1/2");
	cr_assert_eq(s.nslots & (s.nslots - 1), 0, "power of two");
	for (int j = 0; j < 1000; j++) {
		snprintf(name, sizeof name, "field_%d", j);
		cr_assert_eq(find(&s, name), j);
		snprintf(name, sizeof name, "other_%d", j);
		cr_assert_eq(find(&s, name), -1);
	}
	schema_copy(&c, &s);
	cr_assert(schema_equal(&c, &s));
	for (int j = 0; j < 1000; j++) {
		snprintf(name, sizeof name, "field_%d", j);
		cr_assert_eq(find(&c, name), j);
	}
	schema_release(&s);
	schema_release(&c);
}

Test(schema, rename)
{
	struct schema s = SCHEMA_INIT;

	add(&s, "a");
	add(&s, "b");
	add(&s, "c");
	cr_assert_eq(schema_rename(&s, 1, "c", 1), -1, "name taken");
	cr_assert_str_eq(s.names[1], "b", "unchanged on failure");
	cr_assert_eq(find(&s, "c"), 2);
	cr_assert_eq(schema_rename(&s, 1, "beta", 4), 0);
	cr_assert_str_eq(s.names[1], "beta");
	cr_assert_eq(s.lens[1], 4);
	cr_assert_eq(find(&s, "beta"), 1);
	cr_assert_eq(s.n, 3, "renaming adds no field");
	/* the old name is an alias of the renamed field (record.h) */
	cr_assert_eq(find(&s, "b"), 1);
	cr_assert_eq(add(&s, "b"), 1);
	cr_assert_eq(s.n, 3);
	cr_assert_eq(find(&s, "a"), 0);
	cr_assert_eq(add(&s, "d"), 3);
	/* many renames, then growth: everything still found */
	for (int i = 0; i < 100; i++) {
		char name[16];
		snprintf(name, sizeof name, "n%d", i);
		cr_assert_eq(add(&s, name), 4 + i);
		cr_assert_eq(
			schema_rename(&s, 4 + i, name + 1, strlen(name + 1)),
			0);
	}
	for (int i = 0; i < 100; i++) {
		char name[16];
		snprintf(name, sizeof name, "%d", i);
		cr_assert_eq(find(&s, name), 4 + i);
	}
	cr_assert_eq(find(&s, "beta"), 1);
	schema_release(&s);
}

Test(schema, find_alias_and_unalias)
{
	struct schema s = SCHEMA_INIT;
	int a;

	add(&s, "Job Title");
	add(&s, "x");
	cr_assert_eq(schema_rename(&s, 0, "title", 5), 0);
	cr_assert_eq(schema_find_alias(&s, "title", 5, &a), 0);
	cr_assert_eq(a, -1, "found by its own name");
	cr_assert_eq(schema_find_alias(&s, "Job Title", 9, &a), 0);
	cr_assert_eq(a, 0, "found by alias 0");
	cr_assert_eq(schema_find_alias(&s, "y", 1, &a), -1);
	cr_assert_eq(a, -1);
	/* the old name becomes a field of its own, at the end */
	cr_assert_eq(schema_unalias(&s, 0), 2);
	cr_assert_eq(s.n, 3);
	cr_assert_str_eq(s.names[2], "Job Title");
	cr_assert_eq(schema_find_alias(&s, "Job Title", 9, &a), 2);
	cr_assert_eq(a, -1);
	cr_assert_eq(find(&s, "title"), 0);
	cr_assert_eq(add(&s, "Job Title"), 2, "not added twice");
	/* the index still finds everything as it grows */
	for (int i = 0; i < 50; i++) {
		char name[16];
		snprintf(name, sizeof name, "f%d", i);
		cr_assert_eq(add(&s, name), 3 + i);
	}
	cr_assert_eq(find(&s, "Job Title"), 2);
	cr_assert_eq(find(&s, "title"), 0);
	cr_assert_eq(find(&s, "x"), 1);
	schema_release(&s);
}

/* A name can be a field's own name and another field's old name at once
 * (--map 'title=notes,Job Title=title'): the input's name finds the old
 * one (schema_find), the tool's the own one (schema_find_name). */
Test(schema, own_names_and_old_names)
{
	struct schema s = SCHEMA_INIT;

	add(&s, "title");
	add(&s, "Job Title");
	cr_assert_eq(schema_rename(&s, 0, "notes", 5), 0);
	cr_assert_eq(find(&s, "title"), 0, "the old name");
	cr_assert_eq(schema_find_name(&s, "title", 5), -1, "no own name");
	cr_assert_eq(schema_find_name(&s, "notes", 5), 0);
	cr_assert_eq(schema_rename(&s, 1, "title", 5), 0,
		     "an old name is free");
	cr_assert_eq(schema_find_name(&s, "title", 5), 1);
	cr_assert_eq(find(&s, "title"), 0, "the input's title is notes still");
	cr_assert_eq(find(&s, "Job Title"), 1);
	cr_assert_eq(schema_rename(&s, 0, "title", 5), -1,
		     "an own name is not");
	cr_assert_eq(schema_add_name(&s, "title", 5), 1);
	cr_assert_eq(s.n, 2);
	/* a field the tool adds under an old name of another */
	cr_assert_eq(schema_add_name(&s, "Job Title", 9), 2);
	cr_assert_eq(s.n, 3);
	cr_assert_eq(find(&s, "Job Title"), 1, "the old name first");
	cr_assert_eq(add(&s, "Job Title"), 1);
	cr_assert_eq(schema_find_name(&s, "Job Title", 9), 2);
	/* the same answers once the index has been rebuilt as it grows */
	for (int i = 0; i < 100; i++) {
		char name[16];
		snprintf(name, sizeof name, "f%d", i);
		cr_assert_eq(add(&s, name), 3 + i);
	}
	cr_assert_eq(find(&s, "title"), 0);
	cr_assert_eq(find(&s, "Job Title"), 1);
	cr_assert_eq(schema_find_name(&s, "title", 5), 1);
	cr_assert_eq(schema_find_name(&s, "Job Title", 9), 2);
	cr_assert_eq(schema_find_name(&s, "f99", 3), 102);
	schema_release(&s);
}

/* What reading a malformed record did, undone: the fields it appended
 * and the old names it made fields of their own. */
Test(schema, truncate_and_realias)
{
	struct schema s = SCHEMA_INIT;
	int a;

	add(&s, "Job Title");
	add(&s, "x");
	cr_assert_eq(schema_rename(&s, 0, "title", 5), 0);
	cr_assert_eq(add(&s, "y"), 2);
	cr_assert_eq(schema_unalias(&s, 0), 3);
	schema_realias(&s, 0, 0);
	schema_truncate(&s, 2);
	cr_assert_eq(s.n, 2);
	cr_assert_eq(schema_find_alias(&s, "Job Title", 9, &a), 0);
	cr_assert_eq(a, 0, "an old name again");
	cr_assert_eq(find(&s, "y"), -1);
	cr_assert_eq(add(&s, "z"), 2);
	schema_truncate(&s, 5);
	cr_assert_eq(s.n, 3, "nothing past the end");
	schema_release(&s);
}

/* Truncating a few names takes them out of the index one by one (moving
 * back the entries after them); many, by a rebuild.  Either way every
 * name left is found where it is, no name cut off is, and an old name of
 * a renamed field still finds that field before another's own name. */
Test(schema, truncate_few_and_many)
{
	struct schema s = SCHEMA_INIT;
	char name[32];
	int a;

	for (int i = 0; i < 10; i++) {
		snprintf(name, sizeof name, "f%d", i);
		cr_assert_eq(add(&s, name), i);
	}
	/* an old name that is also the own name of a later field */
	cr_assert_eq(schema_rename(&s, 5, "renamed", 7), 0);
	cr_assert_eq(schema_add_name(&s, "f5", 2), 10);
	for (int i = 11; i < 3001; i++) {
		snprintf(name, sizeof name, "f%d", i);
		cr_assert_eq(add(&s, name), i);
	}
	for (int round = 0; round < 300; round++) {
		size_t keep = s.n - 1 - (size_t)(round % 7);
		size_t cut = round % 50 == 49 ? 1500 : keep;
		schema_truncate(&s, cut);
		cr_assert_eq(s.n, cut);
		for (size_t i = 0; i < s.n; i += (i < 40 ? 1 : 37)) {
			if (i == 5 || i == 10)
				continue;
			cr_assert_eq(schema_find(&s, s.names[i], s.lens[i]),
				     (int)i, "round %d: %s", round, s.names[i]);
		}
		cr_assert_eq(schema_find_alias(&s, "f5", 2, &a), 5);
		cr_assert_geq(a, 0, "round %d: the old name first", round);
		cr_assert_eq(schema_find_name(&s, "f5", 2), 10);
		cr_assert_eq(find(&s, "renamed"), 5);
		while (s.n < 3001) {
			snprintf(name, sizeof name, "g%d.%zu", round, s.n);
			cr_assert_eq(find(&s, name), -1);
			cr_assert_eq(add(&s, name), (int)s.n - 1);
		}
	}
	schema_release(&s);
}

Test(schema, equal_and_copy)
{
	struct schema a = SCHEMA_INIT, b = SCHEMA_INIT, c = SCHEMA_INIT;

	cr_assert(schema_equal(&a, &b), "two empty schemas");
	add(&a, "x");
	add(&a, "y");
	add(&b, "y");
	add(&b, "x");
	cr_assert_not(schema_equal(&a, &b), "order matters");
	schema_copy(&c, &a);
	cr_assert(schema_equal(&a, &c));
	cr_assert_neq(c.names[0], a.names[0], "deep copy");
	schema_copy(&c, &b); /* copy over a non-empty schema */
	cr_assert(schema_equal(&b, &c));
	cr_assert_eq(find(&c, "y"), 0);
	schema_release(&a);
	add(&a, "x");
	cr_assert_not(schema_equal(&a, &b), "different lengths");
	schema_release(&a);
	schema_copy(&a, &b);
	cr_assert(schema_equal(&a, &b));
	/* same names but one with a NUL inside */
	schema_release(&a);
	schema_release(&b);
	schema_add(&a, "a\0", 2);
	schema_add(&b, "a\0", 2);
	cr_assert(schema_equal(&a, &b));
	schema_release(&b);
	schema_add(&b, "a\1", 2);
	cr_assert_not(schema_equal(&a, &b));
	schema_release(&a);
	schema_release(&b);
	schema_release(&c);
}

/* ---- records ------------------------------------------------------------- */

static int val_is(const struct record *r, size_t i, const char *s)
{
	return rec_len(r, i) == strlen(s) &&
	       memcmp(rec_val(r, i), s, strlen(s)) == 0;
}

Test(record, set_get_kinds)
{
	struct record r = RECORD_INIT;

	cr_assert_str_eq(rec_val(&r, 0), "", "empty record gives \"\"");
	rec_clear(&r, 3);
	cr_assert_eq(r.nf, 3);
	for (size_t i = 0; i < 3; i++) {
		cr_assert_eq(rec_kind(&r, i), VAL_ABSENT);
		cr_assert_eq(rec_len(&r, i), 0);
	}
	rec_set(&r, 1, "hello", 5, VAL_STR);
	rec_set(&r, 0, "12", 2, VAL_RAW);
	rec_set(&r, 5, "far", 3, VAL_STR);
	cr_assert_eq(r.nf, 6, "setting past the end grows");
	cr_assert_eq(rec_kind(&r, 3), VAL_ABSENT);
	cr_assert_eq(rec_kind(&r, 4), VAL_ABSENT);
	cr_assert(val_is(&r, 1, "hello"));
	cr_assert(val_is(&r, 0, "12"));
	cr_assert_eq(rec_kind(&r, 0), VAL_RAW);
	cr_assert(val_is(&r, 5, "far"));
	cr_assert_eq(rec_kind(&r, 99), VAL_ABSENT, "beyond nf");
	cr_assert_eq(rec_len(&r, 99), 0);
	/* setting a field again: the new value wins */
	rec_set(&r, 1, "bye", 3, VAL_STR);
	cr_assert(val_is(&r, 1, "bye"));
	rec_append_last(&r, 1, "!!", 2);
	cr_assert(val_is(&r, 1, "bye!!"));
	rec_set(&r, 2, "", 0, VAL_STR);
	cr_assert_eq(rec_kind(&r, 2), VAL_STR, "empty but present");
	rec_set(&r, 3, "a\0b", 3, VAL_STR);
	cr_assert_eq(rec_len(&r, 3), 3);
	cr_assert(memcmp(rec_val(&r, 3), "a\0b", 3) == 0);
	rec_resize(&r, 4);
	cr_assert_eq(r.nf, 6, "resize never shrinks");
	rec_resize(&r, 40);
	cr_assert_eq(r.nf, 40);
	cr_assert_eq(rec_kind(&r, 39), VAL_ABSENT);
	cr_assert(val_is(&r, 5, "far"));
	rec_release(&r);
	cr_assert_eq(r.nf, 0);
}

Test(record, set_from_own_buffer_while_growing)
{
	struct record r = RECORD_INIT;

	rec_clear(&r, 1);
	rec_set(&r, 0, "abcdefgh", 8, VAL_STR);
	/* each step copies the whole buffer's last value onto a new field,
	 * so the source lies in the buffer that must grow to hold it */
	for (size_t i = 1; i < 24; i++) {
		size_t cap = r.data.cap;
		rec_set(&r, i, rec_val(&r, i - 1), rec_len(&r, i - 1), VAL_STR);
		rec_append_last(&r, i, rec_val(&r, 0), 8);
		cr_assert_eq(rec_len(&r, i), 8 * (i + 1));
		if (i == 23)
			cr_assert_geq(r.data.cap, cap);
	}
	for (size_t i = 0; i < 24; i++)
		for (size_t k = 0; k < rec_len(&r, i); k++)
			cr_assert_eq(rec_val(&r, i)[k], "abcdefgh"[k % 8],
				     "field %zu byte %zu", i, k);
	/* a source that is a part of an earlier field, at the exact edge of
	 * the buffer's capacity */
	rec_clear(&r, 0);
	rec_set(&r, 0, "0123456789", 10, VAL_STR);
	while (r.data.len < r.data.cap)
		rec_set(&r, 1, "x", 1, VAL_STR);
	rec_set(&r, 2, rec_val(&r, 0) + 3, 5, VAL_STR);
	cr_assert(val_is(&r, 2, "34567"));
	cr_assert(val_is(&r, 0, "0123456789"));
	rec_release(&r);
}

Test(record, copy)
{
	struct record a = RECORD_INIT, b = RECORD_INIT;

	rec_clear(&a, 3);
	rec_set(&a, 0, "one", 3, VAL_STR);
	rec_set(&a, 2, "true", 4, VAL_RAW);
	a.line = 42;
	a.file = "in.csv";
	rec_copy(&b, &a);
	cr_assert_eq(b.nf, 3);
	cr_assert(val_is(&b, 0, "one"));
	cr_assert_eq(rec_kind(&b, 1), VAL_ABSENT);
	cr_assert(val_is(&b, 2, "true"));
	cr_assert_eq(rec_kind(&b, 2), VAL_RAW);
	cr_assert_eq(b.line, 42);
	cr_assert_str_eq(b.file, "in.csv");
	cr_assert_neq(b.data.p, a.data.p, "own bytes");
	/* the copy survives changes to the source */
	rec_clear(&a, 1);
	rec_set(&a, 0, "zzz", 3, VAL_STR);
	cr_assert(val_is(&b, 0, "one"));
	/* copying a smaller record over a bigger one */
	rec_copy(&b, &a);
	cr_assert_eq(b.nf, 1);
	cr_assert(val_is(&b, 0, "zzz"));
	/* copying an empty record */
	rec_release(&a);
	rec_copy(&b, &a);
	cr_assert_eq(b.nf, 0);
	rec_release(&b);
}

Test(record, clear_keeps_memory)
{
	/* 10^5 records of one shape: after the first, neither the byte buffer
	 * nor the field array is reallocated (no malloc per row) */
	struct record r = RECORD_INIT;
	char val[64];
	size_t cap = 0, fcap = 0;
	char *p = NULL;
	struct field *f = NULL;

	for (int row = 0; row < 100000; row++) {
		rec_clear(&r, 8);
		for (size_t i = 0; i < 8; i++) {
			int n = snprintf(val, sizeof val, "value-%06d-%zu", row,
					 i);
			rec_set(&r, i, val, (size_t)n, VAL_STR);
		}
		if (row == 0) {
			cap = r.data.cap;
			fcap = r.cap;
			p = r.data.p;
			f = r.f;
		} else {
			cr_assert_eq(r.data.cap, cap, "row %d", row);
			cr_assert_eq(r.cap, fcap);
			cr_assert_eq(r.data.p, p);
			cr_assert_eq(r.f, f);
		}
		cr_assert(val_is(&r, 7, val));
	}
	rec_release(&r);
}

/* rec_set copies short values with fixed-size moves and takes a slower
 * path when the field is new or the data must grow.  Every length from 0
 * to 40, each set on a field that exists and on one that does not, from
 * outside and from the record's own bytes, with both flags: the value,
 * kind and flag read back must be what was set, and the fields set before
 * must be untouched. */
Test(record, set_every_length_both_paths)
{
	struct record r = RECORD_INIT;
	char src[64];

	for (size_t i = 0; i < sizeof src; i++)
		src[i] = (char)('A' + i % 26);
	for (int pass = 0; pass < 2; pass++) {
		rec_clear(&r, pass ? 0 : 90); /* pass 1: every field is new */
		for (size_t n = 0; n <= 40; n++) {
			size_t i = 2 * n;
			rec_set(&r, i, src + n % 7, n, VAL_STR);
			rec_set_clean(&r, i + 1, src + n % 5, n, VAL_RAW);
			cr_assert_eq(rec_len(&r, i), n);
			cr_assert_eq(memcmp(rec_val(&r, i), src + n % 7, n), 0);
			cr_assert_eq(r.f[i].clean, 0);
			cr_assert_eq(rec_kind(&r, i + 1), VAL_RAW);
			cr_assert_eq(r.f[i + 1].clean, 1);
		}
		for (size_t n = 0; n <= 40; n++) {
			cr_assert_eq(rec_len(&r, 2 * n), n);
			cr_assert_eq(memcmp(rec_val(&r, 2 * n), src + n % 7, n),
				     0, "field %zu intact", 2 * n);
			cr_assert_eq(
				memcmp(rec_val(&r, 2 * n + 1), src + n % 5, n),
				0);
		}
		/* from the record's own bytes, every length, data growing */
		for (size_t n = 1; n <= 40; n++) {
			char want[64];
			size_t from = 2 * 40;
			/* the record's bytes themselves (rec_val would be
			 * "" with none, and GCC warns of copying 40 bytes
			 * from that) */
			cr_assert(r.data.p != NULL && rec_len(&r, from) == 40);
			memcpy(want, r.data.p + r.f[from].off, 40);
			rec_set(&r, 100 + n, rec_val(&r, from), n, VAL_STR);
			cr_assert_eq(memcmp(rec_val(&r, 100 + n), want, n), 0,
				     "own bytes, %zu", n);
		}
	}
	rec_release(&r);
}

/* Every field of r absent, and f[nf..cap) zero as record.h promises. */
static void assert_all_absent(const struct record *r)
{
	static const struct field zero;

	for (size_t i = 0; i < r->cap; i++)
		cr_assert(memcmp(&r->f[i], &zero, sizeof zero) == 0,
			  "field %zu of %zu not cleared", i, r->cap);
}

/* A wide record with few fields set keeps the list of them, clears only
 * those, and visits only those; past nf / 8 fields set it drops the list
 * and is cleared whole.  Either way every field is absent after
 * rec_clear. */
Test(record, sparse_wide_record)
{
	struct record r = RECORD_INIT;
	const size_t nf = 4096;
	size_t seen[4096];

	for (int round = 0; round < 3; round++) {
		size_t set = round == 1 ? nf / 2 : 5;

		rec_clear(&r, nf);
		cr_assert(r.sparse);
		for (size_t k = 0; k < set; k++) {
			size_t i = (k * 997 + (size_t)round) % nf;
			rec_set(&r, i, "v", 1, VAL_STR);
			rec_set(&r, i, "vv", 2, VAL_STR); /* listed once */
		}
		cr_assert_eq(r.sparse, round != 1, "round %d", round);
		memset(seen, 0, sizeof seen);
		for (size_t k = 0; k < rec_visit_n(&r); k++)
			seen[rec_visit(&r, k)]++;
		for (size_t i = 0; i < nf; i++) {
			int on = rec_kind(&r, i) != VAL_ABSENT;
			cr_assert(on ? seen[i] == 1 : round == 1 || !seen[i],
				  "round %d field %zu: set %d, visited %zu",
				  round, i, on, seen[i]);
		}
		if (round != 1)
			cr_assert_eq(rec_visit_n(&r), set);
		/* a field past the width: the record grows, still listed */
		rec_set(&r, nf + 10, "x", 1, VAL_RAW);
		cr_assert(val_is(&r, nf + 10, "x"));
		rec_clear(&r, nf);
		assert_all_absent(&r);
		cr_assert_eq(r.nf, nf);
	}
	/* narrow records keep no list, and are cleared lazily (a CSV reader
	 * fills every field anyway): what they held is gone once a wide one
	 * is made of them again, and no field they held comes back */
	rec_clear(&r, 8);
	cr_assert(!r.sparse);
	rec_set(&r, 3, "a", 1, VAL_STR);
	rec_set(&r, 300, "b", 1, VAL_STR);
	cr_assert_eq(rec_visit_n(&r), 301);
	rec_clear(&r, 2);
	rec_resize(&r, 301);
	for (size_t i = 0; i < 301; i++)
		cr_assert_eq(rec_kind(&r, i), VAL_ABSENT, "field %zu", i);
	rec_clear(&r, 0);
	rec_clear(&r, nf);
	assert_all_absent(&r);
	rec_release(&r);
}

/* rec_copy of a sparse record copies its list: the copy clears as well;
 * rec_note keeps the list for a reader that fills f[i] itself. */
Test(record, sparse_copy_and_note)
{
	struct record a = RECORD_INIT, b = RECORD_INIT;

	rec_clear(&a, 1000);
	rec_set(&a, 999, "last", 4, VAL_STR);
	rec_set(&a, 7, "seven", 5, VAL_STR);
	rec_note(&a, 500);
	a.f[500].kind = VAL_RAW;
	a.f[500].len = 0;
	rec_copy(&b, &a);
	cr_assert(b.sparse);
	cr_assert_eq(rec_visit_n(&b), 3);
	cr_assert_eq(rec_visit(&b, 0), 999);
	cr_assert_eq(rec_visit(&b, 1), 7);
	cr_assert_eq(rec_visit(&b, 2), 500);
	cr_assert(val_is(&b, 999, "last"));
	cr_assert(val_is(&b, 7, "seven"));
	cr_assert_eq(rec_kind(&b, 500), VAL_RAW);
	rec_clear(&b, 1000);
	assert_all_absent(&b);
	rec_clear(&a, 2);
	assert_all_absent(&a);
	rec_release(&a);
	rec_release(&b);
}
