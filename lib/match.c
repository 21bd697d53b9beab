/*
 * match: see match.h for the methods and the tie-break rules.
 *
 * Accounts.  Every string an account needs (its id, the --with values,
 * its parent's id until parents are resolved, each distinct company key
 * and registrable domain once) lives in one byte arena (struct buf,
 * doubling), addressed by 32-bit offsets.  An account is a 32-byte record
 * in a flat array: id offset and length, tier, the nodes of its company
 * key and first domain, its --with values, its parent's index, a 32-bit
 * hash of its name as written (legal form included, for rule 1), country
 * code, depth in its hierarchy and flags.
 *
 * Keys.  Three open-addressing tables map an id to its account, a
 * registrable domain to a domain node, a company key to a key node.  A
 * slot is 8 bytes: the high 32 bits of the key's XXH3-64 hash (compared
 * before any string) and the value + 1 (0 = empty).  Probing is linear
 * from hash & mask; a table doubles when an insert would take it past 3/4
 * full, rehashing from the strings (the low hash bits are not stored).  A
 * node (16 bytes) holds its string's offset and length, its account count
 * and either its one account or the head of a posting list (8 bytes per
 * account: index, next), kept in file order.  So an account costs 32 +
 * 11..21 (id slot) bytes + its id and with-value bytes, and each distinct
 * domain or key 16 + 11..21 + its bytes; a shared one 8 more per account.
 * matcher_finish trims the flat arrays to their size; matcher_memory adds
 * it all up and a test checks it per account (about 200 bytes for an
 * account with an 18-byte id, a domain and a 20-byte name).
 *
 * Subsidiaries.  An account without a domain of its own is added to the
 * (first) domain node of its nearest ancestor that has one (flag
 * AF_INHERITED): its people write from the group's domain.  An account
 * without any domain that bears the contact's company key competes with
 * the accounts of the contact's domain (see matcher_match).
 *
 * Fuzzy index.  Built once by matcher_finish over the distinct company
 * keys: for each key, its blocking keys — every word of at least two
 * bytes, and the first four and the last four bytes of every word of at
 * least five — hashed to 32 bits (three seeds: word, head, tail) and
 * stored as (hash << 32 | key node) entries, 8 bytes each, radix-sorted,
 * with a directory on the top bits of the hash (4 bytes per 4 entries) so
 * that a block is found in two memory reads.  A block shared by more than
 * FUZZY_BLOCK_MAX keys says little and is dropped.  A contact's key is
 * compared only with the keys of its own blocks, rarest block first, at
 * most FUZZY_MAX_CAND keys, so the work per contact is bounded whatever
 * the number of accounts; a 32-bit hash collision only adds a candidate
 * that the score then weighs.
 *
 * Similarity.  1 - d / max(|a|, |b|) where d is the Levenshtein distance
 * of the two keys in bytes (keys are case- and accent-folded, so nearly
 * always ASCII); computed in a band of width d_max = (1 - min) * max and
 * given up as soon as the band exceeds it.  A contact key that ends in a
 * place name ("acme germany", "acme emea": a country as norm_country reads
 * it, or a region word) is also compared without it, at GEO_FACTOR times
 * that score: such a name is a branch of the company; the place's country
 * then stands for the contact's in rule 3.
 *
 * Weighing.  Candidates are gathered as bare account indices; they are
 * weighed (rules 1-3 need the contact's key, name hash, e-mail label and
 * country) only when there is a choice to make.  When the contact's key is
 * an accounts' key, candidates without it lose rule 1 and are dropped
 * before any similarity is computed.  The best and the runner-up (which
 * names the deciding rule) are selected in 2n comparisons.
 *
 * Caches.  Contacts repeat domains and company names, so (1) each e-mail
 * host met is remembered with its verdict (domain node or none, free-mail
 * class) in a direct-mapped table keyed by the host's XXH3-128 hash, 24
 * bytes a slot; (2) each choice among several accounts is remembered under
 * the XXH3-128 hash of the inputs it depends on (step, node, key, company,
 * country, e-mail host), 32 bytes a slot; both are sized to twice the
 * domains, respectively the shared domains and keys (4096 to 4M slots);
 * (3) company keys derived from a company, country codes, and fuzzy
 * results (the best keys and scores for a contact key) go through
 * lib/memo.  Nothing is allocated per contact once the buffers have grown.
 */
#include "match.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "memo.h"
#include "ndjson.h"
#include "norm_company.h"
#include "norm_country.h"
#include "norm_domain.h"
#include "norm_header.h"
#include "norm_text.h"
#include "validate.h"

#define NONE UINT32_MAX
#define TIER_NONE 0xffff
#define FUZZY_BLOCK_MAX 1000
#define FUZZY_MAX_CAND 128
#define FUZZY_MAX_KEY 255
#define FUZZY_KEEP 8 /* fuzzy matches memoised per contact key */
#define GEO_FACTOR 0.9
#define DCACHE_MIN 4096
#define DCACHE_MAX (1u << 22)
#define AF_ID_CLEAN 1 /* the id holds no comma, quote, CR or LF */
#define AF_INHERITED 2 /* reached through an ancestor's domain */
#define DOM_UNSET 255

struct acct {
	uint32_t id_off;
	uint16_t id_len;
	uint16_t tier;
	uint32_t key;    /* key node, NONE when no company */
	uint32_t dom;    /* first domain node, NONE when no domain */
	uint32_t with;   /* arena offset of the --with values */
	uint32_t parent; /* account index, NONE */
	uint32_t name;   /* name_hash of its company name, 0 none */
	char cc[2];      /* country code, "\0\0" unknown */
	uint8_t depth;   /* parent links above it (capped at 255) */
	uint8_t flags;
};

struct node {
	uint32_t off;
	uint32_t count;
	uint32_t head;     /* count 1: the account; else first posting */
	uint32_t len : 31;
	uint32_t is_key : 1; /* a company key (else a domain) */
};

struct posting {
	uint32_t acct, next;
};

struct htab {
	uint64_t *slot;
	size_t mask, n;
};

struct decision {
	uint64_t h1, h2;  /* XXH3-128 of the inputs (dk_start) */
	uint32_t account, total;
	float score;
	uint8_t method, rule, used;
};

struct dslot {
	uint64_t h1, h2;
	uint32_t node; /* NONE: no account domain */
	uint32_t cls;  /* validator class bits; 0x80000000: slot used */
};

/* Account columns of the accounts file. */
enum {
	AC_NONE = 0,
	AC_ID,
	AC_COMPANY,
	AC_KEY,
	AC_DOMAIN,
	AC_COUNTRY,
	AC_TIER,
	AC_PARENT
};

static const char *const role_name[MATCH_NROLES] = {
	"account_id", "email", "email_domain", "company", "company_key",
	"country",
};

static const char *const method_name[MATCH_NMETHODS] = {
	"none", "existing", "domain", "name", "fuzzy",
};

static const char *const rule_name[] = {
	"", "name", "domain", "country", "parent", "tier", "id",
};

struct matcher {
	/* accounts */
	struct buf arena;
	struct acct *acct;
	size_t nacct, acap;
	struct node *node;
	size_t nnode, ncap;
	struct posting *post;
	size_t npost, pcap;
	struct htab ids, doms, keys;
	uint64_t *fz;     /* fuzzy blocks, sorted */
	size_t nfz;
	uint32_t *fzdir;  /* first entry per value of the top fzbits bits */
	unsigned fzbits;
	int finished;
	/* load-time only */
	uint32_t *parent_off; /* per account: arena offset of parent id + 1 */
	uint16_t *parent_len;
	uint32_t *line;
	uint32_t *tail;   /* per node: last posting (file order) */
	/* options */
	double min_score;
	int explain;
	char *field[MATCH_NROLES];
	char **with;      /* --with names */
	char **with_out;  /* account_NAME */
	size_t nwith;
	struct validator *v;
	/* caches */
	struct dslot *dcache;
	size_t dmask;
	struct decision *decision;
	size_t decmask;
	struct memo *keymemo, *ccmemo, *fzmemo;
	/* stream binding */
	int bound, bind_done, input_id_on;
	size_t bound_n;
	int idx[MATCH_NROLES];
	int f_account_id, f_method, f_score, f_input_id, f_explain;
	int *f_with;
	int *order;
	size_t norder;
	uint64_t count[MATCH_NMETHODS];
	/* per-contact scratch */
	struct buf key, host, reg, tmp, out, fold, dk;
	struct match_candidate cand[MATCH_MAX_CANDIDATES];
};

/* ---- small helpers -------------------------------------------------------- */

static inline int is_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static void trim(const char **s, size_t *n)
{
	const char *p = *s;
	size_t k = *n;

	if (!p) {
		*n = 0;
		return;
	}
	while (k > 0 && is_space((unsigned char)*p))
		p++, k--;
	while (k > 0 && is_space((unsigned char)p[k - 1]))
		k--;
	*s = p;
	*n = k;
}

/* s[0..n) equals the lower-case lit (n bytes long), ASCII case ignored. */
static int ieq(const char *s, size_t n, const char *lit)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 'A' && c <= 'Z')
			c += 32;
		if (c != (unsigned char)lit[i])
			return 0;
	}
	return 1;
}

struct word {
	const char *s;
	size_t n;
};
#define W(lit) {lit, sizeof lit - 1}

/* 1 when s[0..n) is one of the words (ASCII case ignored). */
static int in_words(const char *s, size_t n, const struct word *w,
		    size_t nw)
{
	for (size_t i = 0; i < nw; i++)
		if (w[i].n == n && ieq(s, n, w[i].s))
			return 1;
	return 0;
}

/* Values CRM exports put in an id column to mean "none". */
static int id_placeholder(const char *s, size_t n)
{
	static const struct word ph[] = {
		W("0"), W("#n/a"), W("n/a"), W("na"), W("null"), W("none"),
		W("nil"), W("-"), W("--"), W("#ref!"), W("#value!"),
		W("undefined"), W("unknown"),
	};

	return n == 0 || (n <= 9 && in_words(s, n, ph, sizeof ph / sizeof ph[0]));
}

/* Company keys that name no company: placeholders and the words people
 * type when they work for none. */
static int key_placeholder(const char *s, size_t n)
{
	static const struct word ph[] = {
		W("n a"), W("na"), W("none"), W("null"), W("nil"),
		W("unknown"), W("not applicable"), W("not available"), W("tbd"),
		W("test"), W("self"), W("self employed"), W("freelance"),
		W("freelancer"), W("independent"), W("independent consultant"),
		W("consultant"), W("retired"), W("student"), W("private"),
		W("personal"), W("individual"), W("home"), W("unemployed"),
		W("no company"), W("x"), W("xx"), W("xxx"),
	};

	return n == 0 || (n <= 22 && in_words(s, n, ph, sizeof ph / sizeof ph[0]));
}

/* A 32-bit hash of a company name as written, legal form included, but
 * not case, accents, punctuation or spacing ("Kumar & Chatterjee Ltda." =
 * "KUMAR AND CHATTERJEE LTDA"); 0 for none. */
static uint32_t name_hash(struct buf *tmp, struct buf *fold, const char *s,
			  size_t n)
{
	uint32_t h;

	if (!n || text_fold(fold, s, n) < 0)
		return 0;
	buf_reset(tmp);
	for (size_t i = 0; i < fold->len; i++) {
		unsigned char c = (unsigned char)fold->p[i];
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80)
			buf_addc(tmp, (char)c);
		else if (c == '&')
			buf_add(tmp, "and", 3);
	}
	if (!tmp->len)
		return 0;
	h = (uint32_t)(XXH3_64bits(tmp->p, tmp->len) >> 32);
	return h ? h : 1;
}

static inline uint32_t arena_add(struct matcher *m, const char *s, size_t n,
				 struct cov_err *e)
{
	size_t off = m->arena.len;

	if (off + n >= UINT32_MAX) {
		err_set(e, COV_EXIT_IO, NULL, 0, "too_large",
			"accounts take more than 4 GB of text");
		return NONE;
	}
	buf_add(&m->arena, s, n);
	return (uint32_t)off;
}

static inline const char *arena_at(const struct matcher *m, uint32_t off)
{
	return m->arena.p + off;
}

/* ---- hash tables ------------------------------------------------------------ */

static inline uint64_t hash_str(const char *s, size_t n)
{
	return XXH3_64bits(s, n);
}

static const char *value_str(const struct matcher *m, const struct htab *h,
			     uint32_t v, size_t *n)
{
	if (h == &m->ids) {
		*n = m->acct[v].id_len;
		return arena_at(m, m->acct[v].id_off);
	}
	*n = m->node[v].len;
	return arena_at(m, m->node[v].off);
}

/* The value stored for s, or NONE. */
static uint32_t ht_find(const struct matcher *m, const struct htab *h,
			const char *s, size_t n, uint64_t hash)
{
	uint32_t tag = (uint32_t)(hash >> 32);
	size_t i;

	if (!h->slot)
		return NONE;
	for (i = hash & h->mask;; i = (i + 1) & h->mask) {
		uint64_t sl = h->slot[i];
		uint32_t v;
		const char *p;
		size_t k;
		if (!sl)
			return NONE;
		if ((uint32_t)(sl >> 32) != tag)
			continue;
		v = (uint32_t)sl - 1;
		p = value_str(m, h, v, &k);
		if (k == n && memcmp(p, s, n) == 0)
			return v;
	}
}

static void ht_place(struct htab *h, uint64_t hash, uint32_t v)
{
	size_t i = hash & h->mask;

	while (h->slot[i])
		i = (i + 1) & h->mask;
	h->slot[i] = (hash >> 32 << 32) | ((uint64_t)v + 1);
	h->n++;
}

/* Insert v (not present) under hash, doubling past 3/4 full. */
static void ht_insert(struct matcher *m, struct htab *h, uint64_t hash,
		      uint32_t v)
{
	if ((h->n + 1) * 4 > (h->mask + 1) * 3 || !h->slot) {
		size_t cap = h->slot ? (h->mask + 1) * 2 : 64;
		struct htab nh = {xcalloc(cap, sizeof *nh.slot), cap - 1, 0};
		if (h->slot) {
			for (size_t i = 0; i <= h->mask; i++) {
				uint64_t sl = h->slot[i];
				const char *p;
				size_t k;
				if (!sl)
					continue;
				p = value_str(m, h, (uint32_t)sl - 1, &k);
				ht_place(&nh, hash_str(p, k), (uint32_t)sl - 1);
			}
			free(h->slot);
		}
		*h = nh;
	}
	ht_place(h, hash, v);
}

/* The node of s in table h, created (with no account) when absent. */
static uint32_t node_get(struct matcher *m, struct htab *h, const char *s,
			 size_t n, struct cov_err *e)
{
	uint64_t hash = hash_str(s, n);
	uint32_t v = ht_find(m, h, s, n, hash);
	struct node *nd;

	if (v != NONE)
		return v;
	if (m->nnode == m->ncap) {
		m->ncap = m->ncap ? m->ncap * 2 : 256;
		m->node = xrealloc(m->node, m->ncap * sizeof *m->node);
		m->tail = xrealloc(m->tail, m->ncap * sizeof *m->tail);
	}
	nd = &m->node[m->nnode];
	nd->off = arena_add(m, s, n, e);
	if (nd->off == NONE)
		return NONE;
	nd->len = (uint32_t)n;
	nd->is_key = h == &m->keys;
	nd->count = 0;
	nd->head = NONE;
	m->tail[m->nnode] = NONE;
	ht_insert(m, h, hash, (uint32_t)m->nnode);
	return (uint32_t)m->nnode++;
}

static uint32_t post_new(struct matcher *m, uint32_t acct)
{
	if (m->npost == m->pcap) {
		m->pcap = m->pcap ? m->pcap * 2 : 256;
		m->post = xrealloc(m->post, m->pcap * sizeof *m->post);
	}
	m->post[m->npost].acct = acct;
	m->post[m->npost].next = NONE;
	return (uint32_t)m->npost++;
}

/* Add account a to node v, once, in file order. */
static void node_add(struct matcher *m, uint32_t v, uint32_t a)
{
	struct node *nd = &m->node[v];

	if (nd->count == 0) {
		nd->head = a;
		nd->count = 1;
		return;
	}
	if (nd->count == 1) {
		uint32_t first;
		if (nd->head == a)
			return;
		first = post_new(m, nd->head);
		nd = &m->node[v];
		nd->head = first;
		m->tail[v] = first;
	} else if (m->post[m->tail[v]].acct == a) {
		return; /* the same account lists a domain twice */
	}
	{
		uint32_t p = post_new(m, a);
		m->post[m->tail[v]].next = p;
		m->tail[v] = p;
		m->node[v].count++;
	}
}

/* ---- matcher -------------------------------------------------------------- */

struct matcher *matcher_new(void)
{
	struct matcher *m = xcalloc(1, sizeof *m);

	m->min_score = MATCH_MIN_SCORE;
	for (int i = 0; i < MATCH_NROLES; i++)
		m->field[i] = xstrdup(role_name[i]);
	m->v = validator_new();
	m->keymemo = memo_new(4096);
	m->ccmemo = memo_new(512);
	m->fzmemo = memo_new(8192);
	return m;
}

void matcher_free(struct matcher *m)
{
	if (!m)
		return;
	buf_release(&m->arena);
	free(m->acct);
	free(m->node);
	free(m->post);
	free(m->ids.slot);
	free(m->doms.slot);
	free(m->keys.slot);
	free(m->fz);
	free(m->fzdir);
	free(m->parent_off);
	free(m->parent_len);
	free(m->line);
	free(m->tail);
	for (int i = 0; i < MATCH_NROLES; i++)
		free(m->field[i]);
	for (size_t i = 0; i < m->nwith; i++) {
		free(m->with[i]);
		free(m->with_out[i]);
	}
	free(m->with);
	free(m->with_out);
	free(m->f_with);
	free(m->order);
	validator_free(m->v);
	free(m->dcache);
	memo_free(m->keymemo);
	memo_free(m->ccmemo);
	memo_free(m->fzmemo);
	buf_release(&m->key);
	buf_release(&m->host);
	buf_release(&m->reg);
	buf_release(&m->tmp);
	buf_release(&m->out);
	buf_release(&m->fold);
	buf_release(&m->dk);
	free(m->decision);
	free(m);
}

/* Call fn on each item of a comma-separated list, trimmed of spaces. */
static int each_item(const char *list, const char *opt,
		     int (*fn)(struct matcher *, const char *, size_t,
			       struct cov_err *),
		     struct matcher *m, struct cov_err *e)
{
	const char *p = list;

	for (;;) {
		const char *end = strchr(p, ',');
		size_t n;
		if (!end)
			end = p + strlen(p);
		n = (size_t)(end - p);
		trim(&p, &n);
		if (n == 0) {
			err_set(e, COV_EXIT_USAGE, NULL, 0, "usage",
				"%s: empty item in '%s'", opt, list);
			return -1;
		}
		if (fn(m, p, n, e) < 0)
			return -1;
		if (!*end)
			return 0;
		p = end + 1;
	}
}

static int field_item(struct matcher *m, const char *s, size_t n,
		      struct cov_err *e)
{
	const char *eq = memchr(s, '=', n);
	const char *name;
	size_t rn, nn;

	if (!eq || eq == s || eq + 1 == s + n) {
		err_set(e, COV_EXIT_USAGE, NULL, 0, "usage",
			"--field: expected 'role=NAME', got '%.*s'",
			(int)(n > 60 ? 60 : n), s);
		return -1;
	}
	rn = (size_t)(eq - s);
	while (rn > 0 && s[rn - 1] == ' ')
		rn--;
	name = eq + 1;
	nn = (size_t)(s + n - name);
	while (nn > 0 && *name == ' ')
		name++, nn--;
	for (int i = 0; i < MATCH_NROLES; i++)
		if (strlen(role_name[i]) == rn && memcmp(role_name[i], s, rn) == 0) {
			free(m->field[i]);
			m->field[i] = xstrndup(name, nn);
			m->bound = 0;
			return 0;
		}
	err_set(e, COV_EXIT_USAGE, NULL, 0, "usage",
		"--field: unknown role '%.*s' (account_id, email, email_domain, company, company_key, country)",
		(int)(rn > 60 ? 60 : rn), s);
	return -1;
}

int matcher_set_fields(struct matcher *m, const char *spec, struct cov_err *e)
{
	return each_item(spec, "--field", field_item, m, e);
}

/* snake_case of s: lower-case ASCII letters and digits, other runs '_'. */
static void snake(struct buf *out, const char *s, size_t n)
{
	int gap = 0;

	buf_reset(out);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 'A' && c <= 'Z')
			c += 32;
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80) {
			if (gap && out->len)
				buf_addc(out, '_');
			gap = 0;
			buf_addc(out, (char)c);
		} else {
			gap = 1;
		}
	}
	buf_cstr(out);
}

static int with_item(struct matcher *m, const char *s, size_t n,
		     struct cov_err *e)
{
	(void)e;
	m->with = xrealloc(m->with, (m->nwith + 1) * sizeof *m->with);
	m->with_out = xrealloc(m->with_out, (m->nwith + 1) * sizeof *m->with_out);
	m->with[m->nwith] = xstrndup(s, n);
	snake(&m->tmp, s, n);
	buf_reset(&m->out);
	buf_adds(&m->out, "account_");
	buf_add(&m->out, m->tmp.p, m->tmp.len);
	m->with_out[m->nwith] = xstrndup(m->out.p, m->out.len);
	m->nwith++;
	return 0;
}

int matcher_set_with(struct matcher *m, const char *list, struct cov_err *e)
{
	return each_item(list, "--with", with_item, m, e);
}

int matcher_set_min_score(struct matcher *m, double min, struct cov_err *e)
{
	if (!(min >= 0 && min <= 1)) {
		err_set(e, COV_EXIT_USAGE, NULL, 0, "usage",
			"--min-score: expected a score between 0 and 1");
		return -1;
	}
	m->min_score = min;
	/* fuzzy answers depend on the minimum */
	memo_free(m->fzmemo);
	m->fzmemo = memo_new(8192);
	return 0;
}

void matcher_set_explain(struct matcher *m, int on)
{
	m->explain = on;
	m->bound = 0;
}

int matcher_load_domains(struct matcher *m, const char *path,
			 struct cov_err *e)
{
	return validator_load_domains(m->v, path, e);
}

size_t matcher_accounts(const struct matcher *m) { return m->nacct; }

const char *matcher_account_id(const struct matcher *m, uint32_t i,
			       size_t *n)
{
	*n = m->acct[i].id_len;
	return arena_at(m, m->acct[i].id_off);
}

const char *match_method_name(enum match_method k)
{
	return k < MATCH_NMETHODS ? method_name[k] : "none";
}

/* ---- accounts ----------------------------------------------------------- */

/* The tier number in "1", "Tier 2", "T3"; TIER_NONE when none. */
static uint16_t tier_parse(const char *s, size_t n)
{
	unsigned v = 0;
	size_t i = 0;

	while (i < n && !(s[i] >= '0' && s[i] <= '9'))
		i++;
	if (i == n)
		return TIER_NONE;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
		v = v * 10 + (unsigned)(s[i] - '0');
		if (v >= TIER_NONE)
			return TIER_NONE - 1;
	}
	return (uint16_t)v;
}

static int is_domain_sep(char c)
{
	return c == ';' || c == ',' || c == '|' || c == '[' || c == ']' ||
	       c == '"' || c == '\'' || is_space((unsigned char)c);
}

/* Index the registrable domains of a list for account a. */
static int add_domains(struct matcher *m, uint32_t a, const char *s,
		       size_t n, struct cov_err *e)
{
	size_t i = 0;

	while (i < n) {
		size_t j;
		uint32_t v;
		while (i < n && is_domain_sep(s[i]))
			i++;
		for (j = i; j < n && !is_domain_sep(s[j]); j++)
			;
		if (j > i && domain_registrable(s + i, j - i, &m->reg) == 0 &&
		    !(validator_domain_class(m->v, m->reg.p, m->reg.len) &
		      (VALIDATE_FREEMAIL | VALIDATE_DISPOSABLE))) {
			v = node_get(m, &m->doms, m->reg.p, m->reg.len, e);
			if (v == NONE)
				return -1;
			node_add(m, v, a);
			if (m->acct[a].dom == NONE)
				m->acct[a].dom = v;
		}
		i = j;
	}
	return 0;
}

static int add_account(struct matcher *m, const char *id, size_t idn,
		       const char *name, size_t namen, const char *key,
		       size_t keyn, const char *doms, size_t domsn,
		       const char *country, size_t countryn, const char *tier,
		       size_t tiern, const char *parent, size_t parentn,
		       const char **with, const size_t *withn, const char *file,
		       long line, struct cov_err *e)
{
	struct acct *a;
	uint32_t ai, v;
	uint64_t h;

	trim(&id, &idn);
	if (idn == 0) {
		err_set(e, COV_EXIT_DATA, file, line, "account_id_empty",
			"account_id is empty");
		return -1;
	}
	if (idn > 1024) {
		err_set(e, COV_EXIT_DATA, file, line, "account_id_long",
			"account_id is longer than 1024 bytes");
		return -1;
	}
	h = hash_str(id, idn);
	if ((v = ht_find(m, &m->ids, id, idn, h)) != NONE) {
		char q[80] = "";
		err_quote_value(q, sizeof q, id, idn, 40);
		if (m->line && m->line[v])
			err_set(e, COV_EXIT_DATA, file, line, "account_id_duplicate",
				"duplicate account_id %s (first on line %u)", q,
				m->line[v]);
		else
			err_set(e, COV_EXIT_DATA, file, line, "account_id_duplicate",
				"duplicate account_id %s", q);
		return -1;
	}
	if (m->nacct >= NONE - 1) {
		err_set(e, COV_EXIT_IO, file, line, "too_large",
			"too many accounts");
		return -1;
	}
	if (m->nacct == m->acap) {
		m->acap = m->acap ? m->acap * 2 : 256;
		m->acct = xrealloc(m->acct, m->acap * sizeof *m->acct);
		m->parent_off = xrealloc(m->parent_off,
					 m->acap * sizeof *m->parent_off);
		m->parent_len = xrealloc(m->parent_len,
					 m->acap * sizeof *m->parent_len);
		m->line = xrealloc(m->line, m->acap * sizeof *m->line);
	}
	ai = (uint32_t)m->nacct;
	a = &m->acct[ai];
	memset(a, 0, sizeof *a);
	a->key = a->dom = a->parent = NONE;
	if ((a->id_off = arena_add(m, id, idn, e)) == NONE)
		return -1;
	a->id_len = (uint16_t)idn;
	a->flags = AF_ID_CLEAN;
	for (size_t i = 0; i < idn; i++)
		if (id[i] == ',' || id[i] == '"' || id[i] == '\r' || id[i] == '\n')
			a->flags = 0;
	m->line[ai] = line > 0 && line < (long)UINT32_MAX ? (uint32_t)line : 0;
	m->nacct++;
	ht_insert(m, &m->ids, h, ai);

	/* company key: derived from the name, else as given */
	trim(&name, &namen);
	m->acct[ai].name = name_hash(&m->out, &m->fold, name, namen);
	if (namen && company_key(name, namen, &m->key) == 0) {
		key = m->key.p;
		keyn = m->key.len;
	} else {
		trim(&key, &keyn);
	}
	if (keyn) {
		if ((v = node_get(m, &m->keys, key, keyn, e)) == NONE)
			return -1;
		node_add(m, v, ai);
		m->acct[ai].key = v;
	}
	if (domsn && add_domains(m, ai, doms, domsn, e) < 0)
		return -1;
	a = &m->acct[ai];
	trim(&country, &countryn);
	if (countryn) {
		char cc[3];
		if (country_code(country, countryn, cc))
			memcpy(a->cc, cc, 2);
	}
	trim(&tier, &tiern);
	a->tier = tiern ? tier_parse(tier, tiern) : TIER_NONE;
	trim(&parent, &parentn);
	m->parent_off[ai] = 0;
	m->parent_len[ai] = 0;
	if (parentn && !id_placeholder(parent, parentn) && parentn <= 1024) {
		uint32_t off = arena_add(m, parent, parentn, e);
		if (off == NONE)
			return -1;
		m->parent_off[ai] = off + 1;
		m->parent_len[ai] = (uint16_t)parentn;
	}
	if (m->nwith) {
		/* each value: 2-byte length, then its bytes */
		a->with = (uint32_t)m->arena.len;
		for (size_t i = 0; i < m->nwith; i++) {
			const char *w = with ? with[i] : NULL;
			size_t wn = with ? withn[i] : 0;
			unsigned char len[2];
			trim(&w, &wn);
			if (wn > 65535)
				wn = 65535;
			len[0] = (unsigned char)(wn & 0xff);
			len[1] = (unsigned char)(wn >> 8);
			if (arena_add(m, (const char *)len, 2, e) == NONE ||
			    (wn && arena_add(m, w, wn, e) == NONE))
				return -1;
		}
		m->acct[ai].with = a->with;
	}
	return 0;
}

int matcher_add_account(struct matcher *m, const char *id, const char *name,
			const char *domains, const char *country,
			const char *tier, const char *parent,
			const char *const *with, struct cov_err *e)
{
	size_t *wn = xcalloc(m->nwith + 1, sizeof *wn);
	const char **w = xcalloc(m->nwith + 1, sizeof *w);
	int r;

	if (m->finished) {
		err_set(e, COV_EXIT_IO, NULL, 0, "internal",
			"internal error: account added after matcher_finish");
		r = -1;
		goto out;
	}
	for (size_t i = 0; i < m->nwith; i++) {
		w[i] = with ? with[i] : NULL;
		wn[i] = w[i] ? strlen(w[i]) : 0;
	}
#define L(s) (s), ((s) ? strlen(s) : 0)
	r = add_account(m, L(id), L(name), NULL, 0, L(domains), L(country),
			L(tier), L(parent), w, wn, NULL, 0, e);
#undef L
out:
	free(wn);
	free(w);
	return r;
}

/* The blocking keys of a company key, hashed (see the top comment). */
static size_t blocks_of(const char *s, size_t n, uint32_t *out, size_t max)
{
	size_t k = 0, i = 0;

	while (i < n && k + 3 <= max) {
		size_t j;
		while (i < n && s[i] == ' ')
			i++;
		for (j = i; j < n && s[j] != ' '; j++)
			;
		if (j - i >= 2)
			out[k++] = (uint32_t)(XXH3_64bits_withSeed(s + i, j - i, 1) >> 32);
		if (j - i >= 5) {
			out[k++] = (uint32_t)(XXH3_64bits_withSeed(s + i, 4, 2) >> 32);
			out[k++] = (uint32_t)(XXH3_64bits_withSeed(s + j - 4, 4, 3) >> 32);
		}
		i = j;
	}
	return k;
}

/* Sort v[0..n) ascending: LSD radix, four passes of 16 bits (a temporary
 * copy of the array while it runs). */
static void radix_sort(uint64_t *v, size_t n)
{
	uint64_t *tmp, *src = v, *dst;
	size_t *count;

	if (n < 2)
		return;
	tmp = xmalloc(n * sizeof *tmp);
	count = xmalloc(65536 * sizeof *count);
	dst = tmp;
	for (int pass = 0; pass < 4; pass++) {
		unsigned sh = (unsigned)pass * 16;
		size_t sum = 0;
		memset(count, 0, 65536 * sizeof *count);
		for (size_t i = 0; i < n; i++)
			count[(src[i] >> sh) & 0xffff]++;
		for (size_t b = 0; b < 65536; b++) {
			size_t c = count[b];
			count[b] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[count[(src[i] >> sh) & 0xffff]++] = src[i];
		{
			uint64_t *t = src;
			src = dst;
			dst = t;
		}
	}
	/* four passes: the result is back in v */
	free(tmp);
	free(count);
}

static void fuzzy_build(struct matcher *m)
{
	uint32_t bl[96];
	size_t total = 0, k, w, i;

	for (int pass = 0; pass < 2; pass++) {
		k = 0;
		for (i = 0; i < m->nnode; i++) {
			const struct node *nd = &m->node[i];
			size_t nb;
			if (!nd->is_key || nd->len > FUZZY_MAX_KEY || nd->len == 0)
				continue;
			nb = blocks_of(arena_at(m, nd->off), nd->len, bl, 96);
			if (pass == 0)
				total += nb;
			else
				for (size_t b = 0; b < nb; b++)
					m->fz[k++] = (uint64_t)bl[b] << 32 | i;
		}
		if (pass == 0)
			m->fz = xmalloc((total ? total : 1) * sizeof *m->fz);
	}
	radix_sort(m->fz, total);
	/* drop repeated entries and blocks shared by too many keys */
	for (i = 0, w = 0; i < total;) {
		size_t j = i + 1, d = 1;
		while (j < total && m->fz[j] >> 32 == m->fz[i] >> 32)
			j++;
		for (size_t t = i + 1; t < j; t++)
			d += m->fz[t] != m->fz[t - 1];
		if (d <= FUZZY_BLOCK_MAX)
			for (size_t t = i; t < j; t++)
				if (t == i || m->fz[t] != m->fz[t - 1])
					m->fz[w++] = m->fz[t];
		i = j;
	}
	m->nfz = w;
	m->fz = xrealloc(m->fz, (w ? w : 1) * sizeof *m->fz);
	/* a directory on the top bits: about four entries a bucket */
	m->fzbits = 4;
	while (m->fzbits < 28 && ((size_t)1 << m->fzbits) * 4 < w)
		m->fzbits++;
	m->fzdir = xmalloc((((size_t)1 << m->fzbits) + 1) * sizeof *m->fzdir);
	for (size_t b = 0, t = 0; b <= ((size_t)1 << m->fzbits); b++) {
		while (t < w && (m->fz[t] >> (64 - m->fzbits)) < b)
			t++;
		m->fzdir[b] = (uint32_t)t;
	}
}

void matcher_finish(struct matcher *m)
{
	size_t i, slots;

	if (m->finished)
		return;
	m->finished = 1;
	/* parents, then depths (a cycle stops at 255) */
	for (i = 0; i < m->nacct; i++) {
		if (!m->parent_off || !m->parent_off[i])
			continue;
		const char *p = arena_at(m, m->parent_off[i] - 1);
		size_t n = m->parent_len[i];
		uint32_t v = ht_find(m, &m->ids, p, n, hash_str(p, n));
		if (v != NONE && v != i)
			m->acct[i].parent = v;
	}
	for (i = 0; i < m->nacct; i++) {
		uint32_t p = m->acct[i].parent, web = NONE;
		unsigned d = 0;
		while (p != NONE && d < 255) {
			if (web == NONE && m->acct[p].dom != NONE)
				web = m->acct[p].dom;
			d++;
			p = m->acct[p].parent;
		}
		m->acct[i].depth = (uint8_t)d;
		/* a subsidiary without a website of its own is reached
		 * through its nearest ancestor's (first) domain */
		if (m->acct[i].dom == NONE && web != NONE) {
			node_add(m, web, (uint32_t)i);
			m->acct[i].flags |= AF_INHERITED;
		}
	}
	free(m->parent_off);
	free(m->parent_len);
	free(m->line);
	free(m->tail);
	m->parent_off = NULL;
	m->parent_len = NULL;
	m->line = NULL;
	m->tail = NULL;
	/* trim the growth slack of the flat arrays */
	if (m->nacct) {
		m->acct = xrealloc(m->acct, m->nacct * sizeof *m->acct);
		m->acap = m->nacct;
	}
	if (m->nnode) {
		m->node = xrealloc(m->node, m->nnode * sizeof *m->node);
		m->ncap = m->nnode;
	}
	if (m->npost) {
		m->post = xrealloc(m->post, m->npost * sizeof *m->post);
		m->pcap = m->npost;
	}
	if (m->arena.len)
		m->arena.p = xrealloc(m->arena.p, m->arena.cap = m->arena.len);
	fuzzy_build(m);
	slots = DCACHE_MIN;
	while (slots < DCACHE_MAX && slots < m->doms.n * 2)
		slots *= 2;
	m->dcache = xcalloc(slots, sizeof *m->dcache);
	m->dmask = slots - 1;
	{
		/* one decision slot per shared domain or key, about */
		size_t shared = 0;
		for (i = 0; i < m->nnode; i++)
			shared += m->node[i].count > 1;
		slots = DCACHE_MIN;
		while (slots < DCACHE_MAX && slots < shared * 2)
			slots *= 2;
		m->decision = xcalloc(slots, sizeof *m->decision);
		m->decmask = slots - 1;
	}
}

/* Extra account-export column names norm_header does not map. */
static const char *extra_canonical(const char *s, size_t n, struct buf *tmp)
{
	static const struct {
		const char *name, *canonical;
	} extra[] = {
		{"parentaccountid", "parent_account_id"},
		{"parentid", "parent_account_id"},
		{"parentcompanyid", "parent_account_id"},
		{"hsparentcompanyid", "parent_account_id"},
		{"parentaccount", "parent_account_id"},
		{"domains", "domains"},
		{"additionaldomains", "domains"},
		{"hsadditionaldomains", "domains"},
		{"otherdomains", "domains"},
		{"aliasdomains", "domains"},
		{"domainaliases", "domains"},
		{"emaildomains", "domains"},
		{"website2", "domains"},
	};

	buf_reset(tmp);
	if (n > 3 && memcmp(s + n - 3, "__c", 3) == 0)
		n -= 3; /* a Salesforce custom field */
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 'A' && c <= 'Z')
			c += 32;
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			buf_addc(tmp, (char)c);
	}
	for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
		if (strlen(extra[i].name) == tmp->len &&
		    memcmp(extra[i].name, tmp->p, tmp->len) == 0)
			return extra[i].canonical;
	return NULL;
}

struct colmap {
	unsigned char *role;  /* per column: AC_* */
	int *with_col;        /* per --with name: column, -1 */
	int company_col;      /* the first company column, for --with name */
	size_t mapped;
	int has_id;
};

static void map_columns(struct matcher *m, const struct schema *s,
			struct colmap *cm)
{
	if (cm->mapped == s->n)
		return;
	cm->role = xrealloc(cm->role, s->n ? s->n : 1);
	for (size_t i = cm->mapped; i < s->n; i++) {
		const struct header_match *hm =
			header_lookup(s->names[i], s->lens[i], HEADER_ACCOUNTS);
		const char *c = hm ? hm->canonical
				   : extra_canonical(s->names[i], s->lens[i], &m->tmp);
		unsigned char r = AC_NONE;
		if (!c)
			;
		else if (!strcmp(c, "account_id"))
			r = AC_ID;
		else if (!strcmp(c, "company"))
			r = AC_COMPANY;
		else if (!strcmp(c, "company_key"))
			r = AC_KEY;
		else if (!strcmp(c, "domain") || !strcmp(c, "domains"))
			r = AC_DOMAIN;
		else if (!strcmp(c, "country"))
			r = AC_COUNTRY;
		else if (!strcmp(c, "tier"))
			r = AC_TIER;
		else if (!strcmp(c, "parent_account_id"))
			r = AC_PARENT;
		/* the first account_id column is the id; others are not */
		if (r == AC_ID && cm->has_id)
			r = AC_NONE;
		if (r == AC_ID)
			cm->has_id = 1;
		if (r == AC_COMPANY && cm->company_col < 0)
			cm->company_col = (int)i;
		cm->role[i] = r;
		for (size_t w = 0; w < m->nwith; w++) {
			const char *want = m->with[w];
			size_t wl = strlen(want);
			const struct header_match *wm;
			if (cm->with_col[w] >= 0)
				continue;
			if (!strcmp(want, "name") && r == AC_COMPANY) {
				cm->with_col[w] = (int)i;
				continue;
			}
			wm = header_lookup(want, wl, HEADER_ACCOUNTS);
			if (wm && c && !strcmp(wm->canonical, c)) {
				cm->with_col[w] = (int)i;
				continue;
			}
			if (c && strlen(c) == wl && !memcmp(c, want, wl)) {
				cm->with_col[w] = (int)i;
				continue;
			}
			snake(&m->out, want, wl);
			snake(&m->key, s->names[i], s->lens[i]);
			if (m->out.len == m->key.len &&
			    !memcmp(m->out.p, m->key.p, m->key.len))
				cm->with_col[w] = (int)i;
		}
	}
	cm->mapped = s->n;
}

/* Field i of rec trimmed, JSON null as empty. */
static void rec_value(const struct record *rec, int i, const char **s,
		      size_t *n)
{
	*s = NULL;
	*n = 0;
	if (i < 0 || (size_t)i >= rec->nf || rec->f[i].kind == VAL_ABSENT)
		return;
	*s = rec_val(rec, (size_t)i);
	*n = rec_len(rec, (size_t)i);
	trim(s, n);
	if (rec->f[i].kind == VAL_RAW && *n == 4 && memcmp(*s, "null", 4) == 0)
		*n = 0;
}

int matcher_load_accounts(struct matcher *m, const char *path,
			  struct cov_err *e)
{
	struct schema s = SCHEMA_INIT;
	struct record rec = RECORD_INIT;
	struct colmap cm = {NULL, NULL, -1, 0, 0};
	struct reader *r;
	struct buf doms = BUF_INIT;
	const char **wv = NULL;
	size_t *wn = NULL;
	int k, rc = -1;

	r = reader_open(path, FMT_AUTO, &s, e);
	if (!r)
		return -1;
	cm.with_col = xmalloc((m->nwith + 1) * sizeof *cm.with_col);
	for (size_t w = 0; w < m->nwith; w++)
		cm.with_col[w] = -1;
	wv = xcalloc(m->nwith + 1, sizeof *wv);
	wn = xcalloc(m->nwith + 1, sizeof *wn);
	map_columns(m, &s, &cm);
	if (r->fmt != FMT_NDJSON && !cm.has_id) {
		err_set(e, COV_EXIT_DATA, r->in->name, 1, "no_account_id",
			"no account_id field (a column such as 'Account ID', 'Id' or 'account_id')");
		goto out;
	}
	while ((k = reader_next(r, &rec, e)) > 0) {
		const char *id = NULL, *name = NULL, *key = NULL, *cty = NULL,
			   *tier = NULL, *par = NULL, *v;
		size_t idn = 0, namen = 0, keyn = 0, ctyn = 0, tiern = 0,
		       parn = 0, vn;
		map_columns(m, &s, &cm);
		if (!cm.has_id) {
			err_set(e, COV_EXIT_DATA, r->in->name, rec.line,
				"no_account_id", "no account_id field");
			goto out;
		}
		buf_reset(&doms);
		for (size_t i = 0; i < rec.nf && i < cm.mapped; i++) {
			if (cm.role[i] == AC_NONE)
				continue;
			rec_value(&rec, (int)i, &v, &vn);
			if (!vn)
				continue;
			switch (cm.role[i]) {
			case AC_ID:
				id = v, idn = vn;
				break;
			case AC_COMPANY:
				if (!namen)
					name = v, namen = vn;
				break;
			case AC_KEY:
				if (!keyn)
					key = v, keyn = vn;
				break;
			case AC_DOMAIN:
				if (doms.len)
					buf_addc(&doms, ' ');
				buf_add(&doms, v, vn);
				break;
			case AC_COUNTRY:
				if (!ctyn)
					cty = v, ctyn = vn;
				break;
			case AC_TIER:
				if (!tiern)
					tier = v, tiern = vn;
				break;
			case AC_PARENT:
				if (!parn)
					par = v, parn = vn;
				break;
			}
		}
		for (size_t w = 0; w < m->nwith; w++)
			rec_value(&rec, cm.with_col[w], &wv[w], &wn[w]);
		if (add_account(m, id, idn, name, namen, key, keyn, doms.p,
				doms.len, cty, ctyn, tier, tiern, par, parn, wv,
				wn, r->in->name, rec.line, e) < 0)
			goto out;
	}
	if (k < 0)
		goto out;
	if (!cm.has_id) {
		err_set(e, COV_EXIT_DATA, r->in->name, 0, "no_account_id",
			"no account_id field (a key such as 'Account ID', 'Id' or 'account_id')");
		goto out;
	}
	for (size_t w = 0; w < m->nwith; w++)
		if (cm.with_col[w] < 0) {
			err_set(e, COV_EXIT_USAGE, r->in->name, 0, "usage",
				"--with: no field '%s' in the accounts file",
				m->with[w]);
			goto out;
		}
	matcher_finish(m);
	rc = 0;
out:
	reader_close(r);
	schema_release(&s);
	rec_release(&rec);
	buf_release(&doms);
	free(cm.role);
	free(cm.with_col);
	free(wv);
	free(wn);
	return rc;
}

size_t matcher_memory(const struct matcher *m)
{
	return m->arena.cap + m->acap * sizeof *m->acct +
	       m->ncap * sizeof *m->node + m->pcap * sizeof *m->post +
	       (m->ids.slot ? (m->ids.mask + 1) * 8 : 0) +
	       (m->doms.slot ? (m->doms.mask + 1) * 8 : 0) +
	       (m->keys.slot ? (m->keys.mask + 1) * 8 : 0) +
	       m->nfz * sizeof *m->fz +
	       (m->fzdir ? (((size_t)1 << m->fzbits) + 1) * 4 : 0);
}

size_t matcher_cache_memory(const struct matcher *m)
{
	size_t entries, bytes;

	validator_domain_stats(m->v, &entries, &bytes);
	return (m->dcache ? (m->dmask + 1) * sizeof *m->dcache : 0) + bytes +
	       entries * 24 + (4096 + 512 + 8192) * (2 * MEMO_MAX + 24);
}

/* ---- similarity ----------------------------------------------------------- */

/* Levenshtein distance of a and b, or maxd + 1 once it must exceed maxd
 * (only the band |i - j| <= maxd is computed).  Both at most
 * FUZZY_MAX_KEY bytes. */
static int lev_bounded(const char *a, size_t an, const char *b, size_t bn,
		       int maxd)
{
	int row[2][FUZZY_MAX_KEY + 2];
	int *prev = row[0], *cur = row[1], *t;
	const int big = maxd + 1;
	size_t md = (size_t)maxd;

	if ((an > bn ? an - bn : bn - an) > md)
		return big;
	for (size_t j = 0; j <= bn; j++)
		prev[j] = j <= md ? (int)j : big;
	for (size_t i = 1; i <= an; i++) {
		size_t lo = i > md ? i - md : 1;
		size_t hi = i + md < bn ? i + md : bn;
		int best;
		cur[0] = i <= md ? (int)i : big;
		if (lo > 1)
			cur[lo - 1] = big;
		best = lo == 1 ? cur[0] : big;
		for (size_t j = lo; j <= hi; j++) {
			int c = prev[j - 1] + (a[i - 1] != b[j - 1]);
			int d = prev[j] + 1, l = cur[j - 1] + 1;
			if (d < c)
				c = d;
			if (l < c)
				c = l;
			if (c > big)
				c = big;
			cur[j] = c;
			if (c < best)
				best = c;
		}
		if (hi < bn)
			cur[hi + 1] = big;
		if (best > maxd)
			return big;
		t = prev;
		prev = cur;
		cur = t;
	}
	return prev[bn] > maxd ? big : prev[bn];
}

static double sim_bounded(const char *a, size_t an, const char *b, size_t bn,
			  double min)
{
	size_t mx = an > bn ? an : bn;
	int maxd, d;

	if (mx == 0)
		return 1;
	if (an > FUZZY_MAX_KEY || bn > FUZZY_MAX_KEY)
		return 0;
	maxd = (int)floor((1.0 - min) * (double)mx + 1e-9);
	if (maxd >= (int)mx)
		maxd = (int)mx;
	d = lev_bounded(a, an, b, bn, maxd);
	if (d > maxd)
		return 0;
	return 1.0 - (double)d / (double)mx;
}

double match_similarity(const char *a, size_t an, const char *b, size_t bn)
{
	return sim_bounded(a, an, b, bn, 0);
}

/* Words that name a region rather than a company. */
static int region_word(const char *s, size_t n)
{
	static const struct word w[] = {
		W("emea"), W("apac"), W("latam"), W("americas"), W("europe"),
		W("asia"), W("africa"), W("nordics"), W("benelux"), W("dach"),
		W("international"), W("intl"), W("worldwide"),
		W("north america"), W("south america"), W("middle east"),
		W("asia pacific"), W("latin america"), W("mena"), W("anz"),
	};

	return in_words(s, n, w, sizeof w / sizeof w[0]);
}

/* Length of key without a trailing place name (one or two words), or
 * the whole length when it has none or is nothing else; cc gets the
 * place's country code when it is a country. */
static size_t strip_place(const char *s, size_t n, char cc[3])
{
	cc[0] = cc[1] = cc[2] = 0;
	for (int words = 1; words <= 2; words++) {
		size_t cut = n;
		int w = 0;
		while (w < words && cut > 0) {
			size_t sp = cut;
			while (sp > 0 && s[sp - 1] != ' ')
				sp--;
			if (sp == 0)
				return n; /* the place is the whole key */
			cut = sp - 1;
			w++;
		}
		if (w == words) {
			const char *t = s + cut + 1;
			size_t tn = n - cut - 1;
			if (region_word(t, tn) ||
			    (tn > 2 && country_code(t, tn, cc)))
				return cut;
		}
	}
	cc[0] = cc[1] = 0;
	return n;
}

/* Fuzzy score of a contact key (and its place-stripped form) against an
 * account key; 0 below min. */
static double fuzzy_score(const char *q, size_t qn, size_t qcut,
			  const char *k, size_t kn, double min)
{
	double s = sim_bounded(q, qn, k, kn, min);

	if (qcut < qn && s < 1.0) {
		double t = GEO_FACTOR * sim_bounded(q, qcut, k, kn,
						   min / GEO_FACTOR > 1 ? 1 : min / GEO_FACTOR);
		if (t > s && t >= min)
			s = t;
	}
	return s >= min ? s : 0;
}

/* ---- matching ------------------------------------------------------------- */

/* Salesforce: the 18-character form of a 15-character id (case-safe
 * checksum suffix), or 0 when s is not one. */
static int sf_id18(const char *s, size_t n, char out[18])
{
	static const char ck[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

	if (n != 15)
		return 0;
	for (size_t i = 0; i < 15; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		      (c >= 'A' && c <= 'Z')))
			return 0;
	}
	memcpy(out, s, 15);
	for (int i = 0; i < 3; i++) {
		unsigned bits = 0;
		for (int j = 0; j < 5; j++)
			if (s[i * 5 + j] >= 'A' && s[i * 5 + j] <= 'Z')
				bits |= 1u << j;
		out[15 + i] = ck[bits];
	}
	return 1;
}

struct ctx {
	const char *key; /* contact company key, may be empty */
	size_t keyn, keycut;
	const char *company; /* as written, for name_hash */
	size_t companyn;
	uint32_t name;   /* name_hash of company; 0 none */
	int named;       /* name computed */
	int cut_done, label_done;
	uint32_t keynode; /* the accounts' node of the contact's key, NONE */
	char cc[2];      /* country for rule 3, "\0\0" unknown */
	const char *label; /* first label of the e-mail registrable domain */
	size_t labeln;
	uint32_t dom;    /* the contact's domain node, NONE */
};

static int acct_cmp_id(const struct matcher *m, uint32_t a, uint32_t b)
{
	const struct acct *x = &m->acct[a], *y = &m->acct[b];
	size_t n = x->id_len < y->id_len ? x->id_len : y->id_len;
	int c = memcmp(arena_at(m, x->id_off), arena_at(m, y->id_off), n);

	if (c)
		return c;
	return (int)x->id_len - (int)y->id_len;
}

/* Compare two candidates: < 0 when a ranks first; *rule gets the rule
 * that decided. */
static int cand_cmp(const struct matcher *m, const struct match_candidate *a,
		    const struct match_candidate *b, enum match_rule *rule)
{
	const struct acct *x = &m->acct[a->account], *y = &m->acct[b->account];

	if (a->score != b->score)
		return *rule = MATCH_RULE_NAME, a->score > b->score ? -1 : 1;
	if (a->same != b->same)
		return *rule = MATCH_RULE_NAME, a->same > b->same ? -1 : 1;
	if (a->dom != b->dom)
		return *rule = MATCH_RULE_DOMAIN, a->dom > b->dom ? -1 : 1;
	if (a->cc != b->cc)
		return *rule = MATCH_RULE_COUNTRY, a->cc > b->cc ? -1 : 1;
	if (x->depth != y->depth)
		return *rule = MATCH_RULE_PARENT, x->depth < y->depth ? -1 : 1;
	if (x->tier != y->tier)
		return *rule = MATCH_RULE_TIER, x->tier < y->tier ? -1 : 1;
	*rule = MATCH_RULE_ID;
	return acct_cmp_id(m, a->account, b->account);
}

/* Domain agreement of account a with the contact. */
static unsigned char dom_agree(const struct matcher *m, const struct ctx *c,
			       uint32_t a)
{
	const struct acct *x = &m->acct[a];
	const struct node *nd;
	const char *p, *dot;

	if (x->dom == NONE)
		return 0;
	if (c->dom != NONE && x->dom == c->dom)
		return 2;
	if (!c->labeln)
		return 0;
	nd = &m->node[x->dom];
	p = arena_at(m, nd->off);
	dot = memchr(p, '.', nd->len);
	if (dot && (size_t)(dot - p) == c->labeln &&
	    memcmp(p, c->label, c->labeln) == 0)
		return 1;
	return 0;
}

/* The place at the end of the contact's key, once: keycut, and the
 * place's country over the contact's for rule 3. */
static void ctx_cut(struct ctx *c)
{
	char cc[3];

	if (c->cut_done)
		return;
	c->cut_done = 1;
	c->keycut = c->keyn;
	if (!c->keyn)
		return;
	c->keycut = strip_place(c->key, c->keyn, cc);
	if (cc[0])
		memcpy(c->cc, cc, 2);
}

/* Weigh candidate k: its name agreement (kept when already >= 0: 1 for
 * an equal key, the similarity when at least --min-score, else 0), the
 * same name as written, domain agreement (kept when already set) and
 * country. */
static void cand_weigh(struct matcher *m, struct ctx *c,
		       struct match_candidate *out)
{
	const struct acct *x = &m->acct[out->account];

	ctx_cut(c);
	if (out->score < 0) {
		if (!c->keyn || x->key == NONE) {
			out->score = 0;
		} else if (x->key == c->keynode) {
			out->score = 1;
		} else {
			const struct node *nd = &m->node[x->key];
			out->score = (float)fuzzy_score(c->key, c->keyn, c->keycut,
							arena_at(m, nd->off),
							nd->len, m->min_score);
		}
	}
	out->same = 0;
	if (c->companyn && x->name && out->score > 0) {
		if (!c->named) {
			c->name = name_hash(&m->out, &m->fold, c->company,
					    c->companyn);
			c->named = 1;
		}
		out->same = c->name == x->name;
	}
	if (out->dom == DOM_UNSET)
		out->dom = dom_agree(m, c, out->account);
	out->cc = c->cc[0] && x->cc[0] && c->cc[0] == x->cc[0] &&
		  c->cc[1] == x->cc[1];
}

/* Sort cand[0..n) best first (insertion sort: n is small); the rule that
 * put the first ahead of the second goes to *rule. */
static void cand_sort(struct matcher *m, struct match_candidate *cand,
		      size_t n, size_t top, enum match_rule *rule)
{
	enum match_rule r;

	/* selection of the first top: the best, and the runner-up that
	 * says which rule decided, cost 2n comparisons, not n^2 */
	for (size_t i = 0; i < top && i + 1 < n; i++) {
		size_t best = i;
		for (size_t j = i + 1; j < n; j++)
			if (cand_cmp(m, &cand[j], &cand[best], &r) < 0)
				best = j;
		if (best != i) {
			struct match_candidate t = cand[i];
			cand[i] = cand[best];
			cand[best] = t;
		}
	}
	*rule = MATCH_RULE_ONLY;
	if (n > 1)
		cand_cmp(m, &cand[0], &cand[1], rule);
}

/* Candidates from the accounts of node v (at most the room left). */
static size_t cand_add(struct matcher *m, uint32_t a, double score,
		       unsigned char dom, size_t k)
{
	if (k < MATCH_MAX_CANDIDATES) {
		m->cand[k].account = a;
		m->cand[k].score = (float)score;
		m->cand[k].dom = dom;
		m->cand[k].same = m->cand[k].cc = 0;
		k++;
	}
	return k;
}

/* Add the accounts of node v (score < 0: to be weighed; dom DOM_UNSET:
 * likewise) after the k candidates there are. */
static size_t node_cands(struct matcher *m, uint32_t v, double score,
			 unsigned char dom, size_t k)
{
	const struct node *nd = &m->node[v];

	if (nd->count == 1)
		return cand_add(m, nd->head, score, dom, k);
	for (uint32_t p = nd->head; p != NONE && k < MATCH_MAX_CANDIDATES;
	     p = m->post[p].next)
		k = cand_add(m, m->post[p].acct, score, dom, k);
	return k;
}

/* The decision cache slot for the inputs in m->dk (NULL without). */
static struct decision *decision_slot(struct matcher *m, XXH128_hash_t *h)
{
	if (!m->decision || m->explain)
		return NULL;
	*h = XXH3_128bits(m->dk.p, m->dk.len);
	return &m->decision[h->low64 & m->decmask];
}

/* Weigh (when there is a choice to make, or --explain), sort and report
 * the n candidates.  A choice among several is remembered under the
 * inputs it depends on (m->dk, filled by the caller). */
static void result_set(struct matcher *m, struct ctx *c,
		       struct match_result *r, enum match_method method,
		       size_t n, size_t total)
{
	enum match_rule rule = MATCH_RULE_ONLY;
	struct decision *d = NULL;
	XXH128_hash_t h;

	if (n > 1 && (d = decision_slot(m, &h)) != NULL && d->used &&
	    d->h1 == h.low64 && d->h2 == h.high64) {
		r->method = (enum match_method)d->method;
		r->account = d->account;
		r->score = d->score;
		r->rule = (enum match_rule)d->rule;
		r->ncand = d->total;
		r->cand[0].account = d->account;
		r->cand[0].score = d->score;
		return;
	}
	if (n > 1 && !m->explain && c->keynode != NONE) {
		/* an account with the contact's very key wins rule 1 over any
		 * that lacks it: those need no similarity */
		size_t k = 0;
		for (size_t i = 0; i < n; i++)
			if (m->acct[m->cand[i].account].key == c->keynode)
				m->cand[k++] = m->cand[i];
		if (k == 1)
			rule = MATCH_RULE_NAME; /* it beat the others on rule 1 */
		if (k >= 1)
			n = k;
	}
	if (n > 1 || m->explain)
		for (size_t i = 0; i < n; i++)
			cand_weigh(m, c, &m->cand[i]);
	if (n > 1)
		cand_sort(m, m->cand, n, m->explain ? MATCH_MAX_EXPLAIN : 2,
			  &rule);
	else if (n == 1 && m->cand[0].score < 0)
		m->cand[0].score = 1; /* pruned: its key is the contact's */
	if (method == MATCH_DOMAIN && m->cand[0].dom != 2)
		method = MATCH_NAME; /* a website-less account won by name */
	r->method = method;
	r->account = m->cand[0].account;
	r->score = method == MATCH_FUZZY ? m->cand[0].score : 1.0;
	r->rule = rule;
	r->ncand = total;
	memcpy(r->cand, m->cand,
	       (n < MATCH_MAX_EXPLAIN ? n : MATCH_MAX_EXPLAIN) * sizeof *r->cand);
	if (d) {
		d->h1 = h.low64;
		d->h2 = h.high64;
		d->account = r->account;
		d->score = (float)r->score;
		d->total = (uint32_t)(total < UINT32_MAX ? total : UINT32_MAX);
		d->method = (uint8_t)method;
		d->rule = (uint8_t)rule;
		d->used = 1;
	}
}

/* Start the decision key: the step, a node, and the contact's inputs that
 * weigh in ties (key, company as written, country, e-mail host). */
static void dk_start(struct matcher *m, int step, uint32_t node,
		     const struct ctx *c, const struct match_query *q,
		     const char *host, size_t hn)
{
	struct buf *b = &m->dk;
	const char *s = q->country;
	size_t n = q->country_n;

	if (!m->decision || m->explain)
		return;
	buf_reset(b);
	buf_addc(b, (char)step);
	buf_add(b, &node, sizeof node);
	buf_add(b, c->key, c->keyn);
	buf_addc(b, 0);
	buf_add(b, c->company, c->companyn);
	buf_addc(b, 0);
	trim(&s, &n);
	buf_add(b, s, n);
	buf_addc(b, 0);
	if (step != MATCH_DOMAIN)
		buf_add(b, host, hn);
}

/* The domain node and class of an e-mail host, through the cache. */
static uint32_t host_lookup(struct matcher *m, const char *h, size_t n,
			    uint32_t *cls)
{
	XXH128_hash_t hh = XXH3_128bits(h, n);
	struct dslot *s = &m->dcache[hh.low64 & m->dmask];
	uint32_t v = NONE;
	int c;

	if (s->cls && s->h1 == hh.low64 && s->h2 == hh.high64) {
		*cls = s->cls & 0xff;
		return s->node;
	}
	c = validator_domain_class(m->v, h, n);
	if (domain_registrable(h, n, &m->reg) == 0 &&
	    !(c & (VALIDATE_FREEMAIL | VALIDATE_DISPOSABLE)))
		v = ht_find(m, &m->doms, m->reg.p, m->reg.len,
			    hash_str(m->reg.p, m->reg.len));
	s->h1 = hh.low64;
	s->h2 = hh.high64;
	s->node = v;
	s->cls = 0x80000000u | (uint32_t)c;
	*cls = (uint32_t)c;
	return v;
}

/* The fuzzy matches of a contact key: up to FUZZY_KEEP (node, score)
 * pairs, best first, memoised.  Returns how many. */
static size_t fuzzy_find(struct matcher *m, const char *q, size_t qn,
			 size_t qcut, uint32_t *nodes, float *scores)
{
	uint32_t bl[96], cand[FUZZY_MAX_CAND];
	size_t lo[96], hi[96], nb, nc = 0, kept = 0;
	const char *mv;
	size_t mvn;
	unsigned char pack[FUZZY_KEEP * 8];

	if ((mv = memo_get(m->fzmemo, q, qn, &mvn)) != NULL) {
		for (size_t i = 0; i + 8 <= mvn; i += 8) {
			memcpy(&nodes[kept], mv + i, 4);
			memcpy(&scores[kept], mv + i + 4, 4);
			kept++;
		}
		return kept;
	}
	nb = blocks_of(q, qn, bl, 96);
	if (qcut < qn)
		nb += blocks_of(q, qcut, bl + nb, 96 - nb);
	for (size_t i = 0; i < nb; i++) {
		uint64_t want = (uint64_t)bl[i] << 32;
		size_t bucket = (size_t)(want >> (64 - m->fzbits));
		size_t a = m->fzdir[bucket], b = m->fzdir[bucket + 1];
		while (a < b) {
			size_t mid = a + (b - a) / 2;
			if (m->fz[mid] < want)
				a = mid + 1;
			else
				b = mid;
		}
		lo[i] = a;
		while (b < m->nfz && m->fz[b] >> 32 == bl[i])
			b++;
		hi[i] = b;
	}
	/* rarest blocks first, until the candidate list is full */
	for (size_t done = 0; done < nb && nc < FUZZY_MAX_CAND; done++) {
		size_t best = nb;
		for (size_t i = 0; i < nb; i++)
			if (hi[i] > lo[i] &&
			    (best == nb || hi[i] - lo[i] < hi[best] - lo[best]))
				best = i;
		if (best == nb)
			break;
		for (size_t t = lo[best]; t < hi[best] && nc < FUZZY_MAX_CAND; t++) {
			uint32_t v = (uint32_t)m->fz[t];
			size_t j;
			for (j = 0; j < nc && cand[j] != v; j++)
				;
			if (j == nc)
				cand[nc++] = v;
		}
		hi[best] = lo[best];
	}
	for (size_t i = 0; i < nc; i++) {
		const struct node *nd = &m->node[cand[i]];
		double s = fuzzy_score(q, qn, qcut, arena_at(m, nd->off),
				       nd->len, m->min_score);
		size_t j;
		if (s <= 0)
			continue;
		/* keep the best FUZZY_KEEP, ties by node number */
		for (j = kept; j > 0 && ((float)s > scores[j - 1] ||
					 ((float)s == scores[j - 1] &&
					  cand[i] < nodes[j - 1]));
		     j--)
			if (j < FUZZY_KEEP) {
				nodes[j] = nodes[j - 1];
				scores[j] = scores[j - 1];
			}
		if (j < FUZZY_KEEP) {
			nodes[j] = cand[i];
			scores[j] = (float)s;
			if (kept < FUZZY_KEEP)
				kept++;
		}
	}
	for (size_t i = 0; i < kept; i++) {
		memcpy(pack + i * 8, &nodes[i], 4);
		memcpy(pack + i * 8 + 4, &scores[i], 4);
	}
	memo_put(m->fzmemo, q, qn, (const char *)pack, kept * 8);
	return kept;
}

/* The contact's company key into c (derived and memoised when absent). */
static void ctx_key(struct matcher *m, const struct match_query *q,
		    struct ctx *c)
{
	const char *k = q->company_key, *s = q->company, *v;
	size_t kn = q->company_key_n, sn = q->company_n, vn;

	trim(&k, &kn);
	if (!kn) {
		trim(&s, &sn);
		if (sn) {
			if ((v = memo_get(m->keymemo, s, sn, &vn)) != NULL) {
				k = v, kn = vn;
			} else if (company_key(s, sn, &m->key) == 0) {
				memo_put(m->keymemo, s, sn, m->key.p, m->key.len);
				k = m->key.p, kn = m->key.len;
			}
		}
	}
	if (kn && key_placeholder(k, kn))
		kn = 0;
	/* the key may live in a memo slot or in m->key: keep a copy */
	buf_reset(&m->tmp);
	buf_add(&m->tmp, k, kn);
	c->key = m->tmp.p ? m->tmp.p : "";
	c->keyn = kn;
	c->keycut = kn;
	c->cut_done = 0;
	s = q->company;
	sn = q->company_n;
	trim(&s, &sn);
	c->company = s;
	c->companyn = kn ? sn : 0;
	c->named = 0;
}

static void ctx_country(struct matcher *m, const struct match_query *q,
			struct ctx *c)
{
	const char *s = q->country, *v;
	size_t n = q->country_n, vn;

	c->cc[0] = c->cc[1] = 0;
	trim(&s, &n);
	if (!n)
		return;
	if (n == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z') {
		c->cc[0] = s[0];
		c->cc[1] = s[1];
		return;
	}
	if ((v = memo_get(m->ccmemo, s, n, &vn)) == NULL) {
		char cc[3] = "";
		vn = country_code(s, n, cc) ? 2 : 0;
		memo_put(m->ccmemo, s, n, cc, vn);
		if (vn)
			memcpy(c->cc, cc, 2);
		return;
	}
	if (vn == 2)
		memcpy(c->cc, v, 2);
}

/* The first label of the contact's registrable e-mail domain, for
 * domain agreement (not for free-mail or disposable addresses). */
static void ctx_label(struct matcher *m, const char *host, size_t hn,
		      uint32_t cls, struct ctx *c)
{
	const char *dot;

	c->label = NULL;
	c->labeln = 0;
	if (!hn || (cls & (VALIDATE_FREEMAIL | VALIDATE_DISPOSABLE)))
		return;
	if (domain_registrable(host, hn, &m->host) < 0)
		return;
	dot = memchr(m->host.p, '.', m->host.len);
	if (dot) {
		c->label = m->host.p;
		c->labeln = (size_t)(dot - m->host.p);
	}
}

/* The e-mail domain's label for rule 2, once. */
static void ctx_need_label(struct matcher *m, struct ctx *c, const char *host,
			   size_t hn, uint32_t cls, int have_cls)
{
	if (c->label_done || !hn)
		return;
	c->label_done = 1;
	if (!have_cls)
		cls = (uint32_t)validator_domain_class(m->v, host, hn);
	ctx_label(m, host, hn, cls, c);
}

void matcher_match(struct matcher *m, const struct match_query *q,
		   struct match_result *r)
{
	const char *id = q->account_id, *host = q->email_domain;
	size_t idn = q->account_id_n, hn = q->email_domain_n, n;
	uint32_t v, dnode = NONE, cls = 0;
	struct ctx c;

	if (!m->finished)
		matcher_finish(m);
	r->method = MATCH_NONE;
	r->account = NONE;
	r->score = 0;
	r->rule = MATCH_RULE_ONLY;
	r->ncand = 0;
	memset(&c, 0, sizeof c);
	c.dom = c.keynode = NONE;

	/* existing */
	trim(&id, &idn);
	if (idn && !id_placeholder(id, idn)) {
		char id18[18];
		v = ht_find(m, &m->ids, id, idn, hash_str(id, idn));
		if (v == NONE && sf_id18(id, idn, id18))
			v = ht_find(m, &m->ids, id18, 18, hash_str(id18, 18));
		if (v != NONE) {
			n = cand_add(m, v, 1.0, 0, 0);
			result_set(m, &c, r, MATCH_EXISTING, n, 1);
			return;
		}
	}

	/* domain */
	trim(&host, &hn);
	if (!hn && q->email_n) {
		const char *at = memrchr(q->email, '@', q->email_n);
		if (at) {
			host = at + 1;
			hn = (size_t)(q->email + q->email_n - host);
			trim(&host, &hn);
		}
	}
	if (hn && m->doms.n)
		dnode = host_lookup(m, host, hn, &cls);
	c.dom = dnode;
	ctx_country(m, q, &c);
	ctx_key(m, q, &c);
	c.keynode = c.keyn ? ht_find(m, &m->keys, c.key, c.keyn,
				     hash_str(c.key, c.keyn))
			   : NONE;
	if (dnode != NONE) {
		const struct node *nd = &m->node[dnode];
		const struct acct *x = &m->acct[nd->count == 1 ? nd->head : 0];
		size_t total = nd->count;
		if (nd->count > 1 || c.keyn)
			dk_start(m, MATCH_DOMAIN, dnode, &c, q, host, hn);
		n = node_cands(m, dnode, -1, 2, 0);
		/* name and domain agree on the one account: nothing to weigh */
		if ((v = c.keynode) != NONE &&
		    !(nd->count == 1 && x->key == v)) {
			/* accounts without a website that bear the contact's
			 * company name compete: the website may be missing */
			size_t n0 = n;
			n = node_cands(m, v, 1.0, 0, n);
			for (size_t i = n0; i < n;) {
				const struct acct *y = &m->acct[m->cand[i].account];
				if (y->dom != NONE || (y->flags & AF_INHERITED))
					m->cand[i] = m->cand[--n];
				else
					i++;
			}
			total += n - n0;
		}
		result_set(m, &c, r, MATCH_DOMAIN, n, total);
		return;
	}

	/* name */
	if (!c.keyn)
		return;
	if ((v = c.keynode) != NONE) {
		const struct node *nd = &m->node[v];
		if (nd->count > 1 || m->explain)
			ctx_need_label(m, &c, host, hn, cls, m->doms.n != 0);
		if (nd->count > 1)
			dk_start(m, MATCH_NAME, v, &c, q, host, hn);
		n = node_cands(m, v, 1.0, DOM_UNSET, 0);
		result_set(m, &c, r, MATCH_NAME, n, nd->count);
		return;
	}

	/* fuzzy */
	if (c.keyn <= FUZZY_MAX_KEY && m->nfz) {
		uint32_t nodes[FUZZY_KEEP];
		float scores[FUZZY_KEEP];
		size_t k, total = 0;
		ctx_cut(&c);
		k = fuzzy_find(m, c.key, c.keyn, c.keycut, nodes, scores);
		if (!k)
			return;
		ctx_need_label(m, &c, host, hn, cls, m->doms.n != 0);
		dk_start(m, MATCH_FUZZY, 0, &c, q, host, hn);
		n = 0;
		for (size_t i = 0; i < k; i++) {
			n = node_cands(m, nodes[i], scores[i], DOM_UNSET, n);
			total += m->node[nodes[i]].count;
		}
		result_set(m, &c, r, MATCH_FUZZY, n, total);
	}
}

/* ---- stream ------------------------------------------------------------- */

void matcher_bind(struct matcher *m, struct stream *st)
{
	struct schema *s = &st->schema;

	for (int i = 0; i < MATCH_NROLES; i++)
		m->idx[i] = schema_find(s, m->field[i], strlen(m->field[i]));
	if (!m->bind_done) {
		/* account_id is rewritten: keep the value it came with */
		int f = schema_find(s, "account_id", 10);
		m->input_id_on = f >= 0 && m->idx[MATCH_F_ACCOUNT_ID] == f;
	}
	m->f_account_id = stream_add_field(st, "account_id");
	m->f_method = stream_add_field(st, "match_method");
	m->f_score = stream_add_field(st, "match_score");
	m->f_input_id = m->input_id_on
				? stream_add_field(st, "input_account_id")
				: -1;
	m->f_with = xrealloc(m->f_with, (m->nwith + 1) * sizeof *m->f_with);
	for (size_t w = 0; w < m->nwith; w++)
		m->f_with[w] = stream_add_field(st, m->with_out[w]);
	m->f_explain = m->explain ? stream_add_field(st, "match_candidates") : -1;
	m->bound_n = s->n;
	m->bound = 1;
	m->bind_done = 1;
}

static void fmt_score(struct buf *b, double s)
{
	long k = (long)floor(s * 1000 + 0.5);

	buf_reset(b);
	if (k >= 1000) {
		buf_addc(b, '1');
		return;
	}
	if (k <= 0) {
		buf_addc(b, '0');
		return;
	}
	buf_addf(b, "0.%03ld", k);
	while (b->p[b->len - 1] == '0')
		b->len--;
}

static void explain_item(struct matcher *m, struct buf *b, int json,
			 const char *s, size_t n)
{
	if (json) {
		if (b->len > 1)
			buf_addc(b, ',');
		json_buf_string(b, s, n);
	} else {
		if (b->len)
			buf_addc(b, ';');
		buf_add(b, s, n);
	}
	(void)m;
}

static void set_explain(struct matcher *m, struct stream *st,
			struct record *rec, const struct match_result *r)
{
	int json = st->out && st->out->fmt == FMT_NDJSON;
	struct buf *b = &m->out;
	size_t shown = r->ncand < MATCH_MAX_EXPLAIN ? r->ncand : MATCH_MAX_EXPLAIN;
	char item[1200];

	buf_reset(b);
	if (json)
		buf_addc(b, '[');
	if (r->method != MATCH_NONE) {
		for (size_t i = 0; i < shown; i++) {
			size_t idn;
			const char *id = matcher_account_id(m, r->cand[i].account, &idn);
			fmt_score(&m->reg, r->method == MATCH_FUZZY || r->cand[i].score < 1
						   ? r->cand[i].score : 1.0);
			int k = snprintf(item, sizeof item, "%.*s=%.*s", (int)idn, id,
					 (int)m->reg.len, m->reg.p);
			explain_item(m, b, json, item, (size_t)k);
		}
		if (r->ncand > shown) {
			int k = snprintf(item, sizeof item, "+%zu", r->ncand - shown);
			explain_item(m, b, json, item, (size_t)k);
		}
		if (r->rule != MATCH_RULE_ONLY) {
			int k = snprintf(item, sizeof item, "by=%s", rule_name[r->rule]);
			explain_item(m, b, json, item, (size_t)k);
		}
	}
	if (json) {
		buf_addc(b, ']');
		rec_set(rec, (size_t)m->f_explain, b->p, b->len, VAL_RAW);
	} else {
		rec_set(rec, (size_t)m->f_explain, b->p ? b->p : "", b->len, VAL_STR);
	}
}

enum match_method matcher_apply(struct matcher *m, struct stream *st,
				struct record *rec)
{
	struct match_query q;
	struct match_result r;
	const char *in_id;
	size_t in_idn, in_off = 0;

	if (!m->bound || st->schema.n != m->bound_n)
		matcher_bind(m, st);
	rec_value(rec, m->idx[MATCH_F_ACCOUNT_ID], &q.account_id, &q.account_id_n);
	rec_value(rec, m->idx[MATCH_F_EMAIL], &q.email, &q.email_n);
	rec_value(rec, m->idx[MATCH_F_EMAIL_DOMAIN], &q.email_domain,
		  &q.email_domain_n);
	rec_value(rec, m->idx[MATCH_F_COMPANY], &q.company, &q.company_n);
	rec_value(rec, m->idx[MATCH_F_COMPANY_KEY], &q.company_key,
		  &q.company_key_n);
	rec_value(rec, m->idx[MATCH_F_COUNTRY], &q.country, &q.country_n);
	in_id = q.account_id;
	in_idn = q.account_id_n;
	if (in_idn)
		in_off = (size_t)(in_id - rec->data.p);
	matcher_match(m, &q, &r);
	m->count[r.method]++;

	/* input_account_id before account_id overwrites it */
	if (m->f_input_id >= 0) {
		size_t idn = 0;
		const char *id = r.account != NONE
					 ? matcher_account_id(m, r.account, &idn)
					 : "";
		if (in_idn && !(idn == in_idn &&
				memcmp(id, rec->data.p + in_off, idn) == 0))
			rec_set(rec, (size_t)m->f_input_id, rec->data.p + in_off,
				in_idn, VAL_STR);
		else
			rec_set_clean(rec, (size_t)m->f_input_id, "", 0, VAL_STR);
	}
	if (r.account != NONE) {
		size_t idn;
		const char *id = matcher_account_id(m, r.account, &idn);
		if (m->acct[r.account].flags & AF_ID_CLEAN)
			rec_set_clean(rec, (size_t)m->f_account_id, id, idn, VAL_STR);
		else
			rec_set(rec, (size_t)m->f_account_id, id, idn, VAL_STR);
	} else {
		rec_set_clean(rec, (size_t)m->f_account_id, "", 0, VAL_STR);
	}
	{
		const char *mn = method_name[r.method];
		rec_set_clean(rec, (size_t)m->f_method, mn, strlen(mn), VAL_STR);
	}
	if (r.method == MATCH_NONE) {
		rec_set_clean(rec, (size_t)m->f_score, "null", 4, VAL_RAW);
	} else {
		fmt_score(&m->reg, r.score);
		rec_set_clean(rec, (size_t)m->f_score, m->reg.p, m->reg.len, VAL_RAW);
	}
	for (size_t w = 0; w < m->nwith; w++) {
		if (r.account == NONE) {
			rec_set_clean(rec, (size_t)m->f_with[w], "", 0, VAL_STR);
			continue;
		}
		const unsigned char *p =
			(const unsigned char *)arena_at(m, m->acct[r.account].with);
		for (size_t k = 0; k < w; k++)
			p += 2 + (p[0] | (size_t)p[1] << 8);
		rec_set(rec, (size_t)m->f_with[w], (const char *)p + 2,
			p[0] | (size_t)p[1] << 8, VAL_STR);
	}
	if (m->f_explain >= 0)
		set_explain(m, st, rec, &r);
	return r.method;
}

uint64_t matcher_count_method(const struct matcher *m, enum match_method k)
{
	return k < MATCH_NMETHODS ? m->count[k] : 0;
}

void matcher_count(struct matcher *m, struct stream *st)
{
	static const char *const reason[MATCH_NMETHODS] = {
		"match_none", "match_existing", "match_domain", "match_name",
		"match_fuzzy",
	};
	static const enum match_method order[] = {
		MATCH_EXISTING, MATCH_DOMAIN, MATCH_NAME, MATCH_FUZZY, MATCH_NONE,
	};

	for (size_t i = 0; i < MATCH_NMETHODS; i++)
		stream_count_reason(st, reason[order[i]], m->count[order[i]]);
}

const int *matcher_order(struct matcher *m, struct stream *st, size_t *n)
{
	size_t ns = st->schema.n, k = 0;

	m->order = xrealloc(m->order, (ns ? ns : 1) * sizeof *m->order);
	for (size_t i = 0; i < ns; i++)
		if (!(i < st->added_cap && st->added[i]))
			m->order[k++] = (int)i;
	for (size_t i = 0; i < ns && i < st->added_cap; i++)
		if (st->added[i])
			m->order[k++] = (int)i;
	m->norder = k;
	*n = k;
	return m->order;
}
