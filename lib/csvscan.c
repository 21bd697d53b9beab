/*
 * csvscan: see csvscan.h.
 *
 * Tasks.  A free thread commits the next chunk when it is scanned (one
 * thread at a time, in input order); else it fills the next free chunk
 * slot (one thread at a time: the bytes after the previous chunk's cut,
 * then the file) and scans that chunk, while it is in its cache; else it
 * waits.  No thread waits for a turn while holding work another needs:
 * the next chunk to commit is being scanned, or is committable, so the
 * tasks cannot deadlock.  A slot is refilled only after its chunk was
 * committed, and the chunk being read is at most nslot - 1 ahead of the
 * next to commit, so the previous chunk's tail is still there when the
 * next one copies it.
 *
 * Cutting.  A chunk ends after the last LF before which the number of
 * double quotes since the chunk's start is even: outside quotes, unless an
 * earlier quote was not one (a quote inside an unquoted field is data, or
 * the file is malformed).  Then a record may seem to run past the cut;
 * scan_record refuses it, the reader's parse of the chunk's bytes finds it
 * cut short, and the scan stops there: from that record on, the reader
 * reads the file itself.
 */
#include "csvscan.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "cli.h"
#include "norm_text.h"
#include "reader.h"

enum { PAD = 64, MAX_THREADS = 4 };
#define HUGE ((uint64_t)2 << 20) /* bytes: a huge page (x86-64) */

struct chunk {
	int scanned; /* and not yet committed: read and scanned by one
		      * thread, committed by any, in input order */
	char *buf;   /* its bytes: mem, or in map */
	char *mem;   /* cap + PAD bytes */
	void *map;   /* mapped: maplen bytes of the file, PAD after len */
	size_t maplen;
	uint64_t off; /* mapped: the file offset of buf[0] */
	size_t cap, len, cut;
	int eof;  /* the input ended in this chunk */
	int rerr; /* reading failed after len bytes (err) */
	struct cov_err err;
	uint64_t bytes_in; /* the input's bytes read when it was filled */
	struct scan_rec *rec;
	size_t n, rcap;
	int hard;       /* the record after rec[n - 1] is malformed */
	uint32_t lines; /* line ends in [0, cut) */
	struct record *slow;
	size_t nslow, slowcap;
};

struct scan;

struct worker {
	struct scan *s;
	pthread_t tid;
	int started;
	void *t; /* the tool's */
	struct reader *mem;
	uint32_t *sep;     /* field i ends at sep[i] (its comma or line end),
			    * and 16 more (SCAN_SEPS writes 16 at a time) */
	size_t need;       /* kept for the fields before the last key field's
			* end (the others are only counted) */
	struct buf *unesc; /* one per field: quotes undoubled */
};

struct qstate;

struct scan {
	struct stream *st;
	const struct scan_ops *ops;
	struct in_file *in;
	int fd;                /* mapped: the file's descriptor, else -1 */
	uint64_t fsize;        /* mapped: the file's size at the start */
	uint64_t off0;         /* mapped: the offset of the first chunk */
	uint64_t end0, bytes0; /* mapped: in's offset and bytes_in then */
	size_t page;
	size_t ncols;
	/* chosen once for the processor (simd_pick) */
	int (*blocks)(struct worker *w, const char *b, size_t pos, size_t cut,
		      struct qstate *q, size_t *first_hi, size_t *last_hi,
		      size_t *endp);
	size_t (*count_quotes)(const char *p, size_t n); /* for cut_point */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct chunk *c;
	size_t nslot;
	uint64_t next_read, committed;
	int reading, committing, read_over, halted, failed;
	uint64_t halt_chunk;
	size_t halt_off;     /* the bytes handed back begin there */
	uint32_t halt_lines; /* line ends in the chunk before halt_off */
	struct cov_err err;
	uint64_t lines_base; /* commit turn: lines before the chunk */
	long last_line;      /* first line of the last record committed */
};

size_t csvscan_chunk;

int csvscan_enabled(void) { return !cli_env_off("COV_FASTSCAN"); }

static size_t nthreads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (cli_env_off("COV_PREFETCH") || n < 2)
		return 1;
	return n > MAX_THREADS ? MAX_THREADS : (size_t)n;
}

/* ---- reading and cutting ------------------------------------------------ */

static size_t count_quotes(const char *p, size_t n)
{
	size_t k = 0, i = 0;

#ifdef __SSE2__
	const __m128i q = _mm_set1_epi8('"'), zero = _mm_setzero_si128();

	while (i + 16 <= n) {
		/* per byte lane, up to 255 matches; then summed */
		__m128i acc = zero, sum;
		size_t stop = i + 255 * 16 < n ? i + 255 * 16 : n;

		for (; i + 16 <= stop; i += 16) {
			__m128i x = _mm_loadu_si128((const __m128i *)(p + i));
			acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(x, q));
		}
		sum = _mm_sad_epu8(acc, zero);
		k += (size_t)_mm_cvtsi128_si32(sum) +
		     (size_t)_mm_extract_epi16(sum, 4);
	}
#endif
	for (; i < n; i++)
		k += p[i] == '"';
	return k;
}

/* The end of the last whole record in b[0..len), or 0.  count: the
 * chunk's quotes (count_quotes, or a wider one: simd_pick). */
static size_t cut_point(const char *b, size_t len,
			size_t (*count)(const char *p, size_t n))
{
	size_t total = count(b, len), pos = len, after = 0;

	for (;;) {
		const char *nl = memrchr(b, '\n', pos);
		size_t at;

		if (!nl)
			return 0;
		at = (size_t)(nl - b);
		after += count_quotes(b + at + 1, pos - at - 1);
		if (((total - after) & 1) == 0)
			return at + 1;
		pos = at;
	}
}

/* Begin c with p[0..n): the previous chunk's tail, or the reader's
 * window (which a large header may have made larger than a chunk). */
static void chunk_start(struct chunk *c, const char *p, size_t n)
{
	if (n > c->cap) {
		c->cap = n;
		c->mem = xrealloc(c->mem, c->cap + PAD);
	}
	c->buf = c->mem;
	memcpy(c->buf, p, n);
	c->len = n;
}

static void unmap_chunk(struct chunk *c)
{
	if (c->map)
		munmap(c->map, c->maplen);
	c->map = NULL;
}

static uint64_t round_up(uint64_t x, uint64_t to)
{
	return x + (to - 1) - (x + to - 1) % to;
}

/* Mapped: c is the file's bytes from off, up to cap of them (read into
 * mem instead where no PAD bytes of the file follow them, at its end, or
 * if the mapping fails).  The mapping covers whole HUGE blocks of the
 * file (the last one up to the file's last page), and asks for huge
 * pages: where the page cache holds a block as one 2 MiB folio (the
 * kernel reads a large file ahead so), it is then mapped by one page
 * table entry instead of 512, which is cheaper to set up, tear down and
 * look up.  Only the pages the chunk reads are made present at once. */
static void map_chunk(struct scan *s, struct chunk *c, uint64_t off)
{
	uint64_t left = s->fsize > off ? s->fsize - off : 0;
	size_t len = left < c->cap ? (size_t)left : c->cap;
	long k;

	unmap_chunk(c);
	c->off = off;
	if (left >= (uint64_t)len + PAD) {
		uint64_t a = off - off % HUGE, e = off + len + PAD;
		uint64_t w = round_up(e, HUGE);
		uint64_t end = round_up(s->fsize, s->page);
		size_t ml = (size_t)((w < end ? w : end) - a);
		void *m =
			mmap(NULL, ml, PROT_READ, MAP_PRIVATE, s->fd, (off_t)a);

		if (m != MAP_FAILED) {
			/* errors ignored: the pages then come a fault at a
			 * time, as small pages */
#ifdef MADV_HUGEPAGE
			madvise(m, ml, MADV_HUGEPAGE);
#endif
#ifdef MADV_POPULATE_READ /* Linux 5.14 */
			size_t p0 = (size_t)(off - a - (off - a) % s->page);

			madvise((char *)m + p0, (size_t)(e - a) - p0,
				MADV_POPULATE_READ);
#endif
			c->map = m;
			c->maplen = ml;
			c->buf = (char *)m + (off - a);
			c->len = len;
			return;
		}
	}
	c->buf = c->mem;
	k = in_pread(s->in, c->mem, len, off, &c->err);
	c->rerr = k < 0;
	c->len = k < 0 ? 0 : (size_t)k;
	memset(c->mem + c->len, 0, PAD);
}

static void read_chunk(struct scan *s, struct chunk *c, struct chunk *prev)
{
	struct in_file *in = s->in;

	c->eof = c->rerr = c->hard = 0;
	c->n = c->nslow = 0;
	c->lines = 0;
	if (s->fd >= 0) {
		map_chunk(s, c, prev ? prev->off + prev->cut : s->off0);
		c->eof = c->len < c->cap;
		c->bytes_in = s->bytes0 + (c->off + c->len - s->end0);
		c->cut = cut_point(c->buf, c->len, s->count_quotes);
		return;
	}
	if (prev) {
		chunk_start(c, prev->buf + prev->cut, prev->len - prev->cut);
	} else {
		/* the first: what the reader holds after the header */
		struct reader *r = s->st->r;

		chunk_start(c, in->buf + r->pos, in->end - r->pos);
		in->end = 0;
		r->pos = 0;
	}
	while (c->len < c->cap) {
		long k = in_read(in, c->buf + c->len, c->cap - c->len, &c->err);

		if (k < 0) {
			c->rerr = 1;
			break;
		}
		if (k == 0) {
			c->eof = 1;
			break;
		}
		c->len += (size_t)k;
	}
	memset(c->buf + c->len, 0, PAD);
	c->bytes_in = in->bytes_in;
	c->cut = cut_point(c->buf, c->len, s->count_quotes);
}

/* ---- scanning ----------------------------------------------------------- */

/* The state of scan_record in a stretch with quotes or CR. */
struct qstate {
	size_t nf, fs, close; /* fields done, field start, closing quote */
	int quoted, inq, special;
	uint32_t nl;
};

/* One special byte (comma, quote, LF, CR) of a record, at b[at], in q:
 * 1 at the record's end (*endp set), 0 go on, -1 not canonical (or
 * malformed: the reader will say). */
static int special_byte(struct worker *w, const char *b, size_t at,
			struct qstate *q, size_t *endp)
{
	char c = b[at];

	if (q->inq) {
		if (c == '"') {
			q->inq = 0;
			q->close = at;
		} else if (c == '\r') {
			return -1;
		} else {
			q->special = 1;
			q->nl += c == '\n';
		}
		return 0;
	}
	if (q->quoted && at != q->close + 1)
		return -1; /* text after a closing quote */
	if (c == '"') {
		if (at == q->fs)
			q->quoted = q->inq = 1, q->special = 0;
		else if (q->quoted)
			q->inq = q->special = 1; /* "" */
		else
			return -1; /* a quote inside an unquoted field */
		return 0;
	}
	if (c == '\r' && b[at + 1] != '\n')
		return -1;
	if (q->nf == w->s->ncols || (q->quoted && !q->special))
		return -1; /* too many fields; quotes the writer would drop */
	w->sep[q->nf++] = (uint32_t)at;
	q->quoted = 0;
	if (c == ',') {
		q->fs = at + 1;
		return 0;
	}
	*endp = at + 1 + (c == '\r');
	return 1;
}

#ifdef __SSE2__
/* clang-format off */
static const unsigned char pop8[256] = {
#define P2(n) n, n + 1, n + 1, n + 2
#define P4(n) P2(n), P2(n + 1), P2(n + 1), P2(n + 2)
#define P6(n) P4(n), P4(n + 1), P4(n + 1), P4(n + 2)
	P6(0), P6(1), P6(1), P6(2)
#undef P2
#undef P4
#undef P6
};
/* clang-format on */

/* A block's bytes >= 0x80 (mask mh, the block at base) into a record's
 * first and last such byte (*first_hi (size_t)-1: none yet).  Without a
 * branch: which blocks have such bytes varies from record to record. */
static inline void note_hi(uint64_t mh, size_t base, size_t *first_hi,
			   size_t *last_hi)
{
	size_t f = base + (size_t)__builtin_ctzll(mh | UINT64_C(1) << 63),
	       l = base + 63 - (size_t)__builtin_clzll(mh | 1);

	*first_hi = mh && *first_hi == (size_t)-1 ? f : *first_hi;
	*last_hi = mh ? l : *last_hi;
}

/* 16 bytes a block, SSE2 (every x86-64) */
#define SCAN_NAME blocks16
#define SCAN_W 16
#define SCAN_ATTR
#define SCAN_POPCOUNT(m) (pop8[(m)&0xff] + pop8[((m) >> 8) & 0xff])
#define SCAN_SENTINEL(m) ((m) |= UINT64_C(0xff) << 16)
#define SCAN_CTZ(m) __builtin_ctzll(m)
#define SCAN_MASKS(p, n, c, s, h)                                              \
	do {                                                                   \
		__m128i x_ = _mm_loadu_si128((const __m128i *)(p));            \
		n = (unsigned)_mm_movemask_epi8(                               \
			_mm_cmpeq_epi8(x_, _mm_set1_epi8('\n')));              \
		c = (unsigned)_mm_movemask_epi8(                               \
			_mm_cmpeq_epi8(x_, _mm_set1_epi8(',')));               \
		s = (unsigned)_mm_movemask_epi8(_mm_or_si128(                  \
			_mm_cmpeq_epi8(x_, _mm_set1_epi8('"')),                \
			_mm_cmpeq_epi8(x_, _mm_set1_epi8('\r'))));             \
		h = (unsigned)_mm_movemask_epi8(x_);                           \
	} while (0)
#include "csvscan_blocks.h"

/* 64 bytes a block (two 32-byte halves), AVX2, on processors that have
 * it (and BMI1, whose tzcnt of 0 is 64) */
#include <immintrin.h>
#define SCAN_NAME blocks64
#define SCAN_W 64
#define SCAN_ATTR __attribute__((target("avx2,popcnt,bmi")))
#define SCAN_POPCOUNT(m) __builtin_popcountll(m)
#define SCAN_SENTINEL(m) ((void)0)
#define SCAN_CTZ(m) _tzcnt_u64(m)
#define SCAN_EQ(x, v) _mm256_cmpeq_epi8(x, _mm256_set1_epi8(v))
#define SCAN_BITS(a, b)                                                        \
	((uint64_t)(uint32_t)_mm256_movemask_epi8(a) |                         \
	 (uint64_t)(uint32_t)_mm256_movemask_epi8(b) << 32)
#define SCAN_MASKS(p, n, c, s, h)                                              \
	do {                                                                   \
		__m256i x_ = _mm256_loadu_si256((const __m256i *)(p));         \
		__m256i y_ = _mm256_loadu_si256((const __m256i *)(p) + 1);     \
		n = SCAN_BITS(SCAN_EQ(x_, '\n'), SCAN_EQ(y_, '\n'));           \
		c = SCAN_BITS(SCAN_EQ(x_, ','), SCAN_EQ(y_, ','));             \
		s = SCAN_BITS(                                                 \
			_mm256_or_si256(SCAN_EQ(x_, '"'), SCAN_EQ(x_, '\r')),  \
			_mm256_or_si256(SCAN_EQ(y_, '"'), SCAN_EQ(y_, '\r'))); \
		h = SCAN_BITS(x_, y_);                                         \
	} while (0)
#include "csvscan_blocks.h"
#undef SCAN_EQ

/* count_quotes, 64 bytes at a time: the block's quotes as a bit mask */
__attribute__((target("avx2,popcnt"))) static size_t
count_quotes64(const char *p, size_t n)
{
	const __m256i q = _mm256_set1_epi8('"');
	size_t k = 0, i = 0;

	for (; i + 64 <= n; i += 64) {
		__m256i x = _mm256_loadu_si256((const __m256i *)(p + i));
		__m256i y = _mm256_loadu_si256((const __m256i *)(p + i) + 1);

		k += (size_t)__builtin_popcountll(SCAN_BITS(
			_mm256_cmpeq_epi8(x, q), _mm256_cmpeq_epi8(y, q)));
	}
	return k + count_quotes(p + i, n - i);
}

#undef SCAN_BITS

/* 64 bytes a block, AVX-512 (BW), on processors that have it: a compare
 * gives a bit mask at once */
#define SCAN_NAME blocks512
#define SCAN_W 64
#define SCAN_ATTR __attribute__((target("avx512f,avx512bw,popcnt,bmi")))
#define SCAN_POPCOUNT(m) __builtin_popcountll(m)
#define SCAN_SENTINEL(m) ((void)0)
#define SCAN_CTZ(m) _tzcnt_u64(m)
#define SCAN_EQ(x, v) _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8(v))
#define MASKS512(p, n, c, s, h)                                                \
	do {                                                                   \
		__m512i x_ = _mm512_loadu_si512((const void *)(p));            \
		n = SCAN_EQ(x_, '\n');                                         \
		c = SCAN_EQ(x_, ',');                                          \
		s = SCAN_EQ(x_, '"') | SCAN_EQ(x_, '\r');                      \
		h = _mm512_movepi8_mask(x_);                                   \
	} while (0)
#define SCAN_MASKS MASKS512
#include "csvscan_blocks.h"

/* blocks512 with VBMI2, whose compress puts a block's comma positions
 * side by side at once (the byte offsets 0..63, kept where the mask is
 * set), written 16 at a time: sep has room for 16 past the fields */
#define SCAN_NAME blocks512v
#define SCAN_W 64
#define SCAN_ATTR                                                              \
	__attribute__((target("avx512f,avx512bw,avx512vbmi2,popcnt,bmi")))
#define SCAN_POPCOUNT(m) __builtin_popcountll(m)
#define SCAN_SENTINEL(m) ((void)0)
#define SCAN_CTZ(m) _tzcnt_u64(m)
#define SCAN_MASKS MASKS512
#define SCAN_SEPS(d, m, base, cnt)                                             \
	do {                                                                   \
		__m512i o_ = _mm512_maskz_compress_epi8(                       \
			m, _mm512_set_epi64(                                   \
				   0x3f3e3d3c3b3a3938, 0x3736353433323130,     \
				   0x2f2e2d2c2b2a2928, 0x2726252423222120,     \
				   0x1f1e1d1c1b1a1918, 0x1716151413121110,     \
				   0x0f0e0d0c0b0a0908, 0x0706050403020100));   \
		__m512i b_ = _mm512_set1_epi32((int)(base));                   \
		_mm512_storeu_si512(                                           \
			(void *)(d),                                           \
			_mm512_add_epi32(_mm512_cvtepu8_epi32(                 \
						 _mm512_castsi512_si128(o_)),  \
					 b_));                                 \
		if ((cnt) > 16) { /* rare: each in turn */                     \
			uint64_t r_ = (m);                                     \
			for (size_t k_ = 0; k_ < (cnt); k_++, r_ &= r_ - 1)    \
				(d)[k_] = (base) + (uint32_t)_tzcnt_u64(r_);   \
		}                                                              \
	} while (0)
#include "csvscan_blocks.h"

__attribute__((target("avx512f,avx512bw,popcnt"))) static size_t
count_quotes512(const char *p, size_t n)
{
	size_t k = 0, i = 0;

	for (; i + 64 <= n; i += 64)
		k += (size_t)__builtin_popcountll(SCAN_EQ(
			_mm512_loadu_si512((const void *)(p + i)), '"'));
	return k + count_quotes(p + i, n - i);
}
#undef MASKS512
#undef SCAN_EQ

/* The widest blocks the processor has: AVX-512 (BW, with VBMI2 where
 * it has that too), else AVX2, else SSE2; COV_VBMI2 "0", COV_AVX512 "0"
 * and COV_AVX2 "0" (no AVX-512 either) rule the wider ones out, which
 * tests use to run every way. */
static void simd_pick(struct scan *s)
{
	__builtin_cpu_init();
	s->blocks = blocks16;
	s->count_quotes = count_quotes;
	if (cli_env_off("COV_AVX2") || !__builtin_cpu_supports("popcnt") ||
	    !__builtin_cpu_supports("bmi"))
		return;
	if (cli_avx512bw()) {
		s->blocks = blocks512;
		if (__builtin_cpu_supports("avx512vbmi2") &&
		    !cli_env_off("COV_VBMI2"))
			s->blocks = blocks512v;
		s->count_quotes = count_quotes512;
	} else if (__builtin_cpu_supports("avx2")) {
		s->blocks = blocks64;
		s->count_quotes = count_quotes64;
	}
}
#endif

/* The record at b[pos..): 1 when its bytes are canonical CSV (see
 * csvscan.h), with its field ends in w->sep, its length without the line
 * end in *lenp, its end in *endp and its line ends in *nlp; else 0.  A
 * block at a time (csvscan_blocks.h): in a stretch without quotes or CR
 * (but the CR of a CR LF line end) only the commas are looked at, eight
 * at a time without a branch. */
static int scan_record(struct worker *w, const char *b, size_t pos, size_t cut,
		       size_t *lenp, size_t *endp, uint32_t *nlp)
{
	struct qstate q = {0, pos, 0, 0, 0, 0, 1};
	size_t first_hi = (size_t)-1, last_hi = 0;
#ifdef __SSE2__
	if (!w->s->blocks(w, b, pos, cut, &q, &first_hi, &last_hi, endp))
		return 0;
#else
	for (size_t at = pos;; at++) {
		char c;
		int k;

		if (at >= cut)
			return 0;
		c = b[at];
		if (c & 0x80) {
			if (first_hi == (size_t)-1)
				first_hi = at;
			last_hi = at;
		}
		if (c != ',' && c != '"' && c != '\n' && c != '\r')
			continue;
		k = special_byte(w, b, at, &q, endp);
		if (k < 0)
			return 0;
		if (k > 0)
			break;
	}
#endif
	/* past the cut: the cut, placed by counting quotes, is wrong here
	 * (a quote inside an unquoted field earlier), and so may this be */
	if (q.nf != w->s->ncols || *endp > cut)
		return 0;
	/* the bytes outside [first_hi, last_hi] are ASCII: valid, and not
	 * the rest of a sequence begun inside */
	if (first_hi != (size_t)-1 &&
	    !text_utf8_valid(b + first_hi, last_hi + 1 - first_hi))
		return 0;
	*lenp = *endp - pos - 1 - (b[*endp - 2] == '\r');
	*nlp = q.nl;
	return 1;
}

static struct scan_rec *new_rec(struct chunk *c)
{
	if (c->n == c->rcap) {
		c->rcap = c->rcap ? c->rcap * 2 : 4096;
		c->rec = xrealloc(c->rec, c->rcap * sizeof *c->rec);
	}
	return &c->rec[c->n++];
}

static struct record *new_slow(struct chunk *c)
{
	if (c->nslow == c->slowcap) {
		size_t old = c->slowcap;

		c->slowcap = old ? old * 2 : 64;
		c->slow = xrealloc(c->slow, c->slowcap * sizeof *c->slow);
		for (size_t i = old; i < c->slowcap; i++)
			c->slow[i] = (struct record)RECORD_INIT;
	}
	return &c->slow[c->nslow++];
}

const char *csvscan_field_quoted(const struct scan_fields *f, int i, size_t s,
				 size_t e, size_t *n)
{
	const char *b = f->b;
	struct buf *u;

	/* canonical: "..." with "" for a quote inside */
	s++;
	e--;
	if (memchr(b + s, '"', e - s)) {
		u = &f->unesc[i];
		buf_reset(u);
		for (size_t k = s; k < e; k++) {
			buf_addc(u, b[k]);
			k += b[k] == '"';
		}
		*n = u->len;
		return u->p;
	}
	*n = e - s;
	return b + s;
}

static void scan_chunk(struct worker *w, struct chunk *c)
{
	const struct scan_ops *ops = w->s->ops;
	const char *b = c->buf;
	size_t pos = 0, cut = c->cut;
	uint32_t line = 0;

	while (pos < cut) {
		struct scan_rec *r;
		size_t len, end;
		uint32_t nl;

		if (b[pos] == '\n' || (b[pos] == '\r' && b[pos + 1] == '\n')) {
			pos += b[pos] == '\n' ? 1 : 2; /* a blank line */
			line++;
			continue;
		}
		r = new_rec(c);
		r->off = (uint32_t)pos;
		r->line0 = line;
		r->flags = 0;
		if (scan_record(w, b, pos, cut, &len, &end, &nl)) {
			r->len = (uint32_t)len;
			r->slow = -1;
			ops->key(
				w->t,
				&(struct scan_fields){b, w->sep, pos, w->unesc},
				NULL, r);
		} else {
			struct record *rec = new_slow(c);
			long lines, k;

			k = reader_parse(w->mem, b + pos, cut - pos, rec,
					 &lines);
			if (k <= 0) {
				c->nslow--;
				c->n--;
				c->hard = 1;
				return;
			}
			end = pos + (size_t)k;
			nl = (uint32_t)lines;
			r->len = 0;
			r->slow = (int32_t)(c->nslow - 1);
			ops->key(w->t, NULL, rec, r);
		}
		r->end = (uint32_t)end;
		line += nl;
		r->lines_end = line;
		pos = end;
	}
	c->lines = line;
}

/* ---- turns -------------------------------------------------------------- */

/* 1 when every record of c was taken, else 0 (halted or failed: the
 * chunks from c on are kept for hand_back) */
static int commit_chunk(struct scan *s, struct chunk *c, uint64_t idx)
{
	struct scan_chunk sc = {c->buf, c->rec, c->n, c->slow};
	long k;

	s->st->raw_bytes = c->bytes_in;
	k = s->ops->commit(s->ops->arg, &sc, &s->err);
	if (k < 0) {
		s->failed = 1;
		return 0;
	}
	stream_raw_in(s->st, (uint64_t)k);
	if (k > 0)
		s->last_line = (long)s->lines_base + c->rec[k - 1].line0 + 1;
	if ((size_t)k < c->n || c->hard) {
		s->halted = 1;
		s->halt_chunk = idx;
		s->halt_off = k ? c->rec[k - 1].end : 0;
		s->halt_lines = k ? c->rec[k - 1].lines_end : 0;
		return 0;
	}
	s->lines_base += c->lines;
	return 1;
}

/* Take tasks until the scan is over: commit the next chunk when it is
 * scanned; else read the next chunk, when a slot is free, and scan it
 * (while its bytes are in this thread's cache); else wait. */
static void *run(void *arg)
{
	struct worker *w = arg;
	struct scan *s = w->s;

	pthread_mutex_lock(&s->mu);
	for (;;) {
		struct chunk *c;
		uint64_t i;

		if (!s->committing && s->committed < s->next_read &&
		    s->c[s->committed % s->nslot].scanned) {
			i = s->committed;
			c = &s->c[i % s->nslot];
			s->committing = 1;
			if (!(s->halted || s->failed)) {
				/* a mapped chunk goes once committed, unless it
				 * may be the last, whose tail hand_back reads */
				int later = s->next_read > i + 1;

				pthread_mutex_unlock(&s->mu);
				if (commit_chunk(s, c, i) && later)
					unmap_chunk(c);
				pthread_mutex_lock(&s->mu);
			}
			if (s->halted || s->failed)
				s->read_over =
					1; /* keep the chunks to hand back */
			c->scanned = 0;
			s->committed = i + 1;
			s->committing = 0;
			pthread_cond_broadcast(&s->cv);
			continue;
		}
		if (!s->reading && !s->read_over &&
		    s->next_read - s->committed < s->nslot) {
			i = s->next_read;
			c = &s->c[i % s->nslot];
			s->reading = 1;
			pthread_mutex_unlock(&s->mu);
			read_chunk(s, c, i ? &s->c[(i - 1) % s->nslot] : NULL);
			pthread_mutex_lock(&s->mu);
			s->next_read = i + 1;
			s->reading = 0;
			/* no more after the end, an error, or a full chunk
			 * without a whole record (one longer than a chunk:
			 * the reader takes it) */
			if (c->eof || c->rerr || c->cut == 0)
				s->read_over = 1;
			pthread_cond_broadcast(&s->cv);
		} else if (s->read_over && !s->reading &&
			   s->committed == s->next_read) {
			break;
		} else {
			pthread_cond_wait(&s->cv, &s->mu);
			continue;
		}
		pthread_mutex_unlock(&s->mu);
		scan_chunk(w, c);
		pthread_mutex_lock(&s->mu);
		if (c->hard)
			s->read_over = 1;
		c->scanned = 1;
		pthread_cond_broadcast(&s->cv);
	}
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

/* A thread's own state goes with it, so what it keeps per thread can be
 * freed in it. */
static void *run_thread(void *arg)
{
	struct worker *w = arg;

	run(w);
	if (w->t && w->s->ops->thread_free)
		w->s->ops->thread_free(w->t);
	w->t = NULL;
	return NULL;
}

/* Give the reader back every byte not taken, with the line count. */
static void hand_back(struct scan *s, long line0)
{
	struct reader *r = s->st->r;
	uint64_t h, last = s->next_read - 1;
	size_t off;
	uint64_t lines;

	if (s->halted) {
		h = s->halt_chunk;
		off = s->halt_off;
		lines = s->lines_base + s->halt_lines;
	} else {
		h = last;
		off = s->c[h % s->nslot].cut;
		lines = s->lines_base;
	}
	s->in->end = 0;
	for (uint64_t j = h; j <= last; j++) {
		struct chunk *c = &s->c[j % s->nslot];
		size_t from = j == h ? off : 0;
		size_t to = j == last ? c->len : c->cut;

		if (to > from)
			in_unread(s->in, c->buf + from, to - from);
		if (j == last && c->rerr)
			in_fail(s->in, &c->err);
	}
	if (s->fd >= 0) {
		/* the reader reads on after the bytes mapped */
		const struct chunk *c = &s->c[last % s->nslot];
		struct cov_err err;

		if (in_seek(s->in, c->off + c->len, &err) < 0)
			in_fail(s->in, &err);
	}
	r->pos = r->rec_start = 0;
	r->in_record = 0;
	r->line = line0 + (long)lines;
	if (s->last_line)
		r->rec_line = line0 + s->last_line;
}

static void worker_init(struct worker *w, struct scan *s)
{
	w->s = s;
	w->t = s->ops->thread_new ? s->ops->thread_new(s->ops->arg) : NULL;
	w->mem = reader_mem(s->in->name, s->ncols);
	w->sep = xcalloc(s->ncols + 16, sizeof *w->sep);
	for (size_t j = 0; j < s->ops->nfields; j++)
		if ((size_t)s->ops->fields[j] + 1 > w->need)
			w->need = (size_t)s->ops->fields[j] + 1;
	w->unesc = xcalloc(s->ncols ? s->ncols : 1, sizeof *w->unesc);
}

static void worker_free(struct worker *w)
{
	if (w->t && w->s->ops->thread_free)
		w->s->ops->thread_free(w->t);
	reader_close(w->mem);
	free(w->sep);
	for (size_t j = 0; j < w->s->ncols; j++)
		buf_release(&w->unesc[j]);
	free(w->unesc);
}

/* A mapped file that shrinks under the scan: SIGBUS on its lost pages.
 * Say so, as a read error, instead of dying silently. */
static char bus_msg[512];
static size_t bus_len;
static struct sigaction bus_old; /* put back when the scan ends */

static void on_sigbus(int sig)
{
	(void)sig;
	(void)!write(2, bus_msg, bus_len);
	_exit(COV_EXIT_IO);
}

static void catch_sigbus(const char *name)
{
	struct sigaction sa;

	snprintf(bus_msg, sizeof bus_msg,
		 "%s: %s: read error: the file shrank while it was read\n",
		 cov_progname, name);
	bus_len = strlen(bus_msg);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sigbus;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, &bus_old);
}

/* Map the input when it is a regular file and COV_MMAP is "1": the
 * chunks are then the file's pages, not copies.  The first begins at the
 * reader's place, whose window is dropped. */
static void map_input(struct scan *s)
{
	struct reader *r = s->st->r;
	struct stat sb;
	uint64_t end;
	int fd;

	s->fd = -1;
	if (!cli_env_on("COV_MMAP") || (fd = in_plain_file(s->in, &end)) < 0 ||
	    fstat(fd, &sb) != 0 || end < s->in->end - r->pos)
		return;
	s->fd = fd;
	s->fsize = (uint64_t)sb.st_size;
	s->end0 = end;
	s->bytes0 = s->in->bytes_in;
	s->off0 = end - (s->in->end - r->pos);
	s->page = (size_t)sysconf(_SC_PAGESIZE);
	catch_sigbus(s->in->name);
	s->in->end = 0;
	r->pos = 0;
}

int csvscan_run(struct stream *st, const struct scan_ops *ops,
		struct cov_err *e)
{
	struct scan s;
	struct worker w[MAX_THREADS];
	size_t nt = nthreads();
	long line0 = st->r->line;
	int rc = 0;
	sigset_t mask;

	memset(&s, 0, sizeof s);
	memset(w, 0, sizeof w);
	s.st = st;
	s.ops = ops;
	s.in = st->r->in;
	s.ncols = st->r->ncols;
	s.count_quotes = count_quotes;
#ifdef __SSE2__
	simd_pick(&s);
#endif
	map_input(&s);
	s.nslot = 2 * nt + 2;
	s.c = xcalloc(s.nslot, sizeof *s.c);
	for (size_t i = 0; i < s.nslot; i++) {
		s.c[i].cap = csvscan_chunk ? csvscan_chunk
			     : s.fd >= 0   ? CSVSCAN_MAP_CHUNK
					   : CSVSCAN_CHUNK;
		s.c[i].mem = xmalloc(s.c[i].cap + PAD);
	}
	pthread_mutex_init(&s.mu, NULL);
	pthread_cond_init(&s.cv, NULL);
	for (size_t i = 0; i < nt; i++)
		worker_init(&w[i], &s);
	st->raw_on = 1;
	out_block_signals(&mask); /* the threads'; see out_catch_signals */
	for (size_t i = 1; i < nt; i++)
		w[i].started =
			pthread_create(&w[i].tid, NULL, run_thread, &w[i]) == 0;
	pthread_sigmask(SIG_SETMASK, &mask, NULL);
	run(&w[0]);
	for (size_t i = 1; i < nt; i++)
		if (w[i].started)
			pthread_join(w[i].tid, NULL);
	st->raw_on = 0;
	if (s.failed) {
		*e = s.err;
		rc = -1;
	} else {
		hand_back(&s, line0);
	}
	for (size_t i = 0; i < nt; i++)
		worker_free(&w[i]);
	if (s.fd >= 0)
		sigaction(SIGBUS, &bus_old, NULL); /* hand_back read the last */
	for (size_t i = 0; i < s.nslot; i++) {
		unmap_chunk(&s.c[i]);
		free(s.c[i].mem);
		free(s.c[i].rec);
		for (size_t j = 0; j < s.c[i].slowcap; j++)
			rec_release(&s.c[i].slow[j]);
		free(s.c[i].slow);
	}
	free(s.c);
	pthread_mutex_destroy(&s.mu);
	pthread_cond_destroy(&s.cv);
	return rc;
}
