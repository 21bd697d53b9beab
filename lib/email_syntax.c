/*
 * email_syntax: see email_syntax.h for the rules.
 *
 * One left-to-right pass: the local part first (quoted or dot-atoms), which
 * also finds the '@', then the domain label by label.  ASCII bytes are
 * classified through a table; a byte >= 0x80 starts a UTF-8
 * sequence that utf8proc decodes (overlong forms and surrogates are
 * invalid) and whose general category decides.  Lengths are checked before
 * anything else, so no input costs more than 254 steps.  email_syntax_plain
 * is the same pass for the common address only (ASCII local part, domain
 * of a-z 0-9 - .), without the label checks a caller may have cached.
 */
#include "email_syntax.h"

#include <string.h>
#include <utf8proc.h>

#define ADDRESS_MAX 254
#define LOCAL_MAX 64
#define DOMAIN_MAX 253
#define LABEL_MAX 63

/* clang-format off */
enum {
	C_ATEXT = 1,  /* allowed in a dot-atom */
	C_LDH = 2,    /* letter, digit, hyphen */
	C_ALPHA = 4,  /* ASCII letter */
	C_DIGIT = 8,
	C_QTEXT = 16, /* allowed as is between quotes (space included) */
	C_PLAIN = 32  /* a-z 0-9 '-' '.': a domain byte email_syntax_plain takes */
};
/* clang-format on */

static unsigned char cls[256]; /* bytes >= 128 are in no class */

static void init_classes(void)
{
	static const char atext_punct[] = "!#$%&'*+-/=?^_`{|}~";

	if (cls['a'])
		return;
	for (int c = 'a'; c <= 'z'; c++)
		cls[c] |= C_PLAIN;
	for (int c = '0'; c <= '9'; c++)
		cls[c] |= C_PLAIN;
	cls['-'] |= C_PLAIN;
	cls['.'] |= C_PLAIN;
	for (int c = 32; c < 127; c++)
		if (c != '"' && c != '\\')
			cls[c] |= C_QTEXT;
	for (int c = 'a'; c <= 'z'; c++)
		cls[c] |= C_ATEXT | C_LDH | C_ALPHA;
	for (int c = 'A'; c <= 'Z'; c++)
		cls[c] |= C_ATEXT | C_LDH | C_ALPHA;
	for (int c = '0'; c <= '9'; c++)
		cls[c] |= C_ATEXT | C_LDH | C_DIGIT;
	for (const char *p = atext_punct; *p; p++)
		cls[(unsigned char)*p] |= C_ATEXT;
	cls['-'] |= C_LDH;
}

/* Decode the UTF-8 character at s[i]; its length, or -1 when invalid. */
static int decode(const char *s, size_t n, size_t i, utf8proc_int32_t *cp)
{
	utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
					      (utf8proc_ssize_t)(n - i), cp);
	return k > 0 ? (int)k : -1;
}

/* Non-ASCII characters allowed in a local part: letters, marks, numbers,
 * punctuation and symbols (never separators, controls, format characters
 * or unassigned code points). */
static int local_char_ok(utf8proc_int32_t cp)
{
	/* clang-format off */
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT: case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_MN:
	case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
	case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_NO: case UTF8PROC_CATEGORY_PC:
	case UTF8PROC_CATEGORY_PD: case UTF8PROC_CATEGORY_PS:
	case UTF8PROC_CATEGORY_PE: case UTF8PROC_CATEGORY_PI:
	case UTF8PROC_CATEGORY_PF: case UTF8PROC_CATEGORY_PO:
	case UTF8PROC_CATEGORY_SM: case UTF8PROC_CATEGORY_SC:
	case UTF8PROC_CATEGORY_SK: case UTF8PROC_CATEGORY_SO:
		return 1;
	default:
		return 0;
	}
	/* clang-format on */
}

/* Non-ASCII characters allowed in a domain label: 2 for a letter or mark,
 * 1 for a digit, 0 for anything else. */
static int label_char_kind(utf8proc_int32_t cp)
{
	/* clang-format off */
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT: case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_MN:
	case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
		return 2;
	case UTF8PROC_CATEGORY_ND:
		return 1;
	default:
		return 0;
	}
	/* clang-format on */
}

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

/* Check one label s[0..n), n > 0; last says it is the TLD. */
static int check_label(const char *s, size_t n, int last)
{
	size_t chars = 0, i = 0;
	int ascii = 1, letters_only = 1, digits_only = 1;

	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		if (c < 128) {
			if (!(cls[c] & C_LDH))
				return EMAIL_SYNTAX_LABEL_CHAR;
			if (!(cls[c] & C_ALPHA))
				letters_only = 0;
			if (!(cls[c] & C_DIGIT))
				digits_only = 0;
			i++;
		} else {
			utf8proc_int32_t cp;
			int k = decode(s, n, i, &cp), kind;
			if (k < 0)
				return EMAIL_SYNTAX_UTF8;
			kind = label_char_kind(cp);
			if (kind == 0)
				return EMAIL_SYNTAX_LABEL_CHAR;
			if (kind != 2)
				letters_only = 0;
			digits_only = 0;
			ascii = 0;
			i += (size_t)k;
		}
		chars++;
	}
	if ((ascii && n > LABEL_MAX) || chars > LABEL_MAX)
		return EMAIL_SYNTAX_LABEL_TOO_LONG;
	if (s[0] == '-' || s[n - 1] == '-')
		return last ? EMAIL_SYNTAX_TLD : EMAIL_SYNTAX_LABEL_HYPHEN;
	{
		int ace = n > 4 && lower(s[0]) == 'x' && lower(s[1]) == 'n' &&
			  s[2] == '-' && s[3] == '-';
		/* "ab--" is reserved by IDNA2008 except for ACE labels */
		if (n >= 4 && s[2] == '-' && s[3] == '-' && !ace)
			return EMAIL_SYNTAX_LABEL_HYPHEN;
		if (ace && !ascii)
			return EMAIL_SYNTAX_LABEL_CHAR;
		if (last && !ace) {
			if (digits_only || !letters_only || (ascii && n < 2))
				return EMAIL_SYNTAX_TLD;
		}
	}
	return EMAIL_SYNTAX_OK;
}

static int check_domain(const char *s, size_t n)
{
	size_t start = 0;
	int labels = 0;

	if (n == 0)
		return EMAIL_SYNTAX_DOMAIN_EMPTY;
	if (n > DOMAIN_MAX)
		return EMAIL_SYNTAX_DOMAIN_TOO_LONG;
	if (s[0] == '[')
		return EMAIL_SYNTAX_DOMAIN_LITERAL;
	for (;;) {
		const char *dot = memchr(s + start, '.', n - start);
		size_t end = dot ? (size_t)(dot - s) : n;
		int r;
		if (end == start)
			return EMAIL_SYNTAX_LABEL_EMPTY;
		if (!dot && labels == 0) {
			/* a@b: check the label's own characters first */
			r = check_label(s + start, end - start, 0);
			return r ? r : EMAIL_SYNTAX_NO_TLD;
		}
		r = check_label(s + start, end - start, dot == NULL);
		if (r)
			return r;
		labels++;
		if (!dot)
			return EMAIL_SYNTAX_OK;
		start = end + 1;
		if (start == n)
			return EMAIL_SYNTAX_LABEL_EMPTY; /* trailing dot */
	}
}

int email_syntax_domain(const char *s, size_t n)
{
	init_classes();
	return check_domain(s, n);
}

/* A quoted local part at s[0] == '"': sets *end just past the closing
 * quote. */
static int check_quoted(const char *s, size_t n, size_t *end)
{
	size_t i = 1;

	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"') {
			if (i == 1)
				return EMAIL_SYNTAX_LOCAL_EMPTY;
			*end = i + 1;
			return EMAIL_SYNTAX_OK;
		}
		if (c == '\\') {
			unsigned char d;
			if (i + 1 >= n)
				return EMAIL_SYNTAX_QUOTE;
			d = (unsigned char)s[i + 1];
			if (d < 32 || d > 126)
				return EMAIL_SYNTAX_QUOTE;
			i += 2;
		} else if (c < 128) {
			if (!(cls[c] & C_QTEXT))
				return EMAIL_SYNTAX_QUOTE;
			i++;
		} else {
			utf8proc_int32_t cp;
			int k = decode(s, n, i, &cp);
			if (k < 0)
				return EMAIL_SYNTAX_UTF8;
			if (!local_char_ok(cp))
				return EMAIL_SYNTAX_QUOTE;
			i += (size_t)k;
		}
	}
	return EMAIL_SYNTAX_QUOTE; /* never closed */
}

/* An unquoted local part: dot-atoms up to the first '@' (*end). */
static int check_atoms(const char *s, size_t n, size_t *end)
{
	size_t i = 0;
	int prev_dot = 1; /* at the start a dot is as bad as after a dot */

	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		if (c == '@')
			break;
		if (c == '.') {
			if (prev_dot)
				return EMAIL_SYNTAX_LOCAL_DOT;
			prev_dot = 1;
			i++;
			continue;
		}
		if (c < 128) {
			if (!(cls[c] & C_ATEXT))
				return EMAIL_SYNTAX_LOCAL_CHAR;
			i++;
		} else {
			utf8proc_int32_t cp;
			int k = decode(s, n, i, &cp);
			if (k < 0)
				return EMAIL_SYNTAX_UTF8;
			if (!local_char_ok(cp))
				return EMAIL_SYNTAX_LOCAL_CHAR;
			i += (size_t)k;
		}
		prev_dot = 0;
	}
	if (i == n)
		return EMAIL_SYNTAX_NO_AT;
	if (i == 0)
		return EMAIL_SYNTAX_LOCAL_EMPTY;
	if (prev_dot)
		return EMAIL_SYNTAX_LOCAL_DOT;
	*end = i;
	return EMAIL_SYNTAX_OK;
}

int email_syntax_local(const char *s, size_t n, size_t *at)
{
	size_t end = 0;
	int r;

	init_classes();
	if (n == 0)
		return EMAIL_SYNTAX_EMPTY;
	if (n > ADDRESS_MAX)
		return EMAIL_SYNTAX_TOO_LONG;
	if (s[0] == '"') {
		r = check_quoted(s, n, &end);
		if (r)
			return r;
		if (end == n)
			return EMAIL_SYNTAX_NO_AT;
		if (s[end] != '@')
			return EMAIL_SYNTAX_QUOTE;
	} else {
		r = check_atoms(s, n, &end);
		if (r)
			return r;
	}
	if (end > LOCAL_MAX)
		return EMAIL_SYNTAX_LOCAL_TOO_LONG;
	if (memchr(s + end + 1, '@', n - end - 1))
		return EMAIL_SYNTAX_MANY_AT;
	*at = end;
	return EMAIL_SYNTAX_OK;
}

int email_syntax_plain(const char *s, size_t n, size_t *at)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i;
	int prev_dot = 1;

	init_classes();
	if (n > ADDRESS_MAX)
		return 0;
	/* the local part: check_atoms's rules, ASCII only */
	for (i = 0; i < n && u[i] != '@'; i++) {
		if (cls[u[i]] & C_ATEXT)
			prev_dot = 0;
		else if (u[i] == '.' && !prev_dot)
			prev_dot = 1;
		else
			return 0;
	}
	if (i == 0 || i == n || i > LOCAL_MAX || prev_dot)
		return 0;
	*at = i;
	/* the domain: plain bytes only, so no second '@' either */
	for (i++; i < n; i++)
		if (!(cls[u[i]] & C_PLAIN))
			return 0;
	return 1;
}

int email_syntax_check(const char *s, size_t n, size_t *at)
{
	size_t end = 0;
	int r = email_syntax_local(s, n, &end);

	if (r)
		return r;
	r = check_domain(s + end + 1, n - end - 1);
	if (r)
		return r;
	if (at)
		*at = end;
	return EMAIL_SYNTAX_OK;
}

const char *email_syntax_message(int code)
{
	/* clang-format off */
	static const char *const msg[] = {
		[EMAIL_SYNTAX_OK] = "valid",
		[EMAIL_SYNTAX_EMPTY] = "empty",
		[EMAIL_SYNTAX_TOO_LONG] = "longer than 254 bytes",
		[EMAIL_SYNTAX_NO_AT] = "no '@'",
		[EMAIL_SYNTAX_MANY_AT] = "more than one '@'",
		[EMAIL_SYNTAX_LOCAL_EMPTY] = "empty local part",
		[EMAIL_SYNTAX_LOCAL_TOO_LONG] = "local part longer than 64 bytes",
		[EMAIL_SYNTAX_LOCAL_DOT] = "leading, trailing or double dot in the local part",
		[EMAIL_SYNTAX_LOCAL_CHAR] = "character not allowed in an unquoted local part",
		[EMAIL_SYNTAX_QUOTE] = "bad quoted local part",
		[EMAIL_SYNTAX_DOMAIN_EMPTY] = "empty domain",
		[EMAIL_SYNTAX_DOMAIN_TOO_LONG] = "domain longer than 253 bytes",
		[EMAIL_SYNTAX_DOMAIN_LITERAL] = "address literal instead of a domain",
		[EMAIL_SYNTAX_LABEL_EMPTY] = "leading, trailing or double dot in the domain",
		[EMAIL_SYNTAX_LABEL_TOO_LONG] = "domain label longer than 63 bytes",
		[EMAIL_SYNTAX_LABEL_CHAR] = "character not allowed in a domain",
		[EMAIL_SYNTAX_LABEL_HYPHEN] = "misplaced hyphen in a domain label",
		[EMAIL_SYNTAX_NO_TLD] = "domain without a top-level domain",
		[EMAIL_SYNTAX_TLD] = "top-level domain not made of letters",
		[EMAIL_SYNTAX_UTF8] = "invalid UTF-8",
	};
	/* clang-format on */

	if (code < 0 || (size_t)code >= sizeof msg / sizeof msg[0])
		return "unknown";
	return msg[code];
}
