/*
 * norm_header: see norm_header.h.
 *
 * The alias table below is the whole mapping: one line per source spelling,
 * written as the exports print it, with the kinds of export it applies to,
 * the canonical field and how values convert.  On first use every spelling
 * is folded (the same fold as the look-up) into a sorted array, searched by
 * bisection; spellings that fold alike are one entry, so listing both
 * "First Name" and "FirstName" is harmless but unnecessary.  Every canonical
 * name maps to itself in both kinds.
 *
 * Rules of thumb kept by the table:
 *   - a generic record id ("Id", "Record ID", "hs_object_id") is the
 *     contact_id of a contact export and the account_id of an account
 *     export; "Name" is full_name for contacts and company for accounts;
 *   - "Account Owner" is the account's rep: owner_id only in an account
 *     export; "Contact Owner"/"Lead Owner" only in a contact export;
 *   - "Mobile"/"Mobile Phone" are not mapped: phone is the business line,
 *     and a second column mapping to phone would compete with it;
 *   - several columns may map to one field (Mailing Country and Billing
 *     Country, Email Bounced and Email Bounced Reason); the caller decides
 *     (cov-normalize: the first non-empty value wins for plain fields; the
 *     email_status indicators combine).
 */
#include "norm_header.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "norm_text.h"
#include "record.h"

#define C HEADER_CONTACTS
#define A HEADER_ACCOUNTS
#define CA (HEADER_CONTACTS | HEADER_ACCOUNTS)
#define AS_IS HEADER_VALUE_AS_IS
#define KEY_MAX 48
#define NAME_MAX_BYTES 256

struct alias {
	const char *name;
	int kinds;
	const char *canonical;
	enum header_value value;
};

/* clang-format off */
static const char *const canonical_names[] = {
	"contact_id", "account_id", "first_name", "last_name", "full_name",
	"email", "email_domain", "title", "persona", "seniority", "department",
	"company", "company_key", "domain", "phone", "country", "region",
	"tier", "segment", "owner_id", "email_status", "opt_out", "consent",
	"last_activity_at", "created_at", "updated_at",
};
/* clang-format on */

/* clang-format off */
static const struct alias aliases[] = {
	/* ids */
	{"Id", C, "contact_id", AS_IS},
	{"Record ID", C, "contact_id", AS_IS},
	{"hs_object_id", C, "contact_id", AS_IS},
	{"Id", A, "account_id", AS_IS},
	{"Record ID", A, "account_id", AS_IS},
	{"hs_object_id", A, "account_id", AS_IS},
	{"Contact ID", CA, "contact_id", AS_IS},
	{"Lead ID", CA, "contact_id", AS_IS},
	{"Person ID", CA, "contact_id", AS_IS},
	{"SFDC Contact ID", CA, "contact_id", AS_IS},
	{"SFDC Lead ID", CA, "contact_id", AS_IS},
	{"Person - ID", C, "contact_id", AS_IS},
	{"Account ID", CA, "account_id", AS_IS},
	{"Company ID", CA, "account_id", AS_IS},
	{"Associated Company ID", CA, "account_id", AS_IS},
	{"SFDC Account ID", CA, "account_id", AS_IS},
	{"Organization - ID", CA, "account_id", AS_IS},
	{"Organization ID", CA, "account_id", AS_IS},
	/* names */
	{"First Name", CA, "first_name", AS_IS},
	{"Person - First name", C, "first_name", AS_IS},
	{"Given Name", CA, "first_name", AS_IS},
	{"First", CA, "first_name", AS_IS},
	{"Vorname", CA, "first_name", AS_IS},
	{"Prénom", CA, "first_name", AS_IS},
	{"Nombre", CA, "first_name", AS_IS},
	{"Nome", CA, "first_name", AS_IS},
	{"Last Name", CA, "last_name", AS_IS},
	{"Person - Last name", C, "last_name", AS_IS},
	{"Surname", CA, "last_name", AS_IS},
	{"Family Name", CA, "last_name", AS_IS},
	{"Last", CA, "last_name", AS_IS},
	{"Nachname", CA, "last_name", AS_IS},
	{"Nom", CA, "last_name", AS_IS},
	{"Apellido", CA, "last_name", AS_IS},
	{"Apellidos", CA, "last_name", AS_IS},
	{"Sobrenome", CA, "last_name", AS_IS},
	{"Name", C, "full_name", AS_IS},
	{"Full Name", CA, "full_name", AS_IS},
	{"Contact Name", CA, "full_name", AS_IS},
	{"Lead Name", CA, "full_name", AS_IS},
	{"Person - Name", C, "full_name", AS_IS},
	{"Nom complet", CA, "full_name", AS_IS},
	{"Nombre completo", CA, "full_name", AS_IS},
	{"Nome completo", CA, "full_name", AS_IS},
	/* e-mail */
	{"Email", CA, "email", AS_IS},
	{"Email Address", CA, "email", AS_IS},
	{"Work Email", CA, "email", AS_IS},
	{"Business Email", CA, "email", AS_IS},
	{"Primary Email", CA, "email", AS_IS},
	{"E-Mail-Adresse", CA, "email", AS_IS},
	{"Adresse e-mail", CA, "email", AS_IS},
	{"Correo electrónico", CA, "email", AS_IS},
	{"Correo", CA, "email", AS_IS},
	{"Courriel", CA, "email", AS_IS},
	{"Adresse électronique", CA, "email", AS_IS},
	{"Person - Email", C, "email", AS_IS},
	{"Person - Email - Work", C, "email", AS_IS},
	{"Person - Email - Home", C, "email", AS_IS},
	{"Person - Email - Other", C, "email", AS_IS},
	{"Email Domain", CA, "email_domain", AS_IS},
	/* job */
	{"Title", CA, "title", AS_IS},
	{"Job Title", CA, "title", AS_IS},
	{"Position", CA, "title", AS_IS},
	{"Job Position", CA, "title", AS_IS},
	{"Titel", CA, "title", AS_IS},
	{"Fonction", CA, "title", AS_IS},
	{"Titre", CA, "title", AS_IS},
	{"Poste", CA, "title", AS_IS},
	{"Cargo", CA, "title", AS_IS},
	{"Puesto", CA, "title", AS_IS},
	{"Person - Job title", C, "title", AS_IS},
	{"Designation", CA, "title", AS_IS},
	{"Funktion", CA, "title", AS_IS},
	{"Stellenbezeichnung", CA, "title", AS_IS},
	{"Berufsbezeichnung", CA, "title", AS_IS},
	{"Intitulé de poste", CA, "title", AS_IS},
	{"Buyer Persona", CA, "persona", AS_IS},
	{"hs_persona", CA, "persona", AS_IS},
	{"Seniority Level", CA, "seniority", AS_IS},
	{"Abteilung", CA, "department", AS_IS},
	{"Département", CA, "department", AS_IS},
	{"Departamento", CA, "department", AS_IS},
	/* company */
	{"Company", CA, "company", AS_IS},
	{"Company Name", CA, "company", AS_IS},
	{"Account Name", CA, "company", AS_IS},
	{"Account", CA, "company", AS_IS},
	{"Company / Account", CA, "company", AS_IS},
	{"Organization", CA, "company", AS_IS},
	{"Organisation", CA, "company", AS_IS},
	{"Organization Name", CA, "company", AS_IS},
	{"Name", A, "company", AS_IS},
	{"Firma", CA, "company", AS_IS},
	{"Unternehmen", CA, "company", AS_IS},
	{"Société", CA, "company", AS_IS},
	{"Entreprise", CA, "company", AS_IS},
	{"Empresa", CA, "company", AS_IS},
	{"Person - Organization", C, "company", AS_IS},
	{"Associated Company", C, "company", AS_IS},
	{"Parent Customer", C, "company", AS_IS},
	{"Company Name for Emails", C, "company", AS_IS},
	{"Org Name", CA, "company", AS_IS},
	{"Firmenname", CA, "company", AS_IS},
	{"Nom de l'entreprise", CA, "company", AS_IS},
	{"Nombre de la empresa", CA, "company", AS_IS},
	{"Nome da empresa", CA, "company", AS_IS},
	/* web domain: values are URLs or hosts */
	{"Website", CA, "domain", AS_IS},
	{"Website URL", CA, "domain", AS_IS},
	{"Web Site", CA, "domain", AS_IS},
	{"URL", CA, "domain", AS_IS},
	{"Account Website", CA, "domain", AS_IS},
	{"Company Website", CA, "domain", AS_IS},
	{"Company Domain Name", CA, "domain", AS_IS},
	{"Domain Name", CA, "domain", AS_IS},
	{"Webseite", CA, "domain", AS_IS},
	{"Site Web", CA, "domain", AS_IS},
	{"Sitio Web", CA, "domain", AS_IS},
	/* phone */
	{"Phone Number", CA, "phone", AS_IS},
	{"Person - Phone", C, "phone", AS_IS},
	{"Person - Phone - Work", C, "phone", AS_IS},
	{"Direct Phone", CA, "phone", AS_IS},
	{"Direct Phone Number", CA, "phone", AS_IS},
	{"Direct Dial", CA, "phone", AS_IS},
	{"Work Direct Phone", CA, "phone", AS_IS},
	{"Corporate Phone", CA, "phone", AS_IS},
	{"Business Phone", CA, "phone", AS_IS},
	{"Work Phone", CA, "phone", AS_IS},
	{"Office Phone", CA, "phone", AS_IS},
	{"Telefon", CA, "phone", AS_IS},
	{"Téléphone", CA, "phone", AS_IS},
	{"Teléfono", CA, "phone", AS_IS},
	{"Telefone", CA, "phone", AS_IS},
	/* geography */
	{"Country/Region", CA, "country", AS_IS},
	{"Country Name", CA, "country", AS_IS},
	{"Country Code", CA, "country", AS_IS},
	{"Mailing Country", CA, "country", AS_IS},
	{"Mailing Country Code", CA, "country", AS_IS},
	{"Billing Country", CA, "country", AS_IS},
	{"Billing Country Code", CA, "country", AS_IS},
	{"Address 1: Country/Region", CA, "country", AS_IS},
	{"Address 1: Country", CA, "country", AS_IS},
	{"Land", CA, "country", AS_IS},
	{"Pays", CA, "country", AS_IS},
	{"País", CA, "country", AS_IS},
	{"Sales Region", CA, "region", AS_IS},
	{"Geo", CA, "region", AS_IS},
	{"Geography", CA, "region", AS_IS},
	/* account model */
	{"Account Tier", CA, "tier", AS_IS},
	{"Customer Tier", CA, "tier", AS_IS},
	{"Target Tier", CA, "tier", AS_IS},
	{"ABM Tier", CA, "tier", AS_IS},
	{"Account Segment", CA, "segment", AS_IS},
	{"Market Segment", CA, "segment", AS_IS},
	{"Customer Segment", CA, "segment", AS_IS},
	{"Sales Segment", CA, "segment", AS_IS},
	/* owner: an id or a rep's name, as the export has it */
	{"Owner", CA, "owner_id", AS_IS},
	{"Owner ID", CA, "owner_id", AS_IS},
	{"Record Owner", CA, "owner_id", AS_IS},
	{"HubSpot Owner", CA, "owner_id", AS_IS},
	{"HubSpot Owner ID", CA, "owner_id", AS_IS},
	{"Contact Owner", C, "owner_id", AS_IS},
	{"Contact Owner ID", C, "owner_id", AS_IS},
	{"Lead Owner", C, "owner_id", AS_IS},
	{"Lead Owner ID", C, "owner_id", AS_IS},
	{"Account Owner", A, "owner_id", AS_IS},
	{"Account Owner ID", A, "owner_id", AS_IS},
	{"Company Owner", A, "owner_id", AS_IS},
	{"Person - Owner", C, "owner_id", AS_IS},
	{"Organization - Owner", A, "owner_id", AS_IS},
	{"Owner Name", CA, "owner_id", AS_IS},
	/* e-mail status indicators */
	{"Email Status", CA, "email_status", AS_IS},
	{"Email Verification Status", CA, "email_status", AS_IS},
	{"Email Bounced", CA, "email_status", HEADER_VALUE_BOUNCED_IF_TRUE},
	{"IsEmailBounced", CA, "email_status", HEADER_VALUE_BOUNCED_IF_TRUE},
	{"Email Bounced Reason", CA, "email_status",
	 HEADER_VALUE_BOUNCED_IF_SET},
	{"Email Bounced Date", CA, "email_status", HEADER_VALUE_BOUNCED_IF_SET},
	{"Email hard bounce reason", CA, "email_status",
	 HEADER_VALUE_BOUNCED_IF_SET},
	{"hs_email_hard_bounce_reason_enum", CA, "email_status",
	 HEADER_VALUE_BOUNCED_IF_SET},
	{"Email Invalid", CA, "email_status", HEADER_VALUE_INVALID_IF_TRUE},
	{"Email Invalid Cause", CA, "email_status",
	 HEADER_VALUE_INVALID_IF_SET},
	/* opt-out and consent: booleans, true = opted out / consent given */
	{"Email Opt Out", CA, "opt_out", AS_IS},
	{"HasOptedOutOfEmail", CA, "opt_out", AS_IS},
	{"Opt Out", CA, "opt_out", AS_IS},
	{"Opted Out", CA, "opt_out", AS_IS},
	{"Unsubscribed", CA, "opt_out", AS_IS},
	{"Unsubscribed from all email", CA, "opt_out", AS_IS},
	{"hs_email_optout", CA, "opt_out", AS_IS},
	{"Do Not Email", CA, "opt_out", AS_IS},
	{"Global Unsubscribe", CA, "opt_out", AS_IS},
	{"Do not allow Emails", CA, "opt_out", AS_IS},
	{"Marketing Consent", CA, "consent", AS_IS},
	{"Email Consent", CA, "consent", AS_IS},
	{"GDPR Consent", CA, "consent", AS_IS},
	{"Consent to Communicate", CA, "consent", AS_IS},
	{"Opt In", CA, "consent", AS_IS},
	{"Opted In", CA, "consent", AS_IS},
	{"Email Opt In", CA, "consent", AS_IS},
	/* dates */
	{"Last Activity", CA, "last_activity_at", AS_IS},
	{"Last Activity Date", CA, "last_activity_at", AS_IS},
	{"Last Activity At", CA, "last_activity_at", AS_IS},
	{"notes_last_updated", CA, "last_activity_at", AS_IS},
	{"Last Engagement Date", CA, "last_activity_at", AS_IS},
	{"Last Contacted", CA, "last_activity_at", AS_IS},
	{"notes_last_contacted", CA, "last_activity_at", AS_IS},
	{"Last Activity Time", CA, "last_activity_at", AS_IS},
	{"Person - Last activity date", C, "last_activity_at", AS_IS},
	{"Created Date", CA, "created_at", AS_IS},
	{"Create Date", CA, "created_at", AS_IS},
	{"Created At", CA, "created_at", AS_IS},
	{"Date Created", CA, "created_at", AS_IS},
	{"Created", CA, "created_at", AS_IS},
	{"Created On", CA, "created_at", AS_IS},
	{"Created Time", CA, "created_at", AS_IS},
	{"Person - Person created", C, "created_at", AS_IS},
	{"Last Modified Date", CA, "updated_at", AS_IS},
	{"hs_lastmodifieddate", CA, "updated_at", AS_IS},
	{"Last Modified", CA, "updated_at", AS_IS},
	{"Modified Date", CA, "updated_at", AS_IS},
	{"Date Modified", CA, "updated_at", AS_IS},
	{"Updated At", CA, "updated_at", AS_IS},
	{"Updated", CA, "updated_at", AS_IS},
	{"Last Updated", CA, "updated_at", AS_IS},
	{"Modified On", CA, "updated_at", AS_IS},
	{"Modified Time", CA, "updated_at", AS_IS},
	{"Person - Update time", C, "updated_at", AS_IS},
};
/* clang-format on */

#define NCANON (sizeof canonical_names / sizeof canonical_names[0])
_Static_assert(NCANON <= sizeof((struct header_roles *)0)->first /
				 sizeof((struct header_roles *)0)->first[0],
	       "header_roles holds a first field for every canonical name");
#define NALIAS (sizeof aliases / sizeof aliases[0])

struct entry {
	char key[KEY_MAX];
	unsigned char klen;
	int kinds;
	struct header_match match;
};

static struct entry table[NCANON + NALIAS];
static size_t table_len;
static struct buf folded = BUF_INIT, compact = BUF_INIT;

/* Fold s into compact (see norm_header.h); -1 when it cannot be a header. */
static int header_fold(const char *s, size_t n)
{
	const char *p, *q;
	size_t m, i;

	buf_reset(&compact);
	if (!s || n > NAME_MAX_BYTES || text_fold(&folded, s, n) < 0)
		return -1;
	p = folded.p;
	m = folded.len;
	if (m > 3 && memcmp(p + m - 3, "__c", 3) == 0)
		m -= 3;
	if (m && p[m - 1] == ')' && (q = memrchr(p, '(', m)) && q > p)
		m = (size_t)(q - p);
	for (i = 0; i < m; i++) {
		unsigned char c = (unsigned char)p[i];
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c >= 0x80)
			buf_addc(&compact, (char)c);
	}
	return compact.len == 0 || compact.len >= KEY_MAX ? -1 : 0;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	size_t n = x->klen < y->klen ? x->klen : y->klen;
	int c = memcmp(x->key, y->key, n);

	if (c)
		return c;
	return (int)x->klen - (int)y->klen;
}

static void table_add(const char *name, int kinds, const char *canonical,
		      enum header_value value)
{
	struct entry *e = &table[table_len];

	if (header_fold(name, strlen(name)) < 0)
		return;
	memcpy(e->key, compact.p, compact.len);
	e->klen = (unsigned char)compact.len;
	e->kinds = kinds;
	e->match.canonical = canonical;
	e->match.value = value;
	table_len++;
}

static void table_init(void)
{
	size_t i;

	for (i = 0; i < NCANON; i++)
		table_add(canonical_names[i], CA, canonical_names[i], AS_IS);
	for (i = 0; i < NALIAS; i++)
		table_add(aliases[i].name, aliases[i].kinds,
			  aliases[i].canonical, aliases[i].value);
	qsort(table, table_len, sizeof table[0], entry_cmp);
}

const struct header_match *header_lookup(const char *s, size_t n,
					 enum header_kind kind)
{
	size_t lo = 0, hi, i;
	struct entry probe;

	if (!table_len)
		table_init();
	if (header_fold(s, n) < 0)
		return NULL;
	memcpy(probe.key, compact.p, compact.len);
	probe.klen = (unsigned char)compact.len;
	/* first entry not below the probe */
	hi = table_len;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (entry_cmp(&table[mid], &probe) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i < table_len && entry_cmp(&table[i], &probe) == 0; i++)
		if (table[i].kinds & (int)kind)
			return &table[i].match;
	return NULL;
}

const char *header_canonical(const char *s, size_t n)
{
	const struct header_match *m = header_lookup(s, n, HEADER_CONTACTS);

	return m ? m->canonical : NULL;
}

int header_is_canonical(const char *s, size_t n)
{
	size_t i;

	if (!s)
		return 0;
	for (i = 0; i < NCANON; i++)
		if (strlen(canonical_names[i]) == n &&
		    memcmp(canonical_names[i], s, n) == 0)
			return 1;
	return 0;
}

/* The canonical field s[0..n) means in an export of either kind (a
 * canonical name means itself in both), or NULL for none or a
 * kind-dependent one such as "Id" or "Name". */
static const char *either_kind(const char *s, size_t n)
{
	const struct header_match *c = header_lookup(s, n, HEADER_CONTACTS);
	const struct header_match *a = header_lookup(s, n, HEADER_ACCOUNTS);

	return c && a && strcmp(c->canonical, a->canonical) == 0 ? c->canonical
								 : NULL;
}

enum header_kind header_guess_kind(const struct schema *s)
{
	static const char *const contact[] = {"first_name", "last_name",
					      "full_name",  "email",
					      "title",      "contact_id"};
	int account = 0;

	for (size_t i = 0; i < s->n; i++) {
		const char *c = either_kind(s->names[i], s->lens[i]);

		for (size_t k = 0; c && k < sizeof contact / sizeof *contact;
		     k++)
			if (strcmp(c, contact[k]) == 0)
				return HEADER_CONTACTS;
		if (c &&
		    (strcmp(c, "domain") == 0 || strcmp(c, "account_id") == 0))
			account = 1;
	}
	return account ? HEADER_ACCOUNTS : HEADER_CONTACTS;
}

int header_roles_find(struct header_roles *c, const struct schema *s,
		      const char *name)
{
	int i = schema_find(s, name, strlen(name));

	if (c->changes != s->changes) {
		c->scanned = c->n = 0; /* renamed: look again */
		c->changes = s->changes;
	}
	for (; c->scanned < s->n; c->scanned++) {
		size_t k = c->scanned, j;
		const struct header_match *h =
			header_lookup(s->names[k], s->lens[k], HEADER_CONTACTS);

		if (!h || h->value != HEADER_VALUE_AS_IS)
			continue;
		for (j = 0;
		     j < c->n && strcmp(c->first[j].canonical, h->canonical);
		     j++)
			;
		if (j == c->n) {
			c->first[j].canonical = h->canonical;
			c->first[j].field = (int)k;
			c->n++;
		}
	}
	for (size_t j = 0; i < 0 && j < c->n; j++)
		if (strcmp(c->first[j].canonical, name) == 0)
			i = c->first[j].field;
	return i;
}

int header_find_role(const struct schema *s, const char *name)
{
	struct header_roles c = {0};

	return header_roles_find(&c, s, name);
}
