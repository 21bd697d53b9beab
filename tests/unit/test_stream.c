/*
 * Property tests for the writer and reader together (stream.h, reader.h):
 *   - round trip: 2,000 random records (a fixed-seed PRNG; values mixing
 *     quotes, commas, CR, LF, CRLF, tabs, backslashes, edge spaces, empty
 *     strings, multi-byte text and emoji, leading = + - @) written as CSV,
 *     TSV and NDJSON and read back field for field;
 *   - CSV -> NDJSON -> CSV gives the first CSV byte for byte;
 *   - conservation: a stream over files with malformed records and
 *     --rejects counts rows_in == rows_out + rows_rejected, and the rejects
 *     file holds each bad record with its line and reason;
 *   - the CSV writer's copies of whole runs of fields give what a
 *     field-by-field writer gives, on records changed at random.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "buf.h"
#include "cli.h"
#include "reader.h"
#include "record.h"
#include "stream.h"

static char dir[64];

static void make_dir(void)
{
	strcpy(dir, "/tmp/cov-test-stream-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

static char *in_dir(const char *name)
{
	static char path[4][256];
	static int k;
	k = (k + 1) % 4;
	snprintf(path[k], sizeof path[k], "%s/%s", dir, name);
	return path[k];
}

static void read_all(const char *path, struct buf *b)
{
	FILE *f = fopen(path, "rb");
	char tmp[4096];
	size_t k;

	cr_assert_not_null(f, "%s", path);
	buf_reset(b);
	while ((k = fread(tmp, 1, sizeof tmp, f)) > 0)
		buf_add(b, tmp, k);
	fclose(f);
}

static void write_file(const char *path, const char *s)
{
	FILE *f = fopen(path, "wb");
	cr_assert_not_null(f);
	fputs(s, f);
	cr_assert_eq(fclose(f), 0);
}

/* xorshift64*: deterministic across platforms */
static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545F4914F6CDD1DULL) >> 32) % n;
}

/* clang-format off */
static const char *const pieces[] = {
	"", "a", "hello", "Acme Corp", "\"", "\"\"", ",", ",,", "\r", "\n",
	"\r\n", "\n\r", "\t", "\\", "\\t", "\\n", " ", "  ", " padded ",
	"M\xc3\xbcller", "\xc3\xa9", "\xe4\xb8\xad\xe6\x96\x87",
	"\xf0\x9f\x98\x80", "\xf0\x9f\x87\xa9\xf0\x9f\x87\xaa", "=SUM(A1:A9)",
	"+33 1 23", "-1", "@handle", "'", "a\"b", "12\" screen", "{\"x\":1}",
	"null", "\xc2\xa0", "x,y", "\"q\"",
};
/* clang-format on */

/* A random value: 0 to 4 pieces. */
static void random_value(struct buf *b)
{
	int n = (int)rnd(5);

	buf_reset(b);
	for (int i = 0; i < n; i++)
		buf_adds(b, pieces[rnd(sizeof pieces / sizeof pieces[0])]);
}

/* clang-format off */
static const char *const raw_values[] = {
	"0", "-12.5e3", "true", "false", "null", "[]", "{}",
	"[1,\"two\",{\"three\":[null]}]", "{\"a\":\"\\u00e9\\n\"}",
};
/* clang-format on */

struct dataset {
	struct schema s;
	struct record *recs;
	size_t n;
};

/* n records of nf fields; kinds mixes in RAW and ABSENT values (NDJSON). */
static void make_dataset(struct dataset *d, size_t n, size_t nf, int kinds,
			 int no_empty_single)
{
	/* clang-format off */
	static const char *const names[] = {
		"id", "name, full", "say \"hi\"", " spaced ", "multi\nline",
		"t\tab", "back\\slash", "\xc3\xa9t\xc3\xa9", "=x", "", "last",
		"\xf0\x9f\x98\x80",
	};
	/* clang-format on */
	struct buf v = BUF_INIT;

	memset(d, 0, sizeof *d);
	for (size_t i = 0; i < nf; i++)
		schema_add(&d->s, names[i], strlen(names[i]));
	d->n = n;
	d->recs = calloc(n, sizeof *d->recs);
	for (size_t r = 0; r < n; r++) {
		rec_clear(&d->recs[r], nf);
		for (size_t i = 0; i < nf; i++) {
			uint32_t k = kinds ? rnd(10) : 9;
			if (k == 0)
				continue; /* absent */
			if (k == 1) {
				const char *raw =
					raw_values[rnd(sizeof raw_values /
						       sizeof raw_values[0])];
				rec_set(&d->recs[r], i, raw, strlen(raw),
					VAL_RAW);
				continue;
			}
			do
				random_value(&v);
			while (no_empty_single && nf == 1 && v.len == 0);
			rec_set(&d->recs[r], i, v.p ? v.p : "", v.len, VAL_STR);
		}
	}
	buf_release(&v);
}

static void free_dataset(struct dataset *d)
{
	for (size_t r = 0; r < d->n; r++)
		rec_release(&d->recs[r]);
	free(d->recs);
	schema_release(&d->s);
}

static void write_dataset(const struct dataset *d, const char *path,
			  enum rec_format fmt)
{
	struct cov_err e;
	struct writer *w = writer_open(path, fmt, 0, &e);
	int order[16];

	cr_assert_not_null(w);
	for (size_t i = 0; i < d->s.n; i++)
		order[i] = (int)i;
	for (size_t r = 0; r < d->n; r++)
		cr_assert_eq(
			writer_write(w, &d->s, order, d->s.n, &d->recs[r], &e),
			0);
	cr_assert_eq(writer_close(w, &d->s, order, d->s.n, &e), 0, "%s", e.msg);
}

/* Read path back (detecting CSV and NDJSON; TSV is named, as our header
 * names hold commas, which make auto-detection say CSV) and compare with d.  In CSV/TSV an absent
 * field reads as an empty text field. */
static void check_dataset(const struct dataset *d, const char *path,
			  enum rec_format fmt, size_t chunk)
{
	struct schema s = SCHEMA_INIT;
	struct record rec = RECORD_INIT;
	struct cov_err e;
	struct reader *r;

	in_chunk_limit = chunk;
	r = reader_open(path, fmt == FMT_TSV ? FMT_TSV : FMT_AUTO, &s, &e);
	cr_assert_not_null(r, "%s", e.msg);
	cr_assert_eq(r->fmt, fmt, "detected %s", format_name(r->fmt));
	if (fmt != FMT_NDJSON)
		cr_assert(schema_equal(&s, &d->s), "header");
	for (size_t i = 0; i < d->n; i++) {
		const struct record *want = &d->recs[i];
		memset(&e, 0, sizeof e);
		cr_assert_eq(reader_next(r, &rec, &e), 1,
			     "%s record %zu: %s:%ld %s", format_name(fmt), i,
			     e.reason, e.line, e.msg);
		for (size_t f = 0; f < d->s.n; f++) {
			int j = fmt == FMT_NDJSON
					? schema_find(&s, d->s.names[f],
						      d->s.lens[f])
					: (int)f;
			int wk = rec_kind(want, f);
			int gk = j < 0 ? VAL_ABSENT : rec_kind(&rec, (size_t)j);
			size_t gl = j < 0 ? 0 : rec_len(&rec, (size_t)j);
			const char *gv = j < 0 ? "" : rec_val(&rec, (size_t)j);
			if (fmt != FMT_NDJSON && wk == VAL_ABSENT)
				wk = VAL_STR;
			cr_assert_eq(
				gk, wk,
				"%s record %zu field %zu: kind %d, want %d",
				format_name(fmt), i, f, gk, wk);
			cr_assert(
				gl == rec_len(want, f) &&
					memcmp(gv, rec_val(want, f), gl) == 0,
				"%s record %zu field %zu: got '%.*s' want '%.*s'",
				format_name(fmt), i, f, (int)gl, gv,
				(int)rec_len(want, f), rec_val(want, f));
		}
	}
	cr_assert_eq(reader_next(r, &rec, &e), 0, "no extra record");
	reader_close(r);
	in_chunk_limit = 0;
	rec_release(&rec);
	schema_release(&s);
}

Test(round_trip, csv_tsv_ndjson)
{
	make_dir();
	rng_state = 0x9E3779B97F4A7C15ULL;
	for (size_t nf = 1; nf <= 12; nf++) {
		struct dataset d;
		size_t n = 2000;

		make_dataset(&d, n, nf, 0, 0);
		write_dataset(&d, in_dir("rt.csv"), FMT_CSV);
		check_dataset(&d, in_dir("rt.csv"), FMT_CSV, 0);
		check_dataset(&d, in_dir("rt.csv"), FMT_CSV, 7);
		write_dataset(&d, in_dir("rt.ndjson"), FMT_NDJSON);
		check_dataset(&d, in_dir("rt.ndjson"), FMT_NDJSON, 0);
		free_dataset(&d);

		/* TSV cannot tell a one-field record holding "" from a blank
		 * line, so that case is left out of its data */
		make_dataset(&d, n, nf, 0, 1);
		write_dataset(&d, in_dir("rt.tsv"), FMT_TSV);
		check_dataset(&d, in_dir("rt.tsv"), FMT_TSV, 0);
		check_dataset(&d, in_dir("rt.tsv"), FMT_TSV, 5);
		free_dataset(&d);

		/* NDJSON keeps RAW values and absent keys */
		make_dataset(&d, n, nf, 1, 0);
		write_dataset(&d, in_dir("rt.ndjson"), FMT_NDJSON);
		check_dataset(&d, in_dir("rt.ndjson"), FMT_NDJSON, 0);
		check_dataset(&d, in_dir("rt.ndjson"), FMT_NDJSON, 13);
		free_dataset(&d);
	}
	unlink(in_dir("rt.csv"));
	unlink(in_dir("rt.tsv"));
	unlink(in_dir("rt.ndjson"));
	cr_assert_eq(rmdir(dir), 0, "no temporaries left");
}

/* Copy every record of in to out in format fmt. */
static void convert(const char *in, const char *out, enum rec_format fmt)
{
	struct schema s = SCHEMA_INIT;
	struct record rec = RECORD_INIT;
	struct cov_err e;
	struct reader *r = reader_open(in, FMT_AUTO, &s, &e);
	struct writer *w = writer_open(out, fmt, 0, &e);
	int order[16];
	int k;

	cr_assert(r && w);
	for (size_t i = 0; i < 16; i++)
		order[i] = (int)i;
	while ((k = reader_next(r, &rec, &e)) > 0)
		cr_assert_eq(writer_write(w, &s, order, s.n, &rec, &e), 0);
	cr_assert_eq(k, 0, "%s", e.msg);
	cr_assert_eq(writer_close(w, &s, order, s.n, &e), 0);
	reader_close(r);
	rec_release(&rec);
	schema_release(&s);
}

Test(round_trip, csv_ndjson_csv_byte_identical)
{
	struct buf a = BUF_INIT, b = BUF_INIT;

	make_dir();
	rng_state = 42;
	for (size_t nf = 1; nf <= 12; nf += 1) {
		struct dataset d;
		make_dataset(&d, 2000, nf, 0, 0);
		write_dataset(&d, in_dir("a.csv"), FMT_CSV);
		convert(in_dir("a.csv"), in_dir("b.ndjson"), FMT_NDJSON);
		convert(in_dir("b.ndjson"), in_dir("c.csv"), FMT_CSV);
		read_all(in_dir("a.csv"), &a);
		read_all(in_dir("c.csv"), &b);
		cr_assert(a.len == b.len && memcmp(a.p, b.p, a.len) == 0,
			  "%zu fields: CSV -> NDJSON -> CSV differs", nf);
		/* and CSV -> CSV is the identity too */
		convert(in_dir("a.csv"), in_dir("d.csv"), FMT_CSV);
		read_all(in_dir("d.csv"), &b);
		cr_assert(a.len == b.len && memcmp(a.p, b.p, a.len) == 0);
		free_dataset(&d);
	}
	unlink(in_dir("a.csv"));
	unlink(in_dir("b.ndjson"));
	unlink(in_dir("c.csv"));
	unlink(in_dir("d.csv"));
	cr_assert_eq(rmdir(dir), 0);
	buf_release(&a);
	buf_release(&b);
}

Test(round_trip, one_column_empty_value)
{
	struct dataset d;
	struct buf a = BUF_INIT;

	make_dir();
	memset(&d, 0, sizeof d);
	schema_add(&d.s, "only", 4);
	d.n = 3;
	d.recs = calloc(3, sizeof *d.recs);
	for (size_t i = 0; i < 3; i++)
		rec_clear(&d.recs[i], 1);
	rec_set(&d.recs[0], 0, "", 0, VAL_STR);
	rec_set(&d.recs[1], 0, "x", 1, VAL_STR);
	/* recs[2] absent: also written as "" */
	write_dataset(&d, in_dir("one.csv"), FMT_CSV);
	read_all(in_dir("one.csv"), &a);
	buf_cstr(&a);
	cr_assert_str_eq(a.p, "only\n\"\"\nx\n\"\"\n");
	rec_set(&d.recs[2], 0, "", 0, VAL_STR);
	check_dataset(&d, in_dir("one.csv"), FMT_CSV, 0);
	check_dataset(&d, in_dir("one.csv"), FMT_CSV, 1);
	/* an empty header name is written as "" too */
	schema_release(&d.s);
	schema_add(&d.s, "", 0);
	write_dataset(&d, in_dir("one.csv"), FMT_CSV);
	read_all(in_dir("one.csv"), &a);
	buf_cstr(&a);
	cr_assert_str_eq(a.p, "\"\"\n\"\"\nx\n\"\"\n");
	check_dataset(&d, in_dir("one.csv"), FMT_CSV, 0);
	free_dataset(&d);
	unlink(in_dir("one.csv"));
	cr_assert_eq(rmdir(dir), 0);
	buf_release(&a);
}

Test(writer, one_column_null_is_not_a_blank_line)
{
	/* NDJSON -> CSV with one column: null, an absent key and "" must each
	 * still make a row, not a blank line that readers skip */
	struct buf a = BUF_INIT;
	struct schema s = SCHEMA_INIT;
	struct record rec = RECORD_INIT;
	struct cov_err e;
	struct reader *r;
	int n = 0;

	make_dir();
	write_file(
		in_dir("in.ndjson"),
		"{\"a\":null}\n{}\n{\"a\":\"\"}\n{\"a\":\"x\"}\n{\"a\":[]}\n");
	convert(in_dir("in.ndjson"), in_dir("out.csv"), FMT_CSV);
	read_all(in_dir("out.csv"), &a);
	buf_cstr(&a);
	cr_assert_str_eq(a.p, "a\n\"\"\n\"\"\n\"\"\nx\n[]\n");
	r = reader_open(in_dir("out.csv"), FMT_CSV, &s, &e);
	cr_assert_not_null(r);
	while (reader_next(r, &rec, &e) > 0)
		n++;
	cr_assert_eq(n, 5, "every row kept");
	reader_close(r);
	unlink(in_dir("in.ndjson"));
	unlink(in_dir("out.csv"));
	cr_assert_eq(rmdir(dir), 0);
	rec_release(&rec);
	schema_release(&s);
	buf_release(&a);
}

Test(writer, bom_in_first_name_round_trips)
{
	/* a first header name that starts with U+FEFF must not be written
	 * as if it were the file's BOM (found by fuzz_csv) */
	struct dataset d;
	struct buf a = BUF_INIT;

	make_dir();
	memset(&d, 0, sizeof d);
	schema_add(&d.s,
		   "\xEF\xBB\xBF"
		   "id",
		   5);
	schema_add(&d.s,
		   "\xEF\xBB\xBF"
		   "x",
		   4);
	d.n = 1;
	d.recs = calloc(1, sizeof *d.recs);
	rec_set(&d.recs[0], 0,
		"\xEF\xBB\xBF"
		"1",
		4, VAL_STR);
	rec_set(&d.recs[0], 1, "2", 1, VAL_STR);
	write_dataset(&d, in_dir("bom.csv"), FMT_CSV);
	read_all(in_dir("bom.csv"), &a);
	buf_cstr(&a);
	cr_assert_str_eq(a.p, "\"\xEF\xBB\xBF"
			      "id\",\xEF\xBB\xBF"
			      "x\n\xEF\xBB\xBF"
			      "1,2\n");
	check_dataset(&d, in_dir("bom.csv"), FMT_CSV, 0);
	check_dataset(&d, in_dir("bom.csv"), FMT_CSV, 1);
	free_dataset(&d);
	unlink(in_dir("bom.csv"));
	cr_assert_eq(rmdir(dir), 0);
	buf_release(&a);
}

Test(writer, excel_safe_prefix)
{
	struct dataset d;
	struct buf a = BUF_INIT;
	struct cov_err e;
	struct writer *w;
	int order[] = {0, 1, 2, 3, 4};
	static const char *const v[] = {"=1+1", "+x", "-y,z", "@a", "plain"};

	make_dir();
	memset(&d, 0, sizeof d);
	for (size_t i = 0; i < 5; i++) {
		char name[2] = {(char)('a' + i), 0};
		schema_add(&d.s, name, 1);
	}
	d.n = 1;
	d.recs = calloc(1, sizeof *d.recs);
	for (size_t i = 0; i < 5; i++)
		rec_set(&d.recs[0], i, v[i], strlen(v[i]), VAL_STR);
	w = writer_open(in_dir("x.csv"), FMT_CSV, 1, &e);
	cr_assert_eq(writer_write(w, &d.s, order, 5, &d.recs[0], &e), 0);
	cr_assert_eq(writer_close(w, &d.s, order, 5, &e), 0);
	read_all(in_dir("x.csv"), &a);
	buf_cstr(&a);
	cr_assert_str_eq(a.p, "a,b,c,d,e\n'=1+1,'+x,\"'-y,z\",'@a,plain\n");
	free_dataset(&d);
	unlink(in_dir("x.csv"));
	cr_assert_eq(rmdir(dir), 0);
	buf_release(&a);
}

/* ---- conservation ------------------------------------------------------- */

Test(stream, conservation_with_rejects)
{
	struct cli_common opt;
	struct stream st;
	struct record rec = RECORD_INIT;
	struct cov_err e;
	struct buf stats = BUF_INIT;
	char *files[3];
	int k;
	char want[128];

	make_dir();
	write_file(in_dir("a.csv"),
		   "id,name\n1,ok\n\"2\"x,bad quote\n3\n4,\"multi\nline\"\n"
		   "\xff,bad utf8\n5,\"ok\"\n");
	write_file(in_dir("b.csv"),
		   "id,name\n\n6,fine\n7,\"unterminated\n8,x\n");
	write_file(in_dir("c.csv"),
		   "\xEF\xBB\xBFid,name\r\n9,nine\r\n10,a,b\r\n");
	files[0] = strdup(in_dir("a.csv"));
	files[1] = strdup(in_dir("b.csv"));
	files[2] = strdup(in_dir("c.csv"));
	memset(&opt, 0, sizeof opt);
	opt.output = strdup(in_dir("out.csv"));
	opt.rejects = strdup(in_dir("rej.csv"));
	opt.stats = strdup(in_dir("stats.json"));
	cr_assert_eq(stream_open(&st, &opt, 3, files, &e), 0, "%s", e.msg);
	while ((k = stream_next(&st, &rec, &e)) > 0) {
		cr_assert_eq(rec.nf, 2);
		cr_assert_eq(stream_write(&st, &rec, &e), 0);
	}
	cr_assert_eq(k, 0, "%s", e.msg);
	cr_assert_eq(st.rows_in, 10);
	cr_assert_eq(st.rows_out, 5);
	cr_assert_eq(st.rows_rejected, 5);
	cr_assert_eq(st.rows_in,
		     st.rows_out + st.rows_rejected + st.rows_set_aside);
	cr_assert_eq(stream_close(&st, &e), 0, "%s", e.msg);
	rec_release(&rec);

	/* the output */
	read_all(opt.output, &stats);
	buf_cstr(&stats);
	cr_assert_str_eq(stats.p,
			 "id,name\n1,ok\n4,\"multi\nline\"\n5,ok\n6,fine\n"
			 "9,nine\n");
	/* the rejects, read back as CSV */
	{
		/* clang-format off */
		static const struct {
			const char *file;
			const char *line, *reason, *raw;
		} rej[] = {
			{"a.csv", "3", "bad_quote", "\"2\"x,bad quote"},
			{"a.csv", "4", "field_count", "3"},
			{"a.csv", "7", "invalid_utf8", "\xff,bad utf8"},
			{"b.csv", "4", "unterminated_quote", "7,\"unterminated\n8,x"},
			{"c.csv", "3", "field_count", "10,a,b"},
		};
		/* clang-format on */
		struct schema s = SCHEMA_INIT;
		struct reader *r;
		size_t i = 0;

		/* the invalid UTF-8 record is copied as it was, so that row of
		 * the rejects file is itself malformed when read back */
		r = reader_open(opt.rejects, FMT_CSV, &s, &e);
		cr_assert_not_null(r);
		cr_assert_eq(s.n, 5);
		cr_assert_str_eq(s.names[0], "file");
		cr_assert_str_eq(s.names[4], "record");
		for (;;) {
			k = reader_next(r, &rec, &e);
			if (k == 0)
				break;
			if (k < 0) {
				cr_assert(r->rejected);
				cr_assert_str_eq(e.reason, "invalid_utf8");
				cr_assert_str_eq(rej[i].reason, "invalid_utf8");
				i++;
				continue;
			}
			cr_assert_lt(i, 5);
			const char *f = rec_val(&rec, 0);
			size_t fl = rec_len(&rec, 0), wl = strlen(rej[i].file);
			cr_assert(fl >= wl &&
				  memcmp(f + fl - wl, rej[i].file, wl) == 0);
			cr_assert(rec_len(&rec, 1) == strlen(rej[i].line) &&
					  memcmp(rec_val(&rec, 1), rej[i].line,
						 rec_len(&rec, 1)) == 0,
				  "reject %zu line %.*s", i,
				  (int)rec_len(&rec, 1), rec_val(&rec, 1));
			cr_assert(rec_len(&rec, 2) == strlen(rej[i].reason) &&
				  memcmp(rec_val(&rec, 2), rej[i].reason,
					 rec_len(&rec, 2)) == 0);
			cr_assert(rec_len(&rec, 4) == strlen(rej[i].raw) &&
					  memcmp(rec_val(&rec, 4), rej[i].raw,
						 rec_len(&rec, 4)) == 0,
				  "reject %zu raw '%.*s'", i,
				  (int)rec_len(&rec, 4), rec_val(&rec, 4));
			i++;
		}
		cr_assert_eq(i, 5);
		reader_close(r);
		schema_release(&s);
	}
	/* the books in --stats */
	read_all(opt.stats, &stats);
	buf_cstr(&stats);
	snprintf(
		want, sizeof want,
		"\"rows_in\":10,\"rows_out\":5,\"rows_rejected\":5,\"rows_set_aside\":0");
	cr_assert(strstr(stats.p, want) != NULL, "%s", stats.p);
	cr_assert(strstr(stats.p, "\"field_count\":2") != NULL, "%s", stats.p);
	cr_assert(strstr(stats.p, "\"bad_quote\":1") != NULL, "%s", stats.p);
	cr_assert(strstr(stats.p, "\"unterminated_quote\":1") != NULL, "%s",
		  stats.p);
	cr_assert(strstr(stats.p, "\"invalid_utf8\":1") != NULL, "%s", stats.p);

	for (int i = 0; i < 3; i++) {
		unlink(files[i]);
		free(files[i]);
	}
	unlink(opt.output);
	unlink(opt.rejects);
	unlink(opt.stats);
	free((char *)opt.output);
	free((char *)opt.rejects);
	free((char *)opt.stats);
	cr_assert_eq(rmdir(dir), 0, "no temporaries left");
	rec_release(&rec);
	buf_release(&stats);
}

Test(stream, malformed_without_rejects_stops)
{
	struct cli_common opt;
	struct stream st;
	struct record rec = RECORD_INIT;
	struct cov_err e;
	char *files[1];
	int k;

	make_dir();
	write_file(in_dir("a.csv"), "id\n1\n\"x\"y\n2\n");
	files[0] = in_dir("a.csv");
	memset(&opt, 0, sizeof opt);
	opt.output = in_dir("out.csv");
	cr_assert_eq(stream_open(&st, &opt, 1, files, &e), 0);
	while ((k = stream_next(&st, &rec, &e)) > 0)
		stream_write(&st, &rec, &e);
	cr_assert_eq(k, -1);
	cr_assert_eq(e.line, 3);
	cr_assert_str_eq(e.reason, "bad_quote");
	stream_abort(&st);
	unlink(in_dir("a.csv"));
	cr_assert_eq(rmdir(dir), 0, "the output's temporary was removed");
	rec_release(&rec);
}

/* The CSV writer copies runs of clean text fields that lie one comma apart
 * in a record's data in one go.  Records here start as lines the reader
 * split (so every field is in a run) and are then changed at random: a
 * field set anew (clean or not, holding commas and quotes or not), set as
 * JSON null or a clean RAW value, set to bytes that happen to follow the
 * data one comma apart, fields added past the line; the order written is
 * the identity, a rotation or has fields past the header.  Every line
 * written must equal what a field-by-field writer makes of the record. */
static void csv_ref_field(struct buf *b, const char *s, size_t n)
{
	int q = 0;

	for (size_t i = 0; i < n; i++)
		q |= s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
	if (!q) {
		buf_add(b, s, n);
		return;
	}
	buf_addc(b, '"');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			buf_addc(b, '"');
		buf_addc(b, s[i]);
	}
	buf_addc(b, '"');
}

static void csv_ref_record(struct buf *b, const int *order, size_t norder,
			   size_t header_n, const struct record *r)
{
	size_t written = 0, filled = 0;

	for (size_t i = 0; i < norder; i++) {
		size_t f = (size_t)order[i];
		if (f >= header_n)
			continue;
		if (written++)
			buf_addc(b, ',');
		if (rec_kind(r, f) == VAL_ABSENT ||
		    (rec_kind(r, f) == VAL_RAW && rec_len(r, f) == 4 &&
		     memcmp(rec_val(r, f), "null", 4) == 0))
			continue;
		filled += rec_len(r, f) > 0;
		csv_ref_field(b, rec_val(r, f), rec_len(r, f));
	}
	if (written == 1 && !filled)
		buf_add(b, "\"\"", 2);
	buf_addc(b, '\n');
}

Test(writer, runs_match_field_by_field)
{
	static const char *const vals[] = {"",     "x",    "Acme",
					   "a,b",  "q\"q", "line\nbreak",
					   "null", "true", ","};
	struct schema s = SCHEMA_INIT;
	struct record rec = RECORD_INIT;
	struct buf want = BUF_INIT, got = BUF_INIT, line = BUF_INIT;
	struct cov_err e;
	struct reader *r;
	struct writer *w;
	int order[12];

	make_dir();
	rng_state = 77;
	/* the header and 3,000 plain lines of 8 fields, some empty */
	buf_adds(&line, "f0,f1,f2,f3,f4,f5,f6,f7\n");
	for (int i = 0; i < 3000; i++)
		for (int k = 0; k < 8; k++)
			buf_addf(&line, "%s%s", rnd(4) ? "v" : "",
				 k < 7 ? "," : "\n");
	write_file(in_dir("runs.csv"), buf_cstr(&line));
	r = reader_open(in_dir("runs.csv"), FMT_CSV, &s, &e);
	cr_assert_not_null(r);
	for (int k = 0; k < 2; k++)
		schema_add(&s, k ? "g1" : "g0", 2); /* fields past the line */
	w = writer_open(in_dir("out.csv"), FMT_CSV, 0, &e);
	cr_assert_not_null(w);
	/* the header, written with the first record, fixes header_n at 10 */
	for (int k = 0; k < 10; k++)
		order[k] = k;
	rec_clear(&rec, 0);
	cr_assert_eq(writer_write(w, &s, order, 10, &rec, &e), 0);
	buf_reset(&want);
	buf_adds(&want, "f0,f1,f2,f3,f4,f5,f6,f7,g0,g1\n");
	csv_ref_record(&want, order, 10, 10, &rec);
	while (reader_next(r, &rec, &e) > 0) {
		size_t norder = 10;
		int changes = (int)rnd(4);
		for (int c = 0; c < changes; c++) {
			size_t f = rnd(10);
			const char *v = vals[rnd(sizeof vals / sizeof vals[0])];
			switch (rnd(5)) {
			case 0: rec_set(&rec, f, v, strlen(v), VAL_STR); break;
			case 1:
				if (!strpbrk(v, ",\"\r\n"))
					rec_set_clean(&rec, f, v, strlen(v),
						      VAL_STR);
				break;
			case 2:
				rec_set_clean(&rec, f, rnd(2) ? "null" : "true",
					      4, VAL_RAW);
				break;
			case 3: /* bytes one comma after the data's end */
				rec_set_clean(&rec, 11, ",", 1, VAL_STR);
				rec_set_clean(&rec, f, "z", 1, VAL_STR);
				break;
			default: break;
			}
		}
		if (rnd(3) == 0) { /* a rotation */
			int k0 = (int)rnd(10);
			for (int k = 0; k < 10; k++)
				order[k] = (k + k0) % 10;
		} else {
			for (int k = 0; k < 10; k++)
				order[k] = k;
		}
		/* field 11 lies past the header: fine while absent */
		if (rnd(4) == 0 && rec_kind(&rec, 11) == VAL_ABSENT)
			order[norder++] = 11;
		csv_ref_record(&want, order, norder, 10, &rec);
		cr_assert_eq(writer_write(w, &s, order, norder, &rec, &e), 0,
			     "%s", e.msg);
	}
	cr_assert_eq(writer_close(w, &s, order, 10, &e), 0);
	read_all(in_dir("out.csv"), &got);
	cr_assert(got.len == want.len && memcmp(got.p, want.p, got.len) == 0,
		  "writer output differs from field-by-field output");
	reader_close(r);
	unlink(in_dir("runs.csv"));
	unlink(in_dir("out.csv"));
	cr_assert_eq(rmdir(dir), 0);
	rec_release(&rec);
	schema_release(&s);
	buf_release(&want);
	buf_release(&got);
	buf_release(&line);
}

/* One pass of stream over files with opt's rejects, writing every record;
 * the output and rejects files' bytes land in out and rej. */
static void copy_with(unsigned flags, int nfiles, char **files, struct buf *out,
		      struct buf *rej, uint64_t *counts)
{
	struct cli_common opt;
	struct stream st;
	struct record rec = RECORD_INIT;
	struct cov_err e;
	int k;

	memset(&opt, 0, sizeof opt);
	opt.output = in_dir(flags ? "pf-out.csv" : "one-out.csv");
	opt.output = strdup(opt.output);
	opt.rejects = strdup(in_dir(flags ? "pf-rej.csv" : "one-rej.csv"));
	cr_assert_eq(stream_open_flags(&st, &opt, nfiles, files,
				       STREAM_REJECT_RECORDS | flags, &e),
		     0, "%s", e.msg);
	while ((k = stream_next(&st, &rec, &e)) > 0)
		cr_assert_eq(stream_write(&st, &rec, &e), 0);
	cr_assert_eq(k, 0, "%s", e.msg);
	counts[0] = st.rows_in;
	counts[1] = st.rows_out;
	counts[2] = st.rows_rejected;
	cr_assert_eq(stream_close(&st, &e), 0, "%s", e.msg);
	rec_release(&rec);
	read_all(opt.output, out);
	read_all(opt.rejects, rej);
	unlink(opt.output);
	unlink(opt.rejects);
	free((char *)opt.output);
	free((char *)opt.rejects);
}

/* STREAM_PREFETCH reads in a second thread: more records than its ring
 * holds, malformed ones at and around its batch edges and across two
 * files, must give the bytes and counts of reading in one thread. */
Test(stream, prefetch_same_as_one_thread)
{
	struct buf a = BUF_INIT, b = BUF_INIT, o1 = BUF_INIT, r1 = BUF_INIT,
		   o2 = BUF_INIT, r2 = BUF_INIT;
	uint64_t c1[3], c2[3];
	char *files[2];

	make_dir();
	buf_adds(&a, "id,name,note\n");
	buf_adds(&b, "id,name,note\n");
	for (int i = 1; i <= 3000; i++) {
		struct buf *f = i <= 1700 ? &a : &b;
		if (i == 2 || i == 256 || i == 1024 || i == 1701)
			buf_adds(f, "short,row\n");
		else if (i == 257)
			buf_adds(f, "\"x\"y,bad,quote\n");
		else if (i == 258)
			buf_adds(f, "\xff,bad,utf8\n");
		else if (i % 97 == 0)
			buf_addf(f, "%d,\"multi\nline\",\"a,b\"\n", i);
		else if (i % 13 == 0)
			buf_adds(f, "\n");
		else
			buf_addf(f, "%d,name %d,x\n", i, i);
	}
	buf_adds(&b, "\"never closed,x,y\n");
	write_file(in_dir("pf-a.csv"), buf_cstr(&a));
	write_file(in_dir("pf-b.csv"), buf_cstr(&b));
	files[0] = strdup(in_dir("pf-a.csv"));
	files[1] = strdup(in_dir("pf-b.csv"));
	copy_with(0, 2, files, &o1, &r1, c1);
	copy_with(STREAM_PREFETCH, 2, files, &o2, &r2, c2);
	cr_assert_eq(c1[0], c2[0]);
	cr_assert_eq(c1[1], c2[1]);
	cr_assert_eq(c1[2], c2[2]);
	cr_assert_eq(c1[2], 7, "malformed records: %llu",
		     (unsigned long long)c1[2]);
	cr_assert_gt(c1[1], 2500);
	cr_assert_eq(o1.len, o2.len);
	cr_assert(memcmp(o1.p, o2.p, o1.len) == 0, "outputs differ");
	cr_assert_eq(r1.len, r2.len);
	cr_assert(memcmp(r1.p, r2.p, r1.len) == 0, "rejects differ");
	unlink(files[0]);
	unlink(files[1]);
	cr_assert_eq(rmdir(dir), 0, "no temporaries left");
	free(files[0]);
	free(files[1]);
	buf_release(&a);
	buf_release(&b);
	buf_release(&o1);
	buf_release(&r1);
	buf_release(&o2);
	buf_release(&r2);
}

/* The reading thread's ring must not keep every slot as large as the
 * largest record it ever held: 400 records of 128 KB (51 MB) read through
 * it must leave the process well under the file's size. */
Test(stream, prefetch_memory_bounded_by_bytes)
{
	struct cli_common opt;
	struct stream st;
	struct record rec = RECORD_INIT;
	struct cov_err e;
	struct rusage ru;
	char *files[1];
	FILE *f;
	char *wide = malloc(128 << 10);
	int k;

	make_dir();
	files[0] = strdup(in_dir("wide.csv"));
	f = fopen(files[0], "w");
	cr_assert(f != NULL);
	memset(wide, 'w', 128 << 10);
	fputs("id,note\n", f);
	for (int i = 0; i < 400; i++) {
		fprintf(f, "%d,", i);
		fwrite(wide, 1, 128 << 10, f);
		fputc('\n', f);
	}
	fclose(f);
	free(wide);
	memset(&opt, 0, sizeof opt);
	opt.output = "/dev/null";
	cr_assert_eq(
		stream_open_flags(&st, &opt, 1, files, STREAM_PREFETCH, &e), 0,
		"%s", e.msg);
	while ((k = stream_next(&st, &rec, &e)) > 0)
		cr_assert_eq(stream_write(&st, &rec, &e), 0);
	cr_assert_eq(k, 0, "%s", e.msg);
	cr_assert_eq(st.rows_out, 400);
	cr_assert_eq(stream_close(&st, &e), 0, "%s", e.msg);
	rec_release(&rec);
	unlink(files[0]);
	cr_assert_eq(rmdir(dir), 0, "no temporaries left");
	getrusage(RUSAGE_SELF, &ru);
	/* AddressSanitizer keeps freed memory in quarantine: no bound there */
#ifndef __SANITIZE_ADDRESS__
	cr_assert_lt(ru.ru_maxrss, 32 * 1024, "peak RSS %ld KB", ru.ru_maxrss);
#endif
	free(files[0]);
}
