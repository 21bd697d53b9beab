/*
 * csvscan: cov-dedupe's job run through the chunked scan must give what
 * the record path gives (COV_FASTSCAN=0), byte for byte and count for
 * count, with chunks so small that every record meets chunk edges at
 * every offset, in one thread and in several, on records the scan takes
 * as they are and records it must leave to the reader.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "csvscan.h"
#include "dedupe.h"
#include "stream.h"
#include "testutil.h"

/* The job on the files at paths (nfiles of them): its output, rejects
 * and counts, as one text.  budget: --memory (0: none). */
static char *job(char **paths, int nfiles, const char *key, int exact,
		 size_t budget)
{
	char outp[] = "/tmp/cov-scan-out-XXXXXX",
	     rejp[] = "/tmp/cov-scan-rej-XXXXXX";
	struct cli_common opt = {0};
	struct dedupe_opts o = {0};
	struct stream st;
	struct cov_err e = {0};
	char *out, *rej;
	struct buf b = BUF_INIT;
	int rc;

	close(mkstemp(outp));
	close(mkstemp(rejp));
	opt.output = outp;
	opt.rejects = rejp;
	o.key = key;
	o.exact = exact;
	o.memory = budget;
	cr_assert_eq(stream_open_flags(&st, &opt, nfiles, paths,
				       STREAM_REJECT_RECORDS | STREAM_PREFETCH,
				       &e),
		     0, "%s", e.msg);
	rc = dedupe_run(&st, &o, &e);
	buf_addf(&b, "rc %d %s:%ld %s\n", rc, rc ? e.reason : "", e.line,
		 rc ? e.msg : "");
	buf_addf(&b, "in %llu out %llu rejected %llu aside %llu\n",
		 (unsigned long long)st.rows_in,
		 (unsigned long long)st.rows_out,
		 (unsigned long long)st.rows_rejected,
		 (unsigned long long)st.rows_set_aside);
	for (size_t i = 0; i < st.nreasons; i++)
		buf_addf(&b, "%s %llu\n", st.reason[i].name,
			 (unsigned long long)st.reason[i].n);
	if (rc == 0)
		cr_assert_eq(stream_close(&st, &e), 0, "%s", e.msg);
	else
		stream_abort(&st);
	out = tmp_read(outp);
	rej = tmp_read(rejp);
	buf_addf(&b, "--- out\n%s--- rejects\n%s", out, rej);
	free(out);
	free(rej);
	unlink(outp);
	unlink(rejp);
	buf_addc(&b, '\0');
	return b.p;
}

/* Contacts with every shape the scan meets; dirty adds malformed ones. */
static char *contacts(int n, int dirty, unsigned seed)
{
	static const char *first[] = {"Ann",         "Bo",      "J\xc3\xbcrgen",
				      "Zo\xc3\xab ", "\"Ann\"", "Lee"};
	static const char *company[] = {"Acme",
					"\"Acme, Inc.\"",
					"\"A \"\"B\"\" Co\"",
					"",
					"\"Ol\xc3\xa9 \"\"Big\"\"\"",
					"\"\"",
					"\"x\ny\""};
	static const char *email[] = {
		"ann@x.org",          "ANN@X.ORG", "a.n.n+1@gmail.com",
		"ann@googlemail.com", "",          "bo@y.com",
		"\"bo@y.com\"",       "c@z.com"};
	struct buf b = BUF_INIT;

	buf_addf(&b, "id,first_name,last_name,email,company,title\n");
	for (int i = 0; i < n; i++) {
		unsigned r = seed = seed * 1103515245u + 12345u;
		const char *eol = (r >> 20) % 5 == 0 ? "\r\n" : "\n";

		buf_addf(&b, "%d,%s,L%u,%s,%s,%s%s", i, first[(r >> 3) % 6],
			 (r >> 6) % 7, email[(r >> 9) % 8],
			 company[(r >> 12) % 7],
			 (r >> 15) % 6 == 0 ? "\"VP,\nSales\"" : "T", eol);
		if ((r >> 24) % 17 == 0)
			buf_addf(&b, "%s", (r >> 28) % 2 ? "\n" : "\r\n");
		if (dirty && (r >> 23) % 29 == 0) {
			static const char *bad[] = {
				"\"a\"b,x,y,z,w,v\n", "short,row\n",
				"9,\xff\xfe,L,e@e.com,C,T\n",
				"9,a\"b,L,q@q.com,C,T\n",
				"9,A,L,r@r.com,C,T\rX\n",
				/* UTF-8 cut short before ASCII, at the line
				 * end; a stray continuation byte after a good
				 * letter; an overlong form */
				"9,J\xc3,L,s@s.com,C,T\n",
				"9,A,L,t@t.com,C,T\xe2\x82\n",
				"9,\xc3\xa9x\x80,L,u@u.com,C,T\n",
				"9,\xc3\xa9,L,v@v.com,\xc0\xaf,T\n"};
			buf_addf(&b, "%s", bad[(r >> 26) % 9]);
		}
	}
	buf_addc(&b, '\0');
	return b.p;
}

/* The first line where got and want differ, for the report. */
static void report(const char *name, const char *got, const char *want)
{
	size_t i = 0, line = 1, from = 0;

	while (got[i] && got[i] == want[i]) {
		if (got[i] == '\n')
			line++, from = i + 1;
		i++;
	}
	cr_log_error("%s: from line %zu\n--- got\n%.200s\n--- want\n%.200s",
		     name, line, got + from, want + from);
}

/* The job on in (split into two files after line split, when not 0) by
 * the record path, then by the scan with every chunk size, thread count
 * and block width: the same text each time. */
static void sweep2(const char *name, const char *in, size_t split,
		   const char *key, int exact, size_t budget)
{
	static const size_t chunks[] = {16,  33,   64,   100,
					257, 1000, 4096, CSVSCAN_CHUNK};
	char *paths[2], *want;
	int nfiles = 1;

	if (split) {
		/* the second file: the header, then the lines after split */
		const char *hdr_end = strchr(in, '\n') + 1, *p = in;
		struct buf b = BUF_INIT;

		for (size_t l = 0; l < split && (p = strchr(p, '\n')); l++)
			p++;
		cr_assert_not_null(p);
		paths[0] = tmp_write(in, (size_t)(p - in));
		buf_add(&b, in, (size_t)(hdr_end - in));
		buf_add(&b, p, strlen(p));
		paths[1] = tmp_write(b.p, b.len);
		buf_release(&b);
		nfiles = 2;
	} else {
		paths[0] = tmp_write(in, strlen(in));
	}
	setenv("COV_FASTSCAN", "0", 1);
	want = job(paths, nfiles, key, exact, budget);
	unsetenv("COV_FASTSCAN");
	for (size_t c = 0; c < sizeof chunks / sizeof *chunks; c++)
		for (int threads = 0; threads < 2; threads++) {
			char *got;

			csvscan_chunk = chunks[c];
			if (threads)
				unsetenv("COV_PREFETCH");
			else
				setenv("COV_PREFETCH", "0", 1);
			/* 16-byte blocks on odd chunk sizes, 64 on the others
			 * (where the processor can): AVX2 on every other
			 * one of them, else AVX-512, without VBMI2 on every
			 * other one of those */
			setenv("COV_AVX2", c % 2 ? "0" : "1", 1);
			setenv("COV_AVX512", c % 4 == 2 ? "0" : "1", 1);
			setenv("COV_VBMI2", c % 8 == 4 ? "0" : "1", 1);
			/* the file read, not mapped, on every third */
			setenv("COV_MMAP", c % 3 ? "1" : "0", 1);
			got = job(paths, nfiles, key, exact, budget);
			if (strcmp(got, want) != 0)
				report(name, got, want);
			cr_expect_str_eq(
				got, want, "%s: chunk %zu, %s, %s, %s", name,
				chunks[c], threads ? "threads" : "one thread",
				c % 2        ? "16-byte blocks"
				: c % 4 == 2 ? "64-byte blocks, AVX2"
				: c % 8 == 4 ? "64-byte blocks, no VBMI2"
					     : "64-byte blocks, widest",
				c % 3 ? "mapped" : "read");
			free(got);
		}
	unsetenv("COV_PREFETCH");
	unsetenv("COV_AVX2");
	unsetenv("COV_AVX512");
	unsetenv("COV_VBMI2");
	unsetenv("COV_MMAP");
	csvscan_chunk = 0;
	free(want);
	for (int i = 0; i < nfiles; i++)
		tmp_remove(paths[i]);
}

static void sweep(const char *name, const char *in, const char *key, int exact,
		  size_t budget)
{
	sweep2(name, in, 0, key, exact, budget);
}

Test(csvscan, same_as_record_path_clean)
{
	char *in = contacts(600, 0, 1);

	sweep("contact key", in, NULL, 0, 0);
	sweep("-k company --exact", in, "company", 1, 0);
	sweep("-k company,last_name", in, "company,last_name", 0, 0);
	free(in);
}

Test(csvscan, same_as_record_path_dirty)
{
	char *in = contacts(600, 1, 7);

	sweep("dirty, contact key", in, NULL, 0, 0);
	sweep("dirty, -k email --exact", in, "email", 1, 0);
	free(in);
}

Test(csvscan, two_inputs_each_scanned)
{
	char *in = contacts(500, 0, 11), *dirty = contacts(500, 1, 13);

	/* split at line 300: perhaps inside a quoted line break, so the
	 * first file may end in a malformed record */
	sweep2("two files", in, 300, NULL, 0, 0);
	sweep2("two files, dirty", dirty, 300, NULL, 0, 0);
	free(in);
	free(dirty);
}

Test(csvscan, table_full_hands_over_to_spill)
{
	char *in = contacts(400, 0, 3);

	/* a few shards' worth: the table fills during the scan */
	sweep("--memory 2K", in, NULL, 0, 2048);
	free(in);
}

Test(csvscan, end_without_line_end_and_empty)
{
	sweep("no final LF", "id,email\n1,a@x.org\n2,a@x.org\n3,b@x.org", NULL,
	      0, 0);
	sweep("unterminated", "id,email\n1,a@x.org\n2,\"b@x.org\n", NULL, 0, 0);
	sweep("header only", "id,email\n", NULL, 0, 0);
	/* the bare quote on line 3 makes the quote count place the cut
	 * inside the quoted field of lines 4-5 (found by fuzzing) */
	sweep("bare quote, then a quoted LF",
	      "id,email,name\n1,a@x.Org,\"A, /\"\n2,A@X.OR, /\"\n"
	      "2,A@X.ORG,\"!!!!!!!x\n,\"\n\n3\xc3\xab\n",
	      NULL, 0, 0);
	sweep("blank lines", "id,email\n\n\r\n1,a@x.org\n\n2,a@x.org\n\n", NULL,
	      0, 0);
}

/* Invalid UTF-8 in each place the scan's check must see it: a sequence
 * cut short before ASCII or at the line end, a stray continuation byte
 * after a good letter, an overlong form, a lone lead byte last; and a bad
 * byte a block or more before or after a good letter (the check must
 * span every block from the first byte >= 0x80 to the last). */
#define LONG                                                                   \
	"0123456789abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
Test(csvscan, invalid_utf8_as_the_record_path)
{
	static const char *const row[] = {"9,J\xc3,a@x.org\n",
					  "9,Ann,a@x.org\xe2\x82\n",
					  "9,\xc3\xa9x\x80,a@x.org\n",
					  "9,\xc3\xa9,\xc0\xaf@x.org\n",
					  "9,Ann,a@x.org\xc3\n",
					  "9,\xf0\x9f\x98,a@x.org\n",
					  "9,\xff" LONG "Ann,\xc3\xa9@x.org\n",
					  "9,\xc3\xa9" LONG
					  "Ann,a@x.org\xff\n"};

	for (size_t i = 0; i < sizeof row / sizeof row[0]; i++) {
		struct buf b = BUF_INIT;

		buf_addf(&b,
			 "id,name,email\n1,Zo\xc3\xab,b@x.org\n%s"
			 "2,Ann,c@x.org\n",
			 row[i]);
		buf_addc(&b, '\0');
		sweep("invalid UTF-8", b.p, NULL, 0, 0);
		buf_release(&b);
	}
}

/* A mapped file cut short while the scan runs: the pages gone raise
 * SIGBUS, which must end the run as a read error naming the file. */
static long truncating_commit(void *arg, const struct scan_chunk *c,
			      struct cov_err *e)
{
	(void)e;
	cr_assert_eq(truncate(arg, 10), 0);
	return (long)c->n;
}

static void no_key(void *t, const struct scan_fields *f,
		   const struct record *rec, struct scan_rec *r)
{
	(void)t, (void)f, (void)rec;
	r->flags = 0;
}

Test(csvscan, file_shrinking_under_the_map_is_a_read_error)
{
	char *in = contacts(20000, 0, 11), *path = tmp_write(in, strlen(in));
	int errp[2], status;
	char msg[512];
	ssize_t k;
	pid_t pid;

	cr_assert_eq(pipe(errp), 0);
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		struct cli_common opt = {0};
		struct stream st;
		struct cov_err e = {0};
		struct scan_ops ops = {0};
		char *paths[] = {path};

		close(errp[0]);
		dup2(errp[1], 2);
		setenv("COV_PREFETCH", "0", 1);
		setenv("COV_MMAP", "1", 1); /* the truncation is seen mapped */
		csvscan_chunk = 4096;
		opt.output = "/dev/null";
		if (stream_open_flags(&st, &opt, 1, paths, 0, &e) != 0 ||
		    !stream_raw_out(&st))
			_exit(10);
		ops.key = no_key;
		ops.commit = truncating_commit;
		ops.arg = path;
		csvscan_run(&st, &ops, &e);
		_exit(0); /* not reached: the next chunk is gone */
	}
	close(errp[1]);
	k = read(errp[0], msg, sizeof msg - 1);
	close(errp[0]);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status), "killed by signal %d", WTERMSIG(status));
	cr_assert_eq(WEXITSTATUS(status), COV_EXIT_IO);
	cr_assert_gt(k, 0);
	msg[k] = 0;
	cr_assert(strstr(msg, path) && strstr(msg, "shrank"), "stderr: %s",
		  msg);
	tmp_remove(path);
	free(in);
}
