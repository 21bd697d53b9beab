/*
 * Tests for norm_company: folding, punctuation, legal forms of many
 * countries (alone, stacked, after commas and in brackets), the words that
 * must stay, the never-empty rule, and hostile input.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "norm_company.h"

static struct buf out = BUF_INIT;

static const char *ck(const char *s)
{
	cr_assert_eq(company_key(s, strlen(s), &out), 0, "company_key(%s)", s);
	return buf_cstr(&out);
}

Test(company, spec_examples)
{
	cr_assert_str_eq(ck("The Acme Company, Inc."), "acme");
	cr_assert_str_eq(ck("ACME GmbH & Co. KG"), "acme");
	cr_assert_str_eq(
		ck("Soci\xc3\xa9t\xc3\xa9 G\xc3\xa9n\xc3\xa9rale S.A."),
		"societe generale");
	cr_assert_str_eq(ck("M\xc3\xbcller AG"), "muller");
}

Test(company, english_forms)
{
	cr_assert_str_eq(ck("Acme Inc"), "acme");
	cr_assert_str_eq(ck("Acme, Inc."), "acme");
	cr_assert_str_eq(ck("Acme Incorporated"), "acme");
	cr_assert_str_eq(ck("Acme LLC"), "acme");
	cr_assert_str_eq(ck("Acme L.L.C."), "acme");
	cr_assert_str_eq(ck("Acme, LLC."), "acme");
	cr_assert_str_eq(ck("Acme LLP"), "acme");
	cr_assert_str_eq(ck("Acme Partners LP"), "acme partners");
	cr_assert_str_eq(ck("Acme Ltd."), "acme");
	cr_assert_str_eq(ck("Acme Limited"), "acme");
	cr_assert_str_eq(ck("Acme PLC"), "acme");
	cr_assert_str_eq(ck("Acme Corp."), "acme");
	cr_assert_str_eq(ck("Acme Corporation"), "acme");
	cr_assert_str_eq(ck("Acme Co."), "acme");
	cr_assert_str_eq(ck("Acme & Co"), "acme");
	cr_assert_str_eq(ck("Acme and Company"), "acme");
	cr_assert_str_eq(ck("Acme Pty Ltd"), "acme");
	cr_assert_str_eq(ck("Acme Pty. Ltd."), "acme");
	cr_assert_str_eq(ck("Acme Proprietary Limited"), "acme");
	cr_assert_str_eq(ck("Acme Pte. Ltd."), "acme");
	cr_assert_str_eq(ck("Acme Pvt Ltd"), "acme");
	cr_assert_str_eq(ck("Acme Private Limited"), "acme");
	cr_assert_str_eq(ck("Acme Co., Ltd."), "acme");
}

Test(company, european_forms)
{
	cr_assert_str_eq(ck("Acme GmbH"), "acme");
	cr_assert_str_eq(ck("Acme gGmbH"), "acme");
	cr_assert_str_eq(ck("Acme Verwaltungs mbH"), "acme verwaltungs");
	cr_assert_str_eq(ck("Acme GmbH & Co. KGaA"), "acme");
	cr_assert_str_eq(ck("Acme UG (haftungsbeschr\xc3\xa4nkt)"), "acme");
	cr_assert_str_eq(ck("Acme SE"), "acme");
	cr_assert_str_eq(ck("Acme SAS"), "acme");
	cr_assert_str_eq(ck("Acme S.A.S."), "acme");
	cr_assert_str_eq(ck("Acme SARL"), "acme");
	cr_assert_str_eq(ck("Acme S.r.l."), "acme");
	cr_assert_str_eq(ck("Acme SRL"), "acme");
	cr_assert_str_eq(ck("Acme S.p.A."), "acme");
	cr_assert_str_eq(ck("Acme SpA"), "acme");
	cr_assert_str_eq(ck("Acme B.V."), "acme");
	cr_assert_str_eq(ck("Acme N.V."), "acme");
	cr_assert_str_eq(ck("Acme Oy"), "acme");
	cr_assert_str_eq(ck("Acme Oyj"), "acme");
	cr_assert_str_eq(ck("Acme AB"), "acme");
	cr_assert_str_eq(ck("Acme A/S"), "acme");
	cr_assert_str_eq(ck("Acme AS"), "acme");
	cr_assert_str_eq(ck("Acme ASA"), "acme");
	cr_assert_str_eq(ck("Acme ApS"), "acme");
	cr_assert_str_eq(ck("Acme Sp. z o.o."), "acme");
	cr_assert_str_eq(ck("Acme S.L."), "acme");
	cr_assert_str_eq(ck("Acme S.L.U."), "acme");
	cr_assert_str_eq(ck("Acme Kft."), "acme");
	cr_assert_str_eq(ck("Acme s.r.o."), "acme");
	cr_assert_str_eq(ck("Acme spol. s r.o."), "acme");
	cr_assert_str_eq(ck("Acme a.s."), "acme");
	cr_assert_str_eq(ck("Acme d.o.o."), "acme");
	cr_assert_str_eq(ck("Acme & Cie"), "acme");
}

Test(company, americas_and_asia)
{
	cr_assert_str_eq(ck("Acme Ltda."), "acme");
	cr_assert_str_eq(ck("Acme Ltda"), "acme");
	cr_assert_str_eq(ck("Acme S/A"), "acme");
	cr_assert_str_eq(ck("Acme EIRELI"), "acme");
	cr_assert_str_eq(ck("Acme ME"), "acme");
	cr_assert_str_eq(ck("Acme S.A. de C.V."), "acme");
	cr_assert_str_eq(ck("Acme y C\xc3\xad"
			    "a."),
			 "acme");
	cr_assert_str_eq(ck("Acme K.K."), "acme");
	cr_assert_str_eq(ck("Acme Kabushiki Kaisha"), "acme");
	cr_assert_str_eq(ck("Acme Sdn Bhd"), "acme");
	cr_assert_str_eq(ck("Acme Sdn. Bhd."), "acme");
	cr_assert_str_eq(ck("Acme Bhd"), "acme");
}

Test(company, stacked_and_after_commas)
{
	cr_assert_str_eq(ck("Acme Holdings Co., Ltd."), "acme holdings");
	cr_assert_str_eq(ck("Acme Inc. LLC"), "acme");
	cr_assert_str_eq(ck("Acme, Inc., Europe"), "acme europe");
	cr_assert_str_eq(ck("Acme GmbH, Berlin"), "acme berlin");
	cr_assert_str_eq(ck("Acme Company, The"), "acme");
	cr_assert_str_eq(ck("Acme (Deutschland) GmbH"), "acme deutschland");
	cr_assert_str_eq(ck("Acme GmbH (Deutschland)"), "acme deutschland");
	cr_assert_str_eq(ck("Acme Inc. - EMEA"), "acme emea");
	cr_assert_str_eq(ck("Acme Inc \xe2\x80\x93 EMEA"), "acme emea");
	cr_assert_str_eq(ck("Petr\xc3\xb3leo Brasileiro S.A. - Petrobras"),
			 "petroleo brasileiro petrobras");
	cr_assert_str_eq(ck("Acme Inc.; Acme Ltd."), "acme acme");
	cr_assert_str_eq(ck("Acme-Inc"), "acme");
}

Test(company, words_that_stay)
{
	cr_assert_str_eq(ck("Acme Holdings"), "acme holdings");
	cr_assert_str_eq(ck("Acme Group"), "acme group");
	cr_assert_str_eq(ck("Acme International"), "acme international");
	/* a legal form in the middle is part of the name */
	cr_assert_str_eq(ck("Inc Magazine Group"), "inc magazine group");
	cr_assert_str_eq(ck("Co-operative Bank"), "co operative bank");
	cr_assert_str_eq(ck("Theater Company Ltd"), "theater");
	cr_assert_str_eq(ck("Theory Inc"), "theory");
}

Test(company, never_empty)
{
	cr_assert_str_eq(ck("Company"), "company");
	cr_assert_str_eq(ck("AG"), "ag");
	cr_assert_str_eq(ck("The Company"), "company");
	cr_assert_str_eq(ck("Inc. Ltd."), "inc");
	cr_assert_str_eq(ck("The"), "the");
	cr_assert_str_eq(ck("GmbH & Co. KG"), "gmbh");
	cr_assert_str_eq(ck(", Inc."), "inc");
}

Test(company, leading_the_only)
{
	cr_assert_str_eq(ck("The Home Depot, Inc."), "home depot");
	cr_assert_str_eq(ck("THE   HOME   DEPOT"), "home depot");
	cr_assert_str_eq(ck("Bring The Noise Ltd"), "bring the noise");
	cr_assert_str_eq(ck("Thermo Fisher"), "thermo fisher");
}

Test(company, punctuation)
{
	cr_assert_str_eq(ck("O'Reilly Media, Inc."), "oreilly media");
	cr_assert_str_eq(ck("O\xe2\x80\x99Reilly Media"), "oreilly media");
	cr_assert_str_eq(ck("McDonald's Corporation"), "mcdonalds");
	cr_assert_str_eq(ck("Johnson & Johnson"), "johnson and johnson");
	cr_assert_str_eq(ck("Johnson and Johnson"), "johnson and johnson");
	cr_assert_str_eq(ck("AT&T Inc."), "at and t");
	cr_assert_str_eq(ck("Hewlett-Packard"), "hewlett packard");
	cr_assert_str_eq(ck("J.P. Morgan Chase & Co."), "jp morgan chase");
	cr_assert_str_eq(ck("Amazon.com, Inc."), "amazon");
	cr_assert_str_eq(ck("Salesforce.com"), "salesforce");
	cr_assert_str_eq(ck("Yahoo!"), "yahoo");
	cr_assert_str_eq(ck("\"Acme\" Ltd"), "acme");
	cr_assert_str_eq(ck("3M Company"), "3m");
	cr_assert_str_eq(ck("7-Eleven, Inc."), "7 eleven");
	cr_assert_str_eq(ck("  Acme\t\tWidgets  "), "acme widgets");
}

Test(company, languages)
{
	cr_assert_str_eq(ck("Stra\xc3\x9f"
			    "enbau M\xc3\xbcller GmbH"),
			 "strassenbau muller");
	cr_assert_str_eq(ck("Nestl\xc3\xa9 S.A."), "nestle");
	cr_assert_str_eq(ck("Telef\xc3\xb3nica, S.A."), "telefonica");
	cr_assert_str_eq(ck("Ita\xc3\xba Unibanco S.A."), "itau unibanco");
	/* letters with a stroke have no decomposition: folded all the same */
	cr_assert_str_eq(ck("\xc3\x98rsted A/S"), "orsted");
	cr_assert_str_eq(ck("\xc5\x81\xc3\xb3"
			    "d\xc5\xba Sp. z o.o."),
			 "lodz");
	cr_assert_str_eq(ck("\xc5\x81\xc3\xb3"
			    "d\xc5\xba"),
			 ck("Lodz"));
	cr_assert_str_eq(ck("\xc3\x86rl\xc3\xb8 ApS"), "aerlo");
	cr_assert_str_eq(
		ck("\xd0\x93\xd0\xb0\xd0\xb7\xd0\xbf\xd1\x80\xd0\xbe\xd0\xbc"),
		"\xd0\xb3\xd0\xb0\xd0\xb7\xd0\xbf\xd1\x80\xd0\xbe\xd0\xbc");
	/* Japanese: letters of any script make words; full-width forms fold */
	cr_assert_str_eq(ck("\xe3\x83\x88\xe3\x83\xa8\xe3\x82\xbf K.K."),
			 "\xe3\x83\x88\xe3\x83\xa8\xe3\x82\xbf");
	cr_assert_str_eq(
		ck("\xef\xbc\xa1\xef\xbd\x83\xef\xbd\x8d\xef\xbd\x85 Inc"),
		"acme");
}

Test(company, empty_and_punctuation_only)
{
	cr_assert_str_eq(ck(""), "");
	cr_assert_str_eq(ck("   "), "");
	cr_assert_str_eq(ck("-"), "");
	cr_assert_str_eq(ck("&"), "and");
	cr_assert_str_eq(ck(",,,"), "");
}

/* A placeholder names no company: the empty key, as for an empty name
 * (value_is_placeholder, the test cov-validate and cov-match use). */
Test(company, placeholders_have_no_key)
{
	static const char *const ph[] = {
		"N/A",
		"n/a",
		"#N/A",
		"N.A.",
		"na",
		"none",
		"None",
		"NULL",
		"null",
		"nil",
		"-",
		"--",
		"?",
		"unknown",
		"Unknown",
		"--None--",
		"not applicable",
		"TBD",
		" n/a ",
		"#REF!",
	};

	for (size_t i = 0; i < sizeof ph / sizeof ph[0]; i++)
		cr_expect_str_eq(ck(ph[i]), "", "%s", ph[i]);
	/* a name that only holds such a word is a name */
	cr_expect_str_eq(ck("None Such Ltd"), "none such");
	cr_expect_str_eq(ck("Unknown Worlds Inc."), "unknown worlds");
	cr_expect_str_eq(ck("NA Holdings"), "na holdings");
	cr_expect_str_eq(ck("Nada"), "nada");
}

Test(company, invalid_utf8)
{
	cr_assert_eq(company_key("Acme\xff GmbH", 10, &out), -1);
	cr_assert_eq(out.len, 0);
	cr_assert_eq(company_key("\xe2\x82", 2, &out), -1);
}

Test(company, embedded_nul)
{
	const char s[] = "Acme\0GmbH";
	cr_assert_eq(company_key(s, sizeof s - 1, &out), 0);
	cr_assert_str_eq(buf_cstr(&out), "acme");
}

Test(company, ten_kilobytes)
{
	static char big[10240];
	size_t i;

	for (i = 0; i < sizeof big; i++)
		big[i] = "Ab. Co,&'(x)"[i % 12];
	cr_assert_eq(company_key(big, sizeof big, &out), 0);
	cr_assert_gt(out.len, 0);
	for (i = 0; i + 4 <= sizeof big; i += 4)
		memcpy(big + i, "AG, ", 4);
	cr_assert_eq(company_key(big, sizeof big, &out), 0);
	cr_assert_str_eq(buf_cstr(&out), "ag");
	for (i = 0; i + 4 <= sizeof big; i += 4)
		memcpy(big + i, "Co. ", 4);
	cr_assert_eq(company_key(big, sizeof big, &out), 0);
	cr_assert_str_eq(buf_cstr(&out), "co");
}

Test(company, every_byte_value)
{
	char s[16];
	int c;

	for (c = 0; c < 256; c++) {
		int r;
		memcpy(s, "Acme Inc", 8);
		s[4] = (char)c;
		r = company_key(s, 8, &out);
		cr_assert(r == 0 || c >= 0x80);
	}
}

Test(company_speed, per_call, .timeout = 30)
{
	/* clang-format off */
	static const char *const in[] = {
		"Acme Corporation", "The Home Depot, Inc.", "Globex GmbH & Co. KG",
		"Soci\xc3\xa9t\xc3\xa9 G\xc3\xa9n\xc3\xa9rale S.A.",
	};
	/* clang-format on */
	struct timespec a, b;
	long i, n = 1000000;
	double ns;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < n; i++) {
		const char *s = in[i & 3];
		company_key(s, strlen(s), &out);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	ns = ((double)(b.tv_sec - a.tv_sec) * 1e9 +
	      (double)(b.tv_nsec - a.tv_nsec)) /
	     (double)n;
	printf("company_key: %.0f ns/call (3 ASCII, 1 accented)\n", ns);
	cr_assert_lt(ns, 20000.0);
}
