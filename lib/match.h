/*
 * match: attach contacts to accounts (what cov-match does to a stream).
 *
 * An accounts file (CSV, TSV or NDJSON, plain or gzip, normalised or not)
 * is loaded once into tables keyed by account_id, by registrable domain
 * (from domain/website columns and a `domains` alias list) and by
 * company_key; its headers are mapped as cov-normalize maps an account
 * export (norm_header.h) and its keys derived by the same functions
 * (domain_registrable, company_key, country_code).
 *
 * Each contact is then matched by the first method that succeeds:
 *
 *   existing  its account_id names an account of the file (a 15-character
 *             Salesforce id also finds its 18-character form)
 *   domain    the registrable domain of its e-mail address is an account's;
 *             free-mail, ISP and disposable domains never match
 *   name      its company_key equals an account's
 *   fuzzy     its company_key is similar to an account's, score at least
 *             the minimum (MATCH_MIN_SCORE by default)
 *   none      none of these
 *
 * When several accounts qualify the first rule that separates them picks
 * one: (1) name agreement — equal company_key, else the more similar name
 * (similarity under the minimum counts as none; for fuzzy: the higher
 * score), and among equal keys the same name as written, legal form
 * included; (2) domain agreement — the account's domain is the contact's
 * e-mail domain, else has the same first label ("acme.de" and
 * "acme.com"); (3) the account's country is the contact's (a place ending
 * the contact's company, "Acme Germany", counts first); (4) higher in its
 * hierarchy (fewer parent_account_id links above it); (5) the lower tier
 * number (none last); (6) the smaller account_id (bytewise).
 *
 * A subsidiary without a website is reached through its nearest
 * ancestor's domain; an account without any website whose company_key is
 * the contact's competes with the accounts of the contact's domain, and
 * when it wins (on rule 1) the method is "name".  Table layout and costs
 * are in match.c.
 */
#ifndef COV_MATCH_H
#define COV_MATCH_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "reader.h"
#include "record.h"
#include "stream.h"

enum match_method {
	MATCH_NONE = 0,
	MATCH_EXISTING,
	MATCH_DOMAIN,
	MATCH_NAME,
	MATCH_FUZZY,
	MATCH_NMETHODS
};

/* Tie-break rules, in the order they apply (match_result.rule). */
/* clang-format off */
enum match_rule {
	MATCH_RULE_ONLY = 0, /* one candidate, or no match */
	MATCH_RULE_NAME,
	MATCH_RULE_DOMAIN,
	MATCH_RULE_COUNTRY,
	MATCH_RULE_PARENT,
	MATCH_RULE_TIER,
	MATCH_RULE_ID
};
/* clang-format on */

/* Contact fields the matcher reads (matcher_set_fields names them
 * "role=NAME"; the role name is the default field name). */
enum match_role {
	MATCH_F_ACCOUNT_ID,
	MATCH_F_EMAIL,
	MATCH_F_EMAIL_DOMAIN,
	MATCH_F_COMPANY,
	MATCH_F_COMPANY_KEY,
	MATCH_F_COUNTRY,
	MATCH_NROLES
};

#define MATCH_MIN_SCORE 0.85 /* default --min-score (see cov-match(1)) */
#define MATCH_NONE_ID UINT32_MAX
#define MATCH_MAX_CANDIDATES 64 /* accounts weighed per key, per contact */
#define MATCH_MAX_EXPLAIN 8     /* candidates listed by --explain */
#define MATCH_AHEAD 3           /* records between prefetch and match */

/* What one contact brings: values as pointer + length (NULL or 0 =
 * empty).  Derived values (company_key, country code, registrable domain)
 * are computed when absent. */
struct match_query {
	const char *account_id, *email, *email_domain, *company, *company_key,
		*country;
	size_t account_id_n, email_n, email_domain_n, company_n, company_key_n,
		country_n;
};

struct match_candidate {
	uint32_t account;
	float score; /* name agreement: 1 equal key, else similarity */
	unsigned char
		same;      /* 1 the same name as written, legal form included */
	unsigned char dom; /* 2 same domain, 1 same first label, 0 none */
	unsigned char cc;  /* 1 same country */
};

struct match_result {
	enum match_method method;
	uint32_t account; /* MATCH_NONE_ID when none */
	double score; /* 1 for existing, domain, name; similarity for fuzzy */
	enum match_rule rule; /* the tie-break rule that decided */
	size_t ncand;         /* candidates weighed (cand holds the first ones,
			       best first) */
	struct match_candidate cand[MATCH_MAX_EXPLAIN];
};

struct matcher;

/* A matcher with no accounts, canonical field names, the default minimum
 * score and the embedded domain lists.  Never NULL. */
struct matcher *matcher_new(void);

/* Read contact roles from other fields: "company=Account Name,email=Mail"
 * (roles as in enum match_role).  -1 and e (usage) on a bad pair. */
int matcher_set_fields(struct matcher *m, const char *spec, struct cov_err *e);

/* Copy these account fields (comma-separated names, canonical or as in the
 * accounts file; "name" is the company) into account_NAME fields.  Call
 * before loading.  -1 and e (usage) on an empty name. */
int matcher_set_with(struct matcher *m, const char *list, struct cov_err *e);

/* The minimum fuzzy score, 0..1.  -1 and e (usage) when out of range. */
int matcher_set_min_score(struct matcher *m, double min, struct cov_err *e);

/* Add a --explain field (match_candidates). */
void matcher_set_explain(struct matcher *m, int on);

/* Apply a domains file (format of cov-validate(1), validate.h) over the
 * embedded free-mail and disposable lists.  -1 and e (3: unreadable, 2:
 * malformed line with FILE:LINE). */
int matcher_load_domains(struct matcher *m, const char *path,
			 struct cov_err *e);

/* Load the accounts file path (any format, gzip detected) and build the
 * tables.  -1 and e filled: 3 cannot read, 1 malformed record, empty or
 * duplicate account_id, no account_id field (FILE:LINE), 2 a --with field
 * the file lacks. */
int matcher_load_accounts(struct matcher *m, const char *path,
			  struct cov_err *e);

/* Add one account by hand (what matcher_load_accounts does per record):
 * domains is a list separated by ; , | or white space; tier is the text
 * of the tier ("1", "Tier 2"); with holds matcher_set_with's values in
 * order (NULL: none).  Strings are copied.  -1 and e (1) on an empty or
 * duplicate id.  Call matcher_finish after the last one. */
int matcher_add_account(struct matcher *m, const char *id, const char *name,
			const char *domains, const char *country,
			const char *tier, const char *parent,
			const char *const *with, struct cov_err *e);

/* Resolve parents and build the fuzzy index; required once after the last
 * matcher_add_account (matcher_load_accounts calls it). */
void matcher_finish(struct matcher *m);

/* Match one contact. */
void matcher_match(struct matcher *m, const struct match_query *q,
		   struct match_result *r);

/* Similarity of two company keys, 0..1 (match.c says how). */
double match_similarity(const char *a, size_t an, const char *b, size_t bn);

/* Accounts loaded; the id of account i (borrowed, not NUL-terminated). */
size_t matcher_accounts(const struct matcher *m);
const char *matcher_account_id(const struct matcher *m, uint32_t i, size_t *n);

/* Bytes held by the account tables (arena, records, hash tables, fuzzy
 * index; not the fixed caches). */
size_t matcher_memory(const struct matcher *m);

/* Fixed-size caches and domain lists, for memory accounting. */
size_t matcher_cache_memory(const struct matcher *m);

/* "existing", "domain", "name", "fuzzy", "none". */
const char *match_method_name(enum match_method k);

/* Find the contact fields in st's schema and add the output fields (again
 * when the schema has grown): account_id (when the input has none),
 * match_method, match_score, input_account_id (when account_id is an
 * input field), account_NAME per --with, match_candidates with --explain. */
void matcher_bind(struct matcher *m, struct stream *st);

/* After matcher_bind: the first column named by --field that a CSV or TSV
 * input's header does not have, else NULL; NULL for NDJSON, whose fields
 * come with its records. */
const char *matcher_unknown_field(const struct matcher *m,
				  const struct stream *st);

/* Start loading what a matcher_apply on rec will read (a hint: nothing
 * changes), so that it does not wait for memory when it comes
 * MATCH_AHEAD records later: each call requests the table slots of rec,
 * the records the slots of the one before point to, and what those of
 * the one before that lead to.  matcher_apply on rec uses the hashes
 * computed here, so rec must not change in between.  Does nothing before
 * matcher_bind. */
void matcher_prefetch(struct matcher *m, const struct stream *st,
		      const struct record *rec);

/* Match rec and set its output fields; returns the method. */
enum match_method matcher_apply(struct matcher *m, struct stream *st,
				struct record *rec);

/* Per-method counts so far; add them to st's --stats (match_existing,
 * match_domain, match_name, match_fuzzy, match_none); call once. */
uint64_t matcher_count_method(const struct matcher *m, enum match_method k);
void matcher_count(struct matcher *m, struct stream *st);

/* The output field order of st (input fields, then added ones) for a
 * second writer such as --unmatched; valid until the schema grows. */
const int *matcher_order(struct matcher *m, struct stream *st, size_t *n);

void matcher_free(struct matcher *m);

#endif
