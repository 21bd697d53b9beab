/*
 * Tests for norm_email: cleaning (white space, case, display names,
 * mailto:), domain extraction, the provider rules of the dedupe key, and
 * hostile input (invalid UTF-8, embedded NULs, 10 KB values); cleaning an
 * already clean address agrees with the general path.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "norm_email.h"
#include "norm_text.h"

static struct buf out = BUF_INIT;

static const char *clean(const char *s)
{
	cr_assert_eq(email_clean(s, strlen(s), &out), 0, "clean(%s)", s);
	return buf_cstr(&out);
}

static const char *key(const char *s)
{
	if (email_key(s, strlen(s), &out) < 0) {
		cr_assert_eq(out.len, 0);
		return "<none>";
	}
	return buf_cstr(&out);
}

static const char *domain(const char *s)
{
	static char d[256];
	const char *p;
	size_t n;

	if (email_domain(s, strlen(s), &p, &n) < 0)
		return "<none>";
	cr_assert(p > s && p + n <= s + strlen(s), "borrowed pointer");
	snprintf(d, sizeof d, "%.*s", (int)n, p);
	return d;
}

Test(email_clean, trims_and_lowers)
{
	cr_assert_str_eq(clean("  Jane.Doe@Example.COM  "),
			 "jane.doe@example.com");
	cr_assert_str_eq(clean("\tJANE@X.COM\r\n"), "jane@x.com");
	cr_assert_str_eq(clean("jane@x.com"), "jane@x.com");
	cr_assert_str_eq(clean(""), "");
	cr_assert_str_eq(clean("   "), "");
}

Test(email_clean, unicode_spaces_and_case)
{
	/* NBSP and ideographic space around, zero-width space inside */
	cr_assert_str_eq(
		clean("\xc2\xa0J\xc3\x9cRGEN@M\xc3\x9cLLER.DE\xe3\x80\x80"),
		"j\xc3\xbcrgen@m\xc3\xbcller.de");
	cr_assert_str_eq(clean("ja\xe2\x80\x8bne@x.com"), "jane@x.com");
	/* Greek capitals lower-cased; NFC composes a decomposed u-umlaut */
	cr_assert_str_eq(clean("\xce\x91\xce\x92@x.gr"),
			 "\xce\xb1\xce\xb2@x.gr");
	cr_assert_str_eq(clean("mu\xcc\x88ller@x.de"), "m\xc3\xbcller@x.de");
}

Test(email_clean, display_names_and_brackets)
{
	cr_assert_str_eq(clean("\"Jane Doe\" <Jane@X.com>"), "jane@x.com");
	cr_assert_str_eq(clean("Jane Doe <jane@x.com>"), "jane@x.com");
	cr_assert_str_eq(clean("<jane@x.com>"), "jane@x.com");
	cr_assert_str_eq(clean("< jane@x.com >"), "jane@x.com");
	cr_assert_str_eq(clean("\"Doe, <Jane>\" <jane@x.com>"), "jane@x.com");
	cr_assert_str_eq(clean("<jane@x.com"), "jane@x.com");
	cr_assert_str_eq(clean("jane@x.com>"), "jane@x.com");
	cr_assert_str_eq(clean("<>"), "");
}

Test(email_clean, mailto)
{
	cr_assert_str_eq(clean("mailto:Jane@X.com"), "jane@x.com");
	cr_assert_str_eq(clean("MAILTO:jane@x.com?subject=Hi"), "jane@x.com");
	cr_assert_str_eq(clean("<mailto:jane@x.com>"), "jane@x.com");
	cr_assert_str_eq(clean("Jane <mailto:jane@x.com>"), "jane@x.com");
}

/* Lower-casing can make a pair NFC joins: the address is the same in
 * either case ('J' + U+030C has no one code point; 'j' + U+030C is
 * U+01F0). */
Test(email_clean, lowered_then_composed)
{
	cr_assert_str_eq(clean("jx@J\xcc\x8c.com"), "jx@\xc7\xb0.com");
	cr_assert_str_eq(clean("JX@j\xcc\x8c.com"), "jx@\xc7\xb0.com");
	cr_assert_str_eq(clean("JX@\xc7\xb0.com"), "jx@\xc7\xb0.com");
	{
		char k[64];

		snprintf(k, sizeof k, "%s", key("(jx@j\xcc\x8c.\xc3\xb9"));
		cr_assert_str_eq(key("(JX@J\xcc\x8c.\xc3\xb9"), k);
	}
}

/* A composed capital can lower-case to less than its decomposition:
 * U+0130 (I with dot above) is "I" + U+0307, whose small form keeps the
 * dot ("i" + U+0307), while U+0130's own lower case is a plain "i".  Each
 * spelling, in either case, gives the address with "i" + U+0307. */
Test(email_clean, lowered_in_decomposed_form)
{
	const char *want = "\x69\xcc\x87x@x.com";

	cr_assert_str_eq(clean("I\xcc\x87x@x.com"), want);
	cr_assert_str_eq(clean("i\xcc\x87X@X.com"), want);
	cr_assert_str_eq(clean("\xc4\xb0x@x.com"), want);
	cr_assert_str_eq(clean("\xc4\xb0X@X.COM"), want);
	/* more code points than bytes decomposed (U+0390 is three), and a
	 * capital (U+03AA) whose small letter composes with U+0301 */
	cr_assert_str_eq(clean("\xce\xaa\xcc\x81\xce\x90\xce\x90@X.com"),
			 "\xce\x90\xce\x90\xce\x90@x.com");
	{
		char k[64];

		snprintf(k, sizeof k, "%s", key("@MACLI   I\xcc\x87he,L"));
		cr_assert_str_eq(key("@macli   i\xcc\x87HE,l"), k);
	}
}

Test(email_clean, quoted_local_part_is_lowered_and_kept)
{
	cr_assert_str_eq(clean("\"John..Doe\"@Example.com"),
			 "\"john..doe\"@example.com");
	cr_assert_str_eq(clean("\"a b\"@x.com"), "\"a b\"@x.com");
}

Test(email_clean, not_an_address_is_still_cleaned)
{
	cr_assert_str_eq(clean("  N/A "), "n/a");
	cr_assert_str_eq(clean("jane at x dot com"), "jane at x dot com");
}

Test(email_clean, invalid_utf8)
{
	const char bad[] = "jane\xff@x.com";
	cr_assert_eq(email_clean(bad, sizeof bad - 1, &out), -1);
	cr_assert_eq(out.len, 0);
	cr_assert_eq(email_clean("\xc3(", 2, &out), -1);
	cr_assert_eq(email_clean("\xed\xa0\x80@x.com", 9, &out), -1);
}

Test(email_clean, embedded_nul_is_a_space)
{
	const char s[] = "jane\0@x.com";
	cr_assert_eq(email_clean(s, sizeof s - 1, &out), 0);
	cr_assert_eq(memchr(out.p, '\0', out.len), NULL);
}

Test(email_domain, after_last_at)
{
	cr_assert_str_eq(domain("jane@x.com"), "x.com");
	cr_assert_str_eq(domain("\"a@b\"@x.com"), "x.com");
	cr_assert_str_eq(domain("jane@x.com."), "x.com");
	cr_assert_str_eq(domain("jane@sub.x.co.uk"), "sub.x.co.uk");
	cr_assert_str_eq(domain("jane@"), "<none>");
	cr_assert_str_eq(domain("jane@."), "<none>");
	cr_assert_str_eq(domain("jane"), "<none>");
	cr_assert_str_eq(domain(""), "<none>");
}

Test(email_domain, not_nul_terminated)
{
	const char s[] = "a@b.comXYZ";
	const char *p;
	size_t n;

	cr_assert_eq(email_domain(s, 7, &p, &n), 0);
	cr_assert_eq(n, 5);
	cr_assert_eq(memcmp(p, "b.com", 5), 0);
}

Test(email_key, gmail_dots_and_tags)
{
	cr_assert_str_eq(key("Jane.Doe+news@GoogleMail.com"),
			 "janedoe@gmail.com");
	cr_assert_str_eq(key("j.a.n.e.doe@gmail.com"), "janedoe@gmail.com");
	cr_assert_str_eq(key("janedoe+a+b@gmail.com"), "janedoe@gmail.com");
	cr_assert_str_eq(key("\"Jane\" <JaneDoe@Gmail.Com.>"),
			 "janedoe@gmail.com");
	cr_assert_str_eq(key("janedoe@googlemail.com"), "janedoe@gmail.com");
}

Test(email_key, gmail_edge_cases_keep_something)
{
	cr_assert_str_eq(key("+news@gmail.com"), "+news@gmail.com");
	cr_assert_str_eq(key("...@gmail.com"), "...@gmail.com");
	cr_assert_str_eq(key("\"j.doe+x\"@gmail.com"), "\"j.doe+x\"@gmail.com");
}

Test(email_key, plus_providers_keep_dots)
{
	cr_assert_str_eq(key("Jane.Doe+crm@Outlook.com"),
			 "jane.doe@outlook.com");
	cr_assert_str_eq(key("jane.doe+x@hotmail.com"), "jane.doe@hotmail.com");
	cr_assert_str_eq(key("jane+x@icloud.com"), "jane@icloud.com");
	cr_assert_str_eq(key("jane+x@me.com"), "jane@me.com");
	cr_assert_str_eq(key("jane+x@fastmail.com"), "jane@fastmail.com");
	cr_assert_str_eq(key("jane+x@protonmail.com"), "jane@protonmail.com");
	cr_assert_str_eq(key("jane+x@proton.me"), "jane@proton.me");
	cr_assert_str_eq(key("jane-x@yahoo.com"), "jane@yahoo.com");
	cr_assert_str_eq(key("jane+x@yahoo.com"), "jane+x@yahoo.com");
}

Test(email_key, other_domains_untouched)
{
	cr_assert_str_eq(key("Jane.Doe+crm@Acme.com"), "jane.doe+crm@acme.com");
	cr_assert_str_eq(key("jane-doe@acme.com"), "jane-doe@acme.com");
	/* a subdomain of a provider is not the provider */
	cr_assert_str_eq(key("j.doe+x@mail.gmail.com"),
			 "j.doe+x@mail.gmail.com");
	cr_assert_str_eq(key("j.doe+x@notgmail.com"), "j.doe+x@notgmail.com");
	cr_assert_str_eq(key("a@b@gmail.com"), "a@b@gmail.com");
}

Test(email_key, trailing_dot_dropped)
{
	cr_assert_str_eq(key("jane@acme.com."), "jane@acme.com");
}

Test(email_key, no_at_or_invalid)
{
	cr_assert_str_eq(key("jane.doe"), "<none>");
	cr_assert_str_eq(key(""), "<none>");
	cr_assert_str_eq(key("jane@"), "<none>");
	cr_assert_eq(email_key("j\xff@gmail.com", 12, &out), -1);
	cr_assert_eq(out.len, 0);
}

Test(email_key, reuses_the_buffer)
{
	char *p;

	key("a.very.long.local.part.indeed+tag@gmail.com");
	p = out.p;
	key("b@gmail.com");
	cr_assert_eq(out.p, p);
	cr_assert_str_eq(buf_cstr(&out), "b@gmail.com");
}

Test(email_hostile, ten_kilobytes)
{
	static char big[10240];
	size_t i;

	for (i = 0; i < sizeof big; i++)
		big[i] = "Ab.+@ <>\"\xc3\xa9"[i % 11];
	/* the last byte may cut a two-byte sequence: either answer is fine */
	(void)email_clean(big, sizeof big, &out);
	(void)email_key(big, sizeof big, &out);
	memset(big, 'A', sizeof big);
	big[5000] = '@';
	cr_assert_eq(email_key(big, sizeof big, &out), 0);
	cr_assert_eq(out.len, sizeof big);
	cr_assert_eq(out.p[0], 'a');
	memset(big, '+', sizeof big);
	memcpy(big + sizeof big - 10, "@gmail.com", 10);
	cr_assert_eq(email_key(big, sizeof big, &out), 0);
	cr_assert_eq(out.len, sizeof big);
}

Test(email_hostile, every_byte_value)
{
	char s[8];
	int c;

	for (c = 0; c < 256; c++) {
		int r;
		memcpy(s, "a@b.co", 6);
		s[1] = (char)c;
		r = email_clean(s, 6, &out);
		cr_assert(r == 0 || (r == -1 && c >= 0x80));
		(void)email_key(s, 6, &out);
	}
}

Test(email_speed, per_call, .timeout = 30)
{
	/* clang-format off */
	static const char *const in[] = {
		"Jane.Doe@Example.com", "john.smith+crm@gmail.com",
		"\"Jane Doe\" <jane@acme.co.uk>", "m\xc3\xbcller@firma.de",
	};
	/* clang-format on */
	struct timespec a, b;
	long i, n = 1000000;
	double ns;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < n; i++) {
		const char *s = in[i & 3];
		email_key(s, strlen(s), &out);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	ns = ((double)(b.tv_sec - a.tv_sec) * 1e9 +
	      (double)(b.tv_nsec - a.tv_nsec)) /
	     (double)n;
	printf("email_key: %.0f ns/call (mixed ASCII and UTF-8)\n", ns);
	cr_assert_lt(ns, 20000.0);
}

/* A clean address is lowered straight from the input; a trailing space
 * sends the same address through text_clean first.  Both must agree. */
Test(email_clean, clean_input_path_agrees)
{
	/* clang-format off */
	static const char *const in[] = {
		"jane@acme.com", "Jane.Doe@ACME.COM", "mailto:Bob@X.io?x=1",
		"MAILTO:bob@x.io", "<jane@acme.com>", "\"Jane\" <J@a.com>",
		"jane@acme.com>", "M\xc3\x9cLLER@B\xc3\x9c" "CHER.DE",
		"mu\xcc\x88ller@x.de", "\xc4\xb0@example.com", "a b@c.d",
		"", "x", "@", "a@", "\xe2\x84\xaa@x.com",
	};
	/* clang-format on */
	struct buf a = BUF_INIT, b = BUF_INIT;
	char t[64];

	for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
		size_t n = strlen(in[i]);
		memcpy(t, in[i], n);
		t[n] = ' ';
		cr_assert_eq(email_clean(in[i], n, &a),
			     email_clean(t, n + 1, &b));
		cr_assert(a.len == b.len &&
				  (a.len == 0 || memcmp(a.p, b.p, a.len) == 0),
			  "%s: %.*s vs %.*s", in[i], (int)a.len, a.p,
			  (int)b.len, b.p);
	}
	buf_release(&a);
	buf_release(&b);
}

/* email_key_add appends what email_key writes, by the one-pass way for a
 * plain address and the general way for the rest, and leaves the buffer
 * as it was when there is no key. */
Test(email_key, add_appends_the_same_key)
{
	/* clang-format off */
	static const char *const in[] = {
		"J.Doe+news@GMail.com", "j.doe@googlemail.com.",
		"Jane.Doe+x@outlook.com", "jane-x@yahoo.com", "+x@gmail.com",
		"jane@acme.com", "mailto:Bob@X.io?x=1", "<Jane+a@GMAIL.com>",
		"\"Jane\" <J.D@gmail.com>", "M\xc3\x9cLLER@B\xc3\x9c" "CHER.DE",
		" jane@acme.com ", "a b@c.d", "\"a.b\"@gmail.com", "pm.me@pm.me",
		"x@proton.me", "x.y+z@fastmail.fm", "", "x", "@", "a@",
		"a@.", "j\xff@gmail.com", "nobody",
		/* near "mailto:": the one-pass way's test of it is two
		 * words; what is not quite it is an address */
		"MailTo:Bob@X.io", "mailto:", "mailtoX@x.io", "mailto;b@x.io",
		"nailto:b@x.io", "mailto\x1a" "b@x.io", "Mailto\x1a",
	};
	/* clang-format on */
	struct buf a = BUF_INIT, b = BUF_INIT;

	for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
		size_t n = strlen(in[i]);
		int ka = email_key(in[i], n, &a);

		buf_reset(&b);
		buf_add(&b, "pre", 3);
		cr_assert_eq(email_key_add(in[i], n, &b), ka, "%s", in[i]);
		cr_assert(memcmp(b.p, "pre", 3) == 0, "%s", in[i]);
		if (ka < 0) {
			cr_assert_eq(b.len, 3, "%s", in[i]);
			continue;
		}
		cr_assert(b.len == a.len + 3 &&
				  memcmp(b.p + 3, a.p, a.len) == 0,
			  "%s: %.*s vs %.*s", in[i], (int)a.len, a.p,
			  (int)b.len - 3, b.p + 3);
	}
	cr_assert_str_eq(key("J.Doe+news@GMail.com"), "jdoe@gmail.com");
	cr_assert_str_eq(key("x.y+z@fastmail.fm"), "x.y@fastmail.fm");
	cr_assert_str_eq(key("pm.me+a@pm.me"), "pm.me@pm.me");
	buf_release(&a);
	buf_release(&b);
}

/* Every provider by its rule, its domain in capitals too; domains near
 * one (a letter more, less or other) are no provider: their local part is
 * kept whole. */
Test(email_key, every_provider_and_near_misses)
{
	/* clang-format off */
	static const struct {
		const char *in, *want;
	} cases[] = {
		{"A.b+t@GMAIL.COM", "ab@gmail.com"},
		{"a.b+t@googlemail.com", "ab@gmail.com"},
		{"a.b+t@Outlook.com", "a.b@outlook.com"},
		{"a.b+t@hotmail.com", "a.b@hotmail.com"},
		{"a.b+t@live.com", "a.b@live.com"},
		{"a.b+t@MSN.com", "a.b@msn.com"},
		{"a.b+t@icloud.com", "a.b@icloud.com"},
		{"a.b+t@me.com", "a.b@me.com"},
		{"a.b+t@mac.com", "a.b@mac.com"},
		{"a.b+t@fastmail.com", "a.b@fastmail.com"},
		{"a.b+t@fastmail.fm", "a.b@fastmail.fm"},
		{"a.b+t@protonmail.com", "a.b@protonmail.com"},
		{"a.b+t@protonmail.ch", "a.b@protonmail.ch"},
		{"a.b+t@proton.me", "a.b@proton.me"},
		{"a.b+t@pm.me", "a.b@pm.me"},
		{"a.b+t@zoho.com", "a.b@zoho.com"},
		{"a.b+t@yandex.com", "a.b@yandex.com"},
		{"a.b+t@YANDEX.RU", "a.b@yandex.ru"},
		{"a.b-t+u@yahoo.com", "a.b@yahoo.com"},
		{"a.b+t@gmail.co", "a.b+t@gmail.co"},
		{"a.b+t@gmail.comx", "a.b+t@gmail.comx"},
		{"a.b+t@xgmail.com", "a.b+t@xgmail.com"},
		{"a.b+t@gmail.con", "a.b+t@gmail.con"},
		{"a.b+t@fmail.com", "a.b+t@fmail.com"},
		{"a.b+t@googlemail.coma", "a.b+t@googlemail.coma"},
		{"a.b+t@protonmail.cx", "a.b+t@protonmail.cx"},
		{"a.b+t@yandex.rus", "a.b+t@yandex.rus"},
		{"a.b+t@lve.com", "a.b+t@lve.com"},
		{"a.b+t@pm.mf", "a.b+t@pm.mf"},
	};
	/* clang-format on */

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		cr_assert_str_eq(key(cases[i].in), cases[i].want, "%s",
				 cases[i].in);
}

/* The key of a plain address (bytes 0x21..0x7e, not "<...>" nor mailto),
 * worked out the slow way, for the providers acme.com (no rule), gmail.com
 * (dots and "+tag" go) and yahoo.com ("-tag" goes): the oracle below. */
static int plain_key(const char *s, size_t n, char *out, size_t *outn)
{
	char low[128];
	size_t at = n, dn, w = 0;

	for (size_t i = 0; i < n; i++) {
		low[i] =
			(s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] + 32) : s[i];
		if (s[i] == '@')
			at = i;
	}
	if (at == n)
		return -1;
	dn = n - at - 1;
	if (dn && low[n - 1] == '.')
		dn--;
	if (!dn)
		return -1;
	if (at > 0 && low[0] != '"' &&
	    ((dn == 9 && memcmp(low + at + 1, "gmail.com", 9) == 0) ||
	     (dn == 9 && memcmp(low + at + 1, "yahoo.com", 9) == 0))) {
		int gmail = low[at + 1] == 'g';
		char tag = gmail ? '+' : '-';

		for (size_t i = 0; i < at && low[i] != tag; i++)
			if (!(gmail && low[i] == '.'))
				out[w++] = low[i];
		if (w) {
			out[w++] = '@';
			memcpy(out + w, low + at + 1, dn);
			*outn = w + dn;
			return 0;
		}
	}
	memcpy(out, low, at + 1 + dn);
	*outn = at + 1 + dn;
	return 0;
}

/* Plain addresses of every length to 80, '@' anywhere (and twice), capitals
 * anywhere: the key the fast way writes (64 bytes at a time with AVX-512,
 * else 16 where the CPU has it) is the oracle's.  A byte outside 0x21..0x7e
 * at any place sends the address the general way, which must give what it
 * gives the same address taken whole (email_key vs email_key_add: two ways
 * in).  Run twice: as the processor allows, and with COV_AVX512=0 (each
 * test is a process of its own, so the choice is made anew). */
static void plain_addresses(void)
{
	static const char alpha[] = "abcXYZ09.+-_";
	static const char *const dom[] = {"acme.com", "gmail.com", "yahoo.com",
					  "Gmail.Com.", "x"};
	unsigned seed = 7;
	struct buf b = BUF_INIT, c = BUF_INIT;

	for (size_t n = 0; n <= 80; n++) {
		for (int round = 0; round < 40; round++) {
			char s[96], want[128];
			size_t len = 0, wn = 0;
			int k;

			seed = seed * 1103515245u + 12345u;
			for (size_t i = 0; i < n; i++)
				s[len++] = alpha[(seed >> (i % 16)) % 12];
			if (round % 4 != 3) {
				const char *d = dom[(seed >> 8) % 5];
				size_t at = n ? (seed >> 4) % (n + 1) : 0;

				memmove(s + at + 1, s + at, len - at);
				s[at] = '@';
				len++;
				if (round % 8 == 1) {
					memmove(s, s + 1,
						len - 1); /* '@' first */
					s[0] = '@';
				}
				memcpy(s + len, d, strlen(d));
				len += strlen(d);
			}
			if (len == 0 || s[0] == '<' || s[len - 1] == '>')
				continue;
			k = plain_key(s, len, want, &wn);
			buf_reset(&b);
			cr_assert_eq(email_key_add(s, len, &b), k, "%.*s",
				     (int)len, s);
			if (k == 0)
				cr_assert(b.len == wn &&
						  memcmp(b.p, want, wn) == 0,
					  "%.*s: %.*s, want %.*s", (int)len, s,
					  (int)b.len, b.p, (int)wn, want);
			/* white space around it is trimmed, as text_clean
			 * trims it */
			{
				static const char *const pad[] = {" ", "\t ",
								  "  \r\n"};
				const char *l = pad[round % 3],
					   *r = pad[(round + 1) % 3];
				char t[128];
				size_t tn = 0, cn;

				memcpy(t, l, strlen(l));
				tn = strlen(l);
				memcpy(t + tn, s, len);
				tn += len;
				memcpy(t + tn, r, strlen(r));
				tn += strlen(r);
				buf_reset(&b);
				cr_assert_eq(email_key_add(t, tn, &b), k);
				if (k == 0)
					cr_assert(b.len == wn &&
						  memcmp(b.p, want, wn) == 0);
				cr_assert_eq(text_clean(&c, t, tn), 0);
				cn = c.len;
				cr_assert(
					cn == len && memcmp(c.p, s, len) == 0,
					"text_clean trims what the key trims");
			}
			/* a bad byte at each place in turn */
			for (size_t at = 0; at < len; at++) {
				static const char bad[] = {' ', '\x7f', '\x80',
							   '\t'};
				char t[96];
				int ka;

				memcpy(t, s, len);
				t[at] = bad[at % 4];
				ka = email_key(t, len, &c);
				buf_reset(&b);
				cr_assert_eq(email_key_add(t, len, &b), ka);
				if (ka == 0)
					cr_assert(b.len == c.len &&
						  memcmp(b.p, c.p, c.len) == 0);
			}
		}
	}
	buf_release(&b);
	buf_release(&c);
}

Test(email_key, plain_addresses_of_every_length) { plain_addresses(); }

Test(email_key, plain_addresses_of_every_length_narrow)
{
	cr_assert_eq(setenv("COV_AVX512", "0", 1), 0);
	plain_addresses();
}
