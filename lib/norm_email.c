/*
 * norm_email: see norm_email.h.
 *
 * email_clean runs text_clean into a static scratch buffer (skipped for an
 * input that is clean already, the common case), narrows the cleaned bytes
 * to the address (angle brackets, "mailto:") and lower-cases them into the
 * caller's buffer: ASCII byte by byte (a printable address 16 bytes at a
 * time, finding its last '@' on the way), other code points with
 * utf8proc_tolower (simple, one-to-one case mapping) in their canonical
 * decomposition, composed again after (text_lower).  The local part is
 * lower-cased too: RFC 5321 lets a server treat it as case-sensitive, but no
 * mail provider in use does, and a key that kept case would miss duplicates.
 *
 * email_key rewrites the cleaned address in place (it only ever shrinks)
 * after one look-up in the provider table below.  The table is the whole
 * policy; extend it with care, since a wrong entry merges distinct people:
 *
 *   domain            tag  dots  canonical domain
 *   gmail.com          +   yes
 *   googlemail.com     +   yes   gmail.com
 *   outlook.com, hotmail.com, live.com, msn.com,           +    no
 *   icloud.com, me.com, mac.com, fastmail.com, fastmail.fm,
 *   protonmail.com, protonmail.ch, proton.me, pm.me,
 *   zoho.com, yandex.com, yandex.ru
 *   yahoo.com          -   no    (Yahoo disposable addresses are
 *                                 "base-keyword"; the key keeps "base")
 *
 * "tag" removes everything from the first tag character of the local part;
 * "dots" removes every '.' of the local part.  A quoted local part is left
 * alone, and so is a local part the rules would leave empty ("+x@gmail.com").
 */
#include "norm_email.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#ifdef __SSE2__
#include <emmintrin.h>
#include <immintrin.h>
#endif

#include "cli.h"
#include "norm_text.h"

/* per thread */
static _Thread_local struct buf scratch = BUF_INIT, key_scratch = BUF_INIT;

struct provider {
	const char *domain;
	size_t len;        /* of domain */
	char tag;          /* sub-address separator, 0 for none */
	char drop_dots;    /* 1 when dots in the local part are ignored */
	const char *canon; /* domain written into the key, NULL: unchanged;
			    * never longer than domain (rewritten in place) */
};

/* clang-format off */
#define PROVIDER(d, tag, dots, canon) {d, sizeof d - 1, tag, dots, canon}
/* clang-format on */

/* The providers' lookup tables and the way addresses are lower-cased:
 * made once, by the first thread that needs them (tables_init, below) */
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;
static _Atomic int tables_ready;
static void tables_init(void);

static void tables(void)
{
	if (!atomic_load_explicit(&tables_ready, memory_order_acquire))
		pthread_once(&tables_once, tables_init);
}

/* clang-format off */
static const struct provider providers[] = {
	PROVIDER("gmail.com", '+', 1, NULL),
	PROVIDER("googlemail.com", '+', 1, "gmail.com"),
	PROVIDER("outlook.com", '+', 0, NULL),
	PROVIDER("hotmail.com", '+', 0, NULL),
	PROVIDER("live.com", '+', 0, NULL),
	PROVIDER("msn.com", '+', 0, NULL),
	PROVIDER("icloud.com", '+', 0, NULL),
	PROVIDER("me.com", '+', 0, NULL),
	PROVIDER("mac.com", '+', 0, NULL),
	PROVIDER("fastmail.com", '+', 0, NULL),
	PROVIDER("fastmail.fm", '+', 0, NULL),
	PROVIDER("protonmail.com", '+', 0, NULL),
	PROVIDER("protonmail.ch", '+', 0, NULL),
	PROVIDER("proton.me", '+', 0, NULL),
	PROVIDER("pm.me", '+', 0, NULL),
	PROVIDER("zoho.com", '+', 0, NULL),
	PROVIDER("yandex.com", '+', 0, NULL),
	PROVIDER("yandex.ru", '+', 0, NULL),
	PROVIDER("yahoo.com", '-', 0, NULL),
};
/* clang-format on */

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void trim(const char **p, size_t *n)
{
	while (*n && is_space(**p)) {
		(*p)++;
		(*n)--;
	}
	while (*n && is_space((*p)[*n - 1]))
		(*n)--;
}

/* trim, with a quick look first: most values have nothing to trim */
static void trim_ends(const char **p, size_t *n)
{
	if (*n && ((unsigned char)(*p)[0] <= ' ' ||
		   (unsigned char)(*p)[*n - 1] <= ' '))
		trim(p, n);
}

/* Append s to out, lower-cased (text_lower: in the canonical
 * decomposition, so that 'J' and U+030C, which compose only as 'j', and
 * U+0130, whose own lower case drops the dot, give the same address in
 * either case).  Invalid UTF-8 (which text_clean never leaves) is
 * appended as it is. */
static void add_lower(struct buf *out, const char *s, size_t n)
{
	if (text_lower(out, s, n) < 0)
		buf_add(out, s, n);
}

/* s[0..7) is "mailto:" in any case: two words, not a call.  Setting bit
 * 0x20 makes a capital small and leaves ':' as it is, but also makes ':'
 * of the control byte 0x1a: "mailto" and 0x1a passes too, which does no
 * harm, as such an address is not plain anyway. */
static int starts_mailto(const char *s)
{
	static const char pat[] = "mailto:";
	const uint32_t low = 0x20202020u;
	uint32_t a, b, pa, pb;

	memcpy(&a, s, 4);
	memcpy(&b, s + 3, 4);
	memcpy(&pa, pat, 4);
	memcpy(&pb, pat + 3, 4);
	return (a | low) == pa && (b | low) == pb;
}

/* Not "<...>" nor "mailto:...": if it is printable ASCII too, cleaning
 * it only lower-cases it. */
static int plain_address(const char *s, size_t n)
{
	return n && s[0] != '<' && s[n - 1] != '>' &&
	       !(n >= 7 && starts_mailto(s));
}

/* Lower-case s[0..n) into d while it is printable ASCII without spaces:
 * the bytes done (n when all were).  When all were, *at is the place of
 * the last '@', or n when there is none. */
static size_t lower_plain_bytes(char *d, const char *s, size_t n, size_t *at)
{
	size_t i;

	*at = n;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x21 || c > 0x7e)
			return i;
		if (c == '@')
			*at = i;
		d[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	return i;
}

#ifdef __SSE2__
/* 16 bytes at a time: a block's bytes outside 0x21..0x7e (as signed
 * bytes, 0x80..0xff are below 0x21), its '@'s, its capitals made small.
 * The last block overlaps the one before it (both only read s and write
 * the same bytes to d), so nothing past s + n is read. */
static size_t lower_plain(char *d, const char *s, size_t n, size_t *at)
{
	const __m128i lo = _mm_set1_epi8(0x21), hi = _mm_set1_epi8(0x7e),
		      a1 = _mm_set1_epi8('A' - 1), z1 = _mm_set1_epi8('Z' + 1),
		      bit = _mm_set1_epi8(0x20), atc = _mm_set1_epi8('@');
	size_t i = 0, last = n;

	if (n < 16)
		return lower_plain_bytes(d, s, n, at);
	for (;;) {
		size_t b = i + 16 <= n ? i : n - 16;
		__m128i v = _mm_loadu_si128((const __m128i *)(s + b));
		__m128i bad = _mm_or_si128(_mm_cmplt_epi8(v, lo),
					   _mm_cmpgt_epi8(v, hi));
		__m128i up = _mm_and_si128(_mm_cmpgt_epi8(v, a1),
					   _mm_cmplt_epi8(v, z1));
		unsigned m =
			(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, atc));

		if (_mm_movemask_epi8(bad))
			return lower_plain_bytes(d, s, n, at);
		if (m)
			last = b + 31 - (size_t)__builtin_clz(m);
		_mm_storeu_si128((__m128i *)(d + b),
				 _mm_add_epi8(v, _mm_and_si128(up, bit)));
		if (b + 16 == n)
			break;
		i = b + 16;
	}
	*at = last;
	return n;
}

/* 64 bytes at once, AVX-512 (BW), on processors that have it: a masked
 * load reads s[0..n) and nothing past it, so an address of at most 64
 * bytes (most are) is one block. */
__attribute__((target("avx512f,avx512bw,bmi2"))) static size_t
lower_plain512(char *d, const char *s, size_t n, size_t *at)
{
	__mmask64 k, bad, up, ats;
	__m512i v;

	if (n > 64)
		return lower_plain(d, s, n, at);
	k = _bzhi_u64(~UINT64_C(0), (unsigned)n); /* n == 64: all */
	v = _mm512_maskz_loadu_epi8(k, s);
	bad = (_mm512_cmplt_epu8_mask(v, _mm512_set1_epi8(0x21)) |
	       _mm512_cmpgt_epu8_mask(v, _mm512_set1_epi8(0x7e))) &
	      k;
	if (bad)
		return lower_plain_bytes(d, s, n, at);
	up = _mm512_cmpge_epu8_mask(v, _mm512_set1_epi8('A')) &
	     _mm512_cmple_epu8_mask(v, _mm512_set1_epi8('Z'));
	ats = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('@')) & k;
	_mm512_mask_storeu_epi8(
		d, k, _mm512_mask_add_epi8(v, up, v, _mm512_set1_epi8(0x20)));
	*at = ats ? 63 - (size_t)__builtin_clzll(ats) : n;
	return n;
}

/* lower_plain512 where the processor has it and the environment allows
 * it (cli_avx512bw), else lower_plain: chosen once (tables_init) */
static size_t (*lower_fn)(char *d, const char *s, size_t n, size_t *at);

static void lower_pick(void)
{
	lower_fn = lower_plain;
	if (cli_avx512bw() && __builtin_cpu_supports("bmi2"))
		lower_fn = lower_plain512;
}
#else
#define lower_plain lower_plain_bytes
#endif

/* The common address: printable ASCII without spaces, perhaps with white
 * space around it, not "<...>" nor "mailto:" (what the general way of
 * email_clean would only trim and lower-case), lower-cased in one pass
 * into out's room after out->len: 1 with its length in *m, the trimmed
 * source in *p and its last '@' in *at (*m when none); else 0. */
static int quick_lower(const char *s, size_t n, struct buf *out, size_t *m,
		       const char **p, size_t *at)
{
	*p = s;
	*m = n;
	trim_ends(p, m);
	if (!plain_address(*p, *m))
		return 0;
	buf_grow(out, *m);
#ifdef __SSE2__
	tables();
	return lower_fn(out->p + out->len, *p, *m, at) == *m;
#else
	return lower_plain(out->p + out->len, *p, *m, at) == *m;
#endif
}

int email_clean(const char *s, size_t n, struct buf *out)
{
	const char *p;
	size_t m, at;

	buf_reset(out);
	if (quick_lower(s, n, out, &m, &p, &at)) {
		out->len = m;
		return 0;
	}
	if (text_is_clean(s, n)) {
		/* the common address needs no cleaning: no copy */
		p = s;
		m = n;
	} else {
		if (text_clean(&scratch, s, n) < 0)
			return -1;
		p = scratch.p;
		m = scratch.len;
	}
	if (m && p[m - 1] == '>') {
		size_t i = m - 1;
		while (i > 0 && p[i - 1] != '<')
			i--;
		if (i > 0) {
			p += i;
			m = m - 1 - i;
		} else if (p[0] != '<') {
			m--; /* a stray '>' with no '<' */
		}
		trim(&p, &m);
	} else if (m && p[0] == '<') {
		p++, m--;
		trim(&p, &m);
	}
	if (m >= 7 && (p[0] == 'm' || p[0] == 'M') &&
	    strncasecmp(p, "mailto:", 7) == 0) {
		const char *q;
		p += 7;
		m -= 7;
		if ((q = memchr(p, '?', m)))
			m = (size_t)(q - p);
		trim(&p, &m);
	}
	if (text_is_ascii(p, m)) {
		size_t i;
		buf_grow(out, m);
		for (i = 0; i < m; i++) {
			char ch = p[i];
			out->p[i] =
				(ch >= 'A' && ch <= 'Z') ? (char)(ch + 32) : ch;
		}
		out->len = m;
	} else {
		add_lower(out, p, m);
	}
	return 0;
}

/* The length of the domain after the '@' at s[at] of s[0..n), without a
 * trailing dot (0: none). */
static size_t domain_len(const char *s, size_t n, size_t at)
{
	size_t len = n - at - 1;

	if (len && s[n - 1] == '.')
		len--;
	return len;
}

int email_domain(const char *email, size_t n, const char **dom, size_t *dn)
{
	const char *at = email ? memrchr(email, '@', n) : NULL;

	*dom = NULL;
	*dn = 0;
	if (!at || !(*dn = domain_len(email, n, (size_t)(at - email))))
		return -1;
	*dom = at + 1;
	return 0;
}

/* The providers of fewer than 8 bytes by length (indices + 1 into
 * providers, 0 ends); those of 8 to 15 in a hash table of their first and
 * last 8 bytes as words (by_word: indices + 1, 0 empty, linear probing),
 * mostly empty, so that a domain of no provider, most of them, is told
 * so at the first slot, without a loop the processor cannot foresee. */
enum { BY_LEN_MAX = 16, BY_LEN_EACH = 6, BY_WORD = 256 };
static unsigned char by_len[8][BY_LEN_EACH];
static unsigned char by_word[BY_WORD];
static uint64_t head8[sizeof providers / sizeof providers[0]],
	tail8[sizeof providers / sizeof providers[0]];

static size_t word_slot(uint64_t h, uint64_t t, size_t n)
{
	uint64_t x = (h ^ (t * UINT64_C(0x9e3779b97f4a7c15)) ^ n) *
		     UINT64_C(0xc2b2ae3d27d4eb4f);

	return (size_t)(x >> 56); /* BY_WORD slots */
}

static void tables_init(void)
{
	for (size_t i = 0; i < sizeof providers / sizeof providers[0]; i++) {
		const struct provider *pv = &providers[i];
		size_t k;

		if (pv->len < 8) {
			unsigned char *b = by_len[pv->len];

			while (*b)
				b++; /* room: few domains of a length */
			*b = (unsigned char)(i + 1);
			continue;
		}
		memcpy(&head8[i], pv->domain, 8);
		memcpy(&tail8[i], pv->domain + pv->len - 8, 8);
		k = word_slot(head8[i], tail8[i], pv->len);
		while (by_word[k])
			k = (k + 1) % BY_WORD;
		by_word[k] = (unsigned char)(i + 1);
	}
#ifdef __SSE2__
	lower_pick();
#endif
	atomic_store_explicit(&tables_ready, 1, memory_order_release);
}

/* The provider of domain d[0..n), which may still have capitals.  The
 * table's domains are [a-z.] only, and c | 0x20 is one of those only when
 * c is that letter in either case, that '.', or for '.' the control byte
 * 0x0e, which neither a plain address nor a cleaned one has. */
static const struct provider *provider_find(const char *d, size_t n)
{
	const uint64_t low = UINT64_C(0x2020202020202020);
	const unsigned char *b;
	uint64_t h, t;

	if (n >= BY_LEN_MAX)
		return NULL;
	tables();
	if (n < 8) {
		for (b = by_len[n]; *b; b++) {
			const struct provider *pv = &providers[*b - 1];
			size_t i = 0;

			while (i < n && (d[i] | 0x20) == pv->domain[i])
				i++;
			if (i == n)
				return pv;
		}
		return NULL;
	}
	memcpy(&h, d, 8);
	memcpy(&t, d + n - 8, 8);
	h |= low;
	t |= low;
	for (size_t k = word_slot(h, t, n); by_word[k]; k = (k + 1) % BY_WORD) {
		size_t i = by_word[k] - 1u;

		if (providers[i].len == n && head8[i] == h && tail8[i] == t)
			return &providers[i];
	}
	return NULL;
}

/* The key of the cleaned address p[0..n) whose last '@' is p[at] (at == n:
 * none), rewritten in place (it only shrinks): its new length, or 0 when
 * it has no '@' or no domain.  The domain is as email_domain has it.
 * src: p, or the bytes p was lower-cased from, where the domain is looked
 * at (not in p, just written, which the processor may not have ready). */
static size_t key_rewrite_at(char *p, const char *src, size_t n, size_t at)
{
	const struct provider *pv;
	const char *dom;
	size_t dn, w, i, local_end;

	if (at >= n || !(dn = domain_len(src, n, at)))
		return 0;
	dom = p + at + 1;
	n = at + 1 + dn; /* without the trailing dot */
	pv = provider_find(src + at + 1, dn);
	if (!pv || at == 0 || p[0] == '"')
		return n;

	/* byte loops, not calls: a local part is a few bytes */
	local_end = at;
	if (pv->tag)
		for (i = 0; i < at; i++)
			if (p[i] == pv->tag) {
				local_end = i;
				break;
			}
	w = local_end;
	if (pv->drop_dots)
		for (i = w = 0; i < local_end; i++)
			if (p[i] != '.')
				p[w++] = p[i];
	if (w == 0)
		return n; /* nothing left of the local part: keep it whole */
	p[w++] = '@';
	if (pv->canon) {
		size_t cn = strlen(pv->canon);
		memcpy(p + w, pv->canon, cn); /* shorter than dom */
		w += cn;
	} else {
		/* the domain moves down (or stays): forward is safe */
		if (p + w != dom)
			for (i = 0; i < dn; i++)
				p[w + i] = dom[i];
		w += dn;
	}
	return w;
}

static size_t key_rewrite(char *p, size_t n)
{
	const char *a = memrchr(p, '@', n);

	return key_rewrite_at(p, p, n, a ? (size_t)(a - p) : n);
}

int email_key(const char *s, size_t n, struct buf *out)
{
	if (email_clean(s, n, out) < 0)
		return -1;
	out->len = key_rewrite(out->p, out->len);
	return out->len ? 0 : -1;
}

int email_key_add(const char *s, size_t n, struct buf *out)
{
	size_t at, m;
	const char *p;

	/* the common address cleaned straight into out */
	if (quick_lower(s, n, out, &m, &p, &at)) {
		m = key_rewrite_at(out->p + out->len, p, m, at);
		out->len += m;
		return m ? 0 : -1;
	}
	if (email_key(s, n, &key_scratch) < 0)
		return -1;
	buf_add(out, key_scratch.p, key_scratch.len);
	return 0;
}

void email_thread_release(void)
{
	buf_release(&scratch);
	buf_release(&key_scratch);
}
