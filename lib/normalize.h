/*
 * normalize: what cov-normalize does to a stream, one record at a time.
 *
 * Binding (normalizer_bind) renames recognised export headers to canonical
 * names (--map first, then the alias table of norm_header.h; a name already
 * taken keeps its original) and adds the derived fields, in this order,
 * after the input's fields: email_domain, domain, company_key, persona,
 * seniority, department, region — each only when its source field exists
 * (domain from the email when the input has no domain of its own).  A
 * stream whose schema grows (NDJSON) is bound again on the fly.
 *
 * Applying (normalizer_apply) cleans every text value (NFC, trimmed, runs of
 * white space collapsed, case kept) and then each canonical field by its
 * rule.  A value that its rule cannot read is kept, cleaned, and counted
 * under a reason (country_unknown, phone_invalid, date_invalid,
 * bool_invalid, email_invalid, domain_invalid) for --stats: judging it is
 * cov-validate's job.  email_status holds only its four words: the
 * readings of every column that maps to it combine (the worst news wins,
 * in any column order), and a value read as none of them is "unknown",
 * counted as email_status_invalid (or bool_invalid for an indicator).  An NDJSON value that is not a string is read by no
 * rule (but a boolean column's true, false, 1 and 0): it is left as it
 * came and gives no derived field, as an empty value.  All work goes
 * through reused buffers.
 */
#ifndef COV_NORMALIZE_H
#define COV_NORMALIZE_H

#include "err.h"
#include "norm_header.h"
#include "record.h"
#include "stream.h"

struct normalize_opts {
	const char *map;      /* "Source=canonical,..." (may be NULL) */
	const char *taxonomy; /* rule file extending the built-in table */
	const char *default_country; /* alpha-2 for phones with no country */
	int date_order;              /* DATE_MDY or DATE_DMY */
	/* HEADER_CONTACTS, HEADER_ACCOUNTS, or 0: from the first header
	 * (header_guess_kind) */
	enum header_kind kind;
};

struct normalizer;

/* Check opts (bad --map, unknown --default-country, unreadable taxonomy)
 * and build a normalizer.  NULL and e filled (code 2 or 3) on failure. */
struct normalizer *normalizer_new(const struct normalize_opts *opts,
				  struct cov_err *e);

/* Rename and add fields on st's schema (again when it has grown). */
void normalizer_bind(struct normalizer *nz, struct stream *st);

/* Normalise rec in place; per-reason counts go to st. */
void normalizer_apply(struct normalizer *nz, struct stream *st,
		      struct record *rec);

void normalizer_free(struct normalizer *nz);

#endif
