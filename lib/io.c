/*
 * io: see io.h.
 *
 * Input gzip detection reads the first bytes into zbuf before deciding, so it
 * works on pipes: a plain stream then serves those bytes first.  The window
 * doubles when a record does not fit, up to in_max_record plus one block,
 * and reads stop there: a record longer than that is refused however the
 * input came (a file read in large blocks, a pipe in small ones).
 * Open outputs are kept on a short list so a fatal exit can remove their
 * temporaries (out_abort_all).
 */
#include "io.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include <zlib.h>

#define OUT_BUF (1u << 20)
#define OUT_REFS 512 /* pieces of out_write_ref before a writev */

size_t in_chunk_limit;
size_t in_max_record = IN_MAX_RECORD;

static ssize_t read_full(int fd, void *p, size_t n)
{
	ssize_t r;

	do
		r = read(fd, p, n);
	while (r < 0 && errno == EINTR);
	return r;
}

struct in_file *in_open(const char *path, struct cov_err *e)
{
	struct in_file *f = xcalloc(1, sizeof *f);
	ssize_t r;

	if (path == NULL || strcmp(path, "-") == 0) {
		f->fd = 0;
		f->name = xstrdup("-");
	} else {
		f->name = xstrdup(path);
		f->fd = open(path, O_RDONLY);
		if (f->fd < 0) {
			err_set(e, COV_EXIT_IO, path, 0, "open",
				"cannot open: %s", strerror(errno));
			free(f->name);
			free(f);
			return NULL;
		}
	}
	f->cap = IN_BLOCK + 4096;
	f->buf = xmalloc(f->cap);
	f->zbuf = xmalloc(IN_BLOCK);
	/* Peek at the first bytes to recognise gzip. */
	while (f->zlen < 2) {
		r = read_full(f->fd, f->zbuf + f->zlen, IN_BLOCK - f->zlen);
		if (r < 0) {
			err_set(e, COV_EXIT_IO, f->name, 0, "read",
				"read error: %s", strerror(errno));
			in_close(f);
			return NULL;
		}
		if (r == 0)
			break;
		f->zlen += (size_t)r;
		f->bytes_in += (uint64_t)r;
	}
	if (f->zlen >= 2 && f->zbuf[0] == 0x1f && f->zbuf[1] == 0x8b) {
		z_stream *zs = xcalloc(1, sizeof *zs);
		if (inflateInit2(zs, 15 + 16) != Z_OK) {
			err_set(e, COV_EXIT_IO, f->name, 0, "gzip",
				"cannot start gzip decoder");
			free(zs);
			in_close(f);
			return NULL;
		}
		f->zs = zs;
		f->gz = 1;
	}
	return f;
}

/* Plain input: serve the peeked bytes, then read(). */
static long fill_plain(struct in_file *f, char *dst, size_t room,
		       struct cov_err *e)
{
	ssize_t r;

	if (f->zpos < f->zlen) {
		size_t n = f->zlen - f->zpos;
		if (n > room)
			n = room;
		memcpy(dst, f->zbuf + f->zpos, n);
		f->zpos += n;
		return (long)n;
	}
	r = read_full(f->fd, dst, room);
	if (r < 0) {
		err_set(e, COV_EXIT_IO, f->name, 0, "read", "read error: %s",
			strerror(errno));
		return -1;
	}
	f->bytes_in += (uint64_t)r;
	return (long)r;
}

static long fill_gz(struct in_file *f, char *dst, size_t room,
		    struct cov_err *e)
{
	z_stream *zs = f->zs;
	ssize_t r;
	int z;

	zs->next_out = (unsigned char *)dst;
	zs->avail_out = (uInt)room;
	while (zs->avail_out == room) {
		if (f->zpos == f->zlen) {
			r = read_full(f->fd, f->zbuf, IN_BLOCK);
			if (r < 0) {
				err_set(e, COV_EXIT_IO, f->name, 0, "read",
					"read error: %s", strerror(errno));
				return -1;
			}
			f->bytes_in += (uint64_t)r;
			f->zpos = 0;
			f->zlen = (size_t)r;
			if (r == 0) {
				if (!f->gz_done) {
					err_set(e, COV_EXIT_DATA, f->name, 0,
						"gzip",
						"truncated gzip stream");
					return -1;
				}
				return 0;
			}
		}
		if (f->gz_done) {
			/* Another member follows (concatenated gzip). */
			if (inflateReset(zs) != Z_OK)
				return -1;
			f->gz_done = 0;
		}
		zs->next_in = f->zbuf + f->zpos;
		zs->avail_in = (uInt)(f->zlen - f->zpos);
		z = inflate(zs, Z_NO_FLUSH);
		f->zpos = f->zlen - zs->avail_in;
		if (z == Z_STREAM_END) {
			f->gz_done = 1;
		} else if (z != Z_OK && z != Z_BUF_ERROR) {
			err_set(e, COV_EXIT_DATA, f->name, 0, "gzip",
				"corrupt gzip data: %s",
				zs->msg ? zs->msg : "inflate failed");
			if (zs->avail_out == room)
				return -1;
			/* the bytes inflated first, then the error: the
			 * reader then knows the line it reached */
			f->err = *e;
			f->err_pending = 1;
			break;
		}
	}
	return (long)(room - zs->avail_out);
}

long in_read(struct in_file *f, char *dst, size_t room, struct cov_err *e)
{
	long n;

	if (f->err_pending) {
		*e = f->err;
		return -1;
	}
	if (f->eof)
		return 0;
	n = f->gz ? fill_gz(f, dst, room, e) : fill_plain(f, dst, room, e);
	if (n == 0)
		f->eof = 1;
	return n;
}

long in_fill(struct in_file *f, size_t keep, struct cov_err *e)
{
	long n;

	if (f->err_pending) {
		*e = f->err;
		return -1;
	}
	if (f->eof)
		return 0;
	if (keep > f->end)
		keep = f->end;
	if (keep > 0) {
		memmove(f->buf, f->buf + keep, f->end - keep);
		f->end -= keep;
	}
	/* buf[0..end) is what the caller keeps of the record it reads:
	 * refused past the limit whatever the sizes of the reads were */
	if (f->end > in_max_record) {
		err_set(e, COV_EXIT_DATA, f->name, 0, "record_too_long",
			"record longer than %zu MiB", in_max_record >> 20);
		return -1;
	}
	if (f->cap - f->end < IN_BLOCK / 2) {
		size_t most = in_max_record + IN_BLOCK;

		f->cap = f->cap < most / 2 ? f->cap * 2 : most;
		f->buf = xrealloc(f->buf, f->cap);
	}
	{
		/* no further than a block past the limit (end <= limit) */
		size_t room = f->cap - f->end;
		if (room > in_max_record + IN_BLOCK - f->end)
			room = in_max_record + IN_BLOCK - f->end;
		if (in_chunk_limit && room > in_chunk_limit)
			room = in_chunk_limit;
		n = in_read(f, f->buf + f->end, room, e);
	}
	if (n < 0)
		return -1;
	f->end += (size_t)n;
	return n;
}

void in_unread(struct in_file *f, const char *p, size_t n)
{
	if (f->cap - f->end < n) {
		while (f->cap - f->end < n)
			f->cap *= 2;
		f->buf = xrealloc(f->buf, f->cap);
	}
	memcpy(f->buf + f->end, p, n);
	f->end += n;
}

int in_plain_file(struct in_file *f, uint64_t *off)
{
	struct stat st;
	off_t at;

	if (f->gz || f->err_pending || f->eof || fstat(f->fd, &st) != 0 ||
	    !S_ISREG(st.st_mode) || (at = lseek(f->fd, 0, SEEK_CUR)) < 0 ||
	    (uint64_t)at < f->zlen - f->zpos)
		return -1;
	/* the peeked bytes not yet handed out come before the offset */
	*off = (uint64_t)at - (f->zlen - f->zpos);
	return f->fd;
}

uint64_t in_file_size(const struct in_file *f)
{
	struct stat st;

	if (fstat(f->fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 0)
		return 0;
	return (uint64_t)st.st_size;
}

int in_seek(struct in_file *f, uint64_t off, struct cov_err *e)
{
	uint64_t now;

	if (in_plain_file(f, &now) < 0) {
		err_set(e, COV_EXIT_IO, f->name, 0, "read", "cannot seek");
		return -1;
	}
	if (lseek(f->fd, (off_t)off, SEEK_SET) < 0) {
		err_set(e, COV_EXIT_IO, f->name, 0, "read", "cannot seek: %s",
			strerror(errno));
		return -1;
	}
	f->bytes_in += off - now;
	f->zpos = f->zlen;
	return 0;
}

long in_pread(struct in_file *f, char *dst, size_t n, uint64_t off,
	      struct cov_err *e)
{
	size_t got = 0;

	while (got < n) {
		ssize_t k =
			pread(f->fd, dst + got, n - got, (off_t)(off + got));

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			err_set(e, COV_EXIT_IO, f->name, 0, "read",
				"read error: %s", strerror(errno));
			return -1;
		}
		if (k == 0)
			break;
		got += (size_t)k;
	}
	return (long)got;
}

void in_fail(struct in_file *f, const struct cov_err *e)
{
	f->err = *e;
	f->err_pending = 1;
}

void in_close(struct in_file *f)
{
	if (!f)
		return;
	if (f->zs) {
		inflateEnd(f->zs);
		free(f->zs);
	}
	if (f->fd > 0)
		close(f->fd);
	free(f->zbuf);
	free(f->buf);
	free(f->name);
	free(f);
}

/* ---- output ------------------------------------------------------------ */

/* The outputs written to a temporary, however many (--partition opens up
 * to a thousand): a list the signal handler walks.  Each change is one
 * pointer store the handler sees whole, made with the signals blocked. */
static struct out_file *volatile open_outs;
static const int caught[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};

static void signals_mask(int how, sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < sizeof caught / sizeof *caught; i++)
		sigaddset(&set, caught[i]);
	pthread_sigmask(how, &set, old);
}

void out_block_signals(sigset_t *old) { signals_mask(SIG_BLOCK, old); }

static void track(struct out_file *o, int on)
{
	sigset_t old;

	signals_mask(SIG_BLOCK, &old);
	if (on) {
		o->prev = NULL;
		o->next = open_outs;
		if (o->next)
			o->next->prev = o;
		open_outs = o;
	} else {
		if (o->prev)
			o->prev->next = o->next;
		else if (open_outs == o)
			open_outs = o->next;
		if (o->next)
			o->next->prev = o->prev;
		o->next = o->prev = NULL;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

static void on_signal(int sig)
{
	out_abort_all(); /* unlink only: safe in a handler */
	raise(sig);      /* SA_RESETHAND: now as if never caught */
}

void out_catch_signals(void)
{
	for (size_t i = 0; i < sizeof caught / sizeof *caught; i++) {
		struct sigaction sa, old;

		if (sigaction(caught[i], NULL, &old) == 0 &&
		    old.sa_handler == SIG_IGN && caught[i] != SIGPIPE)
			continue; /* nohup, or & in a shell without job control */
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_signal;
		sigemptyset(&sa.sa_mask);
		sa.sa_flags = SA_RESETHAND;
		sigaction(caught[i], &sa, NULL);
	}
}

static int ends_with(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);
	return n >= m && strcmp(s + n - m, suf) == 0;
}

static void out_free(struct out_file *o);

/* Put a gzip encoder in front of o; on failure o is aborted. */
static int gz_start(struct out_file *o, struct cov_err *e)
{
	z_stream *zs = xcalloc(1, sizeof *zs);

	if (deflateInit2(zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
	    Z_OK) {
		err_set(e, COV_EXIT_IO, o->path, 0, "gzip",
			"cannot start gzip encoder");
		free(zs);
		out_abort(o);
		return -1;
	}
	o->zs = zs;
	o->gz = 1;
	o->zbuf = xmalloc(OUT_BUF);
	return 0;
}

struct out_file *out_open(const char *path, struct cov_err *e)
{
	struct out_file *o = xcalloc(1, sizeof *o);

	o->cap = OUT_BUF;
	o->buf = xmalloc(o->cap);
	struct stat sb;

	if (path == NULL || strcmp(path, "-") == 0) {
		o->fd = 1;
		o->path = xstrdup("-");
	} else if ((stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) ||
		   strncmp(path, "/dev/std", 8) == 0 ||
		   strncmp(path, "/dev/fd/", 8) == 0 ||
		   strncmp(path, "/proc/", 6) == 0) {
		/* a device or a FIFO (-o /dev/null, a named pipe), or the
		 * name of an open file (/dev/stdout, /dev/fd/N,
		 * /proc/self/fd/N, which may lead to a regular file): written
		 * in place; renaming a file over it would replace it */
		o->path = xstrdup(path);
		o->fd = open(path, O_WRONLY | O_APPEND);
		if (o->fd < 0) {
			err_set(e, COV_EXIT_IO, path, 0, "open",
				"cannot open: %s", strerror(errno));
			free(o->path);
			free(o->buf);
			free(o);
			return NULL;
		}
		if (ends_with(path, ".gz") && gz_start(o, e) < 0)
			return NULL;
	} else {
		/* a symbolic link: replace the file it names, keep the link */
		char *real = lstat(path, &sb) == 0 && S_ISLNK(sb.st_mode)
				     ? realpath(path, NULL)
				     : NULL;
		if (real)
			path = real;
		const char *slash = strrchr(path, '/');
		size_t dirlen = slash ? (size_t)(slash - path + 1) : 0;
		o->path = xstrdup(path);
		size_t len = strlen(path) + 32, end;
		o->tmp = xmalloc(len);
		snprintf(o->tmp, len, "%.*s.%s.", (int)dirlen, path,
			 path + dirlen);
		/* mkstemp's template: six trailing X */
		end = strlen(o->tmp);
		memset(o->tmp + end, 'X', 6);
		o->tmp[end + 6] = '\0';
		o->fd = mkstemp(o->tmp);
		free(real);
		path = o->path;
		if (o->fd < 0) {
			err_set(e, COV_EXIT_IO, path, 0, "open",
				"cannot create: %s", strerror(errno));
			free(o->tmp);
			free(o->path);
			free(o->buf);
			free(o);
			return NULL;
		}
		{
			mode_t m = umask(0);
			umask(m);
			fchmod(o->fd, 0666 & ~m);
		}
		track(o, 1);
		if (ends_with(path, ".gz") && gz_start(o, e) < 0)
			return NULL;
	}
	return o;
}

/* Write the pieces v[0..nv) whole, in as few writev calls as it takes. */
static int writev_all(struct out_file *o, struct iovec *v, size_t nv,
		      struct cov_err *e)
{
	for (;;) {
		ssize_t w;

		while (nv && v->iov_len == 0)
			v++, nv--; /* done, or nothing to write */
		if (!nv)
			return 0;
		w = writev(o->fd, v, nv > IOV_MAX ? IOV_MAX : (int)nv);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			err_set(e, COV_EXIT_IO,
				strcmp(o->path, "-") ? o->path : "stdout", 0,
				"write", "write error: %s",
				w < 0 ? strerror(errno) : "short write");
			o->failed = 1;
			return -1;
		}
		o->bytes_out += (uint64_t)w;
		while ((size_t)w >= v->iov_len) { /* w <= what v holds */
			w -= (ssize_t)v->iov_len;
			v++, nv--;
			if (!nv)
				return 0;
		}
		v->iov_base = (char *)v->iov_base + w;
		v->iov_len -= (size_t)w;
	}
}

static int write_all(struct out_file *o, const void *p, size_t n,
		     struct cov_err *e)
{
	struct iovec v = {(void *)p, n};

	return writev_all(o, &v, 1, e);
}

static int deflate_some(struct out_file *o, const void *p, size_t n, int flush,
			struct cov_err *e)
{
	z_stream *zs = o->zs;
	int z;

	zs->next_in = (unsigned char *)p;
	zs->avail_in = (uInt)n;
	do {
		zs->next_out = o->zbuf;
		zs->avail_out = OUT_BUF;
		z = deflate(zs, flush);
		if (z == Z_STREAM_ERROR) {
			err_set(e, COV_EXIT_IO, o->path, 0, "gzip",
				"gzip encoder failed");
			o->failed = 1;
			return -1;
		}
		if (write_all(o, o->zbuf, OUT_BUF - zs->avail_out, e) < 0)
			return -1;
	} while (zs->avail_out == 0 ||
		 (flush == Z_FINISH && z != Z_STREAM_END));
	return 0;
}

int out_flush(struct out_file *o, struct cov_err *e)
{
	size_t nv = o->nref + 1; /* the buffer, then out_write_ref's pieces */
	int r;

	if (o->nref) {
		o->nref = 0;
		o->cap = o->buf_cap; /* the buffer has room again */
	}
	if (o->failed) {
		err_set(e, COV_EXIT_IO, o->path, 0, "write", "write error");
		return -1;
	}
	if (nv > 1) {
		o->ref[0].iov_base = o->buf;
		o->ref[0].iov_len = o->len;
		o->len = 0;
		return writev_all(o, o->ref, nv, e);
	}
	if (o->len == 0)
		return 0;
	r = o->gz ? deflate_some(o, o->buf, o->len, Z_NO_FLUSH, e)
		  : write_all(o, o->buf, o->len, e);
	o->len = 0;
	return r;
}

static struct cov_err pending_err;

/* Flush, or say why not and exit 3: a stream that cannot be written
 * cannot go on, and writing on may never end. */
static void flush_or_exit(struct out_file *o)
{
	if (out_flush(o, &pending_err) < 0) {
		err_print(&pending_err);
		out_abort_all();
		exit(COV_EXIT_IO);
	}
}

char *out_reserve_slow(struct out_file *o, size_t n)
{
	flush_or_exit(o);
	if (o->cap < n) {
		o->cap = n;
		o->buf = xrealloc(o->buf, o->cap);
	}
	return o->buf + o->len;
}

void out_write_ref(struct out_file *o, const void *p, size_t n)
{
	if (o->gz) {
		out_write(o, p, n);
		return;
	}
	if (o->nref == OUT_REFS)
		flush_or_exit(o);
	if (!o->ref) /* the buffer, then the pieces */
		o->ref = xmalloc((OUT_REFS + 1) * sizeof *o->ref);
	if (!o->nref) {
		/* no room in the buffer until out_flush: a write in between
		 * takes out_reserve_slow, which flushes first */
		o->buf_cap = o->cap;
		o->cap = o->len;
	}
	o->nref++;
	o->ref[o->nref].iov_base = (void *)p;
	o->ref[o->nref].iov_len = n;
}

static void out_free(struct out_file *o)
{
	if (o->zs) {
		deflateEnd(o->zs);
		free(o->zs);
	}
	free(o->zbuf);
	free(o->ref);
	free(o->tmp);
	free(o->path);
	free(o->buf);
	free(o);
}

int out_close(struct out_file *o, struct cov_err *e)
{
	int r = out_flush(o, e);

	if (r == 0 && o->gz)
		r = deflate_some(o, NULL, 0, Z_FINISH, e);
	if (o->fd > 2 || o->tmp) {
		if (close(o->fd) != 0 && r == 0) {
			err_set(e, COV_EXIT_IO, o->path, 0, "write",
				"close failed: %s", strerror(errno));
			r = -1;
		}
		o->fd = -1;
	}
	if (o->tmp) {
		if (r == 0 && rename(o->tmp, o->path) != 0) {
			err_set(e, COV_EXIT_IO, o->path, 0, "write",
				"cannot rename into place: %s",
				strerror(errno));
			r = -1;
		}
		if (r != 0)
			unlink(o->tmp);
		track(o, 0);
	}
	out_free(o);
	return r;
}

void out_abort(struct out_file *o)
{
	if (!o)
		return;
	if (o->tmp) {
		close(o->fd);
		unlink(o->tmp);
		track(o, 0);
	} else if (o->fd > 2) {
		close(o->fd);
	}
	out_free(o);
}

void out_abort_all(void)
{
	for (struct out_file *o = open_outs; o; o = o->next)
		if (o->tmp)
			unlink(o->tmp);
}
