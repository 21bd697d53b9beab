/*
 * norm_phone: see norm_phone.h.
 *
 * Data.  phone_plan[] lists every ISO 3166-1 code with its ITU-T E.164
 * country calling code and national trunk prefixes ("|" between
 * alternatives, tried in order; "" for none; Italy, San Marino and the
 * Vatican keep their leading 0, so they have none).  When several countries
 * share a calling code, the first listed is the one whose trunk prefix
 * applies after "+CC" (the United States for +1, the United Kingdom for
 * +44...).  Two indexes are built on first use: alpha-2 -> plan entry
 * (26 x 26 shorts) and calling code -> plan entry for 1-, 2- and 3-digit
 * codes (E.164 codes are prefix-free, so at most one length matches).
 * Non-geographic codes (800, 808, 870, 878, 881-883, 888, 979) and Kosovo's
 * 383 are assigned too.  nsn_len[] is spread the same way, over a table by
 * calling code, so no look-up scans a list.
 *
 * Rules, in order:
 *  1. Leading/trailing white space and a "tel:" (or "tel." / "tel") prefix
 *     go; an extension ("x", "ext", "extn", "extension", "poste",
 *     "durchwahl", "dw", "anexo", "ramal", "#", ";", ",") ends the number.
 *  2. Only digits, one leading "+", white space (NBSP too), - . / ( ) and
 *     the Unicode hyphens and dashes U+2010-U+2015 may remain; any other letter or symbol rejects the number.  A "(0)"
 *     is the trunk prefix written for national callers and is dropped.
 *  3. "+", "00", or (with a NANP default country or none) "011" starts an
 *     international number: the digits after it must begin with an assigned
 *     calling code; a trunk prefix that starts with 0 written right after it
 *     ("+44 020 ...") is dropped.
 *  4. Otherwise the number is national to the default country (none: -1):
 *     its trunk prefix is dropped when present and the calling code put in
 *     front.
 *  5. The national significant number must have the length of the plan for
 *     the calling codes whose length is fixed or nearly so (NANP 10, +7 10,
 *     +33 9, +44 9-10, ... see nsn_len[]); and in every case the whole
 *     number has 8 to 15 digits.
 */
#include "norm_phone.h"

#include <string.h>

struct plan {
	char code[3];
	unsigned short cc;
	const char *trunk;
};

/* Main country first where a calling code is shared. */
/* clang-format off */
static const struct plan phone_plan[] = {
	/* NANP: +1, trunk 1 */
	{"US", 1, "1"}, {"CA", 1, "1"}, {"AG", 1, "1"}, {"AI", 1, "1"},
	{"AS", 1, "1"}, {"BB", 1, "1"}, {"BM", 1, "1"}, {"BS", 1, "1"},
	{"DM", 1, "1"}, {"DO", 1, "1"}, {"GD", 1, "1"}, {"GU", 1, "1"},
	{"JM", 1, "1"}, {"KN", 1, "1"}, {"KY", 1, "1"}, {"LC", 1, "1"},
	{"MP", 1, "1"}, {"MS", 1, "1"}, {"PR", 1, "1"}, {"SX", 1, "1"},
	{"TC", 1, "1"}, {"TT", 1, "1"}, {"UM", 1, "1"}, {"VC", 1, "1"},
	{"VG", 1, "1"}, {"VI", 1, "1"},
	/* zone 2: Africa and the South Atlantic */
	{"EG", 20, "0"}, {"SS", 211, "0"}, {"MA", 212, "0"}, {"EH", 212, "0"},
	{"DZ", 213, "0"}, {"TN", 216, ""}, {"LY", 218, "0"}, {"GM", 220, ""},
	{"SN", 221, ""}, {"MR", 222, ""}, {"ML", 223, ""}, {"GN", 224, ""},
	{"CI", 225, ""}, {"BF", 226, ""}, {"NE", 227, ""}, {"TG", 228, ""},
	{"BJ", 229, ""}, {"MU", 230, ""}, {"LR", 231, "0"}, {"SL", 232, "0"},
	{"GH", 233, "0"}, {"NG", 234, "0"}, {"TD", 235, ""}, {"CF", 236, ""},
	{"CM", 237, ""}, {"CV", 238, ""}, {"ST", 239, ""}, {"GQ", 240, ""},
	{"GA", 241, ""}, {"CG", 242, ""}, {"CD", 243, "0"}, {"AO", 244, ""},
	{"GW", 245, ""}, {"IO", 246, ""}, {"SC", 248, ""}, {"SD", 249, "0"},
	{"RW", 250, "0"}, {"ET", 251, "0"}, {"SO", 252, "0"}, {"DJ", 253, ""},
	{"KE", 254, "0"}, {"TZ", 255, "0"}, {"UG", 256, "0"}, {"BI", 257, ""},
	{"MZ", 258, ""}, {"ZM", 260, "0"}, {"MG", 261, "0"}, {"RE", 262, "0"},
	{"YT", 262, "0"}, {"TF", 262, "0"}, {"ZW", 263, "0"}, {"NA", 264, "0"},
	{"MW", 265, "0"}, {"LS", 266, ""}, {"BW", 267, ""}, {"SZ", 268, ""},
	{"KM", 269, ""}, {"ZA", 27, "0"}, {"SH", 290, ""}, {"ER", 291, "0"},
	{"AW", 297, ""}, {"FO", 298, ""}, {"GL", 299, ""},
	/* zones 3 and 4: Europe */
	{"GR", 30, ""}, {"NL", 31, "0"}, {"BE", 32, "0"}, {"FR", 33, "0"},
	{"ES", 34, ""}, {"GI", 350, ""}, {"PT", 351, ""}, {"LU", 352, ""},
	{"IE", 353, "0"}, {"IS", 354, ""}, {"AL", 355, "0"}, {"MT", 356, ""},
	{"CY", 357, ""}, {"FI", 358, "0"}, {"AX", 358, "0"}, {"BG", 359, "0"},
	{"HU", 36, "06"}, {"LT", 370, "8|0"}, {"LV", 371, ""},
	{"EE", 372, ""}, {"MD", 373, "0"}, {"AM", 374, "0"},
	{"BY", 375, "80|8|0"}, {"AD", 376, ""}, {"MC", 377, "0"},
	{"SM", 378, ""}, {"UA", 380, "0"}, {"RS", 381, "0"}, {"ME", 382, "0"},
	{"HR", 385, "0"}, {"SI", 386, "0"}, {"BA", 387, "0"}, {"MK", 389, "0"},
	{"IT", 39, ""}, {"VA", 39, ""}, {"RO", 40, "0"}, {"CH", 41, "0"},
	{"CZ", 420, ""}, {"SK", 421, "0"}, {"LI", 423, ""}, {"AT", 43, "0"},
	{"GB", 44, "0"}, {"GG", 44, "0"}, {"IM", 44, "0"}, {"JE", 44, "0"},
	{"DK", 45, ""}, {"SE", 46, "0"}, {"NO", 47, ""}, {"SJ", 47, ""},
	{"BV", 47, ""}, {"PL", 48, ""}, {"DE", 49, "0"},
	/* zone 5: the Americas outside NANP */
	{"FK", 500, ""}, {"GS", 500, ""}, {"BZ", 501, ""}, {"GT", 502, ""},
	{"SV", 503, ""}, {"HN", 504, ""}, {"NI", 505, ""}, {"CR", 506, ""},
	{"PA", 507, ""}, {"PM", 508, "0"}, {"HT", 509, ""}, {"PE", 51, "0"},
	{"MX", 52, "044|045|01"}, {"CU", 53, "0"}, {"AR", 54, "0"},
	{"BR", 55, "0"}, {"CL", 56, "0"}, {"CO", 57, "0"}, {"VE", 58, "0"},
	{"GP", 590, "0"}, {"BL", 590, "0"}, {"MF", 590, "0"},
	{"BO", 591, "0"}, {"GY", 592, ""}, {"EC", 593, "0"}, {"GF", 594, "0"},
	{"PY", 595, "0"}, {"MQ", 596, "0"}, {"SR", 597, ""}, {"UY", 598, "0"},
	{"CW", 599, ""}, {"BQ", 599, ""},
	/* zone 6: South-East Asia and Oceania */
	{"MY", 60, "0"}, {"AU", 61, "0"}, {"CX", 61, "0"}, {"CC", 61, "0"},
	{"ID", 62, "0"}, {"PH", 63, "0"}, {"NZ", 64, "0"}, {"PN", 64, ""},
	{"SG", 65, ""}, {"TH", 66, "0"}, {"TL", 670, ""}, {"AQ", 672, ""},
	{"NF", 672, ""}, {"HM", 672, ""}, {"BN", 673, ""}, {"NR", 674, ""},
	{"PG", 675, ""}, {"TO", 676, ""}, {"SB", 677, ""}, {"VU", 678, ""},
	{"FJ", 679, ""}, {"PW", 680, ""}, {"WF", 681, ""}, {"CK", 682, ""},
	{"NU", 683, ""}, {"WS", 685, ""}, {"KI", 686, "0"}, {"NC", 687, ""},
	{"TV", 688, ""}, {"PF", 689, ""}, {"TK", 690, ""}, {"FM", 691, ""},
	{"MH", 692, "1"},
	/* zone 7: Russia and Kazakhstan */
	{"RU", 7, "8"}, {"KZ", 7, "8"},
	/* zone 8: East Asia */
	{"JP", 81, "0"}, {"KR", 82, "0"}, {"VN", 84, "0"}, {"KP", 850, "0"},
	{"HK", 852, ""}, {"MO", 853, ""}, {"KH", 855, "0"}, {"LA", 856, "0"},
	{"CN", 86, "0"}, {"BD", 880, "0"}, {"TW", 886, "0"},
	/* zone 9: West, Central and South Asia */
	{"TR", 90, "0"}, {"IN", 91, "0"}, {"PK", 92, "0"}, {"AF", 93, "0"},
	{"LK", 94, "0"}, {"MM", 95, "0"}, {"MV", 960, ""}, {"LB", 961, "0"},
	{"JO", 962, "0"}, {"SY", 963, "0"}, {"IQ", 964, "0"}, {"KW", 965, ""},
	{"SA", 966, "0"}, {"YE", 967, "0"}, {"OM", 968, ""}, {"PS", 970, "0"},
	{"AE", 971, "0"}, {"IL", 972, "0"}, {"BH", 973, ""}, {"QA", 974, ""},
	{"BT", 975, ""}, {"MN", 976, "0"}, {"NP", 977, "0"}, {"IR", 98, "0"},
	{"TJ", 992, ""}, {"TM", 993, "8"}, {"AZ", 994, "0"}, {"GE", 995, "0"},
	{"KG", 996, "0"}, {"UZ", 998, ""},
	/* not ISO 3166-1 countries, but assigned codes */
	{"", 383, "0"}, /* Kosovo */
	{"", 800, ""}, {"", 808, ""}, {"", 870, ""}, {"", 878, ""},
	{"", 881, ""}, {"", 882, ""}, {"", 883, ""}, {"", 888, ""},
	{"", 979, ""},
};
/* clang-format on */

/* National significant number lengths where the plan fixes them. */
/* clang-format off */
static const struct {
	unsigned short cc;
	unsigned char min, max;
} nsn_len[] = {
	{1, 10, 10}, {7, 10, 10}, {33, 9, 9}, {34, 9, 9}, {41, 9, 9},
	{44, 9, 10}, {45, 8, 8}, {48, 9, 9}, {52, 10, 10}, {55, 10, 11},
	{61, 9, 10}, {65, 8, 8}, {81, 9, 10}, {351, 9, 9}, {852, 8, 8},
	{853, 8, 8}, {27, 9, 9}, {32, 8, 9}, {353, 7, 9}, {54, 10, 11},
};
/* clang-format on */

enum { DIGITS_MAX = 24, TOTAL_MIN = 8, TOTAL_MAX = 15 };

static short by_alpha2[26 * 26]; /* plan index + 1 */
static short by_cc[1000][3];     /* [code][ndigits - 1]: plan index + 1 */
/* NSN lengths allowed per calling code, from nsn_len[]; 0, 0: any */
static unsigned char nsn_min[1000], nsn_max[1000];
static int built;

static void plan_build(void)
{
	for (size_t i = sizeof nsn_len / sizeof nsn_len[0]; i-- > 0;) {
		/* backwards, so the first entry of a code wins, as in a scan */
		nsn_min[nsn_len[i].cc] = nsn_len[i].min;
		nsn_max[nsn_len[i].cc] = nsn_len[i].max;
	}
	for (size_t i = sizeof phone_plan / sizeof phone_plan[0]; i-- > 0;) {
		const struct plan *p = &phone_plan[i];
		int nd = p->cc >= 100 ? 3 : p->cc >= 10 ? 2 : 1;
		/* built backwards so that the first of a shared code wins */
		by_cc[p->cc][nd - 1] = (short)(i + 1);
		if (p->code[0])
			by_alpha2[(p->code[0] - 'A') * 26 +
				  (p->code[1] - 'A')] = (short)(i + 1);
	}
	built = 1;
}

static const struct plan *plan_of_alpha2(const char *c)
{
	int a, b, i;

	if (!c || !c[0] || !c[1])
		return NULL;
	a = (unsigned char)c[0] & ~0x20;
	b = (unsigned char)c[1] & ~0x20;
	if (a < 'A' || a > 'Z' || b < 'A' || b > 'Z' || c[2] != '\0')
		return NULL;
	if (!built)
		plan_build();
	i = by_alpha2[(a - 'A') * 26 + (b - 'A')];
	return i ? &phone_plan[i - 1] : NULL;
}

int phone_calling_code(const char code[2])
{
	char c[3] = {code[0], code[0] ? code[1] : '\0', '\0'};
	const struct plan *p = plan_of_alpha2(c);
	return p ? p->cc : 0;
}

/* 1 when the NSN length nl fits the plan of calling code cc (< 1000). */
static int nsn_fits(unsigned cc, size_t nl)
{
	if (!nsn_max[cc])
		return 1;
	return nl >= nsn_min[cc] && nl <= nsn_max[cc];
}

/* Length of the trunk prefix of p that d[0..nd) starts with, such that what
 * remains fits the plan; 0 when none applies. */
static size_t trunk_match(const struct plan *p, const char *d, size_t nd,
			  int zero_only)
{
	const char *t = p->trunk;

	while (*t) {
		size_t tl = 0;
		while (t[tl] && t[tl] != '|')
			tl++;
		if ((!zero_only || t[0] == '0') && tl < nd &&
		    memcmp(d, t, tl) == 0 && nsn_fits(p->cc, nd - tl))
			return tl;
		t += tl;
		if (*t == '|')
			t++;
	}
	return 0;
}

static int ascii_lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

/* 1 when the letters s[0..n) are an extension marker. */
static int is_ext_word(const char *s, size_t n)
{
	static const char *const words[] = {"x",         "ext",   "extn",
					    "extension", "poste", "durchwahl",
					    "dw",        "anexo", "ramal"};
	char w[16];

	if (n >= sizeof w)
		return 0;
	for (size_t i = 0; i < n; i++)
		w[i] = (char)ascii_lower((unsigned char)s[i]);
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strlen(words[i]) == n && memcmp(w, words[i], n) == 0)
			return 1;
	return 0;
}

static int is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Rules 1 and 2 and the prefixes of rule 3: the digits of s[0..n) into
 * d (DIGITS_MAX of room), *plus set when the number is international.
 * 0, or -1 when the number cannot be one. */
static int phone_digits(const char *s, size_t n, const struct plan *home,
			char *d, size_t *ndp, int *plusp)
{
	size_t nd = 0, i = 0;
	int plus = 0;

	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (n - i >= 3 && ascii_lower((unsigned char)s[i]) == 't' &&
	    ascii_lower((unsigned char)s[i + 1]) == 'e' &&
	    ascii_lower((unsigned char)s[i + 2]) == 'l') {
		i += 3;
		if (i < n && (s[i] == ':' || s[i] == '.'))
			i++;
	}
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= '0' && c <= '9') {
			if (nd == DIGITS_MAX)
				return -1;
			d[nd++] = (char)c;
		} else if (c == '+') {
			if (nd || plus)
				return -1;
			plus = 1;
		} else if (c == '(' && i + 2 < n && s[i + 1] == '0' &&
			   s[i + 2] == ')') {
			i += 2; /* "(0)": the trunk prefix, never dialled */
		} else if (c == ' ' || c == '\t' || c == '-' || c == '.' ||
			   c == '/' || c == '(' || c == ')') {
			continue;
		} else if (c == 0xC2 && i + 1 < n &&
			   (unsigned char)s[i + 1] == 0xA0) {
			i++; /* NBSP */
		} else if (c == 0xE2 && i + 2 < n &&
			   (unsigned char)s[i + 1] == 0x80 &&
			   (unsigned char)s[i + 2] >= 0x90 &&
			   (unsigned char)s[i + 2] <= 0x95) {
			i += 2; /* U+2010-U+2015 hyphens and dashes */
		} else if (c == '#' || c == ';' || c == ',') {
			break;
		} else if (is_alpha(c)) {
			size_t j = i;
			while (j < n && is_alpha((unsigned char)s[j]))
				j++;
			if (!nd || !is_ext_word(s + i, j - i))
				return -1;
			break;
		} else {
			return -1;
		}
	}
	if (!plus && nd >= 2 && d[0] == '0' && d[1] == '0') {
		memmove(d, d + 2, nd -= 2);
		plus = 1;
	} else if (!plus && nd >= 3 && memcmp(d, "011", 3) == 0 &&
		   (!home || home->cc == 1)) {
		memmove(d, d + 3, nd -= 3);
		plus = 1;
	}
	*ndp = nd;
	*plusp = plus;
	return 0;
}

int phone_e164(const char *s, size_t n, const char *default_country,
	       struct buf *out)
{
	char num[DIGITS_MAX + 1], *d = num + 1; /* num[0]: the '+' written */
	size_t nd = 0, i, cc_len = 0;
	int plus = 0;
	const struct plan *home = plan_of_alpha2(default_country), *p = NULL;
	unsigned cc;

	buf_reset(out);
	if (!built)
		plan_build();
	/* "+" and digits, as E.164 is written, need no cleaning */
	if (n >= 2 && n - 1 <= DIGITS_MAX && s[0] == '+') {
		for (i = 1; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			d[nd++] = s[i];
		plus = i == n;
	}
	if (!plus) {
		nd = 0;
		if (phone_digits(s, n, home, d, &nd, &plus) < 0)
			return -1;
	}
	if (plus) {
		cc = 0;
		for (size_t k = 1; k <= 3 && k < nd && !p; k++) {
			cc = cc * 10 + (unsigned)(d[k - 1] - '0');
			if (by_cc[cc][k - 1]) {
				p = &phone_plan[by_cc[cc][k - 1] - 1];
				cc_len = k;
			}
		}
		if (!p)
			return -1;
		/* "+44 (0)20" written without brackets: "+44 020" */
		size_t t = trunk_match(p, d + cc_len, nd - cc_len, 1);
		if (t) {
			memmove(d + cc_len, d + cc_len + t, nd - cc_len - t);
			nd -= t;
		}
		if (!nsn_fits(p->cc, nd - cc_len))
			return -1;
		if (nd < TOTAL_MIN || nd > TOTAL_MAX)
			return -1;
		num[0] = '+';
		buf_add(out, num, nd + 1);
		return 0;
	}
	if (!home || !nd)
		return -1;
	size_t t = trunk_match(home, d, nd, 0);
	char ccs[4];
	size_t ccl = home->cc >= 100 ? 3 : home->cc >= 10 ? 2 : 1;
	for (size_t k = ccl, v = home->cc; k-- > 0; v /= 10)
		ccs[k] = (char)('0' + v % 10);
	if (!nsn_fits(home->cc, nd - t) || ccl + nd - t < TOTAL_MIN ||
	    ccl + nd - t > TOTAL_MAX)
		return -1;
	buf_addc(out, '+');
	buf_add(out, ccs, ccl);
	buf_add(out, d + t, nd - t);
	return 0;
}
