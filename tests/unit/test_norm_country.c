/*
 * Tests for norm_country: codes, names, aliases, translations, the forms
 * that ignore punctuation and "the", hostile input, and the region table
 * checked against every code of data/countries.tsv.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "norm_country.h"

static const char *cc(const char *s)
{
	static char out[3];
	if (!country_code(s, strlen(s), out))
		return "";
	return out;
}

Test(country, alpha2_any_case)
{
	cr_assert_str_eq(cc("DE"), "DE");
	cr_assert_str_eq(cc("de"), "DE");
	cr_assert_str_eq(cc("De"), "DE");
	cr_assert_str_eq(cc(" us "), "US");
	cr_assert_str_eq(cc("GB"), "GB");
}

Test(country, alpha3_any_case)
{
	cr_assert_str_eq(cc("DEU"), "DE");
	cr_assert_str_eq(cc("deu"), "DE");
	cr_assert_str_eq(cc("USA"), "US");
	cr_assert_str_eq(cc("GBR"), "GB");
	cr_assert_str_eq(cc("CHE"), "CH");
}

Test(country, english_official_common)
{
	cr_assert_str_eq(cc("Germany"), "DE");
	cr_assert_str_eq(cc("Federal Republic of Germany"), "DE");
	cr_assert_str_eq(cc("United Kingdom"), "GB");
	cr_assert_str_eq(cc("United States"), "US");
	cr_assert_str_eq(cc("Taiwan, Province of China"), "TW");
	cr_assert_str_eq(cc("Bolivia, Plurinational State of"), "BO");
	cr_assert_str_eq(cc("Russian Federation"), "RU");
	cr_assert_str_eq(cc("Viet Nam"), "VN");
}

Test(country, aliases)
{
	/* clang-format off */
	static const char *const in[][2] = {
		{"USA", "US"}, {"U.S.", "US"}, {"U.S.A.", "US"},
		{"United States of America", "US"}, {"America", "US"},
		{"UK", "GB"}, {"U.K.", "GB"}, {"Great Britain", "GB"},
		{"Britain", "GB"}, {"England", "GB"}, {"Scotland", "GB"},
		{"Wales", "GB"}, {"Northern Ireland", "GB"},
		{"Holland", "NL"}, {"The Netherlands", "NL"},
		{"Deutschland", "DE"}, {"Russia", "RU"},
		{"South Korea", "KR"}, {"Korea", "KR"}, {"North Korea", "KP"},
		{"Czechia", "CZ"}, {"Czech Republic", "CZ"},
		{"Türkiye", "TR"}, {"Turkiye", "TR"}, {"Turkey", "TR"},
		{"UAE", "AE"}, {"Vietnam", "VN"}, {"Viet Nam", "VN"},
		{"Iran", "IR"}, {"Syria", "SY"}, {"Taiwan", "TW"},
		{"Bolivia", "BO"}, {"Venezuela", "VE"}, {"Tanzania", "TZ"},
		{"Ivory Coast", "CI"}, {"Côte d'Ivoire", "CI"},
		{"Macedonia", "MK"}, {"North Macedonia", "MK"},
		{"Swaziland", "SZ"}, {"Eswatini", "SZ"}, {"Burma", "MM"},
		{"Laos", "LA"}, {"Moldova", "MD"}, {"Palestine", "PS"},
		{"Vatican", "VA"}, {"Hong Kong", "HK"}, {"Macau", "MO"},
		{"Macao", "MO"}, {"DR Congo", "CD"}, {"Congo", "CG"},
		{"Cape Verde", "CV"}, {"East Timor", "TL"}, {"Brunei", "BN"},
	};
	/* clang-format on */
	for (size_t i = 0; i < sizeof in / sizeof in[0]; i++)
		cr_expect_str_eq(cc(in[i][0]), in[i][1], "%s", in[i][0]);
}

Test(country, translations)
{
	cr_assert_str_eq(cc("Deutschland"), "DE");
	cr_assert_str_eq(cc("Allemagne"), "DE");
	cr_assert_str_eq(cc("Alemania"), "DE");
	cr_assert_str_eq(cc("Alemanha"), "DE");
	cr_assert_str_eq(cc("Germania"), "DE");
	cr_assert_str_eq(cc("Duitsland"), "DE");
	cr_assert_str_eq(cc("Royaume-Uni"), "GB");
	cr_assert_str_eq(cc("Estados Unidos"), "US");
	cr_assert_str_eq(cc("États-Unis"), "US");
	cr_assert_str_eq(cc("Vereinigte Staaten"), "US");
	cr_assert_str_eq(cc("Schweiz"), "CH");
	cr_assert_str_eq(cc("Österreich"), "AT");
	cr_assert_str_eq(cc("OSTERREICH"), "AT");
	cr_assert_str_eq(cc("España"), "ES");
	cr_assert_str_eq(cc("Espagne"), "ES");
	cr_assert_str_eq(cc("Brasil"), "BR");
	cr_assert_str_eq(cc("Países Baixos"), "NL");
}

Test(country, punctuation_case_and_the)
{
	cr_assert_str_eq(cc("the Netherlands"), "NL");
	cr_assert_str_eq(cc("Netherlands, The"), "NL");
	cr_assert_str_eq(cc("THE NETHERLANDS"), "NL");
	cr_assert_str_eq(cc("Korea, Republic of"), "KR");
	cr_assert_str_eq(cc("Republic of Korea"), "KR");
	cr_assert_str_eq(cc("Korea (Republic of)"), "KR");
	cr_assert_str_eq(cc("Iran (Islamic Republic of)"), "IR");
	cr_assert_str_eq(cc("Islamic Republic of Iran"), "IR");
	cr_assert_str_eq(cc("Democratic Republic of the Congo"), "CD");
	cr_assert_str_eq(cc("Guinea Bissau"), "GW");
	cr_assert_str_eq(cc("Guinea-Bissau"), "GW");
	cr_assert_str_eq(cc("Trinidad & Tobago"), "TT");
	cr_assert_str_eq(cc("St. Lucia"), "LC");
	cr_assert_str_eq(cc("St Kitts & Nevis"), "KN");
	cr_assert_str_eq(cc("Côte d’Ivoire"),
			 "CI"); /* typographic apostrophe */
	cr_assert_str_eq(cc("  united\u00a0states  "), "US");
	cr_assert_str_eq(cc("Falkland Islands"), "FK");
	cr_assert_str_eq(cc("Czech Rep."), "CZ");
}

Test(country, ambiguous_and_unknown)
{
	/* "Virgin Islands" is British or US: no guess. */
	cr_assert_str_eq(cc("Virgin Islands"), "");
	cr_assert_str_eq(cc("British Virgin Islands"), "VG");
	cr_assert_str_eq(cc("Virgin Islands, U.S."), "VI");
	cr_assert_str_eq(cc("Atlantis"), "");
	cr_assert_str_eq(cc("XX"), "");
	cr_assert_str_eq(cc("ZZZ"), "");
	cr_assert_str_eq(cc(""), "");
	cr_assert_str_eq(cc("   "), "");
	cr_assert_str_eq(cc("..."), "");
	cr_assert_str_eq(cc("the"), "");
	cr_assert_str_eq(cc("Germanyy"), "");
	cr_assert_str_eq(cc("1234"), "");
}

/* Placeholders name no country, but an exact code is one: NA is
 * Namibia, whatever its case and the spaces around it. */
Test(country, placeholders_are_no_country)
{
	static const char *const ph[] = {
		"N/A",   "n/a",     "#N/A", "N.A.",     "n.a.", "N A",
		"(n/a)", "none",    "None", "null",     "NULL", "-",
		"--",    "unknown", "?",    "--None--", "tbd",  "not available",
	};
	char out[3];

	for (size_t i = 0; i < sizeof ph / sizeof ph[0]; i++) {
		cr_expect_eq(country_code(ph[i], strlen(ph[i]), out), 0, "%s",
			     ph[i]);
		cr_expect_str_eq(out, "", "%s", ph[i]);
	}
	cr_expect_str_eq(cc("NA"), "NA");
	cr_expect_str_eq(cc("na"), "NA");
	cr_expect_str_eq(cc(" NA "), "NA");
	cr_expect_str_eq(cc("\tNa"), "NA");
	cr_expect_str_eq(cc("NAM"), "NA");
	cr_expect_str_eq(cc("Namibia"), "NA");
	cr_expect_str_eq(cc("NIL"), "");
}

/* Names with letters that have no decomposition (ø, ł, æ) are found by
 * their own spelling and by the one with base letters. */
Test(country, letters_without_decomposition)
{
	cr_expect_str_eq(cc("\xc3\x98strig"), "AT");
	cr_expect_str_eq(cc("Ostrig"), "AT");
	cr_expect_str_eq(cc("\xc5\x81otwa"), "LV");
	cr_expect_str_eq(cc("Lotwa"), "LV");
	cr_expect_str_eq(cc("F\xc3\xa6r\xc3\xb8"
			    "erne"),
			 "FO");
	cr_expect_str_eq(cc("Faeroerne"), "FO");
}

Test(country, hostile_input)
{
	char out[3] = "??";
	static char big[1 << 20];

	cr_assert_eq(country_code("Ger\0many", 8, out), 0);
	cr_assert_eq(country_code("DE\0", 3, out), 0);
	cr_assert_str_eq(out, "");
	cr_assert_eq(country_code("\xff\xfe", 2, out), 0);
	cr_assert_eq(country_code("Deutschl\xc3", 9, out), 0);
	cr_assert_eq(country_code("\xc3\x28", 2, out), 0);
	memset(big, 'a', sizeof big);
	cr_assert_eq(country_code(big, sizeof big, out), 0);
	/* Not NUL-terminated: only n bytes are read. */
	cr_assert_eq(country_code("FRANCE", 2, out), 1);
	cr_assert_str_eq(out, "FR");
}

/* Random bytes and random mixes of name fragments: never a crash, and any
 * answer is a well-formed code that has a region. */
Test(country, random_input)
{
	static const char *const frag[] = {"Korea", ",", " ",        "the",
					   "(",     ")", "Republic", "of",
					   "U.",    "S", "\xc3\xa9", "\xff",
					   "-",     "&", "St",       "Congo"};
	unsigned long x = 12345;
	char s[64], out[3];

	for (int i = 0; i < 200000; i++) {
		size_t n = 0;
		int parts = (int)((x >> 7) % 8);
		x = x * 6364136223846793005UL + 1442695040888963407UL;
		if (i % 2) {
			n = (size_t)((x >> 33) % sizeof s);
			for (size_t k = 0; k < n; k++) {
				x = x * 6364136223846793005UL + 1;
				s[k] = (char)(x >> 56);
			}
		} else {
			for (int k = 0; k < parts; k++) {
				const char *f;
				x = x * 6364136223846793005UL + 1;
				f = frag[(x >> 40) %
					 (sizeof frag / sizeof frag[0])];
				if (n + strlen(f) > sizeof s)
					break;
				memcpy(s + n, f, strlen(f));
				n += strlen(f);
			}
		}
		if (country_code(s, n, out)) {
			cr_assert(out[0] >= 'A' && out[0] <= 'Z' &&
				  out[1] >= 'A' && out[1] <= 'Z' &&
				  out[2] == '\0');
			cr_assert_str_neq(country_region(out), "");
		}
	}
}

Test(country, is_code)
{
	cr_assert_eq(country_is_code("DE", 2), 1);
	cr_assert_eq(country_is_code("de", 2), 1);
	cr_assert_eq(country_is_code("DEU", 3), 1);
	cr_assert_eq(country_is_code("usa", 3), 1);
	cr_assert_eq(country_is_code("UK", 2), 0); /* alias, not a code */
	cr_assert_eq(country_is_code("UAE", 3), 0);
	cr_assert_eq(country_is_code("XX", 2), 0);
	cr_assert_eq(country_is_code("D", 1), 0);
	cr_assert_eq(country_is_code("D.E", 3), 0);
	cr_assert_eq(country_is_code("Germany", 7), 0);
	cr_assert_eq(country_is_code("D\0", 2), 0);
}

Test(country, region_examples)
{
	cr_assert_str_eq(country_region("US"), "NA");
	cr_assert_str_eq(country_region("ca"), "NA");
	cr_assert_str_eq(country_region("GL"), "NA");
	cr_assert_str_eq(country_region("BM"), "NA");
	cr_assert_str_eq(country_region("PM"), "NA");
	cr_assert_str_eq(country_region("MX"), "LATAM");
	cr_assert_str_eq(country_region("BR"), "LATAM");
	cr_assert_str_eq(country_region("PR"), "LATAM");
	cr_assert_str_eq(country_region("JM"), "LATAM");
	cr_assert_str_eq(country_region("DE"), "EMEA");
	cr_assert_str_eq(country_region("AE"), "EMEA");
	cr_assert_str_eq(country_region("ZA"), "EMEA");
	cr_assert_str_eq(country_region("RU"), "EMEA");
	cr_assert_str_eq(country_region("TR"), "EMEA");
	cr_assert_str_eq(country_region("JP"), "APAC");
	cr_assert_str_eq(country_region("IN"), "APAC");
	cr_assert_str_eq(country_region("AU"), "APAC");
	cr_assert_str_eq(country_region("GU"), "APAC");
	cr_assert_str_eq(country_region("XX"), "");
	cr_assert_str_eq(country_region("UK"), "");
	cr_assert_str_eq(country_region("1A"), "");
	cr_assert_str_eq(country_region("\xc3\x84"), "");
}

/* Every code of countries.tsv: resolves to itself, has exactly one region;
 * and no code outside countries.tsv has a region. */
Test(country, every_code_has_a_region)
{
	FILE *f = fopen("data/countries.tsv", "r");
	char line[1024], seen[26 * 26] = {0};
	int codes = 0, per_region[4] = {0};
	static const char *const names[] = {"NA", "EMEA", "APAC", "LATAM"};

	cr_assert_not_null(f,
			   "run from the top of the tree: data/countries.tsv");
	while (fgets(line, sizeof line, f)) {
		char out[3];
		int k;
		if (line[0] == '#' || line[2] != '\t')
			continue;
		k = (line[0] - 'A') * 26 + (line[1] - 'A');
		cr_assert(k >= 0 && k < 26 * 26, "bad code in %s", line);
		if (seen[k])
			continue;
		seen[k] = 1;
		codes++;
		cr_expect_eq(country_code(line, 2, out), 1, "%.2s", line);
		cr_expect_eq(memcmp(out, line, 2), 0, "%.2s", line);
		cr_expect_eq(country_is_code(line, 2), 1, "%.2s", line);
		const char *r = country_region(line);
		int found = 0;
		for (int i = 0; i < 4; i++)
			if (strcmp(r, names[i]) == 0) {
				per_region[i]++;
				found = 1;
			}
		cr_expect(found, "no region for %.2s", line);
	}
	fclose(f);
	cr_assert_eq(codes, 249);
	cr_assert_eq(per_region[0] + per_region[1] + per_region[2] +
			     per_region[3],
		     codes);
	for (int k = 0; k < 26 * 26; k++) {
		char c[2] = {(char)('A' + k / 26), (char)('A' + k % 26)};
		if (!seen[k])
			cr_expect_str_eq(country_region(c), "", "%.2s", c);
	}
	printf("regions: NA %d, EMEA %d, APAC %d, LATAM %d\n", per_region[0],
	       per_region[1], per_region[2], per_region[3]);
}

/* ---- the shared reference list (not part of the tree) -------------------- */

/* Split one CSV record (RFC 4180 quotes, no embedded newlines needed here)
 * into at most max fields, in place. */
static int csv_split(char *line, char **field, int max)
{
	int n = 0;
	char *p = line, *w;

	while (n < max) {
		field[n++] = w = p;
		if (*p == '"') {
			p++;
			for (;;) {
				if (*p == '"' && p[1] == '"') {
					*w++ = '"';
					p += 2;
				} else if (*p == '"' || !*p) {
					if (*p)
						p++;
					break;
				} else {
					*w++ = *p++;
				}
			}
		}
		while (*p && *p != ',' && *p != '\n' && *p != '\r')
			*w++ = *p++;
		if (*p != ',') {
			*w = '\0';
			break;
		}
		*w = '\0';
		p++;
	}
	return n;
}

Test(country, shared_country_codes_csv)
{
	const char *dir = getenv("COV_SHARED");
	char path[4096], line[16384], *field[128];
	int col_code = -1, cols[3] = {-1, -1, -1}, total = 0, ok = 0;
	static const char *const want[3] = {"official_name_en",
					    "CLDR display name",
					    "UNTERM English Short"};
	FILE *f;

	snprintf(path, sizeof path, "%s/data/country-codes.csv",
		 dir && *dir ? dir : "../shared");
	if (!(f = fopen(path, "r"))) {
		printf("skipped: %s not found\n", path);
		return;
	}
	cr_assert_not_null(fgets(line, sizeof line, f));
	int nf = csv_split(line, field, 128);
	for (int i = 0; i < nf; i++) {
		if (strcmp(field[i], "ISO3166-1-Alpha-2") == 0)
			col_code = i;
		for (int j = 0; j < 3; j++)
			if (strcmp(field[i], want[j]) == 0)
				cols[j] = i;
	}
	cr_assert(col_code >= 0 && cols[0] >= 0 && cols[1] >= 0 &&
		  cols[2] >= 0);
	while (fgets(line, sizeof line, f)) {
		char out[3];
		nf = csv_split(line, field, 128);
		if (col_code >= nf || strlen(field[col_code]) != 2)
			continue;
		for (int j = 0; j < 3; j++) {
			if (cols[j] >= nf || !*field[cols[j]])
				continue;
			total++;
			if (country_code(field[cols[j]], strlen(field[cols[j]]),
					 out) &&
			    memcmp(out, field[col_code], 2) == 0)
				ok++;
			else
				printf("country-codes.csv: %s -> %s, want %s\n",
				       field[cols[j]], out, field[col_code]);
		}
	}
	fclose(f);
	printf("country-codes.csv: %d of %d English names resolved (%.1f%%)\n",
	       ok, total, total ? 100.0 * ok / total : 0.0);
	cr_assert(total > 0);
	cr_assert_geq(ok * 100, total * 95);
}
