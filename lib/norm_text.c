/*
 * norm_text: see norm_text.h.
 *
 * The non-ASCII path decomposes into a static array of code points with
 * utf8proc_decompose (grown by doubling when utf8proc asks for more), lets
 * utf8proc_reencode compose and encode in place, and then runs the same
 * white-space pass as the ASCII path over the UTF-8 bytes; that pass
 * handles an ASCII byte inline, without decoding or classifying it.
 *
 * text_is_clean answers most values from whole 64-bit words: a word of
 * bytes 0x21..0x7E is clean in one test, a word with spaces in a few more;
 * any other byte sends the value to the general, code-point loop.
 */
#include "norm_text.h"

#include <stdint.h>
#include <stdlib.h>
#include <utf8proc.h>

#include "err.h"

/* per thread: the key threads of csvscan.h call these functions at once */
static _Thread_local utf8proc_int32_t *cp_buf;
static _Thread_local size_t cp_cap;

int text_is_ascii(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, u + i, 8);
		if (w & 0x8080808080808080ULL)
			return 0;
	}
	for (; i < n; i++)
		if (u[i] & 0x80)
			return 0;
	return 1;
}

size_t text_utf8_bad(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		unsigned char c = u[i];
		if (c < 0x80) {
			/* skip ASCII runs a word at a time */
			while (i + 8 <= n) {
				uint64_t w;
				memcpy(&w, u + i, 8);
				if (w & 0x8080808080808080ULL)
					break;
				i += 8;
			}
			if (i < n && u[i] < 0x80)
				i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			if (i + 1 >= n || (u[i + 1] & 0xC0) != 0x80)
				return i;
			i += 2;
		} else if (c >= 0xE0 && c <= 0xEF) {
			if (i + 2 >= n || (u[i + 1] & 0xC0) != 0x80 ||
			    (u[i + 2] & 0xC0) != 0x80)
				return i;
			if (c == 0xE0 && u[i + 1] < 0xA0)
				return i; /* overlong */
			if (c == 0xED && u[i + 1] >= 0xA0)
				return i; /* surrogate */
			i += 3;
		} else if (c >= 0xF0 && c <= 0xF4) {
			if (i + 3 >= n || (u[i + 1] & 0xC0) != 0x80 ||
			    (u[i + 2] & 0xC0) != 0x80 ||
			    (u[i + 3] & 0xC0) != 0x80)
				return i;
			if (c == 0xF0 && u[i + 1] < 0x90)
				return i; /* overlong */
			if (c == 0xF4 && u[i + 1] >= 0x90)
				return i; /* > U+10FFFF */
			i += 4;
		} else {
			return i;
		}
	}
	return n;
}

int text_utf8_valid(const char *s, size_t n)
{
	return text_utf8_bad(s, n) == n;
}

/* What a code point is to the white-space pass. */
enum { CP_KEEP, CP_SPACE, CP_DROP };

static int cp_class(utf8proc_int32_t c)
{
	if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))
		return CP_SPACE;
	switch (c) {
	case ' ':
	case 0xa0:
	case 0x1680:
	case 0x2028:
	case 0x2029:
	case 0x202f:
	case 0x205f:
	case 0x3000: return CP_SPACE;
	case 0x200b:
	case 0xfeff: return CP_DROP;
	}
	if (c >= 0x2000 && c <= 0x200a)
		return CP_SPACE;
	return CP_KEEP;
}

/* Append s to out with spaces trimmed and collapsed; lower ASCII if asked. */
static void squeeze(struct buf *out, const char *s, size_t n, int lower)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	int pending = 0;

	if (out->cap - out->len < n)
		buf_grow(out, n);
	while (i < n) {
		utf8proc_int32_t c;
		size_t len = 1;

		if (u[i] < 0x80) {
			/* ASCII: printable kept, the rest (space, control,
			 * DEL) is white space; cp_class says the same */
			char ch = (char)u[i++];
			if (ch > 0x20 && ch < 0x7f) {
				if (pending && out->len > 0)
					out->p[out->len++] = ' ';
				pending = 0;
				if (lower && ch >= 'A' && ch <= 'Z')
					ch = (char)(ch + 32);
				out->p[out->len++] = ch;
			} else {
				pending = 1;
			}
			continue;
		}
		{
			utf8proc_ssize_t k = utf8proc_iterate(
				u + i, (utf8proc_ssize_t)(n - i), &c);
			if (k <= 0) {
				c = 0xfffd;
				k = 1;
			}
			len = (size_t)k;
		}
		switch (cp_class(c)) {
		case CP_SPACE: pending = 1; break;
		case CP_DROP: break;
		default:
			if (pending && out->len > 0)
				out->p[out->len++] = ' ';
			pending = 0;
			if (len == 1) {
				char ch = (char)u[i];
				if (lower && ch >= 'A' && ch <= 'Z')
					ch = (char)(ch + 32);
				out->p[out->len++] = ch;
			} else {
				memcpy(out->p + out->len, u + i, len);
				out->len += len;
			}
		}
		i += len;
	}
}

/* s decomposed with utf8proc options into cp_buf: its number of code
 * points (with room for one more after them), or -1. */
static utf8proc_ssize_t uni_decompose(const char *s, size_t n, int opts)
{
	utf8proc_ssize_t r;

	for (;;) {
		r = utf8proc_decompose((const utf8proc_uint8_t *)s,
				       (utf8proc_ssize_t)n, cp_buf,
				       (utf8proc_ssize_t)cp_cap, opts);
		if (r < 0)
			return -1;
		/* reencode writes a terminator after the code points, even
		 * when there are none: room for one more */
		if ((size_t)r < cp_cap)
			return r;
		cp_cap = (size_t)r * 2 + 8;
		free(cp_buf);
		cp_buf = xmalloc(cp_cap * sizeof *cp_buf);
	}
}

/* Normalise s with utf8proc options into cp_buf; returns byte length or -1. */
static utf8proc_ssize_t uni_map(const char *s, size_t n, int opts)
{
	utf8proc_ssize_t r = uni_decompose(s, n, opts);

	return r < 0 ? -1 : utf8proc_reencode(cp_buf, r, opts);
}

int text_lower(struct buf *out, const char *s, size_t n)
{
	utf8proc_ssize_t r =
		uni_decompose(s, n, UTF8PROC_DECOMPOSE | UTF8PROC_STABLE);

	if (r < 0)
		return -1;
	for (utf8proc_ssize_t i = 0; i < r; i++)
		cp_buf[i] = utf8proc_tolower(cp_buf[i]);
	r = utf8proc_reencode(cp_buf, r, UTF8PROC_COMPOSE | UTF8PROC_STABLE);
	if (r < 0)
		return -1;
	buf_add(out, cp_buf, (size_t)r);
	return 0;
}

int text_casefold(struct buf *out, const char *s, size_t n)
{
	utf8proc_ssize_t m = uni_map(
		s, n, UTF8PROC_CASEFOLD | UTF8PROC_COMPOSE | UTF8PROC_STABLE);

	if (m < 0)
		return -1;
	buf_add(out, cp_buf, (size_t)m);
	return 0;
}

/* 1 when code point c is left alone by NFC whatever surrounds it: a
 * starter (combining class 0) that cannot be the second part of a
 * canonical composition (those are marks, Mn/Mc/Me, and the Hangul
 * conjoining jamo) and that NFC maps to itself (not a singleton like
 * U+212B -> U+00C5, not a composition exclusion).  The NFC quick check's
 * "Yes", conservatively.  Answers for the BMP are cached. */
static int nfc_stable_uncached(utf8proc_int32_t c)
{
	const utf8proc_property_t *p = utf8proc_get_property(c);

	if (p->combining_class != 0 || p->category == UTF8PROC_CATEGORY_MN ||
	    p->category == UTF8PROC_CATEGORY_MC ||
	    p->category == UTF8PROC_CATEGORY_ME || (c >= 0x1100 && c <= 0x11FF))
		return 0;
	if (p->decomp_seqindex != UINT16_MAX && p->decomp_type == 0) {
		utf8proc_int32_t d[8];
		int last = 0;
		utf8proc_ssize_t k = utf8proc_decompose_char(
			c, d, 8, UTF8PROC_DECOMPOSE, &last);
		if (k <= 0 || k > 8)
			return 0;
		k = utf8proc_normalize_utf32(d, k, UTF8PROC_COMPOSE);
		return k == 1 && d[0] == c;
	}
	return 1;
}

static _Thread_local unsigned char
	nfc_cache[0x10000]; /* 0 unknown, 1 stable, 2 not */

static int nfc_stable(utf8proc_int32_t c)
{
	if (c >= 0x10000)
		return nfc_stable_uncached(c);
	if (!nfc_cache[c])
		nfc_cache[c] = nfc_stable_uncached(c) ? 1 : 2;
	return nfc_cache[c] == 1;
}

static int is_clean_general(const unsigned char *u, size_t n);

/* Bytes of the word w that are not printable ASCII (0x20..0x7E) set their
 * high bit in the result (a nonzero result says "some"; which ones is not
 * exact, as borrows may spread). */
static inline uint64_t word_unprintable(uint64_t w)
{
	const uint64_t L = 0x0101010101010101ULL, H = 0x8080808080808080ULL;

	return (w & H) | ((w - L * 0x20) & ~w & H) | ((w + L) & H);
}

/* Bytes of w (all below 0x80) that are spaces get their high bit set. */
static inline uint64_t word_spaces(uint64_t w)
{
	const uint64_t L = 0x0101010101010101ULL, low7 = 0x7f7f7f7f7f7f7f7fULL;
	uint64_t x = w ^ (L * ' ');

	return ~(((x & low7) + low7) | x | low7);
}

/* How the word w goes on from a clean start (prev_space: the byte before
 * it is a space): 1 clean so far (prev_space updated), 0 two spaces in a
 * row, -1 a byte that is not printable ASCII (for the general loop). */
static inline int word_clean(uint64_t w, int *prev_space)
{
	const uint64_t L = 0x0101010101010101ULL, H = 0x8080808080808080ULL;
	uint64_t sp;

	/* the common word: every byte in 0x21..0x7E, so no space either
	 * (a borrow or carry can only come from a byte outside the range,
	 * which sets a flag of its own) */
	if (!(((w - L * 0x21) | w | (w + L)) & H)) {
		*prev_space = 0;
		return 1;
	}
	if (word_unprintable(w))
		return -1;
	sp = word_spaces(w);
	if ((sp & (sp << 8)) || (*prev_space && (sp & 0x80)))
		return 0;
	*prev_space = (int)(sp >> 63);
	return 1;
}

int text_is_clean(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	uint64_t w;
	size_t i;
	int prev_space = 0, k;

	/* Fast paths for the common value, printable ASCII: byte by byte
	 * under eight bytes, else whole words only, the last one overlapping
	 * the one before (so every pair of neighbours lies within one word,
	 * or across a word boundary where prev_space sees it).  A value with
	 * any other byte takes the general loop, which decides alone. */
	if (n < 8) {
		for (i = 0; i < n; i++) {
			if (u[i] == ' ') {
				if (i == 0 || u[i - 1] == ' ')
					return 0;
			} else if (u[i] < 0x21 || u[i] > 0x7e) {
				return is_clean_general(u, n);
			}
		}
		return n == 0 || u[n - 1] != ' ';
	}
	if (u[0] == ' ' || u[n - 1] == ' ')
		return 0;
	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&w, u + i, 8);
		if ((k = word_clean(w, &prev_space)) <= 0)
			return k < 0 ? is_clean_general(u, n) : 0;
	}
	if (i < n) {
		/* the pairs of this word are all inside it */
		prev_space = 0;
		memcpy(&w, u + n - 8, 8);
		if ((k = word_clean(w, &prev_space)) <= 0)
			return k < 0 ? is_clean_general(u, n) : 0;
	}
	return 1;
}

/* text_is_clean for any input: UTF-8 included, code point by code point. */
static int is_clean_general(const unsigned char *u, size_t n)
{
	size_t i = 0;
	int prev_space = 1; /* a leading space is not clean */

	while (i < n) {
		unsigned char c = u[i];
		/* eight ASCII bytes at a time: printable, and spaces single */
		while (i + 8 <= n) {
			uint64_t w, sp;
			memcpy(&w, u + i, 8);
			if (word_unprintable(w))
				break; /* non-ASCII, control or DEL */
			sp = word_spaces(w);
			if ((sp & (sp << 8)) || (prev_space && (sp & 0x80)))
				break; /* two spaces in a row */
			prev_space = (int)(sp >> 63);
			i += 8;
		}
		if (i >= n)
			break;
		c = u[i];
		if (c < 0x80) {
			if (c == ' ') {
				if (prev_space)
					return 0;
				prev_space = 1;
			} else if (c < 0x20 || c == 0x7f) {
				return 0;
			} else {
				prev_space = 0;
			}
			i++;
			continue;
		}
		{
			utf8proc_int32_t cp;
			utf8proc_ssize_t k = utf8proc_iterate(
				u + i, (utf8proc_ssize_t)(n - i), &cp);
			if (k <= 0 || cp_class(cp) != CP_KEEP ||
			    !nfc_stable(cp))
				return 0;
			prev_space = 0;
			i += (size_t)k;
		}
	}
	return n == 0 || !prev_space;
}

static int text_map(struct buf *out, const char *s, size_t n, int fold);

/* The base letters of the Latin letters that Unicode does not decompose
 * (a stroke, a bar, a ligature, a dotless i), lower case as case folding
 * leaves them: ł -> l, ø -> o, đ -> d, ħ -> h, ŧ -> t, ð -> d, ı -> i,
 * ƀ -> b, ƶ -> z, ǥ -> g, ɨ -> i, æ -> ae, œ -> oe, þ -> th.  (ß
 * case-folds to ss; ŀ decomposes to l and a middle dot.)  base[1] is 0
 * for a single letter. */
/* clang-format off */
static const struct {
	utf8proc_int32_t cp;
	char base[3];
} latin_bases[] = {
	{0x00E6, "ae"}, {0x00F0, "d"}, {0x00F8, "o"}, {0x00FE, "th"},
	{0x0111, "d"}, {0x0127, "h"}, {0x0131, "i"}, {0x0142, "l"},
	{0x0153, "oe"}, {0x0167, "t"}, {0x0180, "b"}, {0x01B6, "z"},
	{0x01E5, "g"}, {0x0268, "i"},
};
/* clang-format on */

/* The latin_bases entry of c, or NULL. */
static const char *latin_base(utf8proc_int32_t c)
{
	if (c < 0xE6 || c > 0x268)
		return NULL;
	for (size_t i = 0; i < sizeof latin_bases / sizeof latin_bases[0]; i++)
		if (latin_bases[i].cp == c)
			return latin_bases[i].base;
	return NULL;
}

/* Replace the r code points of cp_buf by their latin_bases (some become
 * two), growing cp_buf as needed; returns the new count. */
static utf8proc_ssize_t fold_latin_bases(utf8proc_ssize_t r)
{
	utf8proc_ssize_t extra = 0, i, j;
	const char *b;

	for (i = 0; i < r; i++)
		if ((b = latin_base(cp_buf[i])) != NULL && b[1])
			extra++;
	if ((size_t)(r + extra) >= cp_cap) {
		/* reencode writes a terminator after them: room for one more */
		cp_cap = (size_t)(r + extra) * 2 + 8;
		cp_buf = xrealloc(cp_buf, cp_cap * sizeof *cp_buf);
	}
	/* from the end, so nothing is overwritten before it is read */
	for (i = r - 1, j = r + extra - 1; i >= 0; i--) {
		utf8proc_int32_t c = cp_buf[i];
		if ((b = latin_base(c)) == NULL) {
			cp_buf[j--] = c;
		} else if (b[1]) {
			cp_buf[j--] = (unsigned char)b[1];
			cp_buf[j--] = (unsigned char)b[0];
		} else {
			cp_buf[j--] = (unsigned char)b[0];
		}
	}
	return r + extra;
}

int text_clean(struct buf *out, const char *s, size_t n)
{
	return text_map(out, s, n, 0);
}

int text_fold(struct buf *out, const char *s, size_t n)
{
	return text_map(out, s, n, 1);
}

static int text_map(struct buf *out, const char *s, size_t n, int fold)
{
	utf8proc_ssize_t m;
	int opts = UTF8PROC_STABLE | UTF8PROC_COMPOSE;

	buf_reset(out);
	if (!fold && text_is_clean(s, n)) {
		buf_add(out, s, n);
		return 0;
	}
	if (text_is_ascii(s, n)) {
		squeeze(out, s, n, fold);
		return 0;
	}
	if (!text_utf8_valid(s, n)) {
		buf_add(out, s, n);
		return -1;
	}
	if (fold) {
		utf8proc_ssize_t r;
		opts |= UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
			UTF8PROC_STRIPMARK | UTF8PROC_IGNORE;
		r = uni_decompose(s, n, opts);
		m = r < 0 ? -1
			  : utf8proc_reencode(cp_buf, fold_latin_bases(r),
					      opts);
	} else {
		m = uni_map(s, n, opts);
	}
	if (m < 0) {
		buf_add(out, s, n);
		return -1;
	}
	squeeze(out, (const char *)cp_buf, (size_t)m, 0);
	return 0;
}

void text_thread_release(void)
{
	free(cp_buf);
	cp_buf = NULL;
	cp_cap = 0;
}
