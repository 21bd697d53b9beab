/*
 * Tests for norm_domain: host extraction from URLs, hosts and e-mail
 * addresses; reduction with the embedded Public Suffix List (ICANN and
 * private sections, IDN in both forms); what is not a domain (IPs, public
 * suffixes, spaces, empty labels); hostile input; the memo cache; the fast
 * path for plain hosts against host extraction.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "norm_domain.h"

static struct buf out = BUF_INIT;

static const char *reg(const char *s)
{
	if (domain_registrable(s, strlen(s), &out) < 0) {
		cr_assert_eq(out.len, 0, "out not empty for %s", s);
		return "<none>";
	}
	return buf_cstr(&out);
}

static const char *host(const char *s)
{
	if (domain_host(s, strlen(s), &out) < 0) {
		cr_assert_eq(out.len, 0);
		return "<none>";
	}
	return buf_cstr(&out);
}

Test(domain, plain_hosts)
{
	cr_assert_str_eq(reg("acme.com"), "acme.com");
	cr_assert_str_eq(reg("Acme.COM"), "acme.com");
	cr_assert_str_eq(reg("www.acme.com"), "acme.com");
	cr_assert_str_eq(reg("www2.acme.com"), "acme.com");
	cr_assert_str_eq(reg("eu.acme.co.uk"), "acme.co.uk");
	cr_assert_str_eq(reg("a.b.c.acme.com.au"), "acme.com.au");
	cr_assert_str_eq(reg("  acme.de  "), "acme.de");
	cr_assert_str_eq(reg("acme.com."), "acme.com");
	cr_assert_str_eq(reg("my-company_1.io"), "my-company_1.io");
}

Test(domain, urls)
{
	cr_assert_str_eq(reg("https://www.Acme.com:8080/about?x"), "acme.com");
	cr_assert_str_eq(reg("http://acme.com"), "acme.com");
	cr_assert_str_eq(reg("HTTP://ACME.COM/"), "acme.com");
	cr_assert_str_eq(reg("ftp://files.acme.de/pub"), "acme.de");
	cr_assert_str_eq(reg("//cdn.acme.fr/x.js"), "acme.fr");
	cr_assert_str_eq(reg("acme.com/contact-us"), "acme.com");
	cr_assert_str_eq(reg("acme.com?utm=1"), "acme.com");
	cr_assert_str_eq(reg("acme.com#top"), "acme.com");
	cr_assert_str_eq(reg("https://user:pa55@shop.acme.co.uk:443/p?q#f"),
			 "acme.co.uk");
	cr_assert_str_eq(reg("https://user@acme.com@evil.com/"), "evil.com");
	cr_assert_str_eq(reg("http:\\\\acme.com"), "<none>");
	cr_assert_str_eq(reg("https://acme.com\\path"), "acme.com");
	cr_assert_str_eq(reg("svn+ssh://repo.acme.org/x"), "acme.org");
}

Test(domain, emails)
{
	cr_assert_str_eq(reg("jane@eu.acme.co.uk"), "acme.co.uk");
	cr_assert_str_eq(reg("Jane.Doe@Mail.Acme.com"), "acme.com");
	cr_assert_str_eq(reg("mailto:jane@acme.com?subject=hi"), "acme.com");
	cr_assert_str_eq(reg("\"a@b\"@acme.com"), "acme.com");
}

Test(domain, private_suffixes)
{
	cr_assert_str_eq(reg("sub.example.github.io"), "example.github.io");
	cr_assert_str_eq(reg("foo.blogspot.com"), "foo.blogspot.com");
	cr_assert_str_eq(reg("github.io"), "<none>");
}

Test(domain, public_suffixes_are_not_domains)
{
	cr_assert_str_eq(reg("co.uk"), "<none>");
	cr_assert_str_eq(reg("com.au"), "<none>");
	cr_assert_str_eq(reg("https://co.uk/"), "<none>");
	cr_assert_str_eq(reg("www.gov.uk"), "www.gov.uk");
	cr_assert(domain_is_public_suffix("co.uk", 5));
	cr_assert(domain_is_public_suffix("com", 3));
	cr_assert(!domain_is_public_suffix("acme.com", 8));
	cr_assert(!domain_is_public_suffix("co.uk\0x", 7));
	cr_assert(!domain_is_public_suffix("", 0));
}

Test(domain, idn_forms_kept)
{
	cr_assert_str_eq(reg("www.M\xc3\x9cLLER.de"), "m\xc3\xbcller.de");
	cr_assert_str_eq(reg("https://xn--mller-kva.de/impressum"),
			 "xn--mller-kva.de");
	cr_assert_str_eq(reg("shop.b\xc3\xbc"
			     "cher.example.\xe9\xa6\x99\xe6\xb8\xaf"),
			 "example.\xe9\xa6\x99\xe6\xb8\xaf");
	cr_assert_str_eq(reg("www.example.xn--j6w193g"), "example.xn--j6w193g");
	/* decomposed input is composed (NFC) */
	cr_assert_str_eq(reg("mu\xcc\x88ller.de"), "m\xc3\xbcller.de");
	/* ideographic full stop as a separator */
	cr_assert_str_eq(reg("www\xe3\x80\x82"
			     "acme\xe3\x80\x82"
			     "com"),
			 "acme.com");
}

Test(domain, ip_addresses)
{
	cr_assert_str_eq(reg("192.168.0.1"), "<none>");
	cr_assert_str_eq(reg("http://10.0.0.1:8080/x"), "<none>");
	cr_assert_str_eq(reg("[::1]"), "<none>");
	cr_assert_str_eq(reg("http://[2001:db8::1]:80/"), "<none>");
	cr_assert_str_eq(reg("2001:db8::1"), "<none>");
	cr_assert_str_eq(reg("jane@[10.0.0.1]"), "<none>");
	cr_assert(domain_is_ip("192.168.0.1", 11));
	cr_assert(domain_is_ip("https://1.2.3.4/", 16));
	cr_assert(domain_is_ip("[fe80::1]", 9));
	cr_assert(!domain_is_ip("acme.com", 8));
	cr_assert(!domain_is_ip("1.2.3.com", 9));
	cr_assert(!domain_is_ip("", 0));
	cr_assert_str_eq(reg("1.2.3.com"), "3.com");
}

Test(domain, not_hosts)
{
	cr_assert_str_eq(reg(""), "<none>");
	cr_assert_str_eq(reg("   "), "<none>");
	cr_assert_str_eq(reg("localhost"), "<none>");
	cr_assert_str_eq(reg("acme"), "<none>");
	cr_assert_str_eq(reg("acme .com"), "<none>");
	cr_assert_str_eq(reg("acme..com"), "<none>");
	cr_assert_str_eq(reg(".acme.com"), "<none>");
	cr_assert_str_eq(reg("acme.com.."), "<none>");
	cr_assert_str_eq(reg("ac!me.com"), "<none>");
	cr_assert_str_eq(reg("https://"), "<none>");
	cr_assert_str_eq(reg("jane@"), "<none>");
	cr_assert_str_eq(reg("N/A"), "<none>");
	cr_assert_str_eq(reg("-"), "<none>");
	cr_assert_str_eq(reg("acme.com:"), "acme.com");
	cr_assert_str_eq(reg("acme.com, acme.de"), "<none>");
}

Test(domain, wrappers_and_list_punctuation)
{
	cr_assert_str_eq(reg("<https://acme.com>"), "acme.com");
	cr_assert_str_eq(reg("\"www.acme.com\""), "acme.com");
	cr_assert_str_eq(reg("(acme.com)"), "acme.com");
	cr_assert_str_eq(reg("acme.com;"), "acme.com");
	cr_assert_str_eq(reg("acme.com,"), "acme.com");
	cr_assert_str_eq(reg("<>"), "<none>");
	cr_assert_str_eq(
		reg("https://\xef\xbc\xa1\xef\xbd\x83\xef\xbd\x8d\xef\xbd\x85.com"),
		"acme.com");
}

Test(domain, label_and_host_lengths)
{
	char s[400];

	memset(s, 'a', 63);
	strcpy(s + 63, ".com");
	cr_assert_eq(domain_registrable(s, strlen(s), &out), 0);
	memset(s, 'a', 64);
	strcpy(s + 64, ".com");
	cr_assert_eq(domain_registrable(s, strlen(s), &out), -1);
	/* 4 labels of 63 = 255 bytes with dots: too long */
	memset(s, 'a', 255);
	s[63] = s[127] = s[191] = '.';
	s[255] = '\0';
	cr_assert_eq(domain_registrable(s, 255, &out), -1);
	cr_assert_eq(domain_registrable(s, 250, &out), 0);
}

Test(domain, host_only)
{
	cr_assert_str_eq(host("https://Mail.Acme.co.uk:25/x"),
			 "mail.acme.co.uk");
	cr_assert_str_eq(host("co.uk"), "co.uk");
	cr_assert_str_eq(host("1.2.3.4"), "<none>");
	cr_assert_str_eq(host("jane@X.com."), "x.com");
}

Test(domain, invalid_utf8_and_nul)
{
	cr_assert_eq(domain_registrable("acme\xff.com", 9, &out), -1);
	cr_assert_eq(out.len, 0);
	cr_assert_eq(domain_registrable("\xc3", 1, &out), -1);
	cr_assert_eq(domain_registrable("acme\0.com", 9, &out), -1);
	cr_assert_eq(domain_registrable("acme.com\0", 9, &out), 0);
	cr_assert_eq(domain_registrable(NULL, 0, &out), -1);
}

Test(domain, not_nul_terminated_input)
{
	const char s[] = "acme.comYYYY";
	cr_assert_eq(domain_registrable(s, 8, &out), 0);
	cr_assert_str_eq(buf_cstr(&out), "acme.com");
}

Test(domain, ten_kilobytes)
{
	static char big[10240];
	size_t i;

	memset(big, 'a', sizeof big);
	cr_assert_eq(domain_registrable(big, sizeof big, &out), -1);
	for (i = 0; i < sizeof big; i++)
		big[i] = "ab.c/:@?\xc3\xa9"[i % 11];
	(void)domain_registrable(big, sizeof big, &out);
	for (i = 0; i < sizeof big; i++)
		big[i] = (i % 2) ? '.' : 'x';
	cr_assert_eq(domain_registrable(big, sizeof big, &out), -1);
	memcpy(big, "https://", 8);
	(void)domain_registrable(big, sizeof big, &out);
}

Test(domain, every_byte_value)
{
	char s[16];
	int c;

	for (c = 0; c < 256; c++) {
		memcpy(s, "ab.acme.com", 11);
		s[1] = (char)c;
		(void)domain_registrable(s, 11, &out);
		(void)domain_is_ip(s, 11);
	}
}

Test(domain, memo_gives_same_answers)
{
	char s[64];
	int round, i;

	/* more hosts than memo slots (16384), twice, so slots are hit and
	 * evicted */
	for (round = 0; round < 2; round++)
		for (i = 0; i < 20000; i++) {
			snprintf(s, sizeof s, "w%d.c%d.co.uk", i, i);
			cr_assert_eq(domain_registrable(s, strlen(s), &out), 0);
			snprintf(s, sizeof s, "c%d.co.uk", i);
			cr_assert_str_eq(buf_cstr(&out), s);
		}
	for (round = 0; round < 3; round++)
		cr_assert_str_eq(reg("co.uk"), "<none>");
}

/* A value made of a-z 0-9 . - _ only is taken as its own host (fast
 * path); the same value in angle brackets goes through host extraction.
 * Both must give the same answer: labels of 0 to 70 bytes (63 is the
 * limit), all-digit last labels, hyphens and underscores anywhere,
 * trailing dots, hosts around 253 bytes. */
Test(domain, plain_fast_path_agrees)
{
	static const char alpha[] = "abcz0189-_";
	struct buf other = BUF_INIT;
	unsigned long long x = 0x2545f4914f6cdd1dULL;
	char s[400], t[404];

	for (int round = 0; round < 200000; round++) {
		size_t n = 0, labels;
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		labels = 1 + x % 5;
		for (size_t l = 0; l < labels; l++) {
			size_t len;
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			len = x % 8 == 0 ? 55 + x % 16 : x % 12;
			if (round % 1000 == 0)
				len = 63 + round / 1000 % 3; /* 63, 64, 65 */
			for (size_t k = 0; k < len && n < 300; k++) {
				x ^= x << 13, x ^= x >> 7, x ^= x << 17;
				s[n++] =
					(x >> 20) % 3 == 0
						? "0123456789"[x % 10]
						: alpha[x % (sizeof alpha - 1)];
			}
			if (l + 1 < labels || (x >> 30) % 6 == 0)
				s[n++] = '.';
		}
		memcpy(t + 1, s, n);
		t[0] = '<';
		t[n + 1] = '>';
		int ra = domain_registrable(s, n, &out);
		int rb = domain_registrable(t, n + 2, &other);
		cr_assert_eq(ra, rb, "'%.*s'", (int)n, s);
		cr_assert(out.len == other.len &&
				  (out.len == 0 ||
				   memcmp(out.p, other.p, out.len) == 0),
			  "'%.*s'", (int)n, s);
	}
	cr_assert_str_eq(reg("a.b.c.acme.com."), "acme.com");
	cr_assert_str_eq(reg("acme.com.."), "<none>");
	cr_assert_str_eq(reg(".acme.com"), "<none>");
	cr_assert_str_eq(reg("acme.123"), "<none>");
	cr_assert_str_eq(reg("-.com"), "-.com", "as the general path says");
	buf_release(&other);
}

static double ns_per_call(const char *const *in, int nin, long n)
{
	struct timespec a, b;
	long i;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < n; i++) {
		const char *s = in[i % nin];
		domain_registrable(s, strlen(s), &out);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	return ((double)(b.tv_sec - a.tv_sec) * 1e9 +
		(double)(b.tv_nsec - a.tv_nsec)) /
	       (double)n;
}

Test(domain_speed, per_call, .timeout = 60)
{
	/* clang-format off */
	static const char *const hot[] = {
		"https://www.acme.com/about", "jane@eu.acme.co.uk",
		"sub.example.github.io", "m\xc3\xbcller.de",
	};
	/* clang-format on */
	static char cold_store[20000][32];
	static const char *cold[20000];
	double h, c;
	int i;

	for (i = 0; i < 20000; i++) {
		snprintf(cold_store[i], sizeof cold_store[i],
			 "www.acme%d.co.uk", i);
		cold[i] = cold_store[i];
	}
	h = ns_per_call(hot, 4, 1000000);
	c = ns_per_call(cold, 20000, 200000);
	printf("domain_registrable: %.0f ns/call repeated hosts (memo hits), "
	       "%.0f ns/call all-distinct hosts (libpsl)\n",
	       h, c);
	cr_assert_lt(h, 20000.0);
}
