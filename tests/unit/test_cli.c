/*
 * cli helpers shared by the tools (cli.h): the ROLE=NAME items of --field.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "cli.h"

static const char *const roles[] = {"email", "country", "opt_out"};

static int item(const char *s, const char **name, size_t *nn, struct cov_err *e)
{
	memset(e, 0, sizeof *e);
	return cli_field_item(s, strlen(s), roles, 3, name, nn, e);
}

Test(cli, field_item_finds_role_and_name)
{
	const char *name;
	size_t nn;
	struct cov_err e;

	cr_assert_eq(item("country=Land", &name, &nn, &e), 1);
	cr_assert_eq(nn, 4);
	cr_assert(memcmp(name, "Land", 4) == 0);
	/* spaces around '=' are dropped, inside the name kept */
	cr_assert_eq(item("opt_out =  Do Not Email", &name, &nn, &e), 2);
	cr_assert_eq(nn, 12);
	cr_assert(memcmp(name, "Do Not Email", 12) == 0);
	/* the name may hold '=' */
	cr_assert_eq(item("email=a=b", &name, &nn, &e), 0);
	cr_assert_eq(nn, 3);
}

Test(cli, field_item_errors)
{
	const char *name;
	size_t nn;
	struct cov_err e;

	cr_assert_eq(item("email", &name, &nn, &e), -1);
	cr_assert_eq(e.code, COV_EXIT_USAGE);
	cr_assert_str_eq(e.msg, "--field: expected 'role=NAME', got 'email'");
	cr_assert_eq(item("=x", &name, &nn, &e), -1);
	cr_assert_eq(item("email=", &name, &nn, &e), -1);
	cr_assert_eq(item("mail=x", &name, &nn, &e), -1);
	cr_assert_str_eq(
		e.msg,
		"--field: unknown role 'mail' (email, country, opt_out)");
	/* a role is matched whole, not by prefix */
	cr_assert_eq(item("e=x", &name, &nn, &e), -1);
	cr_assert_eq(item("emails=x", &name, &nn, &e), -1);
}

/* A switch is off only at "0" and on only at "1": unset, empty or any
 * other value leaves the tool's default. */
Test(cli, env_switches)
{
	static const struct {
		const char *value; /* NULL: unset */
		int off, on;
	} cases[] = {
		{NULL, 0, 0},  {"0", 1, 0}, {"1", 0, 1},
		{"yes", 0, 0}, {"", 0, 0},
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (cases[i].value)
			setenv("COV_TEST_SWITCH", cases[i].value, 1);
		else
			unsetenv("COV_TEST_SWITCH");
		cr_assert_eq(cli_env_off("COV_TEST_SWITCH"), cases[i].off, "%s",
			     cases[i].value ? cases[i].value : "unset");
		cr_assert_eq(cli_env_on("COV_TEST_SWITCH"), cases[i].on, "%s",
			     cases[i].value ? cases[i].value : "unset");
	}
	unsetenv("COV_TEST_SWITCH");
}
