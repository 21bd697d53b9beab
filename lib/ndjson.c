/*
 * ndjson: see ndjson.h.  A recursive-descent scanner over one line: strings
 * are decoded straight into the record's buffer; other values are validated
 * by skip_value and copied as they stand.  The depth limit bounds recursion
 * on hostile input.
 */
#include "ndjson.h"

#include <string.h>

#include "norm_text.h"
#include "reader.h"

#define STR_(x) #x
#define STR(x) STR_(x)

struct jp {
	const char *s, *end;
	const char *err;
	const char *reason; /* of err: NULL for bad_json */
	int depth;
};

static void skip_ws(struct jp *j)
{
	while (j->s < j->end && (*j->s == ' ' || *j->s == '\t' ||
				 *j->s == '\n' || *j->s == '\r'))
		j->s++;
}

static int hex4(const char *s, unsigned *v)
{
	unsigned x = 0;
	for (int i = 0; i < 4; i++) {
		char c = s[i];
		x <<= 4;
		if (c >= '0' && c <= '9')
			x |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			x |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			x |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*v = x;
	return 0;
}

static void put_utf8(struct buf *b, unsigned c)
{
	char t[4];
	size_t n;

	if (c < 0x80) {
		t[0] = (char)c;
		n = 1;
	} else if (c < 0x800) {
		t[0] = (char)(0xC0 | (c >> 6));
		t[1] = (char)(0x80 | (c & 0x3F));
		n = 2;
	} else if (c < 0x10000) {
		t[0] = (char)(0xE0 | (c >> 12));
		t[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		t[2] = (char)(0x80 | (c & 0x3F));
		n = 3;
	} else {
		t[0] = (char)(0xF0 | (c >> 18));
		t[1] = (char)(0x80 | ((c >> 12) & 0x3F));
		t[2] = (char)(0x80 | ((c >> 6) & 0x3F));
		t[3] = (char)(0x80 | (c & 0x3F));
		n = 4;
	}
	buf_add(b, t, n);
}

/* At the opening quote: decode the string into out (if not NULL). */
static int parse_string(struct jp *j, struct buf *out)
{
	j->s++;
	for (;;) {
		const char *run = j->s;
		while (j->s < j->end && *j->s != '"' && *j->s != '\\' &&
		       (unsigned char)*j->s >= 0x20)
			j->s++;
		if (out)
			buf_add(out, run, (size_t)(j->s - run));
		if (j->s >= j->end) {
			j->err = "unterminated string";
			return -1;
		}
		if (*j->s == '"') {
			j->s++;
			return 0;
		}
		if ((unsigned char)*j->s < 0x20) {
			j->err =
				"control character in string (must be escaped)";
			return -1;
		}
		/* backslash */
		if (j->s + 1 >= j->end) {
			j->err = "unterminated string";
			return -1;
		}
		char c = j->s[1], d = 0;
		j->s += 2;
		switch (c) {
		case '"': d = '"'; break;
		case '\\': d = '\\'; break;
		case '/': d = '/'; break;
		case 'b': d = '\b'; break;
		case 'f': d = '\f'; break;
		case 'n': d = '\n'; break;
		case 'r': d = '\r'; break;
		case 't': d = '\t'; break;
		case 'u': {
			unsigned u, lo;
			if (j->end - j->s < 4 || hex4(j->s, &u) < 0) {
				j->err = "bad \\u escape";
				return -1;
			}
			j->s += 4;
			if (u >= 0xD800 && u <= 0xDBFF) {
				if (j->end - j->s < 6 || j->s[0] != '\\' ||
				    j->s[1] != 'u' || hex4(j->s + 2, &lo) < 0 ||
				    lo < 0xDC00 || lo > 0xDFFF) {
					j->err = "lone surrogate in \\u escape";
					return -1;
				}
				j->s += 6;
				u = 0x10000 + ((u - 0xD800) << 10) +
				    (lo - 0xDC00);
			} else if (u >= 0xDC00 && u <= 0xDFFF) {
				j->err = "lone surrogate in \\u escape";
				return -1;
			}
			if (out)
				put_utf8(out, u);
			continue;
		}
		default: j->err = "bad escape in string"; return -1;
		}
		if (out)
			buf_addc(out, d);
	}
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

static int parse_number(struct jp *j)
{
	const char *s = j->s;

	if (s < j->end && *s == '-')
		s++;
	if (s >= j->end || !is_digit(*s))
		goto bad;
	if (*s == '0')
		s++;
	else
		while (s < j->end && is_digit(*s))
			s++;
	if (s < j->end && *s == '.') {
		s++;
		if (s >= j->end || !is_digit(*s))
			goto bad;
		while (s < j->end && is_digit(*s))
			s++;
	}
	if (s < j->end && (*s == 'e' || *s == 'E')) {
		s++;
		if (s < j->end && (*s == '+' || *s == '-'))
			s++;
		if (s >= j->end || !is_digit(*s))
			goto bad;
		while (s < j->end && is_digit(*s))
			s++;
	}
	j->s = s;
	return 0;
bad:
	j->err = "bad number";
	return -1;
}

static int literal(struct jp *j, const char *word)
{
	size_t n = strlen(word);
	if ((size_t)(j->end - j->s) < n || memcmp(j->s, word, n) != 0) {
		j->err = "unexpected character";
		return -1;
	}
	j->s += n;
	return 0;
}

static int skip_value(struct jp *j);

static int skip_container(struct jp *j, char close)
{
	if (++j->depth > JSON_MAX_DEPTH) {
		j->err = "nesting too deep";
		return -1;
	}
	j->s++;
	skip_ws(j);
	if (j->s < j->end && *j->s == close) {
		j->s++;
		j->depth--;
		return 0;
	}
	for (;;) {
		skip_ws(j);
		if (close == '}') {
			if (j->s >= j->end || *j->s != '"') {
				j->err = "expected a string key";
				return -1;
			}
			if (parse_string(j, NULL) < 0)
				return -1;
			skip_ws(j);
			if (j->s >= j->end || *j->s != ':') {
				j->err = "expected ':'";
				return -1;
			}
			j->s++;
			skip_ws(j);
		}
		if (skip_value(j) < 0)
			return -1;
		skip_ws(j);
		if (j->s < j->end && *j->s == ',') {
			j->s++;
			continue;
		}
		if (j->s < j->end && *j->s == close) {
			j->s++;
			j->depth--;
			return 0;
		}
		j->err = close == '}' ? "expected ',' or '}'"
				      : "expected ',' or ']'";
		return -1;
	}
}

static int skip_value(struct jp *j)
{
	if (j->s >= j->end) {
		j->err = "expected a value";
		return -1;
	}
	switch (*j->s) {
	case '"': return parse_string(j, NULL);
	case '{': return skip_container(j, '}');
	case '[': return skip_container(j, ']');
	case 't': return literal(j, "true");
	case 'f': return literal(j, "false");
	case 'n': return literal(j, "null");
	default: return parse_number(j);
	}
}

int json_valid_value(const char *s, size_t n)
{
	struct jp j = {s, s + n, NULL, NULL, 0};

	skip_ws(&j);
	if (skip_value(&j) < 0)
		return 0;
	skip_ws(&j);
	return j.s == j.end;
}

/* Make r->by_alias cover field i, new entries 0. */
static void by_alias_grow(struct reader *r, size_t i)
{
	size_t cap = r->by_alias_cap;

	if (i < cap)
		return;
	r->by_alias_cap = (i + 1) * 2;
	r->by_alias =
		xrealloc(r->by_alias, r->by_alias_cap * sizeof *r->by_alias);
	memset(r->by_alias + cap, 0,
	       (r->by_alias_cap - cap) * sizeof *r->by_alias);
}

/* schema_unalias(s, alias), alias being one of field, noted so that a
 * malformed line can undo it (see ndjson_next). */
static int unalias(struct reader *r, int alias, int field)
{
	if (r->nunaliased + 2 > r->unaliased_cap) {
		r->unaliased_cap = r->unaliased_cap ? r->unaliased_cap * 2 : 8;
		r->unaliased = xrealloc(
			r->unaliased, r->unaliased_cap * sizeof *r->unaliased);
	}
	r->unaliased[r->nunaliased++] = alias;
	r->unaliased[r->nunaliased++] = field;
	return schema_unalias(r->schema, alias);
}

/* The field of key k[0..n) in rec, added to the schema when new.  A
 * field a tool renamed (schema_rename) is found by its new name and by
 * its old one (an alias).  When one record holds both keys, or two old
 * names of one field, each keeps its value: the alias that would land on
 * a field another key has filled becomes a field of its own under its
 * own name (schema_unalias), as when the record came first, and later
 * records find it so.  Nothing is lost whatever the order in which the
 * keys first appear. */
static int key_field(struct reader *r, struct record *rec, const char *k,
		     size_t n)
{
	struct schema *s = r->schema;
	int a, i, j;

	if (!s->nalias || (i = schema_find_alias(s, k, n, &a)) < 0) {
		if (s->n >= NDJSON_MAX_FIELDS && schema_find(s, k, n) < 0)
			return -1; /* a new key past the limit */
		return schema_add(s, k, n);
	}
	by_alias_grow(r, (size_t)i);
	if (a >= 0) {
		if ((size_t)i < rec->nf && rec->f[i].kind != VAL_ABSENT &&
		    r->by_alias[i] != a + 1)
			return s->n >= NDJSON_MAX_FIELDS ? -1
							 : unalias(r, a, i);
		r->by_alias[i] = a + 1;
		return i;
	}
	if (r->by_alias[i] > 0) {
		/* the value already there came by an old name: it moves to
		 * that name's own field */
		if (s->n >= NDJSON_MAX_FIELDS)
			return -1;
		j = unalias(r, r->by_alias[i] - 1, i);
		r->by_alias[i] = 0;
		rec_resize(rec, (size_t)j + 1);
		rec_note(rec, (size_t)j);
		rec->f[j] = rec->f[i];
	}
	return i;
}

/* Parse one object line into rec.  -1 with j->err on error. */
static int parse_object(struct reader *r, struct record *rec, struct jp *j)
{
	struct buf *key = &r->scratch;

	skip_ws(j);
	if (j->s >= j->end || *j->s != '{') {
		j->err = "expected a JSON object";
		return -1;
	}
	j->s++;
	if (r->schema->nalias && r->by_alias_cap)
		memset(r->by_alias, 0, r->by_alias_cap * sizeof *r->by_alias);
	skip_ws(j);
	if (j->s < j->end && *j->s == '}') {
		j->s++;
		goto tail;
	}
	for (;;) {
		int idx;
		skip_ws(j);
		if (j->s >= j->end || *j->s != '"') {
			j->err = "expected a string key";
			return -1;
		}
		buf_reset(key);
		if (parse_string(j, key) < 0)
			return -1;
		skip_ws(j);
		if (j->s >= j->end || *j->s != ':') {
			j->err = "expected ':'";
			return -1;
		}
		j->s++;
		skip_ws(j);
		idx = key_field(r, rec, key->p ? key->p : "", key->len);
		if (idx < 0) {
			j->err = "the input has " STR(
				NDJSON_MAX_FIELDS) " distinct keys already, the most cov reads, "
						   "and this line brings one more";
			j->reason = "too_many_fields";
			return -1;
		}
		rec_resize(rec, (size_t)idx + 1);
		if (j->s < j->end && *j->s == '"') {
			size_t off = rec->data.len;
			if (parse_string(j, &rec->data) < 0)
				return -1;
			rec_note(rec, (size_t)idx);
			rec->f[idx].off = off;
			rec->f[idx].len = rec->data.len - off;
			rec->f[idx].kind = VAL_STR;
			rec->f[idx].clean = 0;
		} else {
			const char *v = j->s;
			if (skip_value(j) < 0)
				return -1;
			rec_set(rec, (size_t)idx, v, (size_t)(j->s - v),
				VAL_RAW);
		}
		skip_ws(j);
		if (j->s < j->end && *j->s == ',') {
			j->s++;
			continue;
		}
		if (j->s < j->end && *j->s == '}') {
			j->s++;
			break;
		}
		j->err = "expected ',' or '}'";
		return -1;
	}
tail:
	skip_ws(j);
	if (j->s != j->end) {
		j->err = "text after the JSON object";
		return -1;
	}
	return 0;
}

int ndjson_next(struct reader *r, struct record *rec, struct cov_err *e)
{
	const char *s;
	size_t n, i, n0;
	int k;
	struct jp j;

	for (;;) {
		r->in_record = 0;
		r->rec_start = r->pos;
		k = reader_line(r, &s, &n, e);
		if (k < 0)
			return k;
		if (k == 0) {
			if (r->lines_seen == 0) {
				err_set(e, COV_EXIT_DATA, r->in->name, 1,
					"empty",
					"no JSON object in the input (empty NDJSON)");
				r->lines_seen = -1; /* said once */
				return -1;
			}
			return 0;
		}
		for (i = 0; i < n && (s[i] == ' ' || s[i] == '\t' ||
				      s[i] == '\r' || s[i] == '\n');
		     i++)
			;
		if (i < n)
			break;
	}
	r->rec_line = r->line;
	if (r->lines_seen >= 0)
		r->lines_seen++;
	rec_clear(rec, r->schema->n);
	rec->line = r->line;
	rec->file = r->in->name;
	if (!text_utf8_valid(s, n)) {
		reader_utf8_msg(r->bad_msg, sizeof r->bad_msg, s, n, 0);
		reader_reject(r, e, r->line, "invalid_utf8", "%s", r->bad_msg);
		return -1;
	}
	j.s = s;
	j.end = s + n;
	j.err = NULL;
	j.reason = NULL;
	j.depth = 0;
	n0 = r->schema->n;
	r->nunaliased = 0;
	if (parse_object(r, rec, &j) < 0) {
		/* a malformed line leaves the schema as it found it: its
		 * keys are no fields, and the old names it made fields of
		 * their own find their renamed fields again */
		while (r->nunaliased > 0) {
			r->nunaliased -= 2;
			schema_realias(r->schema, r->unaliased[r->nunaliased],
				       r->unaliased[r->nunaliased + 1]);
		}
		schema_truncate(r->schema, n0);
		if (j.reason)
			reader_reject(r, e, r->line, j.reason, "%s", j.err);
		else
			reader_reject(r, e, r->line, "bad_json",
				      "invalid JSON: %s at byte %ld", j.err,
				      (long)(j.s - s) + 1);
		return -1;
	}
	rec_resize(rec, r->schema->n);
	return 1;
}

/* ---- writing ----------------------------------------------------------- */

/* 0: copy; 1: short escape in json_short; 2: \u00XX. */
/* clang-format off */
static const unsigned char json_esc[256] = {
	2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 2, 1, 1, 2, 2, /* 0x00-0x0f */
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* 0x10-0x1f */
	['"'] = 1, ['\\'] = 1,
};
/* clang-format on */

static char json_short(char c)
{
	switch (c) {
	case '\b': return 'b';
	case '\f': return 'f';
	case '\n': return 'n';
	case '\r': return 'r';
	case '\t': return 't';
	default: return c;
	}
}

static size_t escape_into(char *d, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	char *start = d;

	*d++ = '"';
	for (size_t i = 0; i < n; i++) {
		unsigned char c = u[i];
		switch (json_esc[c]) {
		case 0: *d++ = (char)c; break;
		case 1:
			*d++ = '\\';
			*d++ = json_short((char)c);
			break;
		default:
			memcpy(d, "\\u00", 4);
			d[4] = hex[c >> 4];
			d[5] = hex[c & 15];
			d += 6;
		}
	}
	*d++ = '"';
	return (size_t)(d - start);
}

void json_write_string(struct out_file *o, const char *s, size_t n)
{
	char *d = out_reserve(o, 6 * n + 2);
	o->len += escape_into(d, s, n);
}

void json_buf_string(struct buf *b, const char *s, size_t n)
{
	if (b->cap - b->len < 6 * n + 2)
		buf_grow(b, 6 * n + 2);
	b->len += escape_into(b->p + b->len, s, n);
}
