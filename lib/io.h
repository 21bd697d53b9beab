/*
 * io: block input and output for every tool.
 *
 * Input (struct in_file) is a sliding window over a file or stdin: parsers
 * scan buf[pos..end) directly and call in_fill when they need more, naming
 * the oldest byte they still need (keep); bytes before it are discarded and
 * the rest moved to the front.  gzip is recognised by its magic bytes
 * (1f 8b), never by name, and inflated transparently, concatenated members
 * included.  The window grows only while one record is larger than it, and
 * never past in_max_record (IN_MAX_RECORD).
 *
 * Output (struct out_file) is a 1 MiB buffer in front of a descriptor.  A
 * named output is written to a temporary file in the same folder and renamed
 * into place by out_close, so a failed run leaves nothing behind; a name
 * that exists and is not a regular file (a device such as /dev/null, a
 * FIFO) is written in place instead.  A name ending in ".gz" is
 * gzip-compressed.  Every write error is reported.
 */
#ifndef COV_IO_H
#define COV_IO_H

#include <stddef.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "err.h"

#define IN_BLOCK (1u << 20)       /* bytes asked of read() at a time */
#define IN_MAX_RECORD (64u << 20) /* largest record a parser may hold */

struct in_file {
	char *name; /* as given; "-" for stdin */
	char *buf;  /* the window: valid bytes are buf[0..end) */
	size_t end, cap;
	int eof;           /* no more bytes will come */
	uint64_t bytes_in; /* bytes read from the file (compressed size) */
	/* private */
	int fd, gz, gz_done;
	int err_pending; /* in_fill fails with err (in_fail) */
	struct cov_err err;
	void *zs; /* z_stream when gz */
	unsigned char *zbuf;
	size_t zlen, zpos;
};

/* The most bytes one in_fill hands to a parser (0: no limit).  Tests set it
 * to sweep every chunk size across the parsers' state changes. */
extern size_t in_chunk_limit;

/* The most bytes the window keeps for one record: IN_MAX_RECORD, which
 * tests lower (in whole MiB) to cross it with small files. */
extern size_t in_max_record;

/* Open path ("-" or NULL for stdin).  NULL and e filled (exit 3) on failure. */
struct in_file *in_open(const char *path, struct cov_err *e);

/* Discard buf[0..keep), move the rest to the front and read more; what is
 * kept is the record the caller is reading.  Returns the number of new
 * bytes (0 at end of input), or -1 with e filled (I/O error, corrupt gzip,
 * or more than in_max_record bytes kept: reason "record_too_long", with
 * no line, which only the caller knows). */
long in_fill(struct in_file *f, size_t keep, struct cov_err *e);

void in_close(struct in_file *f);

/* For a caller that takes over reading (csvscan.h): the next bytes of the
 * file, past the window, straight into dst (at most room).  The number
 * read (0 at end of input, which sets eof), or -1 with e filled. */
long in_read(struct in_file *f, char *dst, size_t room, struct cov_err *e);

/* Append p[0..n) to the window, as if read from the file: how such a
 * caller gives back the bytes it did not use. */
void in_unread(struct in_file *f, const char *p, size_t n);

/* For such a caller that maps the file instead (csvscan.h): when the
 * input is a regular file read as it is (not gzip, not at its end, no
 * error waiting), its descriptor and, in *off, the file offset of
 * buf[end]; else -1. */
int in_plain_file(struct in_file *f, uint64_t *off);

/* The size of the file f reads, as stored (a gzip file's compressed size,
 * which bytes_in counts too), when it is a regular file; else 0. */
uint64_t in_file_size(const struct in_file *f);

/* Go on reading the file at offset off (in_plain_file's file), as if the
 * bytes before it had been read (bytes_in grows by off - the offset of
 * buf[end]).  The window is left as it is.  -1 with e filled on failure. */
int in_seek(struct in_file *f, uint64_t off, struct cov_err *e);

/* Up to n bytes of in_plain_file's file from offset off into dst (fewer
 * only at its end), leaving the window and the file's place as they are:
 * the number read, or -1 with e filled. */
long in_pread(struct in_file *f, char *dst, size_t n, uint64_t off,
	      struct cov_err *e);

/* Make the next in_fill fail with e, once the window's bytes are used:
 * an error in_read met, reported where the file's reader would meet it. */
void in_fail(struct in_file *f, const struct cov_err *e);

struct out_file {
	char *buf;
	size_t len, cap;
	/* private */
	int fd, gz, failed;
	void *zs;
	unsigned char *zbuf;
	char *path, *tmp;
	uint64_t bytes_out;
	struct iovec *ref; /* out_write_ref's pieces, after buf */
	size_t nref, buf_cap;
	struct out_file *next, *prev; /* the open temporaries (io.c) */
};

/* Open path for writing ("-" or NULL for stdout).  NULL and e filled on
 * failure.  A named file is created as a temporary beside it. */
struct out_file *out_open(const char *path, struct cov_err *e);

/* Flush the buffer to the descriptor (through gzip if on).  -1 and e filled
 * on a write error. */
int out_flush(struct out_file *o, struct cov_err *e);

/* Reserve n bytes at the end of the buffer and return where to write them
 * (the caller then adds n to o->len).  May flush.  A write error here prints
 * the message, removes temporaries and exits 3: the one place lib/ exits,
 * because a stream that cannot be written cannot go on. */
char *out_reserve_slow(struct out_file *o, size_t n);

static inline char *out_reserve(struct out_file *o, size_t n)
{
	return o->cap - o->len >= n ? o->buf + o->len : out_reserve_slow(o, n);
}

static inline void out_write(struct out_file *o, const void *p, size_t n)
{
	buf_copy_short(out_reserve(o, n), p, n);
	o->len += n;
}

static inline void out_putc(struct out_file *o, char c)
{
	if (o->len == o->cap)
		out_reserve(o, 1);
	o->buf[o->len++] = c;
}

/* Write p[0..n) from p itself, not copied into the buffer: out_flush
 * writes the buffer and such pieces in one writev.  p must stay as it is
 * until then; every other write flushes first (out_reserve does, since
 * the buffer has no room while pieces wait).  Through gzip, a copy. */
void out_write_ref(struct out_file *o, const void *p, size_t n);

/* Flush, finish gzip, close, and rename a named file into place.  Returns 0,
 * or -1 with e filled (the temporary is removed).  Frees o. */
int out_close(struct out_file *o, struct cov_err *e);

/* Close without keeping anything (removes the temporary).  Frees o. */
void out_abort(struct out_file *o);

/* Remove every temporary file still open: for exits on a fatal error. */
void out_abort_all(void);

/* On SIGINT, SIGTERM, SIGHUP and SIGPIPE, remove every temporary file still
 * open, then end as the signal would have (a signal ignored when the
 * program started, SIGPIPE aside, stays ignored).  For cli_init.  Threads
 * made after it block these signals (out_block_signals), so that the
 * handler runs in the thread that opens and closes outputs, never while
 * it changes their list. */
void out_catch_signals(void);

/* Block those signals in the calling thread, the mask as it was in *old;
 * around a pthread_create, so that the new thread inherits them blocked,
 * then pthread_sigmask(SIG_SETMASK, old, NULL). */
void out_block_signals(sigset_t *old);

#endif
