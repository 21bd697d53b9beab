/*
 * libFuzzer target for cov-normalize as a whole: normalize.h over the
 * record stream of stream.h, run as cmd/cov-normalize.c runs it, with
 * --rejects and --stats, on hostile input.  The first input byte picks the
 * options: CSV or NDJSON (bit 0), --kind contacts or accounts (bit 1),
 * --date-order mdy or dmy (bit 2), a --default-country or none (bits 3-5)
 * and whether CSV is read in a second thread (bit 6); the second byte
 * picks a --map spec (bits 0-4: renames to and away from canonical names,
 * columns standing in for one another, one malformed spec; some name the
 * file's first fields, whatever they are) and in_chunk_limit (bits 5-7).
 * The rest is the file, handed over through a memfd.
 *
 * Checked on every run, abort on failure:
 *   - the tool fails exactly when the reader, reading the file alone,
 *     meets an error that is not one malformed record;
 *   - every record the tool writes has the schema's field count; a value
 *     marked clean holds no comma, quote, CR or LF; every text value is
 *     valid UTF-8 (the derived fields included);
 *   - persona, seniority and department hold a word of SPEC section 4 or
 *     nothing, whenever the title was read (and, for CSV, always when the
 *     tool added them); region is the region of a country the tool made a
 *     code, and a word of SPEC section 4 or nothing when the tool added it
 *     to CSV;
 *   - the books: rows in = rows written + rows rejected, none set aside,
 *     in the stream's counters and in the --stats file alike; rows in and
 *     rows rejected are those of the reader alone;
 *   - the output reads back with the project's reader without a rejected
 *     record, with as many records as were written, each with the
 *     schema's field count, under the header written (CSV), or is an
 *     empty file (NDJSON without a record: the NDJSON reader calls that
 *     input "empty"); the rejects file holds as many records as were
 *     rejected;
 *   - malformed records change nothing but the rejects: the file without
 *     their lines gives the same output, byte for byte.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "ndjson.h"
#include "norm_company.h"
#include "norm_country.h"
#include "norm_email.h"
#include "norm_text.h"
#include "norm_value.h"
#include "normalize.h"
#include "reader.h"
#include "record.h"
#include "stream.h"
#include "fuzzutil.h"

static char rej_path[128], stats_path[128], out2_path[128];

/* clang-format off */
static const char *const countries[8] = {
	NULL, "US", "de", "United Kingdom", "FR", "BR", "JP", "AU",
};

/* --map specs; {1} and {2} stand for the first two field names of the
 * file (its header, or the first keys of its first line), so that pairs
 * meet the columns whatever they are called */
static const char *const maps[32] = {
	NULL,
	NULL,
	"Mail=email",
	"A=email,B=email",
	"x=title",
	"Email Address=email",
	"title=notes,Job Title=title",
	"Country=country,Phone=phone",
	"email=email",
	"Company=company,Org=company",
	"Status=email_status,Bounced=email_status",
	"Created=created_at,Opt=opt_out,Consent=consent",
	"Person - Name=full_name,x=persona",
	"Web=domain,Mail=email,Tier=tier,Seg=segment",
	" A = email , B = title ",
	"=email",
	"title=persona",
	"domain=site,email=backup_email",
	"country=nation,Land=country",
	"{1}=notes",
	"{1}=title",
	"{1}=email",
	"{1}=domain",
	"{1}=company,{2}=company",
	"{1}=country,{2}=phone",
	"{1}=email_status,{2}=email_status",
	"{1}=created_at,{2}=opt_out",
	"{2}={1}",
	"{1}=persona",
	"{1}=notes,{2}={1}",
	"{1}=title,{2}=notes",
	"{1}=region,{2}=company_key",
};

static const size_t chunks[8] = {0, 0, 0, 0, 1, 3, 13, 200};

static const char *const personas[] = {
	"economic_buyer", "technical_evaluator", "security", "finance",
	"procurement_legal", "end_user", "marketing", "sales", "hr", "other",
	NULL,
};

static const char *const seniorities[] = {
	"c_level", "vp", "director", "manager", "individual_contributor", NULL,
};

static const char *const departments[] = {
	"it", "engineering", "security", "finance", "procurement", "legal",
	"operations", "marketing", "sales", "hr", "executive", "other", NULL,
};

static const char *const regions[] = {"NA", "EMEA", "APAC", "LATAM", NULL};
/* clang-format on */

static void remove_files(void)
{
	unlink(out2_path);
	unlink(rej_path);
	unlink(stats_path);
	remove_out_dir();
}

/* The k-th field name (k 0 or 1) of the file p[0..n) of format fmt into
 * name (size 64): a CSV header's unquoted names, or the first keys of an
 * NDJSON line without escapes; 0 when there is none fit for --map (no
 * comma, '=' or NUL, no space to trim at either end). */
static int field_name(const char *p, size_t n, enum rec_format fmt, int k,
		      char *name)
{
	const char *end = p + n, *q;
	size_t len;

	for (int j = 0; j <= k; j++) {
		if (fmt == FMT_NDJSON) {
			q = memchr(p, '"', (size_t)(end - p));
			if (!q)
				return 0;
			p = q + 1;
			q = memchr(p, '"', (size_t)(end - p));
		} else {
			for (q = p;
			     q < end && *q != ',' && *q != '\n' && *q != '\r';
			     q++)
				;
		}
		if (!q)
			return 0;
		len = (size_t)(q - p);
		if (j < k) {
			/* past the value to the next key, or the comma */
			if (fmt == FMT_NDJSON) {
				q = memchr(q + 1, ',', (size_t)(end - q - 1));
				if (!q)
					return 0;
			} else if (q == end || *q != ',') {
				return 0;
			}
			p = q + 1;
		}
	}
	if (len == 0 || len >= 64 || strchr(" \t", p[0]) ||
	    strchr(" \t", p[len - 1]) || memchr(p, ',', len) ||
	    memchr(p, '=', len) || memchr(p, '\0', len) ||
	    memchr(p, '"', len) || memchr(p, '\\', len))
		return 0;
	memcpy(name, p, len);
	name[len] = '\0';
	return 1;
}

/* The --map spec for template t (see maps) over the file p[0..n) into
 * spec (size 256), or NULL when it names a field the file lacks. */
static const char *map_spec(const char *t, const char *p, size_t n,
			    enum rec_format fmt, char *spec)
{
	char names[2][64];
	size_t len = 0;

	if (!t || !strchr(t, '{'))
		return t;
	for (; *t; t++) {
		if (t[0] == '{' && (t[1] == '1' || t[1] == '2') &&
		    t[2] == '}') {
			int k = t[1] - '1';
			if (!field_name(p, n, fmt, k, names[k]))
				return NULL;
			len += (size_t)snprintf(spec + len, 256 - len, "%s",
						names[k]);
			t += 2;
		} else {
			spec[len++] = *t;
		}
	}
	spec[len] = '\0';
	return spec;
}

/* 1 when s[0..n) is valid UTF-8: no overlong forms, no surrogates, nothing
 * past U+10FFFF.  Written out here rather than taken from lib/, so that
 * the check does not share the code it checks. */
static int utf8_ok(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i], need, min, cp;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			need = 1, min = 0x80, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			need = 2, min = 0x800, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			need = 3, min = 0x10000, cp = c & 0x07;
		else
			return 0;
		if (n - i <= need)
			return 0;
		for (unsigned k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += need + 1;
	}
	return 1;
}

static void fail(const char *what, const struct record *rec, size_t i)
{
	fprintf(stderr, "fuzz_normalize: %s", what);
	if (rec)
		fprintf(stderr, ": field %zu '%.*s'", i, (int)rec_len(rec, i),
			rec_val(rec, i));
	fprintf(stderr, "\n");
	abort();
}

/* 1 when field i (-1: none) holds non-empty text. */
static int has_text(const struct record *rec, int i)
{
	return i >= 0 && rec_kind(rec, (size_t)i) == VAL_STR &&
	       rec_len(rec, (size_t)i) > 0;
}

/* 1 when field i (-1: none) holds nothing: absent or empty. */
static int empty(const struct record *rec, int i)
{
	return i < 0 || rec_kind(rec, (size_t)i) == VAL_ABSENT ||
	       rec_len(rec, (size_t)i) == 0;
}

/* 1 when field i holds the text w; for w "", when it holds nothing. */
static int holds(const struct record *rec, int i, const char *w)
{
	if (*w == '\0')
		return empty(rec, i);
	return rec_kind(rec, (size_t)i) == VAL_STR &&
	       rec_len(rec, (size_t)i) == strlen(w) &&
	       memcmp(rec_val(rec, (size_t)i), w, strlen(w)) == 0;
}

/* 1 when field i is empty or text equal to one of words. */
static int in_set(const struct record *rec, int i, const char *const *words)
{
	if (empty(rec, i))
		return 1;
	for (size_t k = 0; words[k]; k++)
		if (holds(rec, i, words[k]))
			return 1;
	return 0;
}

/* 1 when s[0..n) holds one of the bytes of set. */
static int strpbrk_n(const char *s, size_t n, const char *set)
{
	for (; *set; set++)
		if (memchr(s, *set, n))
			return 1;
	return 0;
}

/* The field named name now (by its own name: not by one it had before
 * --map or an alias renamed it), or -1.  By a scan, not by the schema's
 * index, which knows old names too. */
static int named(const struct stream *st, const char *name)
{
	for (size_t i = 0; i < st->schema.n; i++)
		if (st->schema.lens[i] == strlen(name) &&
		    memcmp(st->schema.names[i], name, strlen(name)) == 0)
			return (int)i;
	return -1;
}

/* The fields the tool derives, each beside the field it comes from (by
 * the names they have now): a derived field is there when its source is,
 * and added by the tool only then. */
static void check_derived(const struct stream *st)
{
	/* clang-format off */
	static const char *const pairs[][2] = {
		{"email_domain", "email"}, {"domain", "email"},
		{"company_key", "company"}, {"persona", "title"},
		{"seniority", "title"}, {"department", "title"},
		{"region", "country"},
	};
	/* clang-format on */

	for (size_t k = 0; k < sizeof pairs / sizeof pairs[0]; k++) {
		int d = named(st, pairs[k][0]), from = named(st, pairs[k][1]);
		if (from >= 0 && d < 0) {
			fprintf(stderr, "no %s beside %s\n", pairs[k][0],
				pairs[k][1]);
			fail("a derived field missing", NULL, 0);
		}
		if (d >= 0 && stream_is_added(st, (size_t)d) && from < 0) {
			fprintf(stderr, "%s added without a field named %s\n",
				pairs[k][0], pairs[k][1]);
			fail("a derived field from no source", NULL, 0);
		}
	}
}

/* What must hold of rec, as the tool is about to write it. */
static void check_record(const struct stream *st, const struct record *rec)
{
	static const char *const labels[3] = {"persona", "seniority",
					      "department"};
	static const char *const *const sets[3] = {personas, seniorities,
						   departments};
	int csv = st->in_fmt != FMT_NDJSON;
	int title = named(st, "title"), country = named(st, "country"),
	    region = named(st, "region");

	if (rec->nf != st->schema.n)
		fail("a record without the schema's field count", NULL, 0);
	check_derived(st);
	for (size_t i = 0; i < rec->nf; i++) {
		const char *v = rec_val(rec, i);
		size_t n = rec_len(rec, i);

		if (rec_kind(rec, i) == VAL_ABSENT)
			continue;
		if (rec->f[i].clean && strpbrk_n(v, n, ",\"\r\n"))
			fail("a value marked clean is not", rec, i);
		if (rec_kind(rec, i) == VAL_STR &&
		    !utf8_ok((const unsigned char *)v, n))
			fail("a value that is not UTF-8", rec, i);
		if (rec_kind(rec, i) == VAL_RAW && !json_valid_value(v, n))
			fail("a raw value that is not one JSON value", rec, i);
	}
	for (int k = 0; k < 3; k++) {
		int i = named(st, labels[k]);
		if (i < 0 || title < 0)
			continue;
		if ((has_text(rec, title) ||
		     (csv && stream_is_added(st, (size_t)i))) &&
		    !in_set(rec, i, sets[k]))
			fail("a label not of SPEC section 4", rec, (size_t)i);
	}
	if (region >= 0 && country >= 0) {
		char cc[3];
		if (has_text(rec, country) &&
		    rec_len(rec, (size_t)country) == 2 &&
		    country_code(rec_val(rec, (size_t)country), 2, cc) &&
		    memcmp(cc, rec_val(rec, (size_t)country), 2) == 0 &&
		    !holds(rec, region, country_region(cc)))
			fail("a region not its country's", rec, (size_t)region);
		if (csv && stream_is_added(st, (size_t)region) &&
		    !in_set(rec, region, regions))
			fail("a region not of SPEC section 4", rec,
			     (size_t)region);
	}
}

/* The counts of one file, read by the reader alone, and the lines its
 * malformed records took (bad_line[i]: line i + 1 did). */
#define TALLY_LINES 4200
struct tally {
	uint64_t good, bad;
	int failed; /* an error that ended the reading */
	unsigned char bad_line[TALLY_LINES];
};

/* Read every record of path as fmt, counting into t; each good one must
 * have the schema's field count.  s receives the field names. */
static void tally(const char *path, enum rec_format fmt, struct schema *s,
		  struct tally *t)
{
	struct record rec = RECORD_INIT;
	struct cov_err e = {0};
	struct reader *r = reader_open(path, fmt, s, &e);
	int k;

	memset(t, 0, sizeof *t);
	if (!r) {
		t->failed = 1;
		return;
	}
	while ((k = reader_next(r, &rec, &e)) != 0) {
		if (k > 0) {
			if (rec.nf != s->n)
				fail("a record read back without the schema's field count",
				     NULL, 0);
			t->good++;
		} else if (r->rejected) {
			const char *raw;
			size_t n;
			long line;
			long last;
			reader_raw(r, &raw, &n, &line);
			/* its first line, and one more a line end inside */
			last = line;
			for (size_t i = 0; i + 1 < n; i++)
				last += raw[i] == '\n';
			for (; line <= last && line <= TALLY_LINES; line++)
				if (line > 0)
					t->bad_line[line - 1] = 1;
			t->bad++;
		} else {
			t->failed = 1;
			break;
		}
	}
	rec_release(&rec);
	reader_close(r);
}

/* The number after "name": in the --stats file's text, or abort. */
static uint64_t stat_of(const char *json, const char *name)
{
	char key[64];
	const char *p;

	snprintf(key, sizeof key, "\"%s\":", name);
	if (!(p = strstr(json, key)))
		fail("a counter missing from --stats", NULL, 0);
	return strtoull(p + strlen(key), NULL, 10);
}

static void check_stats(const struct stream *st)
{
	char json[4096];
	FILE *f = fopen(stats_path, "r");
	size_t n;

	if (!f)
		fail("no --stats file", NULL, 0);
	n = fread(json, 1, sizeof json - 1, f);
	fclose(f);
	json[n] = '\0';
	if (stat_of(json, "rows_in") != st->rows_in ||
	    stat_of(json, "rows_out") != st->rows_out ||
	    stat_of(json, "rows_rejected") != st->rows_rejected ||
	    stat_of(json, "rows_set_aside") != 0)
		fail("--stats differs from the stream's counters", NULL, 0);
}

/* The header the CSV output must have: the input's fields, then the
 * tool's (as stream.c orders them), or none when the input gave none. */
static void expected_header(const struct stream *st, struct schema *h)
{
	if (!stream_has_input_field(st))
		return;
	for (int added = 0; added < 2; added++)
		for (size_t i = 0; i < st->schema.n; i++)
			if (stream_is_added(st, i) == added)
				schema_add(h, st->schema.names[i],
					   st->schema.lens[i]);
}

/* The tool on path, as cmd/cov-normalize.c runs it, with each record
 * checked before it is written; the header of a CSV output into header.
 * nz is freed.  0 when it ran to the end (st closed, its counters left),
 * or -1 when it stopped on an error, which must then have a message. */
static int run(struct normalizer *nz, struct cli_common *opt, char *path,
	       struct stream *st, struct schema *header)
{
	struct record rec = RECORD_INIT;
	struct cov_err e = {0};
	int k;

	if (stream_open_flags(st, opt, 1, &path, STREAM_PREFETCH, &e) < 0) {
		normalizer_free(nz);
		return -1;
	}
	normalizer_bind(nz, st);
	while ((k = stream_next(st, &rec, &e)) > 0) {
		normalizer_apply(nz, st, &rec);
		check_record(st, &rec);
		if (stream_write(st, &rec, &e) < 0) {
			k = -1;
			break;
		}
	}
	rec_release(&rec);
	normalizer_free(nz);
	if (k < 0) {
		if (e.code == 0 || e.msg[0] == '\0')
			fail("an error without a message", NULL, 0);
		stream_abort(st);
		return -1;
	}
	expected_header(st, header);
	if (stream_close(st, &e) < 0) {
		fprintf(stderr, "%s\n", e.msg);
		fail("stream_close failed", NULL, 0);
	}
	return 0;
}

/* The books of a run that ended, against the reader's own count of the
 * input (in). */
static void check_books(const struct stream *st, const struct tally *in)
{
	if (st->rows_in != st->rows_out + st->rows_rejected ||
	    st->rows_set_aside != 0)
		fail("rows in != rows written + rows rejected", NULL, 0);
	if (st->rows_in != in->good + in->bad || st->rows_rejected != in->bad) {
		fprintf(stderr,
			"stream: in %" PRIu64 " rejected %" PRIu64
			"; reader: good %" PRIu64 " bad %" PRIu64 "\n",
			st->rows_in, st->rows_rejected, in->good, in->bad);
		fail("the stream's counts are not the reader's", NULL, 0);
	}
	check_stats(st);
}

/* The output and the rejects of a run that ended, read back. */
static void check_outputs(const struct stream *st, enum rec_format fmt,
			  const struct schema *header)
{
	struct schema s_out = SCHEMA_INIT, s_rej = SCHEMA_INIT;
	struct tally out, rej;

	/* NDJSON without a record is an empty file, which the NDJSON
	 * reader refuses as "empty" */
	if (fmt == FMT_NDJSON && st->rows_out == 0) {
		struct stat sb;
		if (stat(out_path, &sb) != 0 || sb.st_size != 0)
			fail("an NDJSON output without records is not empty",
			     NULL, 0);
		memset(&out, 0, sizeof out);
	} else {
		tally(out_path, fmt, &s_out, &out);
	}
	if (out.failed || out.bad != 0 || out.good != st->rows_out) {
		fprintf(stderr,
			"written %" PRIu64 "; read back %" PRIu64
			" and %" PRIu64 " rejected%s\n",
			st->rows_out, out.good, out.bad,
			out.failed ? ", then an error" : "");
		fail("the output does not read back", NULL, 0);
	}
	if (fmt == FMT_CSV && !schema_equal(&s_out, header))
		fail("the output's header is not the one expected", NULL, 0);
	tally(rej_path, FMT_CSV, &s_rej, &rej);
	if (rej.failed || rej.good + rej.bad != st->rows_rejected)
		fail("the rejects file does not hold every reject", NULL, 0);
	schema_release(&s_out);
	schema_release(&s_rej);
}

/* The file p[0..n) without the lines in->bad_line marks into fd. */
static void put_good_lines(int fd, const uint8_t *p, size_t n,
			   const struct tally *in)
{
	uint8_t *good = malloc(n + 1);
	size_t len = 0, line = 1;

	if (!good)
		abort();
	for (size_t i = 0; i < n; i++) {
		if (line > TALLY_LINES || !in->bad_line[line - 1])
			good[len++] = p[i];
		line += p[i] == '\n';
	}
	put_file(fd, good, len);
	free(good);
}

/* A malformed record changes nothing in the output (SPEC section 3: it
 * goes to --rejects): the tool on the file without the lines of its
 * malformed records (in) must write the same bytes as it wrote on the
 * whole of it (in out_path).  The second run goes to out2_path. */
static void check_without_rejects(const struct normalize_opts *nopt,
				  struct cli_common *opt, const uint8_t *p,
				  size_t n, const struct tally *in)
{
	static int fd = -1;
	static char path[64];
	struct cli_common opt2 = *opt;
	struct normalizer *nz;
	struct stream st;
	struct schema header = SCHEMA_INIT;
	struct cov_err e = {0};
	struct stat a, b;
	FILE *fa, *fb;
	int c1, c2;

	if (fd < 0) {
		fd = memfd_create("fuzz_normalize_good", 0);
		if (fd < 0)
			abort();
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	}
	put_good_lines(fd, p, n, in);
	opt2.output = out2_path;
	opt2.rejects = NULL;
	opt2.stats = NULL;
	if (!(nz = normalizer_new(nopt, &e)))
		fail("normalizer_new failed the second time", NULL, 0);
	if (run(nz, &opt2, path, &st, &header) < 0)
		fail("the tool stopped on the file without its rejects", NULL,
		     0);
	if (st.rows_rejected != 0 || st.rows_out != in->good)
		fail("the file without its rejects is read otherwise", NULL, 0);
	schema_release(&header);
	if (stat(out_path, &a) != 0 || stat(out2_path, &b) != 0 ||
	    a.st_size != b.st_size)
		fail("malformed records change the output", NULL, 0);
	fa = fopen(out_path, "rb");
	fb = fopen(out2_path, "rb");
	if (!fa || !fb)
		abort();
	do {
		c1 = getc(fa);
		c2 = getc(fb);
	} while (c1 == c2 && c1 != EOF);
	fclose(fa);
	fclose(fb);
	if (c1 != c2)
		fail("malformed records change the output", NULL, 0);
	unlink(out2_path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64], spec[256];
	struct cli_common opt = {0};
	struct normalize_opts nopt = {0};
	struct normalizer *nz;
	struct stream st;
	struct cov_err e = {0};
	struct schema s_in = SCHEMA_INIT, header = SCHEMA_INIT;
	struct tally in;
	enum rec_format fmt;

	if (size < 2)
		return 0;
	if (fd < 0) {
		fd = memfd_create("fuzz_normalize", 0);
		strcpy(out_dir, "/tmp/fuzz_normalize-XXXXXX");
		if (fd < 0 || !mkdtemp(out_dir))
			abort();
		snprintf(out_path, sizeof out_path, "%s/out", out_dir);
		snprintf(rej_path, sizeof rej_path, "%s/rej.csv", out_dir);
		snprintf(stats_path, sizeof stats_path, "%s/stats.json",
			 out_dir);
		snprintf(out2_path, sizeof out2_path, "%s/out2", out_dir);
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
		atexit(remove_files);
	}
	put_file(fd, data + 2, size - 2);
	fmt = data[0] & 1 ? FMT_NDJSON : FMT_CSV;
	opt.from = fmt;
	opt.output = out_path;
	opt.rejects = rej_path;
	opt.stats = stats_path;
	nopt.kind = data[0] & 2 ? HEADER_ACCOUNTS : HEADER_CONTACTS;
	nopt.date_order = data[0] & 4 ? DATE_DMY : DATE_MDY;
	nopt.default_country = countries[(data[0] >> 3) & 7];
	nopt.map = map_spec(maps[data[1] & 31], (const char *)data + 2,
			    size - 2, fmt, spec);
	if (data[0] & 64)
		setenv("COV_PREFETCH", "0", 1);
	else
		unsetenv("COV_PREFETCH");

	/* what the reader alone makes of the file */
	tally(path, fmt, &s_in, &in);
	schema_release(&s_in);

	in_chunk_limit = chunks[data[1] >> 5];
	nz = normalizer_new(&nopt, &e);
	if (!nz) {
		/* the malformed spec, or a name from the file that is not
		 * UTF-8 */
		if (e.code != COV_EXIT_USAGE ||
		    (nopt.map != maps[15] &&
		     utf8_ok((const unsigned char *)nopt.map,
			     strlen(nopt.map))))
			fail("normalizer_new refused good options", NULL, 0);
	} else if (run(nz, &opt, path, &st, &header) < 0) {
		if (!in.failed)
			fail("the tool stopped on a file the reader reads",
			     NULL, 0);
	} else {
		if (in.failed)
			fail("the tool read a file the reader stops on", NULL,
			     0);
		in_chunk_limit = 0;
		check_books(&st, &in);
		check_outputs(&st, fmt, &header);
		/* not for gzip, whose lines are not the file's; not when
		 * every record is malformed: NDJSON without a line is
		 * "empty" */
		in_chunk_limit = chunks[data[1] >> 5];
		if (in.bad > 0 && in.good > 0 &&
		    !(size >= 4 && data[2] == 0x1f && data[3] == 0x8b))
			check_without_rejects(&nopt, &opt, data + 2, size - 2,
					      &in);
	}
	unlink(out_path);
	unlink(rej_path);
	unlink(stats_path);
	in_chunk_limit = 0;
	schema_release(&header);
	text_thread_release();
	email_thread_release();
	company_thread_release();
	return 0;
}
