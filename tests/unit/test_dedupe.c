/*
 * dedupe: keys (contact key, field keys, folding, unambiguity), option
 * parsing, the partition function, and whole runs over small files for
 * every policy, with and without a memory limit small enough to spill.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "dedupe.h"
#include "testutil.h"

/* Hash the key of one record with fields names (comma-separated) and the
 * values vals ('|'-separated; "-" for an absent field). */
static int key_of(const char *spec, int exact, const char *names,
		  const char *vals, struct key128 *h)
{
	struct schema s = SCHEMA_INIT;
	struct record rec = RECORD_INIT;
	struct cov_err e = {0};
	struct keyer *k = keyer_new(spec, exact, &e);
	char *nm = strdup(names), *vl = strdup(vals), *save, *t;
	size_t i = 0;
	int r;

	cr_assert_not_null(k, "%s", e.msg);
	for (t = strtok_r(nm, ",", &save); t; t = strtok_r(NULL, ",", &save))
		schema_add(&s, t, strlen(t));
	rec_clear(&rec, s.n);
	for (char *p = vl;; i++) {
		char *bar = strchr(p, '|');
		if (bar)
			*bar = '\0';
		if (strcmp(p, "-") != 0)
			rec_set(&rec, i, p, strlen(p), VAL_STR);
		if (!bar)
			break;
		p = bar + 1;
	}
	cr_assert_eq(keyer_bind(k, &s, 0, "in.csv", &e), 0, "%s", e.msg);
	r = keyer_hash(k, &s, &rec, h);
	keyer_free(k);
	rec_release(&rec);
	schema_release(&s);
	free(nm);
	free(vl);
	return r;
}

static int same(const struct key128 *a, const struct key128 *b)
{
	return a->lo == b->lo && a->hi == b->hi;
}

#define CONTACT "email,first_name,last_name,company"

/* The table's default bound follows the limits the process runs under:
 * half of the data limit, half of the address space limit less 192 MiB
 * (less half of it when it is small).  Each test runs in a process of its
 * own, and the limits are put back before it ends.  Not under
 * AddressSanitizer, whose allocator cannot work within such limits. */
Test(dedupe_budget, follows_the_process_limits)
{
	size_t b0 = dedupe_default_budget(), mib = (size_t)1 << 20;

	cr_assert_gt(b0, 0);
#ifndef __SANITIZE_ADDRESS__
	struct rlimit as, data, r;
	size_t want;

	cr_assert_eq(getrlimit(RLIMIT_AS, &as), 0);
	cr_assert_eq(getrlimit(RLIMIT_DATA, &data), 0);
	r = as;
	r.rlim_cur = 2048 * mib;
	cr_assert_eq(setrlimit(RLIMIT_AS, &r), 0);
	want = (2048 - 192) * mib / 2;
	cr_expect_eq(dedupe_default_budget(), b0 < want ? b0 : want);
	r.rlim_cur = 256 * mib;
	cr_assert_eq(setrlimit(RLIMIT_AS, &r), 0);
	want = (256 - 128) * mib / 2;
	cr_expect_eq(dedupe_default_budget(), b0 < want ? b0 : want);
	cr_assert_eq(setrlimit(RLIMIT_AS, &as), 0);
	r = data;
	r.rlim_cur = 1024 * mib;
	cr_assert_eq(setrlimit(RLIMIT_DATA, &r), 0);
	want = 512 * mib;
	cr_expect_eq(dedupe_default_budget(), b0 < want ? b0 : want);
	cr_assert_eq(setrlimit(RLIMIT_DATA, &data), 0);
	cr_expect_eq(dedupe_default_budget(), b0);
#endif
}

Test(dedupe_key, contact_email_canonical)
{
	struct key128 a, b;

	cr_assert_eq(key_of(NULL, 0, CONTACT,
			    "Jane.Doe+news@GoogleMail.com|J|D|Acme", &a),
		     1);
	cr_assert_eq(key_of(NULL, 0, CONTACT,
			    " janedoe@gmail.com |Other|Name|X", &b),
		     1);
	cr_assert(same(&a, &b), "Gmail dots, +tag, googlemail, case, spaces");
	key_of(NULL, 0, CONTACT, "jane.doe@acme.com|J|D|Acme", &a);
	key_of(NULL, 0, CONTACT, "janedoe@acme.com|J|D|Acme", &b);
	cr_assert(!same(&a, &b), "dots matter outside Gmail");
}

Test(dedupe_key, contact_fallback_name_company)
{
	struct key128 a, b;

	cr_assert_eq(key_of(NULL, 0, CONTACT, "|Jane|Doe|ACME GmbH", &a), 1);
	cr_assert_eq(key_of(NULL, 0, CONTACT, "-| jane |DOE|Acme", &b), 1);
	cr_assert(same(&a, &b), "names folded, company by company_key");
	cr_assert_eq(key_of(NULL, 0, CONTACT, "|Jane|Doe|", &a), 0,
		     "no company: no fallback key");
	cr_assert_eq(key_of(NULL, 0, CONTACT, "||  |Acme", &a), 0,
		     "no name: no fallback key");
	cr_assert_eq(
		key_of(NULL, 0, CONTACT, "not an address|Jane|Doe|Acme", &a),
		1);
	key_of(NULL, 0, CONTACT, "|Jane|Doe|Acme", &b);
	cr_assert(same(&a, &b), "a value without @ is not an email");
	/* an email key never equals a name key */
	key_of(NULL, 0, CONTACT, "x@acme.com|Jane|Doe|Acme", &a);
	cr_assert(!same(&a, &b));
}

/* A placeholder company ("N/A", "n/a", "none", "-") is no company: no
 * fallback key, so two John Smiths at "n/a" are not one person; a
 * company_key field holding one is passed over for the company. */
Test(dedupe_key, placeholder_company_is_none)
{
	static const char *const ph[] = {"N/A",  "n/a",  "none",   "-",
					 "#N/A", "NULL", "unknown"};
	struct key128 a, b;

	for (size_t i = 0; i < sizeof ph / sizeof ph[0]; i++) {
		char vals[64];
		snprintf(vals, sizeof vals, "|John|Smith|%s", ph[i]);
		cr_expect_eq(key_of(NULL, 0, CONTACT, vals, &a), 0, "%s",
			     ph[i]);
		snprintf(vals, sizeof vals, "|John|Smith|-|%s", ph[i]);
		cr_expect_eq(key_of(NULL, 0,
				    "email,first_name,last_name,company,"
				    "company_key",
				    vals, &a),
			     0, "company_key %s", ph[i]);
	}
	cr_expect_eq(key_of(NULL, 0,
			    "email,first_name,last_name,company,company_key",
			    "|John|Smith|Acme Inc|n a", &a),
		     1);
	key_of(NULL, 0, CONTACT, "|John|Smith|ACME", &b);
	cr_expect(same(&a, &b), "a placeholder company_key: the company's");
}

Test(dedupe_key, company_key_field_preferred)
{
	struct key128 a, b;

	key_of(NULL, 0, "email,first_name,last_name,company,company_key",
	       "|Jane|Doe|Whatever Inc|acme", &a);
	key_of(NULL, 0, CONTACT, "|Jane|Doe|Acme Inc.", &b);
	cr_assert(same(&a, &b));
}

Test(dedupe_key, fields_unambiguous)
{
	struct key128 a, b;

	key_of("a,b", 0, "a,b", "a|bc", &a);
	key_of("a,b", 0, "a,b", "ab|c", &b);
	cr_assert(!same(&a, &b), "(a,bc) != (ab,c)");
	key_of("a,b", 0, "a,b", "|x", &a);
	key_of("a,b", 0, "a,b", "x|", &b);
	cr_assert(!same(&a, &b));
	cr_assert_eq(key_of("a,b", 0, "a,b", "|", &a), 0, "all empty: no key");
	cr_assert_eq(key_of("a,b", 0, "a,b", " | ", &a), 0, "white space only");
	cr_assert_eq(key_of("a,b", 1, "a,b", " | ", &a), 1,
		     "exact keeps spaces");
}

Test(dedupe_key, fold_and_exact)
{
	struct key128 a, b;

	key_of("n", 0, "n", "  José   MÜLLER ", &a);
	key_of("n", 0, "n", "jose\xcc\x81 m\xc3\xbcller", &b); /* NFD é */
	cr_assert(same(&a, &b), "NFC, trim, inner spaces, case folding");
	key_of("n", 0, "n", "Jose Muller", &b);
	cr_assert(!same(&a, &b), "accents are kept");
	key_of("n", 0, "n", "STRASSE", &a);
	key_of("n", 0, "n",
	       "stra\xc3\x9f"
	       "e",
	       &b);
	cr_assert(same(&a, &b), "full case folding: \xc3\x9f = ss");
	key_of("n", 1, "n", "Jane", &a);
	key_of("n", 1, "n", "jane", &b);
	cr_assert(!same(&a, &b), "exact compares bytes");
}

/* The folded bytes of v by key "n" (after its 4-byte length). */
static size_t folded(const char *v, char *out, size_t cap)
{
	struct schema s = SCHEMA_INIT;
	struct record rec = RECORD_INIT;
	struct cov_err e = {0};
	struct keyer *k = keyer_new("n", 0, &e);
	struct key128 h;
	const char *b;
	size_t n;

	schema_add(&s, "n", 1);
	rec_clear(&rec, 1);
	rec_set(&rec, 0, v, strlen(v), VAL_STR);
	cr_assert_eq(keyer_bind(k, &s, 0, "in.csv", &e), 0, "%s", e.msg);
	keyer_hash(k, &s, &rec, &h);
	b = keyer_bytes(k, &n);
	cr_assert(n >= 4 && n - 4 < cap);
	memcpy(out, b + 4, n - 4);
	keyer_free(k);
	rec_release(&rec);
	schema_release(&s);
	return n - 4;
}

/* A name of ASCII letters, spaces and U+00C0..U+00FF folds the quick way;
 * with U+0101 (a lower-case letter no fold or composition touches) put
 * after it, the general way (utf8proc).  For every such letter, in names
 * with spaces to trim and squeeze, both must agree. */
Test(dedupe_key, latin1_letters_fold_as_the_general_way)
{
	static const char *const shape[] = {"%s",           "Ab%sCD",
					    "  %s  X%sy  ", "%s%s %s",
					    "Z %s",         "\t%s\x01 y%s\r\n"};

	for (unsigned c = 0x80; c <= 0xbf; c++) {
		char ch[3] = {(char)0xc3, (char)c, 0};

		for (size_t f = 0; f < sizeof shape / sizeof shape[0]; f++) {
			char v[64], w[72], a[128], b[128];
			size_t an, bn;

			snprintf(v, sizeof v, shape[f], ch, ch, ch);
			snprintf(w, sizeof w, "%s \xc4\x81", v);
			an = folded(v, a, sizeof a);
			bn = folded(w, b, sizeof b);
			cr_assert(bn == an + 3 && memcmp(a, b, an) == 0 &&
					  memcmp(b + an, " \xc4\x81", 3) == 0,
				  "%s: %.*s vs %.*s", v, (int)an, a, (int)bn,
				  b);
		}
	}
}

Test(dedupe_key, fold_to_nothing)
{
	struct key128 a;

	/* a BOM and a form feed clean and fold to no code point at all, so
	 * no key; the first such value used to crash utf8proc_reencode,
	 * which had no buffer yet to write its terminator into */
	cr_assert_eq(key_of("n", 0, "n", "\xef\xbb\xbf\x0c", &a), 0);
	cr_assert_eq(key_of("n", 0, "n", "\xef\xbb\xbf", &a), 0);
}

Test(dedupe_key, bind_errors)
{
	struct schema s = SCHEMA_INIT;
	struct cov_err e = {0};
	struct keyer *k;

	schema_add(&s, "id", 2);
	k = keyer_new("id,nope", 0, &e);
	cr_assert_eq(keyer_bind(k, &s, 0, "in.csv", &e), -1);
	cr_assert_eq(e.code, COV_EXIT_USAGE);
	cr_assert(strstr(e.msg, "nope"));
	cr_assert_eq(keyer_bind(k, &s, 1, "in.ndjson", &e), 0,
		     "NDJSON fields may come later");
	keyer_free(k);
	k = keyer_new(NULL, 0, &e);
	cr_assert_eq(keyer_bind(k, &s, 0, "in.csv", &e), -1, "no email field");
	keyer_free(k);
	cr_assert_null(keyer_new("a,,b", 0, &e));
	schema_release(&s);
}

Test(dedupe_opts, keep_and_size)
{
	struct dedupe_opts o = {0};
	struct cov_err e = {0};
	size_t n;

	cr_assert_eq(dedupe_parse_keep("newest:updated_at", &o, &e), 0);
	cr_assert_eq(o.keep, DEDUPE_NEWEST);
	cr_assert_str_eq(o.newest_field, "updated_at");
	cr_assert_eq(dedupe_parse_keep("newest:", &o, &e), -1);
	cr_assert_eq(dedupe_parse_keep("oldest", &o, &e), -1);
	cr_assert_eq(dedupe_parse_keep("most-complete", &o, &e), 0);
	cr_assert_eq(dedupe_parse_size("512M", &n), 0);
	cr_assert_eq(n, 512u << 20);
	cr_assert_eq(dedupe_parse_size("2GiB", &n), 0);
	cr_assert_eq(n, (size_t)2 << 30);
	cr_assert_eq(dedupe_parse_size("100", &n), 0);
	cr_assert_eq(n, 100);
	cr_assert_eq(dedupe_parse_size("0", &n), -1);
	cr_assert_eq(dedupe_parse_size("1X", &n), -1);
	cr_assert_eq(dedupe_parse_size("-5M", &n), -1);
	cr_assert_eq(dedupe_parse_size("99999999999T", &n), -1);
}

Test(dedupe_opts, partition_spreads_evenly)
{
	unsigned count[7] = {0};

	for (uint64_t i = 0; i < 70000; i++) {
		struct key128 h = {i * 0x9E3779B97F4A7C15ULL,
				   (i + 1) * 0xC2B2AE3D27D4EB4FULL};
		unsigned p = dedupe_partition(&h, 7);
		cr_assert_lt(p, 7);
		count[p]++;
	}
	for (int p = 0; p < 7; p++)
		cr_assert(count[p] > 9000 && count[p] < 11000, "part %d: %u", p,
			  count[p]);
}

/* Run cov-dedupe's job on in (CSV text) and return the output text. */
static char *run(const char *in, struct dedupe_opts *o)
{
	char *path = tmp_write(in, strlen(in)),
	     *outp = strdup("/tmp/cov-dd-XXXXXX");
	struct cli_common opt = {0};
	struct stream st;
	struct cov_err e = {0};
	char *files[1] = {path}, *text;

	close(mkstemp(outp));
	opt.output = outp;
	cr_assert_eq(stream_open(&st, &opt, 1, files, &e), 0, "%s", e.msg);
	cr_assert_eq(dedupe_run(&st, o, &e), 0, "%s", e.msg);
	cr_assert_eq(stream_close(&st, &e), 0, "%s", e.msg);
	text = tmp_read(outp);
	unlink(outp);
	free(outp);
	tmp_remove(path);
	return text;
}

static const char *people = "id,email,updated_at,phone,title\n"
			    "1,a@x.com,2024-01-01,,\n"
			    "2,b@x.com,2025-01-01,555,\n"
			    "3,A@X.COM,2025-06-01,,CTO\n"
			    "4,,2020-01-01,,\n"
			    "5,a@x.com,bad date,777,VP\n"
			    "6,b@x.com,2023-01-01,,Dev\n";

static void check_policy(const char *keep, int merge, const char *want)
{
	for (int spill = 0; spill < 2; spill++) {
		struct dedupe_opts o = {0};
		struct cov_err e = {0};
		char *out;

		cr_assert_eq(dedupe_parse_keep(keep, &o, &e), 0);
		o.merge = merge;
		/* 330 bytes: one shard of the widest entries, so the second
		 * key spills */
		o.memory = spill ? 330 : 0;
		out = run(people, &o);
		cr_assert_str_eq(out, want, "--keep %s%s%s", keep,
				 merge ? " --merge" : "",
				 spill ? " --memory 330" : "");
		free(out);
	}
}

Test(dedupe_run, policies)
{
	check_policy("first", 0,
		     "id,email,updated_at,phone,title\n"
		     "1,a@x.com,2024-01-01,,\n"
		     "2,b@x.com,2025-01-01,555,\n"
		     "4,,2020-01-01,,\n");
	check_policy("last", 0,
		     "id,email,updated_at,phone,title\n"
		     "4,,2020-01-01,,\n"
		     "5,a@x.com,bad date,777,VP\n"
		     "6,b@x.com,2023-01-01,,Dev\n");
	check_policy("newest:updated_at", 0,
		     "id,email,updated_at,phone,title\n"
		     "2,b@x.com,2025-01-01,555,\n"
		     "3,A@X.COM,2025-06-01,,CTO\n"
		     "4,,2020-01-01,,\n");
	check_policy("most-complete", 0,
		     "id,email,updated_at,phone,title\n"
		     "2,b@x.com,2025-01-01,555,\n"
		     "4,,2020-01-01,,\n"
		     "5,a@x.com,bad date,777,VP\n");
}

Test(dedupe_run, merge_fills_in_policy_order)
{
	check_policy("first", 1,
		     "id,email,updated_at,phone,title,dup_count\n"
		     "1,a@x.com,2024-01-01,777,CTO,2\n"
		     "2,b@x.com,2025-01-01,555,Dev,1\n"
		     "4,,2020-01-01,,,0\n");
	check_policy("newest:updated_at", 1,
		     "id,email,updated_at,phone,title,dup_count\n"
		     "2,b@x.com,2025-01-01,555,Dev,1\n"
		     "3,A@X.COM,2025-06-01,777,CTO,2\n"
		     "4,,2020-01-01,,,0\n");
	check_policy("last", 1,
		     "id,email,updated_at,phone,title,dup_count\n"
		     "4,,2020-01-01,,,0\n"
		     "5,a@x.com,bad date,777,VP,2\n"
		     "6,b@x.com,2023-01-01,555,Dev,1\n");
}
