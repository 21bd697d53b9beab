/*
 * Tests for norm_value: booleans, dates (every layout, both orders, range
 * boundaries, leap years, two-digit years, zones) and e-mail statuses, plus
 * hostile input for each; the fast paths for numeric dates and for "0"/"1"
 * agree with the general ones.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "norm_value.h"

static int vb(const char *s) { return value_bool(s, strlen(s)); }

static const char *date_of(const char *s, int order)
{
	static struct buf b = BUF_INIT;
	if (value_date(s, strlen(s), order, &b) < 0) {
		cr_assert_eq(b.len, 0, "output not empty on failure: %s", s);
		return "-";
	}
	return buf_cstr(&b);
}

static const char *dm(const char *s) { return date_of(s, DATE_MDY); }
static const char *dd(const char *s) { return date_of(s, DATE_DMY); }

static const char *es(const char *s)
{
	const char *r = value_email_status(s, strlen(s));
	return r ? r : "NULL";
}

/* ---- booleans ------------------------------------------------------------ */

Test(value_bool, true_values)
{
	static const char *const t[] = {
		"1",    "y",     "Y",         "yes",
		"YES",  "Yes",   "true",      "TRUE",
		"True", "t",     "T",         "on",
		"ON",   "x",     "X",         "checked",
		"ja",   "JA",    "oui",       "Oui",
		"si",   "sí",    "SÍ",        "sim",
		"Sim",  " yes ", "\tTRUE\n",  "\xc2\xa0y\xc2\xa0",
		"wahr", "vrai",  "verdadero", "verdadeiro"};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		cr_expect_eq(vb(t[i]), 1, "%s", t[i]);
}

Test(value_bool, false_values)
{
	static const char *const f[] = {
		"0",         "n",      "N",    "no",   "NO",  "No",  "false",
		"FALSE",     "False",  "f",    "F",    "off", "OFF", "nein",
		"Nein",      "non",    "NON",  "não",  "NÃO", "nao", " no ",
		"unchecked", "falsch", "faux", "falso"};
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
		cr_expect_eq(vb(f[i]), 0, "%s", f[i]);
}

Test(value_bool, unknown_values)
{
	static const char *const u[] = {
		"",     " ",   "\t",    "maybe",     "2",        "-1",
		"yess", "tru", "y e s", "opted out", "opted in", "subscribed",
		"00",   "10",  "n/a",   "null",      "oui!",     "yes no"};
	for (size_t i = 0; i < sizeof u / sizeof u[0]; i++)
		cr_expect_eq(vb(u[i]), -1, "%s", u[i]);
}

Test(value_bool, hostile_input)
{
	static char big[100000];
	cr_assert_eq(value_bool("y\0", 2), -1);
	cr_assert_eq(value_bool("\0", 1), -1);
	cr_assert_eq(value_bool("\xff", 1), -1);
	cr_assert_eq(value_bool("s\xc3", 2), -1);
	cr_assert_eq(value_bool("yes", 1), 1); /* only n bytes are read */
	memset(big, 'y', sizeof big);
	cr_assert_eq(value_bool(big, sizeof big), -1);
	memset(big, ' ', sizeof big);
	big[50000] = 'y';
	cr_assert_eq(value_bool(big, sizeof big), 1);
}

/* ---- dates --------------------------------------------------------------- */

Test(value_date, iso)
{
	cr_assert_str_eq(dm("2024-03-05"), "2024-03-05");
	cr_assert_str_eq(dm("2024-3-5"), "2024-03-05");
	cr_assert_str_eq(dm("2024/03/05"), "2024-03-05");
	cr_assert_str_eq(dm("2024.03.05"), "2024-03-05");
	cr_assert_str_eq(dm("20240305"), "2024-03-05");
	cr_assert_str_eq(dm("2024-03-05T14:22:01Z"), "2024-03-05T14:22:01Z");
	cr_assert_str_eq(dm("2024-03-05t14:22:01z"), "2024-03-05T14:22:01Z");
	cr_assert_str_eq(dm("2024-03-05T14:22:01"), "2024-03-05T14:22:01");
	cr_assert_str_eq(dm("2024-03-05T14:22"), "2024-03-05T14:22:00");
	cr_assert_str_eq(dm("2024-03-05 14:22:01.123+02:00"),
			 "2024-03-05T14:22:01+02:00");
	cr_assert_str_eq(dm("2024-03-05T14:22:01,5-05:30"),
			 "2024-03-05T14:22:01-05:30");
	cr_assert_str_eq(dm("2024-03-05T14:22:01+0200"),
			 "2024-03-05T14:22:01+02:00");
	cr_assert_str_eq(dm("2024-03-05T14:22:01-08"),
			 "2024-03-05T14:22:01-08:00");
	cr_assert_str_eq(dm("2024-03-05T14:22:01+00:00"),
			 "2024-03-05T14:22:01+00:00");
	cr_assert_str_eq(dm("20240305T142201Z"), "2024-03-05T14:22:01Z");
	cr_assert_str_eq(dm("2024-03-05 14:22 UTC"), "2024-03-05T14:22:00Z");
	cr_assert_str_eq(dm("2024-03-05 14:22 GMT+1"),
			 "2024-03-05T14:22:00+01:00");
	cr_assert_str_eq(dm("  2024-03-05  "), "2024-03-05");
}

Test(value_date, us_and_salesforce)
{
	cr_assert_str_eq(dm("3/5/2024"), "2024-03-05");
	cr_assert_str_eq(dm("03/05/2024"), "2024-03-05");
	cr_assert_str_eq(dm("03/05/24"), "2024-03-05");
	cr_assert_str_eq(dm("12/31/99"), "1999-12-31");
	cr_assert_str_eq(dm("3/5/2024 2:22 PM"), "2024-03-05T14:22:00");
	cr_assert_str_eq(dm("3/5/2024 2:22 pm"), "2024-03-05T14:22:00");
	cr_assert_str_eq(dm("3/5/2024 2:22PM"), "2024-03-05T14:22:00");
	cr_assert_str_eq(dm("3/5/2024 12:05 AM"), "2024-03-05T00:05:00");
	cr_assert_str_eq(dm("3/5/2024 12:05 PM"), "2024-03-05T12:05:00");
	cr_assert_str_eq(dm("3/5/2024 12:05 a.m."), "2024-03-05T00:05:00");
	cr_assert_str_eq(dm("3/5/2024 2 PM"), "2024-03-05T14:00:00");
	cr_assert_str_eq(dm("3/5/2024, 2:22:09 PM"), "2024-03-05T14:22:09");
	cr_assert_str_eq(dm("3/5/2024 14:22"), "2024-03-05T14:22:00");
}

Test(value_date, ambiguous_numeric_both_orders)
{
	cr_assert_str_eq(dm("05/03/2024"), "2024-05-03");
	cr_assert_str_eq(dd("05/03/2024"), "2024-03-05");
	cr_assert_str_eq(dm("05-03-2024"), "2024-05-03");
	cr_assert_str_eq(dd("05-03-2024"), "2024-03-05");
	cr_assert_str_eq(dm("12/12/2024"), "2024-12-12");
	cr_assert_str_eq(dd("12/12/2024"), "2024-12-12");
	/* unambiguous whatever the order */
	cr_assert_str_eq(dm("13/05/2024"), "2024-05-13");
	cr_assert_str_eq(dd("13/05/2024"), "2024-05-13");
	cr_assert_str_eq(dm("05/13/2024"), "2024-05-13");
	cr_assert_str_eq(dd("05/13/2024"), "2024-05-13");
	cr_assert_str_eq(dm("31-12-2024"), "2024-12-31");
	/* neither reading works */
	cr_assert_str_eq(dm("13/13/2024"), "-");
	cr_assert_str_eq(dd("13/13/2024"), "-");
}

Test(value_date, dots_are_always_day_first)
{
	cr_assert_str_eq(dm("05.03.2024"), "2024-03-05");
	cr_assert_str_eq(dd("05.03.2024"), "2024-03-05");
	cr_assert_str_eq(dm("5.3.2024"), "2024-03-05");
	cr_assert_str_eq(dm("5.3.24"), "2024-03-05");
	cr_assert_str_eq(dm("31.12.2024 23:59:59"), "2024-12-31T23:59:59");
	cr_assert_str_eq(dm("05.13.2024"), "-");
}

Test(value_date, two_digit_year_pivot)
{
	cr_assert_str_eq(dm("1/1/00"), "2000-01-01");
	cr_assert_str_eq(dm("1/1/69"), "2069-01-01");
	cr_assert_str_eq(dm("1/1/70"), "1970-01-01");
	cr_assert_str_eq(dm("1/1/99"), "1999-01-01");
	cr_assert_str_eq(dm("05-Mar-24"), "2024-03-05");
	cr_assert_str_eq(dm("1/1/1"), "-");
	cr_assert_str_eq(dm("1/1/024"), "-");
}

Test(value_date, month_names)
{
	cr_assert_str_eq(dm("5 Mar 2024"), "2024-03-05");
	cr_assert_str_eq(dm("5 March 2024"), "2024-03-05");
	cr_assert_str_eq(dm("March 5, 2024"), "2024-03-05");
	cr_assert_str_eq(dm("Mar 5 2024"), "2024-03-05");
	cr_assert_str_eq(dm("Mar. 5th, 2024"), "2024-03-05");
	cr_assert_str_eq(dm("05-Mar-2024"), "2024-03-05");
	cr_assert_str_eq(dm("05-MAR-2024"), "2024-03-05");
	cr_assert_str_eq(dm("5th of March 2024"), "2024-03-05");
	cr_assert_str_eq(dm("1st Sept 2024"), "2024-09-01");
	cr_assert_str_eq(dm("5. März 2024"), "2024-03-05");
	cr_assert_str_eq(dm("5. Mrz. 2024"), "2024-03-05");
	cr_assert_str_eq(dm("24. Dez 2024"), "2024-12-24");
	cr_assert_str_eq(dm("3. Jänner 2024"), "2024-01-03");
	cr_assert_str_eq(dm("5 mars 2024"), "2024-03-05");
	cr_assert_str_eq(dm("1er déc. 2024"), "2024-12-01");
	cr_assert_str_eq(dm("14 juillet 2024"), "2024-07-14");
	cr_assert_str_eq(dm("15 août 2024"), "2024-08-15");
	cr_assert_str_eq(dm("2 févr. 2024"), "2024-02-02");
	cr_assert_str_eq(dm("5 de marzo de 2024"), "2024-03-05");
	cr_assert_str_eq(dm("5 dic 2024"), "2024-12-05");
	cr_assert_str_eq(dm("5 de março de 2024"), "2024-03-05");
	cr_assert_str_eq(dm("5 out 2024"), "2024-10-05");
	cr_assert_str_eq(dm("5 set 2024"), "2024-09-05");
	cr_assert_str_eq(dm("Tue, 05 Mar 2024 14:22:01 +0000"),
			 "2024-03-05T14:22:01+00:00");
	cr_assert_str_eq(dm("Tuesday, March 5, 2024"), "2024-03-05");
	cr_assert_str_eq(dm("March 5, 2024 at 2:22 PM"), "2024-03-05T14:22:00");
	cr_assert_str_eq(dm("5 mars 2024 à 14h22"), "2024-03-05T14:22:00");
	cr_assert_str_eq(dm("5. März 2024 um 14:22"), "2024-03-05T14:22:00");
	/* month names do not depend on the order */
	cr_assert_str_eq(dd("March 5, 2024"), "2024-03-05");
}

Test(value_date, epoch)
{
	cr_assert_str_eq(dm("1709648521"), "2024-03-05T14:22:01Z");
	cr_assert_str_eq(dm("1709648521123"), "2024-03-05T14:22:01Z");
	cr_assert_str_eq(dm("1000000000"), "2001-09-09T01:46:40Z");
	cr_assert_str_eq(dm("7258118399"), "2199-12-31T23:59:59Z");
	cr_assert_str_eq(dm("7258118400"), "-"); /* 2200-01-01 */
	cr_assert_str_eq(dm("9999999999999"), "-");
	cr_assert_str_eq(dm("170964852"), "-");   /* 9 digits */
	cr_assert_str_eq(dm("17096485211"), "-"); /* 11 digits */
}

Test(value_date, leap_years_and_ranges)
{
	cr_assert_str_eq(dm("2024-02-29"), "2024-02-29");
	cr_assert_str_eq(dm("2023-02-29"), "-");
	cr_assert_str_eq(dm("2000-02-29"), "2000-02-29");
	cr_assert_str_eq(dm("1900-02-29"), "-");
	cr_assert_str_eq(dm("2100-02-29"), "-");
	cr_assert_str_eq(dm("2/29/2023"), "-");
	cr_assert_str_eq(dm("29.02.2024"), "2024-02-29");
	cr_assert_str_eq(dm("2024-04-30"), "2024-04-30");
	cr_assert_str_eq(dm("2024-04-31"), "-");
	cr_assert_str_eq(dm("2024-12-31"), "2024-12-31");
	cr_assert_str_eq(dm("2024-12-32"), "-");
	cr_assert_str_eq(dm("2024-13-01"), "-");
	cr_assert_str_eq(dm("2024-00-10"), "-");
	cr_assert_str_eq(dm("2024-01-00"), "-");
	cr_assert_str_eq(dm("1900-01-01"), "1900-01-01");
	cr_assert_str_eq(dm("1899-12-31"), "-");
	cr_assert_str_eq(dm("2199-12-31"), "2199-12-31");
	cr_assert_str_eq(dm("2200-01-01"), "-");
	cr_assert_str_eq(dm("2024-03-05T23:59:59"), "2024-03-05T23:59:59");
	cr_assert_str_eq(dm("2024-03-05T24:00:00"), "-");
	cr_assert_str_eq(dm("2024-03-05T12:60:00"), "-");
	cr_assert_str_eq(dm("2024-03-05T12:00:60"), "-");
	cr_assert_str_eq(dm("3/5/2024 13:00 PM"), "-");
	cr_assert_str_eq(dm("3/5/2024 0:00 AM"), "-");
	cr_assert_str_eq(dm("2024-03-05T12:00+15:00"), "-");
	cr_assert_str_eq(dm("2024-03-05T12:00+14:60"), "-");
	cr_assert_str_eq(dm("31 Feb 2024"), "-");
	cr_assert_str_eq(dm("30 Feb 2024"), "-");
}

Test(value_date, not_dates)
{
	static const char *const bad[] = {"",
					  " ",
					  "hello",
					  "2024",
					  "2024-03",
					  "March 2024",
					  "5 Mar",
					  "5 Mar 14:22",
					  "2024-03-05 junk",
					  "2024-03-05T",
					  "2024-03-05 14",
					  "3/5",
					  "3/5/2024/1",
					  "3/5-2024",
					  "2024-03/05",
					  "5 Foo 2024",
					  "Mars 5 2024 2024",
					  "0x7E8",
					  "2024-03-05T14:22:01Q",
					  "2024-03-05T14:22:01+",
					  "2024-03-05 14:22:1",
					  "Tue 2024-03-05 x",
					  "12345678901234",
					  "1/1/-24",
					  "+2024-03-05",
					  "2024-03-05T14:22:01.Z"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		cr_expect_str_eq(dm(bad[i]), "-", "%s", bad[i]);
}

Test(value_date, hostile_input)
{
	struct buf b = BUF_INIT;
	static char big[1 << 20];

	cr_assert_eq(value_date("2024-03-05\0", 11, DATE_MDY, &b), -1);
	cr_assert_eq(value_date("2024\0-03-05", 11, DATE_MDY, &b), -1);
	cr_assert_eq(value_date("5 M\xe4rz 2024", 11, DATE_MDY, &b), -1);
	cr_assert_eq(value_date("\xff\xfe", 2, DATE_MDY, &b), -1);
	cr_assert_eq(value_date("5 Mar 2024\xc3", 11, DATE_MDY, &b), -1);
	memset(big, '1', sizeof big);
	cr_assert_eq(value_date(big, sizeof big, DATE_MDY, &b), -1);
	memset(big, ' ', sizeof big);
	memcpy(big + 400000, "2024-03-05", 10);
	cr_assert_eq(value_date(big, sizeof big, DATE_MDY, &b), 0);
	cr_assert_eq(value_date("2024-03-05T10:00", 10, DATE_MDY, &b), 0);
	cr_assert_eq(b.len, 10); /* only n bytes are read */
	buf_release(&b);
}

/* Valid dates with one to three random bytes changed, dropped or added:
 * never a crash; any answer has one of the three output shapes. */
Test(value_date, mutated_input)
{
	static const char alphabet[] = "0123456789/-.:T Z+amprch,\xc3\xa4\0";
	static const char *const seed[] = {"2024-03-05T14:22:01.123+02:00",
					   "3/5/2024 2:22 PM",
					   "5. M\xc3\xa4rz 2024",
					   "March 5, 2024",
					   "05-Mar-24",
					   "20240305T142201Z",
					   "1709648521123",
					   "Tue, 05 Mar 2024 14:22:01"};
	unsigned long x = 42;
	char s[48];
	struct buf b = BUF_INIT;
	int ok = 0;

	for (int i = 0; i < 300000; i++) {
		const char *z = seed[i % (sizeof seed / sizeof seed[0])];
		size_t n = strlen(z);
		memcpy(s, z, n);
		x = x * 6364136223846793005UL + 1442695040888963407UL;
		for (int m = 0, edits = 1 + (int)((x >> 50) % 3); m < edits;
		     m++) {
			size_t at;
			char c;
			x = x * 6364136223846793005UL + 1442695040888963407UL;
			at = (size_t)((x >> 33) % n);
			c = alphabet[(x >> 20) % (sizeof alphabet - 1)];
			switch ((x >> 60) % 3) {
			case 0: s[at] = c; break;
			case 1:
				memmove(s + at, s + at + 1, n - at - 1);
				n--;
				break;
			default:
				if (n + 1 < sizeof s) {
					memmove(s + at + 1, s + at, n - at);
					s[at] = c;
					n++;
				}
			}
		}
		if (value_date(s, n, i % 2, &b) == 0) {
			ok++;
			cr_assert(b.len == 10 || b.len == 19 || b.len == 20 ||
					  b.len == 25,
				  "%.*s", (int)b.len, b.p);
			cr_assert(b.p[4] == '-' && b.p[7] == '-');
			cr_assert(b.len == 10 || b.p[10] == 'T');
		} else {
			cr_assert_eq(b.len, 0);
		}
	}
	buf_release(&b);
	cr_assert_gt(ok, 0);
	printf("value_date: %d of 300000 mutated inputs still dates\n", ok);
}

/* ---- e-mail status ------------------------------------------------------- */

Test(value_email_status, mapping)
{
	cr_assert_str_eq(es("valid"), "valid");
	cr_assert_str_eq(es("Valid"), "valid");
	cr_assert_str_eq(es("deliverable"), "valid");
	cr_assert_str_eq(es("VERIFIED"), "valid");
	cr_assert_str_eq(es("ok"), "valid");
	cr_assert_str_eq(es("safe"), "valid");
	cr_assert_str_eq(es("active"), "valid");
	cr_assert_str_eq(es("invalid"), "invalid");
	cr_assert_str_eq(es("Undeliverable"), "invalid");
	cr_assert_str_eq(es("bad"), "invalid");
	cr_assert_str_eq(es("syntax error"), "invalid");
	cr_assert_str_eq(es("Syntax_Error"), "invalid");
	cr_assert_str_eq(es("rejected"), "invalid");
	cr_assert_str_eq(es("do_not_mail"), "invalid");
	cr_assert_str_eq(es("Do Not Mail"), "invalid");
	cr_assert_str_eq(es("spamtrap"), "invalid");
	cr_assert_str_eq(es("bounced"), "bounced");
	cr_assert_str_eq(es("Bounce"), "bounced");
	cr_assert_str_eq(es("hard bounce"), "bounced");
	cr_assert_str_eq(es("hard_bounce"), "bounced");
	cr_assert_str_eq(es("Hard-Bounce"), "bounced");
	cr_assert_str_eq(es("Email Bounced"), "bounced");
	cr_assert_str_eq(es("soft bounce"), "unknown");
	cr_assert_str_eq(es("soft_bounce"), "unknown");
	cr_assert_str_eq(es("Marketing Suspended"), "unknown");
	cr_assert_str_eq(es("unknown"), "unknown");
	cr_assert_str_eq(es("risky"), "unknown");
	cr_assert_str_eq(es("catch-all"), "unknown");
	cr_assert_str_eq(es("accept_all"), "unknown");
	cr_assert_str_eq(es("unverified"), "unknown");
	cr_assert_str_eq(es("pending"), "unknown");
	cr_assert_str_eq(es("something else"), "unknown");
	cr_assert_str_eq(es("  valid  "), "valid");
}

Test(value_email_status, empty_and_hostile)
{
	static char big[100000];
	cr_assert_str_eq(es(""), "NULL");
	cr_assert_str_eq(es("   "), "NULL");
	cr_assert_str_eq(es("---"), "unknown");
	cr_assert_str_eq(es("\xff"), "unknown");
	cr_assert_str_eq(value_email_status("valid\0", 6), "unknown");
	cr_assert_str_eq(value_email_status("invalid", 2), "unknown");
	cr_assert_str_eq(value_email_status("valid", 5), "valid");
	memset(big, 'v', sizeof big);
	cr_assert_str_eq(value_email_status(big, sizeof big), "unknown");
}

/* value_email_status_known: the same answers for the words of the table,
 * NULL for the values value_email_status reads as "unknown" only because
 * it does not know them. */
Test(value_email_status, known_only)
{
	static const char *const known[] = {
		"valid",       "Deliverable",   "hard_bounce", "Hard Bounce",
		"BOUNCED",     "undeliverable", "spam trap",   "catch-all",
		"Soft Bounce", "unknown",       "risky",
	};
	static const char *const unknown[] = {
		"something else", "---", "\xff", "Greylisted", "yes", "550",
	};
	char big[300];

	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
		const char *k =
			value_email_status_known(known[i], strlen(known[i]));
		cr_assert(k != NULL, "%s", known[i]);
		cr_expect_str_eq(
			k, value_email_status(known[i], strlen(known[i])));
	}
	for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
		cr_expect_null(value_email_status_known(unknown[i],
							strlen(unknown[i])),
			       "%s", unknown[i]);
		cr_expect_str_eq(
			value_email_status(unknown[i], strlen(unknown[i])),
			"unknown");
	}
	cr_expect_null(value_email_status_known("", 0));
	cr_expect_null(value_email_status_known("   ", 3));
	memset(big, 'b', sizeof big);
	cr_expect_null(value_email_status_known(big, sizeof big));
}

/* Numeric dates take a fast path (no word form, no cursor); a leading
 * space sends the same date through the general parser, since the word
 * form trims it.  Both must agree on every numeric shape, valid or not:
 * layouts Y-M-D, M/D/Y, D.M.Y and YYYYMMDD with every separator, one- to
 * four-digit parts, out-of-range values, stray separators and digits. */
Test(value_date, numeric_fast_path_agrees)
{
	static const char sep[] = "/-.";
	struct buf a = BUF_INIT, b = BUF_INIT;
	unsigned long long x = 0x9e3779b97f4a7c15ULL;
	char s[40], t[41];
	long valid = 0;

	for (int round = 0; round < 300000; round++) {
		int n = 0, y, m, d, lay;
		char s1, s2;
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		y = 1880 + (int)(x >> 33) % 340;
		m = (int)(x >> 20) % 14;
		d = (int)(x >> 10) % 33;
		lay = (int)(x >> 45) % 5;
		s1 = sep[(x >> 50) % 3];
		s2 = (x >> 52) % 8 ? s1 : sep[(x >> 55) % 3];
		if (lay == 0)
			n = snprintf(s, sizeof s,
				     (x >> 58) & 1 ? "%d%c%02d%c%02d"
						   : "%d%c%d%c%d",
				     y, s1, m, s2, d);
		else if (lay == 1)
			n = snprintf(s, sizeof s,
				     (x >> 58) & 1 ? "%02d%c%02d%c%d"
						   : "%d%c%d%c%02d",
				     m, s1, d, s2, (x >> 59) & 1 ? y : y % 100);
		else if (lay == 2)
			n = snprintf(s, sizeof s, "%04d%02d%02d", y, m, d);
		else if (lay == 3)
			n = snprintf(s, sizeof s, "%d%c%d", (int)(x >> 40) % 40,
				     s1, (int)(x >> 20) % 3000);
		else
			n = snprintf(s, sizeof s, "%d",
				     (int)(x >> 30) % 100000);
		if ((x >> 60) == 0 && n > 0) /* one byte replaced */
			s[(x >> 8) % (unsigned)n] =
				"0123456789/-."[(x >> 12) % 13];
		if ((x >> 60) == 1) /* one byte added */
			s[n++] = "0123456789/-."[(x >> 12) % 13], s[n] = '\0';
		t[0] = ' ';
		memcpy(t + 1, s, (size_t)n + 1);
		for (int order = DATE_MDY; order <= DATE_DMY; order++) {
			int ra = value_date(s, (size_t)n, order, &a);
			int rb = value_date(t, (size_t)n + 1, order, &b);
			cr_assert_eq(ra, rb, "'%s' order %d", s, order);
			cr_assert(a.len == b.len &&
					  (a.len == 0 ||
					   memcmp(a.p, b.p, a.len) == 0),
				  "'%s' order %d: '%.*s' vs '%.*s'", s, order,
				  (int)a.len, a.p, (int)b.len, b.p);
			valid += ra == 0;
		}
	}
	cr_assert_gt(valid, 50000, "the generator makes valid dates too (%ld)",
		     valid);
	cr_assert_str_eq(dm("6/29/2022"), "2022-06-29");
	cr_assert_str_eq(dm("2019-07-28"), "2019-07-28");
	cr_assert_str_eq(dm("07.09.2026"), "2026-09-07");
	cr_assert_str_eq(dm("20240229"), "2024-02-29");
	cr_assert_str_eq(dm("20230229"), "-");
	cr_assert_str_eq(dm("2024-1-"), "-");
	cr_assert_str_eq(dm("6/29/2022/"), "-");
	cr_assert_str_eq(dm("-6/29/2022"), "-");
	buf_release(&a);
	buf_release(&b);
}

Test(value_bool, digit_fast_path)
{
	/* "0" and "1" skip the word form; with white space they take it */
	cr_assert_eq(vb("1"), 1);
	cr_assert_eq(vb("0"), 0);
	cr_assert_eq(vb(" 1 "), 1);
	cr_assert_eq(vb("\t0"), 0);
	cr_assert_eq(vb("2"), -1);
	cr_assert_eq(vb("01"), -1);
	cr_assert_eq(value_bool("1", 0), -1, "the length is honoured");
}

static int ph(const char *s) { return value_is_placeholder(s, strlen(s)); }

Test(value_is_placeholder, words_punctuation_and_errors)
{
	static const char *const yes[] = {
		"n/a",
		"N/A",
		"n.a.",
		"N.A.",
		"#N/A",
		"NA",
		"na",
		"N A",
		"n-a",
		"(n/a)",
		"none",
		"None",
		"--None--",
		"NULL",
		"<null>",
		"nil",
		"NaN",
		"unknown",
		"Unknown",
		"undefined",
		"TBD",
		"missing",
		"empty",
		"Not Available",
		"not-applicable",
		"not provided",
		"no email",
		"noemail",
		"no-email",
		"-",
		"--",
		"---",
		"?",
		".",
		"...",
		"*",
		" - ",
		"\t-",
		"_",
		"/",
		"#",
		"~",
		"#REF!",
		"#ref!",
		"#VALUE!",
		"#NAME?",
		"#DIV/0!",
		"#NUM!",
		"#NULL!",
	};
	static const char *const no[] = {
		"",
		"Namibia",
		"nab",
		"Nan Goldin",
		"none of the above x",
		"n/a@",
		"n/a@acme.com",
		"@",
		"\"",
		"()",
		"+",
		"Acme",
		"0",
		"x",
		"self employed",
		"#REF",
		"ref",
		"N/Ä",
		"n\x01/a",
		"\xe2\x80\x94",
		"unknownunknownunknown",
	};

	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
		cr_expect(ph(yes[i]), "'%s' is a placeholder", yes[i]);
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
		cr_expect_not(ph(no[i]), "'%s' is no placeholder", no[i]);
	/* long values are never placeholders; n counts, not a NUL */
	cr_expect_not(value_is_placeholder(
		"----------------------------------------------------------"
		"----------",
		68));
	cr_expect(value_is_placeholder("n/a\0zzz", 3));
	cr_expect_not(value_is_placeholder("n/a\0zzz", 7));
}
