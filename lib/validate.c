/*
 * validate: see validate.h.
 *
 * The rules, one reason code each (default severity in brackets):
 *
 *   email_missing     [error] the email field is absent, empty or a
 *                     placeholder (n/a, none, null, -, ...:
 *                     value_is_placeholder of norm_value.h)
 *   email_syntax      [error] email_syntax_check (email_syntax.h) refuses
 *                     it, after ASCII white space around it is trimmed
 *   email_role        [warn]  a valid address whose local part (lower-cased,
 *                     a "+tag" removed) is in role_names below
 *   email_freemail    [warn]  a valid address at a free-mail provider
 *   email_disposable  [error] a valid address at a disposable-mail service
 *   email_bounced     [error] email_status reads as "bounced"
 *   email_invalid     [error] email_status reads as "invalid"
 *                     (value_email_status of norm_value.h)
 *   opted_out         [error] opt_out is true, or holds something that is
 *                     not a boolean: when in doubt, do not mail
 *   no_consent        [error] the country (as country_code reads it) is one
 *                     that requires consent and consent is not true
 *   required_missing:FIELD [error] a --require field is empty or a
 *                     placeholder
 *   country_unknown   [warn]  country is not empty and names no country
 *   date_invalid      [warn]  created_at, updated_at or last_activity_at is
 *                     not empty and value_date cannot read it
 *   phone_invalid     [warn]  phone is not empty and phone_e164 cannot make
 *                     it E.164; a national number is read in the
 *                     record's country, else in --default-country
 *
 * An NDJSON object or array is a value (not missing) but never read as
 * text: it is no valid address, status, boolean, country, date or phone
 * (rec_nested), so its JSON text cannot pass for one.
 *
 * Domain lists.  The free-mail and disposable domains of npm freemail
 * (data/freemail/, embedded through data/freemail.embed) are loaded on
 * first use into one hash set: XXH3-64, open addressing with linear
 * probing, load factor at most 1/2 (doubled past it).  A slot is 16 bytes
 * (pointer to the name, length, 16 hash bits to skip most string
 * compares, class bits), so an entry costs 32 to 64 bytes; names of the
 * embedded lists are not copied, those of a --domains-file are copied once.
 * Lines that are not domains (the upstream files hold a stray "404: not
 * found") are skipped.
 *
 * Domains repeat across rows, so the verdict on each domain met in a record
 * (its syntax, its class after the lists and the Public Suffix List) is
 * remembered in a second table: 16-byte slots holding the domain's
 * XXH3-128 hash and the verdict, so a hit reads one cache line and the
 * domain's bytes are not kept; load factor at most 1/2, doubled up to
 * SEEN_MAX_SLOTS (2 MB), then emptied and filled afresh.  The slot of a
 * row's domain is prefetched before the other fields are checked.  Role
 * names live in a small FNV-1a table (roles_load).
 *
 * A --domains-file holds one rule per line: a domain and a class separated
 * by white space; "#" starts a comment line and blank lines are skipped:
 *
 *   example-mail.com  freemail     the domain is a free-mail provider
 *   throwaway.test    disposable   the domain is a disposable service
 *   gmx.net           ok           neither, whatever the lists say
 *
 * Rules are applied in order after the embedded lists (freemail and
 * disposable add a class, ok clears both).  An address's class is that of
 * its own domain when listed, else that of its registrable domain (Public
 * Suffix List), so "ok" can exempt one subdomain.
 *
 * Per record the work is a few table lookups and reused buffers: nothing
 * is allocated once the buffers have grown.  The common address is
 * checked in one pass (email_syntax_plain), and the errors and warnings
 * lists are built once per set of codes found and kept (lists_of, up to
 * LISTS_SLOTS sets): most rows share a handful.
 */
#include "validate.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#include <xxhash.h>

#include "email_syntax.h"
#include "freemail.h"
#include "memo.h"
#include "ndjson.h"
#include "norm_country.h"
#include "norm_domain.h"
#include "norm_header.h"
#include "norm_phone.h"
#include "norm_value.h"

#define BIT(c) (1u << (c))
#define DOMAIN_BAD_SYNTAX 4   /* class bit in v->seen only */
#define SEEN_MAX_SLOTS 131072 /* 2 MB; half full, it starts afresh */
#define LISTS_SLOTS 64        /* distinct found masks whose lists are kept */

/* clang-format off */
static const char *const code_name[VALIDATE_NCODES] = {
	"email_missing", "email_syntax", "email_role", "email_freemail",
	"email_disposable", "email_bounced", "email_invalid", "opted_out",
	"no_consent", "required_missing", "country_unknown", "date_invalid",
	"phone_invalid",
};
/* clang-format on */

static const unsigned char code_len[VALIDATE_NCODES] = {
	13, 12, 10, 14, 16, 13, 13, 9, 10, 16, 15, 12, 13,
};

/* clang-format off */
static const int default_severity[VALIDATE_NCODES] = {
	[VALIDATE_EMAIL_MISSING] = VALIDATE_ERROR,
	[VALIDATE_EMAIL_SYNTAX] = VALIDATE_ERROR,
	[VALIDATE_EMAIL_ROLE] = VALIDATE_WARN,
	[VALIDATE_EMAIL_FREEMAIL] = VALIDATE_WARN,
	[VALIDATE_EMAIL_DISPOSABLE] = VALIDATE_ERROR,
	[VALIDATE_EMAIL_BOUNCED] = VALIDATE_ERROR,
	[VALIDATE_EMAIL_INVALID] = VALIDATE_ERROR,
	[VALIDATE_OPTED_OUT] = VALIDATE_ERROR,
	[VALIDATE_NO_CONSENT] = VALIDATE_ERROR,
	[VALIDATE_REQUIRED_MISSING] = VALIDATE_ERROR,
	[VALIDATE_COUNTRY_UNKNOWN] = VALIDATE_WARN,
	[VALIDATE_DATE_INVALID] = VALIDATE_WARN,
	[VALIDATE_PHONE_INVALID] = VALIDATE_WARN,
};
/* clang-format on */

/* clang-format off */
static const char *const role_field[VALIDATE_NROLES] = {
	"email", "email_status", "opt_out", "consent", "country", "phone",
	"created_at", "updated_at", "last_activity_at",
};
/* clang-format on */

/* Local parts that name a function, not a person: shared inboxes, no-reply
 * senders and mail-system addresses, in English and a few common German,
 * French, Spanish and Portuguese forms. */
/* clang-format off */
static const char *const role_names[] = {
	"abuse", "accounting", "accounts", "admin", "administrator",
	"admissions", "all", "billing", "bonjour", "bookings", "careers",
	"compliance", "contact", "contacto", "contato", "contactus",
	"customercare", "customerservice", "customer.service", "dev",
	"devnull", "do-not-reply", "donotreply", "do_not_reply", "enquiries",
	"enquiry", "everyone", "feedback", "finance", "hello", "help",
	"helpdesk", "hi", "hostmaster", "hr", "info", "information",
	"inquiries", "inquiry", "invoice", "invoices", "it", "jobs", "kontakt",
	"legal", "mail", "mailer-daemon", "marketing", "media", "newsletter",
	"no-reply", "noreply", "no_reply", "notifications", "office", "orders",
	"postmaster", "press", "privacy", "purchasing", "reception",
	"recruiting", "recruitment", "root", "sales", "security", "service",
	"staff", "support", "sysadmin", "team", "vertrieb", "webmaster",
};
/* clang-format on */

/* Countries whose contacts need consent by default: the EU, the other EEA
 * members, the United Kingdom and Canada. */
static const char eu_codes[] =
	"AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO "
	"SK SI ES SE";
static const char eea_extra[] = "IS LI NO";
static const char default_extra[] = "GB CA";

/* ---- hash set of names ----------------------------------------------- */

/* A domain met in a record, known by its XXH3-128 hash (as cov-dedupe
 * knows its keys): hi, and lo with its low byte replaced by SEEN_USED and
 * the class bits.  A wrong answer would need two domains whose hashes
 * agree on 120 bits. */
struct seen_slot {
	uint64_t hi, lo; /* 0, 0: empty */
};

#define SEEN_USED 0x80u

struct set_slot {
	const char *p; /* NULL: empty */
	uint32_t len;
	uint16_t tag; /* hash bits 48..63 */
	uint8_t flags;
	uint8_t pad;
};

struct strset {
	struct set_slot *slot;
	size_t mask, n;
};

static void set_grow(struct strset *s, size_t want)
{
	size_t cap = 16;
	struct set_slot *old = s->slot;
	size_t oldcap = s->slot ? s->mask + 1 : 0;

	while (cap < want * 2)
		cap *= 2;
	if (cap <= oldcap)
		return;
	s->slot = xcalloc(cap, sizeof *s->slot);
	s->mask = cap - 1;
	for (size_t i = 0; i < oldcap; i++) {
		uint64_t h;
		size_t j;
		if (!old[i].p)
			continue;
		h = XXH3_64bits(old[i].p, old[i].len);
		for (j = h & s->mask; s->slot[j].p; j = (j + 1) & s->mask)
			;
		s->slot[j] = old[i];
	}
	free(old);
}

static struct set_slot *set_find(const struct strset *s, const char *p,
				 size_t n, uint64_t h)
{
	uint16_t tag = (uint16_t)(h >> 48);

	if (!s->slot)
		return NULL;
	for (size_t j = h & s->mask;; j = (j + 1) & s->mask) {
		struct set_slot *e = &s->slot[j];
		if (!e->p)
			return NULL;
		if (e->tag == tag && e->len == n && memcmp(e->p, p, n) == 0)
			return e;
	}
}

/* Add p (borrowed: it must outlive the set), whose hash is h, or change
 * its flags: OR them in, or replace them when replace is set. */
static void set_put_hash(struct strset *s, const char *p, size_t n, uint64_t h,
			 int flags, int replace)
{
	struct set_slot *e = set_find(s, p, n, h);
	size_t j;

	if (e) {
		e->flags = (uint8_t)(replace ? flags : (e->flags | flags));
		return;
	}
	if ((s->n + 1) * 2 > (s->slot ? s->mask + 1 : 0))
		set_grow(s, s->n + 1);
	for (j = h & s->mask; s->slot[j].p; j = (j + 1) & s->mask)
		;
	s->slot[j].p = p;
	s->slot[j].len = (uint32_t)n;
	s->slot[j].tag = (uint16_t)(h >> 48);
	s->slot[j].flags = (uint8_t)flags;
	s->n++;
}

static void set_put(struct strset *s, const char *p, size_t n, int flags,
		    int replace)
{
	set_put_hash(s, p, n, XXH3_64bits(p, n), flags, replace);
}

static void set_free(struct strset *s)
{
	free(s->slot);
	s->slot = NULL;
	s->mask = s->n = 0;
}

/* ---- the validator ------------------------------------------------------ */

struct validator {
	int sev[VALIDATE_NCODES];
	uint32_t err_mask, warn_mask; /* codes of each severity (set_masks) */
	char *field[VALIDATE_NROLES]; /* names read, owned */
	unsigned char named[VALIDATE_NROLES]; /* by --field */
	int idx[VALIDATE_NROLES];
	struct header_roles roles; /* the fields' export names, looked up */
	/* --require */
	char **req;
	int *req_idx;
	unsigned char *missing;
	uint64_t *req_count;
	size_t nreq;
	struct buf req_csv, req_json; /* "required_missing:F" per field */
	size_t *req_csv_off, *req_json_off;
	int req_clean; /* no name needs CSV quoting */
	/* consent */
	unsigned char consent[26 * 26];
	int consent_all;
	unsigned char alpha2[26 * 26]; /* country_of: 1 a code, 2 not (yet) */
	char phone_cc[3];
	/* domains */
	struct strset domains;
	int domains_loaded;
	char **pools; /* names read from --domains-file */
	size_t npools;
	struct seen_slot *seen; /* domains met in records -> their class */
	size_t seen_mask, seen_n;
	struct memo *country_memo;
	/* binding */
	size_t bound_n;
	int bound;
	int f_reachable, f_errors, f_warnings;
	int ndjson;
	/* scratch */
	struct buf a, lower, errs, warns;
	/* errors and warnings lists built before, by found mask (lists_of) */
	struct lists_slot {
		uint32_t found;
		uint32_t used;
		size_t errs_off, errs_len, warns_off, warns_len;
	} lists[LISTS_SLOTS];
	struct buf lists_text;
	/* counts */
	uint64_t count[VALIDATE_NCODES];
	uint64_t rows, rows_err;
};

/* Role names in a small open-addressing table keyed by FNV-1a, which
 * validate_is_role computes while it lower-cases: no call, one or two
 * probes.  ROLE_SLOTS is more than twice the list. */
#define ROLE_SLOTS 256
#define ROLE_MAX 16
static const char *role_slot[ROLE_SLOTS];
static unsigned char role_len[ROLE_SLOTS];
/* bit k of role_shape[c] set when a role name of length k starts with
 * letter c: most personal local parts fail this test at once */
static uint32_t role_shape[26];
static int roles_loaded;

static uint32_t fnv_step(uint32_t h, unsigned char c)
{
	return (h ^ c) * 16777619u;
}

static void roles_load(void)
{
	if (roles_loaded)
		return;
	roles_loaded = 1;
	for (size_t i = 0; i < sizeof role_names / sizeof role_names[0]; i++) {
		uint32_t h = 2166136261u;
		for (const char *p = role_names[i]; *p; p++)
			h = fnv_step(h, (unsigned char)*p);
		while (role_slot[h % ROLE_SLOTS])
			h++;
		role_slot[h % ROLE_SLOTS] = role_names[i];
		role_len[h % ROLE_SLOTS] = (unsigned char)strlen(role_names[i]);
		role_shape[role_names[i][0] - 'a'] |= 1u
						      << strlen(role_names[i]);
	}
}

static void consent_add_list(struct validator *v, const char *codes)
{
	for (const char *p = codes; p[0] && p[1]; p += 3) {
		v->consent[(p[0] - 'A') * 26 + (p[1] - 'A')] = 1;
		if (!p[2])
			break;
	}
}

/* Forget the domains met so far (their classes are recomputed). */
static void seen_clear(struct validator *v)
{
	if (v->seen)
		memset(v->seen, 0, (v->seen_mask + 1) * sizeof *v->seen);
	v->seen_n = 0;
}

static uint64_t seen_lo(XXH128_hash_t h, int cls)
{
	return (h.low64 & ~(uint64_t)0xff) | SEEN_USED | (uint64_t)cls;
}

/* The class bits of a domain met before, or -1. */
static int seen_find(const struct validator *v, XXH128_hash_t h)
{
	uint64_t lo = seen_lo(h, 0);

	if (!v->seen)
		return -1;
	for (size_t j = h.high64 & v->seen_mask;; j = (j + 1) & v->seen_mask) {
		const struct seen_slot *e = &v->seen[j];
		if (!e->lo)
			return -1;
		if (e->hi == h.high64 && (e->lo & ~(uint64_t)0x7f) == lo)
			return (int)(e->lo & 0x7f);
	}
}

/* Remember the class of a domain met in a record (not found before). */
static void seen_put(struct validator *v, XXH128_hash_t h, int cls)
{
	size_t j, cap = v->seen ? v->seen_mask + 1 : 0;

	if ((v->seen_n + 1) * 2 > cap) {
		if (cap >= SEEN_MAX_SLOTS) {
			seen_clear(v);
		} else {
			struct seen_slot *old = v->seen;
			size_t ncap = cap ? cap * 2 : 4096;
			v->seen = xcalloc(ncap, sizeof *v->seen);
			v->seen_mask = ncap - 1;
			for (size_t i = 0; i < cap; i++) {
				if (!old[i].lo)
					continue;
				for (j = old[i].hi & v->seen_mask;
				     v->seen[j].lo; j = (j + 1) & v->seen_mask)
					;
				v->seen[j] = old[i];
			}
			free(old);
		}
	}
	for (j = h.high64 & v->seen_mask; v->seen[j].lo;
	     j = (j + 1) & v->seen_mask)
		;
	v->seen[j].hi = h.high64;
	v->seen[j].lo = seen_lo(h, cls);
	v->seen_n++;
}

/* Forget the lists built so far (severities or the format changed). */
static void lists_clear(struct validator *v)
{
	memset(v->lists, 0, sizeof v->lists);
	buf_reset(&v->lists_text);
}

static void set_masks(struct validator *v)
{
	lists_clear(v);
	v->err_mask = v->warn_mask = 0;
	for (int c = 0; c < VALIDATE_NCODES; c++) {
		if (v->sev[c] == VALIDATE_ERROR)
			v->err_mask |= BIT(c);
		else if (v->sev[c] == VALIDATE_WARN)
			v->warn_mask |= BIT(c);
	}
}

struct validator *validator_new(void)
{
	struct validator *v = xcalloc(1, sizeof *v);

	for (int i = 0; i < VALIDATE_NCODES; i++)
		v->sev[i] = default_severity[i];
	set_masks(v);
	for (int i = 0; i < VALIDATE_NROLES; i++) {
		v->field[i] = xstrdup(role_field[i]);
		v->idx[i] = -1;
	}
	consent_add_list(v, eu_codes);
	consent_add_list(v, eea_extra);
	consent_add_list(v, default_extra);
	v->req_clean = 1;
	v->country_memo = memo_new(1024);
	return v;
}

void validator_free(struct validator *v)
{
	if (!v)
		return;
	for (int i = 0; i < VALIDATE_NROLES; i++)
		free(v->field[i]);
	for (size_t i = 0; i < v->nreq; i++)
		free(v->req[i]);
	free(v->req);
	free(v->req_idx);
	free(v->missing);
	free(v->req_count);
	free(v->req_csv_off);
	free(v->req_json_off);
	buf_release(&v->req_csv);
	buf_release(&v->req_json);
	set_free(&v->domains);
	for (size_t i = 0; i < v->npools; i++)
		free(v->pools[i]);
	free(v->pools);
	free(v->seen);
	memo_free(v->country_memo);
	buf_release(&v->a);
	buf_release(&v->lower);
	buf_release(&v->errs);
	buf_release(&v->warns);
	buf_release(&v->lists_text);
	free(v);
}

const char *validate_code_name(int code)
{
	return code >= 0 && code < VALIDATE_NCODES ? code_name[code] : "";
}

int validate_code_parse(const char *s, size_t n)
{
	for (int i = 0; i < VALIDATE_NCODES; i++)
		if (strlen(code_name[i]) == n &&
		    memcmp(code_name[i], s, n) == 0)
			return i;
	return -1;
}

/* Call fn on each comma-separated item of list, trimmed of spaces; stop at
 * the first that returns -1. */
static int each_item(const char *list,
		     int (*fn)(void *, const char *, size_t, struct cov_err *),
		     void *arg, struct cov_err *e)
{
	const char *p = list;

	for (;;) {
		const char *end = strchr(p, ',');
		size_t n;
		if (!end)
			end = p + strlen(p);
		n = (size_t)(end - p);
		while (n > 0 && (*p == ' ' || *p == '\t'))
			p++, n--;
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (fn(arg, p, n, e) < 0)
			return -1;
		if (!*end)
			return 0;
		p = end + 1;
	}
}

struct sev_arg {
	struct validator *v;
	int sev;
};

static int sev_item(void *arg, const char *s, size_t n, struct cov_err *e)
{
	struct sev_arg *a = arg;
	int c = validate_code_parse(s, n);

	if (c < 0) {
		err_set(e, COV_EXIT_USAGE, NULL, 0, "usage",
			"unknown reason code '%.*s' (see cov-validate --help)",
			(int)(n > 60 ? 60 : n), s);
		return -1;
	}
	a->v->sev[c] = a->sev;
	return 0;
}

int validator_set_severity(struct validator *v, const char *codes, int sev,
			   struct cov_err *e)
{
	struct sev_arg a = {v, sev};
	int r = each_item(codes, sev_item, &a, e);

	set_masks(v);
	return r;
}

int validator_severity(const struct validator *v, int code)
{
	return code >= 0 && code < VALIDATE_NCODES ? v->sev[code]
						   : VALIDATE_OFF;
}

static int field_item(void *arg, const char *s, size_t n, struct cov_err *e)
{
	struct validator *v = arg;
	const char *name;
	size_t nn;
	int i = cli_field_item(s, n, role_field, VALIDATE_NROLES, &name, &nn,
			       e);

	if (i < 0)
		return -1;
	free(v->field[i]);
	v->field[i] = xstrndup(name, nn);
	v->named[i] = 1;
	v->bound = 0;
	return 0;
}

const char *validator_unknown_field(const struct validator *v,
				    const struct stream *st)
{
	return stream_unknown_field(st, v->field, v->named, v->idx,
				    VALIDATE_NROLES);
}

int validator_set_fields(struct validator *v, const char *spec,
			 struct cov_err *e)
{
	return each_item(spec, field_item, v, e);
}

static int req_item(void *arg, const char *s, size_t n, struct cov_err *e)
{
	struct validator *v = arg;
	static const char prefix[] = "required_missing:";

	if (n == 0) {
		err_set(e, COV_EXIT_USAGE, NULL, 0, "usage",
			"--require: empty field name");
		return -1;
	}
	v->req = xrealloc(v->req, (v->nreq + 1) * sizeof *v->req);
	v->req_idx = xrealloc(v->req_idx, (v->nreq + 1) * sizeof *v->req_idx);
	v->missing = xrealloc(v->missing, v->nreq + 1);
	v->req_count =
		xrealloc(v->req_count, (v->nreq + 1) * sizeof *v->req_count);
	v->req_csv_off = xrealloc(v->req_csv_off,
				  (v->nreq + 2) * sizeof *v->req_csv_off);
	v->req_json_off = xrealloc(v->req_json_off,
				   (v->nreq + 2) * sizeof *v->req_json_off);
	v->req[v->nreq] = xstrndup(s, n);
	v->req_idx[v->nreq] = -1;
	v->missing[v->nreq] = 0;
	v->req_count[v->nreq] = 0;
	if (v->nreq == 0)
		v->req_csv_off[0] = v->req_json_off[0] = 0;
	buf_adds(&v->req_csv, prefix);
	buf_add(&v->req_csv, s, n);
	v->req_csv_off[v->nreq + 1] = v->req_csv.len;
	{
		struct buf t = BUF_INIT;
		buf_adds(&t, prefix);
		buf_add(&t, s, n);
		json_buf_string(&v->req_json, t.p, t.len);
		buf_release(&t);
	}
	v->req_json_off[v->nreq + 1] = v->req_json.len;
	for (size_t i = 0; i < n; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
			v->req_clean = 0;
	v->nreq++;
	v->bound = 0;
	return 0;
}

int validator_require(struct validator *v, const char *fields,
		      struct cov_err *e)
{
	return each_item(fields, req_item, v, e);
}

static int consent_item(void *arg, const char *s, size_t n, struct cov_err *e)
{
	struct validator *v = arg;
	char low[8], cc[3];

	if (n == 0)
		return 0;
	if (n < sizeof low) {
		for (size_t i = 0; i < n; i++)
			low[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32
								   : s[i]);
		low[n] = '\0';
		if (strcmp(low, "eu") == 0) {
			consent_add_list(v, eu_codes);
			return 0;
		}
		if (strcmp(low, "eea") == 0) {
			consent_add_list(v, eu_codes);
			consent_add_list(v, eea_extra);
			return 0;
		}
		if (strcmp(low, "all") == 0) {
			v->consent_all = 1;
			return 0;
		}
		if (strcmp(low, "none") == 0)
			return 0;
	}
	if (!country_code(s, n, cc)) {
		err_set(e, COV_EXIT_USAGE, NULL, 0, "usage",
			"--consent-countries: unknown country '%.*s'",
			(int)(n > 60 ? 60 : n), s);
		return -1;
	}
	v->consent[(cc[0] - 'A') * 26 + (cc[1] - 'A')] = 1;
	return 0;
}

int validator_consent_countries(struct validator *v, const char *list,
				struct cov_err *e)
{
	memset(v->consent, 0, sizeof v->consent);
	v->consent_all = 0;
	return each_item(list, consent_item, v, e);
}

int validator_consent_required(const struct validator *v, const char cc[2])
{
	if (v->consent_all)
		return 1;
	if (cc[0] < 'A' || cc[0] > 'Z' || cc[1] < 'A' || cc[1] > 'Z')
		return 0;
	return v->consent[(cc[0] - 'A') * 26 + (cc[1] - 'A')];
}

int validator_default_country(struct validator *v, const char *cc,
			      struct cov_err *e)
{
	char code[3];

	if (!country_code(cc, strlen(cc), code)) {
		err_set(e, COV_EXIT_USAGE, NULL, 0, "usage",
			"--default-country: unknown country '%s'", cc);
		return -1;
	}
	memcpy(v->phone_cc, code, 3);
	return 0;
}

/* ---- domains ------------------------------------------------------------ */

/* Lower-case s into out (ASCII fast; other letters through utf8proc).
 * -1 on invalid UTF-8. */
static int lower_into(struct buf *out, const char *s, size_t n)
{
	buf_reset(out);
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		if (c < 128) {
			buf_addc(out,
				 (char)(c >= 'A' && c <= 'Z' ? c + 32 : c));
			i++;
		} else {
			utf8proc_int32_t cp;
			utf8proc_uint8_t enc[4];
			utf8proc_ssize_t k = utf8proc_iterate(
				(const utf8proc_uint8_t *)s + i,
				(utf8proc_ssize_t)(n - i), &cp);
			if (k <= 0)
				return -1;
			buf_add(out, (const char *)enc,
				(size_t)utf8proc_encode_char(
					utf8proc_tolower(cp), enc));
			i += (size_t)k;
		}
	}
	return 0;
}

/* Add the lines of an embedded list with class flags. */
static void load_list(struct strset *s, const unsigned char *data,
		      unsigned long len, int flags)
{
	const char *p = (const char *)data, *end = p + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		size_t n = (size_t)(le - p);
		while (n > 0 && (p[n - 1] == '\r' || p[n - 1] == ' '))
			n--;
		if (n > 0 && p[0] != '#' &&
		    email_syntax_domain(p, n) == EMAIL_SYNTAX_OK)
			set_put(s, p, n, flags, 0);
		p = le + 1;
	}
}

static void domains_load(struct validator *v)
{
	size_t lines = 0;

	if (v->domains_loaded)
		return;
	v->domains_loaded = 1;
	for (unsigned long i = 0; i < FREEMAIL_FREE_len; i++)
		lines += FREEMAIL_FREE[i] == '\n';
	for (unsigned long i = 0; i < FREEMAIL_DISPOSABLE_len; i++)
		lines += FREEMAIL_DISPOSABLE[i] == '\n';
	set_grow(&v->domains, lines + 16);
	load_list(&v->domains, FREEMAIL_FREE, FREEMAIL_FREE_len,
		  VALIDATE_FREEMAIL);
	load_list(&v->domains, FREEMAIL_DISPOSABLE, FREEMAIL_DISPOSABLE_len,
		  VALIDATE_DISPOSABLE);
}

int validator_load_domains(struct validator *v, const char *path,
			   struct cov_err *e)
{
	FILE *f = fopen(path, "rb");
	struct buf text = BUF_INIT, pool = BUF_INIT;
	struct rule {
		size_t off, len;
		int flags, replace;
	} *rules = NULL;
	size_t nrules = 0, pos = 0;
	long line = 0;
	char chunk[65536];
	size_t k;

	if (!f) {
		err_set(e, COV_EXIT_IO, path, 0, "open", "cannot open: %s",
			strerror(errno));
		return -1;
	}
	while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&text, chunk, k);
	if (ferror(f)) {
		err_set(e, COV_EXIT_IO, path, 0, "read", "read error: %s",
			strerror(errno));
		fclose(f);
		buf_release(&text);
		return -1;
	}
	fclose(f);
	while (pos < text.len) {
		const char *p = text.p + pos, *nl;
		size_t n, d, w, c;
		nl = memchr(p, '\n', text.len - pos);
		n = nl ? (size_t)(nl - p) : text.len - pos;
		pos += n + 1;
		line++;
		while (n > 0 && (p[n - 1] == '\r' || p[n - 1] == ' ' ||
				 p[n - 1] == '\t'))
			n--;
		while (n > 0 && (*p == ' ' || *p == '\t'))
			p++, n--;
		if (n == 0 || *p == '#')
			continue;
		for (d = 0; d < n && p[d] != ' ' && p[d] != '\t'; d++)
			;
		for (w = d; w < n && (p[w] == ' ' || p[w] == '\t'); w++)
			;
		for (c = w; c < n && p[c] != ' ' && p[c] != '\t'; c++)
			;
		rules = xrealloc(rules, (nrules + 1) * sizeof *rules);
		if (w == n || c != n) {
			err_set(e, COV_EXIT_USAGE, path, line, "domains_file",
				"expected 'DOMAIN freemail|disposable|ok'");
			goto fail;
		}
		if (c - w == 8 && memcmp(p + w, "freemail", 8) == 0)
			rules[nrules].flags = VALIDATE_FREEMAIL,
			rules[nrules].replace = 0;
		else if (c - w == 10 && memcmp(p + w, "disposable", 10) == 0)
			rules[nrules].flags = VALIDATE_DISPOSABLE,
			rules[nrules].replace = 0;
		else if (c - w == 2 && memcmp(p + w, "ok", 2) == 0)
			rules[nrules].flags = 0, rules[nrules].replace = 1;
		else {
			err_set(e, COV_EXIT_USAGE, path, line, "domains_file",
				"unknown class '%.*s' (freemail, disposable or ok)",
				(int)(c - w > 40 ? 40 : c - w), p + w);
			goto fail;
		}
		if (lower_into(&v->lower, p, d) < 0 ||
		    email_syntax_domain(v->lower.p, v->lower.len) !=
			    EMAIL_SYNTAX_OK) {
			char q[80] = "";
			err_quote_value(q, sizeof q, p, d, 60);
			err_set(e, COV_EXIT_USAGE, path, line, "domains_file",
				"not a domain: %s", q);
			goto fail;
		}
		rules[nrules].off = pool.len;
		rules[nrules].len = v->lower.len;
		buf_add(&pool, v->lower.p, v->lower.len);
		nrules++;
	}
	domains_load(v);
	/* the pool is complete: its bytes no longer move */
	v->pools = xrealloc(v->pools, (v->npools + 1) * sizeof *v->pools);
	v->pools[v->npools++] = pool.p; /* owned from here on */
	for (size_t i = 0; i < nrules; i++)
		set_put(&v->domains, v->pools[v->npools - 1] + rules[i].off,
			rules[i].len, rules[i].flags, rules[i].replace);
	free(rules);
	buf_release(&text);
	/* answers cached before this file may have changed */
	seen_clear(v);
	return 0;
fail:
	free(rules);
	buf_release(&text);
	buf_release(&pool);
	return -1;
}

/* A domain ready for lookup: lower-cased, hashed. */
struct dom_key {
	const char *p;
	size_t n;
	XXH128_hash_t h;
	int plain; /* it came lower-case ASCII: p is the input itself */
};

/* Prepare dom for domain_info and prefetch its slot in v->seen, so the
 * caller can do other work while the line comes in.  -1 when the domain
 * is bad in syntax already (too long, or a non-plain domain that fails
 * email_syntax_domain). */
static int domain_key(struct validator *v, const char *dom, size_t n,
		      int known_plain, struct dom_key *k)
{
	size_t i;

	if (n == 0 || n > 253)
		return -1;
	/* most domains come lower-cased ASCII already: no copy then, and the
	 * syntax verdict can be remembered under the domain itself.
	 * known_plain: the caller has seen that it does. */
	for (i = 0; i < n && !known_plain; i++)
		if ((dom[i] >= 'A' && dom[i] <= 'Z') || (dom[i] & 0x80))
			break;
	k->plain = known_plain || i == n;
	k->p = dom;
	k->n = n;
	if (!k->plain) {
		if (email_syntax_domain(dom, n) != EMAIL_SYNTAX_OK ||
		    lower_into(&v->lower, dom, n) < 0)
			return -1;
		k->p = v->lower.p;
		k->n = v->lower.len;
	}
	k->h = XXH3_128bits(k->p, k->n);
	if (v->seen)
		__builtin_prefetch(&v->seen[k->h.high64 & v->seen_mask]);
	return 0;
}

/* The class bits of a prepared domain, or DOMAIN_BAD_SYNTAX when it fails
 * email_syntax_domain; either way remembered in v->seen.  Uses v->a (and
 * v->lower stays as domain_key left it). */
static int domain_info(struct validator *v, const struct dom_key *k)
{
	struct set_slot *e;
	int cls = seen_find(v, k->h);

	if (cls >= 0)
		return cls;
	cls = 0;
	if (k->plain && email_syntax_domain(k->p, k->n) != EMAIL_SYNTAX_OK) {
		seen_put(v, k->h, DOMAIN_BAD_SYNTAX);
		return DOMAIN_BAD_SYNTAX;
	}
	domains_load(v);
	e = set_find(&v->domains, k->p, k->n, XXH3_64bits(k->p, k->n));
	if (e) {
		cls = e->flags;
	} else if (domain_registrable(k->p, k->n, &v->a) == 0 &&
		   v->a.len != k->n) {
		e = set_find(&v->domains, v->a.p, v->a.len,
			     XXH3_64bits(v->a.p, v->a.len));
		if (e)
			cls = e->flags;
	}
	seen_put(v, k->h, cls);
	return cls;
}

int validator_domain_class(struct validator *v, const char *dom, size_t n)
{
	struct dom_key k;
	int cls;

	if (domain_key(v, dom, n, 0, &k) < 0)
		return 0;
	cls = domain_info(v, &k);
	return cls & DOMAIN_BAD_SYNTAX ? 0 : cls;
}

void validator_domain_stats(struct validator *v, size_t *entries, size_t *bytes)
{
	domains_load(v);
	*entries = v->domains.n;
	*bytes = (v->domains.mask + 1) * sizeof *v->domains.slot;
}

int validate_is_role(const char *local, size_t n)
{
	char low[ROLE_MAX];
	uint32_t h = 2166136261u;
	size_t k;

	const char *plus;
	unsigned char c0;

	if (n == 0 || local[0] == '"')
		return 0;
	roles_load();
	/* the length before any "+tag"; past ROLE_MAX it is no role */
	plus = memchr(local, '+', n < ROLE_MAX + 1 ? n : ROLE_MAX + 1);
	k = plus ? (size_t)(plus - local) : n;
	c0 = (unsigned char)local[0] | 0x20;
	if (k > ROLE_MAX || c0 < 'a' || c0 > 'z' ||
	    !(role_shape[c0 - 'a'] & (1u << k)))
		return 0;
	for (k = 0; k < n && local[k] != '+'; k++) {
		unsigned char c = (unsigned char)local[k];
		if (k == ROLE_MAX || c >= 128)
			return 0;
		if (c >= 'A' && c <= 'Z')
			c += 32;
		low[k] = (char)c;
		h = fnv_step(h, c);
	}
	for (;; h++) {
		const char *r = role_slot[h % ROLE_SLOTS];
		if (!r)
			return 0;
		if (role_len[h % ROLE_SLOTS] == k && memcmp(r, low, k) == 0)
			return 1;
	}
}

/* ---- records ------------------------------------------------------------ */

void validator_bind(struct validator *v, struct stream *st)
{
	struct schema *s = &st->schema;

	v->ndjson = st->out && st->out->fmt == FMT_NDJSON;
	lists_clear(v);
	/* an export as it is: "Email", "Mailing Country" found as
	 * cov-normalize would name them */
	for (int i = 0; i < VALIDATE_NROLES; i++)
		v->idx[i] = header_roles_find(&v->roles, s, v->field[i]);
	for (size_t i = 0; i < v->nreq; i++)
		v->req_idx[i] = header_roles_find(&v->roles, s, v->req[i]);
	v->f_reachable = stream_add_field(st, "reachable");
	v->f_errors = stream_add_field(st, "errors");
	v->f_warnings = stream_add_field(st, "warnings");
	v->bound_n = s->n;
	v->bound = 1;
}

static inline int is_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* The value of field i with ASCII white space trimmed: 1 when not empty
 * (absent, JSON null and blank are empty). */
static inline int value_of(const struct record *rec, int i, const char **s,
			   size_t *n)
{
	const struct field *f;
	const char *p;
	size_t k;

	if (i < 0 || (size_t)i >= rec->nf)
		return 0;
	f = &rec->f[i];
	if (f->kind == VAL_ABSENT || f->len == 0)
		return 0;
	p = rec->data.p + f->off;
	k = f->len;
	if (is_space((unsigned char)p[0]) ||
	    is_space((unsigned char)p[k - 1])) {
		while (k > 0 && is_space((unsigned char)*p))
			p++, k--;
		while (k > 0 && is_space((unsigned char)p[k - 1]))
			k--;
		if (k == 0)
			return 0;
	}
	if (f->kind == VAL_RAW && k == 4 && memcmp(p, "null", 4) == 0)
		return 0;
	*s = p;
	*n = k;
	return 1;
}

/* 1 true, 0 false, -1 neither; the spellings cov-normalize writes first. */
static int bool_of(const char *s, size_t n)
{
	if (n == 4 && memcmp(s, "true", 4) == 0)
		return 1;
	if (n == 5 && memcmp(s, "false", 5) == 0)
		return 0;
	return value_bool(s, n);
}

/* VALIDATE_EMAIL_BOUNCED, VALIDATE_EMAIL_INVALID or -1 for an
 * email_status value; the spellings cov-normalize writes first. */
static int status_of(const char *s, size_t n)
{
	const char *st;

	if (n == 5 && memcmp(s, "valid", 5) == 0)
		return -1;
	if (n == 7) {
		if (memcmp(s, "unknown", 7) == 0)
			return -1;
		if (memcmp(s, "bounced", 7) == 0)
			return VALIDATE_EMAIL_BOUNCED;
		if (memcmp(s, "invalid", 7) == 0)
			return VALIDATE_EMAIL_INVALID;
	}
	st = value_email_status(s, n);
	if (st && strcmp(st, "bounced") == 0)
		return VALIDATE_EMAIL_BOUNCED;
	if (st && strcmp(st, "invalid") == 0)
		return VALIDATE_EMAIL_INVALID;
	return -1;
}

/* Read 2 (or 4) digits at s; -1 when one is not a digit. */
static int digits2(const char *s)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return -1;
	return (s[0] - '0') * 10 + (s[1] - '0');
}

/* 1 when s is exactly the ISO 8601 form cov-normalize writes (YYYY-MM-DD,
 * optionally THH:MM:SS and Z or +HH:MM / -HH:MM) and a real date in
 * value_date's range; 0 when it is not in that form (value_date then
 * decides). */
static int iso_date_ok(const char *s, size_t n)
{
	static const int mdays[12] = {31, 29, 31, 30, 31, 30,
				      31, 31, 30, 31, 30, 31};
	int y1, y2, y, m, d;

	if (n != 10 && n != 19 && n != 20 && n != 25)
		return 0;
	y1 = digits2(s);
	y2 = digits2(s + 2);
	m = digits2(s + 5);
	d = digits2(s + 8);
	if (y1 < 0 || y2 < 0 || m < 1 || m > 12 || d < 1 || s[4] != '-' ||
	    s[7] != '-')
		return 0;
	y = y1 * 100 + y2;
	if (y < 1900 || y > 2199 || d > mdays[m - 1])
		return 0;
	if (m == 2 && d == 29 &&
	    !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return 0;
	if (n == 10)
		return 1;
	if (s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
	    digits2(s + 11) < 0 || digits2(s + 11) > 23 ||
	    digits2(s + 14) < 0 || digits2(s + 14) > 59 ||
	    digits2(s + 17) < 0 || digits2(s + 17) > 59)
		return 0;
	if (n == 19)
		return 1;
	if (n == 20)
		return s[19] == 'Z';
	return (s[19] == '+' || s[19] == '-') && s[22] == ':' &&
	       digits2(s + 20) >= 0 && digits2(s + 20) <= 14 &&
	       digits2(s + 23) >= 0 && digits2(s + 23) <= 59;
}

static int date_ok(struct validator *v, const char *s, size_t n)
{
	return iso_date_ok(s, n) || value_date(s, n, DATE_MDY, &v->a) == 0;
}

/* The alpha-2 code of a country value into cc; 0 when it names none. */
static int country_of(struct validator *v, const char *s, size_t n, char cc[3])
{
	const char *c;
	size_t cn;

	if (n == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' &&
	    s[1] <= 'Z') {
		/* the common case, an upper-case code: 1 known, 2 not (then
		 * the memo below answers, as for any other value) */
		unsigned char *k = &v->alpha2[(s[0] - 'A') * 26 + (s[1] - 'A')];
		if (!*k)
			*k = country_code(s, 2, cc) && cc[0] == s[0] &&
					     cc[1] == s[1]
				     ? 1
				     : 2;
		if (*k == 1) {
			memcpy(cc, s, 2);
			cc[2] = '\0';
			return 1;
		}
	}
	if ((c = memo_get(v->country_memo, s, n, &cn)) != NULL) {
		if (cn != 2)
			return 0;
		memcpy(cc, c, 2);
		cc[2] = '\0';
		return 1;
	}
	if (!country_code(s, n, cc)) {
		memo_put(v->country_memo, s, n, "", 0);
		return 0;
	}
	memo_put(v->country_memo, s, n, cc, 2);
	return 1;
}

static int bits(uint32_t x)
{
	int k = 0;

	for (; x; x &= x - 1)
		k++;
	return k;
}

void validator_check(struct validator *v, const struct record *rec,
		     struct validate_result *res)
{
	const char *s;
	size_t n, at;
	uint32_t f = 0;
	int email_ok = 0, opted = 0, known = 0, nmissing = 0, plain;
	char cc[3] = "";
	const char *email = NULL;
	struct dom_key dk;

	/* the email's domain is looked up last: its slot is prefetched.  No
	 * placeholder holds an '@', so only a value that fails the syntax
	 * check can be one: the common address skips value_is_placeholder. */
	if (!value_of(rec, v->idx[VALIDATE_F_EMAIL], &s, &n))
		f |= BIT(VALIDATE_EMAIL_MISSING);
	else if (rec_nested(rec, v->idx[VALIDATE_F_EMAIL]))
		f |= BIT(VALIDATE_EMAIL_SYNTAX);
	else if ((plain = email_syntax_plain(s, n, &at)) == 0 &&
		 email_syntax_local(s, n, &at) != EMAIL_SYNTAX_OK)
		f |= value_is_placeholder(s, n) ? BIT(VALIDATE_EMAIL_MISSING)
						: BIT(VALIDATE_EMAIL_SYNTAX);
	else if (domain_key(v, s + at + 1, n - at - 1, plain, &dk) < 0)
		f |= BIT(VALIDATE_EMAIL_SYNTAX);
	else
		email = s;
	if (value_of(rec, v->idx[VALIDATE_F_EMAIL_STATUS], &s, &n) &&
	    !rec_nested(rec, v->idx[VALIDATE_F_EMAIL_STATUS])) {
		int st = status_of(s, n);
		if (st >= 0)
			f |= BIT(st);
	}
	if (value_of(rec, v->idx[VALIDATE_F_OPT_OUT], &s, &n) &&
	    (rec_nested(rec, v->idx[VALIDATE_F_OPT_OUT]) ||
	     bool_of(s, n) != 0)) {
		opted = 1;
		f |= BIT(VALIDATE_OPTED_OUT);
	}
	if (value_of(rec, v->idx[VALIDATE_F_COUNTRY], &s, &n)) {
		known = !rec_nested(rec, v->idx[VALIDATE_F_COUNTRY]) &&
			country_of(v, s, n, cc);
		if (!known)
			f |= BIT(VALIDATE_COUNTRY_UNKNOWN);
	}
	if (v->consent_all || (known && validator_consent_required(v, cc))) {
		if (!value_of(rec, v->idx[VALIDATE_F_CONSENT], &s, &n) ||
		    rec_nested(rec, v->idx[VALIDATE_F_CONSENT]) ||
		    bool_of(s, n) != 1)
			f |= BIT(VALIDATE_NO_CONSENT);
	}
	for (size_t i = 0; i < v->nreq; i++) {
		v->missing[i] = !value_of(rec, v->req_idx[i], &s, &n) ||
				value_is_placeholder(s, n);
		nmissing += v->missing[i];
	}
	for (int r = VALIDATE_F_CREATED_AT; r <= VALIDATE_F_LAST_ACTIVITY_AT;
	     r++)
		if (value_of(rec, v->idx[r], &s, &n) &&
		    (rec_nested(rec, v->idx[r]) || !date_ok(v, s, n))) {
			f |= BIT(VALIDATE_DATE_INVALID);
			break;
		}
	if (value_of(rec, v->idx[VALIDATE_F_PHONE], &s, &n) &&
	    (rec_nested(rec, v->idx[VALIDATE_F_PHONE]) ||
	     phone_e164(s, n,
			known            ? cc
			: v->phone_cc[0] ? v->phone_cc
					 : NULL,
			&v->a) < 0))
		f |= BIT(VALIDATE_PHONE_INVALID);
	if (email) {
		int cls = domain_info(v, &dk);
		if (cls & DOMAIN_BAD_SYNTAX) {
			f |= BIT(VALIDATE_EMAIL_SYNTAX);
		} else {
			email_ok = 1;
			if (validate_is_role(email, at))
				f |= BIT(VALIDATE_EMAIL_ROLE);
			if (cls & VALIDATE_FREEMAIL)
				f |= BIT(VALIDATE_EMAIL_FREEMAIL);
			if (cls & VALIDATE_DISPOSABLE)
				f |= BIT(VALIDATE_EMAIL_DISPOSABLE);
		}
	}

	res->found = f;
	res->missing = v->missing;
	res->reachable = email_ok &&
			 !(f & (BIT(VALIDATE_EMAIL_BOUNCED) |
				BIT(VALIDATE_EMAIL_INVALID) |
				BIT(VALIDATE_NO_CONSENT))) &&
			 !opted;
	/* each missing field counts; the other codes once */
	res->errors = bits(f & v->err_mask);
	res->warnings = bits(f & v->warn_mask);
	if (nmissing) {
		f |= BIT(VALIDATE_REQUIRED_MISSING);
		res->found = f;
		if (v->err_mask & BIT(VALIDATE_REQUIRED_MISSING))
			res->errors += nmissing;
		else if (v->warn_mask & BIT(VALIDATE_REQUIRED_MISSING))
			res->warnings += nmissing;
	}
}

/* Append one code to a list being built in b. */
static void list_add(struct validator *v, struct buf *b, const char *s,
		     size_t n)
{
	if (b->len > (size_t)v->ndjson)
		buf_addc(b, v->ndjson ? ',' : ';');
	buf_add(b, s, n);
}

/* Build the errors and warnings lists of found mask f into v->errs and
 * v->warns, counting each code reported. */
static void lists_build(struct validator *v, uint32_t f)
{
	buf_reset(&v->errs);
	buf_reset(&v->warns);
	if (v->ndjson) {
		buf_addc(&v->errs, '[');
		buf_addc(&v->warns, '[');
	}
	for (uint32_t left = f & (v->err_mask | v->warn_mask); left;
	     left &= left - 1) {
		int c = __builtin_ctz(left);
		struct buf *b =
			v->sev[c] == VALIDATE_ERROR ? &v->errs : &v->warns;
		if (c == VALIDATE_REQUIRED_MISSING) {
			for (size_t i = 0; i < v->nreq; i++) {
				if (!v->missing[i])
					continue;
				v->req_count[i]++;
				if (v->ndjson)
					list_add(v, b,
						 v->req_json.p +
							 v->req_json_off[i],
						 v->req_json_off[i + 1] -
							 v->req_json_off[i]);
				else
					list_add(v, b,
						 v->req_csv.p +
							 v->req_csv_off[i],
						 v->req_csv_off[i + 1] -
							 v->req_csv_off[i]);
			}
			continue;
		}
		v->count[c]++;
		if (v->ndjson) {
			list_add(v, b, "\"", 1);
			buf_add(b, code_name[c], code_len[c]);
			buf_addc(b, '"');
		} else {
			list_add(v, b, code_name[c], code_len[c]);
		}
	}
	if (v->ndjson) {
		buf_addc(&v->errs, ']');
		buf_addc(&v->warns, ']');
	}
}

/* The lists of found mask f (without required_missing, whose lists
 * depend on more than f) as they were built the first time: most rows
 * share a few masks.  NULL when f is not kept (its slot is taken). */
static const struct lists_slot *lists_of(struct validator *v, uint32_t f)
{
	struct lists_slot *l = &v->lists[(f * 2654435761u) >> 26];

	if (l->used && l->found == f) {
		for (uint32_t left = f & (v->err_mask | v->warn_mask); left;
		     left &= left - 1)
			v->count[__builtin_ctz(left)]++;
		return l;
	}
	if (l->used)
		return NULL;
	lists_build(v, f);
	l->used = 1;
	l->found = f;
	l->errs_off = v->lists_text.len;
	l->errs_len = v->errs.len;
	buf_add(&v->lists_text, v->errs.p, v->errs.len);
	l->warns_off = v->lists_text.len;
	l->warns_len = v->warns.len;
	buf_add(&v->lists_text, v->warns.p, v->warns.len);
	return l;
}

int validator_apply(struct validator *v, struct stream *st, struct record *rec)
{
	struct validate_result res;
	const struct lists_slot *l = NULL;
	const char *errs, *warns;
	size_t errs_len, warns_len;
	int clean = v->req_clean;

	if (!v->bound || st->schema.n != v->bound_n)
		validator_bind(v, st);
	validator_check(v, rec, &res);
	if (!(res.found & BIT(VALIDATE_REQUIRED_MISSING)))
		l = lists_of(v, res.found);
	if (l && v->lists_text.p) {
		errs = v->lists_text.p + l->errs_off;
		errs_len = l->errs_len;
		warns = v->lists_text.p + l->warns_off;
		warns_len = l->warns_len;
	} else if (l) { /* nothing kept yet but empty lists */
		errs = warns = "";
		errs_len = warns_len = 0;
	} else {
		lists_build(v, res.found);
		errs = v->errs.p;
		errs_len = v->errs.len;
		warns = v->warns.p;
		warns_len = v->warns.len;
	}
	if (!errs)
		errs = "";
	if (!warns)
		warns = "";
	rec_resize(rec, st->schema.n);
	rec_set_clean(rec, (size_t)v->f_reachable,
		      res.reachable ? "true" : "false", res.reachable ? 4 : 5,
		      VAL_RAW);
	if (v->ndjson || clean) {
		int kind = v->ndjson ? VAL_RAW : VAL_STR;
		rec_set_clean(rec, (size_t)v->f_errors, errs, errs_len, kind);
		rec_set_clean(rec, (size_t)v->f_warnings, warns, warns_len,
			      kind);
	} else {
		rec_set(rec, (size_t)v->f_errors, errs, errs_len, VAL_STR);
		rec_set(rec, (size_t)v->f_warnings, warns, warns_len, VAL_STR);
	}
	v->rows++;
	if (res.errors > 0)
		v->rows_err++;
	return res.errors > 0;
}

uint64_t validator_rows(const struct validator *v) { return v->rows; }

uint64_t validator_rows_with_errors(const struct validator *v)
{
	return v->rows_err;
}

void validator_count(struct validator *v, struct stream *st)
{
	for (int c = 0; c < VALIDATE_NCODES; c++)
		if (c != VALIDATE_REQUIRED_MISSING && v->count[c])
			stream_count_reason(st, code_name[c], v->count[c]);
	for (size_t i = 0; i < v->nreq; i++)
		if (v->req_count[i]) {
			char name[48];
			snprintf(name, sizeof name, "required_missing:%s",
				 v->req[i]);
			stream_count_reason(st, name, v->req_count[i]);
		}
}
