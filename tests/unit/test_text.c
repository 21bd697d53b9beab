/*
 * Tests for norm_text: text_utf8_valid on every edge of the encoding
 * (overlongs, surrogates, code points past U+10FFFF, sequences cut at the
 * end), text_clean (NFC, Unicode white space, zero-width characters, case
 * kept) and text_fold (case folding, compatibility forms, accents),
 * invalid input, and the fast paths of text_is_clean, text_clean and
 * text_fold against the slow way of saying the same, over every length that
 * crosses a word boundary.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "norm_text.h"

static int valid(const char *s) { return text_utf8_valid(s, strlen(s)); }

Test(utf8_valid, accepts)
{
	/* clang-format off */
	static const char *ok[] = {
		"", "plain ascii", "\x7f",
		"\xc2\x80", "\xdf\xbf",                 /* 2-byte edges */
		"\xe0\xa0\x80", "\xef\xbf\xbf",         /* 3-byte edges */
		"\xed\x9f\xbf", "\xee\x80\x80",         /* around the surrogates */
		"\xf0\x90\x80\x80", "\xf4\x8f\xbf\xbf", /* 4-byte edges */
		"M\xc3\xbcller \xf0\x9f\x98\x80 \xe2\x82\xac",
		"12345678\xc3\xa9" "12345678", /* after a word-sized ASCII run */
	};
	/* clang-format on */
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		cr_assert_eq(valid(ok[i]), 1, "case %zu", i);
	/* NUL is a valid byte when the length says so */
	cr_assert_eq(text_utf8_valid("a\0b", 3), 1);
}

Test(utf8_valid, rejects)
{
	/* clang-format off */
	static const char *bad[] = {
		"\x80", "\xbf", "a\x80z",              /* lone continuation */
		"\xc0\x80", "\xc1\xbf",                /* overlong 2-byte */
		"\xe0\x80\x80", "\xe0\x9f\xbf",        /* overlong 3-byte */
		"\xf0\x80\x80\x80", "\xf0\x8f\xbf\xbf", /* overlong 4-byte */
		"\xed\xa0\x80", "\xed\xbf\xbf",        /* surrogates */
		"\xf4\x90\x80\x80", "\xf5\x80\x80\x80", /* > U+10FFFF */
		"\xf8\x88\x80\x80\x80", "\xfc\x84\x80\x80\x80\x80",
		"\xfe", "\xff",
		"\xc3", "\xe2\x82", "\xf0\x9f\x98",    /* cut at the end */
		"abc\xc3", "abcdefgh\xe2\x82", "x\xf0\x9f",
		"\xc3x", "\xe2\x82x", "\xf0\x9f\x98x", /* cut by ASCII */
		"\xc3\xc3\xa9",                        /* lead byte as continuation */
		"12345678\x80" "12345678",
	};
	/* clang-format on */
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		cr_assert_eq(valid(bad[i]), 0, "case %zu", i);
	/* the length is honoured: a valid prefix of a longer sequence is not
	 * read past n */
	cr_assert_eq(text_utf8_valid("\xc3\xa9", 1), 0);
	cr_assert_eq(text_utf8_valid("\xf0\x9f\x98\x80", 3), 0);
	cr_assert_eq(text_utf8_valid("\xf0\x9f\x98\x80", 4), 1);
	cr_assert_eq(text_utf8_valid("\xff", 0), 1);
}

Test(utf8_valid, first_bad_byte)
{
	/* clang-format off */
	static const struct { const char *s; size_t at; } t[] = {
		{"abc", 3}, {"", 0}, {"\xc3\xa9t\xc3\xa9", 5},
		{"\x80", 0}, {"Zo\xeb", 2}, {"caf\xc3\xa9 Zo\xeb", 8},
		{"12345678\xe9" "12345678", 8}, {"ab\xed\xa0\x80", 2},
		{"\xc3\xa9\xf0\x9f\x98", 2}, {"\xc3\xc3\xa9", 0},
	};
	/* clang-format on */
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		cr_assert_eq(text_utf8_bad(t[i].s, strlen(t[i].s)), t[i].at,
			     "case %zu", i);
}

Test(utf8_valid, every_two_byte_sequence)
{
	/* exhaustive over the first two bytes against the definition */
	for (int a = 0; a < 256; a++)
		for (int b = 0; b < 256; b++) {
			char s[2] = {(char)a, (char)b};
			int want;
			if (a < 0x80)
				want = b < 0x80;
			else if (a >= 0xc2 && a <= 0xdf)
				want = b >= 0x80 && b <= 0xbf;
			else
				want = 0; /* a longer sequence cut short, or bad */
			cr_assert_eq(text_utf8_valid(s, 2), want, "%02x %02x",
				     a, b);
		}
}

static struct buf out = BUF_INIT;

static const char *clean(const char *s)
{
	cr_assert_eq(text_clean(&out, s, strlen(s)), 0, "clean(%s)", s);
	return buf_cstr(&out);
}

static const char *fold(const char *s)
{
	cr_assert_eq(text_fold(&out, s, strlen(s)), 0, "fold(%s)", s);
	return buf_cstr(&out);
}

Test(text_clean, nfc_and_spaces)
{
	cr_assert_str_eq(clean("e\xcc\x81"), "\xc3\xa9", "e + U+0301 composed");
	cr_assert_str_eq(clean("Caf\x65\xcc\x81 Cr\xc3\xa8me"),
			 "Caf\xc3\xa9 Cr\xc3\xa8me");
	cr_assert_str_eq(clean("a\xc2\xa0\xc2\xa0"
			       "b"),
			 "a b", "NBSP collapsed");
	cr_assert_str_eq(clean("a\xe2\x80\x83"
			       "b"),
			 "a b", "U+2003 collapsed");
	cr_assert_str_eq(clean("a \t\xe3\x80\x80\n b"), "a b", "mixed run");
	cr_assert_str_eq(clean("ab\xe2\x80\x8b"
			       "cd"),
			 "abcd", "ZWSP dropped");
	cr_assert_str_eq(clean("\xef\xbb\xbf"
			       "x"),
			 "x", "BOM dropped");
	cr_assert_str_eq(clean("  \xc2\xa0 Hello World \xe2\x80\x83 "),
			 "Hello World", "trimmed");
	cr_assert_str_eq(clean("  plain   ascii  "), "plain ascii");
	cr_assert_str_eq(clean("MiXeD \xc3\x9c"), "MiXeD \xc3\x9c",
			 "case kept");
	cr_assert_str_eq(clean(""), "");
	cr_assert_str_eq(clean(" \xc2\xa0\t "), "");
	cr_assert_str_eq(clean("a\x01"
			       "b"),
			 "a b", "control bytes are spaces");
	cr_assert_str_eq(clean("\xef\xac\x81"), "\xef\xac\x81",
			 "no compatibility mapping");
}

Test(text_fold, keys)
{
	cr_assert_str_eq(fold("M\xc3\xbcller"), "muller");
	cr_assert_str_eq(fold("Mu\xcc\x88ller"), "muller", "decomposed input");
	cr_assert_str_eq(fold("\xc3\x89"
			      "COLE"),
			 "ecole");
	cr_assert_str_eq(fold("Stra\xc3\x9f"
			      "e"),
			 "strasse");
	cr_assert_str_eq(fold("\xef\xac\x81"
			      "nance"),
			 "finance", "fi ligature");
	cr_assert_str_eq(fold("  ACME\xc2\xa0"
			      "Corp  "),
			 "acme corp");
	cr_assert_str_eq(fold("ABC def"), "abc def", "ASCII path");
	cr_assert_str_eq(fold("\xef\xbc\xa1\xef\xbc\xa2"), "ab", "fullwidth");
	cr_assert_str_eq(fold("a\xe2\x80\x8b"
			      "b"),
			 "ab");
}

/* Latin letters with no decomposition (strokes, bars, ligatures, the
 * dotless i) fold to their base letters, upper and lower case alike, as
 * accented letters do; every other letter keeps its own. */
Test(text_fold, letters_without_decomposition)
{
	/* clang-format off */
	static const struct {
		const char *in, *out;
	} c[] = {
		{"\xc5\x81\xc3\xb3" "d\xc5\xba", "lodz"},         /* Łódź */
		{"\xc5\x82\xc3\xb3" "d\xc5\xba", "lodz"},         /* łódź */
		{"\xc3\x98rsted", "orsted"},                    /* Ørsted */
		{"\xc3\xb8", "o"}, {"\xc4\x90", "d"}, {"\xc4\x91", "d"},
		{"\xc4\xa6", "h"}, {"\xc4\xa7", "h"}, {"\xc5\xa6", "t"},
		{"\xc5\xa7", "t"}, {"\xc4\xb1", "i"}, {"\xc4\xb0", "i"},
		{"\xc3\x90", "d"}, {"\xc3\xb0", "d"},
		{"\xc3\x86", "ae"}, {"\xc3\xa6", "ae"},
		{"\xc5\x92", "oe"}, {"\xc5\x93", "oe"},
		{"\xc3\x9e", "th"}, {"\xc3\xbe", "th"},
		{"\xc3\x9f", "ss"}, {"\xe1\xba\x9e", "ss"},
		{"\xc6\x80\xc6\xb6\xc7\xa5\xc9\xa8", "bzgi"},
		/* several in a row, expanding, among other letters */
		{"\xc3\x86\xc3\x86\xc3\x9e\xc5\x92x \xc3\xa6\xc3\xbe",
		 "aeaethoex aeth"},
		{"S\xc3\xb8ren \xc3\x86rl\xc3\xb8 \xc3\x9e\xc3\xb3r",
		 "soren aerlo thor"},
		/* other scripts and letters keep theirs */
		{"\xc5\x8b", "\xc5\x8b"},                       /* ŋ */
		{"\xd0\x93\xd0\xb0\xd0\xb7", "\xd0\xb3\xd0\xb0\xd0\xb7"},
	};
	/* clang-format on */

	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
		cr_expect_str_eq(fold(c[i].in), c[i].out, "%s", c[i].in);
}

/* Many expanding letters: the code-point buffer grows to hold them. */
Test(text_fold, expansion_grows_the_buffer)
{
	static char in[2 * 5000 + 1], want[2 * 5000 + 1];

	for (size_t i = 0; i < 5000; i++) {
		memcpy(in + 2 * i, "\xc3\xa6", 2);
		memcpy(want + 2 * i, "ae", 2);
	}
	cr_assert_str_eq(fold(in), want);
	cr_assert_str_eq(fold("\xc3\xa6"), "ae", "and again, small");
}

Test(text_map, invalid_input)
{
	static const char *bad[] = {"\xff", "ab\xc3", "\xed\xa0\x80",
				    "x\xc0\xafy"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		size_t n = strlen(bad[i]);
		cr_assert_eq(text_clean(&out, bad[i], n), -1, "clean %zu", i);
		cr_assert(out.len == n && memcmp(out.p, bad[i], n) == 0,
			  "clean leaves the input as it was");
		cr_assert_eq(text_fold(&out, bad[i], n), -1, "fold %zu", i);
	}
	/* NUL inside: valid UTF-8, a control character, so white space */
	cr_assert_eq(text_clean(&out, "a\0b", 3), 0);
	cr_assert(out.len == 3 && memcmp(out.p, "a b", 3) == 0);
}

Test(text_map, buffers_reused)
{
	/* the output buffer is reset each call and stops growing */
	size_t cap;
	char *p;

	clean("J\xc3\xbcrgen  M\xc3\xbcller-L\xc3\xbc"
	      "denscheid");
	cap = out.cap;
	p = out.p;
	for (int i = 0; i < 10000; i++) {
		fold("J\xc3\xbcrgen  M\xc3\xbcller-L\xc3\xbc"
		     "denscheid");
		clean("\xc3\x89"
		      "cole  Normale");
	}
	cr_assert_eq(out.cap, cap);
	cr_assert_eq(out.p, p);
	cr_assert_str_eq(out.p, "\xc3\x89"
				"cole Normale");
}

/* text_lower appends s lower-cased in its canonical decomposition, then
 * composed: U+0130 and "I" + U+0307 give "i" + U+0307 (U+0130's own
 * lower case is a plain "i"); "J" + U+030C gives U+01F0, as "j" + U+030C
 * does; invalid UTF-8 is refused and out left as it was. */
Test(text_lower, decomposed_then_composed)
{
	struct buf b = BUF_INIT;

	buf_add(&b, "x", 1);
	cr_assert_eq(text_lower(&b, "I\xcc\x87", 3), 0);
	cr_assert_eq(text_lower(&b, "\xc4\xb0", 2), 0);
	cr_assert_eq(text_lower(&b, "J\xcc\x8c", 3), 0);
	cr_assert_eq(text_lower(&b, "\xc3\x89T\xc3\x89", 5), 0);
	cr_assert_eq(b.len, 1 + 3 + 3 + 2 + 5);
	cr_assert(memcmp(b.p,
			 "x"
			 "i\xcc\x87"
			 "i\xcc\x87"
			 "\xc7\xb0"
			 "\xc3\xa9t\xc3\xa9",
			 b.len) == 0);
	cr_assert_eq(text_lower(&b, "A\xff", 2), -1);
	cr_assert_eq(b.len, 14);
	buf_release(&b);
}

/* text_casefold appends s with full Unicode case folding, composed:
 * sharp s becomes "ss", "E" + U+0301 the one code point U+00E9; accents
 * and white space stay; invalid UTF-8 is refused, out as it was. */
Test(text_casefold, folded_and_composed)
{
	struct buf b = BUF_INIT;

	buf_add(&b, "x", 1);
	cr_assert_eq(text_casefold(&b, "Stra\u00dfe", 7), 0);
	cr_assert_eq(text_casefold(&b, "E\u0301", 3), 0);
	cr_assert_eq(text_casefold(&b, "\u03a3A  B", 6), 0);
	cr_assert_eq(b.len, 1 + 7 + 2 + 6);
	cr_assert(memcmp(b.p, "xstrasse\u00e9\u03c3a  b", b.len) == 0);
	cr_assert_eq(text_casefold(&b, "A\xff", 2), -1);
	cr_assert_eq(b.len, 16);
	buf_release(&b);
}

Test(text_ascii, is_ascii)
{
	cr_assert(text_is_ascii("", 0));
	cr_assert(text_is_ascii("0123456789abcdef\x7f", 17));
	cr_assert_not(text_is_ascii("0123456789abcdef\x80", 17));
	cr_assert_not(text_is_ascii("\xc3\xa9", 2));
	cr_assert(text_is_ascii("ab\xc3", 2), "length honoured");
}

/* A small deterministic generator for the property tests below. */
static unsigned long long rng_state = 88172645463325252ULL;

static unsigned rng(unsigned n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned)(rng_state % n);
}

/* The ASCII reading of text_clean, written the slow way: control bytes,
 * DEL and spaces are white space, runs become one space, ends trimmed. */
static void ascii_clean_ref(struct buf *b, const char *s, size_t n, int lower)
{
	int pending = 0;

	buf_reset(b);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= 0x20 || c == 0x7f) {
			pending = 1;
			continue;
		}
		if (pending && b->len)
			buf_addc(b, ' ');
		pending = 0;
		buf_addc(b, (char)(lower && c >= 'A' && c <= 'Z' ? c + 32 : c));
	}
}

Test(text_is_clean, fast_paths_agree_ascii)
{
	/* For ASCII, "clean" has an exact meaning: text_clean leaves the value
	 * as it is.  Every length from 0 to 40 crosses the byte loop (< 8),
	 * whole words and the overlapping last word; the alphabet is tilted
	 * towards spaces so that pairs of them fall on every boundary. */
	static const char alpha[] = "  aZ09~!\t\x01\x7f,\"";
	struct buf ref = BUF_INIT;
	char s[41];

	for (int round = 0; round < 200000; round++) {
		size_t n = rng(41);
		for (size_t i = 0; i < n; i++)
			s[i] = rng(4) ? "abXY01.-"[rng(8)]
				      : alpha[rng(sizeof alpha - 1)];
		ascii_clean_ref(&ref, s, n, 0);
		int want =
			ref.len == n && memcmp(ref.p ? ref.p : "", s, n) == 0;
		cr_assert_eq(text_is_clean(s, n), want, "round %d n %zu", round,
			     n);
		cr_assert_eq(text_clean(&out, s, n), 0);
		cr_assert(out.len == ref.len &&
				  memcmp(out.p ? out.p : "", ref.p ? ref.p : "",
					 ref.len) == 0,
			  "clean, round %d", round);
		ascii_clean_ref(&ref, s, n, 1);
		cr_assert_eq(text_fold(&out, s, n), 0);
		cr_assert(out.len == ref.len &&
				  memcmp(out.p ? out.p : "", ref.p ? ref.p : "",
					 ref.len) == 0,
			  "fold, round %d", round);
	}
	buf_release(&ref);
}

Test(text_is_clean, fast_paths_agree_unicode)
{
	/* With other characters text_is_clean may say no to clean text, never
	 * yes to text that cleaning changes.  Pieces: ASCII, NBSP, U+2003,
	 * ZWSP, a BOM, combining acute, precomposed e-acute, Hangul jamo,
	 * CJK, U+212B (NFC maps it), and a long ASCII run. */
	/* clang-format off */
	static const char *const piece[] = {
		"a", " ", "  ", "Z", "\t", "\xc2\xa0", "\xe2\x80\x83",
		"\xe2\x80\x8b", "\xef\xbb\xbf", "\xcc\x81", "\xc3\xa9",
		"\xe1\x84\x80", "\xe4\xb8\xad", "\xe2\x84\xab", "abcdefghijk",
	};
	/* clang-format on */
	char s[128];

	for (int round = 0; round < 100000; round++) {
		size_t n = 0, k = rng(10);
		for (size_t j = 0; j < k; j++) {
			const char *p =
				piece[rng(sizeof piece / sizeof piece[0])];
			memcpy(s + n, p, strlen(p));
			n += strlen(p);
		}
		if (text_is_clean(s, n)) {
			cr_assert_eq(text_clean(&out, s, n), 0);
			cr_assert(
				out.len == n &&
					memcmp(out.p ? out.p : "", s, n) == 0,
				"said clean but cleaning changes it, round %d",
				round);
		}
	}
	/* the decisions that matter, around the word boundaries */
	cr_assert(text_is_clean("abcdefg h", 9));
	cr_assert_not(text_is_clean("abcdefg  h", 10), "pair across a word");
	cr_assert_not(text_is_clean("abcdefgh ", 9), "trailing space");
	cr_assert_not(text_is_clean(" abcdefgh", 9), "leading space");
	cr_assert_not(text_is_clean("abcdefghijklmno\x7f", 16), "DEL last");
	cr_assert_not(text_is_clean("abcdefghij\tklmno", 16), "tab inside");
	cr_assert(text_is_clean("abcdefghijklmn\xc3\xa9", 16), "UTF-8 last");
	cr_assert_not(text_is_clean("abcdefghijklm\xc2\xa0z", 16), "NBSP");
	cr_assert(text_is_clean("", 0));
	cr_assert(text_is_clean("a b c d e f g h i", 17));
}

/* Text that maps to no code point at all (a BOM is ignored), when the
 * thread has no code point buffer yet, or after it gave it back: utf8proc
 * still writes a terminator, so there must be room for one. */
Test(text_fold, maps_to_nothing_without_a_buffer)
{
	struct buf b = BUF_INIT;

	text_thread_release();
	cr_assert_eq(text_fold(&b, "\xef\xbb\xbf", 3), 0);
	cr_assert_eq(b.len, 0);
	text_thread_release();
	cr_assert_eq(text_fold(&b, "\xef\xbb\xbf\xc3\xa9", 5), 0);
	cr_assert_eq(b.len, 1);
	cr_assert_eq(b.p[0], 'e');
	buf_release(&b);
	text_thread_release();
}
