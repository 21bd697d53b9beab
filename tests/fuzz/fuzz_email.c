/*
 * libFuzzer target for the e-mail syntax checker (email_syntax.h) and the
 * address lookups of validate.h.  Any input bytes are an address.  Checked
 * on every run, abort on failure:
 *   - an accepted address has its '@' at *at, a local part of 1..64 bytes,
 *     at most 254 bytes in all, and a domain that email_syntax_domain
 *     accepts on its own;
 *   - email_syntax_local and email_syntax_domain agree with
 *     email_syntax_check;
 *   - the verdict does not change when ASCII letters change case;
 *   - the domain-list and role lookups (case folding, Public Suffix List,
 *     the remembered-domain table) survive the bytes and answer the same
 *     twice;
 *   - the dedupe key (norm_email.h): email_key_add appends what email_key
 *     writes (the quick way for a plain address, 64 bytes at a time with
 *     AVX-512 or 16 without, reads nothing past the input, which
 *     AddressSanitizer would see), and neither changes when ASCII letters
 *     change case (which needs NFC after lower-casing: 'J' + U+030C).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "email_syntax.h"
#include "norm_email.h"
#include "validate.h"

static struct validator *v;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	size_t at = (size_t)-1, at2 = (size_t)-1;
	int r = email_syntax_check(s, size, &at);
	int l = email_syntax_local(s, size, &at2);
	char *flip;

	if (!v)
		v = validator_new();
	if (r == EMAIL_SYNTAX_OK) {
		if (at >= size || s[at] != '@' || at == 0 || at > 64 ||
		    size > 254)
			abort();
		if (l != EMAIL_SYNTAX_OK || at2 != at)
			abort();
		if (email_syntax_domain(s + at + 1, size - at - 1) !=
		    EMAIL_SYNTAX_OK)
			abort();
	} else if (l == EMAIL_SYNTAX_OK) {
		if (at2 >= size || s[at2] != '@')
			abort();
		if (email_syntax_domain(s + at2 + 1, size - at2 - 1) != r)
			abort();
	} else if (l != r) {
		abort();
	}
	if (email_syntax_message(r)[0] == '\0')
		abort();

	flip = malloc(size ? size : 1);
	if (!flip)
		abort();
	for (size_t i = 0; i < size; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 'a' && c <= 'z')
			c -= 32;
		else if (c >= 'A' && c <= 'Z')
			c += 32;
		flip[i] = (char)c;
	}
	if (email_syntax_check(flip, size, NULL) != r)
		abort();
	{
		static struct buf a = BUF_INIT, b = BUF_INIT, c = BUF_INIT;
		int ka = email_key(s, size, &a), kb, kc;

		buf_reset(&b);
		buf_add(&b, "x", 1);
		kb = email_key_add(s, size, &b);
		kc = email_key(flip, size, &c);
		if (ka != kb || ka != kc)
			abort();
		if (ka == 0 &&
		    (b.len != a.len + 1 || memcmp(b.p + 1, a.p, a.len) != 0 ||
		     c.len != a.len || memcmp(c.p, a.p, a.len) != 0))
			abort();
		if (ka < 0 && b.len != 1)
			abort();
	}
	free(flip);

	if (r == EMAIL_SYNTAX_OK) {
		int c1 = validator_domain_class(v, s + at + 1, size - at - 1);
		int c2 = validator_domain_class(v, s + at + 1, size - at - 1);
		if (c1 != c2 || c1 < 0 || c1 > 3)
			abort();
		if (validate_is_role(s, at) != validate_is_role(s, at))
			abort();
	} else {
		/* any bytes as a domain, and as a local part */
		int c1 = validator_domain_class(v, s, size);
		if (c1 < 0 || c1 > 3)
			abort();
		(void)validate_is_role(s, size);
	}
	return 0;
}
