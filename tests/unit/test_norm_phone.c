/*
 * Tests for norm_phone: international and national forms, trunk prefixes
 * (0, NANP 1, Russia 8, Hungary 06, Italy's kept 0), "(0)", extensions,
 * length rules, the calling-code table against data/countries.tsv,
 * hostile input, and the fast path for numbers already in E.164 form.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "norm_phone.h"

static const char *e164(const char *s, const char *dflt)
{
	static struct buf b = BUF_INIT;
	if (phone_e164(s, strlen(s), dflt, &b) < 0) {
		cr_assert_eq(b.len, 0, "output not empty on failure: %s", s);
		return "-";
	}
	return buf_cstr(&b);
}

Test(phone, international_forms)
{
	cr_assert_str_eq(e164("+1 (415) 555-0132", NULL), "+14155550132");
	cr_assert_str_eq(e164("+1 (415) 555-0132", "DE"), "+14155550132");
	cr_assert_str_eq(e164("+14155550132", NULL), "+14155550132");
	cr_assert_str_eq(e164("001 415 555 0132", NULL), "+14155550132");
	cr_assert_str_eq(e164("00 44 20 7946 0958", NULL), "+442079460958");
	cr_assert_str_eq(e164("0044 (0)20 7946 0958", "FR"), "+442079460958");
	cr_assert_str_eq(e164("+49 (0)30 1234567", NULL), "+49301234567");
	cr_assert_str_eq(e164("+49 30 1234567", NULL), "+49301234567");
	cr_assert_str_eq(e164("+33 1 23 45 67 89", NULL), "+33123456789");
	cr_assert_str_eq(e164("+852 2123 4567", NULL), "+85221234567");
	cr_assert_str_eq(e164("011 44 20 7946 0958", "US"), "+442079460958");
	cr_assert_str_eq(e164("011 44 20 7946 0958", NULL), "+442079460958");
	cr_assert_str_eq(e164("+800 1234 5678", NULL), "+80012345678");
}

Test(phone, trunk_written_after_country_code)
{
	cr_assert_str_eq(e164("+44 020 7946 0958", NULL), "+442079460958");
	cr_assert_str_eq(e164("+49 030 1234567", NULL), "+49301234567");
	cr_assert_str_eq(e164("+36 06 1 234 5678", NULL), "+3612345678");
	/* Italy keeps its 0 */
	cr_assert_str_eq(e164("+39 06 1234 5678", NULL), "+390612345678");
	/* a 1 after +1 is not stripped: NANP NSNs never start with 1 */
	cr_assert_str_eq(e164("+1 1 415 555 0132", NULL), "-");
}

Test(phone, national_with_default_country)
{
	cr_assert_str_eq(e164("(0)20 7946 0958", "GB"), "+442079460958");
	cr_assert_str_eq(e164("020 7946 0958", "GB"), "+442079460958");
	cr_assert_str_eq(e164("020 7946 0958", "gb"), "+442079460958");
	cr_assert_str_eq(e164("20 7946 0958", "GB"), "+442079460958");
	cr_assert_str_eq(e164("415.555.0132", "US"), "+14155550132");
	cr_assert_str_eq(e164("(415) 555-0132", "CA"), "+14155550132");
	cr_assert_str_eq(e164("1-415-555-0132", "US"), "+14155550132");
	cr_assert_str_eq(e164("030 1234567", "DE"), "+49301234567");
	cr_assert_str_eq(e164("030/1234567", "DE"), "+49301234567");
	cr_assert_str_eq(e164("01 23 45 67 89", "FR"), "+33123456789");
	cr_assert_str_eq(e164("06 1234 5678", "IT"), "+390612345678");
	cr_assert_str_eq(e164("8 (495) 123-45-67", "RU"), "+74951234567");
	cr_assert_str_eq(e164("495 123-45-67", "RU"), "+74951234567");
	/* +7 800: the leading 8 is kept when dropping it breaks the length */
	cr_assert_str_eq(e164("800 123 4567", "RU"), "+78001234567");
	cr_assert_str_eq(e164("06 1 234 5678", "HU"), "+3612345678");
	cr_assert_str_eq(e164("612 345 678", "ES"), "+34612345678");
	cr_assert_str_eq(e164("0412 345 678", "AU"), "+61412345678");
	cr_assert_str_eq(e164("9123 4567", "SG"), "+6591234567");
}

Test(phone, extensions_and_prefixes)
{
	cr_assert_str_eq(e164("+1 415 555 0132 x123", NULL), "+14155550132");
	cr_assert_str_eq(e164("+1 415 555 0132x123", NULL), "+14155550132");
	cr_assert_str_eq(e164("+1 415 555 0132 ext. 123", NULL),
			 "+14155550132");
	cr_assert_str_eq(e164("+1 415 555 0132 EXT 123", NULL), "+14155550132");
	cr_assert_str_eq(e164("+1 415 555 0132 #123", NULL), "+14155550132");
	cr_assert_str_eq(e164("030 1234567 Durchwahl 12", "DE"),
			 "+49301234567");
	cr_assert_str_eq(e164("01 23 45 67 89 poste 12", "FR"), "+33123456789");
	cr_assert_str_eq(e164("tel:+1-415-555-0132", NULL), "+14155550132");
	cr_assert_str_eq(e164("tel:+1-415-555-0132;ext=12", NULL),
			 "+14155550132");
	cr_assert_str_eq(e164("Tel: +44 20 7946 0958", NULL), "+442079460958");
	cr_assert_str_eq(e164("  +1 415 555 0132  ", NULL), "+14155550132");
	cr_assert_str_eq(e164("+1\xc2\xa0"
			      "415\xc2\xa0"
			      "555\xe2\x80\x93"
			      "0132",
			      NULL),
			 "+14155550132");
	/* an extension marker needs a number before it */
	cr_assert_str_eq(e164("x123", "US"), "-");
	cr_assert_str_eq(e164("ext 4155550132", "US"), "-");
}

Test(phone, rejected)
{
	cr_assert_str_eq(e164("", "US"), "-");
	cr_assert_str_eq(e164("   ", "US"), "-");
	cr_assert_str_eq(e164("415 555 0132", NULL), "-"); /* no country */
	cr_assert_str_eq(e164("415 555 0132", "ZZ"), "-"); /* unknown */
	cr_assert_str_eq(e164("415 555 0132", "USA"), "-");
	cr_assert_str_eq(e164("1-800-FLOWERS", "US"), "-");
	cr_assert_str_eq(e164("call me", "US"), "-");
	cr_assert_str_eq(e164("555-0132", "US"), "-"); /* NANP needs 10 */
	cr_assert_str_eq(e164("+1 415 555 013", NULL), "-");
	cr_assert_str_eq(e164("+1 415 555 01322", NULL), "-");
	cr_assert_str_eq(e164("+999 1234 5678", NULL), "-"); /* unassigned */
	cr_assert_str_eq(e164("+0 1234 5678", NULL), "-");
	cr_assert_str_eq(e164("+49 123", NULL), "-");            /* 5 digits */
	cr_assert_str_eq(e164("+49 12345", NULL), "-");          /* 7 digits */
	cr_assert_str_eq(e164("+49 123456", NULL), "+49123456"); /* 8 */
	cr_assert_str_eq(e164("+49 1234 5678 9012 3", NULL),
			 "+491234567890123");                       /* 15 */
	cr_assert_str_eq(e164("+49 1234 5678 9012 34", NULL), "-"); /* 16 */
	cr_assert_str_eq(e164("+", NULL), "-");
	cr_assert_str_eq(e164("+44", NULL), "-");
	cr_assert_str_eq(e164("++44 20 7946 0958", NULL), "-");
	cr_assert_str_eq(e164("+44 20 +7946 0958", NULL), "-");
	cr_assert_str_eq(e164("44 20 7946 0958*", "GB"), "-");
	cr_assert_str_eq(e164("0", "GB"), "-");
	cr_assert_str_eq(e164("00", NULL), "-");
	cr_assert_str_eq(e164("1234567890123456789012345678901", "DE"), "-");
}

Test(phone, hostile_input)
{
	struct buf b = BUF_INIT;
	static char big[1 << 20];

	cr_assert_eq(phone_e164("+1 415\0 555 0132", 16, NULL, &b), -1);
	cr_assert_eq(phone_e164("+1 415 555 0132\xff", 16, NULL, &b), -1);
	cr_assert_eq(phone_e164("+1 415 555 0132\xc2", 16, NULL, &b), -1);
	cr_assert_eq(phone_e164("+1 415 555 0132\xe2\x80", 17, NULL, &b), -1);
	memset(big, '5', sizeof big);
	cr_assert_eq(phone_e164(big, sizeof big, "US", &b), -1);
	memset(big, ' ', sizeof big);
	cr_assert_eq(phone_e164(big, sizeof big, "US", &b), -1);
	memcpy(big + 500000, "+14155550132", 12);
	cr_assert_eq(phone_e164(big, sizeof big, "US", &b), 0);
	cr_assert_eq(phone_e164("+14155550132999", 12, NULL, &b), 0);
	cr_assert_eq(b.len, 12);
	cr_assert_eq(memcmp(b.p, "+14155550132", 12), 0);
	buf_release(&b);
}

/* Random strings of phone-like bytes: never a crash; any answer is "+" and
 * 8 to 15 digits. */
Test(phone, random_input)
{
	static const char alphabet[] = "0123456789+-. ()x#;eE\xc2\xa0\xff/";
	static const char *const dflt[] = {NULL, "US", "GB", "IT", "RU", "HU"};
	unsigned long x = 987654321;
	char s[40];
	struct buf b = BUF_INIT;

	for (int i = 0; i < 200000; i++) {
		size_t n;
		x = x * 6364136223846793005UL + 1442695040888963407UL;
		n = (size_t)((x >> 33) % sizeof s);
		for (size_t k = 0; k < n; k++) {
			x = x * 6364136223846793005UL + 1;
			s[k] = alphabet[(x >> 40) % (sizeof alphabet - 1)];
		}
		if (phone_e164(s, n, dflt[i % 6], &b) == 0) {
			cr_assert(b.len >= 9 && b.len <= 16 && b.p[0] == '+');
			for (size_t k = 1; k < b.len; k++)
				cr_assert(b.p[k] >= '0' && b.p[k] <= '9');
		} else {
			cr_assert_eq(b.len, 0);
		}
	}
	buf_release(&b);
}

Test(phone, calling_codes)
{
	cr_assert_eq(phone_calling_code("US"), 1);
	cr_assert_eq(phone_calling_code("JM"), 1);
	cr_assert_eq(phone_calling_code("gb"), 44);
	cr_assert_eq(phone_calling_code("DE"), 49);
	cr_assert_eq(phone_calling_code("RU"), 7);
	cr_assert_eq(phone_calling_code("KZ"), 7);
	cr_assert_eq(phone_calling_code("VA"), 39);
	cr_assert_eq(phone_calling_code("HK"), 852);
	cr_assert_eq(phone_calling_code("XX"), 0);
	cr_assert_eq(phone_calling_code("\0X"), 0);
}

/* Every code of countries.tsv has a calling code, and a national number
 * of it round-trips through that code. */
Test(phone, every_country_has_a_calling_code)
{
	FILE *f = fopen("data/countries.tsv", "r");
	char line[1024], last[3] = "";
	int codes = 0, round_trips = 0;

	cr_assert_not_null(f,
			   "run from the top of the tree: data/countries.tsv");
	while (fgets(line, sizeof line, f)) {
		char code[3] = {line[0], line[1], '\0'};
		int cc;
		if (line[0] == '#' || line[2] != '\t' || !strcmp(code, last))
			continue;
		memcpy(last, code, 3);
		codes++;
		cc = phone_calling_code(code);
		cr_expect(cc > 0, "no calling code for %s", code);
		if (cc > 0) {
			char want[32], in[32];
			/* a 10-digit NSN fits every plan with a fixed length of
			 * 10 and every variable one; others are skipped */
			snprintf(in, sizeof in, "+%d 2345678901", cc);
			snprintf(want, sizeof want, "+%d2345678901", cc);
			const char *got = e164(in, NULL);
			if (strcmp(got, "-")) {
				cr_expect_str_eq(got, want, "%s", code);
				round_trips++;
			}
		}
	}
	fclose(f);
	cr_assert_eq(codes, 249);
	/* only the dozen countries whose plan fixes a length other than 10
	 * (FR, ES, CH, PL, PT, DK, SG, HK, MO, ZA, BE, IE) reject it */
	cr_assert_geq(round_trips, 249 - 12, "%d", round_trips);
}

/* "+" and digits skip the cleaning loop; a leading space sends the same
 * number through it.  Both must agree for every length (up to and past
 * DIGITS_MAX) and calling code, with and without a default country. */
Test(phone, e164_fast_path_agrees)
{
	static const char *const dflt[] = {NULL, "US", "GB", "DE", "IT", "XX"};
	struct buf a = BUF_INIT, b = BUF_INIT;
	unsigned long long x = 0x853c49e6748fea9bULL;
	char s[40], t[41];
	long ok = 0;

	for (int round = 0; round < 300000; round++) {
		size_t n = 0, nd;
		const char *dc;
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		nd = x % 28;
		s[n++] = '+';
		for (size_t k = 0; k < nd; k++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			/* a zero after the calling code now and then: trunk */
			s[n++] = (char)('0' +
					(k == 2 && x % 4 == 0 ? 0 : x % 10));
		}
		if ((x >> 40) % 16 == 0 && n > 1) /* a stray character */
			s[1 + (x >> 20) % (n - 1)] = "+ -x()"[(x >> 50) % 6];
		dc = dflt[(x >> 33) % 6];
		t[0] = ' ';
		memcpy(t + 1, s, n);
		int ra = phone_e164(s, n, dc, &a),
		    rb = phone_e164(t, n + 1, dc, &b);
		cr_assert_eq(ra, rb, "%.*s", (int)n, s);
		cr_assert(a.len == b.len &&
				  (a.len == 0 || memcmp(a.p, b.p, a.len) == 0),
			  "%.*s", (int)n, s);
		ok += ra == 0;
	}
	cr_assert_gt(ok, 10000);
	cr_assert_str_eq(e164("+31462510590", NULL), "+31462510590");
	cr_assert_str_eq(e164("+4402079460958", NULL), "+442079460958");
	cr_assert_str_eq(e164("+", "US"), "-");
	cr_assert_str_eq(e164("+1234567890123456789012345", NULL), "-");
	buf_release(&a);
	buf_release(&b);
}
