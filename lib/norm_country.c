/*
 * norm_country: see norm_country.h.
 *
 * Keys.  A name is matched by its key: text_fold() (case folded, accents
 * stripped, compatibility forms), then split into words at anything that is
 * not a letter or digit, the word "the" dropped, "&" read as "and", the
 * abbreviations st/ste/rep/dem spelt out (saint, sainte, republic,
 * democratic), and the words joined with no separator: "U.S.A." -> "usa",
 * "the Netherlands" -> "netherlands", "Guinea Bissau" and "Guinea-Bissau" ->
 * "guineabissau".  A name "X, Y" also gets the key of "Y X" ("Korea,
 * Republic of" -> "republicofkorea"), a name "X (Y) Z" the keys of "Y X Z"
 * and "X Z", and, at the lowest priority, "X, Y" the key of "X" alone
 * ("Iran, Islamic Republic of" -> "iran").  A lookup tries the key of the
 * input, then its comma and parenthesis forms.
 *
 * Table.  Keys live end to end in one byte buffer; entries (16 bytes: XXH3
 * hash, key offset and length, priority, code) in a dense array; an open
 * addressing index of 32-bit entry numbers, linear probing from hash & mask,
 * doubles (and is rebuilt) whenever it would become more than half full, so
 * a probe sequence stays short.  It is built once, on the first call, from
 * the embedded countries.tsv and the alias table below (about 3,000 keys,
 * about 150 KB in all) and is read-only afterwards; nothing is allocated per
 * lookup.
 *
 * Priorities settle clashes: aliases (0), codes (1), English names (2),
 * translations (3), derived forms (4), "X" of "X, Y" (5).  A key claimed by
 * two countries keeps the higher priority; at equal priority it becomes
 * ambiguous and matches nothing (the bare "virginislands" from "Virgin
 * Islands, British" and "Virgin Islands, U.S." is such a key).
 *
 * Regions are a project table: every ISO 3166-1 code belongs to exactly one
 * of NA, EMEA, APAC, LATAM (see region_codes below for the borderline
 * choices).
 */
#include "norm_country.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#include <xxhash.h>

#include "buf.h"
#include "err.h"
#include "norm_text.h"
#include "norm_value.h"

#include "countries.h"

enum {
	PRIO_ALIAS = 0,
	PRIO_CODE = 1,
	PRIO_NAME = 2,
	PRIO_TRANSLATION = 3,
	PRIO_DERIVED = 4,
	PRIO_HEAD = 5,
	ENTRY_IS_CODE = 0x80, /* in prio_flags: the key is an ISO code */
	KEY_MAX = 255,
	INPUT_MAX = 160 /* longer input names no country */
};

struct centry {
	uint64_t hash;
	uint32_t off;
	uint8_t len;
	uint8_t prio_flags;
	char code[2]; /* "\0\0": ambiguous */
};

static struct {
	int loaded;
	struct buf keys;
	struct centry *ent;
	size_t nent, cap_ent;
	uint32_t *index; /* entry number + 1; 0 is an empty slot */
	size_t mask;
} tab;

static struct buf fold_buf, key_buf;

/*
 * Aliases: names in use that iso-codes does not carry (or carries only in a
 * form people rarely type).  Matched through the same key as every name.
 */
/* clang-format off */
static const struct {
	const char *name;
	const char code[3];
} aliases[] = {
	{"USA", "US"}, {"U.S.", "US"}, {"U.S.A.", "US"},
	{"United States", "US"}, {"United States of America", "US"},
	{"America", "US"}, {"US of A", "US"},
	{"GER", "DE"}, {"Bharat", "IN"}, {"Aotearoa", "NZ"},
	{"Nippon", "JP"}, {"Nihon", "JP"}, {"Hellas", "GR"},
	{"UK", "GB"}, {"U.K.", "GB"}, {"United Kingdom", "GB"},
	{"Great Britain", "GB"}, {"Britain", "GB"}, {"England", "GB"},
	{"Scotland", "GB"}, {"Wales", "GB"}, {"Northern Ireland", "GB"},
	{"Great Britain and Northern Ireland", "GB"},
	{"Großbritannien", "GB"}, {"Grande-Bretagne", "GB"},
	{"Angleterre", "GB"}, {"Inglaterra", "GB"}, {"Gran Bretaña", "GB"},
	{"Grã-Bretanha", "GB"}, {"England, UK", "GB"},
	{"Holland", "NL"}, {"Netherlands", "NL"}, {"Países Bajos", "NL"},
	{"Deutschland", "DE"}, {"BRD", "DE"},
	{"Russia", "RU"}, {"Rossiya", "RU"},
	{"South Korea", "KR"}, {"Korea", "KR"}, {"Republic of Korea", "KR"},
	{"Korea, South", "KR"}, {"S. Korea", "KR"},
	{"North Korea", "KP"}, {"DPRK", "KP"}, {"Korea, North", "KP"},
	{"Democratic People's Republic of Korea", "KP"},
	{"Czechia", "CZ"}, {"Czech Republic", "CZ"},
	{"Türkiye", "TR"}, {"Turkey", "TR"},
	{"UAE", "AE"}, {"Emirates", "AE"}, {"United Arab Emirates", "AE"},
	{"Vietnam", "VN"}, {"Viet Nam", "VN"},
	{"Iran", "IR"}, {"Persia", "IR"},
	{"Syria", "SY"},
	{"Taiwan", "TW"}, {"Republic of China", "TW"},
	{"Chinese Taipei", "TW"},
	{"China", "CN"}, {"PRC", "CN"}, {"People's Republic of China", "CN"},
	{"Mainland China", "CN"},
	{"Bolivia", "BO"}, {"Venezuela", "VE"}, {"Tanzania", "TZ"},
	{"Ivory Coast", "CI"}, {"Cote d'Ivoire", "CI"},
	{"Macedonia", "MK"}, {"North Macedonia", "MK"}, {"FYROM", "MK"},
	{"Former Yugoslav Republic of Macedonia", "MK"},
	{"Swaziland", "SZ"}, {"Eswatini", "SZ"},
	{"Burma", "MM"}, {"Myanmar", "MM"},
	{"Laos", "LA"}, {"Lao PDR", "LA"},
	{"Moldova", "MD"},
	{"Palestine", "PS"}, {"Palestinian Territories", "PS"},
	{"Palestinian Territory", "PS"},
	{"Occupied Palestinian Territory", "PS"},
	{"Vatican", "VA"}, {"Vatican City", "VA"}, {"Holy See", "VA"},
	{"Hong Kong", "HK"}, {"Hong Kong SAR", "HK"}, {"Hongkong", "HK"},
	{"Hong Kong SAR China", "HK"},
	{"Macau", "MO"}, {"Macao", "MO"}, {"Macau SAR", "MO"},
	{"Macao SAR China", "MO"},
	{"DR Congo", "CD"}, {"DRC", "CD"}, {"Congo-Kinshasa", "CD"},
	{"Democratic Republic of Congo", "CD"}, {"Zaire", "CD"},
	{"Republic of the Congo", "CG"}, {"Congo-Brazzaville", "CG"},
	{"Congo Republic", "CG"},
	{"Cape Verde", "CV"}, {"Cabo Verde", "CV"},
	{"East Timor", "TL"}, {"Timor-Leste", "TL"},
	{"Micronesia", "FM"},
	{"Saint Kitts", "KN"}, {"Saint Kitts and Nevis", "KN"},
	{"Saint Vincent", "VC"},
	{"Saint Helena", "SH"}, {"Saint Martin", "MF"},
	{"Brunei", "BN"},
	{"British Virgin Islands", "VG"}, {"BVI", "VG"},
	{"US Virgin Islands", "VI"}, {"USVI", "VI"},
	{"Libya", "LY"},
	{"Bosnia", "BA"}, {"Bosnia-Herzegovina", "BA"},
	{"Trinidad", "TT"},
	{"Sint Maarten", "SX"},
	{"Falklands", "FK"},
	{"KSA", "SA"}, {"Saudi", "SA"},
	{"Eire", "IE"}, {"Republic of Ireland", "IE"},
	{"Slovak Republic", "SK"},
	{"Kirghizia", "KG"},
	{"Reunion", "RE"},
	{"Curacao", "CW"},
	{"Aland", "AX"},
	{"Svalbard", "SJ"},
	{"Pitcairn Islands", "PN"},
	{"Heard Island", "HM"},
	{"Saint Barthelemy", "BL"}, {"St Barts", "BL"},
	{"Wallis and Futuna Islands", "WF"},
	{"Bahamas", "BS"}, {"Gambia", "GM"},
	{"Vatican City State", "VA"},
	{"Swiss Confederation", "CH"},
	{"Kingdom of the Netherlands", "NL"},
};
/* clang-format on */

/*
 * Regions.  NA is the United States and Canada with the nearby territories
 * that are run from them or trade with them: Greenland, Bermuda and Saint
 * Pierre and Miquelon.  LATAM is Mexico, Central and South America and the
 * Caribbean, US and European Caribbean territories included (Puerto Rico,
 * US Virgin Islands, Guadeloupe, Curaçao…), and the South Atlantic islands
 * (Falklands, South Georgia).  EMEA is Europe, the Middle East (Turkey,
 * Cyprus, Iran and the Gulf included), Africa, the Caucasus, Central Asia
 * and Russia, with the European islands in the Atlantic and Indian oceans
 * (Bouvet, St Helena, Réunion, Mayotte, the French Southern Territories).
 * APAC is the rest of Asia (South Asia and Afghanistan included) and
 * Oceania, US Pacific territories included (Guam, American Samoa, Northern
 * Mariana Islands, US Minor Outlying Islands), the British Indian Ocean
 * Territory and Antarctica.
 */
/* clang-format off */
static const char *const region_codes[4][2] = {
	{"NA", "US CA GL BM PM"},
	{"LATAM",
	 "MX GT BZ SV HN NI CR PA CO VE GY SR GF EC PE BO BR PY UY AR CL FK GS "
	 "CU JM HT DO PR BS TC KY VG VI AI MS KN AG DM LC VC BB GD TT AW CW SX "
	 "BQ MF BL GP MQ"},
	{"EMEA",
	 "AD AL AT AX BA BE BG BY CH CY CZ DE DK EE ES FI FO FR GB GG GI GR HR "
	 "HU IE IM IS IT JE LI LT LU LV MC MD ME MK MT NL NO PL PT RO RS RU SE "
	 "SI SJ SK SM UA VA BV "
	 "AE BH IL IQ IR JO KW LB OM PS QA SA SY TR YE "
	 "AM AZ GE KZ KG TJ TM UZ "
	 "DZ AO BJ BW BF BI CV CM CF TD KM CG CD CI DJ EG GQ ER SZ ET GA GM GH "
	 "GN GW KE LS LR LY MG MW ML MR MU YT MA MZ NA NE NG RE RW SH ST SN SC "
	 "SL SO ZA SS SD TZ TG TN UG EH ZM ZW TF"},
	{"APAC",
	 "CN HK MO TW JP KR KP MN VN LA KH TH MM MY SG BN ID PH TL "
	 "IN PK BD LK NP BT MV AF "
	 "AU NZ PG FJ SB VU NC PF WS TO TV KI NR MH FM PW GU MP AS CK NU TK WF "
	 "PN NF CX CC HM UM IO AQ"},
};
/* clang-format on */

static signed char region_of[26 * 26]; /* index into region_codes, or -1 */
static int regions_built;

static void regions_build(void)
{
	memset(region_of, -1, sizeof region_of);
	for (int r = 0; r < 4; r++)
		for (const char *p = region_codes[r][1]; *p; p++)
			if (p[0] != ' ' && p[1] && p[1] != ' ') {
				region_of[(p[0] - 'A') * 26 + (p[1] - 'A')] =
					(signed char)r;
				p++;
			}
	regions_built = 1;
}

const char *country_region(const char code[2])
{
	int a, b, r;

	if (!regions_built)
		regions_build();
	a = (unsigned char)code[0] & ~0x20;
	if (a < 'A' || a > 'Z')
		return "";
	b = (unsigned char)code[1] & ~0x20;
	if (b < 'A' || b > 'Z')
		return "";
	r = region_of[(a - 'A') * 26 + (b - 'A')];
	return r < 0 ? "" : region_codes[r][0];
}

/* ---- keys ---------------------------------------------------------------- */

/* Close the word that starts at out->p[start]: drop "the", spell out the
 * abbreviations unless the word stands alone (the code "ST" is São Tomé).
 * more: whether anything follows the word. */
static void key_word_end(struct buf *out, size_t start, int more)
{
	static const struct {
		const char *abbr, *full;
	} spell[] = {{"st", "saint"},
		     {"ste", "sainte"},
		     {"rep", "republic"},
		     {"dem", "democratic"}};
	size_t wl = out->len - start;
	const char *w = out->p + start;

	if (wl == 3 && memcmp(w, "the", 3) == 0) {
		out->len = start;
		return;
	}
	if (start == 0 && !more)
		return;
	for (size_t i = 0; i < sizeof spell / sizeof spell[0]; i++)
		if (strlen(spell[i].abbr) == wl &&
		    memcmp(w, spell[i].abbr, wl) == 0) {
			out->len = start;
			buf_adds(out, spell[i].full);
			return;
		}
}

/* 1 when a letter or digit (or any non-ASCII byte) is in u[0..n). */
static int key_more(const unsigned char *u, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((u[i] >= 'a' && u[i] <= 'z') ||
		    (u[i] >= '0' && u[i] <= '9') || u[i] >= 0x80)
			return 1;
	return 0;
}

/* Append the key of the folded text f[0..n) to out. */
static void key_append(struct buf *out, const char *f, size_t n)
{
	const unsigned char *u = (const unsigned char *)f;
	size_t i = 0, start = out->len;
	int in_word = 0;

	while (i < n) {
		int is_word;
		size_t len = 1;

		if (u[i] < 0x80) {
			is_word = (u[i] >= 'a' && u[i] <= 'z') ||
				  (u[i] >= '0' && u[i] <= '9');
			if (u[i] == '&') {
				if (in_word)
					key_word_end(out, start, 1);
				buf_adds(out, "and");
				in_word = 0;
				i++;
				continue;
			}
		} else {
			utf8proc_int32_t cp;
			utf8proc_ssize_t r = utf8proc_iterate(
				u + i, (utf8proc_ssize_t)(n - i), &cp);
			if (r <= 0) {
				cp = -1;
				r = 1;
			}
			len = (size_t)r;
			if (cp < 0) {
				is_word = 0;
			} else {
				utf8proc_category_t c = utf8proc_category(cp);
				is_word = c >= UTF8PROC_CATEGORY_LU &&
					  c <= UTF8PROC_CATEGORY_NO;
			}
		}
		if (is_word) {
			if (!in_word) {
				start = out->len;
				in_word = 1;
			}
			buf_add(out, f + i, len);
		} else if (in_word) {
			key_word_end(out, start,
				     start != 0 || key_more(u + i, n - i));
			in_word = 0;
		}
		i += len;
	}
	if (in_word)
		key_word_end(out, start, 0);
}

/* The forms of the folded text f: 0 whole, 1 "Y X" of "X, Y", 2 "Y X Z" of
 * "X (Y) Z", 3 "X Z" of "X (Y) Z", 4 "X" of "X, Y".  Returns 0 when f has
 * no such form. */
static int key_form(struct buf *out, const char *f, size_t n, int form)
{
	const char *comma = memchr(f, ',', n);
	const char *lp = memchr(f, '(', n);
	const char *rp = lp ? memchr(lp, ')', n - (size_t)(lp - f)) : NULL;

	buf_reset(out);
	switch (form) {
	case 0: key_append(out, f, n); break;
	case 1:
	case 4:
		if (!comma ||
		    memchr(comma + 1, ',', n - (size_t)(comma + 1 - f)))
			return 0;
		if (form == 1)
			key_append(out, comma + 1, n - (size_t)(comma + 1 - f));
		key_append(out, f, (size_t)(comma - f));
		break;
	case 2:
	case 3:
		if (!rp)
			return 0;
		if (form == 2)
			key_append(out, lp + 1, (size_t)(rp - lp - 1));
		key_append(out, f, (size_t)(lp - f));
		key_append(out, rp + 1, n - (size_t)(rp + 1 - f));
		break;
	default: return 0;
	}
	return out->len > 0 && out->len <= KEY_MAX;
}

/* ---- table --------------------------------------------------------------- */

static struct centry *table_find(const char *k, size_t n, uint64_t h)
{
	for (size_t i = h & tab.mask;; i = (i + 1) & tab.mask) {
		uint32_t e = tab.index[i];
		struct centry *c;

		if (!e)
			return NULL;
		c = &tab.ent[e - 1];
		if (c->hash == h && c->len == n &&
		    memcmp(tab.keys.p + c->off, k, n) == 0)
			return c;
	}
}

static void table_index_put(uint32_t e)
{
	size_t i = tab.ent[e - 1].hash & tab.mask;

	while (tab.index[i])
		i = (i + 1) & tab.mask;
	tab.index[i] = e;
}

static void table_insert(const char *k, size_t n, const char code[2], int prio,
			 int is_code)
{
	uint64_t h = XXH3_64bits(k, n);
	struct centry *c = table_find(k, n, h);

	if (c) {
		int old = c->prio_flags & 0x7f;
		if (is_code)
			c->prio_flags |= ENTRY_IS_CODE;
		if (c->code[0] == code[0] && c->code[1] == code[1]) {
			if (prio < old)
				c->prio_flags =
					(uint8_t)((c->prio_flags & 0x80) |
						  prio);
		} else if (prio < old) {
			memcpy(c->code, code, 2);
			c->prio_flags =
				(uint8_t)((c->prio_flags & 0x80) | prio);
		} else if (prio == old) {
			c->code[0] = c->code[1] = '\0';
		}
		return;
	}
	if ((tab.nent + 1) * 2 > tab.mask + 1) {
		size_t cap = (tab.mask + 1) * 2;
		free(tab.index);
		tab.index = xcalloc(cap, sizeof *tab.index);
		tab.mask = cap - 1;
		for (uint32_t e = 1; e <= tab.nent; e++)
			table_index_put(e);
	}
	if (tab.nent == tab.cap_ent) {
		tab.cap_ent = tab.cap_ent ? tab.cap_ent * 2 : 1024;
		tab.ent = xrealloc(tab.ent, tab.cap_ent * sizeof *tab.ent);
	}
	c = &tab.ent[tab.nent++];
	c->hash = h;
	c->off = (uint32_t)tab.keys.len;
	c->len = (uint8_t)n;
	c->prio_flags = (uint8_t)(prio | (is_code ? ENTRY_IS_CODE : 0));
	memcpy(c->code, code, 2);
	buf_add(&tab.keys, k, n);
	table_index_put((uint32_t)tab.nent);
}

/* Insert name s[0..n) with its derived forms. */
static void table_add_name(const char *s, size_t n, const char code[2],
			   int prio, int is_code)
{
	if (text_fold(&fold_buf, s, n) < 0)
		return;
	for (int form = 0; form <= 4; form++) {
		int p = form == 0 ? prio : form == 4 ? PRIO_HEAD : PRIO_DERIVED;
		if (key_form(&key_buf, fold_buf.p, fold_buf.len, form))
			table_insert(key_buf.p, key_buf.len, code, p, is_code);
	}
}

static int code_ok(const char *c)
{
	return c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z';
}

static void table_load(void)
{
	const char *p = (const char *)countries_tsv;
	const char *end = p + countries_tsv_len;

	tab.mask = 1023;
	tab.index = xcalloc(tab.mask + 1, sizeof *tab.index);
	for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
		table_add_name(aliases[i].name, strlen(aliases[i].name),
			       aliases[i].code, PRIO_ALIAS, 0);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *line = p, *t1, *t2, *eol = nl ? nl : end;
		int prio;

		p = nl ? nl + 1 : end;
		if (eol - line < 6 || line[0] == '#' || line[2] != '\t' ||
		    !code_ok(line))
			continue;
		t1 = line + 2;
		t2 = memchr(t1 + 1, '\t', (size_t)(eol - t1 - 1));
		if (!t2)
			continue;
		if (t2 - t1 - 1 == 6 && memcmp(t1 + 1, "alpha3", 6) == 0)
			prio = PRIO_CODE;
		else if ((t2 - t1 - 1 == 4 && memcmp(t1 + 1, "name", 4) == 0) ||
			 (t2 - t1 - 1 == 8 &&
			  memcmp(t1 + 1, "official", 8) == 0) ||
			 (t2 - t1 - 1 == 6 && memcmp(t1 + 1, "common", 6) == 0))
			prio = PRIO_NAME;
		else
			prio = PRIO_TRANSLATION;
		table_add_name(line, 2, line, PRIO_CODE, 1);
		table_add_name(t2 + 1, (size_t)(eol - t2 - 1), line, prio,
			       prio == PRIO_CODE);
	}
	tab.loaded = 1;
}

/* ---- lookups ------------------------------------------------------------- */

static const struct centry *lookup_key(const char *k, size_t n)
{
	if (!n || n > KEY_MAX)
		return NULL;
	return table_find(k, n, XXH3_64bits(k, n));
}

int country_code(const char *s, size_t n, char out[3])
{
	static const int forms[] = {0, 1, 2, 3};

	out[0] = '\0';
	if (!tab.loaded)
		table_load();
	if (n == 0 || n > INPUT_MAX || memchr(s, '\0', n) ||
	    text_fold(&fold_buf, s, n) < 0)
		return 0;
	/* "N/A", "#N/A", "n.a." are no Namibia; a bare code ("NA", folded
	 * and trimmed) is */
	if (value_is_placeholder(s, n) &&
	    !country_is_code(fold_buf.p, fold_buf.len))
		return 0;
	for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
		const struct centry *c;
		if (!key_form(&key_buf, fold_buf.p, fold_buf.len, forms[i]))
			continue;
		c = lookup_key(key_buf.p, key_buf.len);
		if (c && c->code[0]) {
			out[0] = c->code[0];
			out[1] = c->code[1];
			out[2] = '\0';
			return 1;
		}
		if (c)
			return 0; /* ambiguous */
	}
	return 0;
}

int country_is_code(const char *s, size_t n)
{
	char k[3];
	const struct centry *c;

	if (n != 2 && n != 3)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i] | 0x20;
		if (ch < 'a' || ch > 'z')
			return 0;
		k[i] = (char)ch;
	}
	if (!tab.loaded)
		table_load();
	c = lookup_key(k, n);
	return c && (c->prio_flags & ENTRY_IS_CODE) && c->code[0] ? 1 : 0;
}
