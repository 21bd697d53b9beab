/*
 * spool: temporary record files for cov-dedupe (format in spool.h).
 *
 * The file is created on the first write, so a spool that stays empty
 * costs no file.  Writes go through stdio with a 64 KiB buffer; a read reuses the spool's
 * scratch buffer for the field table and data, so reading back costs no
 * malloc per entry once the buffers have grown.
 */
#include "spool.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SPOOL_BUFSZ (64 * 1024)

static int io_error(struct cov_err *e, const char *what)
{
	err_set(e, COV_EXIT_IO, "", 0, "io", "temporary file: %s: %s", what,
		errno ? strerror(errno) : "damaged");
	return -1;
}

int spool_open(struct spool *s, struct cov_err *e)
{
	(void)e;
	memset(s, 0, sizeof *s);
	return 0;
}

/* Create the file behind s, on its first write. */
static int spool_create(struct spool *s, struct cov_err *e)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	size_t len;
	int fd;

	if (!dir || !*dir)
		dir = "/tmp";
	/* mkstemp's template: the name, then six X it replaces */
	snprintf(path, sizeof path - 7, "%s/cov-spool.", dir);
	len = strlen(path);
	memset(path + len, 'X', 6);
	path[len + 6] = '\0';
	fd = mkstemp(path);
	if (fd < 0) {
		err_set(e, COV_EXIT_IO, "", 0, "io",
			"cannot create a temporary file in %s: %s", dir,
			strerror(errno));
		return -1;
	}
	unlink(path);
	s->f = fdopen(fd, "w+");
	if (!s->f) {
		close(fd);
		return io_error(e, "open");
	}
	setvbuf(s->f, NULL, _IOFBF, SPOOL_BUFSZ);
	return 0;
}

int spool_write(struct spool *s, const struct spool_entry *x,
		const struct record *rec, struct cov_err *e)
{
	uint64_t head[4] = {x->row, x->h.lo, x->h.hi, x->aux};
	uint32_t nf = rec ? (uint32_t)rec->nf : 0, dlen = 0, w[4];
	/* a sparse record: its fields set, each with its number */
	size_t m = rec && rec->sparse ? rec->non : nf;
	unsigned char *p;

	if (!s->f && spool_create(s, e) < 0)
		return -1;
	for (size_t k = 0; k < m; k++)
		dlen += (uint32_t)rec->f[m == nf ? k : rec->on[k]].len;
	w[0] = x->flags;
	w[1] = nf;
	w[2] = dlen;
	w[3] = (uint32_t)m;
	buf_reset(&s->scratch);
	buf_grow(&s->scratch, m * 9 + dlen);
	p = (unsigned char *)s->scratch.p;
	for (size_t k = 0; k < m; k++) {
		uint32_t i = m == nf ? (uint32_t)k : rec->on[k],
			 len = (uint32_t)rec->f[i].len;
		if (m != nf) {
			memcpy(p, &i, 4);
			p += 4;
		}
		memcpy(p, &len, 4);
		p[4] = rec->f[i].kind;
		p += 5;
	}
	for (size_t k = 0; k < m; k++) {
		size_t i = m == nf ? k : rec->on[k];
		memcpy(p, rec_val(rec, i), rec->f[i].len);
		p += rec->f[i].len;
	}
	errno = 0;
	if (fwrite(head, sizeof head, 1, s->f) != 1 ||
	    fwrite(w, sizeof w, 1, s->f) != 1 ||
	    (p != (unsigned char *)s->scratch.p &&
	     fwrite(s->scratch.p, (size_t)(p - (unsigned char *)s->scratch.p),
		    1, s->f) != 1))
		return io_error(e, "write");
	s->n++;
	s->bytes += sizeof head + sizeof w +
		    (size_t)(p - (unsigned char *)s->scratch.p);
	return 0;
}

int spool_rewind(struct spool *s, struct cov_err *e)
{
	errno = 0;
	if (!s->f)
		return 0; /* nothing was written: an empty spool */
	if (fflush(s->f) != 0 || fseeko(s->f, 0, SEEK_SET) != 0)
		return io_error(e, "rewind");
	return 0;
}

int spool_read(struct spool *s, struct spool_entry *x, struct record *rec,
	       struct cov_err *e)
{
	uint64_t head[4];
	uint32_t w[4];
	size_t got, need;
	const unsigned char *p, *d;

	errno = 0;
	if (!s->f)
		return 0;
	got = fread(head, 1, sizeof head, s->f);
	if (got == 0 && feof(s->f))
		return 0;
	if (got != sizeof head || fread(w, sizeof w, 1, s->f) != 1)
		return io_error(e, "read");
	x->row = head[0];
	x->h.lo = head[1];
	x->h.hi = head[2];
	x->aux = head[3];
	x->flags = w[0];
	if (w[3] > w[1])
		return io_error(e, "read");
	/* fields given: all nf (length, kind), else w[3] (number too) */
	need = (size_t)w[3] * (w[3] == w[1] ? 5 : 9) + w[2];
	buf_reset(&s->scratch);
	buf_grow(&s->scratch, need);
	if (need && fread(s->scratch.p, need, 1, s->f) != 1)
		return io_error(e, "read");
	if (!rec)
		return 1;
	rec_clear(rec, w[1]);
	p = (const unsigned char *)s->scratch.p;
	d = p + (size_t)w[3] * (w[3] == w[1] ? 5 : 9);
	for (uint32_t k = 0; k < w[3]; k++) {
		uint32_t i = k, len;

		if (w[3] != w[1]) {
			memcpy(&i, p, 4);
			p += 4;
			if (i >= w[1])
				return io_error(e, "read");
		}
		memcpy(&len, p, 4);
		if (p[4] != VAL_ABSENT)
			rec_set(rec, i, (const char *)d, len, p[4]);
		d += len;
		p += 5;
	}
	return 1;
}

void spool_close(struct spool *s)
{
	if (s->f)
		fclose(s->f);
	s->f = NULL;
	buf_release(&s->scratch);
}
