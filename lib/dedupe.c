/*
 * dedupe: keys, keep policies, merge, spill and partition (see dedupe.h).
 *
 * The key table (keytab) holds, per distinct key hash, the payload the
 * policy needs and nothing more:
 *   first, no --dupes       nothing (16 bytes an entry)
 *   first with --dupes      the survivor's row
 *   last                    the survivor's row
 *   newest, most-complete   the survivor's row and its policy value
 * plus, with --merge, the number of records with the key (later replaced by
 * a group number, top bit set).
 *
 * Flow.  first without --merge is one pass: a record is written when its
 * key is new and set aside otherwise.  Every other job reads the input
 * once, spooling it (spool.h) while it fills the table, and then reads the
 * spool: once to build the merged survivors (--merge), once to write.
 *
 * Past --memory the job spills: the records not yet decided are split by
 * key hash into P partitions; records without a key go to partition 0.
 * For first, the keys already seen go with them, so a partition knows
 * which of its keys were written before the spill.  Each partition is then
 * deduplicated alone into a result spool whose entries carry their row
 * numbers, and the P results are merged by row number, so the output is
 * the one a run without the limit would give.  A partition that alone
 * passes the limit ends the run (exit 3) naming --memory.
 */
#include "dedupe.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <xxhash.h>

#include "csvscan.h"
#include "norm_company.h"
#include "norm_email.h"
#include "norm_header.h"
#include "norm_text.h"
#include "memo.h"
#include "norm_value.h"
#include "spool.h"

/* ---- keys ------------------------------------------------------------- */

struct keyer {
	int contact, exact;
	char **names;
	size_t n;
	int *idx;
	size_t bound_for; /* schema size when the fields were looked up */
	int email, first, last, ckey, company;
	struct header_roles roles; /* the fields' export names, looked up */
	struct buf key, v1, v2, tmp;
	struct memo_hashed *ckeys; /* company -> company key: names repeat;
				    * by hash, no key bytes kept */
};

struct keyer *keyer_new(const char *spec, int exact, struct cov_err *e)
{
	struct keyer *k = xcalloc(1, sizeof *k);

	k->exact = exact;
	k->bound_for = (size_t)-1;
	k->ckeys = memo_hashed_new(8192);
	if (!spec || strcmp(spec, "contact") == 0) {
		k->contact = spec ? 1 : 2; /* 2: chosen by default */
		return k;
	}
	for (const char *p = spec;;) {
		const char *c = strchr(p, ',');
		size_t len = c ? (size_t)(c - p) : strlen(p);

		if (!len) {
			err_set(e, COV_EXIT_USAGE, "", 0, "usage",
				"-k: empty field name in '%s'", spec);
			keyer_free(k);
			return NULL;
		}
		k->names = xrealloc(k->names, (k->n + 1) * sizeof *k->names);
		k->names[k->n] = xmalloc(len + 1);
		memcpy(k->names[k->n], p, len);
		k->names[k->n][len] = '\0';
		k->n++;
		if (!c)
			break;
		p = c + 1;
	}
	k->idx = xcalloc(k->n, sizeof *k->idx);
	return k;
}

static int find(const struct schema *s, const char *name)
{
	return schema_find(s, name, strlen(name));
}

int keyer_bind(struct keyer *k, const struct schema *s, int ndjson,
	       const char *file, struct cov_err *e)
{
	k->bound_for = s->n;
	if (k->contact) {
		k->email = header_roles_find(&k->roles, s, "email");
		k->first = header_roles_find(&k->roles, s, "first_name");
		k->last = header_roles_find(&k->roles, s, "last_name");
		k->ckey = find(s, "company_key");
		k->company = header_roles_find(&k->roles, s, "company");
		if (ndjson || !s->n) /* NDJSON fields come later; no input */
			return 0;
		if (k->contact == 2 && k->email < 0) {
			err_set(e, COV_EXIT_USAGE, file, 0, "usage",
				"no email field for the default contact key: name the key fields with -k FIELDS");
			return -1;
		}
		if (k->email < 0 && k->first < 0 && k->last < 0) {
			err_set(e, COV_EXIT_USAGE, file, 0, "usage",
				"-k contact: no email, first_name or last_name field");
			return -1;
		}
		return 0;
	}
	for (size_t i = 0; i < k->n; i++) {
		k->idx[i] = header_roles_find(&k->roles, s, k->names[i]);
		if (k->idx[i] < 0 && !ndjson && s->n) {
			err_set(e, COV_EXIT_USAGE, file, 0, "usage",
				"-k: no field '%s'", k->names[i]);
			return -1;
		}
	}
	return 0;
}

/* Where a key's field values come from: a record, or the fields of a
 * record csvscan did not build. */
struct kvals {
	const struct record *rec;
	const struct scan_fields *sf;
};

/* The value of field i, empty for an absent field and for JSON null. */
static const char *value(const struct kvals *kv, int i, size_t *n)
{
	const struct record *rec = kv->rec;

	if (!rec) {
		if (i < 0) {
			*n = 0;
			return "";
		}
		return csvscan_field(kv->sf, i, n);
	}
	if (i < 0 || (size_t)i >= rec->nf || rec->f[i].kind == VAL_ABSENT) {
		*n = 0;
		return "";
	}
	*n = rec->f[i].len;
	if (rec->f[i].kind == VAL_RAW && *n == 4 && rec->data.p &&
	    memcmp(rec->data.p + rec->f[i].off, "null", 4) == 0) {
		*n = 0;
		return "";
	}
	return rec_val(rec, i);
}

static const char *rec_value(const struct record *rec, int i, size_t *n)
{
	struct kvals kv = {rec, NULL};

	return value(&kv, i, n);
}

/* ASCII and the letters U+00C0..U+00FF (C3 80..BF) only, as most names
 * are: already NFC (no combining mark follows a letter), so folded here as
 * the general way below folds them, without utf8proc: white space and
 * control bytes trimmed and each run of them made one space, A-Z and
 * U+00C0..U+00DE but U+00D7 (x) one step down (+0x20), U+00DF (sharp s)
 * "ss".  -1, with out as it was, for any other value. */
static int fold_latin1(const char *s, size_t n, struct buf *out)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i, len = out->len;
	int space = 0;
	char *d;

	for (i = 0; i < n; i++) {
		if (u[i] >= 0x80) {
			if (u[i] != 0xc3 || i + 1 == n ||
			    (u[i + 1] & 0xc0) != 0x80)
				return -1;
			i++;
		}
	}
	buf_grow(out, n); /* never longer: sharp s is 2 bytes in, 2 out */
	d = out->p + len;
	for (i = 0; i < n; i++) {
		unsigned char c = u[i];

		if (c <= ' ' || c == 0x7f) {
			space = 1;
			continue;
		}
		if (space && d > out->p + len)
			*d++ = ' ';
		space = 0;
		if (c < 0x80) {
			*d++ = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
			continue;
		}
		c = u[++i];
		if (c == 0x9f) {
			*d++ = 's';
			*d++ = 's';
			continue;
		}
		*d++ = (char)0xc3;
		*d++ = (char)(c <= 0x9e && c != 0x97 ? c + 0x20 : c);
	}
	out->len = (size_t)(d - out->p);
	return 0;
}

/* Clean and case-fold s into out: NFC, trimmed, inner white space runs one
 * space, Unicode case folding (accents kept).  Invalid UTF-8 is kept as
 * it is. */
static void fold(struct keyer *k, const char *s, size_t n, struct buf *out)
{
	buf_reset(out);
	if (fold_latin1(s, n, out) == 0)
		return;
	if (text_clean(&k->tmp, s, n) < 0) {
		buf_add(out, s, n);
		return;
	}
	if (text_casefold(out, k->tmp.p, k->tmp.len) < 0)
		buf_add(out, k->tmp.p, k->tmp.len);
}

static void add_part(struct buf *key, const char *s, size_t n)
{
	uint32_t len = (uint32_t)n;

	buf_add(key, &len, sizeof len);
	buf_add(key, s, n);
}

/* The contact key: 'e' and the e-mail key, else 'n', the folded first and
 * last names and the company key (the field, else made from the company:
 * its memo set is fetched while the names are folded).  0 when there is
 * no e-mail key, no company key (a placeholder company such as "N/A" has
 * none), or neither name. */
static int contact_key(struct keyer *k, const struct kvals *rec)
{
	size_t n, fn, ln, cn = 0;
	const char *v = value(rec, k->email, &n), *c = NULL;
	struct memo_hash h;

	buf_reset(&k->key);
	buf_addc(&k->key, 'e');
	if (n && email_key_add(v, n, &k->key) == 0)
		return 1;
	buf_reset(&k->key);
	buf_addc(&k->key, 'n');
	/* company key: the field when present, else derived from company;
	 * a placeholder ("n/a", "none") is none (company_key makes it empty) */
	v = value(rec, k->ckey, &n);
	if (n && !value_is_placeholder(v, n)) {
		fold(k, v, n, &k->v2);
	} else {
		buf_reset(&k->v2);
		c = value(rec, k->company, &cn);
		if (!cn) { /* no company key: no key, names unfolded */
			buf_reset(&k->key);
			return 0;
		}
		memo_hashed_hash(c, cn, &h);
		memo_hashed_prefetch(k->ckeys, &h);
	}
	v = value(rec, k->first, &n);
	fold(k, v, n, &k->v1);
	fn = k->v1.len;
	add_part(&k->key, k->v1.p, k->v1.len);
	v = value(rec, k->last, &n);
	fold(k, v, n, &k->v1);
	ln = k->v1.len;
	add_part(&k->key, k->v1.p, k->v1.len);
	if (cn) {
		const char *m = memo_hashed_get_hash(k->ckeys, &h, &n);

		if (m)
			buf_add(&k->v2, m, n);
		else if (company_key(c, cn, &k->v2) == 0)
			memo_hashed_put_hash(k->ckeys, &h, k->v2.p, k->v2.len);
		else
			buf_reset(&k->v2);
	}
	if (!k->v2.len) {
		buf_reset(&k->key);
		return 0;
	}
	add_part(&k->key, k->v2.p, k->v2.len);
	return fn || ln;
}

static int hash_key(struct keyer *k, const struct kvals *rec, struct key128 *h)
{
	int any = 0;

	if (k->contact)
		any = contact_key(k, rec);
	else {
		buf_reset(&k->key);
		for (size_t i = 0; i < k->n; i++) {
			size_t n;
			const char *v = value(rec, k->idx[i], &n);

			if (!k->exact) {
				fold(k, v, n, &k->v1);
				v = k->v1.p;
				n = k->v1.len;
			}
			any |= n > 0;
			add_part(&k->key, v, n);
		}
	}
	if (any) {
		XXH128_hash_t x = XXH3_128bits(k->key.p, k->key.len);
		uint64_t lo = x.low64, hi = x.high64;

		/* two stores: GCC would otherwise put the halves on the
		 * stack and copy them as one 16-byte load, which the
		 * processor cannot forward from two 8-byte stores (a stall
		 * per record) */
		__asm__("" : "+r"(lo), "+r"(hi));
		h->lo = lo;
		h->hi = hi;
	}
	return any;
}

int keyer_hash(struct keyer *k, const struct schema *s,
	       const struct record *rec, struct key128 *h)
{
	struct kvals kv = {rec, NULL};

	if (s->n != k->bound_for)
		keyer_bind(k, s, 1, "", NULL);
	return hash_key(k, &kv, h);
}

int keyer_hash_fields(struct keyer *k, const struct scan_fields *f,
		      struct key128 *h)
{
	struct kvals kv = {NULL, f};

	return hash_key(k, &kv, h);
}

size_t keyer_fields(const struct keyer *k, int *out)
{
	size_t m = 0;

	if (k->contact) {
		const int f[5] = {k->email, k->first, k->last, k->ckey,
				  k->company};
		for (size_t i = 0; i < 5; i++)
			if (f[i] >= 0)
				out[m++] = f[i];
		return m;
	}
	for (size_t i = 0; i < k->n; i++)
		if (k->idx[i] >= 0)
			out[m++] = k->idx[i];
	return m;
}

const char *keyer_bytes(const struct keyer *k, size_t *n)
{
	*n = k->key.len;
	return k->key.p ? k->key.p : "";
}

void keyer_free(struct keyer *k)
{
	if (!k)
		return;
	for (size_t i = 0; i < k->n; i++)
		free(k->names[i]);
	free(k->names);
	free(k->idx);
	buf_release(&k->key);
	buf_release(&k->v1);
	buf_release(&k->v2);
	buf_release(&k->tmp);
	memo_hashed_free(k->ckeys);
	free(k);
}

/* ---- options ---------------------------------------------------------- */

int dedupe_parse_keep(const char *s, struct dedupe_opts *o, struct cov_err *e)
{
	o->newest_field = NULL;
	if (strcmp(s, "first") == 0)
		o->keep = DEDUPE_FIRST;
	else if (strcmp(s, "last") == 0)
		o->keep = DEDUPE_LAST;
	else if (strcmp(s, "most-complete") == 0)
		o->keep = DEDUPE_MOST_COMPLETE;
	else if (strncmp(s, "newest:", 7) == 0 && s[7]) {
		o->keep = DEDUPE_NEWEST;
		o->newest_field = s + 7;
	} else {
		err_set(e, COV_EXIT_USAGE, "", 0, "usage",
			"--keep: expected first, last, newest:FIELD or most-complete, got '%s'",
			s);
		return -1;
	}
	return 0;
}

int dedupe_parse_size(const char *s, size_t *bytes)
{
	char *end;
	unsigned long long v;
	int shift = 0;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || v == 0)
		return -1;
	switch (toupper((unsigned char)*end)) {
	case 'K':
		shift = 10;
		end++;
		break;
	case 'M':
		shift = 20;
		end++;
		break;
	case 'G':
		shift = 30;
		end++;
		break;
	case 'T':
		shift = 40;
		end++;
		break;
	default: break;
	}
	if (shift && (end[0] == 'i' || end[0] == 'I'))
		end++;
	if (toupper((unsigned char)*end) == 'B')
		end++;
	if (*end || (shift && v > (~0ULL >> shift)))
		return -1;
	*bytes = (size_t)(v << shift);
	return 0;
}

unsigned dedupe_partition(const struct key128 *h, unsigned n)
{
	/* bits of hi below the keytab shard byte, so a partition's keys still
	 * spread over every shard */
	return (unsigned)(((unsigned __int128)(h->hi << 8) * n) >> 64);
}

/* ---- the job ---------------------------------------------------------- */

enum { F_KEY = 1, F_DUPE = 2 };

/* A field of a merged group: the best value seen, and its rank. */
struct gfield {
	uint64_t rank[2];
	size_t off;      /* in the group's data */
	uint32_t i, len; /* field number, bytes */
	unsigned char kind;
};

/* The merged record of a key with duplicates: only the fields some member
 * fills (sorted by number), so that a group costs what its members hold,
 * not the schema's width. */
struct group {
	struct gfield *f;
	size_t n, cap;
	struct buf data;
	uint64_t dups;
};

struct job {
	struct stream *st;
	const struct dedupe_opts *o;
	struct keyer *k;
	struct keytab *t;
	unsigned words;            /* payload words */
	int w_value, w_count;      /* payload word of the value, count (-1) */
	int newest, dup_count;     /* field indices, -1 */
	size_t newest_for;         /* schema size when newest was looked up */
	struct header_roles roles; /* finds newest's field by an alias */
	size_t budget;
	/* --dupes */
	struct writer *dw;
	struct schema ds;
	int *dmap; /* stream field -> ds field, -1: not written */
	size_t dmap_for;
	int *dorder;
	size_t dn;
	int dup_of;
	struct record drec;
	struct record mrec; /* --merge: the survivor as written */
	/* spill: partitions of the records not yet decided, and for first
	 * the keys seen before (NULL until the table passes --memory) */
	struct spool *S, *K;
	/* merge */
	struct group *g;
	size_t ng, gcap;
	struct buf num, date;
	struct out_file *raw; /* csvscan: the output */
	/* csvscan: the input's size (0: unknown) and, for expect_keys, its
	 * bytes read, the rows read and the keys stored at two moments */
	uint64_t in_size;
	struct mark {
		uint64_t bytes, rows, keys;
	} mark[2];
};

/* The number a control file holds (memory.max: "max" or bytes), or
 * UINT64_MAX when it cannot be read or is no limit. */
static uint64_t limit_file(const char *path)
{
	FILE *f = fopen(path, "r");
	unsigned long long v;
	int k;

	if (!f)
		return UINT64_MAX;
	k = fscanf(f, "%llu", &v);
	fclose(f);
	return k == 1 && v < (UINT64_C(1) << 62) ? (uint64_t)v : UINT64_MAX;
}

/* The memory limit of the process's control group (a container's), v2
 * or v1, else UINT64_MAX.  Its path in /proc/self/cgroup, under
 * /sys/fs/cgroup; then the root there, which is the group itself inside
 * a cgroup namespace. */
static uint64_t cgroup_limit(void)
{
	FILE *f = fopen("/proc/self/cgroup", "r");
	char line[4096], path[4200];
	uint64_t lim = UINT64_MAX;

	while (f && fgets(line, sizeof line, f)) {
		char *p = strchr(line, ':'), *q = p ? strchr(p + 1, ':') : NULL;
		uint64_t v;

		if (!q)
			continue;
		q[strcspn(q, "\n")] = '\0';
		*q = '\0';
		if (strcmp(p + 1, "") == 0) /* 0::PATH, v2 */
			snprintf(path, sizeof path,
				 "/sys/fs/cgroup%s/memory.max", q + 1);
		else if (strcmp(p + 1, "memory") == 0)
			snprintf(
				path, sizeof path,
				"/sys/fs/cgroup/memory%s/memory.limit_in_bytes",
				q + 1);
		else
			continue;
		v = limit_file(path);
		if (v < lim)
			lim = v;
	}
	if (f)
		fclose(f);
	if (lim == UINT64_MAX)
		lim = limit_file("/sys/fs/cgroup/memory.max");
	if (lim == UINT64_MAX)
		lim = limit_file("/sys/fs/cgroup/memory/memory.limit_in_bytes");
	return lim;
}

/* An address space limit less what the rest of the process may map:
 * thread stacks and the C library's per-thread heaps are reserved whole,
 * not as they are used (192 MiB, or half of a smaller limit). */
static uint64_t as_room(uint64_t as)
{
	uint64_t rest = UINT64_C(192) << 20;

	return as - (as / 2 < rest ? as / 2 : rest);
}

size_t dedupe_default_budget(void)
{
	long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
	uint64_t m = pages > 0 && size > 0 ? (uint64_t)pages * (uint64_t)size
					   : UINT64_C(2) << 30;
	uint64_t c = cgroup_limit();
	struct rlimit rl;

	if (c < m)
		m = c;
	if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    as_room(rl.rlim_cur) < m)
		m = as_room(rl.rlim_cur);
	if (getrlimit(RLIMIT_DATA, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur < m)
		m = rl.rlim_cur;
	return (size_t)(m / 2);
}

static int is_empty(const struct record *rec, size_t i)
{
	size_t n;
	const char *v;

	if (i >= rec->nf || rec->f[i].kind == VAL_ABSENT)
		return 1;
	v = rec_value(rec, (int)i, &n);
	for (size_t j = 0; j < n; j++)
		if (!isspace((unsigned char)v[j]))
			return 0;
	return 1;
}

/* The policy value of rec: higher wins, ties go to the earlier row. */
static uint64_t policy_value(struct job *j, const struct record *rec)
{
	uint64_t v = 0;

	if (j->o->keep == DEDUPE_MOST_COMPLETE) {
		for (size_t k = 0, n = rec_visit_n(rec); k < n; k++) {
			size_t i = rec_visit(rec, k);
			if (!stream_is_added(j->st, i) && !is_empty(rec, i))
				v++;
		}
	} else if (j->o->keep == DEDUPE_NEWEST) {
		size_t n;
		const char *s;

		if (j->newest < 0 && j->st->schema.n != j->newest_for) {
			j->newest = header_roles_find(&j->roles, &j->st->schema,
						      j->o->newest_field);
			j->newest_for = j->st->schema.n;
		}
		s = rec_value(rec, j->newest, &n);
		if (n && value_date(s, n, DATE_MDY, &j->date) == 0) {
			/* YYYY-MM-DD[THH:MM:SS]: the digits, in order, padded
			 * to seconds; a zone is ignored */
			int d = 0;

			for (size_t i = 0; i < j->date.len && d < 14; i++)
				if (isdigit((unsigned char)j->date.p[i])) {
					v = v * 10 +
					    (uint64_t)(j->date.p[i] - '0');
					d++;
				} else if (j->date.p[i] == 'Z' ||
					   j->date.p[i] == '+' ||
					   (j->date.p[i] == '-' && d >= 8))
					break;
			for (; d < 14; d++)
				v *= 10;
		}
	}
	return v;
}

/* Merge rank of a record of row with policy value v: smaller is better. */
static void merge_rank(const struct job *j, uint64_t row, uint64_t v,
		       uint64_t r[2])
{
	switch (j->o->keep) {
	case DEDUPE_FIRST:
		r[0] = 0;
		r[1] = row;
		break;
	case DEDUPE_LAST:
		r[0] = 0;
		r[1] = UINT64_MAX - row;
		break;
	default:
		r[0] = UINT64_MAX - v;
		r[1] = row;
		break;
	}
}

/* -- writing -- */

static int dupes_open(struct job *j, struct cov_err *e)
{
	if (j->dw)
		return 0;
	j->dw = writer_open(j->o->dupes, j->st->out ? j->st->out->fmt : FMT_CSV,
			    j->st->opt->excel_safe, e);
	return j->dw ? 0 : -1;
}

/* Map the stream's input fields into the dupes schema (again when it grew). */
static void dupes_map(struct job *j)
{
	const struct schema *s = &j->st->schema;

	if (j->dmap_for == s->n && j->dorder)
		return;
	j->dmap = xrealloc(j->dmap, (s->n + 1) * sizeof *j->dmap);
	for (size_t i = j->dorder ? j->dmap_for : 0; i < s->n; i++)
		j->dmap[i] =
			stream_is_added(j->st, i)
				? -1
				: schema_add(&j->ds, s->names[i], s->lens[i]);
	/* an input field named dup_of is reused, as stream_add_field does */
	if (!j->dorder || j->dup_of < 0)
		j->dup_of = schema_add(&j->ds, "dup_of", 6);
	j->dmap_for = s->n;
	j->dorder = xrealloc(j->dorder, (s->n + 1) * sizeof *j->dorder);
	/* in the input's order, dup_of where the input has it, else last */
	j->dn = 0;
	for (size_t i = 0; i < s->n; i++)
		if (j->dmap[i] >= 0)
			j->dorder[j->dn++] = j->dmap[i];
	for (size_t i = 0; i < j->dn; i++)
		if (j->dorder[i] == j->dup_of)
			return;
	j->dorder[j->dn++] = j->dup_of;
}

static void set_number(struct job *j, struct record *rec, size_t i, uint64_t v)
{
	buf_reset(&j->num);
	buf_addf(&j->num, "%llu", (unsigned long long)v);
	rec_set_clean(rec, i, j->num.p, j->num.len, VAL_RAW);
}

static int write_dupe(struct job *j, const struct record *rec, uint64_t dup_of,
		      struct cov_err *e)
{
	stream_count_aside(j->st);
	if (!j->o->dupes)
		return 0;
	if (dupes_open(j, e) < 0)
		return -1;
	dupes_map(j);
	rec_clear(&j->drec, j->ds.n);
	for (size_t k = 0, n = rec_visit_n(rec); k < n; k++) {
		size_t i = rec_visit(rec, k);
		if (i < j->dmap_for && j->dmap[i] >= 0 &&
		    rec->f[i].kind != VAL_ABSENT) {
			if (rec->f[i].clean)
				rec_set_clean(&j->drec, (size_t)j->dmap[i],
					      rec_val(rec, i), rec->f[i].len,
					      rec->f[i].kind);
			else
				rec_set(&j->drec, (size_t)j->dmap[i],
					rec_val(rec, i), rec->f[i].len,
					rec->f[i].kind);
		}
	}
	set_number(j, &j->drec, (size_t)j->dup_of, dup_of);
	return writer_write(j->dw, &j->ds, j->dorder, j->dn, &j->drec, e);
}

/* Send a decided record to the output (dup_of 0) or to --dupes, or, while
 * a partition is being worked, to its result spool. */
static int emit(struct job *j, struct spool *to, uint64_t row,
		const struct record *rec, uint64_t dup_of, struct cov_err *e)
{
	if (to) {
		struct spool_entry x = {
			row, dup_of, {0, 0}, dup_of ? F_DUPE : 0};
		return spool_write(to, &x, rec, e);
	}
	if (dup_of)
		return write_dupe(j, rec, dup_of, e);
	return stream_write(j->st, rec, e);
}

/* -- spilling -- */

#define SPILL_BITS 6
#define SPILL_PARTS (1u << SPILL_BITS)
#define SPILL_LEVELS 4

/* The spill partition of h at a level of splitting: SPILL_BITS of hi
 * from the bottom up, away from the bits --partition and the keytab shards
 * use (the top of hi), so parts split again spread evenly. */
static unsigned spill_part(const struct key128 *h, int level)
{
	return (unsigned)(h->hi >> (SPILL_BITS * level)) & (SPILL_PARTS - 1);
}

static struct spool *spools_open(struct cov_err *e)
{
	struct spool *s = xcalloc(SPILL_PARTS, sizeof *s);

	for (unsigned p = 0; p < SPILL_PARTS; p++)
		if (spool_open(&s[p], e) < 0) {
			while (p--)
				spool_close(&s[p]);
			free(s);
			return NULL;
		}
	return s;
}

static void spools_close(struct spool *s)
{
	if (!s)
		return;
	for (unsigned p = 0; p < SPILL_PARTS; p++)
		spool_close(&s[p]);
	free(s);
}

/* Records without a key go to partition 0: they only need their order. */
static int spill(struct spool *S, int level, const struct spool_entry *x,
		 const struct record *rec, struct cov_err *e)
{
	unsigned p = (x->flags & F_KEY) ? spill_part(&x->h, level) : 0;

	return spool_write(&S[p], x, rec, e);
}

/* Split every entry of src into S (and keys of srck into K) one level
 * deeper. */
static int split(struct spool *src, struct spool *srck, struct spool *S,
		 struct spool *K, int level, struct cov_err *e)
{
	struct spool_entry x;
	struct record rec = RECORD_INIT;
	int r;

	if ((r = spool_rewind(src, e)) == 0)
		while ((r = spool_read(src, &x, &rec, e)) > 0)
			if ((r = spill(S, level, &x, &rec, e)) < 0)
				break;
	rec_release(&rec);
	if (r < 0 || !srck || !srck->f)
		return r;
	if ((r = spool_rewind(srck, e)) == 0)
		while ((r = spool_read(srck, &x, NULL, e)) > 0)
			if ((r = spill(K, level, &x, NULL, e)) < 0)
				break;
	return r;
}

struct dump {
	struct spool *K;
	struct cov_err *e;
	int failed;
};

static void dump_key(const struct key128 *h, const uint64_t *payload, void *arg)
{
	struct dump *d = arg;
	struct spool_entry x = {payload ? payload[0] : 0, 0, *h, F_KEY};

	if (!d->failed && spill(d->K, 0, &x, NULL, d->e) < 0)
		d->failed = 1;
}

static void dump_key0(const struct key128 *h, const uint64_t *payload,
		      void *arg)
{
	(void)payload;
	dump_key(h, NULL, arg);
}

static int too_big(struct job *j, struct cov_err *e)
{
	err_set(e, COV_EXIT_IO, "", 0, "memory",
		"--memory %zu bytes is too small for the keys of one partition even after splitting %d times; give more memory",
		j->budget, SPILL_LEVELS);
	return -1;
}

static void table_new(struct job *j)
{
	keytab_free(j->t);
	j->t = keytab_new(j->words);
	keytab_set_budget(j->t, j->budget);
}

/* -- one pass over a record: fill the table -- */

static int table_add(struct job *j, const struct spool_entry *x,
		     const struct record *rec)
{
	uint64_t *p;
	int r;

	if (!(x->flags & F_KEY))
		return 0;
	r = keytab_put(j->t, &x->h, &p);
	if (r < 0)
		return -1;
	if (r == 1) {
		if (j->words)
			p[0] = x->row;
		if (j->w_value >= 0)
			p[j->w_value] = policy_value(j, rec);
		if (j->w_count >= 0)
			p[j->w_count] = 1;
		return 0;
	}
	if (j->w_count >= 0)
		p[j->w_count]++;
	if (j->o->keep == DEDUPE_LAST)
		p[0] = x->row;
	else if (j->w_value >= 0) {
		uint64_t v = policy_value(j, rec);
		if (v > p[j->w_value]) {
			p[0] = x->row;
			p[j->w_value] = v;
		}
	}
	return 0;
}

/* -- merge -- */

static struct group *group_of(struct job *j, uint64_t *p)
{
	uint64_t *c = &p[j->w_count];

	if (*c >> 63)
		return &j->g[*c & ~(1ULL << 63)];
	if (*c < 2)
		return NULL;
	if (j->ng == j->gcap) {
		j->gcap = j->gcap ? j->gcap * 2 : 256;
		j->g = xrealloc(j->g, j->gcap * sizeof *j->g);
	}
	memset(&j->g[j->ng], 0, sizeof *j->g);
	j->g[j->ng].dups = *c - 1;
	*c = (1ULL << 63) | j->ng;
	return &j->g[j->ng++];
}

/* The place of field i in g: its entry, or where it goes. */
static size_t gfield_find(const struct group *g, uint32_t i)
{
	size_t lo = 0, hi = g->n;

	if (g->n && g->f[g->n - 1].i < i)
		return g->n; /* fields come in order, mostly */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (g->f[mid].i < i)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void group_add(struct job *j, struct group *g, uint64_t row,
		      uint64_t surv, const struct record *rec)
{
	uint64_t r[2] = {0, 0};

	if (row != surv)
		merge_rank(j, row, policy_value(j, rec), r);
	for (size_t k = 0, n = rec_visit_n(rec); k < n; k++) {
		size_t i = rec_visit(rec, k), at;
		struct gfield *f;

		if (stream_is_added(j->st, i) || is_empty(rec, i))
			continue;
		at = gfield_find(g, (uint32_t)i);
		if (at == g->n || g->f[at].i != i) {
			if (g->n == g->cap) {
				g->cap = g->cap ? g->cap * 2 : 8;
				g->f = xrealloc(g->f, g->cap * sizeof *g->f);
			}
			memmove(g->f + at + 1, g->f + at,
				(g->n - at) * sizeof *g->f);
			g->n++;
			f = &g->f[at];
			f->i = (uint32_t)i;
			f->rank[0] = f->rank[1] = UINT64_MAX;
		}
		f = &g->f[at];
		if (r[0] < f->rank[0] ||
		    (r[0] == f->rank[0] && r[1] < f->rank[1])) {
			f->off = g->data.len;
			f->len = (uint32_t)rec->f[i].len;
			f->kind = rec->f[i].kind;
			buf_add(&g->data, rec_val(rec, i), rec->f[i].len);
			f->rank[0] = r[0];
			f->rank[1] = r[1];
		}
	}
}

/* The survivor as written: rec, or its merged group, with dup_count.
 * Fields the survivor had empty and no duplicate filled stay as the
 * survivor had them (absent, null or blank). */
static const struct record *survivor(struct job *j, struct record *rec,
				     uint64_t *p)
{
	struct group *g;

	if (!j->o->merge)
		return rec;
	g = group_of(j, p);
	if (!g) {
		set_number(j, rec, (size_t)j->dup_count, 0);
		return rec;
	}
	rec_copy(&j->mrec, rec);
	for (size_t k = 0; k < g->n; k++)
		rec_set(&j->mrec, g->f[k].i,
			g->data.p ? g->data.p + g->f[k].off : "", g->f[k].len,
			g->f[k].kind);
	set_number(j, &j->mrec, (size_t)j->dup_count, g->dups);
	return &j->mrec;
}

static void groups_free(struct job *j)
{
	for (size_t i = 0; i < j->ng; i++) {
		free(j->g[i].f);
		buf_release(&j->g[i].data);
	}
	j->ng = 0;
}

/* -- the spooled passes: table (unless ready), merge, write -- */

/* A spool read AHEAD entries in advance, the table slot of each key
 * prefetched as it is read, so that the lookups of the final passes do
 * not each wait for memory.  An entry handed out stays valid until the
 * next ahead_next. */
enum { AHEAD = 16 };

struct ahead {
	struct spool_entry x[AHEAD];
	struct record rec[AHEAD];
	size_t head, n;
	int eof;
};

static void ahead_init(struct ahead *a)
{
	memset(a, 0, sizeof *a);
	for (size_t i = 0; i < AHEAD; i++)
		a->rec[i] = (struct record)RECORD_INIT;
}

static void ahead_free(struct ahead *a)
{
	for (size_t i = 0; i < AHEAD; i++)
		rec_release(&a->rec[i]);
}

/* The next entry and record of src: 1, 0 at its end, -1 with e. */
static int ahead_next(struct job *j, struct spool *src, struct ahead *a,
		      struct spool_entry **x, struct record **rec,
		      struct cov_err *e)
{
	while (!a->eof && a->n < AHEAD) {
		size_t at = (a->head + a->n) % AHEAD;
		int r = spool_read(src, &a->x[at], &a->rec[at], e);

		if (r < 0)
			return -1;
		if (r == 0) {
			a->eof = 1;
			break;
		}
		if (a->x[at].flags & F_KEY)
			keytab_prefetch(j->t, &a->x[at].h);
		a->n++;
	}
	if (a->n == 0)
		return 0;
	*x = &a->x[a->head];
	*rec = &a->rec[a->head];
	a->head = (a->head + 1) % AHEAD;
	a->n--;
	return 1;
}

static int run_spool(struct job *j, struct spool *src, int table_ready,
		     struct spool *to, struct cov_err *e)
{
	struct spool_entry x, *y;
	struct record rec = RECORD_INIT, *rp;
	struct ahead a;
	int r;

	ahead_init(&a);
	if (!table_ready) {
		table_new(j);
		if (spool_rewind(src, e) < 0)
			goto fail;
		while ((r = spool_read(src, &x, &rec, e)) > 0)
			if (table_add(j, &x, &rec) < 0) {
				rec_release(&rec);
				ahead_free(&a);
				return -2;
			}
		if (r < 0)
			goto fail;
	}
	if (j->o->merge) {
		if (spool_rewind(src, e) < 0)
			goto fail;
		while ((r = ahead_next(j, src, &a, &y, &rp, e)) > 0) {
			uint64_t *p;
			struct group *g;

			if (!(y->flags & F_KEY))
				continue;
			p = keytab_get(j->t, &y->h);
			if ((g = group_of(j, p)))
				group_add(j, g, y->row, p[0], rp);
		}
		if (r < 0)
			goto fail;
		ahead_free(&a);
		ahead_init(&a);
	}
	if (spool_rewind(src, e) < 0)
		goto fail;
	while ((r = ahead_next(j, src, &a, &y, &rp, e)) > 0) {
		uint64_t *p;

		if (!(y->flags & F_KEY)) {
			if (j->o->merge)
				set_number(j, rp, (size_t)j->dup_count, 0);
			r = emit(j, to, y->row, rp, 0, e);
		} else {
			p = keytab_get(j->t, &y->h);
			if (p[0] == y->row)
				r = emit(j, to, y->row, survivor(j, rp, p), 0,
					 e);
			else
				r = emit(j, to, y->row, rp, p[0], e);
		}
		if (r < 0)
			goto fail;
	}
	if (r < 0)
		goto fail;
	rec_release(&rec);
	ahead_free(&a);
	groups_free(j);
	return 0;
fail:
	rec_release(&rec);
	ahead_free(&a);
	groups_free(j);
	return -1;
}

/* first, one partition: the keys written before the spill (keys), then
 * its records in order.  -2 when its keys do not fit. */
static int run_first_part(struct job *j, struct spool *src, struct spool *keys,
			  struct spool *to, struct cov_err *e)
{
	struct spool_entry x;
	struct record rec = RECORD_INIT;
	int r = 0;

	table_new(j);
	if (keys && keys->f) {
		if (spool_rewind(keys, e) < 0)
			return -1;
		while ((r = spool_read(keys, &x, NULL, e)) > 0) {
			uint64_t *pl;
			if (keytab_put(j->t, &x.h, &pl) < 0)
				return -2;
			if (j->words)
				pl[0] = x.row;
		}
		if (r < 0)
			return -1;
	}
	if (spool_rewind(src, e) < 0)
		return -1;
	while ((r = spool_read(src, &x, &rec, e)) > 0) {
		uint64_t *pl;
		int k;

		if (!(x.flags & F_KEY)) {
			r = emit(j, to, x.row, &rec, 0, e);
		} else if ((k = keytab_put(j->t, &x.h, &pl)) < 0) {
			rec_release(&rec);
			return -2;
		} else if (k == 1) {
			if (j->words)
				pl[0] = x.row;
			r = emit(j, to, x.row, &rec, 0, e);
		} else
			r = emit(j, to, x.row, &rec, j->words ? pl[0] : 1, e);
		if (r < 0)
			break;
	}
	rec_release(&rec);
	return r;
}

/* Merge the result spools O (each in row order) by row number into to, or
 * into the output and --dupes when to is NULL. */
static int merge_results(struct job *j, struct spool *O, struct spool *to,
			 struct cov_err *e)
{
	struct record rec[SPILL_PARTS];
	struct spool_entry head[SPILL_PARTS];
	int live[SPILL_PARTS], r = 0;

	memset(rec, 0, sizeof rec);
	for (unsigned p = 0; p < SPILL_PARTS; p++)
		live[p] = 0;
	for (unsigned p = 0; p < SPILL_PARTS && r >= 0; p++)
		if ((r = spool_rewind(&O[p], e)) == 0)
			r = live[p] = spool_read(&O[p], &head[p], &rec[p], e);
	while (r >= 0) {
		int best = -1;

		for (unsigned p = 0; p < SPILL_PARTS; p++)
			if (live[p] > 0 &&
			    (best < 0 || head[p].row < head[best].row))
				best = (int)p;
		if (best < 0)
			break;
		if (to)
			r = spool_write(to, &head[best], &rec[best], e);
		else if (head[best].flags & F_DUPE)
			r = write_dupe(j, &rec[best], head[best].aux, e);
		else
			r = stream_write(j->st, &rec[best], e);
		if (r >= 0)
			r = live[best] = spool_read(&O[best], &head[best],
						    &rec[best], e);
	}
	for (unsigned p = 0; p < SPILL_PARTS; p++)
		rec_release(&rec[p]);
	return r < 0 ? -1 : 0;
}

/* Deduplicate each partition S[p] (with the keys K[p] seen before the
 * spill, for first) into a result spool, splitting one that does not fit
 * again, then merge the results by row number into to (NULL: the output).
 * Closes S and K. */
static int work_parts(struct job *j, struct spool *S, struct spool *K,
		      int level, struct spool *to, struct cov_err *e)
{
	int first = j->o->keep == DEDUPE_FIRST && !j->o->merge;
	struct spool *O = spools_open(e);
	int r = O ? 0 : -1;

	for (unsigned p = 0; p < SPILL_PARTS && r >= 0; p++) {
		if (first)
			r = run_first_part(j, &S[p], K ? &K[p] : NULL, &O[p],
					   e);
		else
			r = run_spool(j, &S[p], 0, &O[p], e);
		if (r == -2) {
			struct spool *S2, *K2 = NULL;

			keytab_free(j->t);
			j->t = NULL;
			if (level + 1 >= SPILL_LEVELS) {
				r = too_big(j, e);
				break;
			}
			spool_close(&O[p]);
			r = spool_open(&O[p], e);
			S2 = r < 0 ? NULL : spools_open(e);
			if (S2 && K)
				K2 = spools_open(e);
			if (!S2 || (K && !K2)) {
				spools_close(S2);
				r = -1;
				break;
			}
			r = split(&S[p], K ? &K[p] : NULL, S2, K2, level + 1,
				  e);
			if (r >= 0)
				r = work_parts(j, S2, K2, level + 1, &O[p], e);
			else {
				spools_close(S2);
				spools_close(K2);
			}
		}
		spool_close(&S[p]);
		if (K)
			spool_close(&K[p]);
	}
	spools_close(S);
	spools_close(K);
	keytab_free(j->t);
	j->t = NULL;
	if (r >= 0)
		r = merge_results(j, O, to, e);
	spools_close(O);
	return r < 0 ? -1 : 0;
}

/* -- the three jobs -- */

static int run_partition(struct job *j, struct cov_err *e)
{
	const struct dedupe_opts *o = j->o;
	enum rec_format fmt = j->st->out->fmt;
	struct writer **w = xcalloc(o->partition, sizeof *w);
	struct record rec = RECORD_INIT;
	int width = 1, r = 0, k = 0, *order = NULL;
	size_t norder = 0;
	char path[4096];

	for (unsigned n = o->partition - 1; n >= 10; n /= 10)
		width++;
	for (unsigned p = 0; p < o->partition && r >= 0; p++) {
		if (strlen(o->prefix) > sizeof path - 32) {
			err_set(e, COV_EXIT_USAGE, "", 0, "usage",
				"--prefix: path too long");
			r = -1;
			break;
		}
		snprintf(path, sizeof path, "%s-%0*u.%s%s", o->prefix,
			 width & 7, p, format_name(fmt), o->gzip ? ".gz" : "");
		w[p] = writer_open(path, fmt, j->st->opt->excel_safe, e);
		if (!w[p])
			r = -1;
	}
	while (r >= 0 && (k = stream_next(j->st, &rec, e)) > 0) {
		struct key128 h;
		unsigned p;

		if (keyer_hash(j->k, &j->st->schema, &rec, &h))
			p = dedupe_partition(&h, o->partition);
		else {
			/* keyless records never meet: spread them by row */
			p = (unsigned)(j->st->rows_in % o->partition);
			stream_count_reason(j->st, "key_empty", 1);
		}
		if (norder != j->st->schema.n) {
			order = xrealloc(order,
					 j->st->schema.n * sizeof *order);
			for (; norder < j->st->schema.n; norder++)
				order[norder] = (int)norder;
		}
		j->st->rows_out++;
		r = writer_write(w[p], &j->st->schema, order, norder, &rec, e);
	}
	if (r >= 0 && k < 0)
		r = -1;
	for (unsigned p = 0; p < o->partition; p++) {
		if (!w[p])
			continue;
		if (r >= 0) {
			if (norder != j->st->schema.n) {
				order = xrealloc(order, (j->st->schema.n + 1) *
								sizeof *order);
				for (; norder < j->st->schema.n; norder++)
					order[norder] = (int)norder;
			}
			if (writer_close(w[p], &j->st->schema, order, norder,
					 e) < 0)
				r = -1;
		} else
			writer_abort(w[p]);
	}
	free(w);
	free(order);
	rec_release(&rec);
	return r < 0 ? -1 : 0;
}

/* Decide one record of the streaming first pass. */
static int first_one(struct job *j, const struct spool_entry *x,
		     const struct record *rec, struct cov_err *e)
{
	uint64_t *p;
	int r;

	if (j->S)
		return spill(j->S, 0, x, rec, e);
	if (!(x->flags & F_KEY))
		return stream_write(j->st, rec, e);
	if ((r = keytab_put(j->t, &x->h, &p)) == 1) {
		if (j->words)
			p[0] = x->row;
		return stream_write(j->st, rec, e);
	}
	if (r == 0)
		return write_dupe(j, rec, j->words ? p[0] : 0, e);
	/* past --memory: the keys seen so far and every record from here on
	 * go to partitions */
	{
		struct dump d = {NULL, e, 0};

		if (!(j->S = spools_open(e)) || !(j->K = d.K = spools_open(e)))
			return -1;
		keytab_each(j->t, j->words ? dump_key : dump_key0, &d);
		keytab_free(j->t);
		j->t = NULL;
		return d.failed ? -1 : spill(j->S, 0, x, rec, e);
	}
}

/* ---- first, by csvscan --------------------------------------------------- */

static void *scan_keyer(void *arg)
{
	struct job *j = arg;
	struct keyer *k = keyer_new(j->o->key, j->o->exact, NULL);

	keyer_bind(k, &j->st->schema, 0, "", NULL);
	return k;
}

static void scan_keyer_free(void *t)
{
	keyer_free(t);
	text_thread_release();
	email_thread_release();
	company_thread_release();
}

static void scan_key(void *t, const struct scan_fields *f,
		     const struct record *rec, struct scan_rec *r)
{
	struct keyer *k = t;
	int any = rec ? hash_key(k, &(struct kvals){rec, NULL}, &r->h)
		      : keyer_hash_fields(k, f, &r->h);

	r->flags = any ? F_KEY : 0;
}

/* first_one for a chunk of records, written as they are.  A run of
 * records next to one another in the chunk with LF line ends goes out as
 * one piece, written from the chunk itself (out_write_ref; through gzip,
 * copied into the output buffer, so at most SCAN_RUN_MAX bytes).  Only
 * whole records ever reach the file.  A record whose key would pass
 * --memory stops the chunk: the record path takes over there and
 * spills. */
enum { SCAN_RUN_MAX = 256 << 10 };

struct run {
	size_t start, end; /* bytes of the chunk */
	uint64_t n;        /* records in them */
};

static void run_flush(struct job *j, const struct scan_chunk *c,
		      struct run *run)
{
	if (run->n)
		stream_write_raw_lines(j->st, j->raw, c->buf + run->start,
				       run->end - run->start, run->n);
	run->n = 0;
}

/* Tell the table how many keys to expect in all (keytab_expect), from
 * a file of known size: the keys stored so far, and as many more a row
 * for its rows still to come as its last stretch of rows added (a
 * sixteenth to an eighth of the file, so a rate that falls as keys
 * repeat is taken where it has fallen to); the rows to come are foretold
 * from its rows so far and its size.  Nothing before a sixteenth of the
 * file is read.  When keys repeat more in the rest of the file than in
 * the stretch (one export appended to itself), the table is larger than
 * its keys need: at most 24 bytes a row of the file, and within
 * --memory; the output is the same. */
static void expect_keys(struct job *j, uint64_t rows_now)
{
	struct mark now = {j->st->raw_bytes, j->st->rows_in + rows_now,
			   keytab_count(j->t)};
	const struct mark *m = &j->mark[0];
	uint64_t step = j->in_size / 16;
	double rate, left, keys;

	if (!step || now.bytes >= j->in_size || now.bytes < j->mark[1].bytes)
		return;
	if (now.bytes - j->mark[1].bytes >= step) {
		j->mark[0] = j->mark[1];
		j->mark[1] = now;
	}
	if (now.bytes - m->bytes < step || now.rows <= m->rows)
		return;
	/* keys a row, and rows to come, over the stretch */
	rate = (double)(now.keys - m->keys) / (double)(now.rows - m->rows);
	left = (double)(now.rows - m->rows) *
	       ((double)(j->in_size - now.bytes) /
		(double)(now.bytes - m->bytes));
	keys = (double)now.keys + rate * left;
	keytab_expect(j->t, keys < (double)SIZE_MAX / 2 ? (size_t)keys : 0);
}

static long scan_commit(void *arg, const struct scan_chunk *c,
			struct cov_err *e)
{
	struct job *j = arg;
	struct stream *st = j->st;
	uint64_t empty = 0;
	struct run run = {0, 0, 0};
	size_t i;

	for (i = 0; i < c->n; i++) {
		const struct scan_rec *r = &c->rec[i];

		if (i + 8 < c->n && (c->rec[i + 8].flags & F_KEY))
			keytab_prefetch(j->t, &c->rec[i + 8].h);
		if (r->flags & F_KEY) {
			uint64_t *p;
			int k = keytab_put(j->t, &r->h, &p);

			if (k < 0)
				break;
			if (k == 0) {
				stream_count_aside(st);
				continue;
			}
		} else {
			empty++;
		}
		if (r->slow < 0 && r->end == r->off + r->len + 1) {
			/* canonical, LF: joins the run, or starts one */
			if (!run.n || run.end != r->off ||
			    r->end - run.start > SCAN_RUN_MAX) {
				run_flush(j, c, &run);
				run.start = r->off;
			}
			run.end = r->end;
			run.n++;
			continue;
		}
		run_flush(j, c, &run);
		if (r->slow < 0) /* canonical, CRLF */
			stream_write_raw(st, j->raw, c->buf + r->off, r->len);
		else if (stream_write(st, &c->slow[r->slow], e) < 0)
			return -1;
	}
	run_flush(j, c, &run);
	if (empty)
		stream_count_reason(st, "key_empty", empty);
	expect_keys(j, i);
	/* the runs are written from the chunk, which goes after this */
	if (out_flush(j->raw, e) < 0)
		return -1;
	return (long)i;
}

/* The records csvscan can take, when the job allows: first, no --dupes,
 * a CSV input whose records can go out as they are. */
static int run_scan(struct job *j, struct cov_err *e)
{
	int fields[64];
	struct scan_ops ops = {0};

	if (j->o->dupes || j->S || !csvscan_enabled() ||
	    j->st->in_fmt != FMT_CSV ||
	    (!j->k->contact && j->k->n > sizeof fields / sizeof *fields) ||
	    !(j->raw = stream_raw_out(j->st)))
		return 0;
	ops.fields = fields;
	ops.nfields = keyer_fields(j->k, fields);
	ops.thread_new = scan_keyer;
	ops.thread_free = scan_keyer_free;
	ops.key = scan_key;
	ops.commit = scan_commit;
	ops.arg = j;
	j->in_size = in_file_size(j->st->r->in);
	j->mark[0] = j->mark[1] = (struct mark){
		j->st->r->in->bytes_in, j->st->rows_in, keytab_count(j->t)};
	return csvscan_run(j->st, &ops, e);
}

/* first without --merge: one pass.  Each record is decided one record
 * late, so the table slot of its key, prefetched when it was read, has
 * arrived from memory by the time it is probed. */
static int run_stream_first(struct job *j, struct cov_err *e)
{
	struct record rec[2] = {RECORD_INIT, RECORD_INIT};
	struct spool_entry x[2];
	int k = 0, r = 0, cur = 0, have = 0;

	for (;;) {
		/* each input from its start by csvscan when it can, the rest
		 * (and inputs it cannot take) record by record */
		if ((r = run_scan(j, e)) < 0)
			break;
		while ((k = stream_next_in(j->st, &rec[cur], e)) > 0) {
			struct spool_entry *c = &x[cur];

			memset(c, 0, sizeof *c);
			c->row = j->st->rows_in;
			if (keyer_hash(j->k, &j->st->schema, &rec[cur],
				       &c->h)) {
				c->flags = F_KEY;
				if (j->t)
					keytab_prefetch(j->t, &c->h);
			} else
				stream_count_reason(j->st, "key_empty", 1);
			cur ^= 1;
			if (have &&
			    (r = first_one(j, &x[cur], &rec[cur], e)) < 0)
				break;
			have = 1;
		}
		/* the record read last is decided before anything of the next
		 * input, and even when reading failed, so the output holds
		 * every record before a malformed one */
		if (r >= 0 && have) {
			struct cov_err e2 = {0};

			r = first_one(j, &x[cur ^ 1], &rec[cur ^ 1],
				      k < 0 ? &e2 : e);
			if (k < 0 && r < 0)
				*e = e2;
			have = 0;
		}
		if (k < 0 || r < 0 || (k = stream_next_input(j->st, e)) <= 0)
			break;
	}
	rec_release(&rec[0]);
	rec_release(&rec[1]);
	if (k < 0 || r < 0)
		return -1;
	if (!j->S)
		return 0;
	r = work_parts(j, j->S, j->K, 0, NULL, e);
	j->S = j->K = NULL;
	return r;
}

static int run_two_pass(struct job *j, struct cov_err *e)
{
	struct record rec = RECORD_INIT;
	struct spool all;
	int k, r = 0;

	if (spool_open(&all, e) < 0)
		return -1;
	while ((k = stream_next(j->st, &rec, e)) > 0) {
		struct spool_entry x = {j->st->rows_in, 0, {0, 0}, 0};

		if (keyer_hash(j->k, &j->st->schema, &rec, &x.h))
			x.flags = F_KEY;
		else
			stream_count_reason(j->st, "key_empty", 1);
		if (j->S) {
			r = spill(j->S, 0, &x, &rec, e);
		} else if (table_add(j, &x, &rec) == 0) {
			r = spool_write(&all, &x, &rec, e);
		} else {
			/* past --memory: split what was read, then go on */
			keytab_free(j->t);
			j->t = NULL;
			if (!(j->S = spools_open(e)))
				r = -1;
			else
				r = split(&all, NULL, j->S, NULL, 0, e);
			spool_close(&all);
			if (r >= 0)
				r = spill(j->S, 0, &x, &rec, e);
		}
		if (r < 0)
			break;
	}
	rec_release(&rec);
	if (k < 0 || r < 0) {
		spool_close(&all);
		return -1;
	}
	if (j->S) {
		r = work_parts(j, j->S, NULL, 0, NULL, e);
		j->S = NULL;
		return r;
	}
	r = run_spool(j, &all, 1, NULL, e);
	spool_close(&all);
	return r;
}

int dedupe_run(struct stream *st, const struct dedupe_opts *o,
	       struct cov_err *e)
{
	struct job j;
	int r;

	memset(&j, 0, sizeof j);
	j.st = st;
	j.o = o;
	j.newest = j.dup_count = j.dup_of = -1;
	j.w_value = j.w_count = -1;
	j.budget = o->memory ? o->memory : dedupe_default_budget();
	j.k = keyer_new(o->key, o->exact, e);
	if (!j.k)
		return -1;
	if (keyer_bind(j.k, &st->schema, st->in_fmt == FMT_NDJSON,
		       st->nfiles ? st->files[st->base] : "-", e) < 0) {
		keyer_free(j.k);
		return -1;
	}
	if (o->keep == DEDUPE_NEWEST)
		j.newest = header_roles_find(&j.roles, &st->schema,
					     o->newest_field);
	if (o->keep == DEDUPE_NEWEST && j.newest < 0 &&
	    st->in_fmt != FMT_NDJSON && st->schema.n) {
		err_set(e, COV_EXIT_USAGE,
			st->nfiles ? st->files[st->base] : "-", 0, "usage",
			"--keep newest:%s: no field '%s'", o->newest_field,
			o->newest_field);
		keyer_free(j.k);
		return -1;
	}
	if (o->partition) {
		r = run_partition(&j, e);
		keyer_free(j.k);
		return r;
	}
	if (o->keep != DEDUPE_FIRST || o->dupes || o->merge)
		j.words = 1;
	if (o->keep == DEDUPE_NEWEST || o->keep == DEDUPE_MOST_COMPLETE)
		j.w_value = (int)j.words++;
	if (o->merge) {
		j.w_count = (int)j.words++;
		j.dup_count = stream_add_field(st, "dup_count");
	}
	j.dmap_for = (size_t)-1;
	table_new(&j);
	if (o->keep == DEDUPE_FIRST && !o->merge)
		r = run_stream_first(&j, e);
	else
		r = run_two_pass(&j, e);
	if (r == 0 && j.dw) {
		dupes_map(&j);
		r = writer_close(j.dw, &j.ds, j.dorder, j.dn, e);
		j.dw = NULL;
	} else if (r == 0 && o->dupes) {
		/* no duplicate: an empty file with the header, if the
		 * input had one (as the output has) */
		if (dupes_open(&j, e) == 0) {
			dupes_map(&j);
			r = writer_close(j.dw, &j.ds, j.dorder,
					 stream_has_input_field(st) ? j.dn : 0,
					 e);
			j.dw = NULL;
		} else
			r = -1;
	}
	if (j.dw)
		writer_abort(j.dw);
	spools_close(j.S);
	spools_close(j.K);
	keytab_free(j.t);
	keyer_free(j.k);
	schema_release(&j.ds);
	free(j.dmap);
	free(j.dorder);
	rec_release(&j.drec);
	rec_release(&j.mrec);
	free(j.g);
	buf_release(&j.num);
	buf_release(&j.date);
	return r;
}
