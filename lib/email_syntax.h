/*
 * email_syntax: does a string have the form of an e-mail address that a
 * mail server would accept?  The practical subset of RFC 5321/5322, with
 * the UTF-8 addresses of RFC 6531:
 *
 *   address  at most 254 bytes; exactly one '@' outside a quoted local part
 *   local    1..64 bytes; either dot-atoms (letters, digits and
 *            ! # $ % & ' * + - / = ? ^ _ ` { | } ~, single dots between
 *            them, none first or last) or one quoted string ("john doe",
 *            "a@b": printable ASCII, space, backslash pairs); non-ASCII
 *            characters are letters, marks, digits, punctuation or symbols
 *   domain   two or more labels separated by single dots, no trailing dot;
 *            a label is 1..63 bytes of letters, digits and hyphens, not
 *            starting or ending with '-', with "--" in its 3rd and 4th
 *            places only in an "xn--" (IDNA ACE) label; a UTF-8 label holds
 *            letters, marks and digits (up to 63 of them); address literals
 *            ([192.0.2.1]) are refused
 *   TLD      the last label: two or more ASCII letters, an "xn--" label, or
 *            a UTF-8 label of letters; never all digits
 *
 * Case is free (the checker accepts "Jane@ACME.com").  White space, control
 * characters and invalid UTF-8 are refused everywhere except the ASCII
 * space inside quotes.  Pure functions: pointer + length, no allocation,
 * O(n) with an early exit past 254 bytes.
 */
#ifndef COV_EMAIL_SYNTAX_H
#define COV_EMAIL_SYNTAX_H

#include <stddef.h>

/* clang-format off */
enum email_syntax_error {
	EMAIL_SYNTAX_OK = 0,
	EMAIL_SYNTAX_EMPTY,
	EMAIL_SYNTAX_TOO_LONG,        /* more than 254 bytes */
	EMAIL_SYNTAX_NO_AT,
	EMAIL_SYNTAX_MANY_AT,         /* a second '@' outside quotes */
	EMAIL_SYNTAX_LOCAL_EMPTY,
	EMAIL_SYNTAX_LOCAL_TOO_LONG,  /* more than 64 bytes */
	EMAIL_SYNTAX_LOCAL_DOT,       /* leading, trailing or double dot */
	EMAIL_SYNTAX_LOCAL_CHAR,      /* a character not allowed unquoted */
	EMAIL_SYNTAX_QUOTE,           /* bad quoted string */
	EMAIL_SYNTAX_DOMAIN_EMPTY,
	EMAIL_SYNTAX_DOMAIN_TOO_LONG, /* more than 253 bytes */
	EMAIL_SYNTAX_DOMAIN_LITERAL,  /* [192.0.2.1] */
	EMAIL_SYNTAX_LABEL_EMPTY,     /* leading, trailing or double dot */
	EMAIL_SYNTAX_LABEL_TOO_LONG,  /* more than 63 bytes (characters) */
	EMAIL_SYNTAX_LABEL_CHAR,      /* not a letter, digit or hyphen */
	EMAIL_SYNTAX_LABEL_HYPHEN,    /* '-' first or last, or a bad "--" */
	EMAIL_SYNTAX_NO_TLD,          /* one label only, as in a@b */
	EMAIL_SYNTAX_TLD,             /* numeric, one letter, or a hyphen */
	EMAIL_SYNTAX_UTF8             /* invalid UTF-8 */
};
/* clang-format on */

/* Check s[0..n) as an address.  Returns EMAIL_SYNTAX_OK (0) and sets *at
 * (when not NULL) to the offset of the '@' that separates local part and
 * domain, or the first problem found, scanning left to right. */
int email_syntax_check(const char *s, size_t n, size_t *at);

/* Everything email_syntax_check does but the domain's labels: the length,
 * the local part and the one '@' (*at, as above).  A caller that has seen
 * the domain before can skip email_syntax_domain. */
int email_syntax_local(const char *s, size_t n, size_t *at);

/* A fast path for the common address: 1 when s[0..n) is an unquoted ASCII
 * local part that email_syntax_local accepts, one '@' and a domain of
 * only a-z 0-9 '-' '.' (its labels are not checked); *at is then set as
 * email_syntax_local would.  0 when it cannot tell: ask
 * email_syntax_local. */
int email_syntax_plain(const char *s, size_t n, size_t *at);

/* Check s[0..n) as the domain of an address (the rules above, at most 253
 * bytes).  EMAIL_SYNTAX_OK or the problem. */
int email_syntax_domain(const char *s, size_t n);

/* A short English description of a code ("local part longer than 64
 * bytes").  Static string. */
const char *email_syntax_message(int code);

#endif
