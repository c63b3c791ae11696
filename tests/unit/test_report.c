/* test_report.c - the post-incident report: the timeline in order with the
 * right people, times to contain and recover, findings, decisions, lessons;
 * hostile text arrives as text in both formats; the HTML loads nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "tater/ir.h"
#include "tater/report.h"
#include "tater/roles.h"
#include "tater/store.h"
#include "testutil.h"

struct fx {
	char *dir, *path;
	struct store *s;
	int64_t id;
};

/* Markup is accepted in a title; control characters are refused on entry,
 * so the ESC is written straight into the store (as a store edited by other
 * means could hold) to show the report sanitises what it reads anyway. */
static const char TITLE[] = "Risky sign-in <script>alert(1)</script> red | [x](http://e)";
static const char HOSTILE[] = "Risky sign-in <script>alert(1)</script> \x1b[31mred | [x](http://e)";

static int64_t step(struct fx *f, int phase, int seq)
{
	struct tater_err err = {0};
	int64_t id = 0;

	assert_int_equal(ir_step_find(f->s, f->id, phase, seq, &id, &err), 0);
	return id;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct tater_err err = {0};
	struct ir_activation a = {.slug = "account-compromise",
				  .title = TITLE,
				  .severity = "high",
				  .user = "eve@contoso.com"};

	f->s = tu_store_new("report", "r.db", &f->dir, &f->path);
	assert_int_equal(store_role_set(f->s, "alice", STORE_ROLE_RESPONDER, &err), 0);
	assert_int_equal(store_role_set(f->s, "bob", STORE_ROLE_RESPONDER, &err), 0);

	/* alice opens, bob and alice work it, bob closes. */
	store_set_actor(f->s, "alice");
	assert_int_equal(ir_incident_activate(f->s, &a, &f->id, &err), 0);
	{
		sqlite3_stmt *st;

		assert_int_equal(sqlite3_prepare_v2(store_db(f->s),
						    "UPDATE incidents SET title = ? WHERE id = ?",
						    -1, &st, NULL),
				 SQLITE_OK);
		sqlite3_bind_text(st, 1, HOSTILE, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, f->id);
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
		sqlite3_finalize(st);
	}
	store_set_actor(f->s, "bob");
	assert_int_equal(ir_step_set_status(f->s, f->id, step(f, 0, 1), "done", NULL, NULL, &err),
			 0);
	store_set_actor(f->s, "alice");
	assert_int_equal(
	    ir_step_note(f->s, f->id, step(f, 0, 1), "Sign-in from 203.0.113.9", NULL, &err), 0);
	store_set_actor(f->s, "bob");
	assert_int_equal(ir_phase_note(f->s, f->id, 1, NULL, "Disable the account first", &err), 0);
	store_set_actor(f->s, "alice");
	for (int i = 1; i <= 7; i++)
		assert_int_equal(
		    ir_step_set_status(f->s, f->id, step(f, 1, i), i == 7 ? "skip" : "done",
				       i == 7 ? "No risk state to confirm" : NULL, NULL, &err),
		    0);
	store_set_actor(f->s, "bob");
	assert_int_equal(
	    ir_incident_close(f->s, f->id, "Enforce phishing-resistant MFA\nfor admins", &err), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	tu_store_free(f->s, f->dir, f->path);
	free(f);
	return 0;
}

static char *report(struct fx *f, enum report_format fmt)
{
	struct tater_err err = {0};
	char *out = NULL;
	size_t len = 0;

	assert_int_equal(report_incident(f->s, f->id, fmt, &out, &len, &err), 0);
	assert_int_equal(strlen(out), len);
	return out;
}

/* The Markdown timeline rows, in order: "| N | time | who | where | what |". */
static void test_markdown_timeline_in_order_with_people(void **state)
{
	struct fx *f = *state;
	char *md = report(f, REPORT_MARKDOWN);
	const char *tl = strstr(md, "## Timeline"), *end = strstr(md, "## Steps"), *p;
	/* who, where (start), what (start) for each expected row */
	static const char *const rows[][3] = {
	    {"alice", "incident", "Activated: account-compromise revision 1"},
	    {"bob", "1.1 Read the alert", "Step marked: done"},
	    {"alice", "1.1 Read the alert", "Finding: Sign-in from 203.0.113.9"},
	    {"bob", "Containment (phase)", "Decision: Disable the account first"},
	    {"alice", "2.1 Revoke all sessions", "Step marked: done"},
	    {"alice", "2.2 ", "Step marked: done"},
	    {"alice", "2.3 ", "Step marked: done"},
	    {"alice", "2.4 ", "Step marked: done"},
	    {"alice", "2.5 ", "Step marked: done"},
	    {"alice", "2.6 ", "Step marked: done"},
	    {"alice", "2.7 ", "Step marked: skipped: No risk state to confirm"},
	    {"bob", "incident", "Closed: 8 of 29 steps finished"},
	};
	size_t i = 0;

	assert_non_null(tl);
	assert_non_null(end);
	p = strstr(tl, "|---|");
	assert_non_null(p);
	p = strchr(p, '\n') + 1;
	while (p < end && *p == '|') {
		char num[16], *line;
		const char *nl = strchr(p, '\n');

		line = strndup(p, (size_t)(nl - p));
		assert_true(i < sizeof(rows) / sizeof(rows[0]));
		snprintf(num, sizeof(num), "| %zu | ", i + 1);
		if (strncmp(line, num, strlen(num)) != 0)
			fail_msg("row %zu out of order: %s", i + 1, line);
		for (int k = 0; k < 3; k++) {
			char cell[300];

			snprintf(cell, sizeof(cell), "| %s", rows[i][k]);
			if (!tu_contains(line, cell))
				fail_msg("row %zu lacks '%s': %s", i + 1, rows[i][k], line);
		}
		free(line);
		p = nl + 1;
		i++;
	}
	assert_int_equal(i, sizeof(rows) / sizeof(rows[0]));

	/* Times to contain and recover; recovery never happened. */
	assert_false(tu_contains(md, "not contained yet"));
	assert_true(tu_contains(md, "| Time to contain | "));
	assert_true(tu_contains(md, "| Time to recover | not recovered yet |"));
	assert_true(tu_contains(md, "| Affected user | eve@contoso.com |"));
	/* Findings and decisions with who wrote them; lessons on two lines. */
	assert_true(tu_contains(strstr(md, "## Findings"), "| alice | 1.1 Read the alert"));
	assert_true(tu_contains(strstr(md, "## Decisions"), "| bob | Containment (phase) | "
							    "Disable the account first |"));
	assert_true(
	    tu_contains(md, "## Lessons learned\n\nEnforce phishing-resistant MFA\nfor admins"));
	/* The phase table shows who did how much. */
	assert_true(tu_contains(md, "| 2. Containment | - | 6/7 | 1 | 0 |"));
	free(md);
}

static void test_hostile_text_stays_text(void **state)
{
	struct fx *f = *state;
	char *md = report(f, REPORT_MARKDOWN), *html = report(f, REPORT_HTML);

	/* No terminal escape survives; the ESC is shown as \e. */
	assert_null(strchr(md, 0x1b));
	assert_null(strchr(html, 0x1b));
	assert_true(tu_contains(html, "\\e[31mred"));
	/* Markup arrives escaped. */
	assert_false(tu_contains(md, "<script"));
	assert_false(tu_contains(html, "<script"));
	assert_true(tu_contains(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	/* A Markdown link or table break in a title does not become one. */
	assert_true(tu_contains(md, "red \\| \\[x\\](http://e)"));
	free(md);
	free(html);
}

static void test_html_is_self_contained(void **state)
{
	struct fx *f = *state;
	char *html = report(f, REPORT_HTML), *path = tu_path(f->dir, "r.html"), *back;
	struct tater_err err = {0};
	struct stat st;

	assert_true(strncmp(html, "<!DOCTYPE html>", 15) == 0);
	assert_true(tu_contains(html, "<meta charset=\"utf-8\">"));
	assert_true(tu_contains(html, "Content-Security-Policy\" content=\"default-src 'none'"));
	assert_true(tu_contains(html, "<style>"));
	/* Nothing to fetch: no external stylesheet, script, image or font. */
	assert_false(tu_contains(html, "<link"));
	assert_false(tu_contains(html, "src="));
	assert_false(tu_contains(html, "@import"));
	assert_false(tu_contains(html, "url("));
	assert_true(tu_contains(html, "<td class=\"skipped\">skipped</td>"));
	assert_true(tu_contains(html, "Enforce phishing-resistant MFA<br>"));
	assert_true(tu_contains(html, "</html>\n"));

	assert_int_equal(report_write_file(path, html, strlen(html), &err), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	back = tu_read_file(path, NULL);
	assert_string_equal(back, html);
	free(back);
	free(path);
	free(html);
}

static void test_open_incident_and_unknown_one(void **state)
{
	struct fx *f = *state;
	struct ir_activation a = {.slug = "ddos", .title = "Flood", .severity = "low"};
	struct tater_err err = {0};
	enum report_format fmt;
	char *out = NULL;
	int64_t id;

	store_set_actor(f->s, "bob");
	assert_int_equal(ir_incident_activate(f->s, &a, &id, &err), 0);
	f->id = id;
	out = report(f, REPORT_MARKDOWN);
	assert_true(tu_contains(out, "| Status | open |"));
	assert_true(tu_contains(out, "| Time to contain | not contained yet |"));
	assert_true(tu_contains(out, "Not recorded yet: lessons are written when the incident"));
	free(out);
	out = NULL;
	assert_int_equal(report_incident(f->s, 4242, REPORT_HTML, &out, NULL, &err),
			 TATER_ENOTFOUND);
	assert_null(out);
	assert_int_equal(report_format_parse("pdf", &fmt, &err), TATER_EINVAL);
	assert_true(tu_contains(err.msg, "use md or html"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_markdown_timeline_in_order_with_people, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_hostile_text_stays_text, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_html_is_self_contained, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_open_incident_and_unknown_one, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
