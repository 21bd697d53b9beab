/*
 * record: see record.h.  The schema hash is XXH3-64 of the name, reduced by
 * masking to a power-of-two slot count.  Setting a field copies its bytes
 * with buf_copy_short (buf.h): values are mostly a few bytes, for which
 * a call to memcpy costs more than the copy.
 */
#include "record.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "err.h"

static size_t slot_of(const struct schema *s, const char *name, size_t n)
{
	return (size_t)XXH3_64bits(name, n) & (s->nslots - 1);
}

/* Aliases go in first, so that a name that is both an old name of one
 * field and the own name of another finds the old one (schema_find);
 * append keeps that, as it puts a name past every alias on its probe
 * sequence. */
static void reindex(struct schema *s)
{
	free(s->index);
	s->nslots = 16;
	while (s->nslots < (s->n + s->nalias) * 2 + 2)
		s->nslots *= 2;
	s->index = xcalloc(s->nslots, sizeof *s->index);
	for (size_t i = 0; i < s->nalias; i++) {
		size_t k;
		if (s->alias_of[i] < 0)
			continue;
		k = slot_of(s, s->alias[i], s->alias_len[i]);
		while (s->index[k])
			k = (k + 1) & (s->nslots - 1);
		s->index[k] = -(int)i - 1;
	}
	for (size_t i = 0; i < s->n; i++) {
		size_t k = slot_of(s, s->names[i], s->lens[i]);
		while (s->index[k])
			k = (k + 1) & (s->nslots - 1);
		s->index[k] = (int)i + 1;
	}
}

int schema_find(const struct schema *s, const char *name, size_t n)
{
	int a;

	return schema_find_alias(s, name, n, &a);
}

int schema_find_alias(const struct schema *s, const char *name, size_t n,
		      int *alias)
{
	size_t k;

	*alias = -1;
	if (s->nslots == 0)
		return -1;
	k = slot_of(s, name, n);
	while (s->index[k]) {
		int v = s->index[k];
		if (v > 0) {
			int i = v - 1;
			if (s->lens[i] == n &&
			    memcmp(s->names[i], name, n) == 0)
				return i;
		} else {
			int a = -v - 1;
			if (s->alias_len[a] == n &&
			    memcmp(s->alias[a], name, n) == 0) {
				*alias = a;
				return s->alias_of[a];
			}
		}
		k = (k + 1) & (s->nslots - 1);
	}
	return -1;
}

int schema_find_name(const struct schema *s, const char *name, size_t n)
{
	size_t k;

	if (s->nslots == 0)
		return -1;
	for (k = slot_of(s, name, n); s->index[k];
	     k = (k + 1) & (s->nslots - 1)) {
		int i = s->index[k] - 1;
		if (i >= 0 && s->lens[i] == n &&
		    memcmp(s->names[i], name, n) == 0)
			return i;
	}
	return -1;
}

/* Append a field named name[0..n), which no field has as its own name. */
static int append(struct schema *s, const char *name, size_t n)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->names = xrealloc(s->names, s->cap * sizeof *s->names);
		s->lens = xrealloc(s->lens, s->cap * sizeof *s->lens);
	}
	s->names[s->n] = xstrndup(name, n);
	s->lens[s->n] = n;
	s->n++;
	if ((s->n + s->nalias) * 2 + 2 > s->nslots) {
		reindex(s);
	} else {
		size_t k = slot_of(s, name, n);
		while (s->index[k])
			k = (k + 1) & (s->nslots - 1);
		s->index[k] = (int)s->n;
	}
	return (int)s->n - 1;
}

int schema_add(struct schema *s, const char *name, size_t n)
{
	int i = schema_find(s, name, n);

	return i >= 0 ? i : append(s, name, n);
}

int schema_add_name(struct schema *s, const char *name, size_t n)
{
	int i = schema_find_name(s, name, n);

	return i >= 0 ? i : append(s, name, n);
}

int schema_rename(struct schema *s, int i, const char *name, size_t n)
{
	if (schema_find_name(s, name, n) >= 0)
		return -1;
	s->alias = xrealloc(s->alias, (s->nalias + 1) * sizeof *s->alias);
	s->alias_len =
		xrealloc(s->alias_len, (s->nalias + 1) * sizeof *s->alias_len);
	s->alias_of =
		xrealloc(s->alias_of, (s->nalias + 1) * sizeof *s->alias_of);
	s->alias[s->nalias] = s->names[i];
	s->alias_len[s->nalias] = s->lens[i];
	s->alias_of[s->nalias] = i;
	s->nalias++;
	s->names[i] = xstrndup(name, n);
	s->lens[i] = n;
	s->changes++;
	reindex(s);
	return 0;
}

int schema_unalias(struct schema *s, int alias)
{
	s->alias_of[alias] = -1;
	reindex(s);
	return schema_add(s, s->alias[alias], s->alias_len[alias]);
}

void schema_realias(struct schema *s, int alias, int field)
{
	s->alias_of[alias] = field;
	reindex(s);
}

/* The home slot of index entry v (a field number + 1, or -(alias + 1)). */
static size_t home_of(const struct schema *s, int v)
{
	return v > 0 ? slot_of(s, s->names[v - 1], s->lens[v - 1])
		     : slot_of(s, s->alias[-v - 1], s->alias_len[-v - 1]);
}

/* Take the entry of field i out of the index, moving back the entries after
 * it that may fill its slot (linear probing without tombstones).  Entries
 * of one home keep their order: an alias stays before a field's name.
 * (Truncation takes the names appended last first, after which no entry
 * probed past theirs, so nothing moves then; the shift keeps the index
 * right whatever the order.) */
static void unindex(struct schema *s, size_t i)
{
	size_t mask = s->nslots - 1, k = slot_of(s, s->names[i], s->lens[i]);

	while (s->index[k] != (int)i + 1)
		k = (k + 1) & mask;
	for (size_t j = (k + 1) & mask; s->index[j]; j = (j + 1) & mask) {
		size_t h = home_of(s, s->index[j]);
		if (((k - h) & mask) < ((j - h) & mask)) {
			s->index[k] = s->index[j];
			k = j;
		}
	}
	s->index[k] = 0;
}

void schema_truncate(struct schema *s, size_t n)
{
	if (n >= s->n)
		return;
	/* a few names (a malformed NDJSON line's): out of the index one by
	 * one, as a rebuild would cost every name each time */
	int few = (s->n - n) * 8 <= s->n;
	while (s->n > n) {
		if (few)
			unindex(s, s->n - 1);
		free(s->names[--s->n]);
	}
	s->changes++;
	if (!few)
		reindex(s);
}

int schema_equal(const struct schema *a, const struct schema *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (a->lens[i] != b->lens[i] ||
		    memcmp(a->names[i], b->names[i], a->lens[i]) != 0)
			return 0;
	return 1;
}

void schema_copy(struct schema *dst, const struct schema *src)
{
	schema_release(dst);
	for (size_t i = 0; i < src->n; i++)
		schema_add(dst, src->names[i], src->lens[i]);
}

void schema_release(struct schema *s)
{
	unsigned long changes = s->changes + 1; /* a change too */

	for (size_t i = 0; i < s->n; i++)
		free(s->names[i]);
	for (size_t i = 0; i < s->nalias; i++)
		free(s->alias[i]);
	free(s->alias);
	free(s->alias_len);
	free(s->alias_of);
	free(s->names);
	free(s->lens);
	free(s->index);
	memset(s, 0, sizeof *s);
	s->changes = changes;
}

int rec_sparse_off;

/* Room for n fields; those added are absent (all zero). */
static void rec_room(struct record *r, size_t n)
{
	size_t cap = r->cap ? r->cap : 16;

	if (n <= r->cap)
		return;
	while (cap < n)
		cap *= 2;
	r->f = xrealloc(r->f, cap * sizeof *r->f);
	memset(r->f + r->cap, 0, (cap - r->cap) * sizeof *r->f);
	r->cap = cap;
}

void rec_resize(struct record *r, size_t n)
{
	rec_room(r, n);
	if (n > r->nf) {
		/* fields up to dirty may hold an earlier record's */
		size_t end = n < r->dirty ? n : r->dirty;

		if (end > r->nf)
			memset(r->f + r->nf, 0, (end - r->nf) * sizeof *r->f);
		r->nf = n;
	}
}

void rec_clear(struct record *r, size_t n)
{
	buf_reset(&r->data);
	if (r->sparse)
		for (size_t k = 0; k < r->non; k++)
			memset(&r->f[r->on[k]], 0, sizeof *r->f);
	else if (r->nf > r->dirty)
		r->dirty = r->nf; /* zeroed when they come into use again */
	r->non = 0;
	r->nf = 0;
	r->sparse = n >= REC_SPARSE_MIN && !rec_sparse_off;
	if (r->sparse && r->dirty) {
		/* a list needs every field it does not name absent */
		memset(r->f, 0, r->dirty * sizeof *r->f);
		r->dirty = 0;
	}
	rec_resize(r, n);
}

void rec_note_slow(struct record *r, size_t i)
{
	if (r->non == r->oncap) {
		size_t cap = r->oncap ? r->oncap * 2 : 16;

		if (cap > r->nf / 8) {
			/* many set: cheaper to go through all of them */
			r->sparse = 0;
			return;
		}
		r->on = xrealloc(r->on, cap * sizeof *r->on);
		r->oncap = cap;
	}
	r->on[r->non++] = (uint32_t)i;
}

/* rec_set when field i is missing or the data must grow; clean as the
 * flag to give the field. */
static void set_slow(struct record *r, size_t i, const char *s, size_t n,
		     int kind, int clean)
{
	size_t off;

	if (i >= r->nf)
		rec_resize(r, i + 1);
	rec_note(r, i);
	if (r->data.cap - r->data.len < n) {
		if (r->data.p && s >= r->data.p &&
		    s < r->data.p + r->data.len) {
			/* s lives in our own buffer, which moves as it grows */
			size_t src = (size_t)(s - r->data.p);
			buf_grow(&r->data, n);
			s = r->data.p + src;
		} else {
			buf_grow(&r->data, n);
		}
	}
	off = r->data.len;
	if (n) {
		buf_copy_short(r->data.p + off, s, n);
		r->data.len += n;
	}
	r->f[i].off = off;
	r->f[i].len = n;
	r->f[i].kind = (unsigned char)kind;
	r->f[i].clean = (unsigned char)clean;
}

/* The common case, kept short so it needs no stack frame: the field
 * exists and the data has room (copy_short copies nothing for n = 0). */
static inline void set_field(struct record *r, size_t i, const char *s,
			     size_t n, int kind, int clean)
{
	size_t off = r->data.len;

	if (i >= r->nf || r->data.cap - off < n || !r->data.p) {
		set_slow(r, i, s, n, kind, clean);
		return;
	}
	rec_note(r, i);
	buf_copy_short(r->data.p + off, s, n);
	r->data.len = off + n;
	r->f[i].off = off;
	r->f[i].len = n;
	r->f[i].kind = (unsigned char)kind;
	r->f[i].clean = (unsigned char)clean;
}

void rec_set(struct record *r, size_t i, const char *s, size_t n, int kind)
{
	set_field(r, i, s, n, kind, 0);
}

void rec_set_clean(struct record *r, size_t i, const char *s, size_t n,
		   int kind)
{
	set_field(r, i, s, n, kind, 1);
}

void rec_append_last(struct record *r, size_t i, const char *s, size_t n)
{
	buf_add(&r->data, s, n);
	r->f[i].len += n;
}

void rec_copy(struct record *dst, const struct record *src)
{
	rec_clear(dst, src->nf);
	buf_add(&dst->data, src->data.p, src->data.len);
	if (src->sparse && dst->sparse) {
		/* the fields set, and the list of them */
		for (size_t k = 0; k < src->non; k++) {
			dst->f[src->on[k]] = src->f[src->on[k]];
			rec_note_slow(dst, src->on[k]);
		}
	} else if (src->nf) {
		memcpy(dst->f, src->f, src->nf * sizeof *src->f);
		dst->sparse = 0;
	}
	dst->line = src->line;
	dst->file = src->file;
}

void rec_release(struct record *r)
{
	free(r->f);
	free(r->on);
	buf_release(&r->data);
	memset(r, 0, sizeof *r);
}
