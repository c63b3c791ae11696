/* test_ir.c - playbooks and incidents: the library, revision and approval
 * rules, activation from an approved revision only, frozen steps, the step
 * tracker, and the audit trail every change leaves. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "tater/activity.h"
#include "tater/ir.h"
#include "tater/roles.h"
#include "tater/store.h"
#include "testutil.h"

struct fx {
	char *dir, *path;
	char creator[64];
	struct store *s;
};

/* A minimal valid playbook file; step 2 of phase 3 is swapped in by tests. */
static char *playbook_json(const char *slug, const char *p1s1_title, const char *p3s2)
{
	char *out = NULL;
	int n = asprintf(
	    &out,
	    "{\"format\": \"tater-playbook/1\", \"slug\": \"%s\", \"name\": \"Lost laptop\","
	    " \"incident_type\": \"lost_device\", \"alert_types\": [\"lostDevice\"],"
	    " \"phases\": ["
	    "{\"phase\": \"Detection & Analysis\", \"steps\": [{\"title\": \"%s\","
	    "  \"detail\": \"Ask the owner\", \"evidence\": \"Ticket\"},"
	    "  {\"title\": \"Find the device in Intune\"}]},"
	    "{\"phase\": \"Containment\", \"steps\": [{\"title\": \"Remote lock\"},"
	    "  {\"title\": \"Revoke sessions\"}]},"
	    "{\"phase\": \"Eradication\", \"steps\": [{\"title\": \"Wipe\"}, %s]},"
	    "{\"phase\": \"Recovery\", \"steps\": [{\"title\": \"Issue a new laptop\"}]},"
	    "{\"phase\": \"Post-Incident\", \"steps\": [{\"title\": \"Review\"}]}]}",
	    slug, p1s1_title, p3s2);

	assert_true(n > 0);
	return out;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct tater_err err = {0};

	f->s = tu_store_new("ir", "ir.db", &f->dir, &f->path);
	snprintf(f->creator, sizeof(f->creator), "%s", store_actor(f->s));
	/* The creator is admin and hands out roles. */
	assert_int_equal(store_role_set(f->s, "alice", STORE_ROLE_RESPONDER, &err), 0);
	assert_int_equal(store_role_set(f->s, "bob", STORE_ROLE_RESPONDER, &err), 0);
	assert_int_equal(store_role_set(f->s, "carol", STORE_ROLE_ADMIN, &err), 0);
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

static int64_t count(struct store *s, const char *sql)
{
	sqlite3_stmt *st;
	int64_t n = -1;

	assert_int_equal(sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void assert_chain_ok(struct store *s)
{
	struct tater_err err = {0};
	int64_t bad = -1, n = 0;

	assert_int_equal(activity_verify(s, &bad, &n, &err), 0);
}

static void import_as(struct fx *f, const char *who, const char *slug)
{
	struct tater_err err = {0};
	char *json = playbook_json(slug, "Confirm the loss", "{\"title\": \"Check for use\"}");
	char got[64];
	int rev = 0;

	store_set_actor(f->s, who);
	assert_int_equal(ir_playbook_import(f->s, json, strlen(json), "test", got, &rev, &err), 0);
	assert_string_equal(got, slug);
	assert_int_equal(rev, 1);
	free(json);
}

static void test_roles(void **state)
{
	struct fx *f = *state;
	struct tater_err err = {0};
	enum store_role r;

	assert_int_equal(store_role_of(f->s, f->creator, &r, &err), 0);
	assert_int_equal(r, STORE_ROLE_ADMIN);
	assert_int_equal(store_role_of(f->s, "alice", &r, &err), 0);
	assert_int_equal(r, STORE_ROLE_RESPONDER);
	assert_int_equal(store_role_of(f->s, "nobody-in-particular", &r, &err), 0);
	assert_int_equal(r, STORE_ROLE_VIEWER);
	/* A responder cannot hand out roles. */
	store_set_actor(f->s, "alice");
	assert_int_equal(store_role_set(f->s, "alice", STORE_ROLE_ADMIN, &err), TATER_EPERM);
	assert_true(tu_contains(err.msg, "admin"));
}

static void test_builtins_loaded_once_and_approved(void **state)
{
	struct fx *f = *state;
	struct tater_err err = {0};
	struct ir_playbook *v;
	size_t n;
	int added = -1;
	static const char *const slugs[] = {"account-compromise", "data-breach", "ddos", "malware",
					    "phishing"};

	assert_int_equal(ir_playbooks_list(f->s, &v, &n, &err), 0);
	assert_int_equal(n, 5);
	for (size_t i = 0; i < n; i++) {
		struct ir_body b;
		struct ir_revision *revs;
		size_t nr;

		assert_string_equal(v[i].slug, slugs[i]);
		assert_int_equal(v[i].builtin, 1);
		assert_int_equal(v[i].approved_revno, 1);
		/* Due for review a year from loading: not overdue, and it will become so. */
		{
			char next_year[16], just_before[16]; /* loading may have been yesterday */
			time_t t = time(NULL) + 365 * 86400, early = t - 600;
			struct tm tm;

			gmtime_r(&t, &tm);
			strftime(next_year, sizeof(next_year), "%Y-%m-%d", &tm);
			gmtime_r(&early, &tm);
			strftime(just_before, sizeof(just_before), "%Y-%m-%d", &tm);
			assert_true(!strcmp(v[i].review_due, next_year) ||
				    !strcmp(v[i].review_due, just_before));
			assert_int_equal(v[i].review_overdue, 0);
			assert_string_equal(v[i].owner, "");
		}
		assert_int_equal(ir_revisions_list(f->s, v[i].slug, &revs, &nr, &err), 0);
		assert_int_equal(nr, 1);
		assert_string_equal(revs[0].reviewed_by, "tater");
		free(revs);
		assert_int_equal(ir_revision_body(f->s, v[i].slug, 0, &b, &err), 0);
		/* Substantial: every phase has several steps, each with guidance. */
		for (int p = 0; p < IR_PHASES; p++) {
			assert_true(b.phase[p].n >= 4);
			for (size_t k = 0; k < b.phase[p].n; k++)
				assert_non_null(b.phase[p].steps[k].detail);
		}
		ir_body_free(&b);
	}
	free(v);
	assert_int_equal(ir_library_ensure(f->s, &added, &err), 0);
	assert_int_equal(added, 0);
	assert_int_equal(count(f->s, "SELECT count(*) FROM playbooks"), 5);
	/* The ITDR mapping comes with them. */
	{
		char slug[64];

		assert_int_equal(ir_playbook_for_alert_type(f->s, "unlikelyTravel", slug, &err), 0);
		assert_string_equal(slug, "account-compromise");
	}
}

static void test_import_validation_names_the_problem(void **state)
{
	struct fx *f = *state;
	struct tater_err err = {0};
	struct {
		const char *json, *msg;
	} cases[] = {
	    {NULL, "phase 3 step 2: title is missing"},
	    {"{\"format\": \"tater-playbook/1\", \"slug\": \"x\", \"name\": \"X\","
	     " \"incident_type\": \"t\", \"phases\": [{\"phase\": \"Containment\","
	     " \"steps\": [{\"title\": \"a\"}]}]}",
	     "phases must list the 5 phases"},
	    {"{\"format\": \"tater-playbook/1\", \"slug\": \"Bad Slug\"}", "slug is not valid"},
	    {"{\"slug\": \"x\"}", "format must be"},
	    {"{\"format\": \"tater-playbook/1\", \"slug\": \"x\", \"nmae\": \"X\"}",
	     "unknown field \"nmae\""},
	    {"{\"format\": \"tater-playbook/1\",", "not valid JSON: line 1"},
	};
	int64_t before_pb, before_log;

	ir_library_ensure(f->s, NULL, &err);
	before_pb = count(f->s, "SELECT count(*) FROM playbook_revisions");
	before_log = count(f->s, "SELECT count(*) FROM activity_log");
	cases[0].json = playbook_json("lost-laptop", "Confirm", "{\"detail\": \"no title\"}");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char slug[64];

		tater_err_clear(&err);
		assert_int_equal(ir_playbook_import(f->s, cases[i].json, strlen(cases[i].json), "t",
						    slug, NULL, &err),
				 TATER_EFORMAT);
		if (!tu_contains(err.msg, cases[i].msg))
			fail_msg("case %zu: '%s' does not say '%s'", i, err.msg, cases[i].msg);
	}
	free((char *)cases[0].json);
	/* A title carrying an escape sequence is refused, not stored. */
	{
		char *bad =
		    playbook_json("esc", "Click \\u001b]8;;http://x here", "{\"title\": \"y\"}");

		assert_int_equal(ir_playbook_import(f->s, bad, strlen(bad), "t", NULL, NULL, &err),
				 TATER_EFORMAT);
		assert_true(
		    tu_contains(err.msg, "phase 1 step 1: title holds a control character"));
		free(bad);
	}
	assert_int_equal(count(f->s, "SELECT count(*) FROM playbook_revisions"), before_pb);
	assert_int_equal(count(f->s, "SELECT count(*) FROM activity_log"), before_log);
	/* A pre-built playbook is not overwritten by an import. */
	{
		char *json = playbook_json("phishing", "Mine now", "{\"title\": \"y\"}");

		assert_int_equal(
		    ir_playbook_import(f->s, json, strlen(json), "t", NULL, NULL, &err),
		    TATER_EPERM);
		assert_true(tu_contains(err.msg, "copy it"));
		free(json);
	}
}

static void test_approval_rules(void **state)
{
	struct fx *f = *state;
	struct tater_err err = {0};
	struct ir_activation a = {
	    .slug = "lost-laptop", .title = "Laptop lost on a train", .severity = "medium"};
	struct ir_playbook p;
	int64_t id;

	import_as(f, "alice", "lost-laptop");
	/* Only an approved revision can be activated. */
	assert_int_equal(ir_incident_activate(f->s, &a, &id, &err), TATER_EPERM);
	assert_true(tu_contains(err.msg, "approved"));
	assert_int_equal(count(f->s, "SELECT count(*) FROM incidents"), 0);
	/* No self-approval, even for an admin: make alice admin and try. */
	store_set_actor(f->s, f->creator);
	assert_int_equal(store_role_set(f->s, "alice", STORE_ROLE_ADMIN, &err), 0);
	store_set_actor(f->s, "alice");
	assert_int_equal(ir_revision_approve(f->s, "lost-laptop", 1, &err), TATER_EPERM);
	assert_true(tu_contains(err.msg, "cannot review it"));
	/* A responder is not an admin. */
	store_set_actor(f->s, "bob");
	assert_int_equal(ir_revision_approve(f->s, "lost-laptop", 1, &err), TATER_EPERM);
	assert_true(tu_contains(err.msg, "bob is a responder"));
	assert_int_equal(ir_playbook_get(f->s, "lost-laptop", &p, &err), 0);
	assert_int_equal(p.approved_revno, 0);
	assert_string_equal(p.latest_status, "draft");
	/* The refusals are in the audit trail. */
	assert_int_equal(count(f->s, "SELECT count(*) FROM activity_log WHERE action ="
				     " 'playbook.approve' AND outcome = 'refused'"),
			 2);
	/* Another admin approves; then it activates. */
	store_set_actor(f->s, "carol");
	assert_int_equal(ir_revision_approve(f->s, "lost-laptop", 1, &err), 0);
	assert_int_equal(ir_revision_approve(f->s, "lost-laptop", 1, &err), TATER_EINVAL);
	store_set_actor(f->s, "bob");
	assert_int_equal(ir_incident_activate(f->s, &a, &id, &err), 0);
	/* A viewer cannot activate. */
	store_set_actor(f->s, "dave");
	assert_int_equal(ir_incident_activate(f->s, &a, &id, &err), TATER_EPERM);
	assert_true(tu_contains(err.msg, "dave is a viewer"));
	assert_chain_ok(f->s);
}

static void test_revisions_history_and_diff(void **state)
{
	struct fx *f = *state;
	struct tater_err err = {0};
	struct ir_revision *revs;
	struct ir_body b;
	size_t n;
	char *diff;
	int rev;

	import_as(f, "alice", "lost-laptop");
	store_set_actor(f->s, "bob");
	assert_int_equal(ir_revision_body(f->s, "lost-laptop", 0, &b, &err), 0);
	assert_int_equal(
	    ir_body_step_set(&b, 0, 0, "Confirm the loss with the owner", "By phone", NULL, &err),
	    0);
	assert_int_equal(ir_body_step_add(&b, 1, 0, "Block the device in Entra", NULL, NULL, &err),
			 0);
	assert_int_equal(ir_body_step_move(&b, 2, 1, 2, 0, &err), 0); /* reorder */
	assert_int_equal(ir_playbook_save(f->s, "lost-laptop", &b, "clearer steps", &rev, &err), 0);
	assert_int_equal(rev, 2);
	/* Saving the same body again is not a revision. */
	assert_int_equal(ir_playbook_save(f->s, "lost-laptop", &b, "again", &rev, &err),
			 TATER_EINVAL);
	/* A phase may not be emptied. */
	{
		struct ir_body e;

		assert_int_equal(ir_body_copy(&e, &b, &err), 0);
		assert_int_equal(ir_body_step_remove(&e, 3, 0, &err), 0);
		assert_int_equal(ir_playbook_save(f->s, "lost-laptop", &e, "x", NULL, &err),
				 TATER_EFORMAT);
		assert_true(tu_contains(err.msg, "phase 4 (Recovery): has no steps"));
		ir_body_free(&e);
	}
	ir_body_free(&b);

	assert_int_equal(ir_revisions_list(f->s, "lost-laptop", &revs, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(revs[0].author, "alice");
	assert_string_equal(revs[1].author, "bob");
	assert_string_equal(revs[1].status, "draft");
	assert_string_equal(revs[1].summary, "clearer steps");
	assert_true(revs[1].created_at[0] != '\0');
	free(revs);

	assert_int_equal(ir_revision_diff(f->s, "lost-laptop", 1, 2, &diff, &err), 0);
	assert_true(tu_contains(diff, "- * Confirm the loss\n"));
	assert_true(tu_contains(diff, "+ * Confirm the loss with the owner\n"));
	assert_true(tu_contains(diff, "+ * Block the device in Entra\n"));
	assert_true(tu_contains(diff, "## Containment"));
	/* Unchanged steps far from a change are not repeated. */
	assert_false(tu_contains(diff, "Issue a new laptop"));
	free(diff);

	/* Pre-built playbooks change through a copy. */
	assert_int_equal(ir_revision_body(f->s, "phishing", 0, &b, &err), 0);
	assert_int_equal(ir_playbook_save(f->s, "phishing", &b, "mine", NULL, &err), TATER_EPERM);
	assert_int_equal(ir_playbook_copy(f->s, "phishing", "phishing-acme", NULL, &err), 0);
	ir_body_step_add(&b, 4, 99, "Tell the insurer", NULL, NULL, &err);
	assert_int_equal(ir_playbook_save(f->s, "phishing-acme", &b, "insurer", &rev, &err), 0);
	assert_int_equal(rev, 2);
	ir_body_free(&b);
	assert_chain_ok(f->s);
}

static void test_owner_and_review_overdue(void **state)
{
	struct fx *f = *state;
	struct tater_err err = {0};
	struct ir_playbook p;

	store_set_actor(f->s, "alice");
	assert_int_equal(ir_playbook_set_owner(f->s, "malware", "alice", "2001-02-03", &err), 0);
	assert_int_equal(ir_playbook_get(f->s, "malware", &p, &err), 0);
	assert_string_equal(p.owner, "alice");
	assert_int_equal(p.review_overdue, 1);
	assert_int_equal(ir_playbook_set_owner(f->s, "malware", NULL, "2999-01-01", &err), 0);
	assert_int_equal(ir_playbook_get(f->s, "malware", &p, &err), 0);
	assert_string_equal(p.owner, "alice");
	assert_int_equal(p.review_overdue, 0);
	assert_int_equal(ir_playbook_set_owner(f->s, "malware", NULL, "2024-02-30", &err),
			 TATER_EINVAL);
}

/* Activate lost-laptop (approved by carol), as bob. */
static int64_t activate(struct fx *f)
{
	struct tater_err err = {0};
	struct ir_activation a = {.slug = "lost-laptop",
				  .title = "Laptop lost",
				  .severity = "high",
				  .user = "eve@contoso.com",
				  .host = "LT-042"};
	int64_t id = 0;

	import_as(f, "alice", "lost-laptop");
	store_set_actor(f->s, "carol");
	assert_int_equal(ir_revision_approve(f->s, "lost-laptop", 1, &err), 0);
	store_set_actor(f->s, "bob");
	assert_int_equal(ir_incident_activate(f->s, &a, &id, &err), 0);
	return id;
}

static void test_steps_frozen_at_activation(void **state)
{
	struct fx *f = *state;
	struct tater_err err = {0};
	struct ir_istep *steps;
	struct ir_body b;
	size_t n;
	int64_t id = activate(f);

	/* Edit and approve a new revision after activation. */
	store_set_actor(f->s, "alice");
	assert_int_equal(ir_revision_body(f->s, "lost-laptop", 0, &b, &err), 0);
	ir_body_step_set(&b, 0, 0, "Something else entirely", NULL, NULL, &err);
	ir_body_step_remove(&b, 1, 1, &err);
	assert_int_equal(ir_playbook_save(f->s, "lost-laptop", &b, "rewrite", NULL, &err), 0);
	ir_body_free(&b);
	store_set_actor(f->s, "carol");
	assert_int_equal(ir_revision_approve(f->s, "lost-laptop", 2, &err), 0);

	assert_int_equal(ir_incident_steps(f->s, id, &steps, &n, &err), 0);
	assert_int_equal(n, 8);
	assert_string_equal(steps[0].title, "Confirm the loss");
	assert_true(tu_contains(steps[0].detail, "Ask the owner"));
	assert_true(tu_contains(steps[0].detail, "Evidence to keep: Ticket"));
	assert_string_equal(steps[3].title, "Revoke sessions");
	ir_isteps_free(steps, n);
	{
		struct ir_incident inc;

		assert_int_equal(ir_incident_get(f->s, id, &inc, &err), 0);
		assert_int_equal(inc.revno, 1);
		assert_string_equal(inc.link_user, "eve@contoso.com");
		assert_string_equal(inc.opened_by, "bob");
		ir_incident_clear(&inc);
	}
}

static void test_tracker_and_audit_trail(void **state)
{
	struct fx *f = *state;
	struct tater_err err = {0};
	struct ir_istep *steps;
	struct ir_iphase ph[IR_PHASES];
	struct ir_incident inc;
	size_t n;
	int64_t id = activate(f), s11, s12, s21, s22, s41, log_before;

	log_before = count(f->s, "SELECT count(*) FROM activity_log");
	assert_int_equal(ir_step_find(f->s, id, 0, 1, &s11, &err), 0);
	assert_int_equal(ir_step_find(f->s, id, 0, 2, &s12, &err), 0);
	assert_int_equal(ir_step_find(f->s, id, 1, 1, &s21, &err), 0);
	assert_int_equal(ir_step_find(f->s, id, 1, 2, &s22, &err), 0);
	assert_int_equal(ir_step_find(f->s, id, 3, 1, &s41, &err), 0);
	assert_int_equal(ir_step_find(f->s, id, 1, 3, &s41, &err), TATER_ENOTFOUND);
	assert_int_equal(ir_step_find(f->s, id, 3, 1, &s41, &err), 0);

	store_set_actor(f->s, "bob");
	assert_int_equal(ir_phase_assign(f->s, id, 1, "alice", &err), 0);
	assert_int_equal(ir_step_assign(f->s, id, s21, "alice", &err), 0);
	assert_int_equal(ir_step_set_status(f->s, id, s11, "done", NULL, "Owner confirmed", &err),
			 0);
	/* Skipping and blocking need a reason, and change nothing without one. */
	assert_int_equal(ir_step_set_status(f->s, id, s12, "skip", NULL, NULL, &err), TATER_EINVAL);
	assert_true(tu_contains(err.msg, "reason is required"));
	assert_int_equal(ir_step_set_status(f->s, id, s12, "block", "", NULL, &err), TATER_EINVAL);
	assert_int_equal(ir_step_set_status(f->s, id, s12, "done", NULL, NULL, &err), 0);

	/* Current step: the first not done or skipped, in phase order. */
	assert_int_equal(ir_incident_steps(f->s, id, &steps, &n, &err), 0);
	assert_int_equal(ir_current_step(steps, n), 2);
	ir_isteps_free(steps, n);

	store_set_actor(f->s, "alice");
	assert_int_equal(ir_step_set_status(f->s, id, s21, "blocked", "MDM is down", NULL, &err),
			 0);
	assert_int_equal(ir_incident_steps(f->s, id, &steps, &n, &err), 0);
	assert_int_equal(ir_current_step(steps, n), 2); /* a blocked step stays current */
	assert_string_equal(steps[2].status, "blocked");
	assert_string_equal(steps[2].reason, "MDM is down");
	assert_string_equal(steps[2].updated_by, "alice");
	assert_string_equal(steps[2].assignee, "alice");
	ir_isteps_free(steps, n);

	assert_int_equal(ir_incident_get(f->s, id, &inc, &err), 0);
	assert_int_equal(inc.time_to_contain_s, -1);
	assert_int_equal(inc.steps_blocked, 1);
	ir_incident_clear(&inc);
	assert_int_equal(ir_step_set_status(f->s, id, s21, "done", NULL, NULL, &err), 0);
	assert_int_equal(ir_step_set_status(f->s, id, s22, "skip", "Not enrolled", NULL, &err), 0);
	assert_int_equal(ir_incident_get(f->s, id, &inc, &err), 0);
	assert_true(inc.contained_at[0] != '\0');
	assert_true(inc.time_to_contain_s >= 0);
	assert_int_equal(inc.time_to_recover_s, -1);
	ir_incident_clear(&inc);
	/* Reopening a containment step means it is not contained any more. */
	assert_int_equal(ir_step_set_status(f->s, id, s22, "todo", NULL, NULL, &err), 0);
	assert_int_equal(ir_incident_get(f->s, id, &inc, &err), 0);
	assert_string_equal(inc.contained_at, "");
	ir_incident_clear(&inc);
	assert_int_equal(ir_step_set_status(f->s, id, s22, "done", NULL, NULL, &err), 0);
	assert_int_equal(ir_step_set_status(f->s, id, s41, "done", NULL, NULL, &err), 0);
	assert_int_equal(ir_phase_note(f->s, id, 1, "Laptop was encrypted (BitLocker)",
				       "No breach notification", &err),
			 0);
	assert_int_equal(ir_step_note(f->s, id, s41, NULL, NULL, &err), TATER_EINVAL);

	assert_int_equal(ir_incident_phases(f->s, id, ph, &err), 0);
	assert_int_equal(ph[0].done, 2);
	assert_int_equal(ph[0].total, 2);
	assert_true(ph[0].completed_at[0] != '\0');
	assert_int_equal(ph[1].done, 2);
	assert_string_equal(ph[1].assignee, "alice");
	assert_string_equal(ph[1].findings, "Laptop was encrypted (BitLocker)");
	assert_string_equal(ph[2].started_at, "");
	assert_int_equal(ph[3].done, 1);
	assert_true(ph[3].completed_at[0] != '\0');
	ir_iphases_clear(ph);

	/* Closing needs lessons; a closed incident changes no more. */
	assert_int_equal(ir_incident_close(f->s, id, "", &err), TATER_EINVAL);
	assert_int_equal(ir_incident_close(f->s, id, "Keep MDM highly available", &err), 0);
	assert_int_equal(ir_step_set_status(f->s, id, s11, "todo", NULL, NULL, &err), TATER_EINVAL);
	assert_true(tu_contains(err.msg, "closed"));
	assert_int_equal(ir_incident_get(f->s, id, &inc, &err), 0);
	assert_string_equal(inc.status, "closed");
	assert_string_equal(inc.lessons, "Keep MDM highly available");
	assert_true(inc.time_to_recover_s >= 0);
	ir_incident_clear(&inc);

	/* Every change: one incident event and one activity entry, chain intact.
	 * 2 assigns, 8 status changes, 1 note on a status, 2 phase notes, close. */
	assert_int_equal(
	    count(f->s, "SELECT count(*) FROM incident_events WHERE kind <> 'activate'"), 14);
	assert_int_equal(count(f->s, "SELECT count(*) FROM activity_log") - log_before, 14);
	assert_int_equal(count(f->s, "SELECT count(*) FROM activity_log WHERE action ="
				     " 'incident.step' AND os_user = 'alice'"),
			 6);
	assert_chain_ok(f->s);
	{
		struct ir_event *ev;
		size_t ne;

		assert_int_equal(ir_incident_events(f->s, id, &ev, &ne, &err), 0);
		assert_int_equal(ne, 15);
		assert_string_equal(ev[0].kind, "activate");
		assert_string_equal(ev[0].actor, "bob");
		assert_string_equal(ev[1].kind, "assign");
		assert_int_equal(ev[1].phase, 1);
		assert_int_equal(ev[1].seq, 0);
		assert_string_equal(ev[1].detail, "alice");
		assert_string_equal(ev[ne - 1].kind, "close");
		assert_string_equal(ev[ne - 1].actor, "alice");
		ir_events_free(ev, ne);
	}
}

static void test_several_incidents_open_and_closed(void **state)
{
	struct fx *f = *state;
	struct tater_err err = {0};
	struct ir_activation a = {.slug = "ddos", .title = "Web flood", .severity = "critical"};
	struct ir_incident *v;
	size_t n;
	int64_t id1, id2;

	store_set_actor(f->s, "bob");
	assert_int_equal(ir_incident_activate(f->s, &a, &id1, &err), 0);
	a.slug = "phishing";
	a.title = "Invoice lure";
	a.severity = "urgent";
	assert_int_equal(ir_incident_activate(f->s, &a, &id2, &err), TATER_EINVAL);
	a.severity = "low";
	a.alert_id = 999;
	assert_int_equal(ir_incident_activate(f->s, &a, &id2, &err), TATER_ENOTFOUND);
	a.alert_id = 0;
	assert_int_equal(ir_incident_activate(f->s, &a, &id2, &err), 0);
	assert_int_equal(ir_incident_close(f->s, id1, "Add rate limits", &err), 0);
	assert_int_equal(ir_incidents_list(f->s, IR_OPEN, &v, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].title, "Invoice lure");
	assert_true(v[0].steps_total > 20);
	ir_incidents_free(v, n);
	assert_int_equal(ir_incidents_list(f->s, IR_CLOSED, &v, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].title, "Web flood");
	ir_incidents_free(v, n);
	assert_int_equal(ir_incidents_list(f->s, IR_ALL, &v, &n, &err), 0);
	assert_int_equal(n, 2);
	ir_incidents_free(v, n);
}

static void test_export_import_round_trip(void **state)
{
	struct fx *f = *state;
	struct tater_err err = {0};
	struct ir_body a, b;
	char *json, *moved, *diff, slug[64];
	const char *at;

	store_set_actor(f->s, "alice");
	assert_int_equal(ir_playbook_export(f->s, "account-compromise", 0, &json, &err), 0);
	at = strstr(json, "\"slug\": \"account-compromise\"");
	assert_non_null(at);
	assert_true(asprintf(&moved, "%.*s\"slug\": \"ato-acme\"%s", (int)(at - json), json,
			     at + strlen("\"slug\": \"account-compromise\"")) > 0);
	assert_int_equal(ir_playbook_import(f->s, moved, strlen(moved), "x.json", slug, NULL, &err),
			 0);
	assert_int_equal(ir_revision_body(f->s, "account-compromise", 0, &a, &err), 0);
	assert_int_equal(ir_revision_body(f->s, "ato-acme", 0, &b, &err), 0);
	diff = ir_body_diff(&a, &b);
	assert_string_equal(diff, "  ## Detection & Analysis\n  ## Containment\n  ## Eradication\n"
				  "  ## Recovery\n  ## Post-Incident\n(no differences)\n");
	free(diff);
	ir_body_free(&a);
	ir_body_free(&b);
	free(json);
	free(moved);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_roles, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_builtins_loaded_once_and_approved, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_import_validation_names_the_problem, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_approval_rules, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_revisions_history_and_diff, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_owner_and_review_overdue, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_steps_frozen_at_activation, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tracker_and_audit_trail, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_several_incidents_open_and_closed, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_export_import_round_trip, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
