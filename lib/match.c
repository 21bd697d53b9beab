/*
 * match: see match.h for the methods and the tie-break rules.
 *
 * Records.  Everything the accounts need after loading lives in one byte
 * arena (struct buf, doubling; reserved at once to the accounts file's
 * size when that is a regular file, so that it is not copied as it
 * grows: untouched room costs no memory, and matcher_finish gives it
 * back), as 4-byte aligned records addressed by 32-bit offsets.  An
 * account record (28 bytes: file number, key node, first domain node,
 * parent, a 32-bit hash of its name as written — legal form included,
 * for rule 1 — id length, tier, country code, depth in its hierarchy,
 * flags) is followed by its id and its --with values, so that writing a
 * match reads one place.  A node record (12 bytes: account count, its one
 * account or its first posting, string length and flags) is followed by
 * the registrable domain or company key it stands for.  acct_off maps
 * file numbers to account records (4 bytes an account).  Parents' ids
 * are kept apart until matcher_finish resolves them.
 *
 * Keys.  Three open-addressing tables map an id to its account record, a
 * registrable domain to a domain node, a company key to a key node.  A
 * slot is 8 bytes: the high 32 bits of the key's XXH3-64 hash (the tag)
 * and the record's offset + 1 (0 = empty).  The home slot is tag & mask,
 * probing is linear, and a table doubles when an insert would take it
 * past 3/4 full, each slot moving by its tag (no string is read again);
 * so a table costs 11 to 21 bytes an entry.  A tag that matches is
 * confirmed on the string, which follows its record: one read.
 *
 * Postings.  The accounts of a node that has several (a shared domain or
 * key) are a run of 16-byte postings, in file order: the account record,
 * and what rules 1 and 3 to 5 read of it (key node, name hash, country,
 * depth, tier up to 254), so that candidates are sifted and weighed
 * without reading their records.  The load appends (node, account) pairs
 * (8 bytes, freed by matcher_finish), which a counting sort on the nodes'
 * counts lays out.  So an account costs 28 + 4 + 11..21 bytes + its id and
 * --with bytes (rounded up to 4); each distinct domain or key 12 + 11..21
 * + its bytes; each account of a shared node 16 more.  matcher_memory adds
 * it all up and a test checks it per account (about 200 bytes for an
 * account with an 18-byte id, a domain and a 20-byte name).  The large
 * tables ask for 2 MB pages (advise_huge): their reads are random.
 *
 * Subsidiaries.  An account without a domain of its own is added to the
 * (first) domain node of its nearest ancestor that has one (flag
 * AF_INHERITED): its people write from the group's domain.  An account
 * without any domain that bears the contact's company key competes with
 * the accounts of the contact's domain (see match_domain); its key node
 * is marked NODE_NOWEB, so that the others need not be searched.
 *
 * Fuzzy index.  Built once by matcher_finish over the distinct company
 * keys: for each key, its blocking keys — every word of at least two
 * bytes, and the first four and the last four bytes of every word of at
 * least five — hashed to 32 bits (three seeds: word, head, tail) and
 * stored as (hash << 32 | key node) entries, 8 bytes each, sorted (the
 * keys are read twice, to count and then to write each entry straight
 * into its bucket of the top 16 bits, and each bucket is sorted on its
 * own), with a directory on the top bits of the hash (4 bytes per 4
 * entries) so that a block is found in two memory reads.  A block shared
 * by more than FUZZY_BLOCK_MAX keys says little and is dropped.  A
 * contact's key is compared only with the keys of its own blocks, rarest
 * block first, at most FUZZY_MAX_CAND keys, so the work per contact is
 * bounded whatever the number of accounts; a 32-bit hash collision only
 * adds a candidate that the score then weighs.
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
 * Weighing.  Candidates are gathered as postings and weighed (rules 1-3
 * need the contact's key, name hash, e-mail label and country) only when
 * there is a choice to make.  When the contact's key is an accounts' key,
 * the domain's accounts that lack it lose rule 1: only those that bear it
 * are gathered, and when one alone does, it wins at once.  The best and
 * the runner-up (which names the deciding rule) are selected in 2n
 * comparisons.
 *
 * Caches.  Contacts repeat domains and company names, so (1) each e-mail
 * host met is remembered with its verdict (domain node or none, free-mail
 * class) in a direct-mapped table keyed by the host's XXH3-128 hash, 24
 * bytes a slot (a host met for the first time that is itself an
 * accounts' domain is found in the domain table, without the public
 * suffix list or the free-mail lists); (2) each choice among several
 * accounts is remembered under the XXH3-128 hash of what it depends on
 * (step, node, the contact's key, the hash of its name as written, its
 * country and, past the domain step, the first label of its e-mail
 * domain), 32 bytes a slot; both are sized to twice the domains,
 * respectively the shared domains and keys (4096 to 4M slots); (3)
 * company keys derived from a company, country codes, and fuzzy results
 * (the best keys and scores for a contact key) go through lib/memo.
 * Nothing is allocated per contact once the buffers have grown.
 *
 * Reading ahead.  A contact's look-ups are chains of random reads (slot,
 * record, then postings or account), each a cache miss once the accounts
 * outgrow the cache.  matcher_prefetch takes each record one step along
 * its chain per record read: the new one's hashes and slots, the
 * previous one's records, the one before's postings or account; the
 * hashes are kept (struct ahead) for matcher_apply, which comes
 * MATCH_AHEAD records after, when all of it has arrived.
 */
#include "match.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <xxhash.h>

#include "memo.h"
#include "ndjson.h"
#include "norm_company.h"
#include "norm_country.h"
#include "norm_domain.h"
#include "norm_header.h"
#include "norm_text.h"
#include "norm_value.h"
#include "validate.h"

#define NONE UINT32_MAX
#define TIER_NONE 0xffff
#define FUZZY_BLOCK_MAX 1000
#define FUZZY_MAX_CAND 128
#define FUZZY_SEEN_BITS 9 /* a set twice FUZZY_MAX_CAND or more */
#define FUZZY_SEEN (1u << FUZZY_SEEN_BITS)
#define FUZZY_MAX_KEY 255
#define FUZZY_KEEP 8 /* fuzzy matches memoised per contact key */
#define GEO_FACTOR 0.9
#define DCACHE_MIN 4096
#define DCACHE_MAX (1u << 22)
#define AF_ID_CLEAN 1  /* the id holds no comma, quote, CR or LF */
#define AF_INHERITED 2 /* reached through an ancestor's domain */
#define DOM_UNSET 255

/* An account record in the arena, followed by its id bytes and then its
 * --with values (each: 2-byte length, little-endian, then the bytes). */
struct acct {
	uint32_t index;  /* file order: matcher_account_id's number */
	uint32_t key;    /* key node, NONE when no company */
	uint32_t dom;    /* first domain node, NONE when no domain */
	uint32_t parent; /* account, NONE */
	uint32_t name;   /* name_hash of its company name, 0 none */
	uint16_t id_len;
	uint16_t tier;
	char cc[2];    /* country code, "\0\0" unknown */
	uint8_t depth; /* parent links above it (capped at 255) */
	uint8_t flags;
};

/* A node record in the arena, followed by its string. */
struct node {
	uint32_t count;
	uint32_t head; /* count 1: the account; else its first posting */
	uint32_t len;  /* and flags: NODE_MARK, NODE_NOWEB */
};

/* An account as a candidate: its record, and what rules 1 and 3 to 5
 * read of it, so that candidates are sifted and weighed without reading
 * their records.  A shared node's accounts are postings, in file order. */
struct posting {
	uint32_t acct, key, name;
	char cc[2];
	uint8_t depth;
	uint8_t tier; /* the tier up to 254; 255: higher or none */
};

struct htab {
	uint64_t *slot;
	size_t mask, n;
};

struct decision {
	uint64_t h1, h2; /* XXH3-128 of the inputs (decision_slot) */
	uint32_t account, total;
	float score;
	uint8_t method, rule, used;
};

struct dslot {
	uint64_t h1, h2;
	uint32_t node; /* NONE: no account domain */
	uint32_t cls;  /* validator class bits; 0x80000000: slot used */
};

/* What matcher_prefetch worked out for a record: its query, the hashes
 * of its id, host and key, and the nodes their slots point to (only read
 * ahead, not confirmed), for matcher_apply while the record is as it was. */
struct ahead {
	const struct record *rec; /* NULL: unused */
	const char *data;         /* rec->data.p then */
	struct match_query q;
	const char *host;
	size_t hn;
	uint64_t hid, hkey, hdom;
	XXH128_hash_t hhost;
	int have_hdom;         /* hdom: hash_str of host */
	uint32_t dnode, knode; /* nodes the slots point to, unverified */
};

/* Records prefetched and not yet matched, at most (see matcher_prefetch). */
#define AHEAD (MATCH_AHEAD + 1)

/* A registrable domain of the account being added (in m->dtext). */
struct dent {
	size_t off, len;
	uint64_t hash;
};

/* A candidate while it is weighed. */
struct cand {
	struct posting p;
	float score;
	unsigned char same, dom, cc;
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

/* clang-format off */
static const char *const role_name[MATCH_NROLES] = {
	"account_id", "email", "email_domain", "company", "company_key",
	"country",
};
/* clang-format on */

static const char *const method_name[MATCH_NMETHODS] = {
	"none", "existing", "domain", "name", "fuzzy",
};

static const char *const rule_name[] = {
	"", "name", "domain", "country", "parent", "tier", "id",
};

struct matcher {
	/* accounts */
	struct buf arena;   /* account and node records, 4-byte aligned */
	uint32_t *acct_off; /* per account number: its record */
	size_t nacct, acap;
	struct posting *post;
	size_t npost;
	struct htab ids, doms, keys;
	uint64_t *fz; /* fuzzy blocks, sorted */
	size_t nfz;
	uint32_t *fzdir; /* first entry per value of the top fzbits bits */
	unsigned fzbits;
	int finished;
	/* load-time only */
	struct buf ptext;     /* parents' ids */
	uint32_t *parent_off; /* per account: ptext offset of parent id + 1 */
	uint16_t *parent_len;
	uint32_t *line;
	uint32_t *pairs; /* (node, account) of shared nodes, in order */
	size_t npairs, pcap;
	uint32_t *keylist; /* the key nodes, in order */
	size_t nkeys, kcap;
	struct dent *dlist; /* one account's registrable domains */
	size_t ndlist, dlcap;
	struct buf dtext;
	/* options */
	double min_score;
	int explain;
	char *field[MATCH_NROLES];
	unsigned char named[MATCH_NROLES]; /* by --field */
	char **with;                       /* --with names */
	char **with_out;                   /* account_NAME */
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
	struct header_roles roles; /* the fields' export names, looked up */
	int f_account_id, f_method, f_score, f_input_id, f_explain;
	int *f_with;
	int *order;
	size_t norder;
	uint64_t count[MATCH_NMETHODS];
	/* per-contact scratch */
	struct ahead ahead[AHEAD]; /* the last records prefetched */
	unsigned ahead_next;
	uint32_t res_acct; /* the record of the last result's account */
	int want_cands;    /* fill match_result.cand past the first */
	struct buf key, host, reg, tmp, out, fold, dk;
	struct cand cand[MATCH_MAX_CANDIDATES];
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
/* clang-format off */
#define W(lit) {lit, sizeof lit - 1}
/* clang-format on */

/* 1 when s[0..n) is one of the words (ASCII case ignored). */
static int in_words(const char *s, size_t n, const struct word *w, size_t nw)
{
	for (size_t i = 0; i < nw; i++)
		if (w[i].n == n && ieq(s, n, w[i].s))
			return 1;
	return 0;
}

/* Values CRM exports put in an id column to mean "none": placeholders
 * (value_is_placeholder) and a zero. */
static int id_placeholder(const char *s, size_t n)
{
	return n == 0 || (n == 1 && s[0] == '0') || value_is_placeholder(s, n);
}

/* Company keys that name no company: placeholders (value_is_placeholder,
 * which company_key already makes empty, but a company_key field may hold
 * one) and the words people type when they work for none. */
static int key_placeholder(const char *s, size_t n)
{
	/* clang-format off */
	static const struct word ph[] = {
		W("test"), W("self"), W("self employed"), W("freelance"),
		W("freelancer"), W("independent"), W("independent consultant"),
		W("consultant"), W("retired"), W("student"), W("private"),
		W("personal"), W("individual"), W("home"), W("unemployed"),
		W("no company"),
	};
	/* clang-format on */
	size_t x = 0;

	/* one to three x's ("x", "xx"): a field filled only to get past a form */
	while (x < n && s[x] == 'x')
		x++;
	if (n && x == n && n <= 3)
		return 1;
	return n == 0 || value_is_placeholder(s, n) ||
	       (n <= 22 && in_words(s, n, ph, sizeof ph / sizeof ph[0]));
}

/* The letters and digits of folded text, '&' as "and", into tmp. */
static void name_filter(struct buf *tmp, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c >= 0x80)
			buf_addc(tmp, (char)c);
		else if (c == '&')
			buf_add(tmp, "and", 3);
	}
}

/* A 32-bit hash of a company name as written, legal form included, but
 * not case, accents, punctuation or spacing ("Kumar & Chatterjee Ltda." =
 * "KUMAR AND CHATTERJEE LTDA"); 0 for none. */
static uint32_t name_hash(struct buf *tmp, struct buf *fold, const char *s,
			  size_t n)
{
	uint32_t h;

	if (!n)
		return 0;
	buf_reset(tmp);
	if (text_is_ascii(s, n)) {
		/* what text_fold does to ASCII (lower case, the rest of it
		 * spacing) the letters and digits do not need */
		if (tmp->cap < 3 * n)
			buf_grow(tmp, 3 * n);
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)s[i];
			if (c >= 'A' && c <= 'Z')
				c += 32;
			if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
				tmp->p[tmp->len++] = (char)c;
			} else if (c == '&') {
				memcpy(tmp->p + tmp->len, "and", 3);
				tmp->len += 3;
			}
		}
	} else {
		if (text_fold(fold, s, n) < 0)
			return 0;
		name_filter(tmp, fold->p, fold->len);
	}
	if (!tmp->len)
		return 0;
	h = (uint32_t)(XXH3_64bits(tmp->p, tmp->len) >> 32);
	return h ? h : 1;
}

/* Ask for 2 MB pages over the whole 2 MB pages of [p, p + n): the
 * tables are read at random, and with 4 KB pages nearly every read of a
 * large one would also miss the TLB.  A hint; without it, nothing. */
static void advise_huge(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
	const uintptr_t huge = (uintptr_t)2 << 20;
	uintptr_t a = ((uintptr_t)p + huge - 1) & ~(huge - 1);
	uintptr_t b = ((uintptr_t)p + n) & ~(huge - 1);

	if (b > a)
		(void)madvise((void *)a, b - a, MADV_HUGEPAGE);
#else
	(void)p;
	(void)n;
#endif
}

/* xcalloc for a large table (see advise_huge). */
static void *table_calloc(size_t n, size_t size)
{
	void *p = xcalloc(n, size);

	advise_huge(p, n * size);
	return p;
}

/* Room for a record of size bytes at the end of the arena, 4-byte
 * aligned: its offset, or NONE (and e) past 4 GB. */
static uint32_t arena_reserve(struct matcher *m, size_t size, struct cov_err *e)
{
	size_t off = (m->arena.len + 3) & ~(size_t)3;

	if (off + size >= UINT32_MAX - 1) {
		err_set(e, COV_EXIT_IO, NULL, 0, "too_large",
			"accounts take more than 4 GB of memory");
		return NONE;
	}
	if (m->arena.cap < off + size) {
		buf_grow(&m->arena, off + size - m->arena.len);
		advise_huge(m->arena.p, m->arena.cap);
	}
	memset(m->arena.p + m->arena.len, 0, off + size - m->arena.len);
	m->arena.len = off + size;
	return (uint32_t)off;
}

static inline struct acct *acct_at(const struct matcher *m, uint32_t off)
{
	return (struct acct *)(void *)(m->arena.p + off);
}

static inline struct node *node_at(const struct matcher *m, uint32_t off)
{
	return (struct node *)(void *)(m->arena.p + off);
}

static inline const char *acct_id(const struct matcher *m, uint32_t off)
{
	return m->arena.p + off + sizeof(struct acct);
}

static inline const char *node_str(const struct matcher *m, uint32_t off)
{
	return m->arena.p + off + sizeof(struct node);
}

#define NODE_LEN 0x3fffffffu
#define NODE_MARK 0x80000000u  /* while the postings are laid out */
#define NODE_NOWEB 0x40000000u /* a key some website-less account bears */

static inline uint32_t node_len(const struct node *nd)
{
	return nd->len & NODE_LEN;
}

/* ---- hash tables ------------------------------------------------------------ */

static inline uint64_t hash_str(const char *s, size_t n)
{
	return XXH3_64bits(s, n);
}

static inline int bytes_eq(const char *a, const char *b, size_t n)
{
	while (n >= 8) {
		uint64_t x, y;
		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		if (x != y)
			return 0;
		a += 8, b += 8, n -= 8;
	}
	while (n--)
		if (*a++ != *b++)
			return 0;
	return 1;
}

/* The tag a slot keeps of a 64-bit hash; its home slot is tag & mask. */
static inline uint32_t hash_tag(uint64_t hash)
{
	return (uint32_t)(hash >> 32);
}

/* The record stored for s (an account in m->ids, else a node), or NONE. */
static uint32_t ht_find(const struct matcher *m, const struct htab *h,
			const char *s, size_t n, uint64_t hash)
{
	uint32_t tag = hash_tag(hash);
	size_t i;

	if (!h->slot)
		return NONE;
	for (i = tag & h->mask;; i = (i + 1) & h->mask) {
		uint64_t sl = h->slot[i];
		uint32_t v;
		if (!sl)
			return NONE;
		if ((uint32_t)(sl >> 32) != tag)
			continue;
		v = (uint32_t)sl - 1;
		if (h == &m->ids) {
			const struct acct *a = acct_at(m, v);
			if (a->id_len == n && bytes_eq(acct_id(m, v), s, n))
				return v;
		} else {
			const struct node *nd = node_at(m, v);
			if (node_len(nd) == n && bytes_eq(node_str(m, v), s, n))
				return v;
		}
	}
}

/* Start loading the home slot of hash into the cache. */
static inline void ht_prefetch(const struct htab *h, uint64_t hash)
{
	if (h->slot)
		__builtin_prefetch(&h->slot[hash_tag(hash) & h->mask]);
}

static void ht_place(struct htab *h, uint32_t tag, uint32_t v)
{
	size_t i = tag & h->mask;

	while (h->slot[i])
		i = (i + 1) & h->mask;
	h->slot[i] = (uint64_t)tag << 32 | ((uint64_t)v + 1);
	h->n++;
}

/* Insert v (not present) under hash, doubling past 3/4 full: the slots
 * move by their tags, the strings are not read again. */
static void ht_insert(struct htab *h, uint64_t hash, uint32_t v)
{
	if (!h->slot || (h->n + 1) * 4 > (h->mask + 1) * 3) {
		size_t cap = h->slot ? (h->mask + 1) * 2 : 64;
		struct htab nh = {table_calloc(cap, sizeof *nh.slot), cap - 1,
				  0};
		if (h->slot) {
			for (size_t i = 0; i <= h->mask; i++)
				if (h->slot[i])
					ht_place(&nh,
						 (uint32_t)(h->slot[i] >> 32),
						 (uint32_t)h->slot[i] - 1);
			free(h->slot);
		}
		*h = nh;
	}
	ht_place(h, hash_tag(hash), v);
}

/* A new node for s (not present) in table h, with no account. */
static uint32_t node_new(struct matcher *m, struct htab *h, const char *s,
			 size_t n, uint64_t hash, struct cov_err *e)
{
	uint32_t v;
	struct node *nd;

	if (n > NODE_LEN) {
		err_set(e, COV_EXIT_IO, NULL, 0, "too_large",
			"a company key or domain longer than 1 GB");
		return NONE;
	}
	if ((v = arena_reserve(m, sizeof *nd + n, e)) == NONE)
		return NONE;
	nd = node_at(m, v);
	nd->count = 0;
	nd->head = NONE;
	nd->len = (uint32_t)n;
	memcpy(m->arena.p + v + sizeof *nd, s, n);
	ht_insert(h, hash, v);
	if (h == &m->keys) {
		if (m->nkeys == m->kcap) {
			m->kcap = m->kcap ? m->kcap * 2 : 256;
			m->keylist = xrealloc(m->keylist,
					      m->kcap * sizeof *m->keylist);
		}
		m->keylist[m->nkeys++] = v;
	}
	return v;
}

static void pair_add(struct matcher *m, uint32_t v, uint32_t a)
{
	if (m->npairs == m->pcap) {
		m->pcap = m->pcap ? m->pcap * 2 : 256;
		m->pairs = xrealloc(m->pairs, m->pcap * 2 * sizeof *m->pairs);
	}
	m->pairs[2 * m->npairs] = v;
	m->pairs[2 * m->npairs + 1] = a;
	m->npairs++;
}

/* Add account a to node v, once, in file order; pairs from mark on are
 * the ones the current account added. */
static void node_add(struct matcher *m, uint32_t v, uint32_t a, size_t mark)
{
	struct node *nd = node_at(m, v);

	if (nd->count == 0) {
		nd->head = a;
		nd->count = 1;
		return;
	}
	if (nd->count == 1) {
		if (nd->head == a)
			return;
		pair_add(m, v, nd->head);
	} else {
		/* the same account lists a domain twice */
		for (size_t i = mark; i < m->npairs; i++)
			if (m->pairs[2 * i] == v && m->pairs[2 * i + 1] == a)
				return;
	}
	pair_add(m, v, a);
	nd->count++;
}

static inline uint8_t tier_short(uint16_t tier)
{
	return tier < 255 ? (uint8_t)tier : 255;
}

/* Account a as a posting. */
static inline void posting_of(const struct matcher *m, uint32_t a,
			      struct posting *p)
{
	const struct acct *x = acct_at(m, a);

	p->acct = a;
	p->key = x->key;
	p->name = x->name;
	memcpy(p->cc, x->cc, 2);
	p->depth = x->depth;
	p->tier = tier_short(x->tier);
}

/* Lay out the postings of every shared node: the pairs, stably sorted by
 * node (a counting sort on the nodes' counts).
 * Returns the number of shared nodes. */
static size_t postings_build(struct matcher *m)
{
	size_t next = 0, shared = 0;

	m->npost = m->npairs;
	m->post = table_calloc(m->npost ? m->npost : 1, sizeof *m->post);
	for (size_t i = 0; i < m->npairs; i++) {
		struct node *nd = node_at(m, m->pairs[2 * i]);
		uint32_t a = m->pairs[2 * i + 1];
		if (!(nd->len & NODE_MARK)) {
			nd->len |= NODE_MARK;
			shared++;
			nd->head = (uint32_t)next;
			next += nd->count;
			nd->count = 0;
		}
		posting_of(m, a, &m->post[nd->head + nd->count]);
		nd->count++;
	}
	for (size_t i = 0; i < m->npairs; i++)
		node_at(m, m->pairs[2 * i])->len &= ~NODE_MARK;
	free(m->pairs);
	m->pairs = NULL;
	m->npairs = m->pcap = 0;
	return shared;
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
	free(m->acct_off);
	free(m->post);
	free(m->ids.slot);
	free(m->doms.slot);
	free(m->keys.slot);
	free(m->fz);
	free(m->fzdir);
	buf_release(&m->ptext);
	free(m->parent_off);
	free(m->parent_len);
	free(m->line);
	free(m->pairs);
	free(m->keylist);
	free(m->dlist);
	buf_release(&m->dtext);
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
	const char *name;
	size_t nn;
	int i = cli_field_item(s, n, role_name, MATCH_NROLES, &name, &nn, e);

	if (i < 0)
		return -1;
	free(m->field[i]);
	m->field[i] = xstrndup(name, nn);
	m->named[i] = 1;
	m->bound = 0;
	return 0;
}

const char *matcher_unknown_field(const struct matcher *m,
				  const struct stream *st)
{
	return stream_unknown_field(st, m->field, m->named, m->idx,
				    MATCH_NROLES);
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
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c >= 0x80) {
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
	m->with_out =
		xrealloc(m->with_out, (m->nwith + 1) * sizeof *m->with_out);
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

int matcher_load_domains(struct matcher *m, const char *path, struct cov_err *e)
{
	return validator_load_domains(m->v, path, e);
}

size_t matcher_accounts(const struct matcher *m) { return m->nacct; }

const char *matcher_account_id(const struct matcher *m, uint32_t i, size_t *n)
{
	*n = acct_at(m, m->acct_off[i])->id_len;
	return acct_id(m, m->acct_off[i]);
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

/* The country code of a country as written (memoised), 0 when none. */
static int country_memo(struct matcher *m, const char *s, size_t n, char cc[2])
{
	const char *v;
	size_t vn;

	if ((v = memo_get(m->ccmemo, s, n, &vn)) == NULL) {
		char c3[3] = "";
		vn = country_code(s, n, c3) ? 2 : 0;
		memo_put(m->ccmemo, s, n, c3, vn);
		v = c3;
		if (vn)
			memcpy(cc, c3, 2);
		return vn != 0;
	}
	if (vn == 2)
		memcpy(cc, v, 2);
	return vn == 2;
}

/* The registrable domains of a list into m->dlist (their bytes in
 * m->dtext), hashed, their home slots requested from memory. */
static void domains_parse(struct matcher *m, const char *s, size_t n)
{
	size_t i = 0;

	m->ndlist = 0;
	buf_reset(&m->dtext);
	while (i < n) {
		size_t j;
		while (i < n && is_domain_sep(s[i]))
			i++;
		for (j = i; j < n && !is_domain_sep(s[j]); j++)
			;
		if (j > i && domain_registrable(s + i, j - i, &m->reg) == 0) {
			struct dent *d;
			if (m->ndlist == m->dlcap) {
				m->dlcap = m->dlcap ? m->dlcap * 2 : 8;
				m->dlist = xrealloc(
					m->dlist, m->dlcap * sizeof *m->dlist);
			}
			d = &m->dlist[m->ndlist++];
			d->off = m->dtext.len;
			d->len = m->reg.len;
			d->hash = hash_str(m->reg.p, m->reg.len);
			ht_prefetch(&m->doms, d->hash);
			buf_add(&m->dtext, m->reg.p, m->reg.len);
		}
		i = j;
	}
}

/* Index the domains of m->dlist for account a (its record; mark as
 * node_add says).  A domain already indexed was classed when it was
 * first met. */
static int add_domains(struct matcher *m, uint32_t a, size_t mark,
		       struct cov_err *e)
{
	for (size_t i = 0; i < m->ndlist; i++) {
		const char *s = m->dtext.p + m->dlist[i].off;
		size_t n = m->dlist[i].len;
		uint64_t hash = m->dlist[i].hash;
		uint32_t v = ht_find(m, &m->doms, s, n, hash);
		if (v == NONE &&
		    !(validator_domain_class(m->v, s, n) &
		      (VALIDATE_FREEMAIL | VALIDATE_DISPOSABLE)) &&
		    (v = node_new(m, &m->doms, s, n, hash, e)) == NONE)
			return -1;
		if (v != NONE) {
			node_add(m, v, a, mark);
			if (acct_at(m, a)->dom == NONE)
				acct_at(m, a)->dom = v;
		}
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
	struct acct *x;
	uint32_t ai, a, v, nm;
	uint64_t h, hk = 0;
	size_t size, mark = m->npairs;
	char cc[2] = {0, 0};

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
	/* what the account's keys are, first: the table slots they need
	 * arrive while the rest is worked out */
	h = hash_str(id, idn);
	ht_prefetch(&m->ids, h);
	trim(&name, &namen);
	nm = name_hash(&m->out, &m->fold, name, namen);
	if (namen && company_key(name, namen, &m->key) == 0) {
		key = m->key.p;
		keyn = m->key.len;
	} else {
		trim(&key, &keyn);
	}
	if (keyn) {
		hk = hash_str(key, keyn);
		ht_prefetch(&m->keys, hk);
	}
	m->ndlist = 0;
	if (domsn)
		domains_parse(m, doms, domsn);
	trim(&country, &countryn);
	if (countryn)
		country_memo(m, country, countryn, cc);

	if ((v = ht_find(m, &m->ids, id, idn, h)) != NONE) {
		char q[80] = "";
		uint32_t first = acct_at(m, v)->index;
		err_quote_value(q, sizeof q, id, idn, 40);
		if (m->line && m->line[first])
			err_set(e, COV_EXIT_DATA, file, line,
				"account_id_duplicate",
				"duplicate account_id %s (first on line %u)", q,
				m->line[first]);
		else
			err_set(e, COV_EXIT_DATA, file, line,
				"account_id_duplicate",
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
		m->acct_off =
			xrealloc(m->acct_off, m->acap * sizeof *m->acct_off);
		m->parent_off = xrealloc(m->parent_off,
					 m->acap * sizeof *m->parent_off);
		m->parent_len = xrealloc(m->parent_len,
					 m->acap * sizeof *m->parent_len);
		m->line = xrealloc(m->line, m->acap * sizeof *m->line);
	}
	ai = (uint32_t)m->nacct;

	/* the record: the account, its id, its --with values */
	size = sizeof *x + idn;
	for (size_t i = 0; i < m->nwith; i++) {
		const char *w = with ? with[i] : NULL;
		size_t wn = with ? withn[i] : 0;
		trim(&w, &wn);
		size += 2 + (wn > 65535 ? 65535 : wn);
	}
	if ((a = arena_reserve(m, size, e)) == NONE)
		return -1;
	x = acct_at(m, a);
	x->index = ai;
	x->key = x->dom = x->parent = NONE;
	x->name = nm;
	x->id_len = (uint16_t)idn;
	memcpy(x->cc, cc, 2);
	trim(&tier, &tiern);
	x->tier = tiern ? tier_parse(tier, tiern) : TIER_NONE;
	x->flags = AF_ID_CLEAN;
	for (size_t i = 0; i < idn; i++)
		if (id[i] == ',' || id[i] == '"' || id[i] == '\r' ||
		    id[i] == '\n')
			x->flags = 0;
	{
		char *p = m->arena.p + a + sizeof *x;
		memcpy(p, id, idn);
		p += idn;
		for (size_t i = 0; i < m->nwith; i++) {
			const char *w = with ? with[i] : NULL;
			size_t wn = with ? withn[i] : 0;
			trim(&w, &wn);
			if (wn > 65535)
				wn = 65535;
			p[0] = (char)(wn & 0xff);
			p[1] = (char)(wn >> 8);
			if (wn)
				memcpy(p + 2, w, wn);
			p += 2 + wn;
		}
	}
	m->acct_off[ai] = a;
	m->line[ai] = line > 0 && line < (long)UINT32_MAX ? (uint32_t)line : 0;
	m->nacct++;
	ht_insert(&m->ids, h, a);

	/* company key: derived from the name, else as given */
	if (keyn) {
		if ((v = ht_find(m, &m->keys, key, keyn, hk)) == NONE &&
		    (v = node_new(m, &m->keys, key, keyn, hk, e)) == NONE)
			return -1;
		node_add(m, v, a, mark);
		acct_at(m, a)->key = v;
	}
	if (m->ndlist && add_domains(m, a, mark, e) < 0)
		return -1;
	trim(&parent, &parentn);
	m->parent_off[ai] = 0;
	m->parent_len[ai] = 0;
	if (parentn && !id_placeholder(parent, parentn) && parentn <= 1024) {
		if (m->ptext.len + parentn >= UINT32_MAX - 1) {
			err_set(e, COV_EXIT_IO, NULL, 0, "too_large",
				"accounts take more than 4 GB of memory");
			return -1;
		}
		m->parent_off[ai] = (uint32_t)m->ptext.len + 1;
		m->parent_len[ai] = (uint16_t)parentn;
		buf_add(&m->ptext, parent, parentn);
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
			out[k++] = (uint32_t)(XXH3_64bits_withSeed(s + i, j - i,
								   1) >>
					      32);
		if (j - i >= 5) {
			out[k++] =
				(uint32_t)(XXH3_64bits_withSeed(s + i, 4, 2) >>
					   32);
			out[k++] = (uint32_t)(XXH3_64bits_withSeed(s + j - 4, 4,
								   3) >>
					      32);
		}
		i = j;
	}
	return k;
}

/* The blocks of every indexed key node, in node order: counted per
 * 16-bit bucket into count (out NULL), else written as entries at
 * count[bucket]++. */
static void each_key_blocks(struct matcher *m, size_t *count, uint64_t *out)
{
	uint32_t bl[96];

	for (size_t i = 0; i < m->nkeys; i++) {
		uint32_t v = m->keylist[i];
		const struct node *nd = node_at(m, v);
		size_t nb;
		if (node_len(nd) > FUZZY_MAX_KEY || node_len(nd) == 0)
			continue;
		nb = blocks_of(node_str(m, v), node_len(nd), bl, 96);
		for (size_t b = 0; b < nb; b++) {
			size_t top = bl[b] >> 16;
			if (out)
				out[count[top]++] = (uint64_t)bl[b] << 32 | v;
			else
				count[top]++;
		}
	}
}

/* Sort a bucket of entries that are in node order within each block
 * hash: a stable sort on the low 16 bits of the hash (two 8-bit LSD
 * passes through tmp, or insertion for a few) sorts it entirely. */
static void bucket_sort(uint64_t *v, size_t n, uint64_t *tmp)
{
	if (n <= 24) {
		for (size_t j = 1; j < n; j++) {
			uint64_t x = v[j];
			size_t k = j;
			for (; k > 0 && v[k - 1] > x; k--)
				v[k] = v[k - 1];
			v[k] = x;
		}
		return;
	}
	for (unsigned sh = 32; sh < 48; sh += 8) {
		size_t count[257] = {0};
		for (size_t i = 0; i < n; i++)
			count[((v[i] >> sh) & 0xff) + 1]++;
		for (size_t b = 1; b < 257; b++)
			count[b] += count[b - 1];
		for (size_t i = 0; i < n; i++)
			tmp[count[(v[i] >> sh) & 0xff]++] = v[i];
		memcpy(v, tmp, n * sizeof *v);
	}
}

/* The fuzzy index: the blocks of every key, produced twice over the keys
 * so that each entry is written straight into its bucket of the top 16
 * bits (no second copy of all the entries), each bucket then sorted on
 * its own. */
static void fuzzy_build(struct matcher *m)
{
	size_t *count = xcalloc(65537, sizeof *count);
	size_t total = 0, w, i, big = 0;
	uint64_t *tmp;

	each_key_blocks(m, count, NULL);
	for (size_t b = 0; b < 65536; b++) {
		size_t c = count[b];
		count[b] = total;
		total += c;
		if (c > big)
			big = c;
	}
	m->fz = table_calloc(total ? total : 1, sizeof *m->fz);
	each_key_blocks(m, count, m->fz);
	/* count[b] is now the end of bucket b, the start of b + 1 */
	tmp = xmalloc((big ? big : 1) * sizeof *tmp);
	for (size_t b = 0, start = 0; b < 65536; start = count[b++])
		bucket_sort(m->fz + start, count[b] - start, tmp);
	free(tmp);
	free(count);
	free(m->keylist);
	m->keylist = NULL;
	m->nkeys = m->kcap = 0;
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
	size_t i, slots, shared = 0;

	if (m->finished)
		return;
	m->finished = 1;
	/* parents, then depths (a cycle stops at 255) */
	for (i = 0; i < m->nacct; i++) {
		if (!m->parent_off || !m->parent_off[i])
			continue;
		const char *p = m->ptext.p + m->parent_off[i] - 1;
		size_t n = m->parent_len[i];
		uint32_t v = ht_find(m, &m->ids, p, n, hash_str(p, n));
		if (v != NONE && v != m->acct_off[i])
			acct_at(m, m->acct_off[i])->parent = v;
	}
	for (i = 0; i < m->nacct; i++) {
		struct acct *x = acct_at(m, m->acct_off[i]);
		uint32_t p = x->parent, web = NONE;
		unsigned d = 0;
		while (p != NONE && d < 255) {
			const struct acct *y = acct_at(m, p);
			if (web == NONE && y->dom != NONE)
				web = y->dom;
			d++;
			p = y->parent;
		}
		x->depth = (uint8_t)d;
		/* a subsidiary without a website of its own is reached
		 * through its nearest ancestor's (first) domain */
		if (x->dom == NONE && web != NONE) {
			node_add(m, web, m->acct_off[i], m->npairs);
			x->flags |= AF_INHERITED;
		}
		if (x->dom == NONE && web == NONE && x->key != NONE)
			node_at(m, x->key)->len |= NODE_NOWEB;
	}
	buf_release(&m->ptext);
	buf_release(&m->dtext);
	free(m->dlist);
	m->dlist = NULL;
	m->ndlist = m->dlcap = 0;
	free(m->parent_off);
	free(m->parent_len);
	free(m->line);
	m->parent_off = NULL;
	m->parent_len = NULL;
	m->line = NULL;
	shared = postings_build(m);
	/* trim the growth slack */
	if (m->nacct) {
		m->acct_off =
			xrealloc(m->acct_off, m->nacct * sizeof *m->acct_off);
		m->acap = m->nacct;
	}
	if (m->arena.len)
		m->arena.p = xrealloc(m->arena.p, m->arena.cap = m->arena.len);
	fuzzy_build(m);
	slots = DCACHE_MIN;
	while (slots < DCACHE_MAX && slots < m->doms.n * 2)
		slots *= 2;
	m->dcache = table_calloc(slots, sizeof *m->dcache);
	m->dmask = slots - 1;
	/* one decision slot per shared domain or key, about */
	slots = DCACHE_MIN;
	while (slots < DCACHE_MAX && slots < shared * 2)
		slots *= 2;
	m->decision = table_calloc(slots, sizeof *m->decision);
	m->decmask = slots - 1;
}

/* Extra account-export column names norm_header does not map. */
static const char *extra_canonical(const char *s, size_t n, struct buf *tmp)
{
	/* clang-format off */
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
	/* clang-format on */

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
	unsigned char *role; /* per column: AC_* */
	int *with_col;       /* per --with name: column, -1 */
	int company_col;     /* the first company column, for --with name */
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
		const char *c =
			hm ? hm->canonical
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

/* Field i of rec trimmed, JSON null as empty: a --with value. */
static void rec_value_any(const struct record *rec, int i, const char **s,
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

/* Field i of rec as a key to match on: rec_value_any, with an NDJSON
 * object or array as empty too.  Nested values pass through verbatim
 * (SPEC §3), never read as an id, a name, a domain or a country. */
static void rec_value(const struct record *rec, int i, const char **s,
		      size_t *n)
{
	rec_value_any(rec, i, s, n);
	if (rec_nested(rec, i))
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
	{
		/* the records take less room than the file: reserved at
		 * once, the arena is not copied as it grows (untouched room
		 * costs no memory, and matcher_finish gives it back) */
		struct stat sb;
		if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
		    (size_t)sb.st_size > m->arena.cap &&
		    (uint64_t)sb.st_size < UINT32_MAX) {
			buf_grow(&m->arena, (size_t)sb.st_size - m->arena.len);
			advise_huge(m->arena.p, m->arena.cap);
		}
	}
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
			if (cm.role[i] == AC_ID && rec_nested(&rec, (int)i)) {
				err_set(e, COV_EXIT_DATA, r->in->name, rec.line,
					"account_id_empty",
					"account_id is an object or array, not an id");
				goto out;
			}
			if (cm.role[i] == AC_DOMAIN &&
			    rec_nested(&rec, (int)i) &&
			    rec_val(&rec, i)[0] == '[')
				/* a list of domains: is_domain_sep splits it */
				rec_value_any(&rec, (int)i, &v, &vn);
			else
				rec_value(&rec, (int)i, &v, &vn);
			if (!vn)
				continue;
			switch (cm.role[i]) {
			case AC_ID: id = v, idn = vn; break;
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
			rec_value_any(&rec, cm.with_col[w], &wv[w], &wn[w]);
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
	return m->arena.cap + m->acap * sizeof *m->acct_off +
	       m->npost * sizeof *m->post + m->pcap * 2 * sizeof *m->pairs +
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
	/* clang-format off */
	static const struct word w[] = {
		W("emea"), W("apac"), W("latam"), W("americas"), W("europe"),
		W("asia"), W("africa"), W("nordics"), W("benelux"), W("dach"),
		W("international"), W("intl"), W("worldwide"),
		W("north america"), W("south america"), W("middle east"),
		W("asia pacific"), W("latin america"), W("mena"), W("anz"),
	};
	/* clang-format on */

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
static double fuzzy_score(const char *q, size_t qn, size_t qcut, const char *k,
			  size_t kn, double min)
{
	double s = sim_bounded(q, qn, k, kn, min);

	if (qcut < qn && s < 1.0) {
		double t = GEO_FACTOR * sim_bounded(q, qcut, k, kn,
						    min / GEO_FACTOR > 1
							    ? 1
							    : min / GEO_FACTOR);
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
	uint32_t name; /* name_hash of company; 0 none */
	int named;     /* name computed */
	int cut_done, label_done;
	uint32_t keynode;  /* the accounts' node of the contact's key, NONE */
	char cc[2];        /* country for rule 3, "\0\0" unknown */
	char cc0[2];       /* the contact's country, before ctx_cut */
	int key_given;     /* key is the company_key field's value */
	const char *label; /* first label of the e-mail registrable domain */
	size_t labeln;
	uint32_t dom; /* the contact's domain node, NONE */
};

static int acct_cmp_id(const struct matcher *m, uint32_t a, uint32_t b)
{
	const struct acct *x = acct_at(m, a), *y = acct_at(m, b);
	size_t n = x->id_len < y->id_len ? x->id_len : y->id_len;
	int c = memcmp(acct_id(m, a), acct_id(m, b), n);

	if (c)
		return c;
	return (int)x->id_len - (int)y->id_len;
}

/* Compare two candidates: < 0 when a ranks first; *rule gets the rule
 * that decided. */
static int cand_cmp(const struct matcher *m, const struct cand *a,
		    const struct cand *b, enum match_rule *rule)
{
	if (a->score != b->score)
		return *rule = MATCH_RULE_NAME, a->score > b->score ? -1 : 1;
	if (a->same != b->same)
		return *rule = MATCH_RULE_NAME, a->same > b->same ? -1 : 1;
	if (a->dom != b->dom)
		return *rule = MATCH_RULE_DOMAIN, a->dom > b->dom ? -1 : 1;
	if (a->cc != b->cc)
		return *rule = MATCH_RULE_COUNTRY, a->cc > b->cc ? -1 : 1;
	if (a->p.depth != b->p.depth)
		return *rule = MATCH_RULE_PARENT,
		       a->p.depth < b->p.depth ? -1 : 1;
	if (a->p.tier != b->p.tier)
		return *rule = MATCH_RULE_TIER, a->p.tier < b->p.tier ? -1 : 1;
	if (a->p.tier == 255) {
		/* both past 254, or none: the records tell */
		uint16_t x = acct_at(m, a->p.acct)->tier,
			 y = acct_at(m, b->p.acct)->tier;
		if (x != y)
			return *rule = MATCH_RULE_TIER, x < y ? -1 : 1;
	}
	*rule = MATCH_RULE_ID;
	return acct_cmp_id(m, a->p.acct, b->p.acct);
}

/* Domain agreement of account a with the contact. */
static unsigned char dom_agree(const struct matcher *m, const struct ctx *c,
			       uint32_t a)
{
	const struct acct *x;
	const char *p, *dot;
	size_t n;

	if (c->dom == NONE && !c->labeln)
		return 0; /* nothing to agree with: a need not be read */
	x = acct_at(m, a);
	if (x->dom == NONE)
		return 0;
	if (c->dom != NONE && x->dom == c->dom)
		return 2;
	if (!c->labeln)
		return 0;
	p = node_str(m, x->dom);
	n = node_len(node_at(m, x->dom));
	dot = memchr(p, '.', n);
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

/* The hash of the contact's company as written, once (0 without a key). */
static void ctx_name(struct matcher *m, struct ctx *c)
{
	if (c->named)
		return;
	c->named = 1;
	c->name = c->companyn ? name_hash(&m->out, &m->fold, c->company,
					  c->companyn)
			      : 0;
}

/* Weigh a candidate: its name agreement (kept when already >= 0: 1 for
 * an equal key, the similarity when at least --min-score, else 0), the
 * same name as written, domain agreement (kept when already set) and
 * country. */
static void cand_weigh(struct matcher *m, struct ctx *c, struct cand *out)
{
	const struct posting *p = &out->p;

	ctx_cut(c);
	if (out->score < 0) {
		if (!c->keyn || p->key == NONE) {
			out->score = 0;
		} else if (p->key == c->keynode) {
			out->score = 1;
		} else {
			out->score = (float)fuzzy_score(
				c->key, c->keyn, c->keycut, node_str(m, p->key),
				node_len(node_at(m, p->key)), m->min_score);
		}
	}
	out->same = 0;
	if (c->companyn && p->name && out->score > 0) {
		ctx_name(m, c);
		out->same = c->name == p->name;
	}
	if (out->dom == DOM_UNSET)
		out->dom = dom_agree(m, c, p->acct);
	out->cc = c->cc[0] && p->cc[0] && c->cc[0] == p->cc[0] &&
		  c->cc[1] == p->cc[1];
}

/* Sort cand[0..n) best first as far as top; the rule that put the first
 * ahead of the second goes to *rule. */
static void cand_sort(struct matcher *m, struct cand *cand, size_t n,
		      size_t top, enum match_rule *rule)
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
			struct cand t = cand[i];
			cand[i] = cand[best];
			cand[best] = t;
		}
	}
	*rule = MATCH_RULE_ONLY;
	if (n > 1)
		cand_cmp(m, &cand[0], &cand[1], rule);
}

/* Add posting p after the k candidates there are, when there is room. */
static inline size_t cand_add(struct matcher *m, const struct posting *p,
			      double score, unsigned char dom, size_t k)
{
	if (k < MATCH_MAX_CANDIDATES) {
		m->cand[k].p = *p;
		m->cand[k].score = (float)score;
		m->cand[k].dom = dom;
		m->cand[k].same = m->cand[k].cc = 0;
		k++;
	}
	return k;
}

/* Add account a (its record) after the k candidates there are. */
static inline size_t cand_add_acct(struct matcher *m, uint32_t a, double score,
				   unsigned char dom, size_t k)
{
	struct posting p;

	posting_of(m, a, &p);
	return cand_add(m, &p, score, dom, k);
}

/* Add the accounts of node v (score < 0: to be weighed; dom DOM_UNSET:
 * likewise) after the k candidates there are. */
static size_t node_cands(struct matcher *m, uint32_t v, double score,
			 unsigned char dom, size_t k)
{
	const struct node *nd = node_at(m, v);
	const struct posting *p, *end;

	if (nd->count == 1)
		return cand_add_acct(m, nd->head, score, dom, k);
	p = m->post + nd->head;
	end = p + nd->count;
	for (; p < end && k < MATCH_MAX_CANDIDATES; p++)
		k = cand_add(m, p, score, dom, k);
	return k;
}

/* The decision cache slot for a choice among candidates, NULL without
 * the cache: its key is what the choice depends on — the step, the node
 * the candidates came from, the contact's key (which decides any place
 * it ends in), the hash of its name as written, its country and, past
 * the domain step (where domain agreement is given), the first label of
 * its e-mail domain. */
static struct decision *decision_slot(struct matcher *m, struct ctx *c,
				      int step, uint32_t node, XXH128_hash_t *h)
{
	struct buf *b = &m->dk;

	if (!m->decision || m->explain)
		return NULL;
	ctx_name(m, c);
	buf_reset(b);
	buf_addc(b, (char)step);
	buf_add(b, &node, sizeof node);
	buf_add(b, &c->name, sizeof c->name);
	buf_add(b, c->cc0, 2);
	buf_add(b, c->key, c->keyn);
	if (step != MATCH_DOMAIN) {
		buf_addc(b, 0);
		buf_add(b, c->label, c->labeln);
	}
	*h = XXH3_128bits(b->p, b->len);
	return &m->decision[h->low64 & m->decmask];
}

/* The cached choice for the inputs of d (from decision_slot), into r. */
static int decision_get(struct matcher *m, const struct decision *d,
			const XXH128_hash_t *h, struct match_result *r)
{
	if (!d || !d->used || d->h1 != h->low64 || d->h2 != h->high64)
		return 0;
	m->res_acct = d->account;
	r->method = (enum match_method)d->method;
	r->account = acct_at(m, d->account)->index;
	r->score = d->score;
	r->rule = (enum match_rule)d->rule;
	r->ncand = d->total;
	r->cand[0].account = r->account;
	r->cand[0].score = d->score;
	return 1;
}

/* Weigh (when there is a choice to make, or --explain), sort and report
 * the n candidates of m->cand; rule is the rule that already set the
 * first apart (ONLY when none).  The choice is remembered in d (NULL:
 * not). */
static void result_pick(struct matcher *m, struct ctx *c,
			struct match_result *r, enum match_method method,
			size_t n, size_t total, enum match_rule rule,
			struct decision *d, const XXH128_hash_t *h)
{
	size_t shown;

	if (n > 1 || m->explain) {
		/* the records, and the key strings the similarity will
		 * read, requested together */
		for (size_t i = 0; i < n; i++)
			if (m->cand[i].score < 0 && m->cand[i].p.key != NONE &&
			    m->cand[i].p.key != c->keynode)
				__builtin_prefetch(m->arena.p +
						   m->cand[i].p.key);
		for (size_t i = 0; i < n; i++)
			cand_weigh(m, c, &m->cand[i]);
	}
	if (n > 1)
		cand_sort(m, m->cand, n, m->explain ? MATCH_MAX_EXPLAIN : 2,
			  &rule);
	else if (n == 1 && m->cand[0].score < 0)
		m->cand[0].score = 1; /* pruned: its key is the contact's */
	if (method == MATCH_DOMAIN && m->cand[0].dom != 2)
		method = MATCH_NAME; /* a website-less account won by name */
	m->res_acct = m->cand[0].p.acct;
	r->method = method;
	r->account = acct_at(m, m->cand[0].p.acct)->index;
	r->score = method == MATCH_FUZZY ? m->cand[0].score : 1.0;
	r->rule = rule;
	r->ncand = total;
	shown = n < MATCH_MAX_EXPLAIN ? n : MATCH_MAX_EXPLAIN;
	if (!m->want_cands)
		shown = 1; /* the others' records need not be read */
	for (size_t i = 0; i < shown; i++) {
		const struct cand *k = &m->cand[i];
		r->cand[i].account =
			i ? acct_at(m, k->p.acct)->index : r->account;
		r->cand[i].score = k->score;
		r->cand[i].same = k->same;
		r->cand[i].dom = k->dom;
		r->cand[i].cc = k->cc;
	}
	if (d) {
		d->h1 = h->low64;
		d->h2 = h->high64;
		d->account = m->res_acct;
		d->score = (float)r->score;
		d->total = (uint32_t)(total < UINT32_MAX ? total : UINT32_MAX);
		d->method = (uint8_t)method;
		d->rule = (uint8_t)rule;
		d->used = 1;
	}
}

/* Add the website-less accounts among the first room accounts of key
 * node v after the k candidates; returns the new count. */
static size_t websiteless_cands(struct matcher *m, uint32_t v, size_t k,
				size_t room)
{
	const struct node *nd = node_at(m, v);
	size_t n = nd->count < room ? nd->count : room;

	if (!(nd->len & NODE_NOWEB))
		return k;
	for (size_t i = 0; i < n; i++) {
		uint32_t a =
			nd->count == 1 ? nd->head : m->post[nd->head + i].acct;
		const struct acct *y = acct_at(m, a);
		if (y->dom == NONE && !(y->flags & AF_INHERITED))
			k = cand_add_acct(m, a, 1.0, 0, k);
	}
	return k;
}

/* The domain step: the accounts of domain node dn, then the website-less
 * accounts that bear the contact's key, as far as MATCH_MAX_CANDIDATES.
 * When some bear the contact's key, the others lose rule 1: they are
 * neither weighed nor gathered, and when only one does, no choice is
 * left to remember. */
static void match_domain(struct matcher *m, struct ctx *c, uint32_t dn,
			 struct match_result *r)
{
	const struct node *nd = node_at(m, dn);
	uint32_t kn = c->keynode, head_key = NONE;
	size_t ndom = nd->count < MATCH_MAX_CANDIDATES ? nd->count
						       : MATCH_MAX_CANDIDATES;
	size_t room = MATCH_MAX_CANDIDATES - ndom, n, k = 0, w;
	struct decision *d = NULL;
	XXH128_hash_t h;

	if (nd->count == 1) {
		head_key = acct_at(m, nd->head)->key;
		/* name and domain agree on the one account, or no other can
		 * compete: nothing to weigh */
		if (kn == NONE || head_key == kn ||
		    !(node_at(m, kn)->len & NODE_NOWEB)) {
			cand_add_acct(m, nd->head, -1, 2, 0);
			result_pick(m, c, r, MATCH_DOMAIN, 1, 1,
				    MATCH_RULE_ONLY, NULL, NULL);
			return;
		}
	}
	if (kn == NONE || m->explain) {
		if ((d = decision_slot(m, c, MATCH_DOMAIN, dn, &h)) != NULL &&
		    decision_get(m, d, &h, r))
			return;
		n = node_cands(m, dn, -1, 2, 0);
		if (kn != NONE)
			n = websiteless_cands(m, kn, n, room);
		result_pick(m, c, r, MATCH_DOMAIN, n, nd->count + (n - ndom),
			    MATCH_RULE_ONLY, n > 1 ? d : NULL, &h);
		return;
	}
	if (nd->count == 1) {
		if (head_key == kn)
			k = cand_add_acct(m, nd->head, -1, 2, 0);
	} else {
		const struct posting *p = m->post + nd->head, *end = p + ndom;
		for (; p < end; p++)
			if (p->key == kn)
				k = cand_add(m, p, -1, 2, k);
	}
	w = websiteless_cands(m, kn, k, room) - k;
	n = ndom + w; /* the candidates before the key sifted them */
	if (k + w == 1) {
		/* the one that bears the key beat the others on rule 1 */
		result_pick(m, c, r, MATCH_DOMAIN, 1, nd->count + w,
			    n > 1 ? MATCH_RULE_NAME : MATCH_RULE_ONLY, NULL,
			    NULL);
		return;
	}
	if (n > 1 && (d = decision_slot(m, c, MATCH_DOMAIN, dn, &h)) != NULL &&
	    decision_get(m, d, &h, r))
		return;
	if (k + w == 0) {
		/* none bears the key: all of the domain's are weighed */
		n = node_cands(m, dn, -1, 2, 0);
		result_pick(m, c, r, MATCH_DOMAIN, n, nd->count,
			    MATCH_RULE_ONLY, n > 1 ? d : NULL, &h);
		return;
	}
	result_pick(m, c, r, MATCH_DOMAIN, k + w, nd->count + w,
		    MATCH_RULE_ONLY, n > 1 ? d : NULL, &h);
}

/* The domain node and class of an e-mail host, through the cache. */
static uint32_t host_lookup(struct matcher *m, const char *h, size_t n,
			    const struct ahead *a, uint32_t *cls)
{
	const XXH128_hash_t *known = a ? &a->hhost : NULL;
	XXH128_hash_t hh = known ? *known : XXH3_128bits(h, n);
	struct dslot *s = &m->dcache[hh.low64 & m->dmask];
	uint32_t v = NONE;
	int c;

	if (s->cls && s->h1 == hh.low64 && s->h2 == hh.high64) {
		*cls = s->cls & 0xff;
		return s->node;
	}
	/* a host that is an accounts' domain is its own registrable domain,
	 * and was found neither free-mail nor disposable when indexed */
	if ((v = ht_find(m, &m->doms, h, n,
			 a && a->have_hdom ? a->hdom : hash_str(h, n))) !=
	    NONE) {
		c = 0;
	} else {
		c = validator_domain_class(m->v, h, n);
		if (domain_registrable(h, n, &m->reg) == 0 &&
		    !(c & (VALIDATE_FREEMAIL | VALIDATE_DISPOSABLE)))
			v = ht_find(m, &m->doms, m->reg.p, m->reg.len,
				    hash_str(m->reg.p, m->reg.len));
	}
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
	uint32_t bl[96], cand[FUZZY_MAX_CAND], seen[FUZZY_SEEN];
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
	/* the directory entries, then the first entries of every block,
	 * requested together rather than one miss after another */
	for (size_t i = 0; i < nb; i++)
		__builtin_prefetch(&m->fzdir[bl[i] >> (32 - m->fzbits)]);
	for (size_t i = 0; i < nb; i++)
		__builtin_prefetch(&m->fz[m->fzdir[bl[i] >> (32 - m->fzbits)]]);
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
	/* rarest blocks first, until the candidate list is full; a key met
	 * twice is kept once (seen: a set of FUZZY_SEEN slots) */
	memset(seen, 0xff, sizeof seen);
	for (size_t done = 0; done < nb && nc < FUZZY_MAX_CAND; done++) {
		size_t best = nb;
		for (size_t i = 0; i < nb; i++)
			if (hi[i] > lo[i] &&
			    (best == nb || hi[i] - lo[i] < hi[best] - lo[best]))
				best = i;
		if (best == nb)
			break;
		for (size_t t = lo[best]; t < hi[best] && nc < FUZZY_MAX_CAND;
		     t++) {
			uint32_t v = (uint32_t)m->fz[t];
			size_t j = (v * 0x9e3779b1u) >> (32 - FUZZY_SEEN_BITS);
			while (seen[j] != NONE && seen[j] != v)
				j = (j + 1) & (FUZZY_SEEN - 1);
			if (seen[j] == NONE) {
				seen[j] = v;
				cand[nc++] = v;
				__builtin_prefetch(m->arena.p + v);
			}
		}
		hi[best] = lo[best];
	}
	for (size_t i = 0; i < nc; i++) {
		double s = fuzzy_score(q, qn, qcut, node_str(m, cand[i]),
				       node_len(node_at(m, cand[i])),
				       m->min_score);
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
	int derived = 0;

	trim(&k, &kn);
	if (!kn) {
		trim(&s, &sn);
		if (sn) {
			if ((v = memo_get(m->keymemo, s, sn, &vn)) != NULL) {
				k = v, kn = vn;
			} else if (company_key(s, sn, &m->key) == 0) {
				memo_put(m->keymemo, s, sn, m->key.p,
					 m->key.len);
				k = m->key.p, kn = m->key.len;
			}
			derived = 1;
		}
	}
	if (kn && key_placeholder(k, kn))
		kn = 0;
	if (kn && derived) {
		/* it lives in a memo slot or in m->key: keep a copy */
		buf_reset(&m->tmp);
		buf_add(&m->tmp, k, kn);
		k = m->tmp.p;
	}
	c->key = kn ? k : "";
	c->keyn = kn;
	c->key_given = kn && !derived;
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
	if (n == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' &&
	    s[1] <= 'Z') {
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

/* The contact's e-mail host: email_domain, else the part of the e-mail
 * address after its last '@'. */
static void contact_host(const struct match_query *q, const char **host,
			 size_t *hn)
{
	*host = q->email_domain;
	*hn = q->email_domain_n;
	trim(host, hn);
	if (!*hn && q->email_n) {
		const char *at = memrchr(q->email, '@', q->email_n);
		if (at) {
			*host = at + 1;
			*hn = (size_t)(q->email + q->email_n - *host);
			trim(host, hn);
		}
	}
}

/* matcher_match, with the hashes a is sure of (a may be NULL). */
static void match_one(struct matcher *m, const struct match_query *q,
		      struct match_result *r, const struct ahead *a)
{
	const char *id = q->account_id, *host;
	size_t idn = q->account_id_n, hn, n;
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
		v = ht_find(m, &m->ids, id, idn,
			    a && a->q.account_id == id &&
					    a->q.account_id_n == idn
				    ? a->hid
				    : hash_str(id, idn));
		if (v == NONE && sf_id18(id, idn, id18))
			v = ht_find(m, &m->ids, id18, 18, hash_str(id18, 18));
		if (v != NONE) {
			cand_add_acct(m, v, 1.0, 0, 0);
			result_pick(m, &c, r, MATCH_EXISTING, 1, 1,
				    MATCH_RULE_ONLY, NULL, NULL);
			return;
		}
	}

	/* domain */
	contact_host(q, &host, &hn);
	if (hn && m->doms.n)
		dnode = host_lookup(
			m, host, hn,
			a && a->host == host && a->hn == hn ? a : NULL, &cls);
	c.dom = dnode;
	ctx_country(m, q, &c);
	memcpy(c.cc0, c.cc, 2);
	ctx_key(m, q, &c);
	if (c.keyn)
		c.keynode =
			ht_find(m, &m->keys, c.key, c.keyn,
				c.key_given && a && a->q.company_key == c.key &&
						a->q.company_key_n == c.keyn
					? a->hkey
					: hash_str(c.key, c.keyn));
	if (dnode != NONE) {
		match_domain(m, &c, dnode, r);
		return;
	}

	/* name */
	if (!c.keyn)
		return;
	if ((v = c.keynode) != NONE) {
		const struct node *nd = node_at(m, v);
		struct decision *d = NULL;
		XXH128_hash_t h;
		if (nd->count > 1 || m->explain)
			ctx_need_label(m, &c, host, hn, cls, m->doms.n != 0);
		if (nd->count > 1 &&
		    (d = decision_slot(m, &c, MATCH_NAME, v, &h)) != NULL) {
			__builtin_prefetch(d);
			__builtin_prefetch(m->post + nd->head);
			if (decision_get(m, d, &h, r))
				return;
		}
		n = node_cands(m, v, 1.0, DOM_UNSET, 0);
		result_pick(m, &c, r, MATCH_NAME, n, nd->count, MATCH_RULE_ONLY,
			    n > 1 ? d : NULL, &h);
		return;
	}

	/* fuzzy */
	if (c.keyn <= FUZZY_MAX_KEY && m->nfz) {
		uint32_t nodes[FUZZY_KEEP];
		float scores[FUZZY_KEEP];
		size_t k, total = 0;
		struct decision *d = NULL;
		XXH128_hash_t h;
		ctx_cut(&c);
		k = fuzzy_find(m, c.key, c.keyn, c.keycut, nodes, scores);
		if (!k)
			return;
		ctx_need_label(m, &c, host, hn, cls, m->doms.n != 0);
		for (size_t i = 0; i < k; i++)
			total += node_at(m, nodes[i])->count;
		if (total > 1 &&
		    (d = decision_slot(m, &c, MATCH_FUZZY, 0, &h)) != NULL) {
			__builtin_prefetch(d);
			if (decision_get(m, d, &h, r))
				return;
		}
		n = 0;
		for (size_t i = 0; i < k; i++)
			n = node_cands(m, nodes[i], scores[i], DOM_UNSET, n);
		result_pick(m, &c, r, MATCH_FUZZY, n, total, MATCH_RULE_ONLY,
			    n > 1 ? d : NULL, &h);
	}
}

void matcher_match(struct matcher *m, const struct match_query *q,
		   struct match_result *r)
{
	m->want_cands = 1;
	match_one(m, q, r, NULL);
}

/* ---- stream ------------------------------------------------------------- */

void matcher_bind(struct matcher *m, struct stream *st)
{
	struct schema *s = &st->schema;

	/* a contact export as it is: "Email", "Account ID", "Mailing
	 * Country" found as cov-normalize would name them */
	for (int i = 0; i < MATCH_NROLES; i++)
		m->idx[i] = header_roles_find(&m->roles, s, m->field[i]);
	if (!m->bind_done) {
		/* account_id is rewritten: keep the value it came with.  An
		 * NDJSON input shows its fields only in its records, none yet
		 * here, and may have an account_id in any of them */
		int f = schema_find(s, "account_id", 10);
		m->input_id_on = f >= 0 || st->in_fmt == FMT_NDJSON;
	}
	m->f_account_id = stream_add_field(st, "account_id");
	m->f_method = stream_add_field(st, "match_method");
	m->f_score = stream_add_field(st, "match_score");
	m->f_input_id =
		m->input_id_on ? stream_add_field(st, "input_account_id") : -1;
	m->f_with = xrealloc(m->f_with, (m->nwith + 1) * sizeof *m->f_with);
	for (size_t w = 0; w < m->nwith; w++)
		m->f_with[w] = stream_add_field(st, m->with_out[w]);
	m->f_explain =
		m->explain ? stream_add_field(st, "match_candidates") : -1;
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
	size_t shown =
		r->ncand < MATCH_MAX_EXPLAIN ? r->ncand : MATCH_MAX_EXPLAIN;
	char item[1200];

	buf_reset(b);
	if (json)
		buf_addc(b, '[');
	if (r->method != MATCH_NONE) {
		for (size_t i = 0; i < shown; i++) {
			size_t idn;
			const char *id =
				matcher_account_id(m, r->cand[i].account, &idn);
			fmt_score(&m->reg, r->method == MATCH_FUZZY ||
							   r->cand[i].score < 1
						   ? r->cand[i].score
						   : 1.0);
			int k = snprintf(item, sizeof item, "%.*s=%.*s",
					 (int)idn, id, (int)m->reg.len,
					 m->reg.p);
			explain_item(m, b, json, item, (size_t)k);
		}
		if (r->ncand > shown) {
			int k = snprintf(item, sizeof item, "+%zu",
					 r->ncand - shown);
			explain_item(m, b, json, item, (size_t)k);
		}
		if (r->rule != MATCH_RULE_ONLY) {
			int k = snprintf(item, sizeof item, "by=%s",
					 rule_name[r->rule]);
			explain_item(m, b, json, item, (size_t)k);
		}
	}
	if (json) {
		buf_addc(b, ']');
		rec_set(rec, (size_t)m->f_explain, b->p, b->len, VAL_RAW);
	} else {
		rec_set(rec, (size_t)m->f_explain, b->p ? b->p : "", b->len,
			VAL_STR);
	}
}

/* The contact fields of rec. */
static void query_of(const struct matcher *m, const struct record *rec,
		     struct match_query *q)
{
	rec_value(rec, m->idx[MATCH_F_ACCOUNT_ID], &q->account_id,
		  &q->account_id_n);
	rec_value(rec, m->idx[MATCH_F_EMAIL], &q->email, &q->email_n);
	rec_value(rec, m->idx[MATCH_F_EMAIL_DOMAIN], &q->email_domain,
		  &q->email_domain_n);
	rec_value(rec, m->idx[MATCH_F_COMPANY], &q->company, &q->company_n);
	rec_value(rec, m->idx[MATCH_F_COMPANY_KEY], &q->company_key,
		  &q->company_key_n);
	rec_value(rec, m->idx[MATCH_F_COUNTRY], &q->country, &q->country_n);
}

/* The record a table's slots for hash point to (unverified), or NONE;
 * the slots were requested a record earlier. */
static uint32_t ht_peek(const struct htab *h, uint64_t hash)
{
	uint32_t tag = hash_tag(hash);

	if (!h->slot)
		return NONE;
	for (size_t i = tag & h->mask; h->slot[i]; i = (i + 1) & h->mask)
		if ((uint32_t)(h->slot[i] >> 32) == tag)
			return (uint32_t)h->slot[i] - 1;
	return NONE;
}

/* Request what node v leads to: its one account, or its first postings. */
static void node_prefetch(const struct matcher *m, uint32_t v)
{
	const struct node *nd = node_at(m, v);

	if (nd->count == 1) {
		__builtin_prefetch(m->arena.p + nd->head);
	} else if (nd->count > 1) {
		/* as many as become candidates */
		const char *p = (const char *)(m->post + nd->head);
		size_t n = (nd->count < MATCH_MAX_CANDIDATES
				    ? nd->count
				    : MATCH_MAX_CANDIDATES) *
			   sizeof *m->post;
		for (size_t i = 0; i < n; i += 64)
			__builtin_prefetch(p + i);
	}
}

/* The second step of a prefetch: the records the slots point to. */
static void ahead_records(struct matcher *m, struct ahead *a)
{
	uint32_t v;

	a->dnode = a->knode = NONE;
	if (a->q.account_id_n && (v = ht_peek(&m->ids, a->hid)) != NONE)
		__builtin_prefetch(m->arena.p + v);
	if (a->hn) {
		const struct dslot *s = &m->dcache[a->hhost.low64 & m->dmask];
		if (s->cls && s->h1 == a->hhost.low64 &&
		    s->h2 == a->hhost.high64) {
			if ((a->dnode = s->node) != NONE)
				__builtin_prefetch(m->arena.p + s->node);
		} else {
			/* host_lookup will try the host as a domain first */
			a->hdom = hash_str(a->host, a->hn);
			a->have_hdom = 1;
			ht_prefetch(&m->doms, a->hdom);
		}
	}
	if (a->q.company_key_n &&
	    (a->knode = ht_peek(&m->keys, a->hkey)) != NONE)
		__builtin_prefetch(m->arena.p + a->knode);
}

/* The third step: the accounts or postings the nodes lead to. */
static void ahead_nodes(struct matcher *m, const struct ahead *a)
{
	if (a->dnode != NONE)
		node_prefetch(m, a->dnode);
	if (a->knode != NONE)
		node_prefetch(m, a->knode);
}

void matcher_prefetch(struct matcher *m, const struct stream *st,
		      const struct record *rec)
{
	struct ahead *a = &m->ahead[m->ahead_next], *b;

	if (!m->finished || !m->bound || st->schema.n != m->bound_n)
		return;
	/* the records before this one: what they asked for has arrived */
	b = &m->ahead[(m->ahead_next + AHEAD - 1) % AHEAD];
	if (b->rec)
		ahead_records(m, b);
	b = &m->ahead[(m->ahead_next + AHEAD - 2) % AHEAD];
	if (b->rec)
		ahead_nodes(m, b);
	m->ahead_next = (m->ahead_next + 1) % AHEAD;
	memset(a, 0, sizeof *a);
	a->rec = rec;
	a->data = rec->data.p;
	query_of(m, rec, &a->q);
	if (a->q.account_id_n) {
		a->hid = hash_str(a->q.account_id, a->q.account_id_n);
		ht_prefetch(&m->ids, a->hid);
	}
	contact_host(&a->q, &a->host, &a->hn);
	if (a->hn && m->doms.n) {
		a->hhost = XXH3_128bits(a->host, a->hn);
		__builtin_prefetch(&m->dcache[a->hhost.low64 & m->dmask]);
	} else {
		a->host = NULL;
		a->hn = 0;
	}
	if (a->q.company_key_n) {
		a->hkey = hash_str(a->q.company_key, a->q.company_key_n);
		ht_prefetch(&m->keys, a->hkey);
	}
}

enum match_method matcher_apply(struct matcher *m, struct stream *st,
				struct record *rec)
{
	struct match_query q;
	struct match_result r;
	const char *in_id, *id = "";
	size_t in_idn, in_off = 0, idn = 0;
	int clean = 1;

	if (!m->bound || st->schema.n != m->bound_n)
		matcher_bind(m, st);
	{
		/* what matcher_prefetch found of rec, used once */
		struct ahead *a = NULL;
		for (int i = 0; i < AHEAD; i++)
			if (m->ahead[i].rec == rec &&
			    m->ahead[i].data == rec->data.p)
				a = &m->ahead[i];
		if (a)
			q = a->q;
		else
			query_of(m, rec, &q);
		m->want_cands = m->explain;
		match_one(m, &q, &r, a);
		if (a)
			a->rec = NULL;
	}
	/* account_id's value as it came: the account_id role's, or, when
	 * --field gave that role to another field, its own */
	in_id = q.account_id;
	in_idn = q.account_id_n;
	if (m->idx[MATCH_F_ACCOUNT_ID] != m->f_account_id)
		rec_value(rec, m->f_account_id, &in_id, &in_idn);
	if (in_idn)
		in_off = (size_t)(in_id - rec->data.p);
	m->count[r.method]++;

	/* the account's record: its id, then its --with values */
	if (r.account != NONE) {
		const struct acct *x = acct_at(m, m->res_acct);
		id = acct_id(m, m->res_acct);
		idn = x->id_len;
		clean = x->flags & AF_ID_CLEAN;
	}
	/* input_account_id before account_id overwrites it */
	if (m->f_input_id >= 0) {
		if (in_idn && !(idn == in_idn &&
				memcmp(id, rec->data.p + in_off, idn) == 0))
			rec_set(rec, (size_t)m->f_input_id,
				rec->data.p + in_off, in_idn, VAL_STR);
		else
			rec_set_clean(rec, (size_t)m->f_input_id, "", 0,
				      VAL_STR);
	}
	if (clean)
		rec_set_clean(rec, (size_t)m->f_account_id, id, idn, VAL_STR);
	else
		rec_set(rec, (size_t)m->f_account_id, id, idn, VAL_STR);
	{
		const char *mn = method_name[r.method];
		rec_set_clean(rec, (size_t)m->f_method, mn, strlen(mn),
			      VAL_STR);
	}
	if (r.method == MATCH_NONE) {
		rec_set_clean(rec, (size_t)m->f_score, "null", 4, VAL_RAW);
	} else {
		fmt_score(&m->reg, r.score);
		rec_set_clean(rec, (size_t)m->f_score, m->reg.p, m->reg.len,
			      VAL_RAW);
	}
	for (size_t w = 0, k = 0; w < m->nwith; w++) {
		const unsigned char *p = (const unsigned char *)id + idn;
		if (r.account == NONE) {
			rec_set_clean(rec, (size_t)m->f_with[w], "", 0,
				      VAL_STR);
			continue;
		}
		for (k = 0; k < w; k++)
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
	/* clang-format off */
	static const char *const reason[MATCH_NMETHODS] = {
		"match_none", "match_existing", "match_domain", "match_name",
		"match_fuzzy",
	};
	/* clang-format on */
	static const enum match_method order[] = {
		MATCH_EXISTING, MATCH_DOMAIN, MATCH_NAME,
		MATCH_FUZZY,    MATCH_NONE,
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
