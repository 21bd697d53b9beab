/*
 * buf: a growable byte buffer, the one container for per-record bytes.
 *
 * BUF_INIT allocates nothing.  Capacity only grows (doubling, so appends are
 * amortised O(1)); buf_reset keeps the memory for reuse, which is how the hot
 * paths avoid a malloc per row.  p is not NUL-terminated unless buf_cstr is
 * called.  Growth past memory exits 3 (see xrealloc).
 */
#ifndef COV_BUF_H
#define COV_BUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct buf {
	char *p;
	size_t len, cap;
};

/* clang-format off */
#define BUF_INIT {NULL, 0, 0}
/* clang-format on */

/* memcpy of n bytes from s to d (apart) for the few bytes most fields
 * hold: two fixed-size moves that may overlap each other, and no call,
 * which for so few bytes costs more than the copy. */
static inline void buf_copy_short(char *d, const char *s, size_t n)
{
	if (n >= 8 && n <= 16) {
		uint64_t a, b;
		memcpy(&a, s, 8);
		memcpy(&b, s + n - 8, 8);
		memcpy(d, &a, 8);
		memcpy(d + n - 8, &b, 8);
	} else if (n >= 4 && n < 8) {
		uint32_t a, b;
		memcpy(&a, s, 4);
		memcpy(&b, s + n - 4, 4);
		memcpy(d, &a, 4);
		memcpy(d + n - 4, &b, 4);
	} else if (n > 0 && n < 4) {
		d[0] = s[0];
		d[n / 2] = s[n / 2];
		d[n - 1] = s[n - 1];
	} else if (n > 16) {
		memcpy(d, s, n);
	}
}

/* buf_grow's work when there is not room already (out of line). */
void buf_grow_to(struct buf *b, size_t extra);

/* Make room for at least extra more bytes (p is never NULL after). */
static inline void buf_grow(struct buf *b, size_t extra)
{
	if (b->cap - b->len < extra || !b->p)
		buf_grow_to(b, extra);
}

static inline void buf_reset(struct buf *b) { b->len = 0; }

static inline void buf_add(struct buf *b, const void *s, size_t n)
{
	if (b->cap - b->len < n)
		buf_grow(b, n);
	if (n)
		memcpy(b->p + b->len, s, n);
	b->len += n;
}

static inline void buf_addc(struct buf *b, char c)
{
	if (b->cap == b->len)
		buf_grow(b, 1);
	b->p[b->len++] = c;
}

static inline void buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

/* Append printf-formatted text. */
void buf_addf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* NUL-terminate (not counted in len) and return p. */
const char *buf_cstr(struct buf *b);

/* Free the memory; b is BUF_INIT again. */
void buf_release(struct buf *b);

#endif
