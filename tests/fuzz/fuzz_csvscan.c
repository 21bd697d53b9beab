/*
 * libFuzzer target for cov-dedupe's chunked scan (csvscan.h).  The first
 * input byte picks the chunk size (16 to 143 bytes, so records meet chunk
 * edges everywhere) and one thread or several; the second picks the key
 * (contact, or the first field byte for byte, or the first two folded),
 * the block width (16, or 64 with AVX2 or AVX-512, with or without VBMI2)
 * and whether the file is mapped; the rest is the file.  The job runs the
 * record path (COV_FASTSCAN=0) and the scan, with --rejects; the exit
 * code, error, counts, output and rejects must be the same.  Any
 * difference aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "buf.h"
#include "csvscan.h"
#include "dedupe.h"
#include "stream.h"
#include "fuzzutil.h"

static char rej_path[128];

static void slurp(struct buf *b, const char *path)
{
	FILE *f = fopen(path, "rb");
	char tmp[4096];
	size_t n;

	if (!f)
		return;
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
		buf_add(b, tmp, n);
	fclose(f);
}

/* The job on path, everything it did as text in b. */
static void job(struct buf *b, char *path, const char *key, int exact)
{
	struct cli_common opt = {0};
	struct dedupe_opts o = {0};
	struct stream st;
	struct cov_err e = {0};
	char *files[1] = {path};
	int rc;

	buf_reset(b);
	opt.output = out_path;
	opt.rejects = rej_path;
	o.key = key;
	o.exact = exact;
	if (stream_open_flags(&st, &opt, 1, files,
			      STREAM_REJECT_RECORDS | STREAM_PREFETCH,
			      &e) < 0) {
		buf_addf(b, "open %s:%ld %s\n", e.reason, e.line, e.msg);
		return;
	}
	rc = dedupe_run(&st, &o, &e);
	buf_addf(b, "rc %d %s:%ld %s\n", rc, rc ? e.reason : "",
		 rc ? e.line : 0, rc ? e.msg : "");
	buf_addf(b, "%llu %llu %llu %llu\n", (unsigned long long)st.rows_in,
		 (unsigned long long)st.rows_out,
		 (unsigned long long)st.rows_rejected,
		 (unsigned long long)st.rows_set_aside);
	for (size_t i = 0; i < st.nreasons; i++)
		buf_addf(b, "%s %llu\n", st.reason[i].name,
			 (unsigned long long)st.reason[i].n);
	if (rc == 0 && stream_close(&st, &e) == 0) {
		slurp(b, out_path);
		buf_addf(b, "---\n");
		slurp(b, rej_path);
	} else if (rc != 0) {
		stream_abort(&st);
	}
	unlink(out_path);
	unlink(rej_path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static struct buf want = BUF_INIT, got = BUF_INIT;
	static const char *keys[] = {NULL, NULL, NULL};
	char path[64], names[64];
	const char *key;

	if (size < 2)
		return 0;
	if (fd < 0) {
		fd = memfd_create("fuzz_csvscan", 0);
		strcpy(out_dir, "/tmp/fuzz_csvscan-XXXXXX");
		if (fd < 0 || !mkdtemp(out_dir))
			abort();
		snprintf(out_path, sizeof out_path, "%s/out.csv", out_dir);
		snprintf(rej_path, sizeof rej_path, "%s/rej.csv", out_dir);
		atexit(remove_out_dir);
	}
	put_file(fd, data + 2, size - 2);
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	/* the key fields: the header's first names, whatever they are */
	{
		const uint8_t *p = data + 2, *end = data + size;
		size_t n = 0;

		while (p < end && *p != ',' && *p != '\n' && n < 20)
			names[n++] = (char)*p++;
		names[n] = '\0';
		keys[1] = n && !memchr(names, '"', n) ? names : NULL;
	}
	key = keys[data[1] % 2];

	setenv("COV_FASTSCAN", "0", 1);
	job(&want, path, key, data[1] & 2);
	unsetenv("COV_FASTSCAN");
	csvscan_chunk = (size_t)(data[0] & 0x7f) + 16;
	if (data[0] & 0x80)
		setenv("COV_PREFETCH", "0", 1);
	else
		unsetenv("COV_PREFETCH");
	setenv("COV_AVX2", data[1] & 4 ? "0" : "1", 1);
	setenv("COV_AVX512", data[1] & 16 ? "0" : "1", 1);
	setenv("COV_VBMI2", data[1] & 32 ? "0" : "1", 1);
	setenv("COV_MMAP", data[1] & 8 ? "0" : "1", 1);
	job(&got, path, key, data[1] & 2);
	csvscan_chunk = 0;
	if (got.len != want.len || memcmp(got.p, want.p, got.len) != 0) {
		fprintf(stderr,
			"scan and record path differ\n--- scan\n%.*s\n--- record path\n%.*s\n",
			(int)got.len, got.p, (int)want.len, want.p);
		abort();
	}
	return 0;
}
