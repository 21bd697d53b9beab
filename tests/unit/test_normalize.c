/*
 * Tests for normalize: NDJSON values that are not strings (numbers, true,
 * false, null, objects, arrays) in every field a rule touches are left byte
 * for byte as they came, give no derived field and count under no reason,
 * as an empty value; the booleans of opt_out and consent are still read;
 * null is an empty value that a domain from the e-mail or a stand-in
 * column fills; the same fields as text are still normalised; a column
 * --map renames away from a canonical name leaves its role; --map names
 * are UTF-8.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "normalize.h"
#include "stream.h"

/* Every field with a rule of its own, and one without. */
/* clang-format off */
static const char *const fields[] = {
	"first_name", "email", "domain", "company", "title", "country",
	"phone", "opt_out", "consent", "email_status", "created_at",
	"updated_at", "last_activity_at", "segment", "tier",
};
/* clang-format on */
#define NFIELDS (sizeof fields / sizeof fields[0])

/* The fields normalizer_bind adds for them. */
/* clang-format off */
static const char *const derived[] = {
	"email_domain", "company_key", "persona", "seniority", "department",
	"region",
};
/* clang-format on */
#define NDERIVED (sizeof derived / sizeof derived[0])

struct fixture {
	struct stream st;
	struct writer w;
	struct normalizer *nz;
	struct record rec;
};

/* A normalizer bound to a stream with fields names[0..n) and --map map
 * (NULL: none). */
static void fx_init_map(struct fixture *fx, const char *const *names, size_t n,
			const char *map)
{
	struct normalize_opts o = {0};
	struct cov_err e = {0};

	memset(fx, 0, sizeof *fx);
	for (size_t i = 0; i < n; i++)
		schema_add(&fx->st.schema, names[i], strlen(names[i]));
	fx->w.fmt = FMT_NDJSON;
	fx->st.out = &fx->w;
	o.default_country = "US";
	o.map = map;
	fx->nz = normalizer_new(&o, &e);
	cr_assert(fx->nz != NULL, "%s", e.msg);
	normalizer_bind(fx->nz, &fx->st);
	fx->rec = (struct record)RECORD_INIT;
	rec_clear(&fx->rec, fx->st.schema.n);
}

static void fx_init(struct fixture *fx, const char *const *names, size_t n)
{
	fx_init_map(fx, names, n, NULL);
}

static void fx_free(struct fixture *fx)
{
	normalizer_free(fx->nz);
	rec_release(&fx->rec);
	schema_release(&fx->st.schema);
	free(fx->st.added);
	free(fx->st.order);
}

static int idx(struct fixture *fx, const char *name)
{
	int i = schema_find(&fx->st.schema, name, strlen(name));
	cr_assert_geq(i, 0, "%s", name);
	return i;
}

static void set(struct fixture *fx, const char *name, const char *v, int kind)
{
	rec_set(&fx->rec, (size_t)idx(fx, name), v, strlen(v), kind);
}

/* Field name must be of kind and hold v exactly. */
static void expect(struct fixture *fx, const char *name, const char *v,
		   int kind)
{
	size_t i = (size_t)idx(fx, name);

	cr_expect_eq(rec_kind(&fx->rec, i), kind, "%s: kind %d, want %d", name,
		     rec_kind(&fx->rec, i), kind);
	cr_expect(rec_len(&fx->rec, i) == strlen(v) &&
			  memcmp(rec_val(&fx->rec, i), v, strlen(v)) == 0,
		  "%s: '%.*s', want '%s'", name, (int)rec_len(&fx->rec, i),
		  rec_val(&fx->rec, i), v);
}

static uint64_t reasons(const struct stream *st)
{
	uint64_t n = 0;

	for (size_t i = 0; i < st->nreasons; i++)
		n += st->reason[i].n;
	return n;
}

Test(normalize, non_string_values_are_left_as_they_are)
{
	/* clang-format off */
	static const char *const values[] = {
		"{\"addr\":\"Ann@X.com\"}", "[\"US\"]", "[]", "{}",
		"[\"  a  \",{\"b\":[1,2]}]", "4155550100", "1700000000", "2.5",
		"-0", "1e3", "null",
	};
	/* clang-format on */

	for (size_t k = 0; k < sizeof values / sizeof values[0]; k++) {
		struct fixture fx;
		fx_init(&fx, fields, NFIELDS);
		for (size_t i = 0; i < NFIELDS; i++)
			set(&fx, fields[i], values[k], VAL_RAW);
		normalizer_apply(fx.nz, &fx.st, &fx.rec);
		for (size_t i = 0; i < NFIELDS; i++)
			expect(&fx, fields[i], values[k], VAL_RAW);
		for (size_t i = 0; i < NDERIVED; i++)
			cr_expect_eq(
				rec_kind(&fx.rec, (size_t)idx(&fx, derived[i])),
				VAL_ABSENT, "%s from %s", derived[i],
				values[k]);
		cr_expect_eq(reasons(&fx.st), 0, "reasons counted for %s",
			     values[k]);
		fx_free(&fx);
	}
}

Test(normalize, ndjson_booleans_are_still_read)
{
	/* clang-format off */
	static const struct {
		const char *in, *out;
	} b[] = {
		{"true", "true"}, {"1", "true"}, {"false", "false"},
		{"0", "false"},
	};
	/* clang-format on */

	for (size_t k = 0; k < sizeof b / sizeof b[0]; k++) {
		struct fixture fx;
		fx_init(&fx, fields, NFIELDS);
		for (size_t i = 0; i < NFIELDS; i++)
			set(&fx, fields[i], b[k].in, VAL_RAW);
		normalizer_apply(fx.nz, &fx.st, &fx.rec);
		for (size_t i = 0; i < NFIELDS; i++) {
			int is_bool = !strcmp(fields[i], "opt_out") ||
				      !strcmp(fields[i], "consent");
			expect(&fx, fields[i], is_bool ? b[k].out : b[k].in,
			       VAL_RAW);
		}
		cr_expect_eq(reasons(&fx.st), 0);
		fx_free(&fx);
	}
}

Test(normalize, text_values_are_still_normalised)
{
	struct fixture fx;

	fx_init(&fx, fields, NFIELDS);
	set(&fx, "email", " Ann@X.com ", VAL_STR);
	set(&fx, "country", "United States", VAL_STR);
	set(&fx, "phone", "(415) 555-0100", VAL_STR);
	set(&fx, "company", "The Acme Company, Inc.", VAL_STR);
	set(&fx, "title", "CFO", VAL_STR);
	set(&fx, "tier", "Tier 1", VAL_STR);
	set(&fx, "opt_out", "yes", VAL_STR);
	normalizer_apply(fx.nz, &fx.st, &fx.rec);
	expect(&fx, "email", "ann@x.com", VAL_STR);
	expect(&fx, "email_domain", "x.com", VAL_STR);
	expect(&fx, "country", "US", VAL_STR);
	expect(&fx, "region", "NA", VAL_STR);
	expect(&fx, "phone", "+14155550100", VAL_STR);
	expect(&fx, "company_key", "acme", VAL_STR);
	expect(&fx, "persona", "finance", VAL_STR);
	expect(&fx, "tier", "1", VAL_STR);
	expect(&fx, "opt_out", "true", VAL_RAW);
	fx_free(&fx);
}

Test(normalize, derived_input_field_kept_when_source_is_nested)
{
	static const char *const names[] = {"country", "region", "email",
					    "email_domain"};
	struct fixture fx;

	fx_init(&fx, names, 4);
	set(&fx, "country", "[\"US\"]", VAL_RAW);
	set(&fx, "region", "EMEA", VAL_STR);
	set(&fx, "email", "{\"a\":\"b@c.com\"}", VAL_RAW);
	set(&fx, "email_domain", "old.example", VAL_STR);
	normalizer_apply(fx.nz, &fx.st, &fx.rec);
	expect(&fx, "country", "[\"US\"]", VAL_RAW);
	expect(&fx, "region", "EMEA", VAL_STR);
	expect(&fx, "email", "{\"a\":\"b@c.com\"}", VAL_RAW);
	expect(&fx, "email_domain", "old.example", VAL_STR);
	fx_free(&fx);
}

Test(normalize, domain_from_email_fills_null_not_nested)
{
	static const char *const names[] = {"email", "domain"};
	struct fixture fx;

	fx_init(&fx, names, 2);
	set(&fx, "email", "ann@www.acme.co.uk", VAL_STR);
	set(&fx, "domain", "null", VAL_RAW);
	normalizer_apply(fx.nz, &fx.st, &fx.rec);
	expect(&fx, "domain", "acme.co.uk", VAL_STR);

	rec_clear(&fx.rec, fx.st.schema.n);
	set(&fx, "email", "ann@www.acme.co.uk", VAL_STR);
	set(&fx, "domain", "{\"web\":\"x.com\"}", VAL_RAW);
	normalizer_apply(fx.nz, &fx.st, &fx.rec);
	expect(&fx, "domain", "{\"web\":\"x.com\"}", VAL_RAW);
	expect(&fx, "email_domain", "www.acme.co.uk", VAL_STR);

	rec_clear(&fx.rec, fx.st.schema.n);
	set(&fx, "email", "ann@www.acme.co.uk", VAL_STR);
	set(&fx, "domain", "7", VAL_RAW);
	normalizer_apply(fx.nz, &fx.st, &fx.rec);
	expect(&fx, "domain", "7", VAL_RAW);
	fx_free(&fx);
}

Test(normalize, stand_in_columns_keep_kinds)
{
	static const char *const names[] = {"Mailing Country",
					    "Billing Country"};
	struct fixture fx;

	fx_init(&fx, names, 2);
	/* a nested value is a value: not replaced by the stand-in */
	set(&fx, "country", "{\"code\":\"DE\"}", VAL_RAW);
	set(&fx, "Billing Country", "France", VAL_STR);
	normalizer_apply(fx.nz, &fx.st, &fx.rec);
	expect(&fx, "country", "{\"code\":\"DE\"}", VAL_RAW);
	cr_expect_eq(rec_kind(&fx.rec, (size_t)idx(&fx, "region")), VAL_ABSENT);

	/* null is empty: filled */
	rec_clear(&fx.rec, fx.st.schema.n);
	set(&fx, "country", "null", VAL_RAW);
	set(&fx, "Billing Country", "France", VAL_STR);
	normalizer_apply(fx.nz, &fx.st, &fx.rec);
	expect(&fx, "country", "FR", VAL_STR);
	expect(&fx, "region", "EMEA", VAL_STR);

	/* a nested stand-in fills as it is, and is read by no rule */
	rec_clear(&fx.rec, fx.st.schema.n);
	set(&fx, "Billing Country", "[\"FR\"]", VAL_RAW);
	normalizer_apply(fx.nz, &fx.st, &fx.rec);
	expect(&fx, "country", "[\"FR\"]", VAL_RAW);
	expect(&fx, "Billing Country", "[\"FR\"]", VAL_RAW);
	cr_expect_eq(rec_kind(&fx.rec, (size_t)idx(&fx, "region")), VAL_ABSENT);
	cr_expect_eq(reasons(&fx.st), 0);
	fx_free(&fx);
}

Test(normalize, email_status_indicators)
{
	static const char *const names[] = {"email_status", "Email Bounced",
					    "Email Invalid Cause"};
	struct fixture fx;

	fx_init(&fx, names, 3);
	/* a typed boolean is read; a nested status stays */
	set(&fx, "email_status", "[\"valid\"]", VAL_RAW);
	set(&fx, "Email Bounced", "true", VAL_RAW);
	normalizer_apply(fx.nz, &fx.st, &fx.rec);
	expect(&fx, "email_status", "[\"valid\"]", VAL_RAW);

	rec_clear(&fx.rec, fx.st.schema.n);
	set(&fx, "Email Bounced", "true", VAL_RAW);
	normalizer_apply(fx.nz, &fx.st, &fx.rec);
	expect(&fx, "email_status", "bounced", VAL_STR);

	rec_clear(&fx.rec, fx.st.schema.n);
	set(&fx, "Email Invalid Cause", "{\"why\":\"x\"}", VAL_RAW);
	set(&fx, "Email Bounced", "[true]", VAL_RAW);
	normalizer_apply(fx.nz, &fx.st, &fx.rec);
	cr_expect_eq(rec_kind(&fx.rec, (size_t)idx(&fx, "email_status")),
		     VAL_ABSENT);
	expect(&fx, "Email Invalid Cause", "{\"why\":\"x\"}", VAL_RAW);
	expect(&fx, "Email Bounced", "[true]", VAL_RAW);
	cr_expect_eq(reasons(&fx.st), 0);
	fx_free(&fx);
}

/* The columns that map to email_status, and values of each with the
 * reading the rules give them (0 nothing, 1 unknown, 2 valid, 3 invalid,
 * 4 bounced). */
/* clang-format off */
static const char *const status_cols[] = {
	"Email Status", "Email Bounced", "Email Invalid", "Email Bounced Reason",
};
static const struct {
	const char *v;
	int rank;
} status_vals[4][7] = {
	{{"", 0}, {"bounced", 4}, {"Hard Bounce", 4}, {"deliverable", 2},
	 {"risky", 1}, {"no idea", 1}},
	{{"", 0}, {"true", 4}, {"false", 1}, {"maybe", 1}, {NULL, 0}},
	{{"", 0}, {"yes", 3}, {"No", 1}, {NULL, 0}},
	{{"", 0}, {"550 mailbox unavailable", 4}, {NULL, 0}},
};
/* clang-format on */
#define NSTATUS 4

/* Every combination of values, with the columns in every order: the same
 * email_status each time, the highest reading, always a vocabulary word
 * (or nothing when every column is empty). */
Test(normalize, email_status_columns_combine_in_any_order)
{
	static const char *const word[] = {NULL, "unknown", "valid", "invalid",
					   "bounced"};
	int perm[NSTATUS] = {0, 1, 2, 3}, nperm = 0;

	for (;;) {
		const char *names[NSTATUS];
		struct fixture fx;
		int k[NSTATUS] = {0};

		for (int c = 0; c < NSTATUS; c++)
			names[c] = status_cols[perm[c]];
		fx_init(&fx, names, NSTATUS);
		for (;;) {
			int want = 0, c;
			rec_clear(&fx.rec, fx.st.schema.n);
			for (c = 0; c < NSTATUS; c++) {
				const char *v = status_vals[c][k[c]].v;
				/* the first column took the name */
				const char *name = c == perm[0]
							   ? "email_status"
							   : status_cols[c];
				if (status_vals[c][k[c]].rank > want)
					want = status_vals[c][k[c]].rank;
				set(&fx, name, v, VAL_STR);
			}
			normalizer_apply(fx.nz, &fx.st, &fx.rec);
			if (want)
				expect(&fx, "email_status", word[want],
				       VAL_STR);
			else
				expect(&fx, "email_status", "", VAL_STR);
			for (c = 0; c < NSTATUS; c++) {
				if (status_vals[c][++k[c]].v)
					break;
				k[c] = 0;
			}
			if (c == NSTATUS)
				break;
		}
		fx_free(&fx);
		nperm++;
		/* next permutation (lexicographic) */
		{
			int i = NSTATUS - 2, j = NSTATUS - 1, t;
			while (i >= 0 && perm[i] > perm[i + 1])
				i--;
			if (i < 0)
				break;
			while (perm[j] < perm[i])
				j--;
			t = perm[i], perm[i] = perm[j], perm[j] = t;
			for (i++, j = NSTATUS - 1; i < j; i++, j--)
				t = perm[i], perm[i] = perm[j], perm[j] = t;
		}
	}
	cr_expect_eq(nperm, 24);
}

/* A value no rule reads becomes unknown and is counted: a status word
 * that is none, an indicator that is no boolean. */
Test(normalize, email_status_unreadable_values_are_counted)
{
	static const char *const names[] = {"Email Bounced", "Email Status"};
	struct fixture fx;

	fx_init(&fx, names, 2);
	set(&fx, "email_status", "maybe", VAL_STR);
	normalizer_apply(fx.nz, &fx.st, &fx.rec);
	expect(&fx, "email_status", "unknown", VAL_STR);
	cr_expect_eq(reasons(&fx.st), 1);

	rec_clear(&fx.rec, fx.st.schema.n);
	set(&fx, "Email Status", "Greylisted", VAL_STR);
	normalizer_apply(fx.nz, &fx.st, &fx.rec);
	expect(&fx, "email_status", "unknown", VAL_STR);
	expect(&fx, "Email Status", "Greylisted", VAL_STR);
	cr_expect_eq(reasons(&fx.st), 2);
	cr_expect_str_eq(fx.st.reason[1].name, "email_status_invalid");

	/* the same value again, from the memo: counted again */
	rec_clear(&fx.rec, fx.st.schema.n);
	set(&fx, "Email Status", "Greylisted", VAL_STR);
	set(&fx, "email_status", "true", VAL_STR);
	normalizer_apply(fx.nz, &fx.st, &fx.rec);
	expect(&fx, "email_status", "bounced", VAL_STR);
	cr_expect_eq(reasons(&fx.st), 3);
	fx_free(&fx);
}

/* The field whose own name is name (not one renamed from it), or -1. */
static int own(const struct fixture *fx, const char *name)
{
	for (size_t i = 0; i < fx->st.schema.n; i++)
		if (strcmp(fx->st.schema.names[i], name) == 0)
			return (int)i;
	return -1;
}

/* A column --map renames away from a canonical name leaves that role: an
 * alias may give the name to another column, and a derived field the
 * column stood for is derived again (not written over the column). */
Test(normalize, renamed_away_leaves_its_role)
{
	static const char *const names[] = {"title", "Job Title", "email",
					    "domain"};
	struct fixture fx;
	int title, site, domain;

	fx_init_map(&fx, names, 4, "title=notes,domain=site");
	title = own(&fx, "title");
	site = own(&fx, "site");
	domain = own(&fx, "domain");
	cr_assert_eq(own(&fx, "notes"), 0);
	cr_assert_eq(title, 1, "Job Title is the title now");
	cr_assert_eq(site, 3);
	cr_assert_gt(domain, 3, "domain from the e-mail, added");
	cr_assert(stream_is_added(&fx.st, (size_t)domain));
	rec_set(&fx.rec, 0, "Mr", 2, VAL_STR);
	rec_set(&fx.rec, 1, "CEO", 3, VAL_STR);
	set(&fx, "email", "Ann@Acme.com", VAL_STR);
	rec_set(&fx.rec, 3, "https://www.other.org/x", 23, VAL_STR);
	normalizer_apply(fx.nz, &fx.st, &fx.rec);
	expect(&fx, "notes", "Mr", VAL_STR);
	expect(&fx, "persona", "economic_buyer", VAL_STR);
	expect(&fx, "seniority", "c_level", VAL_STR);
	expect(&fx, "site", "https://www.other.org/x", VAL_STR);
	expect(&fx, "email_domain", "acme.com", VAL_STR);
	cr_expect(rec_len(&fx.rec, (size_t)domain) == 8 &&
			  memcmp(rec_val(&fx.rec, (size_t)domain), "acme.com",
				 8) == 0,
		  "domain: '%.*s'", (int)rec_len(&fx.rec, (size_t)domain),
		  rec_val(&fx.rec, (size_t)domain));
	fx_free(&fx);
}

/* A --map name becomes a header or an NDJSON key, which no reader takes
 * unless it is UTF-8: a pair that is not is a usage error. */
Test(normalize, map_names_are_utf8)
{
	static const char *const bad[] = {"b=\xcf", "\xcf=b", "a=b,c=\xff\xfe",
					  "a=\xc0\xaf"};
	struct normalize_opts o = {0};
	struct normalizer *nz;
	struct cov_err e = {0};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		o.map = bad[i];
		cr_expect_null(normalizer_new(&o, &e), "%zu", i);
		cr_expect_eq(e.code, COV_EXIT_USAGE);
		cr_expect(strstr(e.msg, "not UTF-8") != NULL, "%s", e.msg);
	}
	o.map = "Pr\xc3\xa9nom=first_name,Soci\xc3\xa9t\xc3\xa9=company";
	nz = normalizer_new(&o, &e);
	cr_expect_not_null(nz, "%s", e.msg);
	normalizer_free(nz);
}
