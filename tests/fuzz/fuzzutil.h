/*
 * fuzzutil: what the reader fuzz targets share: a scratch output file,
 * refilling the input memfd, and a growable list of copied records.
 * Included by each target (not part of lib/).
 */
#ifndef COV_FUZZUTIL_H
#define COV_FUZZUTIL_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "record.h"

static char out_dir[64];
static char out_path[128];

static inline void remove_out_dir(void)
{
	unlink(out_path);
	rmdir(out_dir);
}

static inline void put_file(int fd, const uint8_t *p, size_t n)
{
	if (ftruncate(fd, 0) != 0 || lseek(fd, 0, SEEK_SET) != 0)
		abort();
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w <= 0)
			abort();
		p += w;
		n -= (size_t)w;
	}
}

struct recs {
	struct record *r;
	size_t n, cap;
};

static inline void keep(struct recs *v, const struct record *rec)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 16;
		v->r = realloc(v->r, cap * sizeof *v->r);
		if (!v->r)
			abort();
		memset(v->r + v->cap, 0, (cap - v->cap) * sizeof *v->r);
		v->cap = cap;
	}
	rec_copy(&v->r[v->n++], rec);
}

static inline void recs_free(struct recs *v)
{
	for (size_t i = 0; i < v->cap; i++)
		rec_release(&v->r[i]);
	free(v->r);
}

#endif
