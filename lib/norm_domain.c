/*
 * norm_domain: see norm_domain.h.
 *
 * The Public Suffix List is the DAFSA from Debian's publicsuffix package,
 * embedded as PSL_DAFSA (data/psl.embed) and loaded once, on first use, with
 * psl_load_fp over fmemopen of the embedded bytes.  Should that fail, the
 * list of the system (psl_latest) and then libpsl's built-in list are used;
 * with no list at all, domain_registrable returns the host unreduced.
 *
 * A registrable-domain look-up in libpsl costs about 0.7 us, and exports
 * repeat the same few thousand domains millions of times, so results are
 * memoised in a four-way set-associative table of MEMO_SLOTS entries.  A
 * host is known by its XXH3-128 hash alone (112 bits of it compared: a
 * wrong answer would need two hosts that agree on all of them), so an
 * entry is 16 bytes, a set of four one cache line, and hosts of any
 * length are memoised.  Because the registrable domain is always a suffix
 * of the host, the answer is an offset, kept in the hash's low 16 bits as
 * offset + 2 (1: no registrable domain; 0: an empty entry).  A new host
 * goes first in its set and the oldest of the four leaves; the table is
 * allocated once (256 KB) on first use and never grows.
 *
 * A value made only of a-z 0-9 . - _ (an e-mail's domain, mostly) is its
 * own host: host_check_plain checks it in the pass that finds it plain,
 * with no extraction and no copy.
 */
#include "norm_domain.h"

#include <libpsl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>
#include <xxhash.h>

#include "err.h"
#include "norm_text.h"
#include "psl.h"

#define MEMO_SLOTS 16384 /* a power of two, four per set */
#define MEMO_WAYS 4
#define HOST_ASCII_MAX 253
#define HOST_UTF8_MAX 1012
#define LABEL_ASCII_MAX 63
#define LABEL_UTF8_MAX 252

enum { HOST_OK = 0, HOST_BAD = -1, HOST_IP = -2, HOST_NOT_PLAIN = -3 };

struct memo_set {
	uint64_t tag[MEMO_WAYS]
		    [2]; /* hash high 64 bits; low 48 bits | answer */
};

static const psl_ctx_t *psl_ctx;
static psl_ctx_t *psl_owned;
static int psl_tried;
static struct memo_set *memo;
static struct buf scratch = BUF_INIT, hostbuf = BUF_INIT;

static const psl_ctx_t *psl_get(void)
{
	FILE *f;

	if (psl_tried)
		return psl_ctx;
	psl_tried = 1;
	if ((f = fmemopen((void *)PSL_DAFSA, PSL_DAFSA_len, "rb"))) {
		psl_owned = psl_load_fp(f);
		fclose(f);
	}
	if (!psl_owned)
		psl_owned = psl_latest(NULL);
	psl_ctx = psl_owned ? psl_owned : psl_builtin();
	return psl_ctx;
}

static int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* Append the lower-cased host p[0..m) (valid UTF-8) to h, with the full
 * stops and full-width ASCII of UTS #46 mapped to ASCII. */
static void host_lower(struct buf *h, const char *p, size_t m)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t i = 0;

	buf_grow(h, m * 2 + 8);
	while (i < m) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k;

		if (u[i] < 0x80) {
			char ch = (char)u[i++];
			if (ch >= 'A' && ch <= 'Z')
				ch = (char)(ch + 32);
			h->p[h->len++] = ch;
			continue;
		}
		k = utf8proc_iterate(u + i, (utf8proc_ssize_t)(m - i), &c);
		if (k <= 0) {
			h->p[h->len++] = (char)u[i++];
			continue;
		}
		i += (size_t)k;
		if (c == 0x3002 || c == 0xff61)
			c = '.';
		else if (c >= 0xff01 && c <= 0xff5e) /* full-width ASCII */
			c -= 0xfee0;
		if (c < 0x80) {
			char ch = (char)c;
			if (ch >= 'A' && ch <= 'Z')
				ch = (char)(ch + 32);
			h->p[h->len++] = ch;
			continue;
		}
		if (h->cap - h->len < 8)
			buf_grow(h, 8);
		h->len += (size_t)utf8proc_encode_char(
			utf8proc_tolower(c), (utf8proc_uint8_t *)h->p + h->len);
	}
}

/* Check the labels of the host h[0..n); HOST_OK, HOST_BAD or HOST_IP. */
static int host_check(const char *h, size_t n)
{
	size_t i, label = 0, labels = 1;
	int ascii = 1, label_ascii = 1, label_digits = 1;

	if (n == 0)
		return HOST_BAD;
	for (i = 0; i <= n; i++) {
		char c = i < n ? h[i] : '.';
		if (c == '.') {
			if (label == 0 ||
			    label > (label_ascii ? LABEL_ASCII_MAX
						 : LABEL_UTF8_MAX))
				return HOST_BAD;
			if (i < n) {
				labels++;
				label = 0;
				label_ascii = label_digits = 1;
			}
			continue;
		}
		label++;
		if ((unsigned char)c >= 0x80) {
			ascii = label_ascii = label_digits = 0;
		} else if (is_digit(c)) {
			continue;
		} else if ((c >= 'a' && c <= 'z') || c == '-' || c == '_') {
			label_digits = 0;
		} else {
			return HOST_BAD;
		}
	}
	if (labels < 2)
		return HOST_BAD;
	if (label_digits) /* no top-level domain is all digits */
		return HOST_IP;
	if (n > (ascii ? HOST_ASCII_MAX : HOST_UTF8_MAX))
		return HOST_BAD;
	return HOST_OK;
}

/* host_check for a value made only of a-z 0-9 . - _, in the pass that
 * finds it is: host_extract would find no wrapper, scheme, path,
 * userinfo, port, space or capital in it to remove, so the host is the
 * value itself less one trailing dot (its length into *hn).  Most values
 * that reach domain_registrable (e-mail domains above all) look so.
 * HOST_NOT_PLAIN for any other value. */
static int host_check_plain(const char *s, size_t n, size_t *hn)
{
	size_t i, label = 0, labels = 1;
	int bad = 0, digits = 1;

	*hn = n > 0 && s[n - 1] == '.' ? n - 1 : n;
	for (i = 0; i < n; i++) {
		char c = s[i];
		if ((c >= 'a' && c <= 'z') || c == '-' || c == '_') {
			label++;
			digits = 0;
		} else if (c >= '0' && c <= '9') {
			label++;
		} else if (c == '.') {
			if (i == *hn)
				break; /* the trailing dot */
			if (label == 0 || label > LABEL_ASCII_MAX)
				bad = 1;
			labels++;
			label = 0;
			digits = 1;
		} else {
			return HOST_NOT_PLAIN;
		}
	}
	if (bad || label == 0 || label > LABEL_ASCII_MAX || labels < 2)
		return HOST_BAD;
	if (digits) /* no top-level domain is all digits */
		return HOST_IP;
	return *hn > HOST_ASCII_MAX ? HOST_BAD : HOST_OK;
}

/* Extract the host of s into h (NUL-terminated); HOST_OK, _BAD or _IP. */
static int host_extract(const char *s, size_t n, struct buf *h)
{
	const char *p = s, *q;
	size_t m = n, i;

	buf_reset(h);
	if (!s)
		return HOST_BAD;
	if (text_is_ascii(s, n)) {
		while (m && (unsigned char)*p <= ' ')
			p++, m--;
		while (m && (unsigned char)p[m - 1] <= ' ')
			m--;
	} else {
		if (text_clean(&scratch, s, n) < 0)
			return HOST_BAD;
		p = scratch.p;
		m = scratch.len;
	}
	/* wrappers and list punctuation around a value: <acme.com>, "acme.com"; */
	while (m && (p[0] == '<' || p[0] == '(' || p[0] == '"' || p[0] == '\''))
		p++, m--;
	while (m && (p[m - 1] == '>' || p[m - 1] == ')' || p[m - 1] == '"' ||
		     p[m - 1] == '\'' || p[m - 1] == ',' || p[m - 1] == ';'))
		m--;
	if (m >= 7 && strncasecmp(p, "mailto:", 7) == 0) {
		p += 7;
		m -= 7;
	}
	if (m && is_alpha(p[0])) {
		for (i = 1;
		     i < m && (is_alpha(p[i]) || is_digit(p[i]) ||
			       p[i] == '+' || p[i] == '-' || p[i] == '.');
		     i++)
			;
		if (i + 3 <= m && memcmp(p + i, "://", 3) == 0) {
			p += i + 3;
			m -= i + 3;
		}
	} else if (m >= 2 && p[0] == '/' && p[1] == '/') {
		p += 2;
		m -= 2;
	}
	for (i = 0; i < m; i++)
		if (p[i] == '/' || p[i] == '?' || p[i] == '#' || p[i] == '\\')
			break;
	m = i;
	if ((q = memrchr(p, '@', m))) {
		m -= (size_t)(q + 1 - p);
		p = q + 1;
	}
	if (m && p[0] == '[')
		return HOST_IP;
	if ((q = memchr(p, ':', m))) {
		if (memchr(q + 1, ':', m - (size_t)(q + 1 - p)))
			return HOST_IP; /* bare IPv6 */
		m = (size_t)(q - p);
	}
	if (m == 0 || m > HOST_UTF8_MAX + 1)
		return HOST_BAD;
	host_lower(h, p, m);
	if (h->len && h->p[h->len - 1] == '.')
		h->len--;
	i = (size_t)host_check(h->p, h->len);
	buf_cstr(h);
	return (int)i;
}

/* Reduce the host h[0..hn) into out; 0 or -1.  libpsl needs the host
 * NUL-terminated: h is copied into hostbuf when it is not hostbuf's. */
static int host_reduce(const char *h, size_t hn, struct buf *out)
{
	const psl_ctx_t *ctx = psl_get();
	struct memo_set *set;
	const char *r;
	XXH128_hash_t hash;
	uint64_t lo;
	long off;

	if (!ctx) {
		buf_add(out, h, hn);
		return 0;
	}
	if (!memo) {
		/* aligned, so that a set is one cache line */
		memo = aligned_alloc(64, MEMO_SLOTS / MEMO_WAYS * sizeof *memo);
		if (!memo)
			cov_die(COV_EXIT_IO, "out of memory");
		memset(memo, 0, MEMO_SLOTS / MEMO_WAYS * sizeof *memo);
	}
	hash = XXH3_128bits(h, hn);
	lo = hash.low64 & ~(uint64_t)0xffff;
	set = &memo[hash.high64 & (MEMO_SLOTS / MEMO_WAYS - 1)];
	for (int w = 0; w < MEMO_WAYS; w++) {
		uint64_t t = set->tag[w][1];
		if (set->tag[w][0] != hash.high64 || (t & 0xffff) == 0 ||
		    (t & ~(uint64_t)0xffff) != lo)
			continue;
		off = (long)(t & 0xffff) - 2;
		if (off < 0)
			return -1;
		buf_add(out, h + off, hn - (size_t)off);
		return 0;
	}
	if (h != hostbuf.p) {
		buf_reset(&hostbuf);
		buf_add(&hostbuf, h, hn);
		buf_cstr(&hostbuf);
		h = hostbuf.p;
	}
	r = psl_registrable_domain(ctx, h);
	off = r ? (long)(r - h) : -1;
	if (off < 0xfff0) { /* always: a host is at most 1012 bytes */
		memmove(set->tag[1], set->tag[0],
			(MEMO_WAYS - 1) * sizeof set->tag[0]);
		set->tag[0][0] = hash.high64;
		set->tag[0][1] = lo | (uint64_t)(off + 2);
	}
	if (off < 0)
		return -1;
	buf_add(out, h + off, hn - (size_t)off);
	return 0;
}

int domain_registrable(const char *s, size_t n, struct buf *out)
{
	buf_reset(out);
	if (s) {
		size_t hn;
		int k = host_check_plain(s, n, &hn);
		if (k == HOST_OK)
			return host_reduce(s, hn, out);
		if (k != HOST_NOT_PLAIN)
			return -1;
	}
	if (host_extract(s, n, &hostbuf) != HOST_OK)
		return -1;
	return host_reduce(hostbuf.p, hostbuf.len, out);
}

int domain_host(const char *s, size_t n, struct buf *out)
{
	buf_reset(out);
	if (host_extract(s, n, &hostbuf) != HOST_OK)
		return -1;
	buf_add(out, hostbuf.p, hostbuf.len);
	return 0;
}

int domain_is_ip(const char *s, size_t n)
{
	return host_extract(s, n, &hostbuf) == HOST_IP;
}

int domain_is_public_suffix(const char *s, size_t n)
{
	const psl_ctx_t *ctx = psl_get();

	if (!ctx || !s || n == 0 || memchr(s, '\0', n))
		return 0;
	buf_reset(&hostbuf);
	buf_add(&hostbuf, s, n);
	return psl_is_public_suffix(ctx, buf_cstr(&hostbuf)) ? 1 : 0;
}
