/*
 * buf: see buf.h.  Growth doubles from 64 bytes, or jumps straight to the
 * size asked for when that is larger.
 */
#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "err.h"

void buf_grow_to(struct buf *b, size_t extra)
{
	size_t need = b->len + extra, cap = b->cap ? b->cap : 64;

	if (need < b->len)
		cov_die(COV_EXIT_IO, "out of memory (buffer overflow)");
	while (cap < need)
		cap = cap * 2 > cap ? cap * 2 : need;
	if (cap != b->cap) {
		b->p = xrealloc(b->p, cap);
		b->cap = cap;
	}
}

void buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b->p ? b->p + b->len : NULL, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= b->cap - b->len) {
		buf_grow(b, (size_t)n + 1);
		va_start(ap, fmt);
		vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

const char *buf_cstr(struct buf *b)
{
	buf_addc(b, '\0');
	b->len--;
	return b->p;
}

void buf_release(struct buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}
