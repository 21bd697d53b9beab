/*
 * csvio: CSV and TSV reading (the format half of reader.h) and field writing.
 *
 * CSV is parsed by libcsv in strict mode, fed one physical line at a time so
 * we know every record's line.  What we change about libcsv's defaults:
 *   - no trimming: the space function says nothing is a space;
 *   - a line ends only at LF; a CR just before it is dropped unless we are
 *     inside a quoted field, so CRLF and LF files read the same and a bare CR
 *     is data;
 *   - strict mode reports a quote inside an unquoted field (a"b); SPEC keeps
 *     that quote as data, so we put it into libcsv's field buffer ourselves
 *     and go on after it.  Strict mode still rejects text after a closing
 *     quote ("a"b) and an unterminated quoted field at the end;
 *   - the field buffer grows by doubling (blk_size follows entry_size), not
 *     by 128 bytes;
 *   - blank lines are skipped (libcsv's default) but still counted;
 *   - the separator is ';' instead of ',' in a file detected as separated
 *     so (r->semicolon, see reader.h); every rule below reads "comma" as
 *     that separator.
 * Two shortcuts keep libcsv's cost where it earns its keep: a record line
 * with no double quote at all is split at its commas directly (split_plain:
 * under our rules that is the only reading; the line is copied into the
 * record once and its fields point into that copy), and lines on which
 * libcsv's built-in space and line-end rules agree with ours (plain_line)
 * are parsed with them, because calls through the rule functions are slow.
 * Each record's bytes also pass a UTF-8 check; a record with invalid UTF-8,
 * a quoting error or the wrong number of fields is malformed.
 *
 * libcsv state numbers (ROW_NOT_BEGUN 0 .. FIELD_MIGHT_HAVE_ENDED 3) are
 * those of libcsv 3.0.3's parser, whose struct is public in <csv.h>.
 */
#include "csvio.h"

#include <stdint.h>
#include <string.h>

#include "norm_text.h"
#include "reader.h"

enum { LIBCSV_ROW_NOT_BEGUN = 0, LIBCSV_FIELD_BEGUN = 2 };

/* The separator of r's CSV: ';' in a file detected as separated so. */
static char sep_of(const struct reader *r) { return r->semicolon ? ';' : ','; }

static int no_space(unsigned char c)
{
	(void)c;
	return 0;
}

static int lf_only(unsigned char c) { return c == '\n'; }

/* Append a field whose n bytes are at off in rec's data already; clean
 * says they hold no byte that CSV must quote. */
static void add_field_at(struct record *rec, size_t off, size_t n, int clean)
{
	struct field *f;

	if (rec->nf == rec->cap) {
		size_t nf = rec->nf;
		rec_resize(rec, nf + 1);
		rec->nf = nf;
	}
	f = &rec->f[rec->nf++];
	f->off = off;
	f->len = n;
	f->kind = VAL_STR;
	f->clean = (unsigned char)clean;
}

/* Append a field, copying its bytes; clean as for add_field_at. */
static void add_field(void *s, size_t n, struct record *rec, int clean)
{
	size_t off = rec->data.len;

	buf_add(&rec->data, s, n);
	add_field_at(rec, off, n, clean);
}

static void on_field(void *s, size_t n, void *data)
{
	struct reader *r = data;

	add_field(s, n, r->cur, 0);
}

static void on_row(int c, void *data)
{
	struct reader *r = data;
	(void)c;
	r->row_done = 1;
}

static void csv_reset(struct csv_parser *p)
{
	p->pstate = LIBCSV_ROW_NOT_BEGUN;
	p->quoted = 0;
	p->spaces = 0;
	p->entry_pos = 0;
	p->status = 0;
}

/* Feed s[0..n) to libcsv.  0 ok, -1 quoting error (line state is then
 * unknown: the caller resets the parser). */
static int parse(struct reader *r, const char *s, size_t n)
{
	struct csv_parser *p = &r->csv;

	while (n > 0) {
		size_t k;
		p->blk_size = p->entry_size > 65536 ? p->entry_size : 65536;
		k = csv_parse(p, s, n, on_field, on_row, r);
		if (k == n)
			return 0;
		if (csv_error(p) == CSV_ENOMEM || csv_error(p) == CSV_ETOOBIG)
			cov_die(COV_EXIT_IO, "out of memory in CSV parser");
		if (csv_error(p) == CSV_EPARSE &&
		    p->pstate == LIBCSV_FIELD_BEGUN && !p->quoted &&
		    p->entry_pos < p->entry_size) {
			/* a quote inside an unquoted field is data */
			p->entry_buf[p->entry_pos++] = '"';
			p->status = 0;
			p->spaces = 0;
			s += k + 1;
			n -= k + 1;
			continue;
		}
		return -1;
	}
	return 0;
}

/* 1 when libcsv's built-in space and line-end rules (which trim spaces and
 * tabs around unquoted fields and end rows at CR) give the same result on
 * this line as ours: no CR but a final CRLF's, and no space or tab at the
 * line's edges or beside a separator.  Such lines skip the per-byte calls
 * through our no_space/lf_only functions, which cost libcsv half its speed. */
static int plain_line(const char *s, size_t n, char sep)
{
	const char *end = s + n, *c;

	if (n > 0 && end[-1] == '\n') {
		end--;
		if (end > s && end[-1] == '\r')
			end--;
	}
	if (end == s)
		return 1;
	if (memchr(s, '\r', (size_t)(end - s)))
		return 0;
	if (*s == ' ' || *s == '\t' || end[-1] == ' ' || end[-1] == '\t')
		return 0;
	for (c = s; (c = memchr(c, sep, (size_t)(end - c))) != NULL; c++) {
		if (c[-1 + (c == s)] == ' ' || c[-1 + (c == s)] == '\t')
			return 0;
		if (c + 1 < end && (c[1] == ' ' || c[1] == '\t'))
			return 0;
	}
	return 1;
}

/* Feed one physical line (with its LF, if any). */
static int feed_line(struct reader *r, const char *s, size_t n)
{
	size_t body = n;
	int nl = n > 0 && s[n - 1] == '\n';

	if (plain_line(s, n, sep_of(r))) {
		r->csv.is_space = NULL;
		r->csv.is_term = NULL;
		return parse(r, s, n);
	}
	r->csv.is_space = no_space;
	r->csv.is_term = lf_only;
	if (nl) {
		body = n - 1;
		if (body > 0 && s[body - 1] == '\r')
			body--;
	}
	if (parse(r, s, body) < 0)
		return -1;
	if (!nl)
		return 0;
	if (r->csv.pstate == LIBCSV_FIELD_BEGUN && r->csv.quoted)
		return parse(r, s + body, n - body); /* newline inside quotes */
	return parse(r, "\n", 1);
}

/* The common line shapes have one reading under our rules, so they are
 * split here without libcsv: fields separated by sep, each either
 * unquoted without any double quote, or quoted with its closing quote
 * followed by sep or the line end and no quote or CR inside.  An unquoted
 * field is clean (written as it is) unless it holds a comma, which only a
 * ';' file can leave unquoted.  The line is copied into rec's data once,
 * as it is, and every field points into that copy (a quoted field at its
 * bytes between the quotes): one copy a line instead of one a field.
 * Returns 1 with rec filled, or 0 with rec empty: the line goes to libcsv,
 * which handles doubled quotes, quoted line breaks, bare quotes and bad
 * quoting. */
static int split_plain(struct record *rec, const char *s, size_t n, char sep)
{
	const char *end = s + n, *line = s, *c, *q;
	size_t base;
	int comma = sep == ',';

	if (n > 0 && end[-1] == '\n') {
		end--;
		if (end > s && end[-1] == '\r')
			end--;
	}
	if (memchr(s, '\r', (size_t)(end - s)))
		return 0;
	base = rec->data.len;
	buf_add(&rec->data, s, (size_t)(end - s));
	if (!memchr(s, '"', (size_t)(end - s))) {
		for (;;) {
			c = memchr(s, sep, (size_t)(end - s));
			if (!c)
				c = end;
			add_field_at(rec, base + (size_t)(s - line),
				     (size_t)(c - s),
				     comma || !memchr(s, ',', (size_t)(c - s)));
			if (c == end)
				return 1;
			s = c + 1;
		}
	}
	for (;;) {
		if (s < end && *s == '"') {
			q = memchr(s + 1, '"', (size_t)(end - s - 1));
			if (!q || (q + 1 < end && q[1] != sep))
				goto fallback;
			add_field_at(rec, base + (size_t)(s + 1 - line),
				     (size_t)(q - s - 1), 0);
			c = q + 1;
		} else {
			c = memchr(s, sep, (size_t)(end - s));
			if (!c)
				c = end;
			if (memchr(s, '"', (size_t)(c - s)))
				goto fallback;
			add_field_at(rec, base + (size_t)(s - line),
				     (size_t)(c - s),
				     comma || !memchr(s, ',', (size_t)(c - s)));
		}
		if (c == end)
			return 1;
		s = c + 1;
	}
fallback:
	rec_clear(rec, 0);
	return 0;
}

static int is_blank_line(const char *s, size_t n)
{
	return (n == 1 && s[0] == '\n') ||
	       (n == 2 && s[0] == '\r' && s[1] == '\n');
}

/* Read one record of any width into rec.  1, 0 at end, -1 error. */
static int csv_record(struct reader *r, struct record *rec, struct cov_err *e)
{
	const char *s;
	size_t n;
	int k;

	rec_clear(rec, 0);
	r->cur = rec;
	r->row_done = 0;
	r->bad_reason = NULL;
	r->in_record = 0;
	r->rec_start = r->pos;
	for (;;) {
		k = reader_line(r, &s, &n, e);
		if (k < 0)
			return -1;
		if (k == 0) {
			if (!r->in_record)
				return 0;
			if (csv_fini(&r->csv, on_field, on_row, r) != 0) {
				csv_reset(&r->csv);
				r->in_record = 0;
				reader_reject(
					r, e, r->rec_line, "unterminated_quote",
					"unterminated quoted field (opened on line %ld)",
					r->rec_line);
				return -1;
			}
			break;
		}
		if (!r->in_record) {
			if (is_blank_line(s, n)) {
				r->rec_start = r->pos;
				continue;
			}
			r->in_record = 1;
			r->rec_line = r->line;
		}
		if (r->csv.pstate == LIBCSV_ROW_NOT_BEGUN &&
		    split_plain(rec, s, n, sep_of(r))) {
			if (!text_utf8_valid(s, n)) {
				r->in_record = 0;
				reader_utf8_msg(r->bad_msg, sizeof r->bad_msg,
						s, n, 0);
				reader_reject(r, e, r->line, "invalid_utf8",
					      "%s", r->bad_msg);
				return -1;
			}
			break;
		}
		if (!r->bad_reason && !text_utf8_valid(s, n)) {
			r->bad_reason = "invalid_utf8";
			r->bad_line = r->rec_line;
			reader_utf8_msg(r->bad_msg, sizeof r->bad_msg, s, n,
					r->line == r->rec_line ? 0 : r->line);
		}
		if (feed_line(r, s, n) < 0) {
			csv_reset(&r->csv);
			r->in_record = 0;
			if (!r->bad_reason && r->line == r->rec_line)
				reader_reject(
					r, e, r->rec_line, "bad_quote",
					"malformed quoting: only a delimiter or a line end may follow a closing quote");
			else if (!r->bad_reason)
				reader_reject(
					r, e, r->rec_line, "bad_quote",
					"malformed quoting on line %ld: only a delimiter or a line end may follow a closing quote",
					r->line);
			else
				reader_reject(r, e, r->bad_line, r->bad_reason,
					      "%s", r->bad_msg);
			return -1;
		}
		if (r->row_done)
			break;
	}
	r->in_record = 0;
	if (r->bad_reason) {
		reader_reject(r, e, r->bad_line, r->bad_reason, "%s",
			      r->bad_msg);
		return -1;
	}
	rec->line = r->rec_line;
	rec->file = r->in->name;
	return 1;
}

/* 1 when s[0..n) holds a CR that no LF follows. */
static int bare_cr(const char *s, size_t n)
{
	const char *c = s;

	while ((c = memchr(c, '\r', n - (size_t)(c - s)))) {
		if (++c == s + n || *c != '\n')
			return 1;
	}
	return 0;
}

/* 1 when the CSV text s[0..n) holds, outside quotes, a CR that no LF
 * follows: a quoted field may hold any CR. */
static int bare_cr_csv(const char *s, size_t n)
{
	int inq = 0;

	for (size_t i = 0; i < n; i++)
		if (s[i] == '"')
			inq = !inq; /* "" inside quotes: out and in again */
		else if (s[i] == '\r' && !inq &&
			 (i + 1 == n || s[i + 1] != '\n'))
			return 1;
	return 0;
}

/* Take the names of a header record hdr (k: what reading it returned) into
 * the schema; duplicate names are an error, and so is a bare CR: the
 * file's lines end in CR alone (classic Mac OS), which would read as one
 * header line of mangled names and no records.  CSV looks for one outside
 * quotes in the header's bytes, as read (a quoted name may hold a CR, as
 * an NDJSON key written as CSV does); TSV, which has no quotes, in its
 * names.  Returns 0 or -1. */
static int take_header(struct reader *r, struct record *hdr, int k,
		       struct cov_err *e)
{
	int csv = r->fmt == FMT_CSV;

	for (size_t i = 0; k > 0 && i < hdr->nf; i++) {
		const char *name = rec_val(hdr, i);
		size_t len = rec_len(hdr, i);
		if (csv ? i == 0 && bare_cr_csv(r->in->buf + r->rec_start,
						r->pos - r->rec_start)
			: bare_cr(name, len)) {
			err_set(e, COV_EXIT_DATA, r->in->name, hdr->line,
				"header_cr",
				"the header holds a CR with no LF after it: "
				"lines that end in CR alone (classic Mac OS) "
				"are not read; convert them with tr '\\r' "
				"'\\n'");
			k = -1;
			break;
		}
		if (schema_find(r->schema, name, len) >= 0) {
			err_set(e, COV_EXIT_DATA, r->in->name, hdr->line,
				"duplicate_field",
				"duplicate field name in header: '%.*s'",
				(int)(len > 60 ? 60 : len), name);
			k = -1;
		} else {
			schema_add(r->schema, name, len);
		}
	}
	r->ncols = hdr->nf;
	rec_release(hdr);
	return k < 0 ? -1 : 0;
}

void csv_reader_init(struct reader *r)
{
	csv_init(&r->csv, CSV_STRICT | CSV_STRICT_FINI);
	csv_set_space_func(&r->csv, no_space);
	csv_set_term_func(&r->csv, lf_only);
	csv_set_delim(&r->csv, sep_of(r));
}

int csv_read_header(struct reader *r, struct cov_err *e)
{
	struct record hdr = RECORD_INIT;

	csv_reader_init(r);
	return take_header(r, &hdr, csv_record(r, &hdr, e), e);
}

/* A record read (k from the format's reader) must have the header's
 * number of fields. */
static int check_width(struct reader *r, struct record *rec, int k,
		       struct cov_err *e)
{
	if (k <= 0)
		return k;
	if (rec->nf != r->ncols) {
		reader_reject(r, e, rec->line, "field_count",
			      "expected %zu field%s, found %zu", r->ncols,
			      r->ncols == 1 ? "" : "s", rec->nf);
		return -1;
	}
	return 1;
}

int csv_next(struct reader *r, struct record *rec, struct cov_err *e)
{
	return check_width(r, rec, csv_record(r, rec, e), e);
}

/* ---- TSV --------------------------------------------------------------- */

/* Split one line into rec, decoding backslash escapes.  -1 on a bad escape. */
static int tsv_split(struct reader *r, struct record *rec, const char *s,
		     size_t n)
{
	size_t i = 0, start;
	struct buf *b = &r->scratch;

	if (n > 0 && s[n - 1] == '\n')
		n--;
	if (n > 0 && s[n - 1] == '\r')
		n--;
	for (;;) {
		start = i;
		while (i < n && s[i] != '\t' && s[i] != '\\')
			i++;
		if (i < n && s[i] == '\\') {
			buf_reset(b);
			buf_add(b, s + start, i - start);
			while (i < n && s[i] != '\t') {
				if (s[i] != '\\') {
					buf_addc(b, s[i++]);
					continue;
				}
				if (i + 1 >= n)
					return -1;
				switch (s[i + 1]) {
				case 't': buf_addc(b, '\t'); break;
				case 'n': buf_addc(b, '\n'); break;
				case 'r': buf_addc(b, '\r'); break;
				case '\\': buf_addc(b, '\\'); break;
				default: return -1;
				}
				i += 2;
			}
			rec_set(rec, rec->nf, b->p, b->len, VAL_STR);
		} else {
			rec_set(rec, rec->nf, s + start, i - start, VAL_STR);
		}
		if (i >= n)
			break;
		i++; /* the tab */
	}
	return 0;
}

static int tsv_record(struct reader *r, struct record *rec, struct cov_err *e)
{
	const char *s;
	size_t n;
	int k;

	for (;;) {
		r->in_record = 0;
		r->rec_start = r->pos;
		k = reader_line(r, &s, &n, e);
		if (k <= 0)
			return k;
		if (!is_blank_line(s, n))
			break;
	}
	r->rec_line = r->line;
	rec_clear(rec, 0);
	rec->line = r->line;
	rec->file = r->in->name;
	if (!text_utf8_valid(s, n)) {
		reader_utf8_msg(r->bad_msg, sizeof r->bad_msg, s, n, 0);
		reader_reject(r, e, r->line, "invalid_utf8", "%s", r->bad_msg);
		return -1;
	}
	if (tsv_split(r, rec, s, n) < 0) {
		reader_reject(
			r, e, r->line, "bad_escape",
			"bad backslash escape (TSV knows \\t \\n \\r \\\\)");
		return -1;
	}
	return 1;
}

int tsv_read_header(struct reader *r, struct cov_err *e)
{
	struct record hdr = RECORD_INIT;

	return take_header(r, &hdr, tsv_record(r, &hdr, e), e);
}

int tsv_next(struct reader *r, struct record *rec, struct cov_err *e)
{
	return check_width(r, rec, tsv_record(r, rec, e), e);
}

/* ---- writing ----------------------------------------------------------- */

/* 1 for bytes that force CSV quoting. */
static const unsigned char csv_special[256] = {
	['\n'] = 1,
	['\r'] = 1,
	['"'] = 1,
	[','] = 1,
};

static int formula_start(const char *s, size_t n)
{
	return n > 0 && (s[0] == '=' || s[0] == '+' || s[0] == '-' ||
			 s[0] == '@' || s[0] == '\t' || s[0] == '\r');
}

/* Bytes of w equal to byte c get their high bit set (exact, no false
 * positives: the classic has-zero-byte test on w ^ c). */
static inline uint64_t swar_eq(uint64_t w, unsigned char c)
{
	const uint64_t low7 = 0x7f7f7f7f7f7f7f7fULL;
	uint64_t x = w ^ (0x0101010101010101ULL * c);
	return ~(((x & low7) + low7) | x | low7);
}

/* 1 when s[0..n) holds a byte that forces quoting. */
static int needs_quotes(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, u + i, 8);
		if (swar_eq(w, ',') | swar_eq(w, '"') | swar_eq(w, '\n') |
		    swar_eq(w, '\r'))
			return 1;
	}
	for (; i < n; i++)
		if (csv_special[u[i]])
			return 1;
	return 0;
}

void csv_write_field(struct out_file *o, const char *s, size_t n,
		     int excel_safe)
{
	size_t i, quotes = 0;
	int prefix = excel_safe && formula_start(s, n);
	char *d;

	if (!needs_quotes(s, n)) {
		d = out_reserve(o, n + 1);
		if (prefix)
			*d++ = '\'';
		memcpy(d, s, n);
		o->len += n + (size_t)prefix;
		return;
	}
	for (i = 0; i < n; i++)
		quotes += s[i] == '"';
	d = out_reserve(o, n + quotes + 3);
	*d++ = '"';
	if (prefix)
		*d++ = '\'';
	if (quotes == 0) {
		memcpy(d, s, n);
		d += n;
	} else {
		for (i = 0; i < n; i++) {
			if (s[i] == '"')
				*d++ = '"';
			*d++ = s[i];
		}
	}
	*d++ = '"';
	o->len += n + quotes + 2 + (size_t)prefix;
}

void tsv_write_field(struct out_file *o, const char *s, size_t n,
		     int excel_safe)
{
	char *d = out_reserve(o, 2 * n + 1);
	char *start = d;

	if (excel_safe && formula_start(s, n))
		*d++ = '\'';
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '\t':
			*d++ = '\\';
			*d++ = 't';
			break;
		case '\n':
			*d++ = '\\';
			*d++ = 'n';
			break;
		case '\r':
			*d++ = '\\';
			*d++ = 'r';
			break;
		case '\\':
			*d++ = '\\';
			*d++ = '\\';
			break;
		default: *d++ = s[i];
		}
	}
	o->len += (size_t)(d - start);
}
