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
 * memoised in a direct-mapped table of MEMO_SLOTS entries indexed by the
 * XXH3 hash of the host: a slot holds the host (hosts longer than
 * MEMO_HOST_MAX bytes are not memoised), its hash and where in the host the
 * registrable domain starts (or that there is none).  A new host evicts
 * whatever shared its slot; the table is allocated once (about 360 KB) on
 * first use and never grows.  Because the registrable domain is always a
 * suffix of the host, the answer is an offset, not a second string.
 */
#include "norm_domain.h"

#include <libpsl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>
#include <xxhash.h>

#include "err.h"
#include "norm_text.h"
#include "psl.h"

#define MEMO_SLOTS 4096 /* a power of two */
#define MEMO_HOST_MAX 72
#define HOST_ASCII_MAX 253
#define HOST_UTF8_MAX 1012
#define LABEL_ASCII_MAX 63
#define LABEL_UTF8_MAX 252

enum { HOST_OK = 0, HOST_BAD = -1, HOST_IP = -2 };

struct memo {
	uint64_t hash;
	uint16_t hlen;  /* 0: empty slot */
	int16_t off;    /* start of the registrable domain, -1: none */
	char host[MEMO_HOST_MAX];
};

static const psl_ctx_t *psl_ctx;
static psl_ctx_t *psl_owned;
static int psl_tried;
static struct memo *memo;
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

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

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

/* Check the labels of h; HOST_OK, HOST_BAD or HOST_IP. */
static int host_check(const struct buf *h)
{
	size_t i, label = 0, labels = 1;
	int ascii = 1, label_ascii = 1, label_digits = 1;

	if (h->len == 0)
		return HOST_BAD;
	for (i = 0; i <= h->len; i++) {
		char c = i < h->len ? h->p[i] : '.';
		if (c == '.') {
			if (label == 0 ||
			    label > (label_ascii ? LABEL_ASCII_MAX : LABEL_UTF8_MAX))
				return HOST_BAD;
			if (i < h->len) {
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
	if (h->len > (ascii ? HOST_ASCII_MAX : HOST_UTF8_MAX))
		return HOST_BAD;
	return HOST_OK;
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
		for (i = 1; i < m && (is_alpha(p[i]) || is_digit(p[i]) ||
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
	i = (size_t)host_check(h);
	buf_cstr(h);
	return (int)i;
}

/* Reduce the host h (NUL-terminated) into out; 0 or -1. */
static int host_reduce(const char *h, size_t hn, struct buf *out)
{
	const psl_ctx_t *ctx = psl_get();
	struct memo *slot = NULL;
	const char *r;
	uint64_t hash = 0;
	long off;

	if (!ctx) {
		buf_add(out, h, hn);
		return 0;
	}
	if (hn <= MEMO_HOST_MAX) {
		if (!memo)
			memo = xcalloc(MEMO_SLOTS, sizeof *memo);
		hash = XXH3_64bits(h, hn);
		slot = &memo[hash & (MEMO_SLOTS - 1)];
		if (slot->hlen == hn && slot->hash == hash &&
		    memcmp(slot->host, h, hn) == 0) {
			if (slot->off < 0)
				return -1;
			buf_add(out, h + slot->off, hn - (size_t)slot->off);
			return 0;
		}
	}
	r = psl_registrable_domain(ctx, h);
	off = r ? (long)(r - h) : -1;
	if (slot) {
		slot->hash = hash;
		slot->hlen = (uint16_t)hn;
		slot->off = (int16_t)off;
		memcpy(slot->host, h, hn);
	}
	if (off < 0)
		return -1;
	buf_add(out, h + off, hn - (size_t)off);
	return 0;
}

int domain_registrable(const char *s, size_t n, struct buf *out)
{
	buf_reset(out);
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
