/*
 * Tests for norm_header: the header rows of Salesforce, HubSpot and Marketo
 * exports (labels and API names), localised labels, the fold (case,
 * separators, decorations), the contact/account distinction, value
 * conversions, and names that must stay unknown.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "norm_header.h"
#include "record.h"

static const char *hc(const char *s)
{
	const char *c = header_canonical(s, strlen(s));
	return c ? c : "<none>";
}

static const char *ha(const char *s)
{
	const struct header_match *m =
		header_lookup(s, strlen(s), HEADER_ACCOUNTS);
	return m ? m->canonical : "<none>";
}

static void check_row(const char *const (*row)[2], size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		cr_expect_str_eq(hc(row[i][0]), row[i][1], "header %s",
				 row[i][0]);
}

Test(header, canonical_names_map_to_themselves)
{
	/* clang-format off */
	static const char *const names[] = {
		"contact_id", "account_id", "first_name", "last_name",
		"full_name", "email", "email_domain", "title", "persona",
		"seniority", "department", "company", "company_key", "domain",
		"phone", "country", "region", "tier", "segment", "owner_id",
		"email_status", "opt_out", "consent", "last_activity_at",
		"created_at", "updated_at",
	};
	/* clang-format on */
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		cr_assert_str_eq(hc(names[i]), names[i]);
		cr_assert_str_eq(ha(names[i]), names[i]);
		cr_assert(header_is_canonical(names[i], strlen(names[i])));
	}
}

/* header_find_role: the field of that name first, else the first whose
 * header maps to it with the same values; a column whose values are read
 * another way ("Email Bounced", booleans, for email_status) is no such
 * field. */
Test(header, find_role)
{
	struct schema s = {0};
	const char *names[] = {"Contact ID",      "E-mail Address",
			       "Mailing Country", "Email Bounced",
			       "Email",           "country"};

	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		schema_add(&s, names[i], strlen(names[i]));
	cr_assert_eq(header_find_role(&s, "email"), 1, "the first alias");
	cr_assert_eq(header_find_role(&s, "country"), 5, "the name first");
	cr_assert_eq(header_find_role(&s, "contact_id"), 0);
	cr_assert_eq(header_find_role(&s, "email_status"), -1);
	cr_assert_eq(header_find_role(&s, "first_name"), -1);
	schema_release(&s);
}

Test(header, roles_as_the_schema_grows)
{
	/* the same answers as header_find_role at every size, each name
	 * looked up once; a rename makes it look again */
	struct schema s = {0};
	struct header_roles c = {0};
	const char *names[] = {"x",     "E-mail Address",  "Email Bounced",
			       "Email", "Mailing Country", "email"};
	const char *roles[] = {"email", "country", "email_status", "title"};

	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		schema_add(&s, names[i], strlen(names[i]));
		for (size_t j = 0; j < sizeof roles / sizeof *roles; j++)
			cr_expect_eq(header_roles_find(&c, &s, roles[j]),
				     header_find_role(&s, roles[j]),
				     "%s with %zu fields", roles[j], i + 1);
	}
	cr_assert_eq(header_roles_find(&c, &s, "email"), 5, "the name first");
	cr_assert_eq(c.scanned, s.n);
	cr_assert_eq(schema_rename(&s, 0, "Job Title", 9), 0);
	cr_assert_eq(header_roles_find(&c, &s, "title"), 0);
	schema_truncate(&s, 1); /* a malformed NDJSON line undone */
	cr_assert_eq(header_roles_find(&c, &s, "email"), -1);
	schema_add(&s, "Work Email", 10);
	cr_assert_eq(header_roles_find(&c, &s, "email"), 1);
	schema_release(&s);
}

Test(header, is_canonical_is_exact)
{
	cr_assert(!header_is_canonical("Email", 5));
	cr_assert(!header_is_canonical("email ", 6));
	cr_assert(!header_is_canonical("emai", 4));
	cr_assert(!header_is_canonical("", 0));
	cr_assert(header_is_canonical("emailXX", 5));
}

Test(header, salesforce_contact_export)
{
	/* clang-format off */
	static const char *const row[][2] = {
		{"Contact ID", "contact_id"}, {"Account ID", "account_id"},
		{"First Name", "first_name"}, {"Last Name", "last_name"},
		{"Full Name", "full_name"}, {"Name", "full_name"},
		{"Email", "email"}, {"Title", "title"},
		{"Account Name", "company"}, {"Mailing Country", "country"},
		{"Phone", "phone"}, {"Business Phone", "phone"},
		{"Account Website", "domain"}, {"Contact Owner", "owner_id"},
		{"Owner ID", "owner_id"}, {"Email Opt Out", "opt_out"},
		{"Email Bounced Reason", "email_status"},
		{"Email Bounced", "email_status"},
		{"Created Date", "created_at"},
		{"Last Modified Date", "updated_at"},
		{"Last Activity", "last_activity_at"},
		{"Account Tier__c", "tier"}, {"Segment__c", "segment"},
		{"Company / Account", "company"}, {"Lead ID", "contact_id"},
		{"Lead Owner", "owner_id"}, {"Billing Country", "country"},
		{"Website", "domain"}, {"Domain", "domain"},
	};
	/* clang-format on */
	check_row(row, sizeof row / sizeof row[0]);
}

Test(header, salesforce_api_names)
{
	/* clang-format off */
	static const char *const row[][2] = {
		{"Id", "contact_id"}, {"AccountId", "account_id"},
		{"FirstName", "first_name"}, {"LastName", "last_name"},
		{"Email", "email"}, {"Title", "title"},
		{"MailingCountry", "country"}, {"OwnerId", "owner_id"},
		{"HasOptedOutOfEmail", "opt_out"},
		{"EmailBouncedReason", "email_status"},
		{"IsEmailBounced", "email_status"},
		{"CreatedDate", "created_at"},
		{"LastModifiedDate", "updated_at"},
		{"LastActivityDate", "last_activity_at"},
		{"Account_Tier__c", "tier"},
	};
	/* clang-format on */
	check_row(row, sizeof row / sizeof row[0]);
}

Test(header, hubspot_contact_export)
{
	/* clang-format off */
	static const char *const row[][2] = {
		{"Record ID", "contact_id"}, {"Contact ID", "contact_id"},
		{"Associated Company ID", "account_id"},
		{"Associated Company ID (Primary)", "account_id"},
		{"Email", "email"}, {"First Name", "first_name"},
		{"Last Name", "last_name"}, {"Job Title", "title"},
		{"Company Name", "company"}, {"Country/Region", "country"},
		{"Phone Number", "phone"}, {"Website URL", "domain"},
		{"Company Domain Name", "domain"}, {"Contact owner", "owner_id"},
		{"HubSpot Owner ID", "owner_id"},
		{"Unsubscribed from all email", "opt_out"},
		{"Email hard bounce reason", "email_status"},
		{"Create Date", "created_at"},
		{"Last Activity Date", "last_activity_at"},
		{"Last Modified Date", "updated_at"},
		{"hs_object_id", "contact_id"}, {"firstname", "first_name"},
		{"lastname", "last_name"}, {"jobtitle", "title"},
		{"hubspot_owner_id", "owner_id"}, {"createdate", "created_at"},
		{"lastmodifieddate", "updated_at"},
		{"hs_lastmodifieddate", "updated_at"},
		{"notes_last_updated", "last_activity_at"},
		{"hs_email_optout", "opt_out"},
		{"associatedcompanyid", "account_id"},
	};
	/* clang-format on */
	check_row(row, sizeof row / sizeof row[0]);
}

Test(header, marketo_lead_export)
{
	/* clang-format off */
	static const char *const row[][2] = {
		{"Id", "contact_id"}, {"Email Address", "email"},
		{"First Name", "first_name"}, {"Last Name", "last_name"},
		{"Job Title", "title"}, {"Company Name", "company"},
		{"Country", "country"}, {"Phone Number", "phone"},
		{"Website", "domain"}, {"Unsubscribed", "opt_out"},
		{"Email Invalid", "email_status"},
		{"Email Invalid Cause", "email_status"},
		{"Created At", "created_at"}, {"Updated At", "updated_at"},
		{"Lead Owner", "owner_id"}, {"SFDC Account ID", "account_id"},
		{"emailInvalid", "email_status"}, {"sfdcAccountId", "account_id"},
		{"createdAt", "created_at"}, {"updatedAt", "updated_at"},
	};
	/* clang-format on */
	check_row(row, sizeof row / sizeof row[0]);
}

Test(header, pipedrive_dynamics_zoho_apollo_exports)
{
	/* clang-format off */
	static const char *const row[][2] = {
		/* Pipedrive people */
		{"Person - ID", "contact_id"}, {"Person - Name", "full_name"},
		{"Person - First name", "first_name"},
		{"Person - Last name", "last_name"},
		{"Person - Email - Work", "email"},
		{"Person - Email - Home", "email"},
		{"Person - Job title", "title"},
		{"Person - Organization", "company"},
		{"Organization - ID", "account_id"},
		{"Person - Phone - Work", "phone"},
		{"Person - Owner", "owner_id"},
		{"Person - Person created", "created_at"},
		{"Person - Update time", "updated_at"},
		{"Person - Last activity date", "last_activity_at"},
		{"Person - Phone - Mobile", "<none>"},
		/* Dynamics 365 contacts */
		{"Parent Customer", "company"},
		{"Address 1: Country/Region", "country"},
		{"Do not allow Emails", "opt_out"},
		{"Modified On", "updated_at"},
		/* Zoho CRM */
		{"Created Time", "created_at"}, {"Modified Time", "updated_at"},
		{"Last Activity Time", "last_activity_at"},
		/* Apollo, ZoomInfo */
		{"Company Name for Emails", "company"},
		{"Corporate Phone", "phone"}, {"Work Direct Phone", "phone"},
		{"Direct Phone Number", "phone"},
		{"Email Verification Status", "email_status"},
		{"Mobile Phone", "<none>"},
		/* HubSpot, and a few more labels */
		{"Associated Company", "company"}, {"Owner Name", "owner_id"},
		{"Designation", "title"}, {"Courriel", "email"},
		{"Funktion", "title"}, {"Nome da empresa", "company"},
	};
	/* clang-format on */
	check_row(row, sizeof row / sizeof row[0]);
	/* a company export's owner and id, not a contact's */
	cr_expect_str_eq(ha("Organization - Owner"), "owner_id");
	cr_expect_str_eq(hc("Organization - Owner"), "<none>");
	cr_expect_str_eq(ha("Person - Name"), "<none>");
}

Test(header, localised_labels)
{
	/* clang-format off */
	static const char *const row[][2] = {
		{"Vorname", "first_name"}, {"Nachname", "last_name"},
		{"E-Mail-Adresse", "email"}, {"Firma", "company"},
		{"Land", "country"}, {"Telefon", "phone"},
		{"Pr\xc3\xa9nom", "first_name"}, {"Nom", "last_name"},
		{"Soci\xc3\xa9t\xc3\xa9", "company"}, {"Pays", "country"},
		{"T\xc3\xa9l\xc3\xa9phone", "phone"}, {"Fonction", "title"},
		{"Nombre", "first_name"}, {"Apellidos", "last_name"},
		{"Correo electr\xc3\xb3nico", "email"}, {"Empresa", "company"},
		{"Pa\xc3\xads", "country"}, {"Cargo", "title"},
		{"Sobrenome", "last_name"}, {"Telefone", "phone"},
	};
	/* clang-format on */
	check_row(row, sizeof row / sizeof row[0]);
}

Test(header, fold_tolerance)
{
	cr_assert_str_eq(hc("EMAIL ADDRESS"), "email");
	cr_assert_str_eq(hc("email_address"), "email");
	cr_assert_str_eq(hc("email-address"), "email");
	cr_assert_str_eq(hc("Email.Address"), "email");
	cr_assert_str_eq(hc("  Email   Address  "), "email");
	cr_assert_str_eq(hc("E-mail"), "email");
	cr_assert_str_eq(hc("Email (Contact)"), "email");
	cr_assert_str_eq(hc("Account ID (18)"), "account_id");
	cr_assert_str_eq(hc("Tier__c"), "tier");
	cr_assert_str_eq(hc("first name"), "first_name");
	cr_assert_str_eq(hc("\xef\xbb\xbf"
			    "Email"),
			 "email");
	cr_assert_str_eq(hc("\xc2\xa0"
			    "Email\xc2\xa0"),
			 "email");
}

Test(header, accounts_kind)
{
	cr_assert_str_eq(ha("Id"), "account_id");
	cr_assert_str_eq(ha("Record ID"), "account_id");
	cr_assert_str_eq(ha("Name"), "company");
	cr_assert_str_eq(ha("Account Name"), "company");
	cr_assert_str_eq(ha("Account Owner"), "owner_id");
	cr_assert_str_eq(ha("Account Owner ID"), "owner_id");
	cr_assert_str_eq(ha("Company owner"), "owner_id");
	cr_assert_str_eq(ha("Billing Country"), "country");
	cr_assert_str_eq(ha("Website"), "domain");
	cr_assert_str_eq(ha("Contact Owner"), "<none>");
	cr_assert_str_eq(hc("Account Owner"), "<none>");
	cr_assert_str_eq(ha("Contact ID"), "contact_id");
}

Test(header, value_conversions)
{
	const struct header_match *m;

	m = header_lookup("Email Bounced", 13, HEADER_CONTACTS);
	cr_assert_not_null(m);
	cr_assert_eq(m->value, HEADER_VALUE_BOUNCED_IF_TRUE);
	m = header_lookup("EmailBouncedReason", 18, HEADER_CONTACTS);
	cr_assert_eq(m->value, HEADER_VALUE_BOUNCED_IF_SET);
	m = header_lookup("Email Invalid", 13, HEADER_CONTACTS);
	cr_assert_eq(m->value, HEADER_VALUE_INVALID_IF_TRUE);
	m = header_lookup("Email Invalid Cause", 19, HEADER_CONTACTS);
	cr_assert_eq(m->value, HEADER_VALUE_INVALID_IF_SET);
	m = header_lookup("Email Status", 12, HEADER_CONTACTS);
	cr_assert_eq(m->value, HEADER_VALUE_AS_IS);
	m = header_lookup("Unsubscribed", 12, HEADER_CONTACTS);
	cr_assert_eq(m->value, HEADER_VALUE_AS_IS);
	cr_assert_str_eq(m->canonical, "opt_out");
}

Test(header, unknown_names)
{
	/* clang-format off */
	static const char *const names[] = {
		"Mobile", "Mobile Phone", "Fax", "Mailing Street", "Lead Source",
		"Lifecycle Stage", "Marketing Suspended", "Annual Revenue",
		"Description", "", "   ", "()", "__c", "Email Address 2",
		"Emailaddress Secondary", "id2",
	};
	/* clang-format on */
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		cr_expect_str_eq(hc(names[i]), "<none>", "header '%s'",
				 names[i]);
}

Test(header, hostile_input)
{
	static char big[10240];
	char s[8];
	int c;

	memset(big, 'e', sizeof big);
	cr_assert_null(header_canonical(big, sizeof big));
	cr_assert_null(header_canonical("Em\xffil", 6));
	cr_assert_null(header_canonical(NULL, 0));
	cr_assert_str_eq(hc("Email\0junk"), "email");
	cr_assert_null(header_canonical("Email\0junk", 10));
	for (c = 0; c < 256; c++) {
		memcpy(s, "Email", 5);
		s[2] = (char)c;
		(void)header_canonical(s, 5);
	}
}

/* The kind of export a header row is, when --kind is not given. */
static enum header_kind guess(const char *csv)
{
	struct schema s = SCHEMA_INIT;
	enum header_kind k;
	const char *p = csv;

	while (*p) {
		size_t n = strcspn(p, ",");

		schema_add(&s, p, n);
		p += n + (p[n] == ',');
	}
	k = header_guess_kind(&s);
	schema_release(&s);
	return k;
}

Test(header, kind_from_header)
{
	/* account exports: a domain or account id, no contact's field */
	cr_expect_eq(guess("Account ID,Account Name,Website,Billing Country"),
		     HEADER_ACCOUNTS);
	cr_expect_eq(guess("Record ID,Company name,Company owner,"
			   "Company Domain Name,Country/Region"),
		     HEADER_ACCOUNTS);
	cr_expect_eq(guess("account_id,name,domain,country,tier"),
		     HEADER_ACCOUNTS);
	cr_expect_eq(guess("Id,Name,Website,Industry"), HEADER_ACCOUNTS);
	/* a contact's own field wins, wherever it is */
	cr_expect_eq(guess("Account ID,Account Name,Website,Email"),
		     HEADER_CONTACTS);
	cr_expect_eq(guess("Record ID,First Name,Last Name,Company Name,"
			   "Associated Company ID"),
		     HEADER_CONTACTS);
	cr_expect_eq(guess("Contact ID,Account Name,Website"), HEADER_CONTACTS);
	cr_expect_eq(guess("Website,Job Title"), HEADER_CONTACTS);
	/* generic ids and names tell nothing: contacts, as before */
	cr_expect_eq(guess("Id,Name,Phone"), HEADER_CONTACTS);
	cr_expect_eq(guess("Id,Name,Company,Phone"), HEADER_CONTACTS);
	cr_expect_eq(guess("Record ID,hs_object_id,Name"), HEADER_CONTACTS);
	cr_expect_eq(guess("notes"), HEADER_CONTACTS);
	cr_expect_eq(guess(""), HEADER_CONTACTS);
}

Test(header_speed, per_call, .timeout = 30)
{
	static const char *const in[] = {
		"Email Address",
		"Mailing Country",
		"Unknown Column",
		"first_name",
	};
	struct timespec a, b;
	long i, n = 1000000;
	size_t hits = 0;
	double ns;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < n; i++)
		hits += header_canonical(in[i & 3], strlen(in[i & 3])) != NULL;
	clock_gettime(CLOCK_MONOTONIC, &b);
	ns = ((double)(b.tv_sec - a.tv_sec) * 1e9 +
	      (double)(b.tv_nsec - a.tv_nsec)) /
	     (double)n;
	printf("header_canonical: %.0f ns/call\n", ns);
	cr_assert_eq(hits, (size_t)n / 4 * 3);
}
