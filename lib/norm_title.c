/*
 * norm_title: see norm_title.h; the rule file format is documented at the
 * top of data/taxonomy.tsv.
 *
 * Data structures.  Every distinct word pattern of the rules ("director",
 * "vertrieb*", "*leiter", "*buchhalt*") is interned once in `words`, found
 * through one open-addressing hash table keyed by (kind, stem) with linear
 * probing, kept at most half full and doubled when it would pass that.
 * Aliases (exact words rewritten to other words before matching) live in the
 * same table under their own kind.  A rule is a sequence of 1..TX_MAXWORDS
 * word ids; the rules starting with a word are chained from it.
 *
 * Matching a title: fold it (text_fold), split into tokens of letters and
 * digits, expand aliases, drop gender tails such as "(m/w/d)", then list the
 * word patterns each token matches: exact; prefix, suffix and infix stems of
 * the lengths that occur in the table, tried only when a 64K-bit filter of
 * the stems' first two bytes says a stem can start there.  At each position
 * the longest matching phrase wins and consumes its tokens; failing that
 * every one-word rule matching the token contributes (so "vertriebsleiter"
 * gives a department from "vertrieb*" and a level from "*leiter").  The
 * signals are then resolved as described above title_resolve().
 *
 * Results are memoised per raw title in a direct table of TX_CACHE slots
 * (XXH3-128 of the bytes, linear probing, cleared when 3/4 full), so memory
 * is bounded and a repeated title costs one hash and a probe.
 */
#include "norm_title.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#include <xxhash.h>

#include "buf.h"
#include "norm_text.h"
#include "taxonomy.h"

#define TX_MAXWORDS 6  /* words in one pattern */
#define TX_MAXTOK 48   /* tokens of a title looked at */
#define TX_MAXLEN 63   /* longest token or stem matched */
#define TX_MAXM 16     /* pattern matches kept per token */
#define TX_MAXSIG 96   /* signals kept per title */
#define TX_MAXIN 1024  /* bytes of a title looked at */
#define TX_CACHE 16384 /* memo slots, a power of two */

enum { K_EXACT, K_PREFIX, K_SUFFIX, K_INFIX, K_ALIAS };

/* Departments (0 = none) and seniority levels (0 = none), in table order. */
/* clang-format off */
enum {
	D_NONE, D_IT, D_ENGINEERING, D_SECURITY, D_FINANCE, D_PROCUREMENT,
	D_LEGAL, D_OPERATIONS, D_MARKETING, D_SALES, D_HR, D_EXECUTIVE,
	D_OTHER, D_COUNT
};
/* clang-format on */
enum { S_NONE, S_IC, S_MANAGER, S_DIRECTOR, S_VP, S_CLEVEL, S_ASSIST };

/* clang-format off */
static const char *const dept_name[D_COUNT] = {
	"", "it", "engineering", "security", "finance", "procurement",
	"legal", "operations", "marketing", "sales", "hr", "executive", "other"
};
/* clang-format on */
/* clang-format off */
static const char *const sen_name[] = {
	"", "individual_contributor", "manager", "director", "vp", "c_level",
	"assistant"
};
/* clang-format on */

/* clang-format off */
enum {
	P_ECONOMIC_BUYER, P_TECHNICAL_EVALUATOR, P_SECURITY, P_FINANCE,
	P_PROCUREMENT_LEGAL, P_END_USER, P_MARKETING, P_SALES, P_HR, P_OTHER
};
/* clang-format on */
/* clang-format off */
static const char *const persona_name[] = {
	"economic_buyer", "technical_evaluator", "security", "finance",
	"procurement_legal", "end_user", "marketing", "sales", "hr", "other"
};
/* clang-format on */

struct tx_word {
	uint32_t off; /* stem in pool */
	uint8_t len, kind;
	int32_t first; /* first rule starting with this word, -1 none */
	int32_t alias; /* for K_ALIAS: index in aliases */
};

struct tx_rule {
	uint32_t word[TX_MAXWORDS];
	uint8_t nwords, dept, sen, prio, user;
	int32_t next; /* next rule with the same first word */
};

struct tx_alias {
	uint32_t off[TX_MAXWORDS];
	uint8_t len[TX_MAXWORDS];
	uint8_t n;
};

struct tx_match {
	uint32_t word;
	uint8_t end, len; /* where the stem ends in the token, its length */
};

struct tx_tok {
	const char *p;
	uint8_t len, nm;
	uint8_t joined; /* '&', '/', '+' or ',' between it and the word before */
	struct tx_match m[TX_MAXM];
};

struct tx_sig {
	uint8_t start, ntok, end, len, dept, sen, prio, user;
};

struct tx_slot {
	uint64_t lo, hi; /* XXH3-128 of the raw title; hi|1 marks a used slot */
	uint8_t persona, sen, dept, empty;
};

struct taxonomy {
	struct buf pool; /* stems and alias expansions */
	struct tx_word *words;
	size_t nwords, capwords;
	struct tx_rule *rules;
	size_t nrules, caprules;
	struct tx_alias *aliases;
	size_t naliases, capaliases;
	int32_t *slots; /* hash table of word ids, -1 empty */
	size_t nslots;
	uint64_t lenmask[4]; /* stem lengths present, per kind */
	uint8_t *bigram[4];  /* 64K-bit first-two-bytes filters */
	struct buf fold, scratch;
	struct tx_tok tok[TX_MAXTOK];
	struct tx_slot *cache;
	size_t ncached;
};

/* ---- hash table ------------------------------------------------------ */

static uint64_t key_hash(int kind, const char *s, size_t n)
{
	return XXH3_64bits_withSeed(s, n, (uint64_t)kind + 1);
}

static int32_t word_find(const struct taxonomy *t, int kind, const char *s,
			 size_t n)
{
	size_t mask = t->nslots - 1;
	size_t i = (size_t)key_hash(kind, s, n) & mask;

	for (;; i = (i + 1) & mask) {
		int32_t w = t->slots[i];
		const struct tx_word *wd;
		if (w < 0)
			return -1;
		wd = &t->words[w];
		if (wd->kind == kind && wd->len == n &&
		    memcmp(t->pool.p + wd->off, s, n) == 0)
			return w;
	}
}

static void slots_insert(struct taxonomy *t, int32_t w)
{
	const struct tx_word *wd = &t->words[w];
	size_t mask = t->nslots - 1;
	size_t i =
		(size_t)key_hash(wd->kind, t->pool.p + wd->off, wd->len) & mask;

	while (t->slots[i] >= 0)
		i = (i + 1) & mask;
	t->slots[i] = w;
}

static void slots_rebuild(struct taxonomy *t, size_t nslots)
{
	free(t->slots);
	t->nslots = nslots;
	t->slots = xmalloc(nslots * sizeof *t->slots);
	memset(t->slots, 0xff, nslots * sizeof *t->slots);
	for (size_t w = 0; w < t->nwords; w++)
		slots_insert(t, (int32_t)w);
}

/* The id of word (kind, s[0..n)), interning it when new. */
static int32_t word_intern(struct taxonomy *t, int kind, const char *s,
			   size_t n)
{
	int32_t w = word_find(t, kind, s, n);
	struct tx_word *wd;

	if (w >= 0)
		return w;
	if (t->nwords == t->capwords) {
		t->capwords = t->capwords ? t->capwords * 2 : 512;
		t->words = xrealloc(t->words, t->capwords * sizeof *t->words);
	}
	w = (int32_t)t->nwords++;
	wd = &t->words[w];
	wd->off = (uint32_t)t->pool.len;
	wd->len = (uint8_t)n;
	wd->kind = (uint8_t)kind;
	wd->first = -1;
	wd->alias = -1;
	buf_add(&t->pool, s, n);
	if (kind <= K_INFIX && kind != K_EXACT) {
		t->lenmask[kind] |= 1ULL << n;
		t->bigram[kind]
			 [((unsigned char)s[0] << 8 | (unsigned char)s[1]) >>
			  3] |= (uint8_t)(1u << (((unsigned char)s[1]) & 7));
	}
	if ((t->nwords) * 2 > t->nslots)
		slots_rebuild(t, t->nslots * 2);
	else
		slots_insert(t, w);
	return w;
}

static int bigram_has(const struct taxonomy *t, int kind,
		      const unsigned char *s)
{
	return t->bigram[kind][(s[0] << 8 | s[1]) >> 3] & (1u << (s[1] & 7));
}

static void taxonomy_clear(struct taxonomy *t)
{
	buf_reset(&t->pool);
	t->nwords = t->nrules = t->naliases = 0;
	memset(t->lenmask, 0, sizeof t->lenmask);
	for (int k = 0; k < 4; k++)
		memset(t->bigram[k], 0, 8192);
	slots_rebuild(t, 1024);
}

static void cache_clear(struct taxonomy *t)
{
	memset(t->cache, 0, TX_CACHE * sizeof *t->cache);
	t->ncached = 0;
}

/* ---- tokens ---------------------------------------------------------- */

/* The bytes of the (valid) character at s[i], i < n. */
static size_t skip_char(const char *s, size_t i, size_t n)
{
	utf8proc_int32_t u;
	utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
					      (utf8proc_ssize_t)(n - i), &u);

	return k > 0 ? (size_t)k : 1;
}

/* The bytes of the character at s[i] (i < n) when it is part of a word
 * (a letter, digit or mark, or '*' in a pattern), else 0.  Punctuation,
 * spaces and symbols beyond ASCII separate words too: a typographic
 * apostrophe ("d’achat"), a no-break space, a dash or a bullet.  A byte
 * that does not start valid UTF-8 counts as a letter. */
static size_t word_char(const char *s, size_t i, size_t n, int star)
{
	unsigned char c = (unsigned char)s[i];
	utf8proc_int32_t u;
	utf8proc_ssize_t k;

	if (c < 0x80)
		return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		       (c >= 'A' && c <= 'Z') || (star && c == '*');
	k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
			     (utf8proc_ssize_t)(n - i), &u);
	if (k <= 0)
		return 1;
	switch (utf8proc_category(u)) {
	case UTF8PROC_CATEGORY_PC:
	case UTF8PROC_CATEGORY_PD:
	case UTF8PROC_CATEGORY_PS:
	case UTF8PROC_CATEGORY_PE:
	case UTF8PROC_CATEGORY_PI:
	case UTF8PROC_CATEGORY_PF:
	case UTF8PROC_CATEGORY_PO:
	case UTF8PROC_CATEGORY_SM:
	case UTF8PROC_CATEGORY_SC:
	case UTF8PROC_CATEGORY_SK:
	case UTF8PROC_CATEGORY_SO:
	case UTF8PROC_CATEGORY_ZS:
	case UTF8PROC_CATEGORY_ZL:
	case UTF8PROC_CATEGORY_ZP:
	case UTF8PROC_CATEGORY_CC:
	case UTF8PROC_CATEGORY_CF: return 0;
	default: return (size_t)k;
	}
}

/* Split s[0..n) into at most max tokens (ASCII lowered in place). */
static size_t split_words(char *s, size_t n, int star, const char **p,
			  size_t *len, size_t max)
{
	size_t i = 0, k = 0, w;

	while (i < n && k < max) {
		size_t j;
		while (i < n && (w = word_char(s, i, n, star)) == 0)
			i += (unsigned char)s[i] < 0x80 ? 1
							: skip_char(s, i, n);
		if (i == n)
			break;
		for (j = i; j < n && (w = word_char(s, j, n, star)) > 0; j += w)
			if (s[j] >= 'A' && s[j] <= 'Z')
				s[j] = (char)(s[j] + 32);
		p[k] = s + i;
		len[k++] = j - i;
		i = j;
	}
	return k;
}

static int is_gender_letter(const struct tx_tok *k)
{
	return k->len == 1 && strchr("mwdfhx", k->p[0]) != NULL;
}

static int tok_is(const struct tx_tok *k, const char *w)
{
	size_t n = strlen(w);
	return k->len == n && memcmp(k->p, w, n) == 0;
}

/* Prepositions that open a complement ("Director of Sales", "Leiter der
 * Rechtsabteilung", "Jefe de Compras"). */
static int is_prep(const struct tx_tok *k)
{
	/* clang-format off */
	static const char *const preps[] = {
		"of", "for", "at", "de", "des", "du", "d", "da", "do", "das",
		"dos", "del", "di", "en", "em", "fur", "der", "dem", "vom",
		"von", "im", "in", "bei", "pour", "para", "no", "na", NULL
	};
	/* clang-format on */
	if (k->len > 4)
		return 0;
	for (int i = 0; preps[i]; i++)
		if (tok_is(k, preps[i]))
			return 1;
	return 0;
}

/* "with" and its kin, after which a title lists skills or conditions,
 * not the role ("Administrativo con SAP", "Entwickler mit Java"): like
 * "to", nothing after it counts (not at the start: "MIT Sloan"). */
/* 1 when the words between signals a (first) and b hold "and" (in the
 * four other languages too) or an '&', '/', '+' or ',': two functions
 * named side by side, "Sales and Marketing Director". */
static int joined(const struct tx_tok *tok, const struct tx_sig *a,
		  const struct tx_sig *b)
{
	for (size_t i = (size_t)a->start + a->ntok; i <= b->start; i++) {
		if (tok[i].joined)
			return 1;
		if (i < b->start &&
		    (tok_is(&tok[i], "and") || tok_is(&tok[i], "und") ||
		     tok_is(&tok[i], "et") || tok_is(&tok[i], "y") ||
		     tok_is(&tok[i], "e")))
			return 1;
	}
	return 0;
}

static int is_with(const struct tx_tok *k)
{
	return tok_is(k, "with") || tok_is(k, "con") || tok_is(k, "mit") ||
	       tok_is(k, "avec");
}

static void match_add(struct tx_tok *k, int32_t w, size_t end, size_t len)
{
	if (w < 0 || k->nm == TX_MAXM)
		return;
	k->m[k->nm].word = (uint32_t)w;
	k->m[k->nm].end = (uint8_t)end;
	k->m[k->nm].len = (uint8_t)len;
	k->nm++;
}

/* Fill k->m with every word pattern the token matches. */
static void tok_match(const struct taxonomy *t, struct tx_tok *k)
{
	const unsigned char *s = (const unsigned char *)k->p;
	size_t n = k->len;

	k->nm = 0;
	if (n == 0 || n > TX_MAXLEN)
		return;
	match_add(k, word_find(t, K_EXACT, k->p, n), n, n);
	if (n < 2)
		return;
	if (t->lenmask[K_PREFIX] && bigram_has(t, K_PREFIX, s))
		for (size_t l = 2; l <= n; l++)
			if (t->lenmask[K_PREFIX] >> l & 1)
				match_add(k, word_find(t, K_PREFIX, k->p, l), l,
					  l);
	if (t->lenmask[K_SUFFIX])
		for (size_t l = 2; l <= n; l++)
			if ((t->lenmask[K_SUFFIX] >> l & 1) &&
			    bigram_has(t, K_SUFFIX, s + n - l))
				match_add(
					k,
					word_find(t, K_SUFFIX, k->p + n - l, l),
					n, l);
	if (t->lenmask[K_INFIX])
		for (size_t i = 0; i + 2 <= n; i++) {
			if (!bigram_has(t, K_INFIX, s + i))
				continue;
			for (size_t l = 2; i + l <= n; l++)
				if (t->lenmask[K_INFIX] >> l & 1)
					match_add(k,
						  word_find(t, K_INFIX,
							    k->p + i, l),
						  i + l, l);
		}
}

static int tok_has(const struct tx_tok *k, uint32_t w)
{
	for (int i = 0; i < k->nm; i++)
		if (k->m[i].word == w)
			return 1;
	return 0;
}

/* ---- classification --------------------------------------------------- */

struct tx_result {
	uint8_t persona, sen, dept, empty;
};

static size_t title_tokens(struct taxonomy *t, const char *title, size_t n)
{
	const char *p[TX_MAXTOK];
	size_t len[TX_MAXTOK], nt, k = 0, out = 0;

	if (n > TX_MAXIN) {
		n = TX_MAXIN;
		while (n > 0 && ((unsigned char)title[n] & 0xC0) == 0x80)
			n--;
	}
	/* On invalid UTF-8 fold leaves the raw bytes; splitting still works. */
	text_fold(&t->fold, title, n);
	nt = split_words(t->fold.p, t->fold.len, 0, p, len, TX_MAXTOK);
	for (size_t i = 0; i < nt && k < TX_MAXTOK; i++) {
		int32_t a = len[i] <= TX_MAXLEN
				    ? word_find(t, K_ALIAS, p[i], len[i])
				    : -1;
		const char *gap = i ? p[i - 1] + len[i - 1] : p[i];
		uint8_t joined = 0;

		for (; gap < p[i]; gap++)
			if (*gap == '&' || *gap == '/' || *gap == '+' ||
			    *gap == ',')
				joined = 1;
		t->tok[k].joined = joined;
		if (a >= 0) {
			const struct tx_alias *al =
				&t->aliases[t->words[a].alias];
			for (int j = 0; j < al->n && k < TX_MAXTOK; j++) {
				t->tok[k].joined = j ? 0 : joined;
				t->tok[k].p = t->pool.p + al->off[j];
				t->tok[k++].len = al->len[j];
			}
		} else {
			t->tok[k].p = p[i];
			t->tok[k++].len =
				(uint8_t)(len[i] > 255 ? 255 : len[i]);
		}
	}
	/* Drop gender tails: runs of two or more of m w d f h x. */
	for (size_t i = 0; i < k;) {
		size_t j = i;
		while (j < k && is_gender_letter(&t->tok[j]))
			j++;
		if (j - i >= 2) {
			i = j;
			continue;
		}
		if (j == i)
			j = i + 1;
		while (i < j)
			t->tok[out++] = t->tok[i++];
	}
	return out;
}

/* Collect signals from the tokens: longest phrase at each position, else
 * every one-word rule of the token. */
static size_t title_signals(struct taxonomy *t, size_t nt, struct tx_sig *sig)
{
	size_t ns = 0;

	for (size_t i = 0; i < nt; i++)
		tok_match(t, &t->tok[i]);
	for (size_t i = 0; i < nt && ns < TX_MAXSIG;) {
		const struct tx_tok *k = &t->tok[i];
		const struct tx_rule *best = NULL;

		for (int m = 0; m < k->nm; m++)
			for (int32_t r = t->words[k->m[m].word].first; r >= 0;
			     r = t->rules[r].next) {
				const struct tx_rule *ru = &t->rules[r];
				int ok = ru->nwords > 1 && i + ru->nwords <= nt;
				for (int w = 1; ok && w < ru->nwords; w++)
					ok = tok_has(&t->tok[i + w],
						     ru->word[w]);
				if (!ok)
					continue;
				if (!best || ru->nwords > best->nwords ||
				    (ru->nwords == best->nwords &&
				     (ru->user > best->user ||
				      (ru->user == best->user &&
				       ru->prio > best->prio))))
					best = ru;
			}
		if (best) {
			sig[ns++] = (struct tx_sig){(uint8_t)i, best->nwords,
						    255,        255,
						    best->dept, best->sen,
						    best->prio, best->user};
			i += best->nwords;
			continue;
		}
		for (int m = 0; m < k->nm && ns < TX_MAXSIG; m++)
			for (int32_t r = t->words[k->m[m].word].first; r >= 0;
			     r = t->rules[r].next) {
				const struct tx_rule *ru = &t->rules[r];
				if (ru->nwords != 1 || ns == TX_MAXSIG)
					continue;
				sig[ns++] = (struct tx_sig){
					(uint8_t)i,  1,        k->m[m].end,
					k->m[m].len, ru->dept, ru->sen,
					ru->prio,    ru->user};
			}
		i++;
	}
	return ns;
}

static uint8_t persona_of(int dept, int sen)
{
	switch (dept) {
	case D_IT:
	case D_ENGINEERING: return P_TECHNICAL_EVALUATOR;
	case D_SECURITY: return P_SECURITY;
	case D_FINANCE: return P_FINANCE;
	case D_PROCUREMENT:
	case D_LEGAL: return P_PROCUREMENT_LEGAL;
	case D_OPERATIONS:
		return sen >= S_DIRECTOR ? P_ECONOMIC_BUYER : P_END_USER;
	case D_MARKETING: return P_MARKETING;
	case D_SALES: return P_SALES;
	case D_HR: return P_HR;
	case D_EXECUTIVE: return P_ECONOMIC_BUYER;
	}
	return P_OTHER;
}

/* Whether one-token signal a outranks b for the seniority of their token:
 * of two overlapping stems the longer ("teamleit*" over "*leiter"), of two
 * disjoint ones the later, the head of a compound ("*assistenz" over
 * "geschäftsführ*"); later_on_tie breaks a full tie. */
static int sig_beats(const struct tx_sig *a, const struct tx_sig *b,
		     int later_on_tie)
{
	int a0 = a->end - a->len, b0 = b->end - b->len;
	int overlap = a0 < b->end && b0 < a->end;

	if (overlap && a->len != b->len)
		return a->len > b->len;
	if (a->end != b->end)
		return a->end > b->end;
	if (a->len != b->len)
		return a->len > b->len;
	return later_on_tie;
}

/* 1 when token i is inside a phrase signal, not its first word ("to" in
 * "go to market"). */
static int inside_phrase(const struct tx_sig *sig, size_t ns, size_t i)
{
	for (size_t k = 0; k < ns; k++)
		if (sig[k].start < i && i < (size_t)sig[k].start + sig[k].ntok)
			return 1;
	return 0;
}

/*
 * Resolution of the signals:
 * - nothing after a "to" counts ("Assistant to the CEO"), nor after a
 *   "with" (is_with) but the first word, unless a phrase rule holds that
 *   word ("Go-to-Market Manager");
 * - in one token, see sig_beats ("Geschäftsführungsassistenz" is an
 *   assistant, "Teamleiter" a manager, not a "*leiter" director);
 * - an assistant word followed, before the next preposition, by a level
 *   word is a modifier and dropped ("Assistant Marketing Manager");
 *   otherwise it is the head: individual contributor, and the executive
 *   department of any chief in the title is ignored;
 * - seniority: user rules first, then words before the first preposition
 *   (the head), then the highest level;
 * - department: user rules first, then the highest priority; on a tie a
 *   head word beats a complement word, the last head word wins (English
 *   puts the head last) unless joined to the one before it (see joined:
 *   "Sales and Marketing Director" is sales), and the first complement
 *   word;
 * - a general executive word beats the other department ("Hospital
 *   CEO"); no department: c_level means executive, anything else other.
 */
static void title_resolve(struct tx_sig *sig, size_t ns,
			  const struct tx_tok *tok, size_t nt,
			  struct tx_result *res)
{
	size_t cut = nt, prep, a = SIZE_MAX;
	int sen = S_NONE, head_assist = 0, any_user;
	const struct tx_sig *best = NULL;
	int best_head = 0;

	for (size_t i = 0; i < nt && cut == nt; i++)
		if ((tok_is(&tok[i], "to") || (i > 0 && is_with(&tok[i]))) &&
		    !inside_phrase(sig, ns, i))
			cut = i;
	prep = cut;
	for (size_t i = 0; i < cut; i++)
		if (is_prep(&tok[i])) {
			prep = i;
			break;
		}
	for (size_t i = 0; i < ns; i++) {
		if (sig[i].start >= cut) {
			sig[i].sen = sig[i].dept = 0;
			continue;
		}
		if (!sig[i].sen || sig[i].ntok != 1)
			continue;
		for (size_t j = 0; j < ns; j++) {
			if (j == i || sig[j].start != sig[i].start ||
			    !sig[j].sen || sig[j].ntok != 1)
				continue;
			if (sig_beats(&sig[j], &sig[i], j > i)) {
				sig[i].sen = 0;
				break;
			}
		}
	}
	for (size_t i = 0; i < ns; i++)
		if (sig[i].sen == S_ASSIST &&
		    (a == SIZE_MAX || sig[i].start < sig[a].start))
			a = i;
	if (a != SIZE_MAX) {
		size_t stop = cut;
		int modifier = 0;
		for (size_t i = sig[a].start + 1; i < cut; i++)
			if (is_prep(&tok[i])) {
				stop = i;
				break;
			}
		for (size_t i = 0; i < ns; i++)
			if (sig[i].sen >= S_MANAGER && sig[i].sen <= S_CLEVEL &&
			    sig[i].start > sig[a].start && sig[i].start < stop)
				modifier = 1;
		if (modifier) {
			for (size_t i = 0; i < ns; i++)
				if (sig[i].sen == S_ASSIST) {
					sig[i].sen = 0;
					if (i == a)
						sig[i].dept = 0;
				}
		} else {
			head_assist = 1;
			for (size_t i = 0; i < ns; i++)
				if (sig[i].dept == D_EXECUTIVE)
					sig[i].dept = 0;
		}
	}
	if (head_assist) {
		sen = S_IC;
	} else {
		int use_user = 0, use_head = 0;
		for (size_t i = 0; i < ns; i++)
			if (sig[i].sen && sig[i].user)
				use_user = 1;
		for (size_t i = 0; i < ns; i++)
			if (sig[i].sen && sig[i].user >= use_user &&
			    sig[i].start < prep)
				use_head = 1;
		for (size_t i = 0; i < ns; i++) {
			int s = sig[i].sen == S_ASSIST ? S_IC : sig[i].sen;
			if (!s || sig[i].user < use_user ||
			    (use_head && sig[i].start >= prep))
				continue;
			if (s > sen)
				sen = s;
		}
	}
	any_user = 0;
	for (size_t i = 0; i < ns; i++)
		if (sig[i].dept && sig[i].user)
			any_user = 1;
	for (size_t i = 0; i < ns; i++) {
		const struct tx_sig *s = &sig[i];
		int head = s->start < prep;
		if (!s->dept || s->user < any_user)
			continue;
		if (!best || s->prio > best->prio) {
			best = s;
			best_head = head;
		} else if (s->prio == best->prio) {
			if (head &&
			    (!best_head ||
			     (s->start > best->start &&
			      !joined(tok, best, s)) ||
			     (s->start == best->start && s->len > best->len))) {
				best = s;
				best_head = 1;
			}
		}
	}
	/* A general executive of a non-business field ("Hospital CEO",
	 * "Restaurant General Manager") is still a general executive. */
	if (best && best->dept == D_OTHER)
		for (size_t i = 0; i < ns; i++)
			if (sig[i].dept == D_EXECUTIVE &&
			    sig[i].user >= any_user)
				best = &sig[i];
	res->dept =
		best ? best->dept : (sen == S_CLEVEL ? D_EXECUTIVE : D_OTHER);
	res->sen = sen ? (uint8_t)sen : S_IC;
	res->persona = persona_of(res->dept, res->sen);
	res->empty = 0;
}

static void title_compute(struct taxonomy *t, const char *title, size_t n,
			  struct tx_result *res)
{
	struct tx_sig sig[TX_MAXSIG];
	size_t nt = title_tokens(t, title, n), ns;

	if (nt == 0) {
		res->empty = t->fold.len == 0;
		res->dept = D_OTHER;
		res->sen = S_IC;
		res->persona = P_OTHER;
		return;
	}
	ns = title_signals(t, nt, sig);
	title_resolve(sig, ns, t->tok, nt, res);
}

void title_classify(struct taxonomy *t, const char *title, size_t n,
		    struct title_labels *out)
{
	XXH128_hash_t h = XXH3_128bits(title, n);
	uint64_t hi = h.high64 | 1;
	size_t mask = TX_CACHE - 1, i = (size_t)h.low64 & mask;
	struct tx_slot *sl;
	struct tx_result res;

	for (;; i = (i + 1) & mask) {
		sl = &t->cache[i];
		if (!sl->hi)
			break;
		if (sl->hi == hi && sl->lo == h.low64)
			goto found;
	}
	title_compute(t, title, n, &res);
	if (t->ncached >= TX_CACHE / 4 * 3) {
		cache_clear(t);
		for (i = (size_t)h.low64 & mask; t->cache[i].hi;
		     i = (i + 1) & mask)
			;
		sl = &t->cache[i];
	}
	sl->lo = h.low64;
	sl->hi = hi;
	sl->persona = res.persona;
	sl->sen = res.sen;
	sl->dept = res.dept;
	sl->empty = res.empty;
	t->ncached++;
found:
	if (sl->empty) {
		out->persona = out->seniority = out->department = "";
		return;
	}
	out->persona = persona_name[sl->persona];
	out->seniority = sen_name[sl->sen];
	out->department = dept_name[sl->dept];
}

/* ---- loading ----------------------------------------------------------- */

/* One parsed pattern: words as (kind, stem) in a scratch buffer. */
struct tx_pat {
	size_t n;
	int kind[TX_MAXWORDS];
	const char *s[TX_MAXWORDS];
	size_t len[TX_MAXWORDS];
};

static int name_index(const char *const *names, int count, const char *s)
{
	for (int i = 1; i < count; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

/* Fold and split a pattern field into t->scratch; NULL or an error text. */
static const char *pat_parse(struct taxonomy *t, const char *s, size_t n,
			     int stars, struct tx_pat *pat)
{
	const char *p[TX_MAXWORDS + 1];
	size_t len[TX_MAXWORDS + 1];

	if (text_fold(&t->scratch, s, n) < 0)
		return "invalid UTF-8";
	pat->n = split_words(t->scratch.p, t->scratch.len, stars, p, len,
			     TX_MAXWORDS + 1);
	if (pat->n == 0)
		return "empty pattern";
	if (pat->n > TX_MAXWORDS)
		return "more than 6 words in a pattern";
	for (size_t i = 0; i < pat->n; i++) {
		const char *w = p[i];
		size_t l = len[i];
		int pre = w[0] == '*', post = l > 0 && w[l - 1] == '*';
		if (pre) {
			w++;
			l--;
		}
		if (post && l > 0)
			l--;
		if (memchr(w, '*', l))
			return "'*' inside a word";
		if (l == 0)
			return "a word that is only '*'";
		if ((pre || post) && l < 3)
			return "a stem with '*' needs at least 3 letters";
		if (l > TX_MAXLEN)
			return "a word longer than 63 bytes";
		pat->kind[i] = pre && post ? K_INFIX
			       : pre       ? K_SUFFIX
			       : post      ? K_PREFIX
					   : K_EXACT;
		pat->s[i] = w;
		pat->len[i] = l;
	}
	return NULL;
}

static void rule_add(struct taxonomy *t, const struct tx_pat *pat, int dept,
		     int sen, int prio, int user)
{
	uint32_t w[TX_MAXWORDS];
	struct tx_rule *r;
	int32_t i;

	for (size_t k = 0; k < pat->n; k++)
		w[k] = (uint32_t)word_intern(t, pat->kind[k], pat->s[k],
					     pat->len[k]);
	for (i = t->words[w[0]].first; i >= 0; i = t->rules[i].next)
		if (t->rules[i].nwords == pat->n &&
		    memcmp(t->rules[i].word, w, pat->n * sizeof *w) == 0)
			break;
	if (i < 0) {
		if (t->nrules == t->caprules) {
			t->caprules = t->caprules ? t->caprules * 2 : 1024;
			t->rules = xrealloc(t->rules,
					    t->caprules * sizeof *t->rules);
		}
		i = (int32_t)t->nrules++;
		r = &t->rules[i];
		memset(r, 0, sizeof *r);
		memcpy(r->word, w, pat->n * sizeof *w);
		r->nwords = (uint8_t)pat->n;
		r->next = t->words[w[0]].first;
		t->words[w[0]].first = i;
	}
	r = &t->rules[i];
	r->dept = (uint8_t)dept;
	r->sen = (uint8_t)sen;
	r->prio = (uint8_t)prio;
	r->user = (uint8_t)user;
}

static void alias_add(struct taxonomy *t, const char *key, size_t keylen,
		      const struct tx_pat *exp)
{
	int32_t w = word_intern(t, K_ALIAS, key, keylen);
	struct tx_alias *al;

	if (t->words[w].alias < 0) {
		if (t->naliases == t->capaliases) {
			t->capaliases = t->capaliases ? t->capaliases * 2 : 64;
			t->aliases = xrealloc(
				t->aliases, t->capaliases * sizeof *t->aliases);
		}
		t->words[w].alias = (int32_t)t->naliases++;
	}
	al = &t->aliases[t->words[w].alias];
	al->n = (uint8_t)exp->n;
	for (size_t i = 0; i < exp->n; i++) {
		al->off[i] = (uint32_t)t->pool.len;
		al->len[i] = (uint8_t)exp->len[i];
		buf_add(&t->pool, exp->s[i], exp->len[i]);
	}
}

/* Split line[0..n) at runs of tabs into at most max trimmed fields. */
static size_t split_fields(const char *line, size_t n, const char **f,
			   size_t *fl, size_t max)
{
	size_t k = 0, i = 0;

	while (i < n) {
		size_t j = i, a, b;
		while (j < n && line[j] != '\t')
			j++;
		a = i;
		b = j;
		while (a < b && line[a] == ' ')
			a++;
		while (b > a && line[b - 1] == ' ')
			b--;
		if (b > a) {
			if (k == max)
				return max + 1;
			f[k] = line + a;
			fl[k++] = b - a;
		}
		i = j + 1;
	}
	return k;
}

static int field_is(const char *f, size_t n, const char *s)
{
	return strlen(s) == n && memcmp(f, s, n) == 0;
}

/* Parse one line; apply it when apply is set.  NULL or an error text. */
static const char *line_parse(struct taxonomy *t, const char *line, size_t n,
			      int apply, int user)
{
	const char *f[5];
	size_t fl[5], nf;
	char name[32];
	struct tx_pat pat, exp;
	int dept = D_NONE, sen = S_NONE, prio = 5;
	const char *why;

	while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == ' ' ||
			 line[n - 1] == '\t'))
		n--;
	nf = split_fields(line, n, f, fl, 4);
	if (nf == 0 || f[0][0] == '#')
		return NULL;
	if (f[0][0] == '!') {
		if (field_is(f[0], fl[0], "!replace") && nf == 1) {
			if (apply)
				taxonomy_clear(t);
			return NULL;
		}
		if (!field_is(f[0], fl[0], "!alias"))
			return "unknown directive (expected !replace or !alias)";
		if (nf != 3)
			return "!alias needs WORD<TAB>EXPANSION";
		/* Fold the key into its own copy: pat_parse reuses scratch. */
		if ((why = pat_parse(t, f[1], fl[1], 0, &pat)))
			return why;
		if (pat.n != 1)
			return "an alias key is one word";
		if (pat.len[0] >= sizeof name)
			return "an alias key is at most 31 bytes";
		memcpy(name, pat.s[0], pat.len[0]);
		n = pat.len[0];
		if ((why = pat_parse(t, f[2], fl[2], 0, &exp)))
			return why;
		if (apply)
			alias_add(t, name, n, &exp);
		return NULL;
	}
	if (nf < 3)
		return "expected PATTERN<TAB>DEPARTMENT<TAB>SENIORITY[<TAB>PRIORITY]";
	if (nf > 4)
		return "too many fields";
	if (!field_is(f[1], fl[1], "-")) {
		snprintf(name, sizeof name, "%.*s",
			 (int)(fl[1] < 31 ? fl[1] : 31), f[1]);
		if (fl[1] > 31 ||
		    (dept = name_index(dept_name, D_COUNT, name)) < 0)
			return "unknown department";
	}
	if (!field_is(f[2], fl[2], "-")) {
		snprintf(name, sizeof name, "%.*s",
			 (int)(fl[2] < 31 ? fl[2] : 31), f[2]);
		if (strcmp(name, "ic") == 0)
			sen = S_IC;
		else if (fl[2] > 31 ||
			 (sen = name_index(sen_name, S_ASSIST + 1, name)) < 0)
			return "unknown seniority";
	}
	if (nf == 4) {
		if (fl[3] != 1 || f[3][0] < '0' || f[3][0] > '9')
			return "priority must be a digit 0-9";
		prio = f[3][0] - '0';
	}
	if (!dept && !sen)
		return "a rule needs a department or a seniority";
	if ((why = pat_parse(t, f[0], fl[0], 1, &pat)))
		return why;
	if (apply)
		rule_add(t, &pat, dept, sen, prio, user);
	return NULL;
}

static int rules_parse(struct taxonomy *t, const char *name, const char *text,
		       size_t n, int user, struct cov_err *e)
{
	for (int apply = 0; apply < 2; apply++) {
		size_t i = 0;
		long lineno = 0;
		while (i < n) {
			const char *nl = memchr(text + i, '\n', n - i);
			size_t end = nl ? (size_t)(nl - text) : n;
			const char *why;
			lineno++;
			if (memchr(text + i, '\0', end - i))
				why = "NUL byte in line";
			else
				why = line_parse(t, text + i, end - i, apply,
						 user);
			if (why) {
				char val[64] = "";
				err_quote_value(val, sizeof val, text + i,
						end - i, 40);
				err_set(e, COV_EXIT_USAGE, name, lineno,
					"taxonomy_syntax", "%s: %s", why, val);
				return -1;
			}
			i = end + 1;
		}
	}
	cache_clear(t);
	return 0;
}

struct taxonomy *taxonomy_new(void)
{
	struct taxonomy *t = xcalloc(1, sizeof *t);
	struct cov_err e;

	for (int k = 0; k < 4; k++)
		t->bigram[k] = xcalloc(1, 8192);
	t->cache = xcalloc(TX_CACHE, sizeof *t->cache);
	taxonomy_clear(t);
	if (rules_parse(t, "taxonomy.tsv (built-in)",
			(const char *)TAXONOMY_DEFAULT, TAXONOMY_DEFAULT_len, 0,
			&e) < 0) {
		taxonomy_free(t);
		return NULL;
	}
	return t;
}

int taxonomy_load_mem(struct taxonomy *t, const char *name, const char *text,
		      size_t n, struct cov_err *e)
{
	return rules_parse(t, name, text, n, 1, e);
}

int taxonomy_load(struct taxonomy *t, const char *path, struct cov_err *e)
{
	FILE *f = fopen(path, "rb");
	struct buf b = BUF_INIT;
	char chunk[65536];
	size_t got;
	int rc;

	if (!f) {
		err_set(e, COV_EXIT_IO, path, 0, "taxonomy_open", "%s",
			strerror(errno));
		return -1;
	}
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&b, chunk, got);
	if (ferror(f)) {
		err_set(e, COV_EXIT_IO, path, 0, "taxonomy_read", "%s",
			strerror(errno));
		fclose(f);
		buf_release(&b);
		return -1;
	}
	fclose(f);
	rc = rules_parse(t, path, b.p ? b.p : "", b.len, 1, e);
	buf_release(&b);
	return rc;
}

void taxonomy_free(struct taxonomy *t)
{
	if (!t)
		return;
	buf_release(&t->pool);
	buf_release(&t->fold);
	buf_release(&t->scratch);
	free(t->words);
	free(t->rules);
	free(t->aliases);
	free(t->slots);
	for (int k = 0; k < 4; k++)
		free(t->bigram[k]);
	free(t->cache);
	free(t);
}
