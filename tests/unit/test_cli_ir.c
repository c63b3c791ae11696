/* test_cli_ir.c - the incident-response commands as a script runs them: the
 * real binary, a store in a temporary directory, no vault. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <jansson.h>

#include "testutil.h"

struct fx {
	char *dir, *store;
};

/* Run tater --store STORE args...; returns the exit status. */
static int run(struct fx *f, char **out, char **err, ...)
{
	char *argv[32];
	int n = 0;
	va_list ap;
	const char *a;

	argv[n++] = (char *)tu_bin("TATER_BIN");
	argv[n++] = "--store";
	argv[n++] = f->store;
	va_start(ap, err);
	while ((a = va_arg(ap, const char *)) != NULL && n < 31)
		argv[n++] = (char *)a;
	va_end(ap);
	argv[n] = NULL;
	return tu_run(argv, NULL, NULL, out, err);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->dir = tu_tmpdir("cliir");
	f->store = tu_path(f->dir, "data/tater.db");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	tu_rmtree(f->dir);
	free(f->dir);
	free(f->store);
	free(f);
	return 0;
}

static json_t *run_json(struct fx *f, const char *a1, const char *a2, const char *a3,
			const char *a4)
{
	char *out = NULL, *err = NULL;
	json_error_t je;
	json_t *j;

	assert_int_equal(run(f, &out, &err, a1, a2, a3, a4, NULL), 0);
	j = json_loads(out, 0, &je);
	if (!j)
		fail_msg("not JSON (%s): %s", je.text, out);
	free(out);
	free(err);
	return j;
}

static void test_library_listed_on_first_use(void **state)
{
	struct fx *f = *state;
	char *out = NULL, *err = NULL;
	json_t *j = run_json(f, "playbooks", "--json", NULL, NULL), *pb;
	size_t i;

	assert_int_equal(json_array_size(j), 5);
	json_array_foreach(j, i, pb)
	{
		assert_true(json_is_true(json_object_get(pb, "builtin")));
		assert_int_equal(json_integer_value(json_object_get(pb, "approved_revision")), 1);
	}
	json_decref(j);
	assert_int_equal(run(f, &out, &err, "playbooks", NULL), 0);
	assert_true(tu_contains(out, "phishing"));
	assert_true(tu_contains(out, "Data breach"));
	free(out);
	free(err);
	assert_int_equal(run(f, &out, &err, "playbook", "show", "ddos", NULL), 0);
	assert_true(tu_contains(out, "2. Containment"));
	assert_true(tu_contains(out, "  2.1 "));
	free(out);
	free(err);
}

static const char BAD[] =
    "{\"format\": \"tater-playbook/1\", \"slug\": \"stolen-phone\", \"name\": \"Stolen phone\","
    " \"incident_type\": \"lost_device\", \"phases\": ["
    "{\"phase\": \"Detection & Analysis\", \"steps\": [{\"title\": \"Confirm\"}]},"
    "{\"phase\": \"Containment\", \"steps\": [{\"title\": \"Wipe\"}]},"
    "{\"phase\": \"Eradication\", \"steps\": [{\"title\": \"Check\"}, {\"detail\": \"x\"}]},"
    "{\"phase\": \"Recovery\", \"steps\": [{\"title\": \"Replace\"}]},"
    "{\"phase\": \"Post-Incident\", \"steps\": [{\"title\": \"Review\"}]}]}";

static void test_import_export_and_approval(void **state)
{
	struct fx *f = *state;
	char *out = NULL, *err = NULL, *bad = tu_path(f->dir, "bad.json"),
	     *good = tu_path(f->dir, "good.json"), *exported = tu_path(f->dir, "out.json"), *text;
	char *fixed = strdup(BAD), *at = strstr(fixed, "{\"detail\": \"x\"}");
	json_t *j;

	/* A bad file: the message names the place; nothing changes. */
	tu_write_file(bad, BAD, 0644);
	assert_int_equal(run(f, &out, &err, "playbook", "import", bad, NULL), 2);
	assert_true(tu_contains(err, "phase 3 step 2: title is missing"));
	assert_true(tu_contains(err, "nothing imported"));
	free(out);
	free(err);
	j = run_json(f, "playbooks", "--json", NULL, NULL);
	assert_int_equal(json_array_size(j), 5);
	json_decref(j);

	/* Fixed, it imports as a draft. */
	memcpy(at, "{\"title\": \"X\"} ", 15);
	tu_write_file(good, fixed, 0644);
	assert_int_equal(run(f, &out, &err, "playbook", "import", good, NULL), 0);
	assert_true(tu_contains(out, "revision 1 (a draft)"));
	free(out);
	free(err);
	/* The author cannot approve it, though the creator of the store is admin. */
	assert_int_equal(run(f, &out, &err, "playbook", "approve", "stolen-phone", "1", NULL), 2);
	assert_true(tu_contains(err, "cannot review it"));
	free(out);
	free(err);
	/* A draft cannot be activated. */
	assert_int_equal(run(f, &out, &err, "incident", "activate", "stolen-phone", "--title", "T",
			     "--severity", "low", NULL),
			 2);
	assert_true(tu_contains(err, "approved"));
	free(out);
	free(err);
	j = run_json(f, "incidents", "--json", "--all", NULL);
	assert_int_equal(json_array_size(j), 0);
	json_decref(j);

	assert_int_equal(run(f, &out, &err, "playbook", "history", "stolen-phone", NULL), 0);
	assert_true(tu_contains(out, "draft"));
	assert_true(tu_contains(out, "imported from"));
	free(out);
	free(err);

	/* Export writes the same format back. */
	assert_int_equal(run(f, &out, &err, "playbook", "export", "phishing", "-o", exported, NULL),
			 0);
	free(out);
	free(err);
	text = tu_read_file(exported, NULL);
	assert_non_null(text);
	assert_true(tu_contains(text, "\"format\": \"tater-playbook/1\""));
	assert_true(tu_contains(text, "\"phase\": \"Post-Incident\""));
	free(text);
	free(fixed);
	free(bad);
	free(good);
	free(exported);
}

static void test_incident_from_activation_to_report(void **state)
{
	struct fx *f = *state;
	char *out = NULL, *err = NULL, *md = tu_path(f->dir, "r.md"),
	     *html = tu_path(f->dir, "r.html"), *text;
	json_t *j, *steps;

	assert_int_equal(run(f, &out, &err, "incident", "activate", "account-compromise", "--title",
			     "Impossible travel for eve", "--severity", "high", "--user",
			     "eve@contoso.com", "--host", "LT-042", NULL),
			 0);
	assert_true(tu_contains(out, "Opened incident #1"));
	free(out);
	free(err);
	assert_int_equal(run(f, &out, &err, "incident", "step", "1", "1.1", "done", "--note",
			     "Two countries in an hour", NULL),
			 0);
	free(out);
	free(err);
	/* Skip needs a reason. */
	assert_int_equal(run(f, &out, &err, "incident", "step", "1", "1.2", "skip", NULL), 2);
	assert_true(tu_contains(err, "reason is required"));
	free(out);
	free(err);
	assert_int_equal(run(f, &out, &err, "incident", "step", "1", "1.2", "skip", "--reason",
			     "Logs already in the alert", NULL),
			 0);
	free(out);
	free(err);
	assert_int_equal(run(f, &out, &err, "incident", "step", "1", "9.1", "done", NULL), 64);
	free(out);
	free(err);
	assert_int_equal(run(f, &out, &err, "incident", "assign", "1", "2", "bob", NULL), 0);
	free(out);
	free(err);
	assert_int_equal(run(f, &out, &err, "incident", "note", "1", "2.1", "--decision",
			     "Revoke before calling the user", NULL),
			 0);
	free(out);
	free(err);

	assert_int_equal(run(f, &out, &err, "incident", "show", "1", NULL), 0);
	assert_true(tu_contains(out, "[x] 1.1 "));
	assert_true(tu_contains(out, "[-] 1.2 "));
	assert_true(tu_contains(out, "> [ ] 1.3 ")); /* the current step */
	assert_true(tu_contains(out, "owner bob"));
	free(out);
	free(err);
	j = run_json(f, "incident", "show", "1", "--json");
	steps = json_object_get(j, "steps");
	assert_string_equal(json_string_value(json_object_get(json_array_get(steps, 0), "status")),
			    "done");
	assert_true(json_is_true(json_object_get(json_array_get(steps, 2), "current")));
	json_decref(j);

	assert_int_equal(
	    run(f, &out, &err, "incident", "close", "1", "--lessons", "Block legacy auth", NULL),
	    0);
	free(out);
	free(err);
	j = run_json(f, "incidents", "--json", NULL, NULL);
	assert_int_equal(json_array_size(j), 0);
	json_decref(j);
	j = run_json(f, "incidents", "--closed", "--json", NULL);
	assert_int_equal(json_array_size(j), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(j, 0), "lessons")),
			    "Block legacy auth");
	json_decref(j);

	assert_int_equal(
	    run(f, &out, &err, "report", "incident", "1", "--format", "md", "-o", md, NULL), 0);
	free(out);
	free(err);
	text = tu_read_file(md, NULL);
	assert_true(tu_contains(text, "# Post-incident report: \\#1 Impossible travel for eve") ||
		    tu_contains(text, "# Post-incident report: #1 Impossible travel for eve"));
	assert_true(tu_contains(text, "Finding: Two countries in an hour"));
	assert_true(tu_contains(text, "Block legacy auth"));
	free(text);
	assert_int_equal(
	    run(f, &out, &err, "report", "incident", "1", "--format", "html", "-o", html, NULL), 0);
	free(out);
	free(err);
	text = tu_read_file(html, NULL);
	assert_true(tu_contains(text, "<!DOCTYPE html>"));
	assert_true(tu_contains(text, "Decision: Revoke before calling the user"));
	free(text);
	assert_int_equal(run(f, &out, &err, "report", "incident", "1", "--format", "pdf", NULL),
			 64);
	free(out);
	free(err);

	/* Every change is in the activity log and the chain holds. */
	assert_int_equal(run(f, &out, &err, "db", "verify", NULL), 0);
	assert_true(tu_contains(out, "hash chain intact"));
	free(out);
	free(err);
	/* A closed incident changes no more. */
	assert_int_equal(run(f, &out, &err, "incident", "step", "1", "1.3", "done", NULL), 2);
	assert_true(tu_contains(err, "closed"));
	free(out);
	free(err);
	free(md);
	free(html);
}

static void test_readonly_refuses_changes(void **state)
{
	struct fx *f = *state;
	char *argv[] = {(char *)tu_bin("TATER_BIN"),
			"--store",
			f->store,
			"--readonly",
			"incident",
			"activate",
			"ddos",
			"--title",
			"T",
			"--severity",
			"low",
			NULL};
	char *out = NULL, *err = NULL;

	json_decref(run_json(f, "playbooks", "--json", NULL, NULL)); /* create the store */
	assert_int_equal(tu_run(argv, NULL, NULL, &out, &err), 2);
	assert_true(tu_contains(err, "read-only"));
	free(out);
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_library_listed_on_first_use, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_import_export_and_approval, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_incident_from_activation_to_report, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_readonly_refuses_changes, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
