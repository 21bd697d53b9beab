/*
 * norm_header: map the column names of CRM and marketing-automation exports
 * (Salesforce, HubSpot, Marketo, a few localised labels) to the canonical
 * field names of cov(7).
 *
 * Names are compared in a folded form: text_fold (case, accents), then a
 * trailing Salesforce custom-field "__c" and a trailing "(...)" decoration
 * removed ("Email (Contact)", "Account ID (18)"), then every character that
 * is not a letter or digit removed (spaces, '_', '-', '.', '/', ':').  So
 * "Email Address", "email_address", "EmailAddress" and "E-mail address" are
 * one name.
 *
 * A few names mean different fields in a contact export and in an account
 * export ("Id", "Record ID", "Name", "Account Owner"): the caller says which
 * kind of file it reads; HEADER_CONTACTS is the default everywhere.
 */
#ifndef COV_NORM_HEADER_H
#define COV_NORM_HEADER_H

#include <stddef.h>

/* Which kind of export a header row comes from. */
/* clang-format off */
enum header_kind {
	HEADER_CONTACTS = 1, /* contacts, leads, people */
	HEADER_ACCOUNTS = 2  /* accounts, companies */
};
/* clang-format on */

/* How the values of a source column become the canonical field's values. */
/* clang-format off */
enum header_value {
	HEADER_VALUE_AS_IS,      /* same meaning; normalise as the field says */
	HEADER_VALUE_BOUNCED_IF_TRUE, /* boolean: true -> email_status
				       * "bounced", false -> no information */
	HEADER_VALUE_BOUNCED_IF_SET,  /* text (a reason, a date): non-empty ->
				       * "bounced", empty -> no information */
	HEADER_VALUE_INVALID_IF_TRUE, /* boolean: true -> "invalid", false ->
				       * no information */
	HEADER_VALUE_INVALID_IF_SET   /* text: non-empty -> "invalid" */
};
/* clang-format on */

struct header_match {
	const char *canonical;   /* static string, e.g. "email" */
	enum header_value value; /* how to convert the values */
};

/* Look s[0..n) up for an export of the given kind.  Returns a static entry,
 * or NULL when the name is unknown (or not UTF-8, or over 256 bytes). */
const struct header_match *header_lookup(const char *s, size_t n,
					 enum header_kind kind);

/* The canonical name for s[0..n) in a contact export (header_lookup with
 * HEADER_CONTACTS), or NULL when unknown.  The string is static. */
const char *header_canonical(const char *s, size_t n);

/* 1 when s[0..n) is exactly (bytes, case included) a canonical field name. */
int header_is_canonical(const char *s, size_t n);

struct schema;

/* What kind of export the header s is, when the user did not say:
 * HEADER_ACCOUNTS when no column is a contact's own (first or last name,
 * full name, e-mail, title, contact id: named so, or by a spelling that
 * means that field in both kinds, so not "Name" nor "Id") and some column
 * is an account's domain or id; else HEADER_CONTACTS. */
enum header_kind header_guess_kind(const struct schema *s);

/* The field of s named name, else the first whose header is a contact
 * export's name for it, with the same values ("E-mail Address" for email,
 * "Mailing Country" for country; not "Email Bounced", whose values are
 * booleans); -1 when none is.  For tools that read exports as they are. */
int header_find_role(const struct schema *s, const char *name);

/* What header_find_role learnt of a schema's fields, for one that grows
 * (NDJSON keys appear line by line, and the tool binds again at each new
 * one): each field's name is looked up once, not at every bind, so a file
 * of n new keys costs n lookups, not n^2.  Start it zeroed; a schema
 * whose fields were renamed since is looked at afresh. */
struct header_roles {
	size_t scanned;        /* fields looked up */
	unsigned long changes; /* the schema's changes then */
	size_t n;
	struct {
		const char *canonical; /* a static name, e.g. "email" */
		int field;             /* the first field that maps to it */
	} first[32];
};

/* header_find_role, through c. */
int header_roles_find(struct header_roles *c, const struct schema *s,
		      const char *name);

#endif
