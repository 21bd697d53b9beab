/*
 * normalize: see normalize.h.
 *
 * Field roles are resolved to indices once per bind, so applying a record is
 * a pass over its fields plus one call per canonical field present.  Every
 * rewritten value is built in one of a few scratch buffers and stored with
 * rec_set, which appends to the record's own buffer; the record is reset by
 * the reader before the next one.
 *
 * Company, country and email_status values repeat across rows and their
 * rules cost more than a lookup, so they go through memos (lib/memo.h):
 * company names, many and long, through a hashed memo; countries and
 * statuses through small direct ones.  Dates parse faster than a memo
 * answers, so they are not cached.
 *
 * Values written back are marked clean (rec_set_clean: no comma, quote, CR
 * or LF, so the CSV writer copies them without a scan) when that is known:
 * codes, labels, dates, E.164 numbers, company keys and registrable
 * domains by their alphabet; cleaned text and e-mail addresses when the
 * value they come from was clean (see set_text).  A value already in its
 * final form is not written again.
 *
 * Rules read text only.  An NDJSON value that is not a string (a number,
 * true, false, null, an object or an array) is left byte for byte as it
 * came, counted under no reason, and gives no derived field, as an empty
 * value would: see has().  The one reading of such values is a boolean
 * column's true, false, 1 and 0 (see raw_bool).
 */
#include "normalize.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memo.h"
#include "norm_company.h"
#include "norm_country.h"
#include "norm_domain.h"
#include "norm_email.h"
#include "norm_phone.h"
#include "norm_text.h"
#include "norm_title.h"
#include "norm_value.h"

/* Canonical fields with a rule of their own. */
/* clang-format off */
enum role {
	R_EMAIL, R_DOMAIN, R_COMPANY, R_TITLE, R_COUNTRY, R_PHONE, R_OPT_OUT,
	R_CONSENT, R_EMAIL_STATUS, R_CREATED, R_UPDATED, R_LAST_ACTIVITY,
	R_SEGMENT, R_TIER,
	/* derived */
	R_EMAIL_DOMAIN, R_DOMAIN_OUT, R_COMPANY_KEY, R_PERSONA, R_SENIORITY,
	R_DEPARTMENT, R_REGION, R_COUNT
};
/* clang-format on */

/* clang-format off */
static const char *const role_name[R_COUNT] = {
	"email", "domain", "company", "title", "country", "phone", "opt_out",
	"consent", "email_status", "created_at", "updated_at",
	"last_activity_at", "segment", "tier", "email_domain", "domain",
	"company_key", "persona", "seniority", "department", "region",
};
/* clang-format on */

struct map_entry {
	char *from, *to;
};

struct normalizer {
	struct normalize_opts opt;
	struct taxonomy *tax;
	struct map_entry *map;
	size_t nmap;
	int idx[R_COUNT];        /* field index per role, -1 when absent */
	enum header_value *conv; /* per field: how its values convert */
	unsigned char *own;      /* per field: its rule rewrites it */
	int *fallback; /* per field: the field it stands in for, or -1 */
	size_t conv_cap;
	size_t bound_n;              /* schema size at the last bind */
	int merging;                 /* some field converts or stands in */
	struct buf a, b;             /* scratch */
	struct memo_hashed *company; /* company -> company key */
	struct memo *country;        /* country -> CC+region */
	struct memo *status;         /* email_status -> its canonical word */
};

static char *trim_dup(const char *s, size_t n)
{
	while (n > 0 && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return xstrndup(s, n);
}

static int parse_map(struct normalizer *nz, const char *spec, struct cov_err *e)
{
	const char *p = spec;

	while (*p) {
		const char *end = strchr(p, ','), *eq;
		size_t len;
		if (!end)
			end = p + strlen(p);
		len = (size_t)(end - p);
		eq = memchr(p, '=', len);
		if (!eq || eq == p || eq + 1 == end) {
			err_set(e, COV_EXIT_USAGE, NULL, 0, "usage",
				"--map: expected 'Source Name=canonical', got '%.*s'",
				(int)(len > 80 ? 80 : len), p);
			return -1;
		}
		/* a name becomes a header or a key, which every reader
		 * refuses unless it is UTF-8 */
		if (!text_utf8_valid(p, len)) {
			err_set(e, COV_EXIT_USAGE, NULL, 0, "usage",
				"--map: pair %zu is not UTF-8", nz->nmap + 1);
			return -1;
		}
		nz->map = xrealloc(nz->map, (nz->nmap + 1) * sizeof *nz->map);
		nz->map[nz->nmap].from = trim_dup(p, (size_t)(eq - p));
		nz->map[nz->nmap].to = trim_dup(eq + 1, (size_t)(end - eq - 1));
		nz->nmap++;
		p = *end ? end + 1 : end;
	}
	return 0;
}

struct normalizer *normalizer_new(const struct normalize_opts *opts,
				  struct cov_err *e)
{
	struct normalizer *nz = xcalloc(1, sizeof *nz);
	char cc[3];

	nz->opt = *opts;
	nz->opt.default_country = NULL;
	for (int i = 0; i < R_COUNT; i++)
		nz->idx[i] = -1;
	if (opts->map && parse_map(nz, opts->map, e) < 0)
		goto fail;
	if (opts->default_country) {
		if (!country_code(opts->default_country,
				  strlen(opts->default_country), cc)) {
			err_set(e, COV_EXIT_USAGE, NULL, 0, "usage",
				"--default-country: unknown country '%s'",
				opts->default_country);
			goto fail;
		}
		nz->opt.default_country = xstrdup(cc);
	}
	nz->company = memo_hashed_new(16384);
	nz->country = memo_new(1024);
	nz->status = memo_new(64);
	nz->tax = taxonomy_new();
	if (opts->taxonomy && taxonomy_load(nz->tax, opts->taxonomy, e) < 0)
		goto fail;
	return nz;
fail:
	normalizer_free(nz);
	return NULL;
}

static const char *mapped_name(struct normalizer *nz, const char *name,
			       size_t n)
{
	for (size_t i = 0; i < nz->nmap; i++)
		if (strlen(nz->map[i].from) == n &&
		    memcmp(nz->map[i].from, name, n) == 0)
			return nz->map[i].to;
	return NULL;
}

void normalizer_bind(struct normalizer *nz, struct stream *st)
{
	struct schema *s = &st->schema;
	size_t n0 = nz->bound_n, n_in = s->n;

	if (s->n > nz->conv_cap) {
		nz->conv = xrealloc(nz->conv, s->n * 2 * sizeof *nz->conv);
		nz->conv_cap = s->n * 2;
	}
	nz->fallback = xrealloc(nz->fallback,
				(s->n ? s->n : 1) * sizeof *nz->fallback);
	for (size_t i = n0; i < n_in; i++) {
		nz->conv[i] = HEADER_VALUE_AS_IS;
		nz->fallback[i] = -1;
	}
	/* the user's --map first, over every new column; a column whose new
	 * name another column has already (named so in the input, or by an
	 * earlier pair) stands in for that one, as an alias would */
	for (size_t i = n0; i < n_in; i++) {
		const char *to = mapped_name(nz, s->names[i], s->lens[i]);
		int t;

		if (!to || schema_rename(s, (int)i, to, strlen(to)) == 0)
			continue;
		t = schema_find_name(s, to, strlen(to));
		if (t == (int)i)
			continue; /* --map 'email=email' */
		nz->fallback[i] = t;
		cov_warnx("--map '%.*s=%s': a column is named %s already; "
			  "%.*s stands in for it where it is empty",
			  (int)s->lens[i], s->names[i], to, to, (int)s->lens[i],
			  s->names[i]);
	}
	/* no --kind: the first header tells (after --map); an NDJSON
	 * stream's is the first record's keys */
	if (!nz->opt.kind && n_in > 0)
		nz->opt.kind = header_guess_kind(s);
	/* then the built-in aliases; a column whose field is taken already
	 * becomes that field's fallback (see normalizer_apply) */
	for (size_t i = n0; i < n_in; i++) {
		const struct header_match *m;
		if (mapped_name(nz, s->names[i], s->lens[i]) ||
		    header_is_canonical(s->names[i], s->lens[i]))
			continue;
		m = header_lookup(s->names[i], s->lens[i], nz->opt.kind);
		if (!m)
			continue;
		nz->conv[i] = m->value;
		if (schema_rename(s, (int)i, m->canonical,
				  strlen(m->canonical)) != 0)
			nz->fallback[i] = schema_find_name(
				s, m->canonical, strlen(m->canonical));
	}
	/* source roles: the fields named so now, not those renamed from
	 * such a name (--map 'title=notes' takes a column out of its role) */
	for (int r = R_EMAIL; r <= R_TIER; r++)
		nz->idx[r] =
			schema_find_name(s, role_name[r], strlen(role_name[r]));
	/* derived fields, added in their documented order */
	if (nz->idx[R_EMAIL] >= 0)
		nz->idx[R_EMAIL_DOMAIN] = stream_add_field(st, "email_domain");
	if (nz->idx[R_DOMAIN] >= 0)
		nz->idx[R_DOMAIN_OUT] = -1;
	else if (nz->idx[R_EMAIL] >= 0)
		nz->idx[R_DOMAIN_OUT] = stream_add_field(st, "domain");
	if (nz->idx[R_COMPANY] >= 0)
		nz->idx[R_COMPANY_KEY] = stream_add_field(st, "company_key");
	if (nz->idx[R_TITLE] >= 0) {
		nz->idx[R_PERSONA] = stream_add_field(st, "persona");
		nz->idx[R_SENIORITY] = stream_add_field(st, "seniority");
		nz->idx[R_DEPARTMENT] = stream_add_field(st, "department");
	}
	if (nz->idx[R_COUNTRY] >= 0)
		nz->idx[R_REGION] = stream_add_field(st, "region");
	if (s->n > nz->conv_cap) {
		nz->conv = xrealloc(nz->conv, s->n * 2 * sizeof *nz->conv);
		nz->conv_cap = s->n * 2;
	}
	nz->fallback = xrealloc(nz->fallback,
				(s->n ? s->n : 1) * sizeof *nz->fallback);
	for (size_t i = n_in; i < s->n; i++) {
		nz->conv[i] = HEADER_VALUE_AS_IS;
		nz->fallback[i] = -1;
	}
	nz->merging = 0;
	for (size_t i = 0; i < s->n; i++)
		if (nz->conv[i] != HEADER_VALUE_AS_IS || nz->fallback[i] >= 0)
			nz->merging = 1;
	/* fields their own rule rewrites skip the generic cleaning */
	nz->own = xrealloc(nz->own, s->n ? s->n : 1);
	memset(nz->own, 0, s->n);
	{
		static const int owned[] = {
			R_EMAIL,   R_COUNTRY, R_PHONE,   R_OPT_OUT,
			R_CONSENT, R_CREATED, R_UPDATED, R_LAST_ACTIVITY};
		for (size_t k = 0; k < sizeof owned / sizeof owned[0]; k++)
			if (nz->idx[owned[k]] >= 0)
				nz->own[nz->idx[owned[k]]] = 1;
	}
	nz->bound_n = s->n;
}

/* Set field i to text s[0..n).  csv_safe: s is known to hold no comma,
 * quote, CR or LF, as the cleaned form of a value known so does: NFC,
 * lower-casing and white-space folding never make one of those from
 * other characters (checked over all of Unicode). */
static void set_text(struct record *rec, int i, const char *s, size_t n,
		     int csv_safe)
{
	if (csv_safe)
		rec_set_clean(rec, (size_t)i, s, n, VAL_STR);
	else
		rec_set(rec, (size_t)i, s, n, VAL_STR);
}

/* Clean field i in place (NFC, trimmed, white space collapsed). */
static void clean_field(struct normalizer *nz, struct record *rec, size_t i)
{
	if (text_is_clean(rec_val(rec, i), rec_len(rec, i)))
		return;
	if (text_clean(&nz->b, rec_val(rec, i), rec_len(rec, i)) == 0)
		set_text(rec, (int)i, nz->b.p, nz->b.len, rec->f[i].clean);
}

/* Helpers over a field by index.  has: the field holds non-empty text, a
 * value a rule may read; never an NDJSON number, boolean, null, object or
 * array, which stay as they are (SPEC §3). */
static int has(const struct record *rec, int i)
{
	return i >= 0 && rec_kind(rec, (size_t)i) == VAL_STR &&
	       rec_len(rec, (size_t)i) > 0;
}

/* 1 when field i holds a JSON null. */
static int is_null(const struct record *rec, size_t i)
{
	return rec_kind(rec, i) == VAL_RAW && rec_len(rec, i) == 4 &&
	       memcmp(rec_val(rec, i), "null", 4) == 0;
}

/* 1 when field i holds nothing another value may fill: absent, empty text
 * or JSON null (as for every tool).  A number, boolean, object or array is
 * a value. */
static int is_empty(const struct record *rec, int i)
{
	return i < 0 || rec_kind(rec, (size_t)i) == VAL_ABSENT ||
	       rec_len(rec, (size_t)i) == 0 || is_null(rec, (size_t)i);
}

/* An NDJSON boolean of field i: 1 for true and 1, 0 for false and 0, -1
 * for any other value. */
static int raw_bool(const struct record *rec, size_t i)
{
	const char *s = rec_val(rec, i);
	size_t n = rec_len(rec, i);

	if ((n == 4 && !memcmp(s, "true", 4)) || (n == 1 && *s == '1'))
		return 1;
	if ((n == 5 && !memcmp(s, "false", 5)) || (n == 1 && *s == '0'))
		return 0;
	return -1;
}

static void set_str(struct record *rec, int i, const char *s, size_t n)
{
	if (i >= 0)
		rec_set(rec, (size_t)i, s, n, VAL_STR);
}

/* 1 when field i holds the text s[0..n) already (most e-mail addresses
 * and countries are in their final form when they come): no need to set
 * it again. */
static int unchanged(const struct record *rec, int i, const char *s, size_t n)
{
	return i >= 0 && rec_kind(rec, (size_t)i) == VAL_STR &&
	       rec_len(rec, (size_t)i) == n &&
	       (n == 0 || memcmp(rec_val(rec, (size_t)i), s, n) == 0);
}

/* A value from a safe alphabet (codes, labels, E.164, ISO dates). */
static void set_safe(struct record *rec, int i, const char *s, size_t n)
{
	if (i >= 0)
		rec_set_clean(rec, (size_t)i, s, n, VAL_STR);
}

static void set_bool(struct record *rec, int i, int v)
{
	rec_set_clean(rec, (size_t)i, v ? "true" : "false", v ? 4 : 5, VAL_RAW);
}

static void do_date(struct normalizer *nz, struct stream *st,
		    struct record *rec, int i)
{
	if (!has(rec, i))
		return;
	if (value_date(rec_val(rec, (size_t)i), rec_len(rec, (size_t)i),
		       nz->opt.date_order, &nz->a) == 0) {
		set_safe(rec, i, nz->a.p, nz->a.len);
	} else {
		clean_field(nz, rec, (size_t)i);
		stream_count_reason(st, "date_invalid", 1);
	}
}

static void do_bool(struct normalizer *nz, struct stream *st,
		    struct record *rec, int i)
{
	int v;

	if (i < 0 || rec_kind(rec, (size_t)i) == VAL_ABSENT)
		return;
	if (rec_kind(rec, (size_t)i) == VAL_RAW) {
		/* NDJSON true/false/1/0 come typed already; any other
		 * non-string value stays as it is */
		if ((v = raw_bool(rec, (size_t)i)) >= 0)
			set_bool(rec, i, v);
		return;
	}
	if (rec_len(rec, (size_t)i) == 0)
		return;
	v = value_bool(rec_val(rec, (size_t)i), rec_len(rec, (size_t)i));
	if (v < 0) {
		clean_field(nz, rec, (size_t)i);
		stream_count_reason(st, "bool_invalid", 1);
	} else {
		set_bool(rec, i, v);
	}
}

/* What a column says about email_status, in the order readings combine:
 * the higher wins (SPEC §4: the worst news; and a definite "valid" over
 * "unknown", which a false bounce indicator also gives, so that it does
 * not hide a verifier's answer). */
enum { ST_NONE, ST_UNKNOWN, ST_VALID, ST_INVALID, ST_BOUNCED };

static const char *const status_word[] = {NULL, "unknown", "valid", "invalid",
					  "bounced"};

/* The reading of a status word of the vocabulary (value_email_status). */
static int status_rank(const char *w)
{
	switch (w[0]) {
	case 'b': return ST_BOUNCED;
	case 'i': return ST_INVALID;
	case 'v': return ST_VALID;
	default: return ST_UNKNOWN;
	}
}

/* The reading of field i, a column that maps to email_status: a status
 * word (value_email_status) for a status column, and for an indicator
 * column such as "Email Bounced" (see enum header_value) bounced or
 * invalid when it says so, unknown when it says not (false, empty).  A
 * value no rule reads gives ST_UNKNOWN and is counted (bool_invalid for
 * an indicator that is no boolean, email_status_invalid for a word that
 * is no status).  ST_NONE: nothing to read (absent, empty, or an NDJSON
 * value that is not a string, but for an indicator's true, false, 1 and
 * 0). */
static int status_of(struct normalizer *nz, struct stream *st,
		     const struct record *rec, size_t i)
{
	const char *s = rec_val(rec, i), *v;
	size_t n = rec_len(rec, i), vn;
	enum header_value conv =
		i < nz->bound_n ? nz->conv[i] : HEADER_VALUE_AS_IS;
	int set;
	char c;

	if (rec_kind(rec, i) == VAL_ABSENT || n == 0)
		return ST_NONE;
	switch (conv) {
	case HEADER_VALUE_BOUNCED_IF_TRUE:
	case HEADER_VALUE_INVALID_IF_TRUE:
		if (rec_kind(rec, i) == VAL_RAW) {
			if ((set = raw_bool(rec, i)) < 0)
				return ST_NONE;
			break;
		}
		if ((set = value_bool(s, n)) < 0) {
			stream_count_reason(st, "bool_invalid", 1);
			return ST_UNKNOWN;
		}
		break;
	case HEADER_VALUE_BOUNCED_IF_SET:
	case HEADER_VALUE_INVALID_IF_SET:
		if (rec_kind(rec, i) != VAL_STR)
			return ST_NONE;
		set = 1;
		break;
	default:
		if (rec_kind(rec, i) != VAL_STR)
			return ST_NONE;
		/* memo value: one byte, the reading as a digit, or 'x' for
		 * a word that is no status (read as unknown, counted) */
		if ((v = memo_get(nz->status, s, n, &vn)) != NULL && vn == 1) {
			c = *v;
		} else {
			const char *w = value_email_status_known(s, n);
			c = w ? (char)('0' + status_rank(w)) : 'x';
			memo_put(nz->status, s, n, &c, 1);
		}
		if (c == 'x') {
			stream_count_reason(st, "email_status_invalid", 1);
			return ST_UNKNOWN;
		}
		return c - '0';
	}
	if (!set)
		return ST_UNKNOWN;
	return conv == HEADER_VALUE_BOUNCED_IF_TRUE ||
			       conv == HEADER_VALUE_BOUNCED_IF_SET
		       ? ST_BOUNCED
		       : ST_INVALID;
}

/* email_status: every column that maps to it (the one that took the name
 * and those standing in for it) is read, and the highest reading wins,
 * whatever the order of the columns, so every value written is a word of
 * the vocabulary.  A value of the field itself that no rule reads (an
 * NDJSON number, object or array) is left as it is. */
static void do_email_status(struct normalizer *nz, struct stream *st,
			    struct record *rec)
{
	int t = nz->idx[R_EMAIL_STATUS], best = ST_NONE, r;
	const char *w;

	if (t < 0)
		return;
	if (!is_empty(rec, t) &&
	    (best = status_of(nz, st, rec, (size_t)t)) == ST_NONE)
		return;
	if (nz->merging) {
		size_t n = rec->nf < nz->bound_n ? rec->nf : nz->bound_n;
		for (size_t i = 0; i < n; i++)
			if (nz->fallback[i] == t &&
			    (r = status_of(nz, st, rec, i)) > best)
				best = r;
	}
	if (best == ST_NONE)
		return;
	w = status_word[best];
	if (!unchanged(rec, t, w, strlen(w)))
		set_safe(rec, t, w, strlen(w));
}

/* Columns that map to a plain field another column already has give their
 * value when the field is empty (first non-empty wins, in column order).
 * Those standing in for email_status are read by do_email_status. */
static void merge_sources(struct normalizer *nz, struct record *rec)
{
	size_t n = rec->nf < nz->bound_n ? rec->nf : nz->bound_n;

	for (size_t i = 0; i < n; i++) {
		int t = nz->fallback[i];
		if (t < 0 || t == nz->idx[R_EMAIL_STATUS])
			continue;
		if (is_empty(rec, t) && !is_empty(rec, (int)i)) {
			/* with its kind: a non-string value stays one */
			rec_set(rec, (size_t)t, rec_val(rec, i),
				rec_len(rec, i), rec_kind(rec, i));
		}
	}
}

static void do_segment(struct normalizer *nz, struct record *rec, int i)
{
	/* clang-format off */
	static const struct {
		const char *in, *out;
	} seg[] = {
		{"enterprise", "enterprise"}, {"ent", "enterprise"},
		{"large enterprise", "enterprise"}, {"strategic", "enterprise"},
		{"mid market", "mid_market"}, {"midmarket", "mid_market"},
		{"mid-market", "mid_market"}, {"mid_market", "mid_market"},
		{"mm", "mid_market"}, {"commercial", "mid_market"},
		{"smb", "smb"}, {"small business", "smb"}, {"small", "smb"},
		{"s.m.b.", "smb"}, {"small and medium business", "smb"},
	};
	/* clang-format on */

	if (!has(rec, i) || text_fold(&nz->a, rec_val(rec, (size_t)i),
				      rec_len(rec, (size_t)i)) < 0)
		return;
	for (size_t k = 0; k < sizeof seg / sizeof seg[0]; k++)
		if (strlen(seg[k].in) == nz->a.len &&
		    memcmp(seg[k].in, nz->a.p, nz->a.len) == 0) {
			set_str(rec, i, seg[k].out, strlen(seg[k].out));
			return;
		}
}

static void do_tier(struct record *rec, int i)
{
	const char *s;
	size_t n, k;

	if (!has(rec, i))
		return;
	s = rec_val(rec, (size_t)i);
	n = rec_len(rec, (size_t)i);
	/* "Tier 1", "T1", "tier-2" -> the number */
	for (k = 0; k < n && !(s[k] >= '0' && s[k] <= '9'); k++)
		;
	if (k == n || k > 5)
		return;
	for (size_t j = k; j < n; j++)
		if (!(s[j] >= '0' && s[j] <= '9'))
			return;
	if (k > 0 && !((s[0] == 'T' || s[0] == 't')))
		return;
	set_str(rec, i, s + k, n - k);
}

void normalizer_apply(struct normalizer *nz, struct stream *st,
		      struct record *rec)
{
	const int *x = nz->idx;
	char cc[3] = "";
	int country_known = 0;

	if (st->schema.n != nz->bound_n)
		normalizer_bind(nz, st);
	rec_resize(rec, st->schema.n);

	/* every text value of a field without a rule of its own: NFC,
	 * trimmed, white space collapsed; past bound_n (never, as readers
	 * give at most schema.n fields) no field has one.  A wide record
	 * with few fields set is gone through by those (rec_visit). */
	for (size_t k = 0, n = rec_visit_n(rec); k < n; k++) {
		size_t i = rec_visit(rec, k);
		if ((i >= nz->bound_n || !nz->own[i]) &&
		    rec->f[i].kind == VAL_STR && rec->f[i].len > 0)
			clean_field(nz, rec, i);
	}
	if (nz->merging)
		merge_sources(nz, rec);

	if (has(rec, x[R_EMAIL])) {
		const char *d;
		size_t dn;
		/* the cleaned address of an address without a comma, quote
		 * or line break has none either (see set_text) */
		int safe = rec->f[x[R_EMAIL]].clean;
		email_clean(rec_val(rec, (size_t)x[R_EMAIL]),
			    rec_len(rec, (size_t)x[R_EMAIL]), &nz->a);
		if (!unchanged(rec, x[R_EMAIL], nz->a.p, nz->a.len))
			set_text(rec, x[R_EMAIL], nz->a.p ? nz->a.p : "",
				 nz->a.len, safe);
		if (email_domain(nz->a.p, nz->a.len, &d, &dn) == 0 && dn > 0) {
			if (x[R_EMAIL_DOMAIN] >= 0)
				set_text(rec, x[R_EMAIL_DOMAIN], d, dn, safe);
			int out = x[R_DOMAIN_OUT];
			if (out < 0 && x[R_DOMAIN] >= 0 &&
			    is_empty(rec, x[R_DOMAIN]))
				out = x[R_DOMAIN]; /* an empty domain: from the email */
			if (out >= 0) {
				/* a registrable domain is made of host
				 * characters: nothing CSV quotes */
				if (domain_registrable(d, dn, &nz->b) == 0)
					set_safe(rec, out, nz->b.p, nz->b.len);
				else
					stream_count_reason(
						st, "domain_invalid", 1);
			}
		} else {
			stream_count_reason(st, "email_invalid", 1);
		}
	}
	if (has(rec, x[R_DOMAIN])) {
		if (domain_registrable(rec_val(rec, (size_t)x[R_DOMAIN]),
				       rec_len(rec, (size_t)x[R_DOMAIN]),
				       &nz->a) == 0)
			set_safe(rec, x[R_DOMAIN], nz->a.p, nz->a.len);
		else
			stream_count_reason(st, "domain_invalid", 1);
	}
	if (has(rec, x[R_COMPANY])) {
		const char *c = rec_val(rec, (size_t)x[R_COMPANY]), *v;
		size_t cn = rec_len(rec, (size_t)x[R_COMPANY]), vn;
		/* a company key is words (letters, marks, digits) and
		 * spaces: nothing CSV quotes */
		if ((v = memo_hashed_get(nz->company, c, cn, &vn)) != NULL) {
			set_safe(rec, x[R_COMPANY_KEY], v, vn);
		} else if (company_key(c, cn, &nz->a) == 0) {
			memo_hashed_put(nz->company, c, cn, nz->a.p, nz->a.len);
			set_safe(rec, x[R_COMPANY_KEY], nz->a.p ? nz->a.p : "",
				 nz->a.len);
		}
	}
	if (has(rec, x[R_TITLE])) {
		struct title_labels t;
		title_classify(nz->tax, rec_val(rec, (size_t)x[R_TITLE]),
			       rec_len(rec, (size_t)x[R_TITLE]), &t);
		set_safe(rec, x[R_PERSONA], t.persona, strlen(t.persona));
		set_safe(rec, x[R_SENIORITY], t.seniority, strlen(t.seniority));
		set_safe(rec, x[R_DEPARTMENT], t.department,
			 strlen(t.department));
	}
	if (has(rec, x[R_COUNTRY])) {
		/* memo value: "" for unknown, else CC followed by the region */
		const char *c = rec_val(rec, (size_t)x[R_COUNTRY]), *v;
		size_t cn = rec_len(rec, (size_t)x[R_COUNTRY]), vn = 0;
		char both[16];
		if ((v = memo_get(nz->country, c, cn, &vn)) == NULL) {
			vn = 0;
			if (country_code(c, cn, cc)) {
				vn = (size_t)snprintf(both, sizeof both, "%s%s",
						      cc, country_region(cc));
			}
			memo_put(nz->country, c, cn, both, vn);
			v = both;
		}
		if (vn >= 2) {
			memcpy(cc, v, 2);
			cc[2] = '\0';
			country_known = 1;
			set_safe(rec, x[R_REGION], v + 2, vn - 2);
			if (!unchanged(rec, x[R_COUNTRY], cc, 2))
				set_safe(rec, x[R_COUNTRY], cc, 2);
		} else {
			clean_field(nz, rec, (size_t)x[R_COUNTRY]);
			stream_count_reason(st, "country_unknown", 1);
		}
	}
	if (has(rec, x[R_PHONE])) {
		const char *dc = country_known ? cc : nz->opt.default_country;
		if (phone_e164(rec_val(rec, (size_t)x[R_PHONE]),
			       rec_len(rec, (size_t)x[R_PHONE]), dc,
			       &nz->a) == 0)
			set_safe(rec, x[R_PHONE], nz->a.p, nz->a.len);
		else {
			clean_field(nz, rec, (size_t)x[R_PHONE]);
			stream_count_reason(st, "phone_invalid", 1);
		}
	}
	do_bool(nz, st, rec, x[R_OPT_OUT]);
	do_bool(nz, st, rec, x[R_CONSENT]);
	do_email_status(nz, st, rec);
	do_date(nz, st, rec, x[R_CREATED]);
	do_date(nz, st, rec, x[R_UPDATED]);
	do_date(nz, st, rec, x[R_LAST_ACTIVITY]);
	do_segment(nz, rec, x[R_SEGMENT]);
	do_tier(rec, x[R_TIER]);
}

void normalizer_free(struct normalizer *nz)
{
	if (!nz)
		return;
	for (size_t i = 0; i < nz->nmap; i++) {
		free(nz->map[i].from);
		free(nz->map[i].to);
	}
	free(nz->map);
	free(nz->conv);
	if (nz->tax)
		taxonomy_free(nz->tax);
	if (nz->opt.default_country)
		free((char *)nz->opt.default_country);
	memo_hashed_free(nz->company);
	memo_free(nz->country);
	memo_free(nz->status);
	free(nz->own);
	free(nz->fallback);
	buf_release(&nz->a);
	buf_release(&nz->b);
	free(nz);
}
