/*
 * Tests for io: gzip input recognised by its magic bytes (one member,
 * concatenated members, truncated and corrupt streams), plain input from a
 * descriptor standing in for stdin, the record limit whatever the read
 * sizes, and the output side: .gz names written compressed, atomic
 * replacement (nothing visible before out_close, nothing left by
 * out_abort), and write errors on /dev/full reported by out_flush and
 * out_close, or fatal (exit 3) inside out_reserve.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "buf.h"
#include "io.h"
#include "reader.h"
#include "record.h"

static char dir[64];

static void make_dir(void)
{
	strcpy(dir, "/tmp/cov-test-io-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

/* Remove dir, which must hold only the files named (NULL-terminated). */
static void check_and_remove_dir(const char *const *expect)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[512];

	cr_assert_not_null(d);
	while ((de = readdir(d)) != NULL) {
		int known = 0;
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		for (size_t i = 0; expect && expect[i]; i++)
			known |= strcmp(expect[i], de->d_name) == 0;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		unlink(path);
		cr_expect(known, "unexpected file left behind: %s", de->d_name);
	}
	closedir(d);
	rmdir(dir);
}

static const char *in_dir(const char *name)
{
	static char path[256];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	return path;
}

static void write_gz(const char *path, const char *mode, const char *s,
		     size_t n)
{
	gzFile g = gzopen(path, mode);
	cr_assert_not_null(g);
	cr_assert_eq(gzwrite(g, s, (unsigned)n), (int)n);
	cr_assert_eq(gzclose(g), Z_OK);
}

static void write_file(const char *path, const void *s, size_t n)
{
	FILE *f = fopen(path, "wb");
	cr_assert_not_null(f);
	cr_assert_eq(fwrite(s, 1, n, f), n);
	cr_assert_eq(fclose(f), 0);
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

/* All the bytes an in_file yields, with in_chunk_limit = chunk.  Returns 0
 * or -1 with e filled. */
static int slurp(const char *path, size_t chunk, struct buf *out,
		 struct cov_err *e)
{
	struct in_file *f;
	long k;

	in_chunk_limit = chunk;
	buf_reset(out);
	f = in_open(path, e);
	if (!f)
		return -1;
	while ((k = in_fill(f, f->end, e)) > 0)
		buf_add(out, f->buf, f->end);
	in_close(f);
	in_chunk_limit = 0;
	return k < 0 ? -1 : 0;
}

static void make_text(struct buf *b, size_t n)
{
	buf_reset(b);
	for (size_t i = 0; b->len < n; i++)
		buf_addf(b, "%zu,name %zu,\"q\"\"%zu\"\n", i, i * 7, i % 13);
}

Test(io_in, gzip_detected_by_magic)
{
	struct buf text = BUF_INIT, got = BUF_INIT;
	struct cov_err e;

	make_dir();
	make_text(&text, 3 * IN_BLOCK + 123);
	/* a name that says nothing about gzip */
	write_gz(in_dir("data.csv"), "wb6", text.p, text.len);
	static const size_t chunks[] = {0, 1000, 65536, IN_BLOCK + 1};
	for (size_t i = 0; i < 4; i++) {
		cr_assert_eq(slurp(in_dir("data.csv"), chunks[i], &got, &e), 0,
			     "%s", e.msg);
		cr_assert_eq(got.len, text.len);
		cr_assert(memcmp(got.p, text.p, text.len) == 0);
	}
	/* every chunk size on a small file */
	write_gz(in_dir("small"), "wb9", "a,b\n1,2\n", 8);
	for (size_t c = 1; c <= 9; c++) {
		cr_assert_eq(slurp(in_dir("small"), c, &got, &e), 0);
		cr_assert(got.len == 8 && memcmp(got.p, "a,b\n1,2\n", 8) == 0);
	}
	unlink(in_dir("data.csv"));
	unlink(in_dir("small"));
	check_and_remove_dir(NULL);
	buf_release(&text);
	buf_release(&got);
}

Test(io_in, gzip_concatenated_members)
{
	struct buf a = BUF_INIT, b = BUF_INIT, got = BUF_INIT;
	struct cov_err e;

	make_dir();
	write_gz(in_dir("one.gz"), "wb", "a,b\n1,2\n", 8);
	write_gz(in_dir("two.gz"), "wb", "3,4\n5,6\n", 8);
	read_all(in_dir("one.gz"), &a);
	read_all(in_dir("two.gz"), &b);
	buf_add(&a, b.p, b.len);
	buf_add(&a, b.p, b.len);
	write_file(in_dir("cat.gz"), a.p, a.len);
	for (size_t c = 0; c <= 30; c++) {
		cr_assert_eq(slurp(in_dir("cat.gz"), c, &got, &e), 0, "%s",
			     e.msg);
		cr_assert(got.len == 24 &&
				  memcmp(got.p,
					 "a,b\n1,2\n3,4\n5,6\n3,4\n5,6\n",
					 24) == 0,
			  "chunk %zu: %.*s", c, (int)got.len, got.p);
	}
	/* and through the reader: records from every member */
	{
		struct schema s = SCHEMA_INIT;
		struct record rec = RECORD_INIT;
		struct reader *r =
			reader_open(in_dir("cat.gz"), FMT_AUTO, &s, &e);
		int n = 0;
		cr_assert_not_null(r);
		cr_assert_eq(r->fmt, FMT_CSV);
		while (reader_next(r, &rec, &e) > 0)
			n++;
		cr_assert_eq(n, 5);
		cr_assert_eq(rec.line, 6);
		reader_close(r);
		rec_release(&rec);
		schema_release(&s);
	}
	unlink(in_dir("one.gz"));
	unlink(in_dir("two.gz"));
	unlink(in_dir("cat.gz"));
	check_and_remove_dir(NULL);
	buf_release(&a);
	buf_release(&b);
	buf_release(&got);
}

/* Keep every byte of path, as a reader does for one record with no line
 * end, reading chunk bytes at a time at most (0: as many as fit): 0 with
 * *kept the bytes kept at the end, or -1 with e filled. */
static int keep_all(const char *path, size_t chunk, size_t *kept, size_t *cap,
		    struct cov_err *e)
{
	struct in_file *f;
	long k;

	in_chunk_limit = chunk;
	f = in_open(path, e);
	cr_assert_not_null(f);
	while ((k = in_fill(f, 0, e)) > 0)
		;
	*kept = f->end;
	*cap = f->cap;
	in_close(f);
	in_chunk_limit = 0;
	return k < 0 ? -1 : 0;
}

Test(io_in, max_record_whatever_the_read_sizes)
{
	/* a record of in_max_record bytes is kept whole and one more than a
	 * block over it is refused, whether the reads are large (a file) or
	 * small (a pipe): small reads must not let the window double past
	 * the limit unchecked; the window stays within the limit + a block */
	static const size_t chunks[] = {0, 65536, 4093};
	struct buf b = BUF_INIT;
	struct cov_err e;
	size_t kept, cap;

	make_dir();
	in_max_record = 4u << 20;
	for (size_t i = 0; i < (4u << 20) + IN_BLOCK + 1; i++)
		buf_addc(&b, 'x');
	write_file(in_dir("max"), b.p, in_max_record);
	write_file(in_dir("over"), b.p, b.len);
	for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
		memset(&e, 0, sizeof e);
		cr_assert_eq(
			keep_all(in_dir("max"), chunks[c], &kept, &cap, &e), 0,
			"chunk %zu: %s", chunks[c], e.msg);
		cr_assert_eq(kept, in_max_record);
		memset(&e, 0, sizeof e);
		cr_assert_eq(
			keep_all(in_dir("over"), chunks[c], &kept, &cap, &e),
			-1, "chunk %zu: over the limit accepted", chunks[c]);
		cr_assert_eq(e.code, COV_EXIT_DATA);
		cr_assert_str_eq(e.reason, "record_too_long");
		cr_assert_str_eq(e.msg, "record longer than 4 MiB");
		cr_assert_eq(e.line, 0, "the caller knows the line");
		cr_assert(cap <= in_max_record + IN_BLOCK,
			  "chunk %zu: window grew to %zu", chunks[c], cap);
	}
	in_max_record = IN_MAX_RECORD;
	unlink(in_dir("max"));
	unlink(in_dir("over"));
	check_and_remove_dir(NULL);
	buf_release(&b);
}

/* In a new dir: make_text(n) as text, and full.gz, its gzip, read into gz. */
static void gz_setup(struct buf *text, struct buf *gz, size_t n)
{
	make_dir();
	make_text(text, n);
	write_gz(in_dir("full.gz"), "wb", text->p, text->len);
	read_all(in_dir("full.gz"), gz);
}

/* Remove full.gz, the file other and dir; release the buffers. */
static void gz_teardown(const char *other, struct buf *text, struct buf *gz,
			struct buf *got)
{
	unlink(in_dir("full.gz"));
	unlink(in_dir(other));
	check_and_remove_dir(NULL);
	buf_release(text);
	buf_release(gz);
	buf_release(got);
}

Test(io_in, gzip_truncated_is_a_data_error)
{
	struct buf text = BUF_INIT, gz = BUF_INIT, got = BUF_INIT;
	struct cov_err e;

	gz_setup(&text, &gz, 200000);
	/* cut inside the deflate data, just before the trailer, inside the
	 * trailer, and right after the header */
	size_t cuts[] = {gz.len / 2, gz.len - 8, gz.len - 1, 10, 2};
	for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
		write_file(in_dir("cut.gz"), gz.p, cuts[i]);
		for (size_t c = 0; c < 3; c++) {
			memset(&e, 0, sizeof e);
			cr_assert_eq(
				slurp(in_dir("cut.gz"), c * 4093, &got, &e), -1,
				"cut at %zu accepted", cuts[i]);
			cr_assert_eq(e.code, COV_EXIT_DATA, "cut %zu: %s",
				     cuts[i], e.msg);
			cr_assert_str_eq(e.reason, "gzip");
		}
	}
	gz_teardown("cut.gz", &text, &gz, &got);
}

Test(io_in, gzip_corrupt_is_a_clean_error)
{
	struct buf text = BUF_INIT, gz = BUF_INIT, got = BUF_INIT;
	struct cov_err e;

	gz_setup(&text, &gz, 100000);
	/* flip bytes in the deflate data and in the CRC */
	size_t spots[] = {12, gz.len / 3, gz.len - 6};
	for (size_t i = 0; i < 3; i++) {
		gz.p[spots[i]] ^= 0x5a;
		write_file(in_dir("bad.gz"), gz.p, gz.len);
		gz.p[spots[i]] ^= 0x5a;
		memset(&e, 0, sizeof e);
		cr_assert_eq(slurp(in_dir("bad.gz"), 0, &got, &e), -1,
			     "corruption at %zu accepted", spots[i]);
		cr_assert_eq(e.code, COV_EXIT_DATA);
		cr_assert_str_eq(e.reason, "gzip");
	}
	/* a gzip member followed by garbage */
	buf_add(&gz, "garbage!", 8);
	write_file(in_dir("bad.gz"), gz.p, gz.len);
	cr_assert_eq(slurp(in_dir("bad.gz"), 0, &got, &e), -1);
	cr_assert_eq(e.code, COV_EXIT_DATA);
	/* only the magic bytes */
	write_file(in_dir("bad.gz"), "\x1f\x8b", 2);
	cr_assert_eq(slurp(in_dir("bad.gz"), 0, &got, &e), -1);
	cr_assert_eq(e.code, COV_EXIT_DATA);
	gz_teardown("bad.gz", &text, &gz, &got);
}

/* A stream whose check (CRC-32) fails is known to be bad only at its end:
 * every byte inflated comes first, then the error, so the reader knows the
 * line it reached; the same in one read or in many. */
Test(io_in, gzip_bad_check_gives_its_bytes_first)
{
	struct buf text = BUF_INIT, gz = BUF_INIT, got = BUF_INIT;
	struct cov_err e;

	gz_setup(&text, &gz, 100000);
	gz.p[gz.len - 7] ^= 0x01; /* the trailer's CRC-32 */
	write_file(in_dir("bad.gz"), gz.p, gz.len);
	for (size_t c = 0; c < 3; c++) {
		memset(&e, 0, sizeof e);
		cr_assert_eq(slurp(in_dir("bad.gz"), c * 4093, &got, &e), -1);
		cr_assert_eq(e.code, COV_EXIT_DATA);
		cr_assert_str_eq(e.reason, "gzip");
		cr_assert_eq(got.len, text.len, "chunk %zu: %zu of %zu bytes",
			     c * 4093, got.len, text.len);
		cr_assert(memcmp(got.p, text.p, text.len) == 0);
	}
	gz_teardown("bad.gz", &text, &gz, &got);
}

Test(io_in, plain_from_stdin_pipe)
{
	/* stdin replaced by a pipe: gzip detection must not lose the bytes
	 * it peeks at, even when they come one at a time */
	int p[2], saved = dup(0);
	struct schema s = SCHEMA_INIT;
	struct record rec = RECORD_INIT;
	struct cov_err e;
	struct reader *r;
	pid_t pid;

	cr_assert_eq(pipe(p), 0);
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		const char *text = "a,b\n1,\"x\ny\"\n";
		close(p[0]);
		for (size_t i = 0; text[i]; i++) {
			if (write(p[1], text + i, 1) != 1)
				_exit(1);
			usleep(1000);
		}
		_exit(0);
	}
	close(p[1]);
	dup2(p[0], 0);
	close(p[0]);
	r = reader_open("-", FMT_AUTO, &s, &e);
	cr_assert_not_null(r, "%s", e.msg);
	cr_assert_str_eq(r->in->name, "-");
	cr_assert_eq(r->fmt, FMT_CSV);
	cr_assert_eq(s.n, 2);
	cr_assert_eq(reader_next(r, &rec, &e), 1);
	cr_assert(rec_len(&rec, 1) == 3 &&
		  memcmp(rec_val(&rec, 1), "x\ny", 3) == 0);
	cr_assert_eq(reader_next(r, &rec, &e), 0);
	reader_close(r);
	dup2(saved, 0);
	close(saved);
	waitpid(pid, NULL, 0);
	rec_release(&rec);
	schema_release(&s);
}

Test(io_in, empty_and_one_byte_files)
{
	struct buf got = BUF_INIT;
	struct cov_err e;

	make_dir();
	write_file(in_dir("empty"), "", 0);
	write_file(in_dir("one"), "\x1f", 1);
	cr_assert_eq(slurp(in_dir("empty"), 0, &got, &e), 0);
	cr_assert_eq(got.len, 0);
	cr_assert_eq(slurp(in_dir("one"), 0, &got, &e), 0);
	cr_assert(got.len == 1 && got.p[0] == 0x1f);
	unlink(in_dir("empty"));
	unlink(in_dir("one"));
	check_and_remove_dir(NULL);
	buf_release(&got);
}

/* ---- output -------------------------------------------------------------- */

Test(io_out, gz_name_writes_gzip)
{
	struct buf text = BUF_INIT, got = BUF_INIT;
	struct cov_err e;
	struct out_file *o;
	gzFile g;
	char tmp[65536];
	int k;

	make_dir();
	make_text(&text, 3 * IN_BLOCK);
	o = out_open(in_dir("out.csv.gz"), &e);
	cr_assert_not_null(o);
	/* in pieces of every size, so the buffer flushes mid-piece */
	for (size_t off = 0, step = 1; off < text.len;
	     off += step, step = step * 3 % 70001 + 1) {
		size_t n = step < text.len - off ? step : text.len - off;
		out_write(o, text.p + off, n);
	}
	cr_assert_eq(out_close(o, &e), 0, "%s", e.msg);
	read_all(in_dir("out.csv.gz"), &got);
	cr_assert(got.len > 2 && (unsigned char)got.p[0] == 0x1f &&
		  (unsigned char)got.p[1] == 0x8b);
	cr_assert_lt(got.len, text.len / 2);
	g = gzopen(in_dir("out.csv.gz"), "rb");
	cr_assert_not_null(g);
	buf_reset(&got);
	while ((k = gzread(g, tmp, sizeof tmp)) > 0)
		buf_add(&got, tmp, (size_t)k);
	cr_assert_eq(k, 0);
	gzclose(g);
	cr_assert_eq(got.len, text.len);
	cr_assert(memcmp(got.p, text.p, text.len) == 0);
	/* an empty .gz output is still a valid gzip stream */
	o = out_open(in_dir("empty.gz"), &e);
	cr_assert_eq(out_close(o, &e), 0);
	cr_assert_eq(slurp(in_dir("empty.gz"), 0, &got, &e), 0);
	cr_assert_eq(got.len, 0);
	/* and a plain name stays plain */
	o = out_open(in_dir("plain.gzip"), &e);
	out_write(o, "abc", 3);
	cr_assert_eq(out_close(o, &e), 0);
	read_all(in_dir("plain.gzip"), &got);
	cr_assert(got.len == 3 && memcmp(got.p, "abc", 3) == 0);
	static const char *const left[] = {"out.csv.gz", "empty.gz",
					   "plain.gzip", NULL};
	check_and_remove_dir(left);
	buf_release(&text);
	buf_release(&got);
}

static int exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

static size_t count_files(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

Test(io_out, atomic_replace_and_abort)
{
	struct cov_err e;
	struct out_file *o;
	struct buf got = BUF_INIT;

	make_dir();
	o = out_open(in_dir("result.csv"), &e);
	cr_assert_not_null(o);
	out_write(o, "new\n", 4);
	cr_assert_eq(out_flush(o, &e), 0);
	cr_assert(!exists(in_dir("result.csv")), "visible before out_close");
	cr_assert_eq(count_files(), 1, "one temporary");
	cr_assert_eq(out_close(o, &e), 0);
	cr_assert(exists(in_dir("result.csv")));
	cr_assert_eq(count_files(), 1, "temporary renamed, nothing else");

	/* replacing: the old content stays until out_close */
	o = out_open(in_dir("result.csv"), &e);
	out_write(o, "newer\n", 6);
	cr_assert_eq(out_flush(o, &e), 0);
	read_all(in_dir("result.csv"), &got);
	cr_assert(got.len == 4 && memcmp(got.p, "new\n", 4) == 0);
	cr_assert_eq(out_close(o, &e), 0);
	read_all(in_dir("result.csv"), &got);
	cr_assert(got.len == 6 && memcmp(got.p, "newer\n", 6) == 0);

	/* abort: the old file untouched, no temporary left */
	o = out_open(in_dir("result.csv"), &e);
	out_write(o, "lost\n", 5);
	cr_assert_eq(out_flush(o, &e), 0);
	out_abort(o);
	read_all(in_dir("result.csv"), &got);
	cr_assert(got.len == 6 && memcmp(got.p, "newer\n", 6) == 0);

	/* abort of a new .gz output: nothing at all */
	o = out_open(in_dir("never.gz"), &e);
	out_write(o, "x", 1);
	out_abort(o);
	cr_assert(!exists(in_dir("never.gz")));

	/* out_abort_all removes the temporaries of open outputs */
	o = out_open(in_dir("open.csv"), &e);
	cr_assert_eq(count_files(), 2);
	out_abort_all();
	cr_assert_eq(count_files(), 1);
	out_abort(o);

	/* a folder that does not exist */
	memset(&e, 0, sizeof e);
	cr_assert_null(out_open(in_dir("no/such/dir.csv"), &e));
	cr_assert_eq(e.code, COV_EXIT_IO);

	static const char *const left[] = {"result.csv", NULL};
	check_and_remove_dir(left);
	buf_release(&got);
}

Test(io_out, file_mode_follows_umask)
{
	struct cov_err e;
	struct out_file *o;
	struct stat st;
	mode_t old = umask(022);

	make_dir();
	o = out_open(in_dir("m.csv"), &e);
	cr_assert_eq(out_close(o, &e), 0);
	cr_assert_eq(stat(in_dir("m.csv"), &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0644, "mode %o", st.st_mode & 0777);
	umask(old);
	static const char *const left[] = {"m.csv", NULL};
	check_and_remove_dir(left);
}

/* An out_file on /dev/full: named outputs get a temporary beside them, so
 * point an "-" output's descriptor at /dev/full instead. */
static struct out_file *open_full(int gz)
{
	struct cov_err e;
	struct out_file *o;
	int fd = open("/dev/full", O_WRONLY);

	cr_assert(fd >= 0, "/dev/full");
	if (gz) {
		make_dir();
		o = out_open(in_dir("x.gz"), &e);
		cr_assert_not_null(o);
		unlink(o->tmp);
		dup2(fd, o->fd);
		close(fd);
		rmdir(dir);
		return o;
	}
	o = out_open("-", &e);
	cr_assert_not_null(o);
	o->fd = fd;
	return o;
}

Test(io_out, dev_full_fails_at_flush)
{
	for (int gz = 0; gz < 2; gz++) {
		struct cov_err e;
		struct out_file *o = open_full(gz);

		memset(&e, 0, sizeof e);
		out_write(o, "hello\n", 6);
		if (!gz) {
			cr_assert_eq(out_flush(o, &e), -1);
			cr_assert_eq(e.code, COV_EXIT_IO);
			cr_assert_str_eq(e.reason, "write");
			/* a failed output stays failed */
			memset(&e, 0, sizeof e);
			cr_assert_eq(out_flush(o, &e), -1);
			cr_assert_eq(e.code, COV_EXIT_IO);
		} else if (out_flush(o, &e) < 0) {
			cr_assert_eq(e.code, COV_EXIT_IO);
		}
		/* gzip may hold small writes in the encoder until close, but
		 * close must fail either way (and closes the descriptor) */
		memset(&e, 0, sizeof e);
		cr_assert_eq(out_close(o, &e), -1, "gz %d", gz);
		cr_assert_eq(e.code, COV_EXIT_IO);
	}
}

Test(io_out, dev_full_fails_at_close)
{
	struct cov_err e;
	struct out_file *o = open_full(0);

	memset(&e, 0, sizeof e);
	out_write(o, "x", 1);
	cr_assert_eq(out_close(o, &e), -1);
	cr_assert_eq(e.code, COV_EXIT_IO);
	cr_assert(strstr(e.msg, "write error") != NULL, "%s", e.msg);
}

Test(io_out, dev_full_in_reserve_exits_3)
{
	int errp[2];
	pid_t pid;
	int status;
	char msg[512];
	ssize_t n;

	cr_assert_eq(pipe(errp), 0);
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		struct out_file *o;
		char block[4096];
		close(errp[0]);
		dup2(errp[1], 2);
		o = open_full(0);
		memset(block, 'x', sizeof block);
		/* more than the buffer holds: out_reserve must flush, fail
		 * and exit */
		for (int i = 0; i < 1024; i++)
			out_write(o, block, sizeof block);
		_exit(0); /* not reached */
	}
	close(errp[1]);
	n = read(errp[0], msg, sizeof msg - 1);
	close(errp[0]);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status));
	cr_assert_eq(WEXITSTATUS(status), COV_EXIT_IO);
	cr_assert_gt(n, 0);
	msg[n] = 0;
	cr_assert(strstr(msg, "write error") != NULL, "stderr: %s", msg);
}

Test(io_out, reserve_larger_than_buffer)
{
	struct cov_err e;
	struct out_file *o;
	struct buf big = BUF_INIT, got = BUF_INIT;

	make_dir();
	for (size_t i = 0; i < 3 * IN_BLOCK + 7; i++)
		buf_addc(&big, (char)('a' + i % 26));
	o = out_open(in_dir("big"), &e);
	out_write(o, "<", 1);
	out_write(o, big.p, big.len);
	out_putc(o, '>');
	cr_assert_eq(out_close(o, &e), 0);
	read_all(in_dir("big"), &got);
	cr_assert_eq(got.len, big.len + 2);
	cr_assert(got.p[0] == '<' && got.p[got.len - 1] == '>');
	cr_assert(memcmp(got.p + 1, big.p, big.len) == 0);
	static const char *const left[] = {"big", NULL};
	check_and_remove_dir(left);
	buf_release(&big);
	buf_release(&got);
}

/* out_write_ref's pieces, between copies, come out in order (plain and
 * gzip), across more pieces than one writev takes and across flushes;
 * the pieces are read only at the flush. */
Test(io_out, write_ref_keeps_order)
{
	for (int gz = 0; gz < 2; gz++) {
		struct buf text = BUF_INIT, want = BUF_INIT, got = BUF_INIT;
		struct cov_err e;
		struct out_file *o;
		const char *name = gz ? "ref.gz" : "ref";
		size_t off = 0, step = 1;
		int i = 0;

		make_dir();
		make_text(&text, 2 * IN_BLOCK);
		o = out_open(in_dir(name), &e);
		cr_assert_not_null(o);
		for (; off < text.len;
		     off += step, step = step * 7 % 1501 + 1, i++) {
			size_t n =
				step < text.len - off ? step : text.len - off;

			if (i % 3 == 0) {
				out_write(o, text.p + off, n);
			} else if (i % 3 == 1) {
				out_putc(o, '[');
				out_write_ref(o, text.p + off, n);
				buf_addc(&want, '[');
			} else {
				out_write_ref(o, text.p + off, n);
			}
			buf_add(&want, text.p + off, n);
			if (i % 997 == 0)
				cr_assert_eq(out_flush(o, &e), 0, "%s", e.msg);
		}
		cr_assert_gt(i, 1500); /* more pieces than one writev */
		cr_assert_eq(out_close(o, &e), 0, "%s", e.msg);
		if (gz) {
			gzFile g = gzopen(in_dir(name), "rb");
			char tmp[65536];
			int k;

			cr_assert_not_null(g);
			while ((k = gzread(g, tmp, sizeof tmp)) > 0)
				buf_add(&got, tmp, (size_t)k);
			gzclose(g);
		} else {
			read_all(in_dir(name), &got);
		}
		cr_assert_eq(got.len, want.len, "gz %d", gz);
		cr_assert(memcmp(got.p, want.p, want.len) == 0, "gz %d", gz);
		static const char *const left[] = {"ref", "ref.gz", NULL};
		check_and_remove_dir(left);
		buf_release(&text);
		buf_release(&want);
		buf_release(&got);
	}
}

Test(io_out, write_ref_dev_full_fails_at_flush)
{
	struct cov_err e;
	struct out_file *o = open_full(0);

	memset(&e, 0, sizeof e);
	out_write(o, "a,b\n", 4);
	out_write_ref(o, "1,2\n", 4);
	cr_assert_eq(out_flush(o, &e), -1);
	cr_assert_eq(e.code, COV_EXIT_IO);
	cr_assert(strstr(e.msg, "No space") != NULL, "%s", e.msg);
	memset(&e, 0, sizeof e);
	out_write_ref(o, "3,4\n", 4);
	cr_assert_eq(out_close(o, &e), -1);
	cr_assert_eq(e.code, COV_EXIT_IO);
}
