/*
 * record: the one record model every tool works on, and the schema of field
 * names it refers to.
 *
 * A record is an array of fields indexed like its schema.  Each field is an
 * (offset, length, kind) triple into the record's own byte buffer, so a
 * record owns its bytes, survives the next read of its reader only if copied,
 * and costs no malloc once its buffer has grown.  Kinds: ABSENT (an NDJSON
 * line without that key: omitted in NDJSON, empty in CSV), STR (text), RAW
 * (a JSON literal kept verbatim: number, true/false/null, nested object or
 * array).  Setting a field appends its bytes; old bytes are not reclaimed
 * until rec_clear, which every reader calls per record.
 *
 * A schema is an ordered list of unique names with a hash index for lookup
 * (open addressing, linear probing, load factor under 1/2, doubled when
 * exceeded).  Names are never removed (but those a malformed record
 * brought, by schema_truncate); tools append the fields they add.
 */
#ifndef COV_RECORD_H
#define COV_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

enum { VAL_ABSENT = 0, VAL_STR = 1, VAL_RAW = 2 };

struct field {
	size_t off, len;
	unsigned char kind;
	unsigned char clean; /* known to hold no comma, quote, CR or LF */
};

struct record {
	struct field *f;
	size_t nf, cap; /* nf == number of fields in use */
	size_t dirty;   /* f[max(nf, dirty)..cap) are all zero (absent);
			 * those below dirty are zeroed as they come into use */
	struct buf data;
	long line;        /* first line of the record in its file */
	const char *file; /* name of the file it came from (borrowed) */
	/* A wide record (REC_SPARSE_MIN fields or more, as an NDJSON schema
	 * that has seen many keys) where few are set: while sparse, on[0..non)
	 * lists every field set since rec_clear, once each, in the order set,
	 * so that clearing it and writing it cost what it holds, not its
	 * width.  Past nf / 8 fields set, the list is dropped (sparse 0).
	 * While sparse, dirty is 0: every field not listed is absent. */
	uint32_t *on;
	size_t non, oncap;
	int sparse;
};

/* clang-format off */
#define RECORD_INIT {NULL, 0, 0, 0, BUF_INIT, 0, NULL, NULL, 0, 0, 0}
/* clang-format on */

/* A record of this many fields or more keeps the list of those set,
 * unless rec_sparse_off is set. */
#define REC_SPARSE_MIN 256
extern int rec_sparse_off;

struct schema {
	char **names;
	size_t *lens;
	size_t n, cap;
	int *index; /* hash slots: field number + 1, -(alias number + 1), 0 = empty */
	size_t nslots;
	char **alias; /* old names of renamed fields */
	size_t *alias_len;
	int *alias_of; /* the field each alias finds; -1: none (unaliased) */
	size_t nalias;
	unsigned long changes; /* renames and truncations so far: what was
				* learnt of fields 0..n-1 holds while this
				* stays the same (appends do not count) */
};

/* clang-format off */
#define SCHEMA_INIT {NULL, NULL, 0, 0, NULL, 0, NULL, NULL, NULL, 0, 0}
/* clang-format on */

/* Index of name in s, or -1: a name as the input gives it, so an old
 * name of a renamed field finds that field (see schema_rename), even
 * when another field has the name as its own by now. */
int schema_find(const struct schema *s, const char *name, size_t n);

/* Index of name, appending it when absent (schema_find). */
int schema_add(struct schema *s, const char *name, size_t n);

/* Index of the field whose own name is name, or -1: the name a tool
 * gives, never an old name of a renamed field. */
int schema_find_name(const struct schema *s, const char *name, size_t n);

/* Index of the field whose own name is name (schema_find_name), appending
 * it when none has, even when name is an old name of another field. */
int schema_add_name(struct schema *s, const char *name, size_t n);

/* Replace the name of field i (no field may have the new name as its own
 * already: returns -1 and changes nothing when one has).  The old name
 * stays an alias: schema_find and schema_add still find field i by it,
 * even once another field is given that name, so later NDJSON lines and
 * files that use the old name land in the renamed field (but for a line
 * that holds both keys: the NDJSON reader then unaliases the old one). */
int schema_rename(struct schema *s, int i, const char *name, size_t n);

/* schema_find, and *alias set to the number of the alias name was found
 * by (an old name of a renamed field), or -1 when it is the field's own
 * name or not in s. */
int schema_find_alias(const struct schema *s, const char *name, size_t n,
		      int *alias);

/* Make the alias numbered alias (of schema_find_alias) a field of its
 * own: appended under that name, which no longer finds the renamed
 * field (but a field that has the name as its own already is that
 * field).  Returns the field's index. */
int schema_unalias(struct schema *s, int alias);

/* Undo schema_unalias(s, alias) for an alias of field: it finds field
 * again.  With schema_truncate, for a reader that drops what a malformed
 * record did to the schema. */
void schema_realias(struct schema *s, int alias, int field);

/* Drop the fields from n on (n <= s->n), names freed: the fields reading
 * a malformed record appended (schema_add, schema_unalias). */
void schema_truncate(struct schema *s, size_t n);

/* 1 when a and b hold the same names in the same order. */
int schema_equal(const struct schema *a, const struct schema *b);

void schema_copy(struct schema *dst, const struct schema *src);
void schema_release(struct schema *s);

/* Empty r (keeps its memory) and give it n absent fields. */
void rec_clear(struct record *r, size_t n);

/* Make r have at least n fields; new ones are absent. */
void rec_resize(struct record *r, size_t n);

/* Set field i (growing r when needed) to s[0..n) of the given kind
 * (VAL_STR or VAL_RAW: a field set is never made absent again, which the
 * list of a sparse record counts on).  s may point into r's own data. */
void rec_set(struct record *r, size_t i, const char *s, size_t n, int kind);

/* rec_set for a value known to hold no comma, quote, CR or LF (codes,
 * labels, numbers): writers then copy it without scanning. */
void rec_set_clean(struct record *r, size_t i, const char *s, size_t n,
		   int kind);

/* Field i (< r->nf), absent until now, is about to be filled by a
 * writer of r->f[i] itself (a reader): keep r's list (see sparse). */
void rec_note_slow(struct record *r, size_t i);
static inline void rec_note(struct record *r, size_t i)
{
	if (r->sparse && r->f[i].kind == VAL_ABSENT)
		rec_note_slow(r, i);
}

/* A loop over the fields of r that may be set: for k below
 * rec_visit_n(r), field rec_visit(r, k); each field set once (a sparse
 * record's list, in the order set), else every field. */
static inline size_t rec_visit_n(const struct record *r)
{
	return r->sparse ? r->non : r->nf;
}

static inline size_t rec_visit(const struct record *r, size_t k)
{
	return r->sparse ? r->on[k] : k;
}

/* Append n bytes to field i, which must be the last field set. */
void rec_append_last(struct record *r, size_t i, const char *s, size_t n);

static inline const char *rec_val(const struct record *r, size_t i)
{
	return r->data.p ? r->data.p + r->f[i].off : "";
}

static inline size_t rec_len(const struct record *r, size_t i)
{
	return i < r->nf ? r->f[i].len : 0;
}

static inline int rec_kind(const struct record *r, size_t i)
{
	return i < r->nf ? r->f[i].kind : VAL_ABSENT;
}

/* 1 when field i (a field index, -1 for none: 0) holds an NDJSON object
 * or array (a raw value opening with '{' or '['): a value, but never text
 * a rule reads (SPEC §3: nested values pass through verbatim). */
static inline int rec_nested(const struct record *r, int i)
{
	return i >= 0 && rec_kind(r, (size_t)i) == VAL_RAW && r->f[i].len > 0 &&
	       (rec_val(r, (size_t)i)[0] == '{' ||
		rec_val(r, (size_t)i)[0] == '[');
}

/* Deep copy src into dst (dst keeps and reuses its memory). */
void rec_copy(struct record *dst, const struct record *src);

void rec_release(struct record *r);

#endif
