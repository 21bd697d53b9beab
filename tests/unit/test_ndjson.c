/*
 * Tests for the NDJSON reader (ndjson.c behind reader.h) and the JSON
 * helpers of ndjson.h.  As for CSV, every input is read from a temporary
 * file with in_chunk_limit set to each size from 1 byte to its length + 1,
 * and the run is turned into a transcript compared with the expected one:
 *   L<line>:name=Kvalue|...   a record: K is s (text), r (raw JSON), - (absent)
 *   !<reason>@<line>[raw]     a malformed line
 *   E<code>:<reason>@<line>   a final error
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "io.h"
#include "ndjson.h"
#include "reader.h"
#include "record.h"
#include "testutil.h"

static void transcript(struct buf *t, const char *path)
{
	struct schema s = SCHEMA_INIT;
	struct record rec = RECORD_INIT;
	struct cov_err e;
	struct reader *r;
	int k;

	buf_reset(t);
	memset(&e, 0, sizeof e);
	r = reader_open(path, FMT_NDJSON, &s, &e);
	if (!r) {
		buf_addf(t, "E%d:%s@%ld\n", e.code, e.reason, e.line);
		schema_release(&s);
		return;
	}
	for (int guard = 0; guard < 1000; guard++) {
		memset(&e, 0, sizeof e);
		k = reader_next(r, &rec, &e);
		if (k == 0)
			break;
		if (k > 0) {
			cr_assert_eq(rec.nf, s.n,
				     "record has every schema field");
			buf_addf(t, "L%ld:", rec.line);
			for (size_t i = 0; i < rec.nf; i++) {
				int kind = rec_kind(&rec, i);
				if (i)
					buf_addc(t, '|');
				esc(t, s.names[i], s.lens[i]);
				buf_addc(t, '=');
				buf_addc(t, kind == VAL_STR   ? 's'
					    : kind == VAL_RAW ? 'r'
							      : '-');
				if (kind == VAL_ABSENT)
					cr_assert_eq(rec_len(&rec, i), 0);
				esc(t, rec_val(&rec, i), rec_len(&rec, i));
			}
			buf_addc(t, '\n');
		} else if (r->rejected) {
			const char *raw;
			size_t n;
			long line;
			reader_raw(r, &raw, &n, &line);
			cr_assert_eq(e.code, COV_EXIT_DATA);
			cr_assert_eq(line, e.line);
			buf_addf(t, "!%s@%ld[", e.reason, e.line);
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

struct nd_case {
	const char *name;
	const char *in;
	size_t len;
	const char *want;
};

/* clang-format off */
#define C(name, in, want) {name, in, sizeof(in) - 1, want}
/* clang-format on */

/* clang-format off */
static const struct nd_case cases[] = {
	C("simple", "{\"a\":\"x\",\"b\":\"y\"}\n", "L1:a=sx|b=sy\n"),
	C("no final newline", "{\"a\":\"x\"}\n{\"a\":\"z\"}", "L1:a=sx\nL2:a=sz\n"),
	C("crlf lines", "{\"a\":\"x\"}\r\n{\"a\":\"z\"}\r\n", "L1:a=sx\nL2:a=sz\n"),
	C("white space everywhere", " \t{ \"a\" :\t\"x\" , \"b\" : 1 } \t\r\n",
	  "L1:a=sx|b=r1\n"),
	C("empty object", "{}\n{\"a\":\"x\"}\n", "L1:\nL2:a=sx\n"),
	C("escapes", "{\"a\":\"q\\\"b\\\\s\\/n\\nr\\rt\\tb\\bf\\f\"}\n",
	  "L1:a=sq\"b\\x5cs/n\\x0ar\\x0dt\\x09b\\x08f\\x0c\n"),
	C("unicode escapes", "{\"a\":\"\\u0041\\u00e9\\u20AC\\u0000z\"}\n",
	  "L1:a=sA\\xc3\\xa9\\xe2\\x82\\xac\\x00z\n"),
	C("surrogate pair", "{\"a\":\"\\ud83d\\ude00\",\"b\":\"\\uD834\\uDD1E\"}\n",
	  "L1:a=s\\xf0\\x9f\\x98\\x80|b=s\\xf0\\x9d\\x84\\x9e\n"),
	C("escaped key", "{\"k\\u00e9y\\n\":\"v\"}\n", "L1:k\\xc3\\xa9y\\x0a=sv\n"),
	C("raw utf8 kept", "{\"a\":\"M\xc3\xbcller \xf0\x9f\x98\x80\"}\n",
	  "L1:a=sM\\xc3\\xbcller \\xf0\\x9f\\x98\\x80\n"),
	C("nested kept verbatim",
	  "{\"o\":{\"x\": [1, {\"y\":null}] },\"a\":[ ],\"e\":{}}\n",
	  "L1:o=r{\"x\": [1, {\"y\":null}] }|a=r[ ]|e=r{}\n"),
	C("literals raw", "{\"t\":true,\"f\":false,\"n\":null}\n",
	  "L1:t=rtrue|f=rfalse|n=rnull\n"),
	C("numbers", "{\"a\":0,\"b\":-0,\"c\":12,\"d\":-3.25,\"e\":1e5,\"f\":1E+2,"
		     "\"g\":2.5e-3,\"h\":-0.0e0}\n",
	  "L1:a=r0|b=r-0|c=r12|d=r-3.25|e=r1e5|f=r1E+2|g=r2.5e-3|h=r-0.0e0\n"),
	C("duplicate key: last wins", "{\"a\":\"1\",\"b\":\"2\",\"a\":3}\n",
	  "L1:a=r3|b=s2\n"),
	C("late keys extend the schema, absent keys",
	  "{\"a\":\"1\"}\n{\"b\":\"2\"}\n{\"c\":\"3\",\"a\":\"4\"}\n",
	  "L1:a=s1\nL2:a=-|b=s2\nL3:a=s4|b=-|c=s3\n"),
	C("empty key and value", "{\"\":\"\"}\n", "L1:=s\n"),
	C("blank lines skipped and counted",
	  "\n{\"a\":\"1\"}\n \t\r\n\n{\"a\":\"2\"}\n\n", "L2:a=s1\nL5:a=s2\n"),
	C("bom", "\xEF\xBB\xBF{\"a\":\"1\"}\n", "L1:a=s1\n"),
	C("empty input", "", "E1:empty@1\n"),
	C("only blank lines", "\n \n\r\n", "E1:empty@1\n"),
	C("not an object", "[1,2]\n{\"a\":\"1\"}\n",
	  "!bad_json@1[[1,2]\\x0a]\nL2:a=s1\n"),
	C("bad line between good ones",
	  "{\"a\":\"1\"}\n\n{\"a\":}\n{\"a\":\"2\"}\n",
	  "L1:a=s1\n!bad_json@3[{\"a\":}\\x0a]\nL4:a=s2\n"),
	C("a malformed line adds no field",
	  "{\"b\":\"0\",x}\n{\"a\":\"1\",\"b\":\"2\"}\n{\"c\":1,\"d\":}\n{\"a\":\"3\"}\n",
	  "!bad_json@1[{\"b\":\"0\",x}\\x0a]\nL2:a=s1|b=s2\n"
	  "!bad_json@3[{\"c\":1,\"d\":}\\x0a]\nL4:a=s3|b=-\n"),
	C("trailing text", "{\"a\":1} x\n{\"a\":1}{}\n{\"a\":2}\n",
	  "!bad_json@1[{\"a\":1} x\\x0a]\n!bad_json@2[{\"a\":1}{}\\x0a]\nL3:a=r2\n"),
	C("trailing comma", "{\"a\":1,}\n{\"a\":[1,]}\n",
	  "!bad_json@1[{\"a\":1,}\\x0a]\n!bad_json@2[{\"a\":[1,]}\\x0a]\n"),
	C("missing colon or comma", "{\"a\" 1}\n{\"a\":1 \"b\":2}\n",
	  "!bad_json@1[{\"a\" 1}\\x0a]\n!bad_json@2[{\"a\":1 \"b\":2}\\x0a]\n"),
	C("unquoted and single-quoted keys", "{a:1}\n{'a':1}\n",
	  "!bad_json@1[{a:1}\\x0a]\n!bad_json@2[{'a':1}\\x0a]\n"),
	C("unterminated", "{\"a\":\"x\n{\"a\":1\n{\"a\":[1\n",
	  "!bad_json@1[{\"a\":\"x\\x0a]\n!bad_json@2[{\"a\":1\\x0a]\n"
	  "!bad_json@3[{\"a\":[1\\x0a]\n"),
	C("bad numbers",
	  "{\"a\":01}\n{\"a\":1.}\n{\"a\":.5}\n{\"a\":+1}\n{\"a\":1e}\n{\"a\":-}\n"
	  "{\"a\":0x1}\n{\"a\":NaN}\n{\"a\":1.5e+}\n",
	  "!bad_json@1[{\"a\":01}\\x0a]\n!bad_json@2[{\"a\":1.}\\x0a]\n"
	  "!bad_json@3[{\"a\":.5}\\x0a]\n!bad_json@4[{\"a\":+1}\\x0a]\n"
	  "!bad_json@5[{\"a\":1e}\\x0a]\n!bad_json@6[{\"a\":-}\\x0a]\n"
	  "!bad_json@7[{\"a\":0x1}\\x0a]\n!bad_json@8[{\"a\":NaN}\\x0a]\n"
	  "!bad_json@9[{\"a\":1.5e+}\\x0a]\n"),
	C("bad literals", "{\"a\":tru}\n{\"a\":nul}\n{\"a\":True}\n{\"a\":falsey}\n",
	  "!bad_json@1[{\"a\":tru}\\x0a]\n!bad_json@2[{\"a\":nul}\\x0a]\n"
	  "!bad_json@3[{\"a\":True}\\x0a]\n!bad_json@4[{\"a\":falsey}\\x0a]\n"),
	C("bad escapes", "{\"a\":\"\\x\"}\n{\"a\":\"\\u12G4\"}\n{\"a\":\"\\u12\"}\n"
			 "{\"a\":\"\\'\"}\n",
	  "!bad_json@1[{\"a\":\"\\x5cx\"}\\x0a]\n!bad_json@2[{\"a\":\"\\x5cu12G4\"}\\x0a]\n"
	  "!bad_json@3[{\"a\":\"\\x5cu12\"}\\x0a]\n!bad_json@4[{\"a\":\"\\x5c'\"}\\x0a]\n"),
	C("lone surrogates",
	  "{\"a\":\"\\ud800\"}\n{\"a\":\"\\udc00\"}\n{\"a\":\"\\ud800\\u0041\"}\n"
	  "{\"a\":\"\\ud800\\ud800\"}\n{\"a\":\"\\ud800x\"}\n{\"k\\udfff\":1}\n"
	  "{\"a\":[\"\\ud800\"]}\n",
	  "!bad_json@1[{\"a\":\"\\x5cud800\"}\\x0a]\n"
	  "!bad_json@2[{\"a\":\"\\x5cudc00\"}\\x0a]\n"
	  "!bad_json@3[{\"a\":\"\\x5cud800\\x5cu0041\"}\\x0a]\n"
	  "!bad_json@4[{\"a\":\"\\x5cud800\\x5cud800\"}\\x0a]\n"
	  "!bad_json@5[{\"a\":\"\\x5cud800x\"}\\x0a]\n"
	  "!bad_json@6[{\"k\\x5cudfff\":1}\\x0a]\n"
	  "!bad_json@7[{\"a\":[\"\\x5cud800\"]}\\x0a]\n"),
	C("control characters in strings",
	  "{\"a\":\"x\ty\"}\n{\"a\":\"\x01\"}\n{\"a\":\"\r\"}\n{\"a\":[\"\x1f\"]}\n",
	  "!bad_json@1[{\"a\":\"x\\x09y\"}\\x0a]\n!bad_json@2[{\"a\":\"\\x01\"}\\x0a]\n"
	  "!bad_json@3[{\"a\":\"\\x0d\"}\\x0a]\n!bad_json@4[{\"a\":[\"\\x1f\"]}\\x0a]\n"),
	C("raw newline inside a string splits the line",
	  "{\"a\":\"x\ny\"}\n{\"a\":\"2\"}\n",
	  "!bad_json@1[{\"a\":\"x\\x0a]\n!bad_json@2[y\"}\\x0a]\nL3:a=s2\n"),
	C("nul byte outside strings", "{\"a\":1}\0\n{\"a\":2}\n",
	  "!bad_json@1[{\"a\":1}\\x00\\x0a]\nL2:a=r2\n"),
	C("invalid utf8", "{\"a\":\"\xff\"}\n{\"a\":\"\xed\xa0\x80\"}\n{\"a\":\"ok\"}\n",
	  "!invalid_utf8@1[{\"a\":\"\\xff\"}\\x0a]\n"
	  "!invalid_utf8@2[{\"a\":\"\\xed\\xa0\\x80\"}\\x0a]\nL3:a=sok\n"),
	C("non-string key", "{1:2}\n{null:1}\n",
	  "!bad_json@1[{1:2}\\x0a]\n!bad_json@2[{null:1}\\x0a]\n"),
	C("bare values", "\"x\"\n1\nnull\n",
	  "!bad_json@1[\"x\"\\x0a]\n!bad_json@2[1\\x0a]\n!bad_json@3[null\\x0a]\n"),
	C("bad nested", "{\"a\":{\"b\"}}\n{\"a\":[1 2]}\n{\"a\":{\"b\":1,}}\n",
	  "!bad_json@1[{\"a\":{\"b\"}}\\x0a]\n!bad_json@2[{\"a\":[1 2]}\\x0a]\n"
	  "!bad_json@3[{\"a\":{\"b\":1,}}\\x0a]\n"),
};
/* clang-format on */

/* Run one case with every chunk size (see sweep_chunks). */
static void run_case(const struct nd_case *c)
{
	sweep_chunks(c->name, c->in, c->len, c->want, transcript);
}

Test(ndjson_read, table_every_chunk_size)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		run_case(&cases[i]);
}

/* {"a":[[[...1...]]]} nested depth deep; the object itself is one more. */
static void nested(struct buf *b, int depth)
{
	buf_adds(b, "{\"a\":");
	for (int i = 0; i < depth; i++)
		buf_addc(b, '[');
	buf_addc(b, '1');
	for (int i = 0; i < depth; i++)
		buf_addc(b, ']');
	buf_adds(b, "}\n");
}

Test(ndjson_read, depth_limit)
{
	struct buf in = BUF_INIT;
	struct schema s = SCHEMA_INIT;
	struct record rec = RECORD_INIT;
	struct cov_err e;
	struct reader *r;
	char *path;

	nested(&in, JSON_MAX_DEPTH);
	nested(&in, JSON_MAX_DEPTH + 1);
	nested(&in, 200000); /* deep enough to overflow a stack if unbounded */
	buf_adds(&in, "{\"a\":{\"b\":{\"c\":{}}}}\n");
	path = tmp_write(in.p, in.len);
	for (size_t chunk = 0; chunk < 4; chunk++) {
		static const size_t chunks[] = {0, 1, 7, 4096};
		in_chunk_limit = chunks[chunk];
		r = reader_open(path, FMT_NDJSON, &s, &e);
		cr_assert_not_null(r);
		cr_assert_eq(reader_next(r, &rec, &e), 1, "depth %d accepted",
			     JSON_MAX_DEPTH);
		cr_assert_eq(rec_kind(&rec, 0), VAL_RAW);
		cr_assert_eq(rec_len(&rec, 0), 2 * JSON_MAX_DEPTH + 1);
		cr_assert_eq(reader_next(r, &rec, &e), -1);
		cr_assert(r->rejected);
		cr_assert_str_eq(e.reason, "bad_json");
		cr_assert_eq(e.line, 2);
		cr_assert(strstr(e.msg, "deep") != NULL, "%s", e.msg);
		cr_assert_eq(reader_next(r, &rec, &e), -1);
		cr_assert(r->rejected);
		cr_assert_eq(e.line, 3);
		cr_assert_eq(reader_next(r, &rec, &e), 1);
		cr_assert_eq(rec.line, 4);
		cr_assert_eq(rec_len(&rec, 0), strlen("{\"b\":{\"c\":{}}}"));
		cr_assert_eq(reader_next(r, &rec, &e), 0);
		reader_close(r);
		schema_release(&s);
	}
	in_chunk_limit = 0;
	tmp_remove(path);
	buf_release(&in);
	rec_release(&rec);
}

Test(ndjson_read, field_limit)
{
	/* one new key a line: past NDJSON_MAX_FIELDS a line with a new key
	 * is rejected (too_many_fields) and the schema stops growing; lines
	 * with known keys still read, as does an alias of a known field */
	struct buf in = BUF_INIT;
	struct schema s = SCHEMA_INIT;
	struct record rec = RECORD_INIT;
	struct cov_err e;
	struct reader *r;
	char *path, line[64];
	int k, ok = 0, bad = 0;

	for (int i = 0; i < NDJSON_MAX_FIELDS + 2; i++) {
		snprintf(line, sizeof line, "{\"k%d\":\"v\"}\n", i);
		buf_adds(&in, line);
	}
	buf_adds(&in, "{\"k0\":\"x\",\"k7\":1}\n");
	path = tmp_write(in.p, in.len);
	r = reader_open(path, FMT_NDJSON, &s, &e);
	cr_assert_not_null(r);
	while ((k = reader_next(r, &rec, &e)) != 0) {
		if (k > 0) {
			ok++;
			continue;
		}
		cr_assert(r->rejected);
		cr_assert_str_eq(e.reason, "too_many_fields");
		cr_assert_eq(e.line, NDJSON_MAX_FIELDS + 1 + bad);
		bad++;
	}
	cr_assert_eq(ok, NDJSON_MAX_FIELDS + 1);
	cr_assert_eq(bad, 2);
	cr_assert_eq(s.n, NDJSON_MAX_FIELDS);
	cr_assert_eq(rec_kind(&rec, 7), VAL_RAW);
	reader_close(r);
	schema_release(&s);
	tmp_remove(path);
	buf_release(&in);
	rec_release(&rec);
}

Test(ndjson_read, empty_input_said_once)
{
	struct schema s = SCHEMA_INIT;
	struct record rec = RECORD_INIT;
	struct cov_err e;
	char *path = tmp_write("\n\n", 2);
	struct reader *r = reader_open(path, FMT_NDJSON, &s, &e);

	cr_assert_not_null(r);
	cr_assert_eq(reader_next(r, &rec, &e), -1);
	cr_assert_eq(r->rejected, 0);
	cr_assert_eq(e.code, COV_EXIT_DATA);
	cr_assert_str_eq(e.reason, "empty");
	cr_assert(strstr(e.msg, "no JSON object in the input") != NULL);
	cr_assert_eq(reader_next(r, &rec, &e), 0);
	reader_close(r);
	tmp_remove(path);
	rec_release(&rec);
	schema_release(&s);
}

Test(ndjson_read, only_bad_lines_is_not_empty)
{
	/* rejected lines are lines: the input is not "empty" */
	struct schema s = SCHEMA_INIT;
	struct record rec = RECORD_INIT;
	struct cov_err e;
	char *path = tmp_write("nope\n", 5);
	struct reader *r = reader_open(path, FMT_NDJSON, &s, &e);

	cr_assert_not_null(r);
	cr_assert_eq(reader_next(r, &rec, &e), -1);
	cr_assert(r->rejected);
	cr_assert_eq(reader_next(r, &rec, &e), 0);
	reader_close(r);
	tmp_remove(path);
	rec_release(&rec);
	schema_release(&s);
}

Test(ndjson_read, long_values_across_blocks)
{
	static const size_t sizes[] = {65535,          65536,    65537,
				       IN_BLOCK - 1,   IN_BLOCK, IN_BLOCK + 1,
				       IN_BLOCK + 4097};
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		struct buf in = BUF_INIT;
		struct schema s = SCHEMA_INIT;
		struct record rec = RECORD_INIT;
		struct cov_err e;
		struct reader *r;
		char *path;
		size_t n = sizes[i];

		buf_adds(&in, "{\"a\":\"");
		for (size_t k = 0; k < n; k++)
			buf_addc(&in, (char)('a' + k % 26));
		buf_adds(&in, "\",\"b\":[");
		for (size_t k = 0; k < n / 2; k++)
			buf_adds(&in, k ? ",1" : "1");
		buf_adds(&in, "]}\n{\"b\":2}\n");
		path = tmp_write(in.p, in.len);
		r = reader_open(path, FMT_NDJSON, &s, &e);
		cr_assert_not_null(r);
		cr_assert_eq(reader_next(r, &rec, &e), 1, "%s", e.msg);
		cr_assert_eq(rec_len(&rec, 0), n);
		for (size_t k = 0; k < n; k++)
			cr_assert_eq(rec_val(&rec, 0)[k], (char)('a' + k % 26));
		cr_assert_eq(rec_len(&rec, 1), 2 * (n / 2) - 1 + 2);
		cr_assert_eq(reader_next(r, &rec, &e), 1);
		cr_assert_eq(rec.line, 2);
		cr_assert_eq(rec_kind(&rec, 0), VAL_ABSENT);
		cr_assert_eq(reader_next(r, &rec, &e), 0);
		reader_close(r);
		tmp_remove(path);
		buf_release(&in);
		rec_release(&rec);
		schema_release(&s);
	}
}

/* ---- ndjson.h helpers ---------------------------------------------------- */

Test(ndjson_read, too_long_said_at_its_line)
{
	/* the long line's own line, first or after blank ones, plain or
	 * gzip; no quote hint (a JSON string cannot span lines) */
	static const char *msg = "line longer than 1 MiB";
	struct buf b = BUF_INIT;

	buf_reset(&b);
	add_long_line(&b, "{\"a\":\"", "\"}\n{\"a\":1}\n");
	expect_too_long("first", FMT_AUTO, &b, 0, 1, msg);
	expect_too_long("first, gzip", FMT_NDJSON, &b, 1, 1, msg);

	buf_reset(&b);
	buf_adds(&b, "{\"a\":1}\n\n \t\r\n{\"a\":2}\r\n\n");
	add_long_line(&b, "{\"a\":\"", "\"}\n");
	expect_too_long("after blank lines", FMT_AUTO, &b, 0, 6, msg);
	expect_too_long("after blank lines, gzip", FMT_NDJSON, &b, 1, 6, msg);
	buf_release(&b);
}

Test(json_helpers, valid_value)
{
	static const char *yes[] = {"1",
				    " -0.5e+3 ",
				    "\"\"",
				    "\"\\u00e9\"",
				    "[]",
				    "{}",
				    "[1,[2,{\"a\":null}]]",
				    "true",
				    "\t\r\n false \n",
				    "null",
				    "\"\\ud83d\\ude00\""};
	static const char *no[] = {
		"",    " ",           "01",  "1 2", "[1,]", "{\"a\"}",
		"tru", "\"\\ud83d\"", "\"a", "[",   "{}x",  "nan",
		"'a'", "\"\x01\"",    "-",   "1.",  "[1]]"};
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
		cr_assert_eq(json_valid_value(yes[i], strlen(yes[i])), 1, "%s",
			     yes[i]);
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
		cr_assert_eq(json_valid_value(no[i], strlen(no[i])), 0, "%s",
			     no[i]);
	/* length is honoured: the bytes after n do not count */
	cr_assert_eq(json_valid_value("12x", 2), 1);
	cr_assert_eq(json_valid_value("[1]", 2), 0);
}

Test(json_helpers, buf_string_escapes_and_reads_back)
{
	struct buf b = BUF_INIT;
	const char in[] = "a\"b\\c\n\r\t\b\f\x01\x1f\x7f/\xc3\xa9\0z";

	json_buf_string(&b, in, sizeof in - 1);
	cr_assert_eq(
		b.len,
		strlen("\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0001\\u001f\x7f/\xc3\xa9\\u0000z\""));
	cr_assert(
		memcmp(b.p,
		       "\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0001\\u001f\x7f/\xc3\xa9\\u0000z\"",
		       b.len) == 0,
		"%.*s", (int)b.len, b.p);
	cr_assert(json_valid_value(b.p, b.len));
	buf_reset(&b);
	json_buf_string(&b, "", 0);
	cr_assert(b.len == 2 && memcmp(b.p, "\"\"", 2) == 0);
	buf_release(&b);
}

/* The value of key name in rec ("-" when absent). */
static void value_of(struct buf *t, const struct schema *s,
		     const struct record *rec, const char *name)
{
	int i = schema_find(s, name, strlen(name));

	if (i < 0 || rec_kind(rec, (size_t)i) == VAL_ABSENT)
		buf_add(t, "-", 1);
	else
		buf_add(t, rec_val(rec, (size_t)i), rec_len(rec, (size_t)i));
}

/* A field renamed after the first record (as cov-normalize renames
 * "Job Title" to "title"): records holding both the old and the new name,
 * in either order, or two old names, keep every value, each under its own
 * key; the old name becomes a field of its own, as it is when both keys
 * come in the first record, but not when the record is malformed. */
Test(ndjson_read, renamed_field_and_its_old_name_both_kept)
{
	static const struct {
		const char *lines, *want;
	} c[] = {
		{"{\"Job Title\":\"CEO\"}\n"
		 "{\"Job Title\":\"CTO\",\"title\":\"CFO\"}\n"
		 "{\"Job Title\":\"VP\"}\n",
		 "title=CEO Job Title=-;title=CFO Job Title=CTO;"
		 "title=- Job Title=VP;"},
		{"{\"Job Title\":\"CEO\"}\n"
		 "{\"title\":\"CFO\",\"Job Title\":\"CTO\"}\n"
		 "{\"title\":\"COO\"}\n",
		 "title=CEO Job Title=-;title=CFO Job Title=CTO;"
		 "title=COO Job Title=-;"},
		{"{\"Job Title\":\"CEO\"}\n{\"title\":\"CFO\"}\n"
		 "{\"a\":\"1\",\"Job Title\":\"CTO\",\"b\":\"2\","
		 "\"title\":\"CIO\",\"c\":\"3\"}\n",
		 "title=CEO Job Title=-;title=CFO Job Title=-;"
		 "title=CIO Job Title=CTO;"},
		/* a malformed line makes no old name a field of its own */
		{"{\"Job Title\":\"CEO\"}\n"
		 "{\"title\":\"x\",\"Job Title\":\"y\",BAD\n"
		 "{\"Job Title\":\"y\",\"title\":\"x\",\"z\":}\n"
		 "{\"Job Title\":\"CFO\"}\n",
		 "title=CEO Job Title=-;title=CFO Job Title=-;"},
		/* the same key twice is one key: the last value wins */
		{"{\"Job Title\":\"CEO\"}\n"
		 "{\"Job Title\":\"CTO\",\"Job Title\":\"CFO\"}\n",
		 "title=CEO Job Title=-;title=CFO Job Title=-;"},
		{"{\"Job Title\":\"CEO\"}\n"
		 "{\"title\":\"CTO\",\"title\":\"CFO\"}\n",
		 "title=CEO Job Title=-;title=CFO Job Title=-;"},
	};

	for (size_t k = 0; k < sizeof c / sizeof c[0]; k++) {
		struct schema s = SCHEMA_INIT;
		struct record rec = RECORD_INIT;
		struct cov_err e;
		struct buf t = BUF_INIT;
		char *path = tmp_write(c[k].lines, strlen(c[k].lines));
		struct reader *r = reader_open(path, FMT_NDJSON, &s, &e);
		int n = 0, got;

		cr_assert_not_null(r);
		while ((got = reader_next(r, &rec, &e)) != 0) {
			if (got < 0) {
				cr_assert(r->rejected, "%s", e.msg);
				continue;
			}
			if (n++ == 0)
				cr_assert_eq(schema_rename(&s, 0, "title", 5),
					     0);
			cr_assert_eq(rec.nf, s.n);
			buf_add(&t, "title=", 6);
			value_of(&t, &s, &rec, "title");
			buf_add(&t, " Job Title=", 11);
			/* by its own field only, never the alias */
			if (schema_find(&s, "Job Title", 9) == 0)
				buf_add(&t, "-", 1);
			else
				value_of(&t, &s, &rec, "Job Title");
			buf_addc(&t, ';');
		}
		buf_addc(&t, '\0');
		cr_expect_str_eq(t.p, c[k].want, "case %zu", k);
		reader_close(r);
		tmp_remove(path);
		rec_release(&rec);
		schema_release(&s);
		buf_release(&t);
	}
}
