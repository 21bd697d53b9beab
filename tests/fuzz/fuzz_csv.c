/*
 * libFuzzer target for the CSV reader (and, on the same bytes, the TSV
 * reader).  The first input byte picks in_chunk_limit, so buffer
 * boundaries fall everywhere, and its low bit whether the file is read as
 * CSV or detected (a first line with more ';' than ',' then reads as CSV
 * separated by ';'); the rest is the file, handed over through a memfd.  Every record is read (malformed ones are skipped as the reader
 * allows); the accepted ones are written back through the CSV writer and
 * read again, and must come back identical, header included.  Any
 * difference aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "reader.h"
#include "record.h"
#include "stream.h"
#include "fuzzutil.h"

/* Read every record of path as fmt; keep the accepted ones when v. */
static struct reader *read_all(const char *path, enum rec_format fmt,
			       struct schema *s, struct recs *v)
{
	struct record rec = RECORD_INIT;
	struct cov_err e;
	struct reader *r = reader_open(path, fmt, s, &e);
	int k;

	if (!r)
		return NULL;
	for (;;) {
		k = reader_next(r, &rec, &e);
		if (k > 0) {
			if (rec.nf != s->n)
				abort(); /* a record always has every field */
			if (v)
				keep(v, &rec);
			continue;
		}
		if (k < 0 && r->rejected) {
			const char *raw;
			size_t n;
			long line;
			reader_raw(r, &raw, &n, &line);
			if (n == 0 || line <= 0 || line != e.line)
				abort(); /* a reject names its bytes and line */
			continue;
		}
		break;
	}
	rec_release(&rec);
	return r;
}

static int same_rec(const struct record *a, const struct record *b)
{
	if (a->nf != b->nf)
		return 0;
	for (size_t i = 0; i < a->nf; i++)
		if (rec_len(a, i) != rec_len(b, i) ||
		    memcmp(rec_val(a, i), rec_val(b, i), rec_len(a, i)) != 0)
			return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	char path[64];
	struct schema s = SCHEMA_INIT, s2 = SCHEMA_INIT, st = SCHEMA_INIT;
	struct recs got = {0}, again = {0};
	struct reader *r;
	struct cov_err e;

	if (size == 0)
		return 0;
	if (fd < 0) {
		fd = memfd_create("fuzz_csv", 0);
		strcpy(out_dir, "/tmp/fuzz_csv-XXXXXX");
		if (fd < 0 || !mkdtemp(out_dir))
			abort();
		snprintf(out_path, sizeof out_path, "%s/out.csv", out_dir);
		atexit(remove_out_dir);
	}
	put_file(fd, data + 1, size - 1);
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	in_chunk_limit = data[0] < 200 ? (size_t)data[0] + 1 : 0;

	/* TSV: only that it ends cleanly */
	r = read_all(path, FMT_TSV, &st, NULL);
	reader_close(r);
	schema_release(&st);

	r = read_all(path, data[0] & 1 ? FMT_AUTO : FMT_CSV, &s, &got);
	if (r && r->fmt != FMT_CSV) { /* detected as TSV or NDJSON */
		reader_close(r);
		r = NULL;
	}
	if (r) {
		struct writer *w = writer_open(out_path, FMT_CSV, 0, &e);
		int *order = malloc((s.n + 1) * sizeof *order);
		if (!w || !order)
			abort();
		for (size_t i = 0; i < s.n; i++)
			order[i] = (int)i;
		for (size_t i = 0; i < got.n; i++)
			if (writer_write(w, &s, order, s.n, &got.r[i], &e) < 0)
				abort();
		if (writer_close(w, &s, order, s.n, &e) < 0)
			abort();
		free(order);
		reader_close(r);

		/* read back with another chunk size: everything accepted,
		 * nothing else */
		in_chunk_limit = data[0] % 7 + 1;
		r = read_all(out_path, FMT_CSV, &s2, &again);
		if (!r)
			abort();
		reader_close(r);
		if (!schema_equal(&s, &s2)) {
			fprintf(stderr, "round trip: header differs\n");
			abort();
		}
		if (again.n != got.n) {
			fprintf(stderr, "round trip: %zu records, then %zu\n",
				got.n, again.n);
			abort();
		}
		for (size_t i = 0; i < got.n; i++)
			if (!same_rec(&got.r[i], &again.r[i])) {
				fprintf(stderr,
					"round trip: record %zu differs\n", i);
				abort();
			}
		unlink(out_path);
	}
	in_chunk_limit = 0;
	recs_free(&got);
	recs_free(&again);
	schema_release(&s);
	schema_release(&s2);
	return 0;
}
