/*
 * Tests for match: each method and the order between them, every
 * tie-break rule on its own, free-mail and disposable domains never
 * matching by domain (embedded lists and --domains-file), fuzzy scores and
 * blocking, duplicate keys and ids, accounts files (export headers, NDJSON,
 * gzip, malformed, missing id column, --with), table growth over 100,000
 * accounts with the memory each costs, the fields written to a stream,
 * and matching records a few after prefetching them.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "match.h"
#include "stream.h"
#include "testutil.h"

/* An account: id, name, domains, country, tier, parent. */
struct acc {
	const char *id, *name, *domains, *country, *tier, *parent;
};

static struct matcher *build(const struct acc *a, size_t n)
{
	struct matcher *m = matcher_new();
	struct cov_err e = {0};

	for (size_t i = 0; i < n; i++)
		cr_assert_eq(matcher_add_account(m, a[i].id, a[i].name,
						 a[i].domains, a[i].country,
						 a[i].tier, a[i].parent, NULL,
						 &e),
			     0, "%s", e.msg);
	matcher_finish(m);
	return m;
}

/* A contact: account_id, email, company, country (NULL = empty). */
static struct match_result run(struct matcher *m, const char *id,
			       const char *email, const char *company,
			       const char *country)
{
	struct match_query q;
	struct match_result r;

	memset(&q, 0, sizeof q);
#define SET(f, v) q.f = (v), q.f##_n = (v) ? strlen(v) : 0
	SET(account_id, id);
	SET(email, email);
	SET(company, company);
	SET(country, country);
#undef SET
	matcher_match(m, &q, &r);
	return r;
}

static const char *idof(struct matcher *m, const struct match_result *r)
{
	static char buf[256];
	size_t n;
	const char *p;

	if (r->account == MATCH_NONE_ID)
		return "";
	p = matcher_account_id(m, r->account, &n);
	snprintf(buf, sizeof buf, "%.*s", (int)n, p);
	return buf;
}

#define EXPECT(m, r, want_id, want_method)                                     \
	do {                                                                   \
		cr_expect_str_eq(idof(m, &(r)), want_id);                      \
		cr_expect_str_eq(match_method_name((r).method),                \
				 match_method_name(want_method));              \
	} while (0)

/* clang-format off */
static const struct acc basic[] = {
	{"001A", "Acme Corporation", "https://www.acme.com/", "US", "2", NULL},
	{"001B", "Globex GmbH", "globex.de; globex-group.com", "Germany", "1", NULL},
	{"001C", "Initech Ltd", "eu.initech.co.uk", "GB", "3", NULL},
	{"001D", "Velorix Systems", "", "FR", "", NULL},
	{"001E", "Gmail Lovers Inc", "gmail.com", "US", "1", NULL},
};
/* clang-format on */
#define NBASIC (sizeof basic / sizeof basic[0])

Test(match, existing_id)
{
	struct matcher *m = build(basic, NBASIC);
	struct match_result r = run(m, "001C", "x@acme.com", "Acme", NULL);

	EXPECT(m, r, "001C", MATCH_EXISTING);
	cr_expect_eq(r.score, 1.0);
	/* white space around the id is ignored */
	r = run(m, "  001B ", NULL, NULL, NULL);
	EXPECT(m, r, "001B", MATCH_EXISTING);
	matcher_free(m);
}

Test(match, unknown_and_placeholder_ids_fall_through)
{
	struct matcher *m = build(basic, NBASIC);
	struct match_result r;

	r = run(m, "001Z", "jane@acme.com", NULL, NULL);
	EXPECT(m, r, "001A", MATCH_DOMAIN);
	r = run(m, "#N/A", "jane@acme.com", NULL, NULL);
	EXPECT(m, r, "001A", MATCH_DOMAIN);
	r = run(m, "0", NULL, "Globex", NULL);
	EXPECT(m, r, "001B", MATCH_NAME);
	r = run(m, "001Z", NULL, NULL, NULL);
	EXPECT(m, r, "", MATCH_NONE);
	matcher_free(m);
}

Test(match, salesforce_15_character_id)
{
	/* 001000000000aBc -> checksum of the case pattern: "AAI" */
	static const struct acc a[] = {
		{"001000000000aBcAAI", "Acme", "", "", "", NULL},
	};
	struct matcher *m = build(a, 1);
	struct match_result r = run(m, "001000000000aBc", NULL, NULL, NULL);

	EXPECT(m, r, "001000000000aBcAAI", MATCH_EXISTING);
	/* another case pattern is another id */
	r = run(m, "001000000000abc", NULL, NULL, NULL);
	EXPECT(m, r, "", MATCH_NONE);
	matcher_free(m);
}

Test(match, domain_method)
{
	struct matcher *m = build(basic, NBASIC);
	struct match_result r;

	r = run(m, NULL, "Jane.Doe@ACME.com", NULL, NULL);
	EXPECT(m, r, "001A", MATCH_DOMAIN);
	cr_expect_eq(r.score, 1.0);
	/* a subdomain reduces to the registrable domain, both sides */
	r = run(m, NULL, "bob@mail.initech.co.uk", NULL, NULL);
	EXPECT(m, r, "001C", MATCH_DOMAIN);
	/* every domain of an alias list */
	r = run(m, NULL, "x@globex-group.com", NULL, NULL);
	EXPECT(m, r, "001B", MATCH_DOMAIN);
	r = run(m, NULL, "x@globex.de", NULL, NULL);
	EXPECT(m, r, "001B", MATCH_DOMAIN);
	/* email_domain is used when given */
	{
		struct match_query q;
		memset(&q, 0, sizeof q);
		q.email_domain = "uk.acme.com";
		q.email_domain_n = strlen(q.email_domain);
		matcher_match(m, &q, &r);
		EXPECT(m, r, "001A", MATCH_DOMAIN);
	}
	/* a domain no account has */
	r = run(m, NULL, "x@acme.org", NULL, NULL);
	EXPECT(m, r, "", MATCH_NONE);
	matcher_free(m);
}

Test(match, freemail_and_disposable_never_match_by_domain)
{
	struct matcher *m = build(basic, NBASIC);
	struct match_result r;

	/* gmail.com is on an account, yet never matches by domain */
	r = run(m, NULL, "someone@gmail.com", NULL, NULL);
	EXPECT(m, r, "", MATCH_NONE);
	r = run(m, NULL, "someone@googlemail.com", NULL, NULL);
	EXPECT(m, r, "", MATCH_NONE);
	/* but the company name still matches */
	r = run(m, NULL, "someone@gmail.com", "Acme Corp.", NULL);
	EXPECT(m, r, "001A", MATCH_NAME);
	/* ISP and disposable */
	r = run(m, NULL, "x@t-online.de", "Globex", NULL);
	EXPECT(m, r, "001B", MATCH_NAME);
	r = run(m, NULL, "x@mailinator.com", NULL, NULL);
	EXPECT(m, r, "", MATCH_NONE);
	matcher_free(m);
}

Test(match, domains_file)
{
	/* clang-format off */
	static const struct acc a[] = {
		{"A1", "Acme Mail", "acme-mail.com", "", "", NULL},
		{"A2", "Gmx Partner", "gmx.net", "", "", NULL},
	};
	/* clang-format on */
	const char *rules =
		"# house rules\nacme-mail.com freemail\ngmx.net ok\n";
	char *path = tmp_write(rules, strlen(rules));
	struct matcher *m = matcher_new();
	struct cov_err e = {0};
	struct match_result r;

	cr_assert_eq(matcher_load_domains(m, path, &e), 0, "%s", e.msg);
	for (size_t i = 0; i < 2; i++)
		cr_assert_eq(matcher_add_account(m, a[i].id, a[i].name,
						 a[i].domains, NULL, NULL, NULL,
						 NULL, &e),
			     0);
	matcher_finish(m);
	r = run(m, NULL, "x@acme-mail.com", NULL, NULL);
	EXPECT(m, r, "", MATCH_NONE);
	r = run(m, NULL, "x@gmx.net", NULL, NULL);
	EXPECT(m, r, "A2", MATCH_DOMAIN);
	matcher_free(m);
	tmp_remove(path);

	/* a malformed rule: usage error with FILE:LINE */
	path = tmp_write("x.com nonsense\n", 15);
	m = matcher_new();
	cr_expect_eq(matcher_load_domains(m, path, &e), -1);
	cr_expect_eq(e.code, COV_EXIT_USAGE);
	cr_expect_eq(e.line, 1);
	matcher_free(m);
	tmp_remove(path);
}

Test(match, name_method)
{
	struct matcher *m = build(basic, NBASIC);
	struct match_result r;

	r = run(m, NULL, NULL, "The ACME Company, Inc.", NULL);
	EXPECT(m, r, "001A", MATCH_NAME);
	cr_expect_eq(r.score, 1.0);
	/* placeholders name no company */
	r = run(m, NULL, NULL, "N/A", NULL);
	EXPECT(m, r, "", MATCH_NONE);
	r = run(m, NULL, NULL, "--None--", NULL);
	EXPECT(m, r, "", MATCH_NONE);
	r = run(m, NULL, NULL, "#N/A", NULL);
	EXPECT(m, r, "", MATCH_NONE);
	r = run(m, NULL, NULL, "Self-employed", NULL);
	EXPECT(m, r, "", MATCH_NONE);
	/* company_key is used as given when present */
	{
		struct match_query q;
		memset(&q, 0, sizeof q);
		q.company_key = "initech";
		q.company_key_n = 7;
		q.company = "something else entirely";
		q.company_n = strlen(q.company);
		matcher_match(m, &q, &r);
		EXPECT(m, r, "001C", MATCH_NAME);
	}
	matcher_free(m);
}

Test(match, method_order)
{
	struct matcher *m = build(basic, NBASIC);
	struct match_result r;

	/* existing before domain before name */
	r = run(m, "001D", "x@acme.com", "Globex", NULL);
	EXPECT(m, r, "001D", MATCH_EXISTING);
	r = run(m, NULL, "x@acme.com", "Globex", NULL);
	EXPECT(m, r, "001A", MATCH_DOMAIN);
	r = run(m, NULL, "x@nowhere.org", "Globex", NULL);
	EXPECT(m, r, "001B", MATCH_NAME);
	r = run(m, NULL, "x@nowhere.org", "Velorxi Systems", NULL);
	EXPECT(m, r, "001D", MATCH_FUZZY);
	matcher_free(m);
}

Test(match, fuzzy_scores_and_threshold)
{
	struct matcher *m = build(basic, NBASIC);
	struct cov_err e = {0};
	struct match_result r;

	r = run(m, NULL, NULL, "Velorxi Systems", NULL);
	EXPECT(m, r, "001D", MATCH_FUZZY);
	/* "velorxi systems" vs "velorix systems": 2 edits in 15 bytes */
	cr_expect_float_eq(r.score, 1 - 2.0 / 15, 1e-6);
	cr_expect_lt(r.score, 1.0);
	/* a first-word typo is found through the word's last four bytes */
	r = run(m, NULL, NULL, "Vleorix Systems", NULL);
	EXPECT(m, r, "001D", MATCH_FUZZY);
	cr_expect_eq(matcher_set_min_score(m, 0.9, &e), 0);
	r = run(m, NULL, NULL, "Velorxi Systems", NULL);
	EXPECT(m, r, "", MATCH_NONE);
	cr_expect_eq(matcher_set_min_score(m, 1.5, &e), -1);
	cr_expect_eq(e.code, COV_EXIT_USAGE);
	cr_expect_eq(matcher_set_min_score(m, -0.1, &e), -1);
	matcher_free(m);

	m = build(basic, NBASIC);
	/* unrelated names stay apart */
	r = run(m, NULL, NULL, "Velvet Systems", NULL);
	EXPECT(m, r, "", MATCH_NONE);
	/* a place after the name: a branch, at 0.9 */
	r = run(m, NULL, NULL, "Velorix Systems Germany", NULL);
	EXPECT(m, r, "001D", MATCH_FUZZY);
	cr_expect_float_eq(r.score, 0.9, 1e-6);
	r = run(m, NULL, NULL, "Velorix Systems EMEA", NULL);
	EXPECT(m, r, "001D", MATCH_FUZZY);
	matcher_free(m);
}

Test(match, similarity)
{
	cr_expect_float_eq(match_similarity("acme", 4, "acme", 4), 1.0, 1e-9);
	cr_expect_float_eq(match_similarity("acme", 4, "acne", 4), 0.75, 1e-9);
	cr_expect_float_eq(match_similarity("", 0, "", 0), 1.0, 1e-9);
	cr_expect_float_eq(match_similarity("abc", 3, "", 0), 0.0, 1e-9);
	cr_expect_float_eq(match_similarity("kitten", 6, "sitting", 7),
			   1 - 3.0 / 7, 1e-9);
	/* symmetric */
	cr_expect_float_eq(match_similarity("sitting", 7, "kitten", 6),
			   1 - 3.0 / 7, 1e-9);
}

Test(match, fuzzy_blocking_caps_common_words)
{
	/* 1,500 accounts share the word "systems" and its head and tail:
	 * those blocks are dropped, so a contact sharing only them meets no
	 * candidate, while a rare word still finds its account */
	struct matcher *m = matcher_new();
	struct cov_err e = {0};
	struct match_result r;
	char id[32], name[64];

	for (int i = 0; i < 1500; i++) {
		snprintf(id, sizeof id, "S%05d", i);
		snprintf(name, sizeof name, "Q%dz%dk Systems",
			 i * 7919 % 100000, i);
		cr_assert_eq(matcher_add_account(m, id, name, NULL, NULL, NULL,
						 NULL, NULL, &e),
			     0);
	}
	cr_assert_eq(matcher_add_account(m, "R1", "Zorblax Systems", NULL, NULL,
					 NULL, NULL, NULL, &e),
		     0);
	matcher_finish(m);
	r = run(m, NULL, NULL, "Zorblaks Systems", NULL);
	EXPECT(m, r, "R1", MATCH_FUZZY);
	r = run(m, NULL, NULL, "Systemz", NULL);
	EXPECT(m, r, "", MATCH_NONE);
	/* candidates weighed stay bounded */
	r = run(m, NULL, NULL, "Q7919z1k Systemz", NULL);
	EXPECT(m, r, "S00001", MATCH_FUZZY);
	cr_expect_leq(r.ncand, 8);
	matcher_free(m);
}

/* ---- tie-break rules, one at a time ---------------------------------- */

Test(match, tie_rule_name)
{
	/* subsidiaries on one domain: the contact's company decides */
	/* clang-format off */
	static const struct acc a[] = {
		{"T1", "Kaaxly Brands S.A.", "kaaxly.com", "FR", "1", NULL},
		{"T2", "Kaaxly Brands China Co., Ltd.", "kaaxly.com", "CN", "3", "T1"},
	};
	/* clang-format on */
	struct matcher *m = build(a, 2);
	struct match_result r;

	r = run(m, NULL, "li@kaaxly.com", "Kaaxly Brands China", "FR");
	EXPECT(m, r, "T2", MATCH_DOMAIN);
	cr_expect_eq(r.rule, MATCH_RULE_NAME);
	cr_expect_eq(r.ncand, 2);
	/* the more similar name wins when neither is equal */
	r = run(m, NULL, "li@kaaxly.com", "Kaaxly Brand Chinaa", "FR");
	EXPECT(m, r, "T2", MATCH_DOMAIN);
	cr_expect_eq(r.rule, MATCH_RULE_NAME);
	matcher_free(m);
}

Test(match, tie_rule_name_as_written)
{
	/* equal company keys: the same legal form as written decides */
	/* clang-format off */
	static const struct acc a[] = {
		{"K1", "Kumar & Chatterjee Pvt. Ltd.", "kumarchatterjee.co.in", "IN", "1", NULL},
		{"K2", "Kumar & Chatterjee Ltda.", "kumarchatterjee.co.in", "BR", "1", "K1"},
	};
	/* clang-format on */
	struct matcher *m = build(a, 2);
	struct match_result r;

	r = run(m, NULL, "a@kumarchatterjee.co.in", "KUMAR AND CHATTERJEE LTDA",
		"US");
	EXPECT(m, r, "K2", MATCH_DOMAIN);
	cr_expect_eq(r.rule, MATCH_RULE_NAME);
	matcher_free(m);
}

Test(match, tie_rule_domain)
{
	/* two accounts called Delta: the e-mail's domain label decides */
	/* clang-format off */
	static const struct acc a[] = {
		{"D1", "Delta", "delta-air.com", "US", "1", NULL},
		{"D2", "Delta", "delta.com", "US", "1", NULL},
	};
	/* clang-format on */
	struct matcher *m = build(a, 2);
	struct match_result r;

	r = run(m, NULL, "x@delta.de", "Delta", "US");
	EXPECT(m, r, "D2", MATCH_NAME);
	cr_expect_eq(r.rule, MATCH_RULE_DOMAIN);
	/* free-mail says nothing about the company */
	r = run(m, NULL, "x@gmail.com", "Delta", "US");
	cr_expect_neq(r.rule, MATCH_RULE_DOMAIN);
	matcher_free(m);
}

Test(match, tie_rule_country)
{
	/* clang-format off */
	static const struct acc a[] = {
		{"C1", "Solara Inc.", "solara.co", "US", "1", NULL},
		{"C2", "Solara GmbH", "solara.co", "DE", "3", NULL},
	};
	/* clang-format on */
	struct matcher *m = build(a, 2);
	struct match_result r;

	r = run(m, NULL, "x@solara.co", "Solara", "Deutschland");
	EXPECT(m, r, "C2", MATCH_DOMAIN);
	cr_expect_eq(r.rule, MATCH_RULE_COUNTRY);
	r = run(m, NULL, "x@solara.co", "Solara", "US");
	EXPECT(m, r, "C1", MATCH_DOMAIN);
	/* a place in the company name is the company's country */
	r = run(m, NULL, "x@solara.co", "Solara Germany", "US");
	EXPECT(m, r, "C2", MATCH_DOMAIN);
	cr_expect_eq(r.rule, MATCH_RULE_COUNTRY);
	matcher_free(m);
}

Test(match, tie_rule_parent)
{
	/* the child comes first in the file and has the better tier and id */
	/* clang-format off */
	static const struct acc a[] = {
		{"P0", "Umics S.p.A.", "umics.io", "IT", "1", "P9"},
		{"P9", "Umics Inc.", "umics.io", "US", "2", NULL},
		{"P5", "Umics Labs", "umics.io", "US", "1", "P0"},
	};
	/* clang-format on */
	struct matcher *m = build(a, 3);
	struct match_result r;

	r = run(m, NULL, "x@umics.io", "Umics", NULL);
	EXPECT(m, r, "P9", MATCH_DOMAIN);
	cr_expect_eq(r.rule, MATCH_RULE_PARENT);
	matcher_free(m);
}

Test(match, tie_rule_tier_then_id)
{
	/* clang-format off */
	static const struct acc a[] = {
		{"B2", "Murphy Capital", "murphy.com", "US", "Tier 3", NULL},
		{"B1", "Murphy Works", "murphy.com", "US", "", NULL},
		{"B3", "Murphy Labs", "murphy.com", "US", "T2", NULL},
	};
	/* clang-format on */
	struct matcher *m = build(a, 3);
	struct match_result r;

	r = run(m, NULL, "x@murphy.com", NULL, "US");
	EXPECT(m, r, "B3", MATCH_DOMAIN);
	cr_expect_eq(r.rule, MATCH_RULE_TIER);
	matcher_free(m);

	/* clang-format off */
	static const struct acc b[] = {
		{"B2", "Murphy Capital", "murphy.com", "US", "1", NULL},
		{"B10", "Murphy Works", "murphy.com", "US", "1", NULL},
		{"B1", "Murphy Labs", "murphy.com", "US", "1", NULL},
	};
	/* clang-format on */
	m = build(b, 3);
	r = run(m, NULL, "x@murphy.com", NULL, NULL);
	EXPECT(m, r, "B1", MATCH_DOMAIN);
	cr_expect_eq(r.rule, MATCH_RULE_ID);
	/* deterministic whatever the order of the file */
	matcher_free(m);
	/* clang-format off */
	static const struct acc c[] = {
		{"B10", "Murphy Works", "murphy.com", "US", "1", NULL},
		{"B1", "Murphy Labs", "murphy.com", "US", "1", NULL},
		{"B2", "Murphy Capital", "murphy.com", "US", "1", NULL},
	};
	/* clang-format on */
	m = build(c, 3);
	r = run(m, NULL, "x@murphy.com", NULL, NULL);
	EXPECT(m, r, "B1", MATCH_DOMAIN);
	matcher_free(m);
}

Test(match, duplicate_name_keys)
{
	/* two unrelated accounts with one name: country, then tier */
	/* clang-format off */
	static const struct acc a[] = {
		{"N1", "Blue Harbor Logistics", "", "US", "2", NULL},
		{"N2", "Blue Harbor Logistics LLC", "", "GB", "1", NULL},
	};
	/* clang-format on */
	struct matcher *m = build(a, 2);
	struct match_result r;

	r = run(m, NULL, "x@yahoo.com", "Blue Harbor Logistics", "US");
	EXPECT(m, r, "N1", MATCH_NAME);
	cr_expect_eq(r.ncand, 2);
	r = run(m, NULL, "x@yahoo.com", "Blue Harbor Logistics Co.", NULL);
	EXPECT(m, r, "N2", MATCH_NAME);
	cr_expect_eq(r.rule, MATCH_RULE_TIER);
	matcher_free(m);
}

Test(match, subsidiary_without_website_uses_parent_domain)
{
	/* clang-format off */
	static const struct acc a[] = {
		{"V1", "Viinor Ltd", "viinor.net", "GB", "2", NULL},
		{"V2", "Viinor GmbH", "", "DE", "3", "V1"},
	};
	/* clang-format on */
	struct matcher *m = build(a, 2);
	struct match_result r;

	r = run(m, NULL, "heike@viinor.net", "Viinor", "DE");
	EXPECT(m, r, "V2", MATCH_DOMAIN);
	cr_expect_eq(r.rule, MATCH_RULE_COUNTRY);
	r = run(m, NULL, "john@viinor.net", "Viinor", "GB");
	EXPECT(m, r, "V1", MATCH_DOMAIN);
	matcher_free(m);
}

Test(match, websiteless_account_competes_by_name)
{
	/* the domain's one account bears another name; an account without a
	 * website bears the contact's: name evidence wins, method name */
	/* clang-format off */
	static const struct acc a[] = {
		{"H1", "Hawk Security Pty Ltd", "hawk.com", "AU", "1", NULL},
		{"H2", "Hawk Logistics S.A. de C.V.", "", "MX", "2", NULL},
	};
	/* clang-format on */
	struct matcher *m = build(a, 2);
	struct match_result r;

	r = run(m, NULL, "e@hawk.com", "Hawk Logistics", "MX");
	EXPECT(m, r, "H2", MATCH_NAME);
	/* name and domain agreeing beat a name alone */
	r = run(m, NULL, "e@hawk.com", "Hawk Security", "MX");
	EXPECT(m, r, "H1", MATCH_DOMAIN);
	matcher_free(m);
}

Test(match, websiteless_accounts_on_a_shared_domain)
{
	/* two accounts on hawk.com; two without a website */
	/* clang-format off */
	static const struct acc a[] = {
		{"H1", "Hawk Security Pty Ltd", "hawk.com", "AU", "1", NULL},
		{"H3", "Hawk Ventures", "hawk.com", "AU", "1", NULL},
		{"H2", "Hawk Logistics S.A. de C.V.", "", "MX", "2", NULL},
		{"H4", "Hawk Security GmbH", "", "DE", "1", NULL},
	};
	/* clang-format on */
	struct matcher *m = build(a, 4);
	struct match_result r;

	/* only a website-less account bears the name: it wins on rule 1 */
	r = run(m, NULL, "e@hawk.com", "Hawk Logistics", "MX");
	EXPECT(m, r, "H2", MATCH_NAME);
	cr_expect_eq(r.rule, MATCH_RULE_NAME);
	cr_expect_eq(r.ncand, 3);
	/* one of the domain's and one without a website bear it: the
	 * domain decides */
	r = run(m, NULL, "e@hawk.com", "Hawk Security", "DE");
	EXPECT(m, r, "H1", MATCH_DOMAIN);
	cr_expect_eq(r.rule, MATCH_RULE_DOMAIN);
	cr_expect_eq(r.ncand, 3);
	/* none bears it: the domain's accounts are weighed */
	r = run(m, NULL, "e@hawk.com", "Hawk Ventures", "AU");
	EXPECT(m, r, "H3", MATCH_DOMAIN);
	cr_expect_eq(r.rule, MATCH_RULE_NAME);
	r = run(m, NULL, "e@hawk.com", "Zorblax", "AU");
	cr_expect_eq(r.method, MATCH_DOMAIN);
	cr_expect_eq(r.ncand, 2);
	matcher_free(m);
}

Test(match, websiteless_accounts_past_the_candidate_limit)
{
	/* a website-less account competes only in the room the domain's
	 * accounts leave among MATCH_MAX_CANDIDATES */
	for (int full = 0; full < 2; full++) {
		struct matcher *m = matcher_new();
		struct cov_err e = {0};
		struct match_result r;
		int n = MATCH_MAX_CANDIDATES - 1 + full;
		char id[32], name[64];

		for (int i = 0; i < n; i++) {
			snprintf(id, sizeof id, "U%03d", i);
			snprintf(name, sizeof name, "Unit %d Works", i);
			cr_assert_eq(matcher_add_account(m, id, name,
							 "bigco.com", "US", "1",
							 NULL, NULL, &e),
				     0, "%s", e.msg);
		}
		cr_assert_eq(matcher_add_account(m, "Z1", "Zeta Dynamics", NULL,
						 "US", "1", NULL, NULL, &e),
			     0);
		matcher_finish(m);
		r = run(m, NULL, "e@bigco.com", "Zeta Dynamics", "US");
		if (full) {
			cr_expect_eq(r.method, MATCH_DOMAIN);
			cr_expect_eq(r.ncand, (size_t)n);
		} else {
			EXPECT(m, r, "Z1", MATCH_NAME);
			cr_expect_eq(r.ncand, (size_t)n + 1);
		}
		matcher_free(m);
	}
}

Test(match, tiers_past_254)
{
	/* clang-format off */
	static const struct acc a[] = {
		{"R1", "Rivet Works", "rivet.com", "US", "Tier 400", NULL},
		{"R2", "Rivet Labs", "rivet.com", "US", "", NULL},
		{"R3", "Rivet Capital", "rivet.com", "US", "Tier 300", NULL},
		{"R4", "Rivet Ventures", "rivet.com", "US", "70000", NULL},
	};
	/* clang-format on */
	struct matcher *m = build(a, 4);
	struct match_result r;

	r = run(m, NULL, "x@rivet.com", NULL, "US");
	EXPECT(m, r, "R3", MATCH_DOMAIN);
	cr_expect_eq(r.rule, MATCH_RULE_TIER);
	matcher_free(m);
	/* a tier past 65534 counts as 65534, still ahead of none */
	{
		/* clang-format off */
		static const struct acc b[] = {
			{"R2", "Rivet Labs", "rivet.com", "US", "", NULL},
			{"R4", "Rivet Ventures", "rivet.com", "US", "70000", NULL},
		};
		/* clang-format on */
		m = build(b, 2);
		r = run(m, NULL, "x@rivet.com", NULL, "US");
		EXPECT(m, r, "R4", MATCH_DOMAIN);
		cr_expect_eq(r.rule, MATCH_RULE_TIER);
		matcher_free(m);
	}
}

Test(match, repeated_choices_are_the_same)
{
	/* a choice among several is remembered under what it depends on:
	 * the same company however written, the same country however
	 * written, and no more */
	/* clang-format off */
	static const struct acc a[] = {
		{"K1", "Kumar & Chatterjee Pvt. Ltd.", "kumarchatterjee.co.in", "IN", "1", NULL},
		{"K2", "Kumar & Chatterjee Ltda.", "kumarchatterjee.co.in", "BR", "1", "K1"},
	};
	/* clang-format on */
	struct matcher *m = build(a, 2);
	struct match_result r;

	for (int pass = 0; pass < 2; pass++) {
		r = run(m, NULL, "a@kumarchatterjee.co.in",
			"KUMAR AND CHATTERJEE LTDA", "US");
		EXPECT(m, r, "K2", MATCH_DOMAIN);
		cr_expect_eq(r.rule, MATCH_RULE_NAME);
		r = run(m, NULL, "b@kumarchatterjee.co.in",
			"Kumar & Chatterjee, Ltda", "US");
		EXPECT(m, r, "K2", MATCH_DOMAIN);
		r = run(m, NULL, "a@kumarchatterjee.co.in",
			"Kumar & Chatterjee Pvt Ltd", "US");
		EXPECT(m, r, "K1", MATCH_DOMAIN);
		r = run(m, NULL, "a@kumarchatterjee.co.in",
			"Kumar and Chatterjee", "Brazil");
		EXPECT(m, r, "K2", MATCH_DOMAIN);
		cr_expect_eq(r.rule, MATCH_RULE_COUNTRY);
		r = run(m, NULL, "a@kumarchatterjee.co.in",
			"Kumar and Chatterjee", "BR");
		EXPECT(m, r, "K2", MATCH_DOMAIN);
		r = run(m, NULL, "a@kumarchatterjee.co.in",
			"Kumar and Chatterjee", "India");
		EXPECT(m, r, "K1", MATCH_DOMAIN);
		cr_expect_eq(r.rule, MATCH_RULE_COUNTRY);
	}
	matcher_free(m);
}

Test(match, duplicate_and_empty_ids_are_errors)
{
	struct matcher *m = matcher_new();
	struct cov_err e = {0};

	cr_assert_eq(matcher_add_account(m, "X1", "A", NULL, NULL, NULL, NULL,
					 NULL, &e),
		     0);
	cr_expect_eq(matcher_add_account(m, "X1", "B", NULL, NULL, NULL, NULL,
					 NULL, &e),
		     -1);
	cr_expect_eq(e.code, COV_EXIT_DATA);
	cr_expect(strstr(e.msg, "duplicate") != NULL, "%s", e.msg);
	cr_expect_eq(matcher_add_account(m, "  ", "B", NULL, NULL, NULL, NULL,
					 NULL, &e),
		     -1);
	cr_expect_eq(e.code, COV_EXIT_DATA);
	matcher_free(m);
}

/* ---- accounts files ------------------------------------------------------ */

static struct matcher *load(const char *text, const char *with, int *rc,
			    struct cov_err *e)
{
	char *path = tmp_write(text, strlen(text));
	struct matcher *m = matcher_new();

	memset(e, 0, sizeof *e);
	if (with)
		cr_assert_eq(matcher_set_with(m, with, e), 0);
	*rc = matcher_load_accounts(m, path, e);
	tmp_remove(path);
	return m;
}

Test(match, salesforce_export_headers)
{
	const char *csv =
		"Account ID,Account Name,Website,Billing Country,Tier,Segment,"
		"Account Owner ID,Parent Account ID,Industry\n"
		"001P,\"Acme, Inc.\",https://www.acme.com/,United States,Tier 1,"
		"enterprise,005A,,Software\n"
		"001C,Acme GmbH,,Deutschland,3,smb,005B,001P,Software\n";
	struct cov_err e;
	int rc;
	struct matcher *m = load(csv, NULL, &rc, &e);
	struct match_result r;

	cr_assert_eq(rc, 0, "%s", e.msg);
	cr_expect_eq(matcher_accounts(m), 2);
	r = run(m, NULL, "x@acme.com", "Acme", "Germany");
	EXPECT(m, r, "001C", MATCH_DOMAIN);
	r = run(m, NULL, "x@acme.com", "Acme", "US");
	EXPECT(m, r, "001P", MATCH_DOMAIN);
	matcher_free(m);
}

Test(match, ndjson_and_gzip_accounts)
{
	const char *nd =
		"{\"account_id\":\"H1\",\"company\":\"Hooli\",\"domain\":\"hooli.xyz\",\"tier\":1}\n"
		"{\"account_id\":\"H2\",\"company\":\"Pied Piper\",\"domains\":[\"piedpiper.com\",\"pp.io\"]}\n";
	struct cov_err e;
	int rc;
	struct matcher *m = load(nd, "tier", &rc, &e);
	struct match_result r;
	char path[] = "/tmp/cov-test-gzXXXXXX";
	int fd;
	gzFile gz;

	cr_assert_eq(rc, 0, "%s", e.msg);
	r = run(m, NULL, "x@pp.io", NULL, NULL);
	EXPECT(m, r, "H2", MATCH_DOMAIN);
	matcher_free(m);

	fd = mkstemp(path);
	cr_assert(fd >= 0);
	gz = gzdopen(fd, "wb");
	gzputs(gz, "account_id,company,domain\nG1,Gzip Co,gzip.org\n");
	gzclose(gz);
	m = matcher_new();
	cr_assert_eq(matcher_load_accounts(m, path, &e), 0, "%s", e.msg);
	r = run(m, NULL, "x@gzip.org", NULL, NULL);
	EXPECT(m, r, "G1", MATCH_DOMAIN);
	matcher_free(m);
	unlink(path);
}

/* NDJSON objects and arrays are never read as an id, a name, a key, a
 * country or a domain, but for an array of domains. */
Test(match, nested_values_are_not_keys)
{
	const char *nd =
		"{\"account_id\":\"N1\",\"company\":{\"n\":\"Nested Co\"},\"domain\":{\"w\":\"nested.com\"}}\n"
		"{\"account_id\":\"N2\",\"company\":\"Listed Co\",\"domain\":[\"listed.com\",\"listed.de\"],\"country\":[\"DE\"]}\n";
	struct cov_err e;
	int rc;
	struct matcher *m = load(nd, NULL, &rc, &e);
	struct match_result r;

	cr_assert_eq(rc, 0, "%s", e.msg);
	r = run(m, NULL, "x@nested.com", "Nested Co", NULL);
	EXPECT(m, r, "", MATCH_NONE);
	r = run(m, NULL, "x@listed.de", NULL, NULL);
	EXPECT(m, r, "N2", MATCH_DOMAIN);
	matcher_free(m);

	m = load("{\"account_id\":[\"N3\"],\"company\":\"Arrayed\"}\n", NULL,
		 &rc, &e);
	cr_expect_eq(rc, -1);
	cr_expect_eq(e.code, COV_EXIT_DATA);
	cr_expect(strstr(e.msg, "object or array") != NULL, "%s", e.msg);
	matcher_free(m);
}

Test(match, malformed_accounts_files)
{
	struct cov_err e;
	int rc;
	struct matcher *m;

	m = load("account_id,company\nA1,\"Acme\nA2,Bad\"x\n", NULL, &rc, &e);
	cr_expect_eq(rc, -1);
	cr_expect_eq(e.code, COV_EXIT_DATA);
	cr_expect_gt(e.line, 0);
	matcher_free(m);

	m = load("company,domain\nAcme,acme.com\n", NULL, &rc, &e);
	cr_expect_eq(rc, -1);
	cr_expect_eq(e.code, COV_EXIT_DATA);
	cr_expect_eq(e.line, 1);
	cr_expect(strstr(e.msg, "account_id") != NULL, "%s", e.msg);
	matcher_free(m);

	m = load("account_id,company\nA1,Acme\nA2,Beta\nA1,Gamma\n", NULL, &rc,
		 &e);
	cr_expect_eq(rc, -1);
	cr_expect_eq(e.line, 4);
	cr_expect(strstr(e.msg, "first on line 2") != NULL, "%s", e.msg);
	matcher_free(m);

	m = load("account_id,company\nA1,Acme\n,Beta\n", NULL, &rc, &e);
	cr_expect_eq(rc, -1);
	cr_expect_eq(e.line, 3);
	matcher_free(m);

	m = load("account_id,company\nA1,Acme\n", "company,nonesuch", &rc, &e);
	cr_expect_eq(rc, -1);
	cr_expect_eq(e.code, COV_EXIT_USAGE);
	cr_expect(strstr(e.msg, "nonesuch") != NULL, "%s", e.msg);
	matcher_free(m);
}

/* ---- growth and memory --------------------------------------------------- */

Test(match, table_growth_and_memory_per_account)
{
	enum { N = 100000 };
	struct matcher *m = matcher_new();
	struct cov_err e = {0};
	char id[32], name[64], dom[64];
	size_t bytes;

	for (int i = 0; i < N; i++) {
		snprintf(id, sizeof id, "001%015d", i);
		snprintf(name, sizeof name, "Company %d Holdings", i);
		snprintf(dom, sizeof dom, "company%d.com", i);
		cr_assert_eq(matcher_add_account(m, id, name, dom, "US", "2",
						 NULL, NULL, &e),
			     0, "%s", e.msg);
	}
	matcher_finish(m);
	cr_assert_eq(matcher_accounts(m), N);
	/* every key still found after many doublings */
	for (int i = 0; i < N; i += 997) {
		struct match_result r;
		snprintf(id, sizeof id, "001%015d", i);
		r = run(m, id, NULL, NULL, NULL);
		cr_expect_eq(r.method, MATCH_EXISTING);
		snprintf(dom, sizeof dom, "x@company%d.com", i);
		r = run(m, NULL, dom, NULL, NULL);
		cr_expect_eq(r.method, MATCH_DOMAIN);
		cr_expect_str_eq(idof(m, &r), id);
		snprintf(name, sizeof name, "Company %d Holdings", i);
		r = run(m, NULL, NULL, name, NULL);
		cr_expect_eq(r.method, MATCH_NAME);
		cr_expect_str_eq(idof(m, &r), id);
	}
	/* an account with an 18-byte id, a 15-byte domain and a 20-byte
	 * name costs about 200 bytes of tables (see match.c) */
	bytes = matcher_memory(m);
	cr_expect_leq(bytes / N, 240, "%zu bytes per account", bytes / N);
	cr_expect_geq(bytes / N, 60, "%zu bytes per account", bytes / N);
	matcher_free(m);
}

/* ---- stream fields -------------------------------------------------------- */

static const char *const cfields[] = {"contact_id", "account_id", "email",
				      "company", "country"};
#define NCF (sizeof cfields / sizeof cfields[0])

Test(match, fields_written)
{
	struct stream st;
	struct writer w;
	struct record rec = RECORD_INIT;
	struct cov_err e = {0};
	struct matcher *m = matcher_new();
	int f;

	memset(&st, 0, sizeof st);
	memset(&w, 0, sizeof w);
	w.fmt = FMT_NDJSON;
	st.out = &w;
	for (size_t i = 0; i < NCF; i++)
		schema_add(&st.schema, cfields[i], strlen(cfields[i]));
	cr_assert_eq(matcher_set_with(m, "tier,name", &e), 0);
	matcher_set_explain(m, 1);
	{
		const char *const with[] = {"2", "Acme Corp"};
		cr_assert_eq(matcher_add_account(m, "A1", "Acme Corp",
						 "acme.com", "US", "2", NULL,
						 with, &e),
			     0);
	}
	matcher_finish(m);
	matcher_bind(m, &st);
	/* the order of the added fields */
	cr_expect_eq(schema_find(&st.schema, "match_method", 12), 5);
	cr_expect_eq(schema_find(&st.schema, "match_score", 11), 6);
	cr_expect_eq(schema_find(&st.schema, "input_account_id", 16), 7);
	cr_expect_eq(schema_find(&st.schema, "account_tier", 12), 8);
	cr_expect_eq(schema_find(&st.schema, "account_name", 12), 9);
	cr_expect_eq(schema_find(&st.schema, "match_candidates", 16), 10);

	rec_clear(&rec, st.schema.n);
	rec_set(&rec, 1, "stale-id", 8, VAL_STR);
	rec_set(&rec, 2, "jo@acme.com", 11, VAL_STR);
	cr_expect_eq(matcher_apply(m, &st, &rec), MATCH_DOMAIN);
	cr_expect_eq(rec_len(&rec, 1), 2);
	cr_expect(!memcmp(rec_val(&rec, 1), "A1", 2));
	f = schema_find(&st.schema, "input_account_id", 16);
	cr_expect_eq(rec_len(&rec, (size_t)f), 8);
	f = schema_find(&st.schema, "match_score", 11);
	cr_expect_eq(rec_kind(&rec, (size_t)f), VAL_RAW);
	cr_expect(!memcmp(rec_val(&rec, (size_t)f), "1", 1));
	f = schema_find(&st.schema, "account_name", 12);
	cr_expect(!memcmp(rec_val(&rec, (size_t)f), "Acme Corp", 9));
	f = schema_find(&st.schema, "match_candidates", 16);
	cr_expect_eq(rec_kind(&rec, (size_t)f), VAL_RAW);
	cr_expect(!memcmp(rec_val(&rec, (size_t)f), "[\"A1=0\"]", 8), "%.*s",
		  (int)rec_len(&rec, (size_t)f), rec_val(&rec, (size_t)f));

	/* no match: empty id, null score, the input id kept aside */
	rec_clear(&rec, st.schema.n);
	rec_set(&rec, 1, "zz", 2, VAL_STR);
	cr_expect_eq(matcher_apply(m, &st, &rec), MATCH_NONE);
	cr_expect_eq(rec_len(&rec, 1), 0);
	f = schema_find(&st.schema, "match_score", 11);
	cr_expect(!memcmp(rec_val(&rec, (size_t)f), "null", 4));
	f = schema_find(&st.schema, "input_account_id", 16);
	cr_expect(!memcmp(rec_val(&rec, (size_t)f), "zz", 2));
	cr_expect_eq(matcher_count_method(m, MATCH_DOMAIN), 1);
	cr_expect_eq(matcher_count_method(m, MATCH_NONE), 1);

	rec_release(&rec);
	matcher_free(m);
	schema_release(&st.schema);
	free(st.added);
}

Test(match, prefetch_then_apply)
{
	/* matching records MATCH_AHEAD after prefetching them gives what
	 * matching each at once gives */
	/* clang-format off */
	static const char *const contacts[][4] = {
		/* account_id, email, company, country */
		{"001B", "x@acme.com", "Acme", NULL},
		{NULL, "jane@acme.com", NULL, NULL},
		{NULL, "jo@globex.de", "Globex", "DE"},
		{NULL, "x@yahoo.com", "Initech", "GB"},
		{"nope", "x@gmail.com", "Velorix Systems", NULL},
		{NULL, "x@gmail.com", "Velorix Sistems", NULL},
		{NULL, NULL, NULL, NULL},
		{NULL, "a@eu.initech.co.uk", NULL, "GB"},
		{"001A", NULL, NULL, NULL},
		{NULL, "jane@acme.com", NULL, NULL},
	};
	/* clang-format on */
	enum { N = sizeof contacts / sizeof contacts[0] };
	struct stream st;
	struct writer w;
	struct record once = RECORD_INIT, late[N];
	struct matcher *a = build(basic, NBASIC), *b = build(basic, NBASIC);
	enum match_method want[N];
	int f;

	memset(&st, 0, sizeof st);
	memset(&w, 0, sizeof w);
	w.fmt = FMT_NDJSON;
	st.out = &w;
	for (size_t i = 0; i < NCF; i++)
		schema_add(&st.schema, cfields[i], strlen(cfields[i]));
	matcher_bind(a, &st);
	matcher_bind(b, &st);
	f = schema_find(&st.schema, "account_id", 10);
	for (int i = 0; i < N; i++) {
		struct record *r[2] = {&once, &late[i]};
		late[i] = (struct record)RECORD_INIT;
		for (int k = 0; k < 2; k++) {
			rec_clear(r[k], st.schema.n);
			for (int j = 0; j < 4; j++)
				if (contacts[i][j])
					rec_set(r[k], (size_t)j + 1,
						contacts[i][j],
						strlen(contacts[i][j]),
						VAL_STR);
		}
		want[i] = matcher_apply(a, &st, &once);
		/* keep the id it got in the record's spare copy */
		rec_set(&late[i], 0, rec_val(&once, (size_t)f),
			rec_len(&once, (size_t)f), VAL_STR);
	}
	for (int i = 0; i < N + MATCH_AHEAD; i++) {
		if (i < N)
			matcher_prefetch(b, &st, &late[i]);
		if (i >= MATCH_AHEAD) {
			int j = i - MATCH_AHEAD;
			cr_expect_eq(matcher_apply(b, &st, &late[j]), want[j],
				     "contact %d", j);
			cr_expect_eq(rec_len(&late[j], (size_t)f),
				     rec_len(&late[j], 0), "contact %d", j);
			cr_expect(!memcmp(rec_val(&late[j], (size_t)f),
					  rec_val(&late[j], 0),
					  rec_len(&late[j], 0)),
				  "contact %d", j);
		}
	}
	for (int i = 0; i < N; i++)
		rec_release(&late[i]);
	rec_release(&once);
	matcher_free(a);
	matcher_free(b);
	schema_release(&st.schema);
	free(st.added);
}

/* "x", "xx", "xxx" as a company are form filler, not a name: even when an
 * account is called that, such a contact matches nothing; "xxxx" is a
 * name like any other. */
Test(match, x_filler_companies_are_placeholders)
{
	/* clang-format off */
	static const struct acc a[] = {
		{"001X", "XXX", "", "", "", NULL},
		{"001W", "X", "", "", "", NULL},
		{"001Y", "XXXX", "", "", "", NULL},
	};
	/* clang-format on */
	struct matcher *m = build(a, 3);
	struct match_result r;

	r = run(m, NULL, NULL, "xxx", NULL);
	EXPECT(m, r, "", MATCH_NONE);
	r = run(m, NULL, NULL, "X", NULL);
	EXPECT(m, r, "", MATCH_NONE);
	r = run(m, NULL, NULL, "Xx", NULL);
	EXPECT(m, r, "", MATCH_NONE);
	r = run(m, NULL, NULL, "xxxx", NULL);
	EXPECT(m, r, "001Y", MATCH_NAME);
	matcher_free(m);
}
