/*
 * norm_company: see norm_company.h.
 *
 * A placeholder ("N/A", "none", "-": value_is_placeholder) names no
 * company and has an empty key.  Otherwise, three passes over a name.
 * (1) text_fold gives lower-case, accent-free
 * NFKC-ish text.  (2) A tokenizer splits it into words, stored end to end in
 * a static byte buffer with an array of (offset, length, part) entries, where
 * a "part" is the stretch between commas, semicolons, brackets, en or em
 * dashes and hyphens with a space on both sides ("Acme Inc. - EMEA").  Letters,
 * digits and marks of any script make words; an apostrophe (' ` U+2018
 * U+2019 U+02BC) is dropped without a break ("o'reilly" -> "oreilly"); a dot
 * between two letters or digits is dropped without a break ("s.a." -> "sa")
 * and a ".com", ".net", ".org" or ".io" ending a dotted word is dropped
 * ("salesforce.com" -> "salesforce"); '&' becomes the word "and" (so
 * "Johnson & Johnson" and "Johnson and Johnson" share a key); anything else
 * breaks words.  (3) A leading "the" is dropped, and so is a part that is
 * only "the" ("Acme Company, The"); then, from the last part to the first,
 * the longest legal-form entry of the table below that ends the part is
 * removed, again and again, as long as one word would remain in the key.
 *
 * The table holds the forms as the tokenizer outputs them, one entry per
 * line, words separated by one space; matching is whole words only.  A form
 * made of forms already listed ("pty ltd" = "pty" + "ltd") needs no entry.
 * Deliberately absent: "holding(s)", "group", "international" (business
 * words, not legal forms: "Acme Holdings" and "Acme" may be different
 * companies), prefixes such as "PT" or "OOO", and "ev"/"pc" (too often part
 * of a real name).  "me" (Brazilian microempresa) and "as" (Norway) are
 * included although they are English words: only a part's last words are
 * ever removed, and a name rarely ends in them.
 * The table is ASCII: text_fold has already removed accents.
 */
#include "norm_company.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <utf8proc.h>

#include "err.h"
#include "norm_text.h"
#include "norm_value.h"

/* clang-format off */
static const char *const legal_forms[] = {
	/* English-speaking countries */
	"inc", "incorporated", "corp", "corporation", "co", "company", "cos",
	"llc", "llp", "lp", "lllp", "pllc", "ltd", "limited", "plc",
	"and co", "and company", "limited liability company",
	"public limited company", "private limited", "pvt", "pty",
	"proprietary", "pte",
	/* German-speaking countries: GmbH, gGmbH, mbH, GesmbH, AG, KG, KGaA,
	 * OHG, UG (haftungsbeschränkt), SE; "GmbH & Co. KG" is gmbh+and co+kg */
	"gmbh", "ggmbh", "mbh", "gesmbh", "ag", "aktiengesellschaft", "kg",
	"kgaa", "ohg", "ug", "haftungsbeschrankt", "se",
	/* French, Belgian, Swiss: SA, SAS, SASU, SARL, EURL, SNC, SCA, & Cie */
	"sa", "s a", "sas", "sasu", "sarl", "eurl", "snc", "sca", "and cie",
	"societe anonyme", "bvba", "sprl",
	/* Italian, Spanish, Portuguese, Latin American: S.p.A., S.r.l., S.L.,
	 * S.L.U., Ltda., S/A, EIRELI, ME, y Cía., S.A. de C.V. */
	"spa", "srl", "sl", "slu", "ltda", "limitada", "eireli", "me", "cia",
	"y cia", "sa de cv", "sab de cv", "sapi de cv", "s de rl",
	"s de rl de cv", "sociedad anonima", "societa per azioni",
	/* Dutch */
	"bv", "nv",
	/* Nordic: AB, Oy, Oyj, A/S, AS, ASA, ApS, hf, ehf */
	"ab", "oy", "oyj", "a s", "as", "asa", "aps", "hf", "ehf",
	/* Central and Eastern Europe: Sp. z o.o., s.r.o., spol. s r.o., a.s.,
	 * Kft., Zrt., Nyrt., d.o.o., d.d. */
	"sp z oo", "sro", "spol s ro", "kft", "zrt", "nyrt", "doo", "dd",
	/* Asia: K.K., Kabushiki Kaisha, Sdn Bhd, Bhd, Tbk */
	"kk", "kabushiki kaisha", "godo kaisha", "sdn bhd", "bhd", "tbk",
};
/* clang-format on */

#define FORM_WORDS_MAX 6

struct form {
	unsigned char nwords;
	unsigned char off[FORM_WORDS_MAX], len[FORM_WORDS_MAX];
	const char *text;
};

struct word {
	uint32_t off, len, part;
};

#define NFORMS (sizeof legal_forms / sizeof legal_forms[0])
_Static_assert(NFORMS < 256, "by_last holds form indices in bytes");

static struct form forms[NFORMS];
/* forms by the first byte of their last word: by_last[first[c]..first[c+1]) */
static unsigned char by_last[NFORMS];
static size_t first[257];
static pthread_once_t forms_once = PTHREAD_ONCE_INIT;
/* per thread: the key threads of csvscan.h call company_key at once */
static _Thread_local struct buf folded = BUF_INIT, words = BUF_INIT;
static _Thread_local struct word *wv;
static _Thread_local size_t wv_len, wv_cap;

static void forms_init(void)
{
	size_t i, k = 0;
	int c;

	for (i = 0; i < NFORMS; i++) {
		const char *t = legal_forms[i];
		size_t j = 0, start = 0;
		struct form *f = &forms[i];

		f->text = t;
		f->nwords = 0;
		for (;; j++) {
			if (t[j] == ' ' || t[j] == '\0') {
				if (f->nwords < FORM_WORDS_MAX) {
					f->off[f->nwords] =
						(unsigned char)start;
					f->len[f->nwords] =
						(unsigned char)(j - start);
					f->nwords++;
				}
				if (t[j] == '\0')
					break;
				start = j + 1;
			}
		}
	}
	for (c = 0; c < 256; c++) {
		first[c] = k;
		for (i = 0; i < NFORMS; i++) {
			const struct form *f = &forms[i];
			if ((unsigned char)f->text[f->off[f->nwords - 1]] == c)
				by_last[k++] = (unsigned char)i;
		}
	}
	first[256] = k;
}

static int is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       (c >= 'A' && c <= 'Z');
}

static void word_end(int *open)
{
	if (*open) {
		wv[wv_len - 1].len = (uint32_t)(words.len - wv[wv_len - 1].off);
		*open = 0;
	}
}

static void word_byte(char c, int *open, uint32_t part)
{
	if (!*open) {
		if (wv_len == wv_cap) {
			wv_cap = wv_cap ? wv_cap * 2 : 32;
			wv = xrealloc(wv, wv_cap * sizeof *wv);
		}
		wv[wv_len].off = (uint32_t)words.len;
		wv[wv_len].len = 0;
		wv[wv_len].part = part;
		wv_len++;
		*open = 1;
	}
	buf_addc(&words, c);
}

/* Length of a web ending (".com" ...) at s[i] (s[i] == '.'), else 0. */
static size_t web_ending(const char *s, size_t n, size_t i)
{
	static const char *const tld[] = {"com", "net", "org", "io"};
	size_t k;

	for (k = 0; k < sizeof tld / sizeof tld[0]; k++) {
		size_t l = strlen(tld[k]);
		if (i + 1 + l <= n && memcmp(s + i + 1, tld[k], l) == 0 &&
		    (i + 1 + l == n || !is_alnum((unsigned char)s[i + 1 + l])))
			return 1 + l;
	}
	return 0;
}

static void tokenize(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t part = 0;
	size_t i = 0;
	int open = 0;

	buf_reset(&words);
	wv_len = 0;
	while (i < n) {
		unsigned char c = u[i];
		utf8proc_int32_t cp;
		utf8proc_ssize_t k;

		if (c < 0x80) {
			if (is_alnum(c)) {
				word_byte((char)c, &open, part);
			} else if (c == '\'' || c == '`') {
				/* inside a word: no break */
			} else if (c == '.' && open && i + 1 < n &&
				   is_alnum(u[i + 1])) {
				size_t w = web_ending(s, n, i);
				if (w && words.len - wv[wv_len - 1].off >= 2) {
					word_end(&open);
					i += w;
					continue;
				}
			} else if (c == '&') {
				word_end(&open);
				word_byte('a', &open, part);
				word_byte('n', &open, part);
				word_byte('d', &open, part);
				word_end(&open);
			} else if (c == ',' || c == ';' || c == '(' ||
				   c == ')' || c == '[' || c == ']' ||
				   (c == '-' && i > 0 && u[i - 1] == ' ' &&
				    i + 1 < n && u[i + 1] == ' ')) {
				word_end(&open);
				part++;
			} else {
				word_end(&open);
			}
			i++;
			continue;
		}
		k = utf8proc_iterate(u + i, (utf8proc_ssize_t)(n - i), &cp);
		if (k <= 0) {
			word_end(&open);
			i++;
			continue;
		}
		if (cp == 0x2018 || cp == 0x2019 || cp == 0x02bc) {
			i += (size_t)k;
			continue;
		}
		switch (utf8proc_category(cp)) {
		case UTF8PROC_CATEGORY_LU:
		case UTF8PROC_CATEGORY_LL:
		case UTF8PROC_CATEGORY_LT:
		case UTF8PROC_CATEGORY_LM:
		case UTF8PROC_CATEGORY_LO:
		case UTF8PROC_CATEGORY_MN:
		case UTF8PROC_CATEGORY_MC:
		case UTF8PROC_CATEGORY_ME:
		case UTF8PROC_CATEGORY_ND:
		case UTF8PROC_CATEGORY_NL:
		case UTF8PROC_CATEGORY_NO: {
			utf8proc_ssize_t j;
			for (j = 0; j < k; j++)
				word_byte((char)u[i + (size_t)j], &open, part);
			break;
		}
		default:
			if (cp == 0x2013 || cp == 0x2014 || cp == 0x3001 ||
			    cp == 0xff08 || cp == 0xff09 || cp == 0xff0c) {
				word_end(&open);
				part++;
			} else {
				word_end(&open);
			}
		}
		i += (size_t)k;
	}
	word_end(&open);
}

static int word_is(const struct word *w, const char *t, size_t len)
{
	return w->len == len && memcmp(words.p + w->off, t, len) == 0;
}

/* Words of the longest legal form ending at word index end (exclusive) and
 * starting at or after begin; 0 when none. */
static size_t form_match(size_t begin, size_t end)
{
	const struct word *last = &wv[end - 1];
	unsigned char c;
	size_t best = 0, i;

	if (last->len == 0)
		return 0;
	c = (unsigned char)words.p[last->off];
	for (i = first[c]; i < first[c + 1]; i++) {
		const struct form *f = &forms[by_last[i]];
		size_t j;

		if (f->nwords > end - begin || f->nwords <= best)
			continue;
		for (j = 0; j < f->nwords; j++)
			if (!word_is(&wv[end - f->nwords + j],
				     f->text + f->off[j], f->len[j]))
				break;
		if (j == f->nwords)
			best = f->nwords;
	}
	return best;
}

int company_key(const char *s, size_t n, struct buf *out)
{
	size_t first = 0, left, i, end;

	buf_reset(out);
	pthread_once(&forms_once, forms_init);
	if (value_is_placeholder(s, n))
		return 0; /* "N/A", "none", "-": no company */
	if (text_fold(&folded, s, n) < 0)
		return -1;
	tokenize(folded.p, folded.len);
	if (wv_len == 0)
		return 0;

	/* alive words are marked by len != 0 from here on */
	left = wv_len;
	if (left > 1 && word_is(&wv[0], "the", 3)) {
		wv[0].len = 0;
		first = 1;
		left--;
	}
	for (i = first; i < wv_len && left > 1; i++) {
		int alone = (i == first || wv[i - 1].part != wv[i].part) &&
			    (i + 1 == wv_len || wv[i + 1].part != wv[i].part);
		if (alone && word_is(&wv[i], "the", 3)) {
			wv[i].len = 0;
			left--;
		}
	}

	/* strip each part from its end, last part first */
	end = wv_len;
	while (end > first) {
		size_t begin = end, m;
		while (begin > first && wv[begin - 1].part == wv[end - 1].part)
			begin--;
		while (end > begin && wv[end - 1].len == 0)
			end--;
		while (left > 1 && end > begin &&
		       (m = form_match(begin, end)) && m < left) {
			size_t j;
			for (j = end - m; j < end; j++)
				wv[j].len = 0;
			left -= m;
			end -= m;
		}
		end = begin;
	}

	for (i = 0; i < wv_len; i++) {
		if (wv[i].len == 0)
			continue;
		if (out->len)
			buf_addc(out, ' ');
		buf_add(out, words.p + wv[i].off, wv[i].len);
	}
	return 0;
}

void company_thread_release(void)
{
	buf_release(&folded);
	buf_release(&words);
	free(wv);
	wv = NULL;
	wv_len = wv_cap = 0;
}
