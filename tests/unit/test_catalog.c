/* test_catalog.c - control files: parsing, errors a person can act on, the built-in list,
 * the user's directory. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "tater/catalog.h"
#include "testutil.h"

static const char good[] = "-- id: test.sample\n"
			   "-- title: A sample control\n"
			   "-- severity: high\n"
			   "-- area: Entra ID\n"
			   "-- group: Identity\n"
			   "-- cis-m365: 5.2.2.3, 5.2.2.2\n"
			   "-- scuba: MS.AAD.1.1v1\n"
			   "-- nist-800-53: AC-17, IA-2(1)\n"
			   "-- iso-27001: A.8.5\n"
			   "-- soc2: CC6.1\n"
			   "-- sources: graph.conditionalAccessPolicies, graph.subscribedSkus\n"
			   "-- remediation: none\n"
			   "-- description: First line of the description\n"
			   "--   and its continuation.\n"
			   "--\n"
			   "--   A second paragraph.\n"
			   "-- rationale: Why.\n"
			   "\n"
			   "-- a comment of the check, after the blank line\n"
			   "SELECT 'pass' AS status, 'fine' AS reason, NULL AS evidence;\n";

/* Parse text as a user file named "t.sql"; return the error message (static). */
static const char *parse_err(const char *text)
{
	static struct tater_err err;
	struct catalog *cat;

	memset(&err, 0, sizeof(err));
	assert_int_equal(catalog_new(&cat, &err), 0);
	if (catalog_add_text(cat, "t.sql", text, 1, &err) == 0)
		snprintf(err.msg, sizeof(err.msg), "(no error)");
	catalog_free(cat);
	return err.msg;
}

/* good with one line replaced (prefix match) or removed (repl NULL). */
static char *variant(const char *line_prefix, const char *repl)
{
	char *out = calloc(1, sizeof(good) + 256);
	const char *p = good;

	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = (size_t)(eol - p) + 1;

		if (strncmp(p, line_prefix, strlen(line_prefix)) == 0) {
			if (repl)
				strcat(out, repl);
		} else {
			strncat(out, p, len);
		}
		p += len;
	}
	return out;
}

static void test_parse_good(void **state)
{
	struct tater_err err = {0};
	struct catalog *cat;
	const struct control *c;

	(void)state;
	assert_int_equal(catalog_new(&cat, &err), 0);
	assert_int_equal(catalog_add_text(cat, "t.sql", good, 1, &err), 0);
	c = catalog_find(cat, "test.sample");
	assert_non_null(c);
	assert_string_equal(c->title, "A sample control");
	assert_string_equal(c->severity, "high");
	assert_string_equal(c->area, "Entra ID");
	assert_int_equal(c->refs[CATALOG_CIS_M365].n, 2);
	assert_string_equal(c->refs[CATALOG_CIS_M365].v[1], "5.2.2.2");
	assert_string_equal(c->refs[CATALOG_NIST].v[1], "IA-2(1)");
	assert_int_equal(c->sources.n, 2);
	assert_string_equal(c->sources.v[1], "graph.subscribedSkus");
	assert_null(c->remediation); /* "none" */
	assert_string_equal(
	    c->description,
	    "First line of the description and its continuation.\nA second paragraph.");
	assert_true(tu_contains(c->check, "-- a comment of the check"));
	assert_true(tu_contains(c->check, "SELECT 'pass'"));
	assert_int_equal(c->line, 1);
	assert_false(c->builtin);
	/* Framework filters, as `tater controls --framework` uses them. */
	assert_int_equal(catalog_control_cites(c, "scuba"), 1);
	assert_int_equal(catalog_control_cites(c, "scuba:ms.aad.1"), 1);
	assert_int_equal(catalog_control_cites(c, "scuba:MS.AAD.3"), 0);
	assert_int_equal(catalog_control_cites(c, "cis:5.2.2.2"), 1);
	assert_int_equal(catalog_control_cites(c, "nist:IA-2"), 1);
	assert_int_equal(catalog_control_cites(c, "soc2:CC7"), 0);
	assert_int_equal(catalog_control_cites(c, "pci"), TATER_EINVAL);
	assert_int_equal(catalog_framework_spec_ok("iso:A.8", &err), 0);
	assert_int_equal(catalog_framework_spec_ok("pci", &err), TATER_EINVAL);
	assert_true(tu_contains(err.msg, "unknown framework 'pci'"));
	catalog_free(cat);
}

static void test_parse_errors_name_file_and_line(void **state)
{
	char *t;

	(void)state;
	/* A typo in a key must not silently drop a mapping. */
	t = variant("-- scuba:", "-- scbua: MS.AAD.1.1v1\n");
	assert_string_equal(parse_err(t), "t.sql:7: unknown key 'scbua'");
	free(t);
	t = variant("-- title:", NULL);
	assert_true(tu_contains(parse_err(t), "t.sql:"));
	assert_true(tu_contains(parse_err(t), "missing required key 'title'"));
	free(t);
	t = variant("-- sources:", NULL);
	assert_true(tu_contains(parse_err(t), "missing required key 'sources'"));
	free(t);
	t = variant("-- severity:", "-- severity: severe\n");
	assert_string_equal(parse_err(t),
			    "t.sql:3: bad severity 'severe' (critical, high, medium or low)");
	free(t);
	t = variant("-- id:", "-- id: Test Sample\n");
	assert_true(tu_contains(parse_err(t), "t.sql:1: bad id 'Test Sample'"));
	free(t);
	t = variant("-- area:", "-- area: Entra ID\n-- area: Again\n");
	assert_string_equal(parse_err(t), "t.sql:5: key 'area' given twice (first on line 4)");
	free(t);
	t = variant("-- sources:", "-- sources: users\n");
	assert_true(tu_contains(parse_err(t), "t.sql:11: bad source name 'users'"));
	free(t);
	t = variant("SELECT", "\n");
	assert_true(tu_contains(parse_err(t), "missing the check"));
	free(t);
	/* A comment line right after the header, without a blank line, is a header line. */
	t = variant("\n", NULL);
	assert_true(tu_contains(parse_err(t), "t.sql:18: expected \"-- key: value\""));
	free(t);
	assert_true(tu_contains(parse_err("--   continuation first\n"),
				"t.sql:1: a continuation line before any"));
	assert_true(tu_contains(parse_err(""), "missing required key 'id'"));
}

static void test_duplicate_ids(void **state)
{
	char *dir = tu_tmpdir("catalog");
	char *a = tu_path(dir, "a.sql"), *b = tu_path(dir, "b.sql");
	struct tater_err err = {0};
	struct catalog *cat = NULL;
	char want[600];

	(void)state;
	tu_write_file(a, good, 0644);
	tu_write_file(b, good, 0644);
	/* Two user files with one id: neither may win silently. */
	assert_int_equal(catalog_open(&cat, dir, &err), TATER_EEXIST);
	assert_null(cat);
	snprintf(want, sizeof(want), "%s:1: duplicate control id 'test.sample' (also in %s:1)", b,
		 a);
	assert_string_equal(err.msg, want);
	/* Two built-ins with one id are refused as well (no replace). */
	assert_int_equal(catalog_new(&cat, &err), 0);
	assert_int_equal(catalog_add_text(cat, "built-in:x.sql", good, 0, &err), 0);
	assert_int_equal(catalog_add_text(cat, "built-in:y.sql", good, 0, &err), TATER_EEXIST);
	catalog_free(cat);
	tu_rmtree(dir);
	free(a);
	free(b);
	free(dir);
}

static void test_user_dir_adds_and_replaces(void **state)
{
	char *dir = tu_tmpdir("catalog");
	char *p1 = tu_path(dir, "mine.sql"), *p2 = tu_path(dir, "override.sql");
	char *p3 = tu_path(dir, "notes.txt");
	struct tater_err err = {0};
	struct catalog *cat = NULL;
	const struct control *c;
	size_t nbuiltin;
	char *text;

	(void)state;
	catalog_builtin_files(&nbuiltin);
	tu_write_file(p1, good, 0644);
	/* The user's version of a built-in control replaces it by id. */
	text = variant("-- id:", "-- id: aad.mfa-all-users\n");
	tu_write_file(p2, text, 0644);
	free(text);
	tu_write_file(p3, "not a control", 0644); /* only *.sql files are read */
	assert_int_equal(catalog_open(&cat, dir, &err), 0);
	assert_int_equal(catalog_count(cat), nbuiltin + 1);
	c = catalog_find(cat, "aad.mfa-all-users");
	assert_non_null(c);
	assert_string_equal(c->title, "A sample control");
	assert_false(c->builtin);
	assert_string_equal(c->origin, p2);
	c = catalog_find(cat, "aad.legacy-auth-blocked");
	assert_non_null(c);
	assert_true(c->builtin);
	/* Sorted by id, so listings are stable. */
	for (size_t i = 1; i < catalog_count(cat); i++)
		assert_true(strcmp(catalog_at(cat, i - 1)->id, catalog_at(cat, i)->id) < 0);
	catalog_free(cat);

	/* A broken user file is an error (naming it), not a silently smaller catalog. */
	tu_write_file(p1, "-- id: x.y\n-- titel: oops\n", 0644);
	assert_int_equal(catalog_open(&cat, dir, &err), TATER_EINVAL);
	assert_true(tu_contains(err.msg, "mine.sql:2: unknown key 'titel'"));

	/* A missing directory is no error; "" means built-ins only. */
	assert_int_equal(catalog_open(&cat, "/nonexistent/tater/controls", &err), 0);
	assert_int_equal(catalog_count(cat), nbuiltin);
	catalog_free(cat);
	assert_int_equal(catalog_open(&cat, "", &err), 0);
	assert_int_equal(catalog_count(cat), nbuiltin);
	catalog_free(cat);
	tu_rmtree(dir);
	free(p1);
	free(p2);
	free(p3);
	free(dir);
}

static void test_default_dir(void **state)
{
	char buf[256];
	struct tater_err err = {0};

	(void)state;
	setenv("XDG_CONFIG_HOME", "/x/config", 1);
	assert_int_equal(catalog_default_dir(buf, sizeof(buf), &err), 0);
	assert_string_equal(buf, "/x/config/tater/controls");
	unsetenv("XDG_CONFIG_HOME");
	setenv("HOME", "/home/ana", 1);
	assert_int_equal(catalog_default_dir(buf, sizeof(buf), &err), 0);
	assert_string_equal(buf, "/home/ana/.config/tater/controls");
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every file of catalog/controls is embedded (meson lists them by hand), and nothing else. */
static void test_builtin_list_matches_directory(void **state)
{
	const char *src = getenv("TATER_SRC");
	char path[4096], *names[512];
	size_t n = 0, nb;
	const struct tater_embedded *b = catalog_builtin_files(&nb);
	struct dirent *de;
	DIR *d;

	(void)state;
	assert_non_null(src);
	snprintf(path, sizeof(path), "%s/catalog/controls", src);
	d = opendir(path);
	assert_non_null(d);
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (len > 4 && strcmp(de->d_name + len - 4, ".sql") == 0) {
			assert_true(n < 512);
			names[n++] = strdup(de->d_name);
		}
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++) {
		size_t j;

		for (j = 0; j < nb; j++)
			if (strcmp(b[j].name, names[i]) == 0)
				break;
		if (j == nb)
			fail_msg(
			    "catalog/controls/%s is not in src/eval/meson.build's catalog_controls",
			    names[i]);
	}
	assert_int_equal(nb, n);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
}

/* What every built-in control owes its reader: a file named after its id, the frameworks it
 * answers to, text that explains it. */
static void test_builtins_are_complete(void **state)
{
	struct tater_err err = {0};
	struct catalog *cat = NULL;
	size_t nb;
	const struct tater_embedded *b = catalog_builtin_files(&nb);

	(void)state;
	assert_int_equal(catalog_open(&cat, "", &err), 0);
	assert_int_equal(catalog_count(cat), nb);
	assert_true(nb >= 29);
	for (size_t i = 0; i < nb; i++) {
		const struct control *c = catalog_at(cat, i);
		char want[256];

		snprintf(want, sizeof(want), "built-in:catalog/controls/%s.sql", c->id);
		if (strcmp(c->origin, want) != 0)
			fail_msg("%s lives in %s: name the file after the id", c->id, c->origin);
		/* Identity controls come from the baselines; a few Defender ones are Microsoft's
		 * own recommended settings that no baseline numbers, and say so by citing none. */
		if (!strncmp(c->id, "aad.", 4) && !c->refs[CATALOG_CIS_M365].n &&
		    !c->refs[CATALOG_SCUBA].n)
			fail_msg("%s cites neither CIS nor SCuBA", c->id);
		if (!c->refs[CATALOG_NIST].n || !c->refs[CATALOG_ISO].n || !c->refs[CATALOG_SOC2].n)
			fail_msg("%s lacks a NIST, ISO 27001 or SOC 2 reference", c->id);
		if (!c->description || !c->rationale)
			fail_msg("%s lacks a description or rationale", c->id);
		/* Entra ID controls are the Identity group; the others say where they belong. */
		if (!strncmp(c->id, "aad.", 4)) {
			assert_string_equal(c->group, "Identity");
			assert_string_equal(c->area, "Entra ID");
		} else {
			assert_true(c->group[0] && c->area[0]);
		}
		assert_true(c->builtin);
	}
	(void)b;
	catalog_free(cat);
}

/* The list: every automatable SCuBA AAD policy and the CIS identity items. */
static void test_builtins_cover_the_baselines(void **state)
{
	static const char *const scuba[] = {
	    "MS.AAD.1.1", "MS.AAD.2.1", "MS.AAD.2.3", "MS.AAD.3.1", "MS.AAD.3.2", "MS.AAD.3.3",
	    "MS.AAD.3.4", "MS.AAD.3.5", "MS.AAD.3.6", "MS.AAD.3.7", "MS.AAD.3.8", "MS.AAD.3.9",
	    "MS.AAD.5.1", "MS.AAD.5.2", "MS.AAD.5.3", "MS.AAD.6.1", "MS.AAD.7.1", "MS.AAD.7.2",
	    "MS.AAD.7.3", "MS.AAD.8.1", "MS.AAD.8.2",
	};
	static const char *const cis[] = {
	    "1.1.1",   "1.1.3",	  "1.3.1",    "5.1.2.2", "5.1.2.3", "5.1.5.1", "5.1.5.2",
	    "5.1.6.2", "5.1.6.3", "5.2.2.1",  "5.2.2.2", "5.2.2.3", "5.2.2.4", "5.2.2.5",
	    "5.2.2.6", "5.2.2.7", "5.2.2.12", "5.2.3.1", "5.2.3.4", "5.2.3.5", "5.2.4.1",
	};
	struct tater_err err = {0};
	struct catalog *cat = NULL;
	char spec[64];

	(void)state;
	assert_int_equal(catalog_open(&cat, "", &err), 0);
	for (size_t k = 0; k < 2; k++) {
		const char *const *ids = k ? cis : scuba;
		size_t n = k ? sizeof(cis) / sizeof(*cis) : sizeof(scuba) / sizeof(*scuba);

		for (size_t i = 0; i < n; i++) {
			int found = 0;

			snprintf(spec, sizeof(spec), "%s:%s%s", k ? "cis" : "scuba", ids[i],
				 k ? "" : "v");
			for (size_t c = 0; c < catalog_count(cat); c++) {
				const struct control *ct = catalog_at(cat, c);
				const struct catalog_list *l =
				    &ct->refs[k ? CATALOG_CIS_M365 : CATALOG_SCUBA];

				/* exact for CIS (5.2.2.1 is not 5.2.2.12) */
				for (size_t r = 0; r < l->n; r++)
					found |= k ? strcmp(l->v[r], ids[i]) == 0
						   : catalog_control_cites(ct, spec) == 1;
			}
			if (!found)
				fail_msg("no built-in control cites %s", spec);
		}
	}
	catalog_free(cat);
}

/* doc/controls.md lists every built-in control, so the user's reference cannot fall behind. */
static void test_doc_lists_builtins(void **state)
{
	char path[4096], *doc, want[160];
	struct tater_err err = {0};
	struct catalog *cat = NULL;

	(void)state;
	snprintf(path, sizeof(path), "%s/doc/controls.md", getenv("TATER_SRC"));
	doc = tu_read_file(path, NULL);
	assert_non_null(doc);
	assert_int_equal(catalog_open(&cat, "", &err), 0);
	for (size_t i = 0; i < catalog_count(cat); i++) {
		const struct control *c = catalog_at(cat, i);

		snprintf(want, sizeof(want), "| `%s` | %s | %s |", c->id, c->title, c->severity);
		if (!tu_contains(doc, want))
			fail_msg("doc/controls.md has no row \"%s\"", want);
	}
	catalog_free(cat);
	free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_good),
	    cmocka_unit_test(test_parse_errors_name_file_and_line),
	    cmocka_unit_test(test_duplicate_ids),
	    cmocka_unit_test(test_user_dir_adds_and_replaces),
	    cmocka_unit_test(test_default_dir),
	    cmocka_unit_test(test_builtin_list_matches_directory),
	    cmocka_unit_test(test_builtins_are_complete),
	    cmocka_unit_test(test_builtins_cover_the_baselines),
	    cmocka_unit_test(test_doc_lists_builtins),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
