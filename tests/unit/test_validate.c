/*
 * Tests for validate: each rule on its own (with the values that are
 * empty, placeholders or borderline), severities moved with --error,
 * --warn and --ignore, the reachable truth table over its five inputs,
 * consent countries (default, groups, names, "all", "none"), the domain
 * lists (embedded, --domains-file classes and "ok", malformed files, the
 * per-entry cost of the table), other column names, and the fields written
 * in CSV and NDJSON form with the per-reason counts, the lists kept per
 * set of codes, and placeholders seen after the syntax check.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "email_syntax.h"
#include "stream.h"
#include "validate.h"

#define B(c) (1u << (c))

/* clang-format off */
static const char *const fields[] = {
	"email", "email_status", "opt_out", "consent", "country", "phone",
	"created_at", "updated_at", "last_activity_at", "company",
};
/* clang-format on */
#define NFIELDS (sizeof fields / sizeof fields[0])

struct fixture {
	struct stream st;
	struct writer w;
	struct validator *v;
	struct record rec;
};

static void fx_init(struct fixture *fx, enum rec_format out)
{
	memset(fx, 0, sizeof *fx);
	for (size_t i = 0; i < NFIELDS; i++)
		schema_add(&fx->st.schema, fields[i], strlen(fields[i]));
	fx->w.fmt = out;
	fx->st.out = &fx->w;
	fx->v = validator_new();
	fx->rec = (struct record)RECORD_INIT;
}

static void fx_free(struct fixture *fx)
{
	validator_free(fx->v);
	rec_release(&fx->rec);
	schema_release(&fx->st.schema);
	free(fx->st.added);
}

/* Start a record whose fields are all absent. */
static void fx_rec(struct fixture *fx)
{
	if (fx->v && fx->st.schema.n == NFIELDS)
		validator_bind(fx->v, &fx->st);
	rec_clear(&fx->rec, fx->st.schema.n);
}

static void set(struct fixture *fx, const char *name, const char *val)
{
	int i = schema_find(&fx->st.schema, name, strlen(name));
	cr_assert_geq(i, 0, "%s", name);
	rec_set(&fx->rec, (size_t)i, val, strlen(val), VAL_STR);
}

static void set_raw(struct fixture *fx, const char *name, const char *val)
{
	int i = schema_find(&fx->st.schema, name, strlen(name));
	cr_assert_geq(i, 0, "%s", name);
	rec_set(&fx->rec, (size_t)i, val, strlen(val), VAL_RAW);
}

static struct validate_result check(struct fixture *fx)
{
	struct validate_result r;
	validator_check(fx->v, &fx->rec, &r);
	return r;
}

/* A record that breaks no rule: a valid, consented German contact. */
static void good(struct fixture *fx)
{
	fx_rec(fx);
	set(fx, "email", "jane.doe@acme-industrie.de");
	set(fx, "email_status", "valid");
	set(fx, "opt_out", "false");
	set(fx, "consent", "true");
	set(fx, "country", "DE");
	set(fx, "phone", "+4930123456");
	set(fx, "created_at", "2024-03-05");
	set(fx, "updated_at", "2024-03-05T10:11:12Z");
	set(fx, "last_activity_at", "2025-01-31");
	set(fx, "company", "Acme Industrie GmbH");
}

static uint32_t found_with(struct fixture *fx, const char *name,
			   const char *val)
{
	good(fx);
	set(fx, name, val);
	return check(fx).found;
}

Test(validate, good_record_is_clean_and_reachable)
{
	struct fixture fx;
	struct validate_result r;

	fx_init(&fx, FMT_CSV);
	good(&fx);
	r = check(&fx);
	cr_expect_eq(r.found, 0, "found %x", r.found);
	cr_expect(r.reachable);
	cr_expect_eq(r.errors, 0);
	cr_expect_eq(r.warnings, 0);
	fx_free(&fx);
}

Test(validate, email_missing)
{
	struct fixture fx;
	const char *empty[] = {"",     "   ", "\t",      "N/A", "none",
			       "NULL", "-",   "unknown", "#N/A"};

	fx_init(&fx, FMT_CSV);
	for (size_t i = 0; i < sizeof empty / sizeof empty[0]; i++)
		cr_expect_eq(found_with(&fx, "email", empty[i]),
			     B(VALIDATE_EMAIL_MISSING), "'%s'", empty[i]);
	good(&fx);
	set_raw(&fx, "email", "null");
	cr_expect_eq(check(&fx).found, B(VALIDATE_EMAIL_MISSING));
	/* absent from the record */
	good(&fx);
	fx.rec.f[0].kind = VAL_ABSENT;
	cr_expect_eq(check(&fx).found, B(VALIDATE_EMAIL_MISSING));
	cr_expect_not(check(&fx).reachable);
	fx_free(&fx);
}

Test(validate, email_syntax)
{
	struct fixture fx;
	const char *bad[] = {"jane@@acme.com",
			     "jane@acme,com",
			     "jane@acme",
			     "jane@acme.com.",
			     "ja..ne@acme.com",
			     "jane acme.com",
			     "a@b",
			     "jane@acme.123"};

	fx_init(&fx, FMT_CSV);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		cr_expect_eq(found_with(&fx, "email", bad[i]),
			     B(VALIDATE_EMAIL_SYNTAX), "'%s'", bad[i]);
	/* ASCII white space around the address is trimmed first */
	cr_expect_eq(found_with(&fx, "email", "  jane@acme.de\t"), 0);
	/* Unicode white space is not */
	cr_expect_eq(found_with(&fx, "email", "jane@acme.de\xc2\xa0"),
		     B(VALIDATE_EMAIL_SYNTAX));
	cr_expect_eq(found_with(&fx, "email", "Jane.Doe@ACME.DE"), 0);
	cr_expect_eq(found_with(&fx, "email", "\"jane doe\"@acme.de"), 0);
	cr_expect_eq(found_with(&fx, "email", "jane@müller.de"), 0);
	fx_free(&fx);
}

Test(validate, email_role)
{
	struct fixture fx;
	const char *role[] = {"info@acme.de",     "Sales@acme.de",
			      "support@acme.de",  "noreply@acme.de",
			      "no-reply@acme.de", "admin@acme.de",
			      "INFO+crm@acme.de", "postmaster@acme.de"};
	const char *person[] = {"jane@acme.de", "information.desk@acme.de",
				"salesforce@acme.de", "infos@acme.de",
				"\"info\"@acme.de"};

	fx_init(&fx, FMT_CSV);
	for (size_t i = 0; i < sizeof role / sizeof role[0]; i++)
		cr_expect_eq(found_with(&fx, "email", role[i]),
			     B(VALIDATE_EMAIL_ROLE), "'%s'", role[i]);
	for (size_t i = 0; i < sizeof person / sizeof person[0]; i++)
		cr_expect_eq(found_with(&fx, "email", person[i]), 0, "'%s'",
			     person[i]);
	cr_expect(validate_is_role("info", 4));
	cr_expect(validate_is_role("Info+x", 6));
	cr_expect_not(validate_is_role("", 0));
	cr_expect_not(validate_is_role("inf", 3));
	/* a role address is still reachable: the rule is a warning */
	good(&fx);
	set(&fx, "email", "info@acme.de");
	cr_expect(check(&fx).reachable);
	cr_expect_eq(check(&fx).warnings, 1);
	fx_free(&fx);
}

Test(validate, freemail_and_disposable)
{
	struct fixture fx;

	fx_init(&fx, FMT_CSV);
	cr_expect_eq(found_with(&fx, "email", "jane@gmail.com"),
		     B(VALIDATE_EMAIL_FREEMAIL));
	cr_expect_eq(found_with(&fx, "email", "jane@GMX.DE"),
		     B(VALIDATE_EMAIL_FREEMAIL));
	cr_expect_eq(found_with(&fx, "email", "jane@mailinator.com"),
		     B(VALIDATE_EMAIL_DISPOSABLE));
	cr_expect_eq(found_with(&fx, "email", "jane@acme.de"), 0);
	/* the registrable domain decides for an unlisted subdomain */
	cr_expect_eq(validator_domain_class(fx.v, "eu.mailinator.com", 17),
		     VALIDATE_DISPOSABLE);
	cr_expect_eq(validator_domain_class(fx.v, "gmail.com", 9),
		     VALIDATE_FREEMAIL);
	cr_expect_eq(validator_domain_class(fx.v, "Gmail.Com", 9),
		     VALIDATE_FREEMAIL, "case and the memo");
	cr_expect_eq(validator_domain_class(fx.v, "gmail.com.evil.example", 22),
		     0);
	cr_expect_eq(validator_domain_class(fx.v, "", 0), 0);
	/* the stray upstream line is not a domain */
	cr_expect_eq(validator_domain_class(fx.v, "404: not found", 14), 0);
	/* disposable addresses are errors by default: not reachable rows? the
	 * rule does not change reachable, only errors */
	good(&fx);
	set(&fx, "email", "jane@mailinator.com");
	cr_expect_eq(check(&fx).errors, 1);
	cr_expect(check(&fx).reachable);
	fx_free(&fx);
}

Test(validate, status)
{
	struct fixture fx;

	fx_init(&fx, FMT_CSV);
	cr_expect_eq(found_with(&fx, "email_status", "bounced"),
		     B(VALIDATE_EMAIL_BOUNCED));
	cr_expect_eq(found_with(&fx, "email_status", "Hard Bounce"),
		     B(VALIDATE_EMAIL_BOUNCED));
	cr_expect_eq(found_with(&fx, "email_status", "invalid"),
		     B(VALIDATE_EMAIL_INVALID));
	cr_expect_eq(found_with(&fx, "email_status", "unknown"), 0);
	cr_expect_eq(found_with(&fx, "email_status", "whatever"), 0);
	cr_expect_eq(found_with(&fx, "email_status", ""), 0);
	fx_free(&fx);
}

Test(validate, opted_out)
{
	struct fixture fx;

	fx_init(&fx, FMT_CSV);
	cr_expect_eq(found_with(&fx, "opt_out", "true"), B(VALIDATE_OPTED_OUT));
	cr_expect_eq(found_with(&fx, "opt_out", "Yes"), B(VALIDATE_OPTED_OUT));
	cr_expect_eq(found_with(&fx, "opt_out", "1"), B(VALIDATE_OPTED_OUT));
	/* not a boolean: when in doubt, do not mail */
	cr_expect_eq(found_with(&fx, "opt_out", "2023-01-05"),
		     B(VALIDATE_OPTED_OUT));
	cr_expect_eq(found_with(&fx, "opt_out", "false"), 0);
	cr_expect_eq(found_with(&fx, "opt_out", "No"), 0);
	cr_expect_eq(found_with(&fx, "opt_out", ""), 0);
	good(&fx);
	set_raw(&fx, "opt_out", "true");
	cr_expect_eq(check(&fx).found, B(VALIDATE_OPTED_OUT));
	set_raw(&fx, "opt_out", "false");
	cr_expect_eq(check(&fx).found, 0);
	set_raw(&fx, "opt_out", "null");
	cr_expect_eq(check(&fx).found, 0);
	fx_free(&fx);
}

/* An NDJSON object or array is a value, never text: its JSON text cannot
 * pass for an address, a status, a boolean, a country, a date or a
 * phone. */
Test(validate, nested_values_are_not_text)
{
	struct fixture fx;
	struct cov_err e = {0};

	fx_init(&fx, FMT_NDJSON);
	good(&fx);
	set_raw(&fx, "email", "[\"jane.doe@acme-industrie.de\"]");
	cr_expect_eq(check(&fx).found, B(VALIDATE_EMAIL_SYNTAX));
	good(&fx);
	set_raw(&fx, "email_status", "[\"bounced\"]");
	cr_expect_eq(check(&fx).found, 0);
	good(&fx);
	set_raw(&fx, "opt_out", "[false]");
	cr_expect_eq(check(&fx).found, B(VALIDATE_OPTED_OUT));
	good(&fx);
	set_raw(&fx, "consent", "[true]");
	cr_expect_eq(check(&fx).found, B(VALIDATE_NO_CONSENT));
	good(&fx);
	set_raw(&fx, "country", "[\"DE\"]");
	cr_expect_eq(check(&fx).found, B(VALIDATE_COUNTRY_UNKNOWN));
	good(&fx);
	set_raw(&fx, "created_at", "[\"2024-03-05\"]");
	cr_expect_eq(check(&fx).found, B(VALIDATE_DATE_INVALID));
	good(&fx);
	set_raw(&fx, "phone", "{\"work\":\"+4930123456\"}");
	cr_expect_eq(check(&fx).found, B(VALIDATE_PHONE_INVALID));
	/* numbers and booleans are read as before; nested is present */
	good(&fx);
	set_raw(&fx, "consent", "1");
	cr_expect_eq(check(&fx).found, 0);
	fx_free(&fx);

	fx_init(&fx, FMT_NDJSON);
	cr_assert_eq(validator_require(fx.v, "company", &e), 0);
	good(&fx);
	set_raw(&fx, "company", "{\"name\":\"Acme\"}");
	cr_expect_eq(check(&fx).found, 0);
	fx_free(&fx);
}

Test(validate, consent_rule)
{
	struct fixture fx;

	fx_init(&fx, FMT_CSV);
	cr_expect_eq(found_with(&fx, "consent", ""), B(VALIDATE_NO_CONSENT));
	cr_expect_eq(found_with(&fx, "consent", "false"),
		     B(VALIDATE_NO_CONSENT));
	cr_expect_eq(found_with(&fx, "consent", "maybe"),
		     B(VALIDATE_NO_CONSENT));
	cr_expect_eq(found_with(&fx, "consent", "Ja"), 0);
	/* country names are read too */
	good(&fx);
	set(&fx, "country", "Germany");
	set(&fx, "consent", "");
	cr_expect_eq(check(&fx).found, B(VALIDATE_NO_CONSENT));
	set(&fx, "country", "Canada");
	cr_expect_eq(check(&fx).found, B(VALIDATE_NO_CONSENT));
	set(&fx, "country", "UK");
	cr_expect_eq(check(&fx).found, B(VALIDATE_NO_CONSENT));
	/* no consent needed: the US, an empty or unknown country */
	set(&fx, "country", "US");
	cr_expect_eq(check(&fx).found, 0);
	set(&fx, "country", "");
	cr_expect_eq(check(&fx).found, 0);
	set(&fx, "country", "Atlantis");
	cr_expect_eq(check(&fx).found, B(VALIDATE_COUNTRY_UNKNOWN));
	fx_free(&fx);
}

Test(validate, consent_countries)
{
	struct validator *v = validator_new();
	struct cov_err e = {0};
	const char *dflt[] = {"DE", "FR", "GR", "SE", "NO",
			      "IS", "LI", "GB", "CA"};
	const char * not [] = {"US", "CH", "JP", "AU", "BR"};

	for (size_t i = 0; i < sizeof dflt / sizeof dflt[0]; i++)
		cr_expect(validator_consent_required(v, dflt[i]), "%s",
			  dflt[i]);
	for (size_t i = 0; i < sizeof not / sizeof not [0]; i++)
		cr_expect_not(validator_consent_required(v, not [i]), "%s",
			      not [i]);
	cr_expect_not(validator_consent_required(v, "zz"));
	cr_expect_not(validator_consent_required(v, "\x80\x80"));

	cr_assert_eq(validator_consent_countries(v, "eu", &e), 0);
	cr_expect(validator_consent_required(v, "DE"));
	cr_expect_not(validator_consent_required(v, "NO"));
	cr_expect_not(validator_consent_required(v, "GB"));

	cr_assert_eq(validator_consent_countries(v, "EEA, Switzerland ,us", &e),
		     0);
	cr_expect(validator_consent_required(v, "NO"));
	cr_expect(validator_consent_required(v, "CH"));
	cr_expect(validator_consent_required(v, "US"));
	cr_expect_not(validator_consent_required(v, "CA"));

	cr_assert_eq(validator_consent_countries(v, "none", &e), 0);
	cr_expect_not(validator_consent_required(v, "DE"));
	cr_assert_eq(validator_consent_countries(v, "", &e), 0);
	cr_expect_not(validator_consent_required(v, "DE"));

	cr_assert_eq(validator_consent_countries(v, "all", &e), 0);
	cr_expect(validator_consent_required(v, "JP"));

	cr_expect_eq(validator_consent_countries(v, "DE,Atlantis", &e), -1);
	cr_expect_eq(e.code, COV_EXIT_USAGE);
	cr_expect(strstr(e.msg, "Atlantis"), "%s", e.msg);
	validator_free(v);
}

Test(validate, consent_all_covers_unknown_countries)
{
	struct fixture fx;
	struct cov_err e = {0};

	fx_init(&fx, FMT_CSV);
	cr_assert_eq(validator_consent_countries(fx.v, "all", &e), 0);
	good(&fx);
	set(&fx, "country", "");
	set(&fx, "consent", "");
	cr_expect_eq(check(&fx).found, B(VALIDATE_NO_CONSENT));
	cr_assert_eq(validator_consent_countries(fx.v, "US", &e), 0);
	cr_expect_eq(check(&fx).found, 0);
	fx_free(&fx);
}

Test(validate, required_fields)
{
	struct fixture fx;
	struct cov_err e = {0};
	struct validate_result r;

	fx_init(&fx, FMT_CSV);
	cr_assert_eq(validator_require(fx.v, "company, email", &e), 0);
	cr_assert_eq(validator_require(fx.v, "title", &e), 0);
	good(&fx);
	r = check(&fx);
	/* title is not in the schema at all: always missing */
	cr_expect_eq(r.found, B(VALIDATE_REQUIRED_MISSING));
	cr_expect_eq(r.missing[0], 0);
	cr_expect_eq(r.missing[1], 0);
	cr_expect_eq(r.missing[2], 1);
	cr_expect_eq(r.errors, 1);
	set(&fx, "company", " n/a ");
	set(&fx, "email", "");
	r = check(&fx);
	cr_expect_eq(r.found,
		     B(VALIDATE_REQUIRED_MISSING) | B(VALIDATE_EMAIL_MISSING));
	cr_expect_eq(r.missing[0], 1);
	cr_expect_eq(r.missing[1], 1);
	cr_expect_eq(r.errors, 4, "3 fields and email_missing");
	cr_expect_eq(validator_require(fx.v, "a,,b", &e), -1);
	cr_expect_eq(e.code, COV_EXIT_USAGE);
	fx_free(&fx);
}

Test(validate, country_date_phone)
{
	struct fixture fx;

	fx_init(&fx, FMT_CSV);
	cr_expect_eq(found_with(&fx, "country", "Deutschland"), 0);
	cr_expect_eq(found_with(&fx, "country", "de"), 0);
	cr_expect_eq(found_with(&fx, "country", "XX"),
		     B(VALIDATE_COUNTRY_UNKNOWN));
	cr_expect_eq(found_with(&fx, "country", "Mars"),
		     B(VALIDATE_COUNTRY_UNKNOWN));
	cr_expect_eq(found_with(&fx, "created_at", "2024-13-01"),
		     B(VALIDATE_DATE_INVALID));
	cr_expect_eq(found_with(&fx, "updated_at", "yesterday"),
		     B(VALIDATE_DATE_INVALID));
	cr_expect_eq(found_with(&fx, "last_activity_at", "2023-02-29"),
		     B(VALIDATE_DATE_INVALID));
	cr_expect_eq(found_with(&fx, "last_activity_at", "03/05/2024"), 0);
	cr_expect_eq(found_with(&fx, "created_at", ""), 0);
	cr_expect_eq(found_with(&fx, "phone", "12"), B(VALIDATE_PHONE_INVALID));
	cr_expect_eq(found_with(&fx, "phone", "call me"),
		     B(VALIDATE_PHONE_INVALID));
	cr_expect_eq(found_with(&fx, "phone", "+4930123456"), 0);
	/* a national number is read in the record's country */
	cr_expect_eq(found_with(&fx, "phone", "030 123456"), 0);
	good(&fx);
	set(&fx, "country", "");
	set(&fx, "phone", "030 123456");
	cr_expect_eq(check(&fx).found, B(VALIDATE_PHONE_INVALID));
	fx_free(&fx);
}

Test(validate, default_country_for_phones)
{
	struct fixture fx;
	struct cov_err e = {0};

	fx_init(&fx, FMT_CSV);
	cr_assert_eq(validator_default_country(fx.v, "Germany", &e), 0);
	good(&fx);
	set(&fx, "country", "");
	set(&fx, "phone", "030 123456");
	cr_expect_eq(check(&fx).found, 0);
	cr_expect_eq(validator_default_country(fx.v, "Narnia", &e), -1);
	cr_expect_eq(e.code, COV_EXIT_USAGE);
	fx_free(&fx);
}

Test(validate, severities)
{
	struct fixture fx;
	struct cov_err e = {0};
	struct validate_result r;

	fx_init(&fx, FMT_CSV);
	cr_expect_eq(validator_severity(fx.v, VALIDATE_EMAIL_SYNTAX),
		     VALIDATE_ERROR);
	cr_expect_eq(validator_severity(fx.v, VALIDATE_EMAIL_FREEMAIL),
		     VALIDATE_WARN);
	cr_expect_eq(validator_severity(fx.v, VALIDATE_PHONE_INVALID),
		     VALIDATE_WARN);
	good(&fx);
	set(&fx, "email", "jane@gmail.com");
	set(&fx, "phone", "12");
	r = check(&fx);
	cr_expect_eq(r.errors, 0);
	cr_expect_eq(r.warnings, 2);

	cr_assert_eq(validator_set_severity(fx.v, "email_freemail",
					    VALIDATE_ERROR, &e),
		     0);
	r = check(&fx);
	cr_expect_eq(r.errors, 1);
	cr_expect_eq(r.warnings, 1);

	cr_assert_eq(validator_set_severity(fx.v,
					    " phone_invalid , email_freemail",
					    VALIDATE_OFF, &e),
		     0);
	r = check(&fx);
	cr_expect_eq(r.errors, 0);
	cr_expect_eq(r.warnings, 0);
	cr_expect_eq(r.found,
		     B(VALIDATE_EMAIL_FREEMAIL) | B(VALIDATE_PHONE_INVALID),
		     "found whatever the severity");

	cr_assert_eq(
		validator_set_severity(fx.v, "opted_out", VALIDATE_WARN, &e),
		0);
	set(&fx, "opt_out", "true");
	r = check(&fx);
	cr_expect_eq(r.errors, 0);
	cr_expect_eq(r.warnings, 1);
	cr_expect_not(r.reachable, "reachable does not follow severities");

	cr_expect_eq(validator_set_severity(fx.v, "email_syntax,bogus",
					    VALIDATE_WARN, &e),
		     -1);
	cr_expect_eq(e.code, COV_EXIT_USAGE);
	cr_expect(strstr(e.msg, "bogus"));
	cr_expect_eq(validate_code_parse("email_role", 10),
		     VALIDATE_EMAIL_ROLE);
	cr_expect_eq(validate_code_parse("email_rol", 9), -1);
	for (int c = 0; c < VALIDATE_NCODES; c++)
		cr_expect_eq(validate_code_parse(validate_code_name(c),
						 strlen(validate_code_name(c))),
			     c);
	fx_free(&fx);
}

/* reachable over all 32 combinations of its five conditions. */
Test(validate, reachable_truth_table)
{
	struct fixture fx;

	fx_init(&fx, FMT_CSV);
	for (int m = 0; m < 32; m++) {
		int email_ok = !(m & 1), bounced = m & 2, invalid = m & 4,
		    opted = m & 8, consent_missing = m & 16;
		struct validate_result r;
		good(&fx);
		set(&fx, "email", email_ok ? "jane@acme.de" : "jane@");
		set(&fx, "email_status",
		    bounced   ? "bounced"
		    : invalid ? "invalid"
			      : "valid");
		set(&fx, "opt_out", opted ? "yes" : "no");
		set(&fx, "consent", consent_missing ? "" : "yes");
		r = check(&fx);
		int want = email_ok && !bounced && !invalid && !opted &&
			   !consent_missing;
		cr_expect_eq(r.reachable, want, "case %d", m);
		cr_expect_eq(r.errors > 0, !want, "case %d: errors %d", m,
			     r.errors);
	}
	/* an empty email is never reachable */
	good(&fx);
	set(&fx, "email", "");
	cr_expect_not(check(&fx).reachable);
	fx_free(&fx);
}

static char *write_tmp(const char *text)
{
	static char path[64];
	int fd;

	strcpy(path, "/tmp/cov-test-validate-XXXXXX");
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

Test(validate, domains_file)
{
	struct validator *v = validator_new();
	struct cov_err e = {0};
	char *path;

	cr_expect_eq(validator_domain_class(v, "gmx.net", 7),
		     VALIDATE_FREEMAIL);
	path = write_tmp("# house rules\n"
			 "\n"
			 "acme-mail.example   freemail\r\n"
			 "  Throwaway.Example\tdisposable\n"
			 "both.example freemail\n"
			 "both.example disposable\n"
			 "gmx.net ok\n"
			 "eu.mailinator.com ok\n"
			 "bücher.example disposable");
	cr_assert_eq(validator_load_domains(v, path, &e), 0, "%s", e.msg);
	unlink(path);
	cr_expect_eq(validator_domain_class(v, "acme-mail.example", 17),
		     VALIDATE_FREEMAIL);
	cr_expect_eq(validator_domain_class(v, "throwaway.example", 17),
		     VALIDATE_DISPOSABLE);
	cr_expect_eq(validator_domain_class(v, "x.throwaway.example", 19),
		     VALIDATE_DISPOSABLE, "registrable domain");
	cr_expect_eq(validator_domain_class(v, "both.example", 12),
		     VALIDATE_FREEMAIL | VALIDATE_DISPOSABLE);
	cr_expect_eq(validator_domain_class(v, "gmx.net", 7), 0, "ok clears");
	cr_expect_eq(validator_domain_class(v, "eu.mailinator.com", 17), 0,
		     "ok on a subdomain wins over its registrable domain");
	cr_expect_eq(validator_domain_class(v, "mailinator.com", 14),
		     VALIDATE_DISPOSABLE);
	cr_expect_eq(validator_domain_class(v, "BÜCHER.example",
					    strlen("BÜCHER.example")),
		     VALIDATE_DISPOSABLE, "Unicode case");
	cr_expect_eq(validator_domain_class(v, "gmail.com", 9),
		     VALIDATE_FREEMAIL, "embedded lists still there");
	validator_free(v);
}

Test(validate, domains_file_errors)
{
	struct validator *v = validator_new();
	struct cov_err e = {0};
	char *path;

	path = write_tmp("ok.example freemail\nbad.example spam\n");
	cr_expect_eq(validator_load_domains(v, path, &e), -1);
	cr_expect_eq(e.code, COV_EXIT_USAGE);
	cr_expect_eq(e.line, 2);
	cr_expect(strstr(e.msg, "spam"), "%s", e.msg);
	unlink(path);

	path = write_tmp("justadomain.example\n");
	cr_expect_eq(validator_load_domains(v, path, &e), -1);
	cr_expect_eq(e.line, 1);
	unlink(path);

	path = write_tmp("a.example freemail extra\n");
	cr_expect_eq(validator_load_domains(v, path, &e), -1);
	unlink(path);

	path = write_tmp("not_a domain\n\nlocalhost disposable\n");
	cr_expect_eq(validator_load_domains(v, path, &e), -1);
	cr_expect_eq(e.line, 1);
	unlink(path);

	path = write_tmp("\n\nhttp://x.example/ disposable\n");
	cr_expect_eq(validator_load_domains(v, path, &e), -1);
	cr_expect_eq(e.line, 3);
	cr_expect(strstr(e.msg, "not a domain"), "%s", e.msg);
	unlink(path);

	cr_expect_eq(validator_load_domains(v, "/nonexistent/domains.txt", &e),
		     -1);
	cr_expect_eq(e.code, COV_EXIT_IO);
	/* a failed file changes nothing */
	cr_expect_eq(validator_domain_class(v, "ok.example", 10), 0);
	validator_free(v);
}

Test(validate, domain_table_cost)
{
	struct validator *v = validator_new();
	size_t entries, bytes;

	validator_domain_stats(v, &entries, &bytes);
	/* both embedded lists, less the stray non-domain lines */
	cr_expect_gt(entries, 90000);
	cr_expect_lt(entries, 93000);
	/* 16-byte slots at a load factor between 1/4 and 1/2 */
	cr_expect_geq(bytes, entries * 32, "%zu bytes", bytes);
	cr_expect_leq(bytes, entries * 64, "%zu bytes", bytes);
	validator_free(v);
}

Test(validate, other_column_names)
{
	struct fixture fx;
	struct cov_err e = {0};

	fx_init(&fx, FMT_CSV);
	schema_add(&fx.st.schema, "E-Mail", 6);
	schema_add(&fx.st.schema, "Land", 4);
	cr_assert_eq(
		validator_set_fields(fx.v, "email=E-Mail, country = Land", &e),
		0);
	validator_bind(fx.v, &fx.st);
	rec_clear(&fx.rec, fx.st.schema.n);
	set(&fx, "email", "not an address"); /* no longer read */
	set(&fx, "E-Mail", "jane@acme.fr");
	set(&fx, "Land", "Frankreich");
	set(&fx, "country", "Atlantis");
	cr_expect_eq(check(&fx).found, B(VALIDATE_NO_CONSENT));
	cr_expect_eq(validator_set_fields(fx.v, "mail=x", &e), -1);
	cr_expect_eq(e.code, COV_EXIT_USAGE);
	cr_expect_eq(validator_set_fields(fx.v, "email", &e), -1);
	cr_expect_eq(validator_set_fields(fx.v, "email=", &e), -1);
	fx_free(&fx);
}

static const char *field_text(struct fixture *fx, const char *name)
{
	static char out[256];
	int i = schema_find(&fx->st.schema, name, strlen(name));
	cr_assert_geq(i, 0, "%s", name);
	snprintf(out, sizeof out, "%.*s", (int)rec_len(&fx->rec, (size_t)i),
		 rec_val(&fx->rec, (size_t)i));
	return out;
}

static int field_kind(struct fixture *fx, const char *name)
{
	return rec_kind(&fx->rec, (size_t)schema_find(&fx->st.schema, name,
						      strlen(name)));
}

Test(validate, apply_csv)
{
	struct fixture fx;
	struct cov_err e = {0};

	fx_init(&fx, FMT_CSV);
	cr_assert_eq(validator_require(fx.v, "company,owner_id", &e), 0);
	good(&fx);
	set(&fx, "email", "info@gmail.com");
	set(&fx, "opt_out", "yes");
	set(&fx, "phone", "12");
	cr_expect_eq(validator_apply(fx.v, &fx.st, &fx.rec), 1);
	/* the fields were added after the input's, in this order */
	cr_expect_eq(schema_find(&fx.st.schema, "reachable", 9), (int)NFIELDS);
	cr_expect_eq(schema_find(&fx.st.schema, "errors", 6), (int)NFIELDS + 1);
	cr_expect_eq(schema_find(&fx.st.schema, "warnings", 8),
		     (int)NFIELDS + 2);
	cr_expect_str_eq(field_text(&fx, "reachable"), "false");
	cr_expect_str_eq(field_text(&fx, "errors"),
			 "opted_out;required_missing:owner_id");
	cr_expect_str_eq(field_text(&fx, "warnings"),
			 "email_role;email_freemail;phone_invalid");
	good(&fx);
	cr_expect_eq(validator_apply(fx.v, &fx.st, &fx.rec), 1);
	cr_expect_str_eq(field_text(&fx, "reachable"), "true");
	cr_expect_str_eq(field_text(&fx, "errors"),
			 "required_missing:owner_id");
	cr_expect_str_eq(field_text(&fx, "warnings"), "");
	cr_expect_eq(validator_rows(fx.v), 2);
	cr_expect_eq(validator_rows_with_errors(fx.v), 2);
	validator_count(fx.v, &fx.st);
	{
		int seen = 0;
		for (size_t i = 0; i < fx.st.nreasons; i++) {
			if (strcmp(fx.st.reason[i].name,
				   "required_missing:owner_id") == 0) {
				cr_expect_eq(fx.st.reason[i].n, 2);
				seen++;
			}
			if (strcmp(fx.st.reason[i].name, "email_role") == 0) {
				cr_expect_eq(fx.st.reason[i].n, 1);
				seen++;
			}
			cr_expect_str_neq(fx.st.reason[i].name,
					  "required_missing:company");
		}
		cr_expect_eq(seen, 2);
	}
	fx_free(&fx);
}

Test(validate, apply_ndjson)
{
	struct fixture fx;
	struct cov_err e = {0};

	fx_init(&fx, FMT_NDJSON);
	cr_assert_eq(validator_require(fx.v, "na\"me", &e), 0);
	good(&fx);
	set(&fx, "email", "jane@");
	set(&fx, "country", "Mars");
	validator_apply(fx.v, &fx.st, &fx.rec);
	cr_expect_str_eq(field_text(&fx, "reachable"), "false");
	cr_expect_eq(field_kind(&fx, "reachable"), VAL_RAW);
	cr_expect_eq(field_kind(&fx, "errors"), VAL_RAW);
	cr_expect_str_eq(field_text(&fx, "errors"),
			 "[\"email_syntax\",\"required_missing:na\\\"me\"]");
	cr_expect_str_eq(field_text(&fx, "warnings"), "[\"country_unknown\"]");
	good(&fx);
	schema_add(&fx.st.schema, "na\"me", 5); /* an NDJSON key seen late */
	rec_resize(&fx.rec, fx.st.schema.n);
	set(&fx, "na\"me", "x");
	cr_expect_eq(validator_apply(fx.v, &fx.st, &fx.rec), 0);
	cr_expect_str_eq(field_text(&fx, "reachable"), "true");
	cr_expect_str_eq(field_text(&fx, "errors"), "[]");
	cr_expect_str_eq(field_text(&fx, "warnings"), "[]");
	fx_free(&fx);
}

Test(validate, ignored_codes_are_not_written_or_counted)
{
	struct fixture fx;
	struct cov_err e = {0};

	fx_init(&fx, FMT_CSV);
	cr_assert_eq(validator_set_severity(fx.v, "email_freemail",
					    VALIDATE_OFF, &e),
		     0);
	good(&fx);
	set(&fx, "email", "jane@gmail.com");
	cr_expect_eq(validator_apply(fx.v, &fx.st, &fx.rec), 0);
	cr_expect_str_eq(field_text(&fx, "warnings"), "");
	validator_count(fx.v, &fx.st);
	cr_expect_eq(fx.st.nreasons, 0);
	fx_free(&fx);
}

/* Hostile values in every field: no crash, and exactly the rule of that
 * field fires. */
Test(validate, hostile_values)
{
	struct fixture fx;
	static char big[100000];
	const char *vals[] = {"\xff\xfe", "\xc3", "\"", "@", "@@", "a\0b", big};
	/* clang-format off */
	const uint32_t want[NFIELDS] = {
		B(VALIDATE_EMAIL_SYNTAX), 0, B(VALIDATE_OPTED_OUT),
		B(VALIDATE_NO_CONSENT), B(VALIDATE_COUNTRY_UNKNOWN),
		B(VALIDATE_PHONE_INVALID), B(VALIDATE_DATE_INVALID),
		B(VALIDATE_DATE_INVALID), B(VALIDATE_DATE_INVALID), 0};

	memset(big, 'x', sizeof big - 1);
	big[5000] = '@';
	fx_init(&fx, FMT_CSV);
	for (size_t f = 0; f < NFIELDS; f++)
		for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
			struct validate_result r;
			good(&fx);
			rec_set(&fx.rec, f, vals[i], i == 5 ? 3 : strlen(vals[i]),
				VAL_STR);
			r = check(&fx);
			cr_expect_eq(r.found, want[f], "field %s, value %zu: %x",
				     fields[f], i, r.found);
			cr_expect_eq(r.reachable, f != 0 && f != 2 && f != 3,
				     "field %s, value %zu", fields[f], i);
		}
	fx_free(&fx);
}

/* Every code is written by its full name (all set to warnings here). */
Test(validate, every_code_written)
{
	struct fixture fx;
	struct cov_err e = {0};

	fx_init(&fx, FMT_CSV);
	cr_assert_eq(validator_require(fx.v, "owner_id", &e), 0);
	for (int c = 0; c < VALIDATE_NCODES; c++)
		cr_assert_eq(validator_set_severity(fx.v, validate_code_name(c),
						    VALIDATE_WARN, &e), 0);
	good(&fx);
	set(&fx, "email", "Info@GMail.com");
	set(&fx, "email_status", "bounced");
	set(&fx, "opt_out", "yes");
	set(&fx, "consent", "");
	set(&fx, "created_at", "2024-02-30");
	set(&fx, "phone", "12");
	cr_expect_eq(validator_apply(fx.v, &fx.st, &fx.rec), 0);
	cr_expect_str_eq(field_text(&fx, "warnings"),
			 "email_role;email_freemail;email_bounced;opted_out;"
			 "no_consent;required_missing:owner_id;date_invalid;"
			 "phone_invalid");
	good(&fx);
	set(&fx, "email", "x@mailinator.com");
	set(&fx, "email_status", "invalid");
	set(&fx, "country", "Mars");
	validator_apply(fx.v, &fx.st, &fx.rec);
	cr_expect_str_eq(field_text(&fx, "warnings"),
			 "email_disposable;email_invalid;"
			 "required_missing:owner_id;country_unknown");
	good(&fx);
	set(&fx, "email", "");
	validator_apply(fx.v, &fx.st, &fx.rec);
	cr_expect_str_eq(field_text(&fx, "warnings"),
			 "email_missing;required_missing:owner_id");
	good(&fx);
	set(&fx, "email", "a@b");
	validator_apply(fx.v, &fx.st, &fx.rec);
	cr_expect_str_eq(field_text(&fx, "warnings"),
			 "email_syntax;required_missing:owner_id");
	cr_expect_str_eq(field_text(&fx, "errors"), "");
	fx_free(&fx);
}

/* The verdict on an address through the validator, whose table of
 * domains met caches the domain part, is email_syntax_check's, the first
 * time and every time after, in any case. */
Test(validate, syntax_verdict_is_cached_right)
{
	struct fixture fx;
	const char *addr[] = {
		"jane@acme.com", "JANE@ACME.COM", "jane@acme.com.", "x@ACME.COM.",
		"jane@acme", "JOE@ACME", "a@xn--mller-kva.de", "a@XN--MLLER-KVA.DE",
		"a@müller.de", "a@MÜLLER.DE", "a@ab--cd.com", "a@AB--CD.COM",
		"a@acme.c0m", "a@ACME.C0M", "a@acme_x.com", "a@-acme.com",
		"a@acme.123", "j@\xc3\xa9\xc3.com", "j@\xe2\x98\x83.com",
	};
	/* clang-format on */

	fx_init(&fx, FMT_CSV);
	for (int pass = 0; pass < 3; pass++)
		for (size_t i = 0; i < sizeof addr / sizeof addr[0]; i++) {
			int want = email_syntax_check(addr[i], strlen(addr[i]),
						      NULL) != EMAIL_SYNTAX_OK;
			struct validate_result r;
			good(&fx);
			set(&fx, "email", addr[i]);
			r = check(&fx);
			cr_expect_eq(!!(r.found & B(VALIDATE_EMAIL_SYNTAX)),
				     want, "pass %d: %s", pass, addr[i]);
		}
	fx_free(&fx);
}

/* The errors and warnings lists are kept per set of codes found, so rows
 * with the same codes reuse them.  Rows cycling through many sets (more
 * than the 64 kept, so some sets are built each time) must each get the
 * lists built from scratch, and the counts must add up; a severity change
 * must not reuse lists made under the old one. */
Test(validate, lists_kept_per_code_set)
{
	static const char *const email[] = {"jane@acme.de", "info@gmail.com",
					    "", "x@mailinator.com", "bad"};
	static const char *const status[] = {"valid", "bounced", "invalid", ""};
	static const char *const yesno[] = {"true", "false", "", "maybe"};
	static const char *const country[] = {"DE", "US", "Atlantis", ""};
	static const char *const date[] = {"2024-03-05", "soon", ""};
	static const char *const phone[] = {"+4930123456", "12", ""};
	struct fixture fx;
	struct cov_err e = {0};
	uint64_t want_rows_err = 0;

	for (int round = 0; round < 2; round++) {
		fx_init(&fx, round ? FMT_NDJSON : FMT_CSV);
		for (int i = 0; i < 3000; i++) {
			struct validate_result r;
			struct buf want_e = BUF_INIT, want_w = BUF_INIT;
			int k = i * 7919;
			if (i == 1500) /* severities change halfway */
				cr_assert_eq(
					validator_set_severity(
						fx.v,
						"email_freemail,phone_invalid",
						VALIDATE_ERROR, &e),
					0);
			good(&fx);
			set(&fx, "email", email[k % 5]);
			set(&fx, "email_status", status[k / 5 % 4]);
			set(&fx, "opt_out", yesno[k / 20 % 4]);
			set(&fx, "consent", yesno[k / 80 % 4]);
			set(&fx, "country", country[k / 320 % 4]);
			set(&fx, "created_at", date[k / 1280 % 3]);
			set(&fx, "phone", phone[k / 3840 % 3]);
			r = check(&fx);
			if (round)
				buf_addc(&want_e, '['), buf_addc(&want_w, '[');
			for (int c = 0; c < VALIDATE_NCODES; c++) {
				struct buf *b;
				int sev = validator_severity(fx.v, c);
				if (!(r.found & B(c)) || sev == VALIDATE_OFF)
					continue;
				b = sev == VALIDATE_ERROR ? &want_e : &want_w;
				if (b->len > (size_t)round)
					buf_addc(b, round ? ',' : ';');
				buf_addf(b, round ? "\"%s\"" : "%s",
					 validate_code_name(c));
			}
			if (round)
				buf_addc(&want_e, ']'), buf_addc(&want_w, ']');
			want_rows_err += r.errors > 0;
			cr_assert_eq(validator_apply(fx.v, &fx.st, &fx.rec),
				     r.errors > 0);
			cr_assert_eq(strlen(field_text(&fx, "errors")),
				     want_e.len);
			cr_assert_eq(memcmp(field_text(&fx, "errors"),
					    buf_cstr(&want_e), want_e.len),
				     0, "row %d: %s vs %s", i,
				     field_text(&fx, "errors"), want_e.p);
			cr_assert_str_eq(field_text(&fx, "warnings"),
					 buf_cstr(&want_w), "row %d", i);
			buf_release(&want_e);
			buf_release(&want_w);
		}
		cr_assert_eq(validator_rows_with_errors(fx.v), want_rows_err);
		want_rows_err = 0;
		fx_free(&fx);
	}
}

Test(validate, placeholder_checked_after_syntax)
{
	/* placeholders hold no '@': the syntax check sees them first, and
	 * they are still reported missing, not syntax errors */
	static const char *const ph[] = {"n/a",  "N/A",      "-",    "none",
					 "NULL", "no email", "#n/a", "unknown"};
	struct fixture fx;

	fx_init(&fx, FMT_CSV);
	for (size_t i = 0; i < sizeof ph / sizeof ph[0]; i++)
		cr_expect_eq(found_with(&fx, "email", ph[i]),
			     B(VALIDATE_EMAIL_MISSING), "'%s'", ph[i]);
	cr_expect_eq(found_with(&fx, "email", "n/a@acme.de"), 0);
	cr_expect_eq(found_with(&fx, "email", "n/a@"),
		     B(VALIDATE_EMAIL_SYNTAX));
	cr_expect_eq(found_with(&fx, "email", "nonee"),
		     B(VALIDATE_EMAIL_SYNTAX));
	/* a role name followed by a long tag is still a role */
	cr_expect(validate_is_role("info+a-very-long-tag-indeed", 27));
	cr_expect_not(validate_is_role("informationcenter+x", 19));
	cr_expect_not(validate_is_role("abcdefghijklmnopqrstu", 21));
	fx_free(&fx);
}
