/*
 * Tests for norm_title: abbreviations, separators, case, the five
 * languages, user rules and !replace, malformed rule files, hostile input,
 * the memo cache, and accuracy on two labelled title lists: the project's
 * own tests/unit/titles.tsv (must reach 90% per field) and, when present,
 * $COV_SHARED/data/titles-dev.tsv (80% persona and seniority, 75%
 * department).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "norm_title.h"

static struct taxonomy *tx;

static void setup(void)
{
	tx = taxonomy_new();
	cr_assert_not_null(tx, "embedded taxonomy.tsv does not parse");
}

static void teardown(void)
{
	taxonomy_free(tx);
	tx = NULL;
}

/* "persona/seniority/department" for title s. */
static const char *cls(struct taxonomy *t, const char *s)
{
	static char out[128];
	struct title_labels l;
	title_classify(t, s, strlen(s), &l);
	snprintf(out, sizeof out, "%s/%s/%s", l.persona, l.seniority,
		 l.department);
	return out;
}

#define CHECK(title, want) cr_expect_str_eq(cls(tx, title), want, "%s", title)

TestSuite(title, .init = setup, .fini = teardown);

Test(title, chiefs_and_abbreviations)
{
	CHECK("CEO", "economic_buyer/c_level/executive");
	CHECK("CFO", "finance/c_level/finance");
	CHECK("CIO", "technical_evaluator/c_level/it");
	CHECK("CTO", "technical_evaluator/c_level/engineering");
	CHECK("CISO", "security/c_level/security");
	CHECK("COO", "economic_buyer/c_level/operations");
	CHECK("CMO", "marketing/c_level/marketing");
	CHECK("CRO", "sales/c_level/sales");
	CHECK("CPO", "procurement_legal/c_level/procurement");
	CHECK("CHRO", "hr/c_level/hr");
	CHECK("CCO", "sales/c_level/sales");
	CHECK("SVP Finance", "finance/vp/finance");
	CHECK("EVP, Sales", "sales/vp/sales");
	CHECK("AVP Compliance", "security/vp/security");
	CHECK("VP Eng", "technical_evaluator/vp/engineering");
	CHECK("Dir IT", "technical_evaluator/director/it");
	CHECK("Dir. Procurement", "procurement_legal/director/procurement");
	CHECK("Sr. Software Engineer",
	      "technical_evaluator/individual_contributor/engineering");
	CHECK("Sr Accountant", "finance/individual_contributor/finance");
	CHECK("Snr Recruiter", "hr/individual_contributor/hr");
	CHECK("Jr Buyer",
	      "procurement_legal/individual_contributor/procurement");
	CHECK("Mktg Mgr", "marketing/manager/marketing");
	CHECK("Ops Mgr", "end_user/manager/operations");
	CHECK("HR Mgmt Specialist", "hr/individual_contributor/hr");
	CHECK("Engr", "technical_evaluator/individual_contributor/engineering");
	CHECK("Acct Exec", "sales/individual_contributor/sales");
	CHECK("Admin Asst", "end_user/individual_contributor/operations");
	CHECK("Exec Dir", "economic_buyer/director/executive");
	CHECK("Head of Procurement", "procurement_legal/director/procurement");
	CHECK("Hd of Marketing", "marketing/director/marketing");
	CHECK("Sr. Dir., IT Security", "security/director/security");
}

Test(title, separators_and_case)
{
	CHECK("VP, Engineering", "technical_evaluator/vp/engineering");
	CHECK("President/CEO", "economic_buyer/c_level/executive");
	CHECK("CEO & Founder", "economic_buyer/c_level/executive");
	CHECK("Director - Finance", "finance/director/finance");
	CHECK("Director | Finance", "finance/director/finance");
	CHECK("Vertriebsleiter (m/w/d)", "sales/director/sales");
	CHECK("Comptable (h/f)", "finance/individual_contributor/finance");
	CHECK("Buyer m/f/d",
	      "procurement_legal/individual_contributor/procurement");
	CHECK("DIRECTOR OF SALES", "sales/director/sales");
	CHECK("director of sales", "sales/director/sales");
	CHECK("  Director\tof   Sales  ", "sales/director/sales");
	CHECK("Executive Assistant to the CEO",
	      "end_user/individual_contributor/operations");
	CHECK("Assistant Marketing Manager", "marketing/manager/marketing");
	CHECK("Assistant Compliance Officer",
	      "security/individual_contributor/security");
	/* punctuation and spaces beyond ASCII separate words as ASCII ones
	 * do: a typographic apostrophe, dashes, a bullet, a no-break space,
	 * guillemets, an ideographic comma */
	CHECK("Responsable d\u2019achats",
	      "procurement_legal/manager/procurement");
	CHECK("Responsable d'achats", "procurement_legal/manager/procurement");
	CHECK("Director \u2013 Finance", "finance/director/finance");
	CHECK("Director\u2014Finance", "finance/director/finance");
	CHECK("CEO \u2022 Founder", "economic_buyer/c_level/executive");
	CHECK("Director\u00a0of\u00a0Sales", "sales/director/sales");
	CHECK("\u00abDirecteur\u00bb commercial", "sales/director/sales");
	CHECK("VP\u3001Engineering", "technical_evaluator/vp/engineering");
	/* letters beyond Latin stay inside their word */
	CHECK("\u0414\u0438\u0440\u0435\u043a\u0442\u043e\u0440 Sales",
	      "sales/individual_contributor/sales");
}

Test(title, german)
{
	CHECK("Geschäftsführer", "economic_buyer/c_level/executive");
	CHECK("Geschaeftsfuehrerin", "economic_buyer/c_level/executive");
	CHECK("Vorstand Finanzen", "finance/c_level/finance");
	CHECK("Abteilungsleiter Einkauf",
	      "procurement_legal/director/procurement");
	CHECK("Einkaufsleiterin", "procurement_legal/director/procurement");
	CHECK("IT-Leiter", "technical_evaluator/director/it");
	CHECK("Vertriebsleiter", "sales/director/sales");
	CHECK("Leiterin Buchhaltung", "finance/director/finance");
	CHECK("Teamleiterin Buchhaltung", "finance/manager/finance");
	CHECK("Sachbearbeiterin Personal", "hr/individual_contributor/hr");
	CHECK("Referent Vertrieb", "sales/individual_contributor/sales");
	CHECK("Softwareentwicklerin",
	      "technical_evaluator/individual_contributor/engineering");
	CHECK("Assistenz der Geschäftsführung",
	      "end_user/individual_contributor/operations");
	CHECK("Geschäftsführungsassistentin",
	      "end_user/individual_contributor/operations");
}

Test(title, french)
{
	CHECK("Directrice financière", "finance/director/finance");
	CHECK("Responsable des achats",
	      "procurement_legal/manager/procurement");
	CHECK("Chef de projet informatique", "technical_evaluator/manager/it");
	CHECK("Président", "economic_buyer/c_level/executive");
	CHECK("Gérant", "economic_buyer/c_level/executive");
	CHECK("PDG", "economic_buyer/c_level/executive");
	CHECK("DG", "economic_buyer/c_level/executive");
	CHECK("DAF", "finance/director/finance");
	CHECK("DSI", "technical_evaluator/director/it");
	CHECK("RSSI", "security/manager/security");
	CHECK("Ingénieur commercial", "sales/individual_contributor/sales");
	CHECK("Acheteur",
	      "procurement_legal/individual_contributor/procurement");
	CHECK("Juriste", "procurement_legal/individual_contributor/legal");
	CHECK("Chargée de recrutement", "hr/individual_contributor/hr");
}

Test(title, spanish)
{
	CHECK("Directora de Marketing", "marketing/director/marketing");
	CHECK("Gerente de Compras", "procurement_legal/manager/procurement");
	CHECK("Jefe de Sistemas", "technical_evaluator/director/it");
	CHECK("Responsable de Finanzas", "finance/manager/finance");
	CHECK("Presidente", "economic_buyer/c_level/executive");
	CHECK("Consejero Delegado", "economic_buyer/c_level/executive");
	CHECK("Ingeniero de Datos",
	      "technical_evaluator/individual_contributor/engineering");
	CHECK("Contador", "finance/individual_contributor/finance");
	CHECK("Abogado", "procurement_legal/individual_contributor/legal");
	CHECK("Analista de Compras",
	      "procurement_legal/individual_contributor/procurement");
	CHECK("Asistente de Gerencia",
	      "end_user/individual_contributor/operations");
}

Test(title, portuguese)
{
	CHECK("Diretora Comercial", "sales/director/sales");
	CHECK("Gerente de Compras e Suprimentos",
	      "procurement_legal/manager/procurement");
	CHECK("Coordenador de Logística", "end_user/manager/operations");
	CHECK("Supervisor de Vendas", "sales/manager/sales");
	CHECK("Engenheiro de Software",
	      "technical_evaluator/individual_contributor/engineering");
	CHECK("Contador", "finance/individual_contributor/finance");
	CHECK("Comprador",
	      "procurement_legal/individual_contributor/procurement");
	CHECK("Advogado", "procurement_legal/individual_contributor/legal");
	CHECK("Assistente de RH", "hr/individual_contributor/hr");
	CHECK("Auxiliar Administrativo",
	      "end_user/individual_contributor/operations");
	CHECK("Técnico de Suporte",
	      "technical_evaluator/individual_contributor/it");
	CHECK("Tecnico de Suporte",
	      "technical_evaluator/individual_contributor/it");
}

Test(title, empty_garbage_and_hostile_input)
{
	struct title_labels l;
	char big[100000];

	title_classify(tx, "", 0, &l);
	cr_assert_str_eq(l.persona, "");
	cr_assert_str_eq(l.seniority, "");
	cr_assert_str_eq(l.department, "");
	title_classify(tx, " \t ", 3, &l);
	cr_assert_str_eq(l.persona, "");
	CHECK("---", "other/individual_contributor/other");
	CHECK("12345", "other/individual_contributor/other");
	CHECK("(m/w/d)", "other/individual_contributor/other");
	CHECK("Dragon Tamer", "other/individual_contributor/other");
	/* invalid UTF-8 around known words still classifies */
	CHECK("\xff\xfe Sales \xc3 Manager \x80", "sales/manager/sales");
	/* embedded NUL: pointer + length, the rest still read */
	title_classify(tx, "CFO\0xyz", 7, &l);
	cr_assert_str_eq(l.persona, "finance");
	/* very long titles: bounded work, no crash */
	memset(big, 'a', sizeof big);
	title_classify(tx, big, sizeof big, &l);
	cr_assert_str_eq(l.persona, "other");
	for (size_t i = 0; i + 4 < sizeof big; i += 4)
		memcpy(big + i, "VP \xe9", 4);
	title_classify(tx, big, sizeof big, &l);
	cr_assert_str_eq(l.seniority, "vp");
	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (char)(i * 7919 % 251 + 1);
	title_classify(tx, big, sizeof big, &l);
	cr_assert_not_null(l.persona);
}

Test(title, cache_same_answer_and_overflow)
{
	char s[64];
	struct title_labels a, b;

	title_classify(tx, "VP Marketing", 12, &a);
	title_classify(tx, "VP Marketing", 12, &b);
	cr_assert_str_eq(a.persona, b.persona);
	cr_assert_str_eq(a.seniority, b.seniority);
	cr_assert_str_eq(a.department, b.department);
	cr_assert_str_eq(b.department, "marketing");
	/* far more distinct titles than the cache holds: it is cleared and
	 * refilled, and answers stay right */
	for (int i = 0; i < 100000; i++) {
		int n = snprintf(s, sizeof s, "Sales Manager %d", i);
		title_classify(tx, s, (size_t)n, &a);
		if (strcmp(a.persona, "sales") ||
		    strcmp(a.seniority, "manager"))
			cr_assert_fail("wrong answer at %d: %s/%s", i,
				       a.persona, a.seniority);
	}
	title_classify(tx, "VP Marketing", 12, &a);
	cr_assert_str_eq(a.department, "marketing");
	title_classify(tx, "", 0, &a);
	title_classify(tx, "", 0, &b);
	cr_assert_str_eq(b.persona, "");
}

/* Write text to a temporary file; returns its path (static). */
static const char *tmpfile_with(const char *text)
{
	static char path[64];
	int fd;
	FILE *f;
	size_t k;

	/* mkstemp's template: six trailing capital X */
	snprintf(path, sizeof path, "/tmp/test_norm_title_");
	k = strlen(path);
	memset(path + k, 'X', 6);
	path[k + 6] = '\0';
	fd = mkstemp(path);
	cr_assert(fd >= 0);
	f = fdopen(fd, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	cr_assert_eq(fclose(f), 0);
	return path;
}

Test(title, user_rules_extend_and_take_precedence)
{
	struct cov_err e = {0};
	const char *path = tmpfile_with("# my rules\n"
					"widget wrangler\tengineering\t-\n"
					"growth*\tsales\t-\t9\n"
					"sales\tmarketing\t-\n"
					"kahuna\t-\tc_level\n"
					"!alias\tbk\tbookkeeper\n");

	/* built in, growth is marketing; the user's rule makes it sales */
	cr_assert_str_eq(cls(tx, "Growth Hacker"),
			 "marketing/individual_contributor/marketing");
	cr_assert_eq(taxonomy_load(tx, path, &e), 0, "%s", e.msg);
	unlink(path);
	CHECK("Widget Wrangler",
	      "technical_evaluator/individual_contributor/engineering");
	CHECK("Growth Hacker", "sales/individual_contributor/sales");
	CHECK("Growthhacking Lead", "sales/individual_contributor/sales");
	/* a user rule replaces the built-in rule of the same pattern */
	CHECK("Sales Manager", "marketing/manager/marketing");
	/* user rules beat built-in ones even at a lower priority */
	CHECK("Security Widget Wrangler",
	      "technical_evaluator/individual_contributor/engineering");
	CHECK("Big Kahuna of Finance", "finance/c_level/finance");
	CHECK("Big Kahuna", "economic_buyer/c_level/executive");
	CHECK("BK", "finance/individual_contributor/finance");
	/* the built-in rules are still there */
	CHECK("CFO", "finance/c_level/finance");
}

Test(title, replace_directive)
{
	struct cov_err e = {0};
	const char *path = tmpfile_with("!replace\nboss\texecutive\tc_level\n");

	cr_assert_eq(taxonomy_load(tx, path, &e), 0, "%s", e.msg);
	unlink(path);
	CHECK("Boss", "economic_buyer/c_level/executive");
	CHECK("CFO", "other/individual_contributor/other");
	CHECK("Sales Manager", "other/individual_contributor/other");
}

Test(title, load_from_memory)
{
	struct cov_err e = {0};
	const char *r = "zorbist\tfinance\tmanager\t7\n";

	cr_assert_eq(taxonomy_load_mem(tx, "mem", r, strlen(r), &e), 0);
	CHECK("Zorbist", "finance/manager/finance");
}

static void expect_bad(const char *text, long line, const char *what)
{
	struct taxonomy *t = taxonomy_new();
	struct cov_err e = {0};
	const char *path = tmpfile_with(text);

	cr_assert_eq(taxonomy_load(t, path, &e), -1, "accepted: %s", text);
	cr_expect_eq(e.code, COV_EXIT_USAGE);
	cr_expect_eq(e.line, line, "line %ld, want %ld for %s", e.line, line,
		     text);
	cr_expect_str_eq(e.file, path);
	cr_expect(strstr(e.msg, what) != NULL, "message '%s' lacks '%s'", e.msg,
		  what);
	unlink(path);
	/* a failed load leaves the taxonomy as it was */
	cr_expect_str_eq(cls(t, "CFO"), "finance/c_level/finance");
	taxonomy_free(t);
}

Test(title, malformed_rule_files)
{
	expect_bad("ok\tsales\t-\nbad line\n", 2, "expected PATTERN");
	expect_bad("# c\n\nx\tsalez\t-\n", 3, "unknown department");
	expect_bad("x\tsales\tboss\n", 1, "unknown seniority");
	expect_bad("x\tsales\t-\t12\n", 1, "priority");
	expect_bad("x\tsales\t-\ta\n", 1, "priority");
	expect_bad("x\t-\t-\n", 1, "needs a department or a seniority");
	expect_bad("a*b\tsales\t-\n", 1, "'*' inside");
	expect_bad("ab*\tsales\t-\n", 1, "at least 3");
	expect_bad("*\tsales\t-\n", 1, "only '*'");
	expect_bad("&&\tsales\t-\n", 1, "empty pattern");
	expect_bad("a b c d e f g\tsales\t-\n", 1, "more than 6");
	expect_bad("x\tsales\t-\t5\textra\n", 1, "too many");
	expect_bad("!replce\n", 1, "unknown directive");
	expect_bad("!alias\tvp\n", 1, "!alias needs");
	expect_bad("!alias\ta b\tc\n", 1, "one word");
	expect_bad("\xff\xfe\tsales\t-\n", 1, "invalid UTF-8");
}

Test(title, nul_in_rules)
{
	struct cov_err e = {0};
	static const char r[] = "x\tsales\t-\n\n\ny\tsales\t-\0\n";

	cr_assert_eq(taxonomy_load_mem(tx, "mem", r, sizeof r - 1, &e), -1);
	cr_assert_eq(e.line, 4);
	cr_assert_str_eq(e.file, "mem");
	cr_assert(strstr(e.msg, "NUL") != NULL, "%s", e.msg);
}

Test(title, missing_rule_file)
{
	struct cov_err e = {0};

	cr_assert_eq(taxonomy_load(tx, "/nonexistent/taxonomy.tsv", &e), -1);
	cr_assert_eq(e.code, COV_EXIT_IO);
	cr_assert_str_eq(e.file, "/nonexistent/taxonomy.tsv");
}

Test(title, free_null) { taxonomy_free(NULL); }

/* ---- accuracy on labelled lists ----------------------------------------- */

struct tally {
	int n, ok[4];
};

static void tally_print(const char *name, const struct tally *t)
{
	printf("%s: %d titles, persona %.1f%%, seniority %.1f%%, "
	       "department %.1f%%, all three %.1f%%\n",
	       name, t->n, 100.0 * t->ok[0] / t->n, 100.0 * t->ok[1] / t->n,
	       100.0 * t->ok[2] / t->n, 100.0 * t->ok[3] / t->n);
}

/* Score every row of a labelled TSV (title persona seniority department
 * [source]); per-language tallies keyed by the source's "lang/" prefix.
 * Mismatches are listed when list is set. */
static struct tally score_file(FILE *f, const char *name, int list,
			       struct tally *lang, char (*langs)[8], int *nlang)
{
	struct tally all = {0};
	char line[4096];
	int lineno = 0;

	while (fgets(line, sizeof line, f)) {
		char *c[5] = {0};
		char *s = line;
		int k = 0, ok[3];
		struct title_labels l;

		if (lineno++ == 0)
			continue; /* header */
		line[strcspn(line, "\r\n")] = '\0';
		while (k < 5 && s) {
			c[k++] = s;
			s = strchr(s, '\t');
			if (s)
				*s++ = '\0';
		}
		cr_assert(k >= 4, "%s:%d: fewer than 4 columns", name, lineno);
		title_classify(tx, c[0], strlen(c[0]), &l);
		ok[0] = !strcmp(l.persona, c[1]);
		ok[1] = !strcmp(l.seniority, c[2]);
		ok[2] = !strcmp(l.department, c[3]);
		all.n++;
		for (int i = 0; i < 3; i++)
			all.ok[i] += ok[i];
		all.ok[3] += ok[0] && ok[1] && ok[2];
		if (list && !(ok[0] && ok[1] && ok[2]))
			printf("  %s:%d: %s: got %s/%s/%s, want %s/%s/%s\n",
			       name, lineno, c[0], l.persona, l.seniority,
			       l.department, c[1], c[2], c[3]);
		if (lang && k >= 5) {
			char code[8];
			int j;
			snprintf(code, sizeof code, "%.*s",
				 (int)strcspn(c[4], "/"), c[4]);
			for (j = 0; j < *nlang && strcmp(langs[j], code); j++)
				;
			if (j == *nlang && j < 16)
				snprintf(langs[(*nlang)++], 8, "%s", code);
			if (j < 16) {
				lang[j].n++;
				for (int i = 0; i < 3; i++)
					lang[j].ok[i] += ok[i];
				lang[j].ok[3] += ok[0] && ok[1] && ok[2];
			}
		}
	}
	return all;
}

static int below(const struct tally *t, double p, double s, double d)
{
	return t->ok[0] < p * t->n || t->ok[1] < s * t->n ||
	       t->ok[2] < d * t->n;
}

Test(title, own_fixture_accuracy)
{
	const char *path = "tests/unit/titles.tsv";
	FILE *f = fopen(path, "r");
	struct tally t;

	cr_assert_not_null(f, "cannot open %s (run from the repository root)",
			   path);
	t = score_file(f, "titles.tsv", 0, NULL, NULL, NULL);
	fclose(f);
	cr_assert_geq(t.n, 320, "titles.tsv has only %d titles", t.n);
	tally_print("titles.tsv", &t);
	if (below(&t, 0.90, 0.90, 0.90)) {
		f = fopen(path, "r");
		score_file(f, "titles.tsv", 1, NULL, NULL, NULL);
		fclose(f);
	}
	fflush(stdout);
	cr_expect_geq(t.ok[0], 0.90 * t.n, "persona below 90%%");
	cr_expect_geq(t.ok[1], 0.90 * t.n, "seniority below 90%%");
	cr_expect_geq(t.ok[2], 0.90 * t.n, "department below 90%%");
}

Test(title, shared_dev_accuracy)
{
	const char *root = getenv("COV_SHARED");
	char path[4096];
	FILE *f;
	struct tally t, lang[16] = {{0}};
	char langs[16][8];
	int nlang = 0;

	if (!root || !*root)
		root = "../shared";
	snprintf(path, sizeof path, "%s/data/titles-dev.tsv", root);
	if (!(f = fopen(path, "r"))) {
		printf("skipped: %s not found\n", path);
		return;
	}
	t = score_file(f, "titles-dev.tsv", 0, lang, langs, &nlang);
	fclose(f);
	cr_assert_gt(t.n, 0);
	tally_print("titles-dev.tsv", &t);
	for (int j = 0; j < nlang; j++) {
		char name[160];
		snprintf(name, sizeof name, "  titles-dev.tsv [%s]", langs[j]);
		tally_print(name, &lang[j]);
	}
	if (below(&t, 0.90, 0.90, 0.90)) {
		f = fopen(path, "r");
		score_file(f, "titles-dev.tsv", 1, NULL, NULL, NULL);
		fclose(f);
	}
	fflush(stdout);
	cr_expect_geq(t.ok[0], 0.80 * t.n, "persona below 80%%");
	cr_expect_geq(t.ok[1], 0.80 * t.n, "seniority below 80%%");
	cr_expect_geq(t.ok[2], 0.75 * t.n, "department below 75%%");
}
