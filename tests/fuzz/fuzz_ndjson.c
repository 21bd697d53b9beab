/*
 * libFuzzer target for the NDJSON reader.  The first input byte picks
 * in_chunk_limit; the rest is the file, handed over through a memfd.  Every
 * line is read (malformed ones are skipped as the reader allows); accepted
 * records are written back through the NDJSON writer and read again, and
 * must come back identical (same keys, kinds and bytes).  They are also
 * written as CSV under the final schema and read back: text as it was,
 * absent keys and null as empty cells, other JSON values verbatim.  Every
 * RAW value must be one valid JSON value.  Any difference aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ndjson.h"
#include "reader.h"
#include "record.h"
#include "stream.h"
#include "fuzzutil.h"

static struct reader *read_all(const char *path, struct schema *s,
			       struct recs *v)
{
	struct record rec = RECORD_INIT;
	struct cov_err e = {0};
	struct reader *r = reader_open(path, FMT_NDJSON, s, &e);
	int k;

	if (!r) {
		/* opening may read (gzip magic, BOM): it must then say why */
		if (e.code == 0 || e.msg[0] == '\0')
			abort();
		schema_release(s);
		return NULL;
	}
	for (;;) {
		k = reader_next(r, &rec, &e);
		if (k > 0) {
			if (rec.nf != s->n)
				abort();
			for (size_t i = 0; i < rec.nf; i++)
				if (rec_kind(&rec, i) == VAL_RAW &&
				    !json_valid_value(rec_val(&rec, i),
						      rec_len(&rec, i)))
					abort();
			keep(v, &rec);
			continue;
		}
		if (k < 0 && r->rejected) {
			const char *raw;
			size_t n;
			long line;
			reader_raw(r, &raw, &n, &line);
			if (n == 0 || line <= 0 || line != e.line)
				abort();
			continue;
		}
		break;
	}
	rec_release(&rec);
	return r;
}

/* Field f of a (schema sa) equals the field of the same name in b. */
static int same_field(const struct schema *sa, const struct record *a, size_t f,
		      const struct schema *sb, const struct record *b)
{
	int j = schema_find(sb, sa->names[f], sa->lens[f]);
	int ka = rec_kind(a, f),
	    kb = j < 0 ? VAL_ABSENT : rec_kind(b, (size_t)j);

	if (ka != kb)
		return 0;
	if (ka == VAL_ABSENT)
		return 1;
	return rec_len(a, f) == rec_len(b, (size_t)j) &&
	       memcmp(rec_val(a, f), rec_val(b, (size_t)j), rec_len(a, f)) == 0;
}

static struct reader *read_csv(const char *path, struct schema *s,
			       struct recs *v)
{
	struct record rec = RECORD_INIT;
	struct cov_err e;
	struct reader *r = reader_open(path, FMT_CSV, s, &e);

	if (!r)
		return NULL;
	while (reader_next(r, &rec, &e) > 0)
		keep(v, &rec);
	rec_release(&rec);
	return r;
}

/* What field f of a becomes in CSV.  Records read before the schema grew
 * have fewer fields: the others are absent. */
static int same_cell(const struct record *a, size_t f, const struct record *b)
{
	const char *v = f < a->nf ? rec_val(a, f) : "";
	size_t n = rec_len(a, f);

	if (rec_kind(a, f) == VAL_ABSENT ||
	    (rec_kind(a, f) == VAL_RAW && n == 4 && memcmp(v, "null", 4) == 0))
		n = 0;
	return rec_len(b, f) == n && memcmp(rec_val(b, f), v, n) == 0;
}

static void check_csv(const struct schema *s, const struct recs *got,
		      const int *order)
{
	struct cov_err e;
	struct schema s3 = SCHEMA_INIT;
	struct recs csv = {0};
	struct writer *w = writer_open(out_path, FMT_CSV, 0, &e);
	struct reader *r;

	if (!w)
		abort();
	for (size_t i = 0; i < got->n; i++)
		if (writer_write(w, s, order, s->n, &got->r[i], &e) < 0)
			abort();
	if (writer_close(w, s, order, s->n, &e) < 0)
		abort();
	r = read_csv(out_path, &s3, &csv);
	if (!r || !schema_equal(s, &s3)) {
		fprintf(stderr, "to CSV: header differs\n");
		abort();
	}
	reader_close(r);
	if (csv.n != got->n) {
		fprintf(stderr, "to CSV: %zu records, then %zu\n", got->n,
			csv.n);
		abort();
	}
	for (size_t i = 0; i < got->n; i++)
		for (size_t f = 0; f < s->n; f++)
			if (!same_cell(&got->r[i], f, &csv.r[i])) {
				fprintf(stderr,
					"to CSV: record %zu field %zu differs\n",
					i, f);
				abort();
			}
	recs_free(&csv);
	schema_release(&s3);
	unlink(out_path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	char path[64];
	struct schema s = SCHEMA_INIT, s2 = SCHEMA_INIT;
	struct recs got = {0}, again = {0};
	struct reader *r;
	struct cov_err e;

	if (size == 0)
		return 0;
	if (fd < 0) {
		fd = memfd_create("fuzz_ndjson", 0);
		strcpy(out_dir, "/tmp/fuzz_ndjson-XXXXXX");
		if (fd < 0 || !mkdtemp(out_dir))
			abort();
		snprintf(out_path, sizeof out_path, "%s/out.ndjson", out_dir);
		atexit(remove_out_dir);
	}
	put_file(fd, data + 1, size - 1);
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	in_chunk_limit = data[0] < 200 ? (size_t)data[0] + 1 : 0;

	r = read_all(path, &s, &got);
	if (!r)
		return 0; /* a clean error on opening (say, corrupt gzip) */
	reader_close(r);
	if (got.n > 0) {
		struct writer *w = writer_open(out_path, FMT_NDJSON, 0, &e);
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

		in_chunk_limit = data[0] % 7 + 1;
		r = read_all(out_path, &s2, &again);
		if (!r)
			abort();
		reader_close(r);
		if (again.n != got.n) {
			fprintf(stderr, "round trip: %zu records, then %zu\n",
				got.n, again.n);
			abort();
		}
		for (size_t i = 0; i < got.n; i++)
			for (size_t f = 0; f < s.n; f++)
				if (!same_field(&s, &got.r[i], f, &s2,
						&again.r[i])) {
					fprintf(stderr,
						"round trip: record %zu field %zu differs\n",
						i, f);
					abort();
				}
		unlink(out_path);
		/* a CSV file without columns cannot hold rows */
		if (s.n > 0)
			check_csv(&s, &got, order);
		free(order);
	}
	in_chunk_limit = 0;
	recs_free(&got);
	recs_free(&again);
	schema_release(&s);
	schema_release(&s2);
	return 0;
}
