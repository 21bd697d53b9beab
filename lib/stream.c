/*
 * stream: see stream.h.
 *
 * The output order (input fields first, added fields last) is recomputed
 * only when the schema has grown since the last write, so the common case
 * costs one comparison per record.  Progress is checked every 65536 records
 * and printed at most once a second, only when asked and stderr is a
 * terminal.
 *
 * The CSV writer copies a run of clean text fields that lie one comma
 * apart in the record's data, as the reader leaves the fields of a line,
 * in one go, commas included (write_csv_record): a record passed through
 * unchanged costs one copy, not one per field.
 *
 * Prefetch (STREAM_PREFETCH): one thread per CSV/TSV input runs
 * reader_next into a ring of PF_NBATCH batches of PF_BATCH slots.  A batch
 * is either the producer's (being filled) or, once marked full, the
 * consumer's (stream_next); the mutex and two condition variables guard
 * only that hand-over, once per batch.  A slot holds a record, a malformed
 * record's error and raw bytes, a fatal error, or the end of the input,
 * which is always the last slot the thread fills.  stream_next swaps the
 * slot's record with the caller's, so no record is copied and the
 * caller's old buffers are refilled in turn.  The thread only reads the
 * schema (CSV/TSV headers are read before it starts); counting, rejects,
 * opening the next input and everything else stay in the calling thread,
 * so the results are those of the unthreaded path.  On stream_abort the
 * thread is told to stop but not waited for (it may be blocked reading a
 * pipe): it and its memory are left to the process's exit.
 */
#include "stream.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <utf8proc.h>

#include "cli.h"
#include "csvio.h"
#include "ndjson.h"

/* ---- writer ------------------------------------------------------------ */

struct writer *writer_open(const char *path, enum rec_format fmt,
			   int excel_safe, struct cov_err *e)
{
	struct out_file *o = out_open(path, e);
	struct writer *w;

	if (!o)
		return NULL;
	w = xcalloc(1, sizeof *w);
	w->o = o;
	w->fmt = fmt == FMT_AUTO ? FMT_CSV : fmt;
	w->excel_safe = excel_safe;
	return w;
}

static void write_field(struct writer *w, const char *s, size_t n)
{
	if (w->fmt == FMT_TSV)
		tsv_write_field(w->o, s, n, w->excel_safe);
	else
		csv_write_field(w->o, s, n, w->excel_safe);
}

/* Write s as a quoted CSV field.  For a first name that begins with a BOM:
 * unquoted, a reader would take it for the file's BOM and drop it. */
static void write_quoted(struct out_file *o, const char *s, size_t n)
{
	out_putc(o, '"');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			out_putc(o, '"');
		out_putc(o, s[i]);
	}
	out_putc(o, '"');
}

static void write_header(struct writer *w, const struct schema *s,
			 const int *order, size_t norder)
{
	char sep = w->fmt == FMT_TSV ? '\t' : ',';

	for (size_t i = 0; i < norder; i++) {
		if (i)
			out_putc(w->o, sep);
		/* names are never formula-escaped: they are not data */
		if (w->fmt == FMT_TSV)
			tsv_write_field(w->o, s->names[order[i]],
					s->lens[order[i]], 0);
		else if (i == 0 && s->lens[order[0]] >= 3 &&
			 memcmp(s->names[order[0]], "\xEF\xBB\xBF", 3) == 0)
			write_quoted(w->o, s->names[order[0]],
				     s->lens[order[0]]);
		else
			csv_write_field(w->o, s->names[order[i]],
					s->lens[order[i]], 0);
	}
	if (norder == 1 && s->lens[order[0]] == 0 && w->fmt == FMT_CSV)
		out_write(w->o, "\"\"", 2);
	out_putc(w->o, '\n');
	w->started = 1;
	w->header_n = s->n;
}

/* The escaped keys of s's fields: those of fields added since the last
 * call (NDJSON keys appear line by line: a file of n new keys must not
 * cost n^2), or all of them when a field was renamed since. */
static void ndjson_keys(struct writer *w, const struct schema *s)
{
	size_t from = w->keys_n;

	if (s->changes != w->keys_changes) {
		from = 0;
		buf_reset(&w->keys);
		w->keys_changes = s->changes;
	}
	if (s->n + 1 > w->keys_cap) {
		w->keys_cap = (s->n + 1) * 2;
		w->key_off =
			xrealloc(w->key_off, w->keys_cap * sizeof *w->key_off);
	}
	for (size_t i = from; i < s->n; i++) {
		w->key_off[i] = w->keys.len;
		json_buf_string(&w->keys, s->names[i], s->lens[i]);
		buf_addc(&w->keys, ':');
	}
	w->key_off[s->n] = w->keys.len;
	w->keys_n = s->n;
}

/* The last loop of writer_write for CSV without --excel-safe, with one
 * shortcut: clean text fields (written as they are) that follow one
 * another in rec's data with a comma between them, as the reader leaves
 * the fields of a line, go out in one copy, commas included.  The bytes
 * written are those of one field at a time. */
static void write_csv_record(struct writer *w, const int *order, size_t norder,
			     const struct record *rec)
{
	const struct field *fv = rec->f;
	const char *data = rec->data.p ? rec->data.p : "";
	size_t nf = rec->nf, written = 0;
	int header_n = (int)w->header_n;
	struct out_file *o = w->o;

	for (size_t i = 0; i < norder; i++) {
		size_t f = (size_t)order[i], start, end;
		const struct field *fd;

		if (order[i] >= header_n)
			continue;
		if (written++)
			out_putc(o, ',');
		if (f >= nf || fv[f].kind == VAL_ABSENT)
			continue;
		fd = &fv[f];
		start = fd->off;
		end = fd->off + fd->len;
		if (fd->kind == VAL_STR && fd->clean) {
			/* the run of fields next in order and in data; a text
			 * field g at end + 1 is read before data[end], so that
			 * byte exists */
			while (i + 1 < norder) {
				size_t g = (size_t)order[i + 1];
				if (g >= nf || fv[g].off != end + 1 ||
				    fv[g].kind != VAL_STR || data[end] != ',' ||
				    !fv[g].clean || order[i + 1] >= header_n)
					break;
				end = fv[g].off + fv[g].len;
				written++;
				i++;
			}
			out_write(o, data + start, end - start);
			continue;
		}
		if (fd->kind == VAL_RAW && fd->len == 4 &&
		    memcmp(data + start, "null", 4) == 0)
			continue; /* JSON null is an empty cell */
		if (fd->clean)
			out_write(o, data + start, fd->len);
		else
			csv_write_field(o, data + start, fd->len, 0);
	}
	/* as below: one empty cell (absent, null or "") must not make a
	 * blank line */
	if (written == 1) {
		size_t i = 0, f;
		while (order[i] >= header_n)
			i++;
		f = (size_t)order[i];
		if (f >= nf || fv[f].kind == VAL_ABSENT || fv[f].len == 0 ||
		    (fv[f].kind == VAL_RAW && fv[f].len == 4 &&
		     memcmp(data + fv[f].off, "null", 4) == 0))
			out_write(o, "\"\"", 2);
	}
	out_putc(o, '\n');
}

/* Field f of rec, set, as an NDJSON member ("name":value), after a comma
 * unless it is the first. */
static void ndjson_member(struct writer *w, const struct record *rec, size_t f,
			  int *first)
{
	if (!*first)
		out_putc(w->o, ',');
	*first = 0;
	out_write(w->o, w->keys.p + w->key_off[f],
		  w->key_off[f + 1] - w->key_off[f]);
	if (rec_kind(rec, f) == VAL_RAW)
		out_write(w->o, rec_val(rec, f), rec_len(rec, f));
	else
		json_write_string(w->o, rec_val(rec, f), rec_len(rec, f));
}

#define OPOS_NONE ((size_t)-1)

/* w->opos made anew from order: opos[f] is f's place in order, or
 * OPOS_NONE; it covers at least the fields below n. */
static void opos_make(struct writer *w, const int *order, size_t norder,
		      size_t n)
{
	for (size_t i = 0; i < norder; i++)
		if ((size_t)order[i] + 1 > n)
			n = (size_t)order[i] + 1;
	if (n > w->opos_n)
		w->opos = xrealloc(w->opos, n * sizeof *w->opos);
	w->opos_n = n;
	for (size_t f = 0; f < n; f++)
		w->opos[f] = OPOS_NONE;
	for (size_t i = 0; i < norder; i++)
		w->opos[order[i]] = i;
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return (x > y) - (x < y);
}

/* The members of a sparse record (see record.h), in order's order: the
 * places of its fields set, from opos, sorted.  opos is checked against
 * order for every field written and made again when it is out of date
 * (once a record at most), so a caller may change order as it likes. */
static void ndjson_sparse(struct writer *w, const int *order, size_t norder,
			  const struct record *rec)
{
	size_t k = 0;
	int first = 1, made = 0;

	if (w->pick_cap < rec->non) {
		w->pick_cap = rec->non * 2;
		w->pick = xrealloc(w->pick, w->pick_cap * sizeof *w->pick);
	}
	for (size_t j = 0; j < rec->non; j++) {
		size_t f = rec->on[j];
		size_t p = f < w->opos_n ? w->opos[f] : OPOS_NONE;

		if (rec_kind(rec, f) == VAL_ABSENT)
			continue;
		if ((p >= norder || (size_t)order[p] != f) && !made) {
			opos_make(w, order, norder, rec->nf);
			made = 1;
			p = w->opos[f];
		}
		if (p < norder && (size_t)order[p] == f)
			w->pick[k++] = p;
	}
	qsort(w->pick, k, sizeof *w->pick, cmp_size);
	for (size_t j = 0; j < k; j++)
		ndjson_member(w, rec, (size_t)order[w->pick[j]], &first);
}

int writer_write(struct writer *w, const struct schema *s, const int *order,
		 size_t norder, const struct record *rec, struct cov_err *e)
{
	if (w->fmt == FMT_NDJSON) {
		int first = 1;
		if (w->keys_n != s->n)
			ndjson_keys(w, s);
		out_putc(w->o, '{');
		if (rec->sparse)
			ndjson_sparse(w, order, norder, rec);
		else
			for (size_t i = 0; i < norder; i++)
				if (rec_kind(rec, (size_t)order[i]) !=
				    VAL_ABSENT)
					ndjson_member(w, rec, (size_t)order[i],
						      &first);
		out_write(w->o, "}\n", 2);
		return 0;
	}
	if (!w->started)
		write_header(w, s, order, norder);
	if (norder != w->header_n) {
		/* fields that appeared after the header: fine only if empty */
		for (size_t i = 0; i < norder; i++) {
			int f = order[i];
			if (f >= (int)w->header_n &&
			    rec_kind(rec, (size_t)f) != VAL_ABSENT) {
				err_set(e, COV_EXIT_DATA, rec->file, rec->line,
					"new_field",
					"field '%.*s' is not in the %s header written from the first record; use --to ndjson",
					(int)(s->lens[f] > 60 ? 60
							      : s->lens[f]),
					s->names[f], format_name(w->fmt));
				return -1;
			}
		}
	}
	if (w->fmt == FMT_CSV && !w->excel_safe) {
		write_csv_record(w, order, norder, rec);
		return 0;
	}
	{
		char sep = w->fmt == FMT_TSV ? '\t' : ',';
		size_t written = 0, filled = 0;
		for (size_t i = 0; i < norder; i++) {
			int f = order[i];
			if (f >= (int)w->header_n)
				continue;
			if (written++)
				out_putc(w->o, sep);
			if (rec_kind(rec, (size_t)f) == VAL_ABSENT)
				continue;
			if (rec_kind(rec, (size_t)f) == VAL_RAW &&
			    rec_len(rec, (size_t)f) == 4 &&
			    memcmp(rec_val(rec, (size_t)f), "null", 4) == 0)
				continue; /* JSON null is an empty cell */
			filled += rec_len(rec, (size_t)f) > 0;
			if (rec->f[f].clean && w->fmt == FMT_CSV &&
			    !w->excel_safe)
				out_write(w->o, rec_val(rec, (size_t)f),
					  rec_len(rec, (size_t)f));
			else
				write_field(w, rec_val(rec, (size_t)f),
					    rec_len(rec, (size_t)f));
		}
		/* one empty cell (absent, null or "") must not make a blank
		 * line, which readers skip */
		if (written == 1 && filled == 0 && w->fmt == FMT_CSV)
			out_write(w->o, "\"\"", 2);
		out_putc(w->o, '\n');
	}
	return 0;
}

static void writer_free(struct writer *w)
{
	buf_release(&w->keys);
	free(w->key_off);
	free(w->opos);
	free(w->pick);
	free(w);
}

int writer_close(struct writer *w, const struct schema *s, const int *order,
		 size_t norder, struct cov_err *e)
{
	int r;

	if (!w->started && w->fmt != FMT_NDJSON && norder > 0)
		write_header(w, s, order, norder);
	r = out_close(w->o, e);
	writer_free(w);
	return r;
}

void writer_abort(struct writer *w)
{
	if (!w)
		return;
	out_abort(w->o);
	writer_free(w);
}

/* ---- stream ------------------------------------------------------------ */

/* ---- prefetch ----------------------------------------------------------- */

enum { PF_BATCH = 256, PF_NBATCH = 4 };
/* Memory: a batch ends early once its records hold PF_BATCH_BYTES, and a
 * slot whose buffers grew past PF_SLOT_KEEP (a huge record, or one the
 * tool enlarged) gives them back before it is refilled, so the ring holds
 * about PF_NBATCH * PF_BATCH_BYTES plus the records in flight, not its
 * slots times the largest record ever read. */
enum { PF_BATCH_BYTES = 256 << 10, PF_SLOT_KEEP = 16 << 10 };
enum { PF_REC, PF_BAD, PF_ERR, PF_END };

struct pf_slot {
	int kind;
	struct record rec;
	struct cov_err err; /* PF_BAD, PF_ERR */
	struct buf raw;     /* PF_BAD: the malformed record's bytes */
	long raw_line;
};

struct pf_batch {
	struct pf_slot s[PF_BATCH];
	size_t n;
	int full;          /* 1: the consumer's */
	uint64_t bytes_in; /* the input's bytes read when it was filled */
};

struct prefetch {
	pthread_t tid;
	pthread_mutex_t mu;
	pthread_cond_t to_consumer, to_producer;
	int stop;
	struct reader *r;
	struct pf_batch b[PF_NBATCH];
	size_t pi, ci, next; /* producer's batch, consumer's, next slot */
	int consuming;       /* the consumer holds b[ci] */
	int running;
};

/* Orphaned by stream_abort while their thread may still run: kept
 * reachable here so leak checkers see them as in use. */
static struct prefetch *pf_orphans[8];

/* Read the next record (or malformed one, error, end) into sl; returns
 * the bytes it holds. */
static size_t pf_fill(struct prefetch *pf, struct pf_slot *sl)
{
	const char *raw;
	size_t n;
	int k;

	if (sl->rec.data.cap > PF_SLOT_KEEP ||
	    sl->rec.cap * sizeof *sl->rec.f > PF_SLOT_KEEP)
		rec_release(&sl->rec);
	if (sl->raw.cap > PF_SLOT_KEEP)
		buf_release(&sl->raw);
	k = reader_next(pf->r, &sl->rec, &sl->err);

	if (k > 0)
		sl->kind = PF_REC;
	else if (k == 0)
		sl->kind = PF_END;
	else if (pf->r->rejected) {
		sl->kind = PF_BAD;
		reader_raw(pf->r, &raw, &n, &sl->raw_line);
		sl->raw.len = 0;
		buf_add(&sl->raw, raw, n);
		return n;
	} else
		sl->kind = PF_ERR;
	return sl->rec.data.len + sl->rec.nf * sizeof *sl->rec.f;
}

static void *pf_main(void *arg)
{
	struct prefetch *pf = arg;
	int done = 0;

	while (!done) {
		struct pf_batch *b = &pf->b[pf->pi];
		size_t bytes = 0;
		int stop;

		pthread_mutex_lock(&pf->mu);
		while (b->full && !pf->stop)
			pthread_cond_wait(&pf->to_producer, &pf->mu);
		stop = pf->stop;
		pthread_mutex_unlock(&pf->mu);
		if (stop)
			break;
		for (b->n = 0;
		     b->n < PF_BATCH && !done && bytes < PF_BATCH_BYTES;
		     b->n++) {
			struct pf_slot *sl = &b->s[b->n];
			bytes += pf_fill(pf, sl);
			done = sl->kind == PF_END || sl->kind == PF_ERR;
		}
		b->bytes_in = pf->r->in->bytes_in;
		pthread_mutex_lock(&pf->mu);
		b->full = 1;
		pthread_cond_signal(&pf->to_consumer);
		pthread_mutex_unlock(&pf->mu);
		pf->pi = (pf->pi + 1) % PF_NBATCH;
	}
	return NULL;
}

/* Start reading st->r in a thread, when asked, the input is CSV/TSV, there
 * is more than one processor and COV_PREFETCH is not "0". */
static void pf_start(struct stream *st)
{
	struct prefetch *pf = st->pf;
	sigset_t mask;

	if (!(st->flags & STREAM_PREFETCH) || st->r->fmt == FMT_NDJSON ||
	    cli_env_off("COV_PREFETCH") || sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return;
	if (!pf) {
		pf = xcalloc(1, sizeof *pf);
		pthread_mutex_init(&pf->mu, NULL);
		pthread_cond_init(&pf->to_consumer, NULL);
		pthread_cond_init(&pf->to_producer, NULL);
		st->pf = pf;
	}
	for (size_t i = 0; i < PF_NBATCH; i++)
		pf->b[i].full = 0, pf->b[i].n = 0;
	pf->pi = pf->ci = pf->next = 0;
	pf->consuming = 0;
	pf->stop = 0;
	pf->r = st->r;
	out_block_signals(&mask); /* the thread's; see out_catch_signals */
	pf->running = pthread_create(&pf->tid, NULL, pf_main, pf) == 0;
	pthread_sigmask(SIG_SETMASK, &mask, NULL);
	/* no thread: read in this one */
}

/* Stop the thread and wait for it. */
static void pf_join(struct prefetch *pf)
{
	if (!pf || !pf->running)
		return;
	pthread_mutex_lock(&pf->mu);
	pf->stop = 1;
	pthread_cond_broadcast(&pf->to_producer);
	pthread_mutex_unlock(&pf->mu);
	pthread_join(pf->tid, NULL);
	pf->running = 0;
}

static void pf_free(struct prefetch *pf)
{
	if (!pf)
		return;
	for (size_t i = 0; i < PF_NBATCH; i++)
		for (size_t j = 0; j < PF_BATCH; j++) {
			rec_release(&pf->b[i].s[j].rec);
			buf_release(&pf->b[i].s[j].raw);
		}
	pthread_mutex_destroy(&pf->mu);
	pthread_cond_destroy(&pf->to_consumer);
	pthread_cond_destroy(&pf->to_producer);
	free(pf);
}

/* The next slot from the thread (waiting for a full batch). */
static struct pf_slot *pf_next(struct stream *st)
{
	struct prefetch *pf = st->pf;
	struct pf_batch *b = &pf->b[pf->ci];

	if (pf->consuming && pf->next == b->n) {
		pthread_mutex_lock(&pf->mu);
		b->full = 0;
		pthread_cond_signal(&pf->to_producer);
		pthread_mutex_unlock(&pf->mu);
		pf->ci = (pf->ci + 1) % PF_NBATCH;
		pf->consuming = 0;
		b = &pf->b[pf->ci];
	}
	if (!pf->consuming) {
		pthread_mutex_lock(&pf->mu);
		while (!b->full)
			pthread_cond_wait(&pf->to_consumer, &pf->mu);
		pthread_mutex_unlock(&pf->mu);
		pf->consuming = 1;
		pf->next = 0;
		st->pf_bytes = b->bytes_in;
	}
	return &b->s[pf->next++];
}

static const char *name_of(const char *f) { return f ? f : "-"; }

/* 1 when the input being read is empty: a CSV or TSV without a header
 * (nothing but white space), read to its end. */
static int input_empty(const struct stream *st, const struct schema *s)
{
	return st->r->fmt != FMT_NDJSON && s->n == 0 && st->r->in->eof &&
	       st->r->pos >= st->r->in->end;
}

/* Open input number i; for CSV/TSV after the first, check its header. */
static int open_input(struct stream *st, int i, struct cov_err *e)
{
	const char *path = st->nfiles ? st->files[i] : "-";
	int first = (i == st->base);
	struct schema *target = &st->schema;

	schema_release(&st->tmp);
	if (!first)
		target = &st->tmp;
	st->r = reader_open(path, st->opt->from, target, e);
	if (!st->r)
		return -1;
	if (first) {
		st->in_fmt = st->r->fmt;
		return 0;
	}
	if (input_empty(st, &st->tmp)) {
		/* an empty file: no header, no records */
		st->r->schema = &st->schema;
		return 0;
	}
	if (st->r->fmt == FMT_NDJSON) {
		/* NDJSON keys go straight into the shared schema */
		st->r->schema = &st->schema;
		return 0;
	}
	{
		/* the input fields of the first file, without the tool's */
		size_t n0 = 0;
		for (size_t k = 0; k < st->schema.n; k++)
			if (!stream_is_added(st, k))
				n0++;
		int same = (n0 == st->tmp.n);
		for (size_t k = 0, j = 0; same && k < st->schema.n; k++) {
			if (stream_is_added(st, k))
				continue;
			/* by schema_find, so a field the tool renamed (an
			 * export header cov-normalize made canonical) is still
			 * found by the name the next file gives it */
			if (schema_find(&st->schema, st->tmp.names[j],
					st->tmp.lens[j]) != (int)k)
				same = 0;
			j++;
		}
		if (!same) {
			err_set(e, COV_EXIT_DATA, path, 1, "header_mismatch",
				"fields differ from those of %s (every input must have the same header)",
				name_of(st->nfiles ? st->files[st->base]
						   : NULL));
			return -1;
		}
		st->r->schema = &st->schema;
	}
	return 0;
}

int stream_open(struct stream *st, struct cli_common *opt, int nfiles,
		char **files, struct cov_err *e)
{
	return stream_open_flags(st, opt, nfiles, files, 0, e);
}

int stream_open_flags(struct stream *st, struct cli_common *opt, int nfiles,
		      char **files, unsigned flags, struct cov_err *e)
{
	memset(st, 0, sizeof *st);
	/* COV_SPARSE=0: every record goes through all its fields (tests
	 * compare the two ways) */
	rec_sparse_off = cli_env_off("COV_SPARSE");
	st->opt = opt;
	st->flags = flags;
	st->files = files;
	st->nfiles = nfiles;
	clock_gettime(CLOCK_MONOTONIC, &st->t0);
	st->last_progress = st->t0;
	if (open_input(st, 0, e) < 0)
		goto fail;
	/* an empty input has no header to give: the next one that does */
	while (input_empty(st, &st->schema) && st->cur + 1 < st->nfiles) {
		st->base = st->cur + 1;
		if (stream_next_input(st, e) < 0)
			goto fail;
	}
	st->pf_pending = 1;
	st->out = writer_open(opt->output, opt->to ? opt->to : st->in_fmt,
			      opt->excel_safe, e);
	if (!st->out)
		goto fail;
	if (opt->rejects && (flags & STREAM_REJECT_RECORDS)) {
		/* fields are mapped on the first reject (see rej_update) */
		st->rej = writer_open(opt->rejects, st->out->fmt,
				      opt->excel_safe, e);
		if (!st->rej)
			goto fail;
	} else if (opt->rejects) {
		st->rej =
			writer_open(opt->rejects, FMT_CSV, opt->excel_safe, e);
		if (!st->rej)
			goto fail;
		schema_add(&st->rej_schema, "file", 4);
		schema_add(&st->rej_schema, "line", 4);
		schema_add(&st->rej_schema, "reason", 6);
		schema_add(&st->rej_schema, "message", 7);
		schema_add(&st->rej_schema, "record", 6);
	}
	return 0;
fail:
	stream_abort(st);
	return -1;
}

static void mark_added(struct stream *st, int idx)
{
	if ((size_t)idx >= st->added_cap) {
		size_t cap = st->added_cap ? st->added_cap * 2 : 64;
		while (cap <= (size_t)idx)
			cap *= 2;
		st->added = xrealloc(st->added, cap);
		memset(st->added + st->added_cap, 0, cap - st->added_cap);
		st->added_cap = cap;
	}
	st->added[idx] = 1;
}

int stream_add_field(struct stream *st, const char *name)
{
	int idx = schema_find_name(&st->schema, name, strlen(name));

	if (idx >= 0)
		return idx;
	idx = schema_add_name(&st->schema, name, strlen(name));
	mark_added(st, idx);
	return idx;
}

static void update_order(struct stream *st)
{
	size_t n = st->schema.n, k = 0;

	st->order = xrealloc(st->order, (n ? n : 1) * sizeof *st->order);
	for (size_t i = 0; i < n; i++)
		if (!stream_is_added(st, i))
			st->order[k++] = (int)i;
	for (size_t i = 0; i < n && i < st->added_cap; i++)
		if (st->added[i])
			st->order[k++] = (int)i;
	st->norder = k;
	st->order_for = n;
}

void stream_count_reason(struct stream *st, const char *reason, uint64_t n)
{
	size_t i;

	for (i = 0; i < st->nreasons; i++)
		if (strcmp(st->reason[i].name, reason) == 0)
			break;
	if (i == st->nreasons) {
		if (st->nreasons == STREAM_MAX_REASONS)
			i = st->nreasons - 1; /* folded into the last slot */
		else
			snprintf(st->reason[st->nreasons++].name,
				 sizeof st->reason[0].name, "%s", reason);
	}
	st->reason[i].n += n;
}

static void progress(struct stream *st, int final)
{
	struct timespec now;
	double secs, since;
	uint64_t bytes;

	if (!st->opt->progress || !isatty(2))
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	since = (double)(now.tv_sec - st->last_progress.tv_sec) +
		(double)(now.tv_nsec - st->last_progress.tv_nsec) / 1e9;
	if (!final && since < 1.0)
		return;
	st->last_progress = now;
	secs = stream_seconds(st);
	bytes = st->bytes_done;
	if (st->pf && st->pf->running)
		bytes += st->pf_bytes;
	else if (st->raw_on)
		bytes += st->raw_bytes;
	else if (st->r)
		bytes += st->r->in->bytes_in;
	fprintf(stderr, "\r%s: %llu rows, %.1f MB, %.0f rows/s", cov_progname,
		(unsigned long long)st->rows_in, (double)bytes / 1e6,
		secs > 0 ? (double)st->rows_in / secs : 0.0);
	if (final)
		fputc('\n', stderr);
	st->progress_shown = 1;
}

/* STREAM_REJECT_RECORDS: bring rej_schema and rej_order up to date with
 * the stream's schema.  rej_schema holds the stream's fields (in schema
 * order, new ones appended as they appear) and the five reject_ fields
 * after those known at the first call, so indices never move and a
 * CSV/TSV header stays valid; an input field that already has a reject_
 * name is shared, not repeated. */
static void rej_update(struct stream *st)
{
	static const char *const extra[5] = {"reject_file", "reject_line",
					     "reject_reason", "reject_message",
					     "reject_raw"};
	size_t n = st->schema.n, k = 0;
	int first = st->rej_order == NULL;

	if (st->order_for != n || !st->order)
		update_order(st);
	if (!first && st->rej_order_for == n)
		return;
	st->rej_map = xrealloc(st->rej_map, (n ? n : 1) * sizeof *st->rej_map);
	for (size_t i = st->rej_mapped; i < n; i++)
		st->rej_map[i] =
			schema_add(&st->rej_schema, st->schema.names[i],
				   st->schema.lens[i]);
	st->rej_mapped = n;
	if (first)
		for (int j = 0; j < 5; j++)
			st->rej_extra[j] = schema_add(&st->rej_schema, extra[j],
						      strlen(extra[j]));
	st->rej_order = xrealloc(st->rej_order, (st->rej_schema.n + 1) *
							sizeof *st->rej_order);
	for (size_t i = 0; i < st->norder; i++)
		st->rej_order[k++] = st->rej_map[st->order[i]];
	for (int j = 0; j < 5; j++) {
		size_t i;
		for (i = 0; i < k && st->rej_order[i] != st->rej_extra[j]; i++)
			;
		if (i == k)
			st->rej_order[k++] = st->rej_extra[j];
	}
	st->rej_norder = k;
	st->rej_order_for = n;
}

/* STREAM_REJECT_RECORDS: write rec (NULL for a malformed record) with the
 * reject_ fields to --rejects. */
static int write_reject_record(struct stream *st, const struct record *rec,
			       const char *file, long line, const char *reason,
			       const char *msg, const char *raw, size_t rawn,
			       struct cov_err *e)
{
	struct record *r = &st->rej_rec;
	char num[32];
	int k;

	rej_update(st);
	rec_clear(r, st->rej_schema.n);
	for (size_t k = 0, n = rec ? rec_visit_n(rec) : 0; k < n; k++) {
		size_t i = rec_visit(rec, k);
		int kind = rec->f[i].kind;
		if (kind == VAL_ABSENT || i >= st->rej_mapped)
			continue;
		if (rec->f[i].clean)
			rec_set_clean(r, (size_t)st->rej_map[i],
				      rec_val(rec, i), rec_len(rec, i), kind);
		else
			rec_set(r, (size_t)st->rej_map[i], rec_val(rec, i),
				rec_len(rec, i), kind);
	}
	k = snprintf(num, sizeof num, "%ld", line);
	file = name_of(file);
	rec_set(r, (size_t)st->rej_extra[0], file, strlen(file), VAL_STR);
	rec_set_clean(r, (size_t)st->rej_extra[1], num, (size_t)k, VAL_RAW);
	rec_set(r, (size_t)st->rej_extra[2], reason, strlen(reason), VAL_STR);
	if (msg)
		rec_set(r, (size_t)st->rej_extra[3], msg, strlen(msg), VAL_STR);
	if (raw)
		rec_set(r, (size_t)st->rej_extra[4], raw, rawn, VAL_STR);
	return writer_write(st->rej, &st->rej_schema, st->rej_order,
			    st->rej_norder, r, e);
}

int stream_reject(struct stream *st, const struct record *rec,
		  const char *reason, const char *message, struct cov_err *e)
{
	stream_count_reject(st, reason);
	if (!st->rej)
		return 0;
	if (!(st->flags & STREAM_REJECT_RECORDS)) {
		err_set(e, COV_EXIT_IO, NULL, 0, "internal",
			"internal error: stream_reject without STREAM_REJECT_RECORDS");
		return -1;
	}
	return write_reject_record(st, rec, rec->file, rec->line, reason,
				   message, NULL, 0, e);
}

/* Write the malformed record raw[0..n) (first line line of the current
 * input), which err describes, to --rejects. */
static int write_reject(struct stream *st, const struct cov_err *err,
			const char *raw, size_t n, long line, struct cov_err *e)
{
	char num[32];
	int k;
	int order[5] = {0, 1, 2, 3, 4};

	/* drop the record's final line end: the CSV field keeps the rest */
	if (n > 0 && raw[n - 1] == '\n')
		n--;
	if (n > 0 && raw[n - 1] == '\r')
		n--;
	if (st->flags & STREAM_REJECT_RECORDS)
		return write_reject_record(st, NULL, st->r->in->name, line,
					   err->reason, err->msg, raw, n, e);
	k = snprintf(num, sizeof num, "%ld", line);
	rec_clear(&st->rej_rec, 5);
	rec_set(&st->rej_rec, 0, st->r->in->name, strlen(st->r->in->name),
		VAL_STR);
	rec_set(&st->rej_rec, 1, num, (size_t)k, VAL_STR);
	rec_set(&st->rej_rec, 2, err->reason, strlen(err->reason), VAL_STR);
	rec_set(&st->rej_rec, 3, err->msg, strlen(err->msg), VAL_STR);
	rec_set(&st->rej_rec, 4, raw, n, VAL_STR);
	return writer_write(st->rej, &st->rej_schema, order, 5, &st->rej_rec,
			    e);
}

/* A malformed record read: count it and write it to --rejects, or end
 * the run (-1, e already filled) when there is none. */
static int stream_bad(struct stream *st, const struct cov_err *err,
		      const char *raw, size_t n, long line, struct cov_err *e)
{
	st->rows_in++;
	if (!st->rej)
		return -1;
	st->rows_rejected++;
	stream_count_reason(st, err->reason, 1);
	return write_reject(st, err, raw, n, line, e);
}

/* The next record of the current input: 1, 0 at its end, -1 with e. */
static int next_here(struct stream *st, struct record *rec, struct cov_err *e)
{
	for (;;) {
		const char *raw;
		size_t n;
		long line;
		int k;

		if (st->pf && st->pf->running) {
			struct pf_slot *sl = pf_next(st);
			struct record t;

			switch (sl->kind) {
			case PF_REC:
				t = *rec;
				*rec = sl->rec;
				sl->rec = t;
				return 1;
			case PF_BAD:
				*e = sl->err;
				if (stream_bad(st, &sl->err, sl->raw.p,
					       sl->raw.len, sl->raw_line,
					       e) < 0)
					return -1;
				continue;
			case PF_ERR:
				*e = sl->err;
				pf_join(st->pf);
				return -1;
			default: pf_join(st->pf); return 0;
			}
		}
		k = reader_next(st->r, rec, e);
		if (k >= 0)
			return k;
		if (!st->r->rejected)
			return -1;
		reader_raw(st->r, &raw, &n, &line);
		if (stream_bad(st, e, raw, n, line, e) < 0)
			return -1;
	}
}

int stream_next_in(struct stream *st, struct record *rec, struct cov_err *e)
{
	int k;

	if (st->pf_pending) {
		/* started on the first read, so a tool that fails before
		 * reading leaves no thread behind */
		st->pf_pending = 0;
		pf_start(st);
	}
	k = next_here(st, rec, e);
	if (k > 0) {
		st->rows_in++;
		if ((st->rows_in & 0xffff) == 0)
			progress(st, 0);
	}
	return k;
}

int stream_next_input(struct stream *st, struct cov_err *e)
{
	if (st->cur + 1 >= st->nfiles)
		return 0;
	st->bytes_done += st->r->in->bytes_in;
	st->pf_bytes = 0;
	reader_close(st->r);
	st->r = NULL;
	if (open_input(st, ++st->cur, e) < 0)
		return -1;
	st->pf_pending = 1;
	return 1;
}

int stream_next(struct stream *st, struct record *rec, struct cov_err *e)
{
	for (;;) {
		int k = stream_next_in(st, rec, e);

		if (k != 0)
			return k;
		/* end of this input: on to the next */
		if ((k = stream_next_input(st, e)) <= 0)
			return k;
	}
}

struct out_file *stream_raw_out(struct stream *st)
{
	struct writer *w = st->out;

	if (st->order_for != st->schema.n || !st->order)
		update_order(st);
	if (!st->r || st->r->fmt != FMT_CSV || st->r->semicolon ||
	    w->fmt != FMT_CSV || w->excel_safe || (st->pf && st->pf->running) ||
	    st->schema.n < 2 || st->norder != st->schema.n ||
	    st->r->ncols != st->schema.n)
		return NULL;
	for (size_t i = 0; i < st->norder; i++)
		if (st->order[i] != (int)i)
			return NULL;
	if (!w->started)
		write_header(w, &st->schema, st->order, st->norder);
	return w->header_n == st->schema.n ? w->o : NULL;
}

void stream_raw_in(struct stream *st, uint64_t n)
{
	uint64_t before = st->rows_in;

	st->rows_in += n;
	if ((before >> 16) != (st->rows_in >> 16))
		progress(st, 0);
}

int stream_write(struct stream *st, const struct record *rec, struct cov_err *e)
{
	if (st->order_for != st->schema.n || !st->order)
		update_order(st);
	st->rows_out++;
	return writer_write(st->out, &st->schema, st->order, st->norder, rec,
			    e);
}

void stream_count_reject(struct stream *st, const char *reason)
{
	st->rows_rejected++;
	stream_count_reason(st, reason, 1);
}

void stream_count_aside(struct stream *st) { st->rows_set_aside++; }

double stream_seconds(const struct stream *st)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - st->t0.tv_sec) +
	       (double)(now.tv_nsec - st->t0.tv_nsec) / 1e9;
}

/* A file name as a JSON string.  A name is any bytes: each that is not
 * part of valid UTF-8 becomes U+FFFD, so that the JSON stays valid. */
static void json_name(struct buf *b, const char *f)
{
	const utf8proc_uint8_t *u = (const utf8proc_uint8_t *)f;
	utf8proc_ssize_t n = (utf8proc_ssize_t)strlen(f), i = 0;
	struct buf v = BUF_INIT;

	while (i < n) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate(u + i, n - i, &c);

		if (k > 0) {
			buf_add(&v, f + i, (size_t)k);
			i += k;
		} else {
			buf_add(&v, "\xef\xbf\xbd", 3);
			i++;
		}
	}
	json_buf_string(b, v.p ? v.p : "", v.len);
	buf_release(&v);
}

static int write_stats(struct stream *st, struct cov_err *e)
{
	struct buf b = BUF_INIT;
	struct out_file *o;
	int r = 0;

	buf_addf(&b, "{\"tool\":");
	json_buf_string(&b, cov_progname, strlen(cov_progname));
	buf_addf(&b, ",\"files\":[");
	for (int i = 0; i < (st->nfiles ? st->nfiles : 1); i++) {
		const char *f = st->nfiles ? st->files[i] : "-";
		if (i)
			buf_addc(&b, ',');
		json_name(&b, f);
	}
	buf_addf(&b,
		 "],\"rows_in\":%llu,\"rows_out\":%llu,\"rows_rejected\":%llu,"
		 "\"rows_set_aside\":%llu,\"reasons\":{",
		 (unsigned long long)st->rows_in,
		 (unsigned long long)st->rows_out,
		 (unsigned long long)st->rows_rejected,
		 (unsigned long long)st->rows_set_aside);
	for (size_t i = 0; i < st->nreasons; i++) {
		if (i)
			buf_addc(&b, ',');
		json_buf_string(&b, st->reason[i].name,
				strlen(st->reason[i].name));
		buf_addf(&b, ":%llu", (unsigned long long)st->reason[i].n);
	}
	buf_addf(&b, "},\"bytes_in\":%llu,\"seconds\":%.3f}\n",
		 (unsigned long long)(st->bytes_done +
				      (st->r ? st->r->in->bytes_in : 0)),
		 stream_seconds(st));
	if (strcmp(st->opt->stats, "-") == 0) {
		if (fwrite(b.p, 1, b.len, stderr) != b.len)
			r = -1;
	} else {
		o = out_open(st->opt->stats, e);
		if (!o) {
			r = -1;
		} else {
			out_write(o, b.p, b.len);
			r = out_close(o, e);
		}
	}
	buf_release(&b);
	return r;
}

static void stream_free(struct stream *st)
{
	pf_join(st->pf);
	pf_free(st->pf);
	st->pf = NULL;
	reader_close(st->r);
	st->r = NULL;
	schema_release(&st->schema);
	schema_release(&st->tmp);
	schema_release(&st->rej_schema);
	rec_release(&st->rej_rec);
	free(st->added);
	free(st->order);
	free(st->rej_map);
	free(st->rej_order);
	st->added = NULL;
	st->order = NULL;
	st->rej_map = NULL;
	st->rej_order = NULL;
}

int stream_has_input_field(const struct stream *st)
{
	for (size_t i = 0; i < st->schema.n; i++)
		if (!stream_is_added(st, i))
			return 1;
	return 0;
}

const char *stream_unknown_field(const struct stream *st, char *const *names,
				 const unsigned char *named, const int *idx,
				 size_t n)
{
	if (st->in_fmt == FMT_NDJSON || !stream_has_input_field(st))
		return NULL;
	for (size_t k = 0; k < n; k++)
		if (named[k] && idx[k] < 0)
			return names[k];
	return NULL;
}

int stream_close(struct stream *st, struct cov_err *e)
{
	int r = 0;
	int order[5] = {0, 1, 2, 3, 4};
	int fields = stream_has_input_field(st);

	if (st->order_for != st->schema.n || !st->order)
		update_order(st);
	progress(st, 1);
	if (st->rows_in !=
	    st->rows_out + st->rows_rejected + st->rows_set_aside) {
		err_set(e, COV_EXIT_IO, NULL, 0, "internal",
			"internal error: rows in %llu != out %llu + rejected %llu + set aside %llu",
			(unsigned long long)st->rows_in,
			(unsigned long long)st->rows_out,
			(unsigned long long)st->rows_rejected,
			(unsigned long long)st->rows_set_aside);
		stream_abort(st);
		return -1;
	}
	if (st->rej && (st->flags & STREAM_REJECT_RECORDS)) {
		rej_update(st);
		r = writer_close(st->rej, &st->rej_schema, st->rej_order,
				 fields ? st->rej_norder : 0, e);
		st->rej = NULL;
	} else if (st->rej) {
		r = writer_close(st->rej, &st->rej_schema, order, 5, e);
		st->rej = NULL;
	}
	if (r == 0) {
		r = writer_close(st->out, &st->schema, st->order,
				 fields ? st->norder : 0, e);
		st->out = NULL;
	}
	if (r == 0 && st->opt->stats)
		r = write_stats(st, e);
	if (r != 0)
		stream_abort(st);
	else
		stream_free(st);
	return r;
}

void stream_abort(struct stream *st)
{
	struct prefetch *pf = st->pf;

	if (pf && pf->running) {
		/* the thread may be blocked reading: leave it, its reader
		 * and its memory to the process's exit */
		pthread_mutex_lock(&pf->mu);
		pf->stop = 1;
		pthread_cond_broadcast(&pf->to_producer);
		pthread_mutex_unlock(&pf->mu);
		pthread_detach(pf->tid);
		for (size_t i = 0; i < sizeof pf_orphans / sizeof *pf_orphans;
		     i++)
			if (!pf_orphans[i]) {
				pf_orphans[i] = pf;
				break;
			}
		st->pf = NULL;
		st->r = NULL;
	}
	writer_abort(st->out);
	writer_abort(st->rej);
	st->out = st->rej = NULL;
	out_abort_all();
	stream_free(st);
}
