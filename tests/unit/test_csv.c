/*
 * Tests for the CSV reader (csvio.c behind reader.h): a table of inputs,
 * each read through reader_open/reader_next from a temporary file with
 * in_chunk_limit set to every size from 1 byte to the input's length + 1,
 * so that every state change of the parser crosses a buffer boundary.
 * Each run is turned into a transcript (header, records with their line
 * numbers, rejects with reason, line and raw bytes) and compared with the
 * expected one.  Then field lengths swept around the internal buffer sizes
 * (libcsv's 64 KiB block, IN_BLOCK), a record over IN_MAX_RECORD, and the
 * line that error names (at a lower in_max_record, CSV and TSV).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "io.h"
#include "reader.h"
#include "record.h"
#include "testutil.h"

/* ---- helpers ------------------------------------------------------------ */

/* Read path as fmt and describe what came out:
 *   H<n>:name|name        the header (n names)
 *   L<line>:value|value   a record and its first line
 *   !<reason>@<line>[raw] a malformed record
 *   E<code>:<reason>@<line>  a final error (open or read) */
static void transcript_as(struct buf *t, const char *path, enum rec_format fmt)
{
	struct schema s = SCHEMA_INIT;
	struct record rec = RECORD_INIT;
	struct cov_err e;
	struct reader *r;
	int k;

	buf_reset(t);
	memset(&e, 0, sizeof e);
	r = reader_open(path, fmt, &s, &e);
	if (!r) {
		buf_addf(t, "E%d:%s@%ld\n", e.code, e.reason, e.line);
		schema_release(&s);
		return;
	}
	buf_addf(t, "H%zu:", s.n);
	for (size_t i = 0; i < s.n; i++) {
		if (i)
			buf_addc(t, '|');
		esc(t, s.names[i], s.lens[i]);
	}
	buf_addc(t, '\n');
	for (int guard = 0; guard < 1000; guard++) {
		memset(&e, 0, sizeof e);
		k = reader_next(r, &rec, &e);
		if (k == 0)
			break;
		if (k > 0) {
			cr_assert_eq(rec.nf, s.n);
			buf_addf(t, "L%ld:", rec.line);
			for (size_t i = 0; i < rec.nf; i++) {
				if (i)
					buf_addc(t, '|');
				cr_assert_eq(rec_kind(&rec, i), VAL_STR);
				esc(t, rec_val(&rec, i), rec_len(&rec, i));
			}
			buf_addc(t, '\n');
		} else if (r->rejected) {
			const char *raw;
			size_t n;
			long line;
			reader_raw(r, &raw, &n, &line);
			cr_assert_eq(e.code, COV_EXIT_DATA);
			buf_addf(t, "!%s@%ld", e.reason, e.line);
			if (line != e.line)
				buf_addf(t, "(raw@%ld)", line);
			buf_addc(t, '[');
			esc(t, raw, n);
			buf_adds(t, "]\n");
		} else {
			buf_addf(t, "E%d:%s@%ld\n", e.code, e.reason, e.line);
			break;
		}
	}
	reader_close(r);
	rec_release(&rec);
	schema_release(&s);
}

static void transcript(struct buf *t, const char *path)
{
	transcript_as(t, path, FMT_CSV);
}

/* Detected: a file whose first line is separated by ';' reads so. */
static void transcript_auto(struct buf *t, const char *path)
{
	transcript_as(t, path, FMT_AUTO);
}

struct csv_case {
	const char *name;
	const char *in;
	size_t len; /* 0: strlen(in) */
	const char *want;
};

/* clang-format off */
#define C(name, in, want) {name, in, sizeof(in) - 1, want}
/* clang-format on */

/* clang-format off */
static const struct csv_case cases[] = {
	C("simple", "a,b\n1,2\n3,4\n", "H2:a|b\nL2:1|2\nL3:3|4\n"),
	C("no final newline", "a,b\n1,2\n3,4", "H2:a|b\nL2:1|2\nL3:3|4\n"),
	C("crlf", "a,b\r\n1,2\r\n3,4\r\n", "H2:a|b\nL2:1|2\nL3:3|4\n"),
	C("no final newline, quotes", "a,b\nx\"y,\"z\"\"\"",
	  "H2:a|b\nL2:x\"y|z\"\n"),
	C("no final newline, space", "a,b\n1, 2", "H2:a|b\nL2:1| 2\n"),
	C("crlf no final", "a,b\r\n1,2\r\n3,4", "H2:a|b\nL2:1|2\nL3:3|4\n"),
	C("quoted comma and doubled quotes",
	  "a,b\n\"x,y\",\"he said \"\"hi\"\"\"\n",
	  "H2:a|b\nL2:x,y|he said \"hi\"\n"),
	C("quoted header", "\"a,1\",\"b\"\"2\"\nx,y\n", "H2:a,1|b\"2\nL2:x|y\n"),
	C("multi-line quoted", "a,b\n\"line1\nline2\",z\n3,4\n",
	  "H2:a|b\nL2:line1\\x0aline2|z\nL4:3|4\n"),
	C("multi-line with blank lines inside", "a,b\n\"x\n\n\ny\",1\n2,3\n",
	  "H2:a|b\nL2:x\\x0a\\x0a\\x0ay|1\nL6:2|3\n"),
	C("crlf inside quotes kept", "a,b\r\n\"x\r\ny\",z\r\n5,6\r\n",
	  "H2:a|b\nL2:x\\x0d\\x0ay|z\nL4:5|6\n"),
	C("quoted field spanning, second line plain",
	  "a,b\n1,\"x\nyz\"\n3,4\n", "H2:a|b\nL2:1|x\\x0ayz\nL4:3|4\n"),
	C("bare quote in unquoted field", "a,b\n12\" screen,a\"b\n",
	  "H2:a|b\nL2:12\" screen|a\"b\n"),
	C("quote at field end", "a,b\nx\",y\"\"\n", "H2:a|b\nL2:x\"|y\"\"\n"),
	C("space then quote", "a,b\n \"a\",x\n", "H2:a|b\nL2: \"a\"|x\n"),
	C("space then quote, last field", "a,b\nx, \"a\"\n", "H2:a|b\nL2:x| \"a\"\n"),
	C("text after closing quote", "a,b\n\"a\"b,1\n3,4\n",
	  "H2:a|b\n!bad_quote@2[\"a\"b,1\\x0a]\nL3:3|4\n"),
	C("space after closing quote", "a,b\n\"a\" ,1\n3,4\n",
	  "H2:a|b\n!bad_quote@2[\"a\" ,1\\x0a]\nL3:3|4\n"),
	C("text after closing quote, last field, crlf",
	  "a,b\r\n1,\"a\"b\r\n3,4\r\n",
	  "H2:a|b\n!bad_quote@2[1,\"a\"b\\x0d\\x0a]\nL3:3|4\n"),
	C("no trimming", "a,b\n  x , y \n", "H2:a|b\nL2:  x | y \n"),
	C("tabs kept", "a,b\n\tx\t,y\t\n", "H2:a|b\nL2:\\x09x\\x09|y\\x09\n"),
	C("bare cr is data", "a,b\nx\ry,z\n", "H2:a|b\nL2:x\\x0dy|z\n"),
	C("bare cr with spaces", "a,b\n x\ry ,\rz\r\n",
	  "H2:a|b\nL2: x\\x0dy |\\x0dz\n"),
	C("bare cr at end of input is data", "a,b\n1,2\r",
	  "H2:a|b\nL2:1|2\\x0d\n"),
	C("cr cr lf", "a,b\n1,2\r\r\n", "H2:a|b\nL2:1|2\\x0d\n"),
	C("blank lines skipped and counted", "a,b\n\n1,2\n\r\n\n3,4\n\n",
	  "H2:a|b\nL3:1|2\nL6:3|4\n"),
	C("blank lines before header", "\n\r\na,b\n1,2\n", "H2:a|b\nL4:1|2\n"),
	C("bom", "\xEF\xBB\xBF" "a,b\n1,2\n", "H2:a|b\nL2:1|2\n"),
	C("second bom is data", "\xEF\xBB\xBF\xEF\xBB\xBF" "a,b\n1,2\n",
	  "H2:\\xef\\xbb\\xbfa|b\nL2:1|2\n"),
	C("bom inside a quoted first name", "\"\xEF\xBB\xBF" "a\",b\n1,2\n",
	  "H2:\\xef\\xbb\\xbfa|b\nL2:1|2\n"),
	C("bom quoted header", "\xEF\xBB\xBF\"a\",b\r\n1,2\r\n",
	  "H2:a|b\nL2:1|2\n"),
	C("invalid utf8", "a,b\n\xff,1\n2,3\n",
	  "H2:a|b\n!invalid_utf8@2[\\xff,1\\x0a]\nL3:2|3\n"),
	C("truncated utf8 before comma", "a,b\nx\xc3,1\n2,3\n",
	  "H2:a|b\n!invalid_utf8@2[x\\xc3,1\\x0a]\nL3:2|3\n"),
	C("invalid utf8 on a later line of a quoted record",
	  "a,b\n\"x\n\xed\xa0\x80\",1\n2,3\n",
	  "H2:a|b\n!invalid_utf8@2[\"x\\x0a\\xed\\xa0\\x80\",1\\x0a]\nL4:2|3\n"),
	C("invalid utf8 in quoted field", "a,b\n\"\xc0\xaf\",1\n2,3\n",
	  "H2:a|b\n!invalid_utf8@2[\"\\xc0\\xaf\",1\\x0a]\nL3:2|3\n"),
	C("valid utf8 kept", "a,b\nM\xc3\xbcller,\"\xf0\x9f\x98\x80,\"\n",
	  "H2:a|b\nL2:M\\xc3\\xbcller|\\xf0\\x9f\\x98\\x80,\n"),
	C("wrong field count", "a,b\n1\n1,2,3\n4,5\n",
	  "H2:a|b\n!field_count@2[1\\x0a]\n!field_count@3[1,2,3\\x0a]\nL4:4|5\n"),
	C("wrong field count, multi-line", "a,b\n\"1\n2\"\n4,5\n",
	  "H2:a|b\n!field_count@2[\"1\\x0a2\"\\x0a]\nL4:4|5\n"),
	C("duplicate header", "a,b,a\n1,2,3\n", "E1:duplicate_field@1\n"),
	C("duplicate header after blank", "\nx,\"x\"\n1,2\n",
	  "E1:duplicate_field@2\n"),
	C("empty duplicate header", "a,,\n1,2,3\n", "E1:duplicate_field@1\n"),
	C("CR-only line ends", "a,b\r1,2\r3,4\r", "E1:header_cr@1\n"),
	C("CR-only line ends, last byte", "a\r", "E1:header_cr@1\n"),
	C("CRLF inside a quoted header name", "\"a\r\nb\",c\r\n1,2\r\n",
	  "H2:a\\x0d\\x0ab|c\nL3:1|2\n"),
	/* a quoted CR is data, in the header too (an NDJSON key with a CR,
	 * written as CSV); outside quotes, after a quoted one, it is not */
	C("CR alone inside a quoted header name", "\"a\rb\",c\n1,2\n",
	  "H2:a\\x0db|c\nL2:1|2\n"),
	C("CR alone after a quoted header name", "\"a\"\"\r\",b\r1,2\r",
	  "E1:header_cr@1\n"),
	C("CR in a record is data", "a,b\n1\r2,3\n", "H2:a|b\nL2:1\\x0d2|3\n"),
	C("invalid utf8 in header", "a,\xfe\n1,2\n", "E1:invalid_utf8@1\n"),
	C("bad quote in header", "\"a\"x,b\n1,2\n", "E1:bad_quote@1\n"),
	C("empty fields", "a,b,c\n,,\n1,,\n,,3\n",
	  "H3:a|b|c\nL2:||\nL3:1||\nL4:||3\n"),
	C("trailing comma", "a,b,\n1,2,\n", "H3:a|b|\nL2:1|2|\n"),
	C("empty quoted fields", "a,b\r\n\"\",\"\"\r\n", "H2:a|b\nL2:|\n"),
	C("one column with empty values", "a\n\"\"\nx\n\"\"\n",
	  "H1:a\nL2:\nL3:x\nL4:\n"),
	C("one column, blank line skipped", "a\n\n\"\"\ny", "H1:a\nL3:\nL4:y\n"),
	C("one column, empty quoted header", "\"\"\n\"\"\n", "H1:\nL2:\n"),
	C("nul bytes", "a,b\nx\0y,\"\0\"\n\0,1\n",
	  "H2:a|b\nL2:x\\x00y|\\x00\nL3:\\x00|1\n"),
	C("empty input", "", "H0:\n"),
	C("header only", "a,b\n", "H2:a|b\n"),
	C("header only, no newline", "a,b", "H2:a|b\n"),
	C("only blank lines", "\n\n\r\n", "H0:\n"),
	C("unterminated quote at end", "a,b\n1,2\n\"abc,3\n4,5\n",
	  "H2:a|b\nL2:1|2\n!unterminated_quote@3[\"abc,3\\x0a4,5\\x0a]\n"),
	C("unterminated quote, no newline", "a,b\n1,\"x",
	  "H2:a|b\n!unterminated_quote@2[1,\"x]\n"),
	C("lone quote field", "a\n\"\n", "H1:a\n!unterminated_quote@2[\"\\x0a]\n"),
	C("bad record between good ones", "a,b\n1,2\n\"x\ny\"z,3\n4,5\n",
	  "H2:a|b\nL2:1|2\n!bad_quote@3[\"x\\x0ay\"z,3\\x0a]\nL5:4|5\n"),
	C("several bad records", "a,b\n\n\"q\"q,1\n\n\xff,2\n3\n\"ok\",\"\"\"\"\n",
	  "H2:a|b\n!bad_quote@3[\"q\"q,1\\x0a]\n!invalid_utf8@5[\\xff,2\\x0a]\n"
	  "!field_count@6[3\\x0a]\nL7:ok|\"\n"),
	C("doubled quotes only", "a\n\"\"\"\"\"\"\n", "H1:a\nL2:\"\"\n"),
	C("quoted then unquoted fields mixed", "a,b,c\n\"1\",2,\"3\"\n",
	  "H3:a|b|c\nL2:1|2|3\n"),
	C("quote inside after doubled", "a,b\n\"a\"\"b\",c\"d\n",
	  "H2:a|b\nL2:a\"b|c\"d\n"),
	C("closing quote then cr data", "a,b\n\"a\"\rb,1\n2,3\n",
	  "H2:a|b\n!bad_quote@2[\"a\"\\x0db,1\\x0a]\nL3:2|3\n"),
	C("spaces around quoted multi-line", "a,b\n x,\"y\n z \"\n",
	  "H2:a|b\nL2: x|y\\x0a z \n"),
	/* UTF-16 is refused at the start, whatever the format */
	C("utf-16le bom", "\xff\xfe" "a\0,\0b\0\n\0", "E1:utf16@1\n"),
	C("utf-16be bom", "\xfe\xff" "\0a\0,\0b\0\n", "E1:utf16@1\n"),
	C("utf-16le, no bom", "a\0,\0b\0\n\0", "E1:utf16@1\n"),
	C("utf-16be, no bom", "\0a\0,\0b\0\n", "E1:utf16@1\n"),
	C("nul bytes further on are data", "a\0,b\n1,2\n",
	  "H2:a\\x00|b\nL2:1|2\n"),
	/* a first line "sep=X" names the separator and is not the header */
	C("sep line, comma", "sep=,\na,b\n1,2\n", "H2:a|b\nL3:1|2\n"),
	C("sep line, semicolon, crlf", "sep=;\r\na;b\r\n1,5;2\r\n",
	  "H2:a|b\nL3:1,5|2\n"),
	C("sep line after a bom", "\xEF\xBB\xBF" "sep=;\na;b\n\"x;y\";2\n",
	  "H2:a|b\nL3:x;y|2\n"),
	C("sep line alone", "sep=;", "H0:\n"),
	C("sep line, blank lines after", "sep=;\n\na;b\n", "H2:a|b\n"),
	C("sep= with more is a header", "sep=,x\n1,2\n", "H2:sep=|x\nL2:1|2\n"),
	C("sep= another separator is a header", "sep=|\n1\n",
	  "H1:sep=\\x7c\nL2:1\n"),
};
/* clang-format on */

/* Run one case with every chunk size (see sweep_chunks). */
static void run_case(const struct csv_case *c)
{
	sweep_chunks(c->name, c->in, c->len, c->want, transcript);
}

Test(csv_read, table_every_chunk_size)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		run_case(&cases[i]);
}

/* Files separated by ';', as a spreadsheet saves CSV where the decimal
 * mark is the comma: detected from the first line, then read by the same
 * rules with ';' for ','.  A comma in a field is data, quoted or not. */
/* clang-format off */
static const struct csv_case semicolon_cases[] = {
	C("semicolons", "a;b\n1;2\n", "H2:a|b\nL2:1|2\n"),
	C("commas are data", "Name;Company\nLee, Ann;Acme, Inc.\n",
	  "H2:Name|Company\nL2:Lee, Ann|Acme, Inc.\n"),
	C("more ; than , in the header", "Name, full;Email;Note\nx;y;1,5\n",
	  "H3:Name, full|Email|Note\nL2:x|y|1,5\n"),
	C("quoted, crlf, doubled quotes, line break",
	  "\"a;1\";b\r\n\"x;y\";\"he said \"\"hi\"\"\"\r\n\"l1\r\nl2\";z\r\n",
	  "H2:a;1|b\nL2:x;y|he said \"hi\"\nL3:l1\\x0d\\x0al2|z\n"),
	C("spaces kept beside ;", "a;b\n x ; y \n", "H2:a|b\nL2: x | y \n"),
	C("bad quote and field count", "a;b\n\"x\"y;1\n1;2;3\n4;5\n",
	  "H2:a|b\n!bad_quote@2[\"x\"y;1\\x0a]\n!field_count@3[1;2;3\\x0a]\n"
	  "L4:4|5\n"),
	C("bare quote is data", "a;b\n12\" screen;x\n", "H2:a|b\nL2:12\" screen|x\n"),
	C("semicolons quoted in a comma file", "\"a;b;c\",d\n1,2\n",
	  "H2:a;b;c|d\nL2:1|2\n"),
	C("as many , as ;: commas", "a;b,c\n1;2,3\n", "H2:a;b|c\nL2:1;2|3\n"),
};
/* clang-format on */

Test(csv_read, semicolon_every_chunk_size)
{
	for (size_t i = 0;
	     i < sizeof semicolon_cases / sizeof semicolon_cases[0]; i++) {
		const struct csv_case *c = &semicolon_cases[i];
		sweep_chunks(c->name, c->in, c->len, c->want, transcript_auto);
	}
}

/* ---- field lengths around the internal sizes --------------------------- */

/* Read "a,b\n<field>,x\n1,2\n" and check the field comes back whole. */
static void check_long_field(size_t n, int quoted, size_t chunk)
{
	struct buf in = BUF_INIT, want = BUF_INIT;
	struct schema s = SCHEMA_INIT;
	struct record rec = RECORD_INIT;
	struct cov_err e;
	struct reader *r;
	char *path;

	/* the value: letters, with a comma, a quote and a line break inside
	 * when quoted, so the slow path (libcsv) carries it */
	for (size_t i = 0; i < n; i++)
		buf_addc(&want, (char)('a' + i % 26));
	if (quoted && n >= 3) {
		want.p[n / 2] = ',';
		want.p[n / 3] = '"';
		want.p[n - 2] = '\n';
	}
	buf_adds(&in, "a,b\n");
	if (quoted) {
		buf_addc(&in, '"');
		for (size_t i = 0; i < n; i++) {
			if (want.p[i] == '"')
				buf_addc(&in, '"');
			buf_addc(&in, want.p[i]);
		}
		buf_addc(&in, '"');
	} else {
		buf_add(&in, want.p, n);
	}
	buf_adds(&in, ",x\n1,2\n");
	path = tmp_write(in.p, in.len);
	in_chunk_limit = chunk;
	memset(&e, 0, sizeof e);
	r = reader_open(path, FMT_CSV, &s, &e);
	cr_assert_not_null(r, "%s", e.msg);
	cr_assert_eq(reader_next(r, &rec, &e), 1, "n=%zu quoted=%d: %s", n,
		     quoted, e.msg);
	cr_assert_eq(rec.nf, 2);
	cr_assert_eq(rec_len(&rec, 0), n, "n=%zu quoted=%d chunk=%zu: got %zu",
		     n, quoted, chunk, rec_len(&rec, 0));
	cr_assert(memcmp(rec_val(&rec, 0), want.p, n) == 0,
		  "n=%zu quoted=%d: value differs", n, quoted);
	cr_assert(rec_len(&rec, 1) == 1 && rec_val(&rec, 1)[0] == 'x');
	cr_assert_eq(rec.line, 2);
	cr_assert_eq(reader_next(r, &rec, &e), 1);
	cr_assert_eq(rec.line, quoted && n >= 3 ? 4 : 3);
	cr_assert(rec_len(&rec, 0) == 1 && rec_val(&rec, 0)[0] == '1');
	cr_assert_eq(reader_next(r, &rec, &e), 0);
	reader_close(r);
	in_chunk_limit = 0;
	tmp_remove(path);
	rec_release(&rec);
	schema_release(&s);
	buf_release(&in);
	buf_release(&want);
}

Test(csv_read, field_lengths_around_buffer_sizes)
{
	/* clang-format off */
	static const size_t sizes[] = {
		65535, 65536, 65537, IN_BLOCK - 1, IN_BLOCK, IN_BLOCK + 1,
		IN_BLOCK + 4095, IN_BLOCK + 4096, IN_BLOCK + 4097,
		2 * IN_BLOCK + 1,
	};
	/* clang-format on */
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		for (int quoted = 0; quoted < 2; quoted++) {
			check_long_field(sizes[i], quoted, 0);
			check_long_field(sizes[i], quoted, 65521);
		}
	}
}

Test(csv_read, record_over_max_is_a_clean_error)
{
	/* an unterminated quoted field that keeps going: the reader must stop
	 * at IN_MAX_RECORD with an error, not grow without bound */
	struct schema s = SCHEMA_INIT;
	struct record rec = RECORD_INIT;
	struct cov_err e;
	struct reader *r;
	char path[] = "/tmp/cov-test-csv-big-XXXXXX";
	int fd = mkstemp(path);
	char line[1024];
	size_t total = 0;
	FILE *f;

	cr_assert(fd >= 0);
	f = fdopen(fd, "w");
	memset(line, 'x', sizeof line - 1);
	line[sizeof line - 1] = '\n';
	fputs("a,b\n1,2\n\"", f);
	while (total < IN_MAX_RECORD + 2 * IN_BLOCK) {
		fwrite(line, 1, sizeof line, f);
		total += sizeof line;
	}
	fputs("\",3\n4,5\n", f);
	cr_assert_eq(fclose(f), 0);

	memset(&e, 0, sizeof e);
	r = reader_open(path, FMT_CSV, &s, &e);
	cr_assert_not_null(r);
	cr_assert_eq(reader_next(r, &rec, &e), 1);
	cr_assert_eq(reader_next(r, &rec, &e), -1);
	cr_assert_eq(r->rejected, 0, "a final error, not a reject");
	cr_assert_eq(e.code, COV_EXIT_DATA);
	cr_assert_str_eq(e.reason, "record_too_long");
	cr_assert_eq(e.line, 3);
	cr_assert_str_eq(e.msg,
			 "record longer than 64 MiB (unterminated quote?)");
	cr_assert(r->in->cap <= IN_MAX_RECORD + IN_BLOCK, "window grew to %zu",
		  r->in->cap);
	reader_close(r);
	unlink(path);
	rec_release(&rec);
	schema_release(&s);
}

Test(csv_read, too_long_said_at_its_first_line)
{
	/* the line is that of the long record's first line, whatever came
	 * before it (blank lines, CRLF, a header only, nothing) and however
	 * the reader met it (detecting the format, or gzip); the quote hint
	 * only for a CSV record of several lines */
	static const char *line_msg = "line longer than 1 MiB";
	struct buf b = BUF_INIT;

	buf_reset(&b);
	buf_adds(&b, "email,name\n");
	add_long_line(&b, "\"", "\",y\nb@x.com,z\n");
	expect_too_long("first record", FMT_AUTO, &b, 0, 2, line_msg);
	expect_too_long("first record, gzip", FMT_AUTO, &b, 1, 2, line_msg);

	buf_reset(&b);
	buf_adds(&b, "email,name\na@x.com,\"two\nlines\"\n\n\r\n");
	add_long_line(&b, "", ",y\n");
	expect_too_long("after blank lines", FMT_CSV, &b, 0, 6, line_msg);
	expect_too_long("after blank lines, gzip", FMT_CSV, &b, 1, 6, line_msg);

	buf_reset(&b);
	buf_adds(&b, "email,name\r\na@x.com,1\r\n\r\n");
	add_long_line(&b, "\"", "\",y\r\n");
	expect_too_long("CRLF", FMT_AUTO, &b, 0, 4, line_msg);

	buf_reset(&b);
	buf_adds(&b, "email,name\n\na@x.com,1\n\nq@x.com,\"open\n");
	for (size_t i = 0; i < 40000; i++)
		buf_adds(&b, "a quoted field left open goes on and on, line "
			     "after line, over the limit................\n");
	expect_too_long("open quote", FMT_CSV, &b, 0, 5,
			"record longer than 1 MiB (unterminated quote?)");

	/* a header too long: seen by the detection, or by the reader */
	buf_reset(&b);
	buf_adds(&b, "\n\r\n");
	add_long_line(&b, "email", ",name\na,b\n");
	expect_too_long("header", FMT_AUTO, &b, 0, 3, line_msg);
	expect_too_long("header, --from csv", FMT_CSV, &b, 0, 3, line_msg);

	buf_reset(&b);
	buf_adds(&b, "email\tname\n\na@x.com\t1\n");
	add_long_line(&b, "", "\ty\n");
	expect_too_long("TSV", FMT_AUTO, &b, 0, 4, line_msg);
	buf_reset(&b);
	add_long_line(&b, "email\t", "\n");
	expect_too_long("TSV header", FMT_TSV, &b, 0, 1, line_msg);
	buf_release(&b);
}

/* ---- other reader behaviour -------------------------------------------- */

Test(csv_read, record_memory_is_reused)
{
	/* 20000 records of the same shape: the record's buffers stop growing */
	struct buf in = BUF_INIT;
	struct schema s = SCHEMA_INIT;
	struct record rec = RECORD_INIT;
	struct cov_err e;
	struct reader *r;
	char *path;
	size_t cap = 0, fcap = 0;

	buf_adds(&in, "a,b,c\n");
	for (int i = 0; i < 20000; i++)
		buf_addf(&in, "%05d,\"q\"\"%d\",plain text\n", i, i % 7);
	path = tmp_write(in.p, in.len);
	r = reader_open(path, FMT_CSV, &s, &e);
	cr_assert_not_null(r);
	for (int i = 0; i < 20000; i++) {
		cr_assert_eq(reader_next(r, &rec, &e), 1);
		cr_assert_eq(rec.line, i + 2);
		if (i == 10) {
			cap = rec.data.cap;
			fcap = rec.cap;
		} else if (i > 10) {
			cr_assert_eq(rec.data.cap, cap);
			cr_assert_eq(rec.cap, fcap);
		}
	}
	cr_assert_eq(reader_next(r, &rec, &e), 0);
	reader_close(r);
	tmp_remove(path);
	buf_release(&in);
	rec_release(&rec);
	schema_release(&s);
}

Test(csv_read, auto_detection)
{
	/* clang-format off */
	static const struct {
		const char *in;
		enum rec_format fmt;
		int semicolon;
	} t[] = {
		{"a,b\n1,2\n", FMT_CSV, 0},
		{"a\tb\n1\t2\n", FMT_TSV, 0},
		{"a\tb,c\n", FMT_CSV, 0},
		{"\n\n{\"a\":1}\n", FMT_NDJSON, 0},
		{"\xEF\xBB\xBF{\"a\":1}\n", FMT_NDJSON, 0},
		{"x\n", FMT_CSV, 0},
		{"\xEF\xBB\xBF\n" "a;b\n1,5;2\n", FMT_CSV, 1},
		{"a;b;c,d\n", FMT_CSV, 1},
		{"a;b,c,d\n", FMT_CSV, 0},
		{"\"a;b\",\"c;d\",e\n", FMT_CSV, 0},
		{"x;\"a,b,c\"\n", FMT_CSV, 1},
		{"a\tb;c\n", FMT_TSV, 0},
		{"sep=;\na,b;c\n", FMT_CSV, 1},
		{"sep=,\na;b;c\n", FMT_CSV, 0},
		{"sep=,\r\n{\"a\":1}\n", FMT_CSV, 0},
	};
	/* clang-format on */
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		for (size_t chunk = 1; chunk <= strlen(t[i].in) + 1; chunk++) {
			struct schema s = SCHEMA_INIT;
			struct cov_err e;
			char *path = tmp_write(t[i].in, strlen(t[i].in));
			struct reader *r;
			in_chunk_limit = chunk;
			r = reader_open(path, FMT_AUTO, &s, &e);
			cr_assert_not_null(r, "%s", e.msg);
			cr_assert_eq(r->fmt, t[i].fmt, "input %zu chunk %zu", i,
				     chunk);
			cr_assert_eq(r->semicolon, t[i].semicolon,
				     "input %zu chunk %zu", i, chunk);
			reader_close(r);
			schema_release(&s);
			tmp_remove(path);
		}
	}
	in_chunk_limit = 0;
}

Test(csv_read, utf8_messages)
{
	/* clang-format off */
	static const struct { const char *s; long line; const char *want; } t[] = {
		{"Zo\xeb,1", 0, "invalid UTF-8 (byte 0xEB: a file in "
		 "Windows-1252 or Latin-1? convert it with iconv -f "
		 "WINDOWS-1252 -t UTF-8)"},
		{"caf\xc3\xa9 \x80", 7, "invalid UTF-8 on line 7 (byte 0x80: a "
		 "file in Windows-1252 or Latin-1? convert it with iconv -f "
		 "WINDOWS-1252 -t UTF-8)"},
		{"x\xe9", 0, "invalid UTF-8 (byte 0xE9: a file in Windows-1252 "
		 "or Latin-1? convert it with iconv -f WINDOWS-1252 -t UTF-8)"},
		{"a\xed\xa0\x80", 0, "invalid UTF-8 (byte 0xED)"},
		{"\xc0\xaf", 3, "invalid UTF-8 on line 3 (byte 0xC0)"},
	};
	/* clang-format on */
	char msg[160];

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		reader_utf8_msg(msg, sizeof msg, t[i].s, strlen(t[i].s),
				t[i].line);
		cr_assert_str_eq(msg, t[i].want, "case %zu", i);
	}
}

Test(csv_read, missing_file)
{
	struct schema s = SCHEMA_INIT;
	struct cov_err e;

	memset(&e, 0, sizeof e);
	cr_assert_null(
		reader_open("/nonexistent/cov-test.csv", FMT_CSV, &s, &e));
	cr_assert_eq(e.code, COV_EXIT_IO);
	cr_assert_str_eq(e.file, "/nonexistent/cov-test.csv");
}
