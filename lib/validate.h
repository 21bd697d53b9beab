/*
 * validate: what cov-validate does to a stream, one record at a time.
 *
 * Each record is checked against the rules below; every reason found is
 * reported as an error, a warning, or not at all (its severity, adjustable
 * per code), and the record gets three fields after the input's, in this
 * order: `reachable` (true/false), `errors` and `warnings` (reason codes in
 * the order of enum validate_code, required_missing:FIELD in --require
 * order: joined with ';' in CSV/TSV output, JSON arrays in NDJSON output).
 *
 * The fields read are found by their canonical names, or by the names the
 * user gives (validator_set_fields): email, email_status, opt_out,
 * consent, country, phone, created_at, updated_at, last_activity_at.  An
 * absent field, an empty one, one of white space only and JSON null are
 * all "empty".
 *
 * reachable is true exactly when the email is present and valid in syntax,
 * email_status is not bounced or invalid, the contact has not opted out,
 * and consent is given where the contact's country requires it; it does
 * not depend on severities.
 */
#ifndef COV_VALIDATE_H
#define COV_VALIDATE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "record.h"
#include "stream.h"

/* Reason codes, in output order.  Rules in validate.c and cov-validate(1). */
enum validate_code {
	VALIDATE_EMAIL_MISSING,
	VALIDATE_EMAIL_SYNTAX,
	VALIDATE_EMAIL_ROLE,
	VALIDATE_EMAIL_FREEMAIL,
	VALIDATE_EMAIL_DISPOSABLE,
	VALIDATE_EMAIL_BOUNCED,
	VALIDATE_EMAIL_INVALID,
	VALIDATE_OPTED_OUT,
	VALIDATE_NO_CONSENT,
	VALIDATE_REQUIRED_MISSING, /* reported as required_missing:FIELD */
	VALIDATE_COUNTRY_UNKNOWN,
	VALIDATE_DATE_INVALID,
	VALIDATE_PHONE_INVALID,
	VALIDATE_NCODES
};

enum { VALIDATE_OFF = 0, VALIDATE_WARN = 1, VALIDATE_ERROR = 2 };

/* Fields a rule reads (validator_set_fields names them "role=NAME"). */
enum validate_role {
	VALIDATE_F_EMAIL,
	VALIDATE_F_EMAIL_STATUS,
	VALIDATE_F_OPT_OUT,
	VALIDATE_F_CONSENT,
	VALIDATE_F_COUNTRY,
	VALIDATE_F_PHONE,
	VALIDATE_F_CREATED_AT,
	VALIDATE_F_UPDATED_AT,
	VALIDATE_F_LAST_ACTIVITY_AT,
	VALIDATE_NROLES
};

/* Domain classes (bits) of validator_domain_class. */
enum { VALIDATE_FREEMAIL = 1, VALIDATE_DISPOSABLE = 2 };

struct validate_result {
	uint32_t found; /* bit (1u << code) per reason found, any severity */
	const unsigned char *missing; /* per --require field: 1 = missing
					 (borrowed, valid until the next check) */
	int reachable;
	int errors, warnings; /* reasons reported at each severity */
};

struct validator;

/* A validator with the default severities, canonical field names and the
 * default consent countries.  Never NULL (exits 3 on out of memory). */
struct validator *validator_new(void);

/* The name of a code ("email_syntax"; "required_missing" for
 * VALIDATE_REQUIRED_MISSING); its number from a name, or -1. */
const char *validate_code_name(int code);
int validate_code_parse(const char *s, size_t n);

/* Give every code of the comma-separated list codes the severity sev
 * (VALIDATE_OFF, _WARN or _ERROR).  -1 and e (usage) on an unknown code. */
int validator_set_severity(struct validator *v, const char *codes, int sev,
			   struct cov_err *e);

/* The severity of a code. */
int validator_severity(const struct validator *v, int code);

/* Read the fields of roles from other columns: "email=E-Mail,country=Land"
 * (role names as in enum validate_role, lower case).  -1 and e (usage) on
 * a malformed pair or an unknown role. */
int validator_set_fields(struct validator *v, const char *spec,
			 struct cov_err *e);

/* Require the comma-separated fields to be non-empty (reason
 * required_missing:FIELD); adds to earlier lists.  -1 and e (usage) on an
 * empty name. */
int validator_require(struct validator *v, const char *fields,
		      struct cov_err *e);

/* Replace the countries whose contacts need consent: alpha-2 codes or
 * country names, and the groups "eu", "eea", "all" (every contact, country
 * known or not) and "none" (or an empty list), comma-separated.  -1 and e
 * (usage) on an unknown name. */
int validator_consent_countries(struct validator *v, const char *list,
				struct cov_err *e);

/* 1 when contacts of country cc (alpha-2, upper case) need consent. */
int validator_consent_required(const struct validator *v, const char cc[2]);

/* The country of phone numbers without an international prefix.  -1 and e
 * (usage) on an unknown country. */
int validator_default_country(struct validator *v, const char *cc,
			      struct cov_err *e);

/* Apply a domains file (format in validate.c and cov-validate(1)) over the
 * embedded lists.  -1 and e: code 3 when it cannot be read, 2 with
 * FILE:LINE on a malformed line. */
int validator_load_domains(struct validator *v, const char *path,
			   struct cov_err *e);

/* VALIDATE_FREEMAIL / VALIDATE_DISPOSABLE bits of a domain (any case): those
 * of the domain itself when it is listed, else of its registrable domain. */
int validator_domain_class(struct validator *v, const char *dom, size_t n);

/* Size of the domain table (loaded first if need be): *entries domains in
 * *bytes of slots (names not included). */
void validator_domain_stats(struct validator *v, size_t *entries,
			    size_t *bytes);

/* 1 when the local part of an address names a role (info, sales, ...: the
 * list in validate.c), case and a "+tag" ignored. */
int validate_is_role(const char *local, size_t n);

/* Find the fields of st's schema and add reachable, errors, warnings
 * (again when the schema has grown).  The output format of st (st->out,
 * CSV when NULL) decides how errors and warnings are written. */
void validator_bind(struct validator *v, struct stream *st);

/* After validator_bind: the first column named by --field that a CSV or
 * TSV input's header does not have (a typo would otherwise make every
 * record miss that field), else NULL; NULL for NDJSON, whose fields come
 * with its records. */
const char *validator_unknown_field(const struct validator *v,
				    const struct stream *st);

/* Check rec (bound to st's schema by validator_bind) into res. */
void validator_check(struct validator *v, const struct record *rec,
		     struct validate_result *res);

/* Check rec, set its reachable, errors and warnings fields and count its
 * reasons.  Returns 1 when rec has an error, else 0. */
int validator_apply(struct validator *v, struct stream *st, struct record *rec);

/* Records checked by validator_apply, and those with an error. */
uint64_t validator_rows(const struct validator *v);
uint64_t validator_rows_with_errors(const struct validator *v);

/* Add the per-reason counts (rows with each reported code; one counter per
 * required_missing:FIELD) to st's --stats counters; call once, before
 * stream_close. */
void validator_count(struct validator *v, struct stream *st);

void validator_free(struct validator *v);

#endif
