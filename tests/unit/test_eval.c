/* test_eval.c - controls evaluated over a real store: the built-in catalog's scenarios
 * (tests/data/controls), unknown on missing data, the fence around user checks, risk
 * acceptance, exclusions and the score. */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "tater/catalog.h"
#include "tater/eval.h"
#include "tater/store.h"
#include "testutil.h"

struct fx {
	char *dir, *path;
	struct store *s;
	struct catalog *cat; /* built-ins */
	int next_tenant;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct tater_err err = {0};

	f->s = tu_store_new("eval", "tater.db", &f->dir, &f->path);
	store_set_actor(f->s, "ana");
	assert_int_equal(catalog_open(&f->cat, "", &err), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	catalog_free(f->cat);
	tu_store_free(f->s, f->dir, f->path);
	free(f);
	return 0;
}

/* A fresh scope per scenario, so scenarios never see each other's objects. */
static void new_scope(struct fx *f, char *scope, size_t n)
{
	snprintf(scope, n, "tenant:%d", ++f->next_tenant);
}

static int64_t new_scan(struct fx *f, const char *scope)
{
	struct tater_err err = {0};
	int64_t id;

	assert_int_equal(store_scan_start(f->s, scope, "m365", &id, &err), 0);
	return id;
}

static void source_ok(struct fx *f, int64_t scan, const char *scope, const char *source)
{
	struct tater_err err = {0};

	assert_int_equal(store_source_status(f->s, scan, scope, source, "ok", 200, 0, NULL, &err),
			 0);
}

/* Objects of one source, keyed as the collector keys them. */
static void put_objects(struct fx *f, int64_t scan, const char *scope, const char *source,
			json_t *arr)
{
	struct tater_err err = {0};
	size_t i;
	json_t *o;

	json_array_foreach(arr, i, o)
	{
		const char *id = json_string_value(json_object_get(o, "id"));
		char key[300], *text = json_dumps(o, JSON_COMPACT);

		/* Cmdlet output is keyed by Identity, Fabric settings by settingName. */
		if (!id)
			id = json_string_value(json_object_get(o, "Identity"));
		if (!id)
			id = json_string_value(json_object_get(o, "settingName"));

		if (strcmp(source, "graph.directoryRoleMembers") == 0)
			snprintf(
			    key, sizeof(key), "%s/%s",
			    json_string_value(json_object_get(json_object_get(o, "@role"), "id")),
			    id);
		else
			snprintf(key, sizeof(key), "%s", id ? id : source);
		assert_int_equal(
		    store_object_put(f->s, scan, scope, source, source + 6, key, text, &err), 0);
		free(text);
	}
}

/* The latest result of one control, or fail the test. */
static struct eval_result *result_of(struct eval_results *r, const char *id)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->v[i].control->id, id) == 0)
			return &r->v[i];
	fail_msg("no result for %s", id);
	return NULL;
}

static void evaluate(struct fx *f, const struct catalog *cat, const char *scope, int64_t scan,
		     struct eval_results *out)
{
	struct tater_err err = {0};
	struct eval_summary sum;

	if (eval_scope(f->s, cat, scope, scan, NULL, &sum, &err) != 0)
		fail_msg("eval_scope: %s", err.msg);
	assert_int_equal(sum.evaluated, (int)catalog_count(cat));
	assert_int_equal(eval_results_latest(f->s, cat, scope, NULL, out, &err), 0);
}

static json_t *load_scenarios(const char *id)
{
	char path[4096];
	json_error_t jerr;
	json_t *doc;

	snprintf(path, sizeof(path), "%s/tests/data/controls/%s.json", getenv("TATER_SRC"), id);
	doc = json_load_file(path, 0, &jerr);
	if (!doc)
		fail_msg("%s: %s (line %d): every built-in control needs its scenarios", path,
			 jerr.text, jerr.line);
	return doc;
}

/* Each built-in control, each scenario of its data file: objects in, the expected status out.
 * At least one pass and one fail per control, except a control whose data cannot be read at
 * all: its file says "unknown_only": true with a reason, and every case expects unknown. */
static void test_builtin_scenarios(void **state)
{
	struct fx *f = *state;
	struct tater_err err = {0};

	for (size_t i = 0; i < catalog_count(f->cat); i++) {
		const struct control *c = catalog_at(f->cat, i);
		json_t *doc = load_scenarios(c->id), *cases = json_object_get(doc, "cases"), *cs;
		int passes = 0, fails = 0, unknowns = 0;
		int unknown_only = json_is_true(json_object_get(doc, "unknown_only"));
		const char *why = json_string_value(json_object_get(doc, "reason"));
		size_t k;

		assert_string_equal(json_string_value(json_object_get(doc, "control")), c->id);
		if (unknown_only && (!why || !*why))
			fail_msg("%s: \"unknown_only\" needs a \"reason\"", c->id);
		json_array_foreach(cases, k, cs)
		{
			const char *name = json_string_value(json_object_get(cs, "name"));
			const char *expect = json_string_value(json_object_get(cs, "expect"));
			const char *want_reason = json_string_value(json_object_get(cs, "reason"));
			json_t *srcs = json_object_get(cs, "sources"), *arr, *x;
			struct eval_results res;
			struct eval_result *r;
			const char *src;
			char scope[32];
			int64_t scan;
			size_t e;

			new_scope(f, scope, sizeof(scope));
			scan = new_scan(f, scope);
			for (size_t s = 0; s < c->sources.n; s++)
				source_ok(f, scan, scope, c->sources.v[s]);
			json_object_foreach(srcs, src, arr) put_objects(f, scan, scope, src, arr);
			json_array_foreach(json_object_get(cs, "exclusions"), e, x)
			{
				const char *for_ctl =
				    json_string_value(json_object_get(x, "control"));

				assert_int_equal(
				    eval_exclusion_add(
					f->s, f->cat, scope, for_ctl ? for_ctl : c->id,
					json_string_value(json_object_get(x, "kind")),
					json_string_value(json_object_get(x, "object_id")),
					"break-glass", &err),
				    0);
			}
			evaluate(f, f->cat, scope, scan, &res);
			r = result_of(&res, c->id);
			if (strcmp(r->status, expect) != 0 ||
			    (want_reason && !tu_contains(r->reason, want_reason)))
				fail_msg("%s, \"%s\": expected %s%s%s, got %s: %s", c->id, name,
					 expect, want_reason ? " with " : "",
					 want_reason ? want_reason : "", r->status, r->reason);
			passes += strcmp(expect, "pass") == 0;
			fails += strcmp(expect, "fail") == 0;
			unknowns += strcmp(expect, "unknown") == 0;
			/* No built-in check may break on any scenario. */
			for (size_t j = 0; j < res.n; j++)
				if (tu_contains(res.v[j].reason, "check failed"))
					fail_msg("%s on the scenario \"%s\" of %s: %s",
						 res.v[j].control->id, name, c->id,
						 res.v[j].reason);
			eval_results_free(&res);
		}
		if (unknown_only && (passes || fails || !unknowns))
			fail_msg("%s is unknown_only: its cases must all expect unknown", c->id);
		if (!unknown_only && (!passes || !fails))
			fail_msg("%s needs at least one pass and one fail scenario", c->id);
		json_decref(doc);
	}
}

/* Every check prepares against the real views, and on an empty snapshot (each source
 * collected, no objects) returns a valid row: a shape error would show as "check failed". */
static void test_builtins_prepare_and_handle_empty(void **state)
{
	struct fx *f = *state;
	struct tater_err err = {0};
	struct eval_results res;
	char scope[32];
	int64_t scan;

	new_scope(f, scope, sizeof(scope));
	assert_int_equal(eval_views_create(f->s, scope, &err), 0);
	for (size_t i = 0; i < catalog_count(f->cat); i++) {
		const struct control *c = catalog_at(f->cat, i);
		sqlite3_stmt *st = NULL;

		if (sqlite3_prepare_v2(store_db(f->s), c->check, -1, &st, NULL) != SQLITE_OK)
			fail_msg("%s: %s", c->id, sqlite3_errmsg(store_db(f->s)));
		assert_true(sqlite3_stmt_readonly(st));
		sqlite3_finalize(st);
	}
	eval_views_drop(f->s);

	scan = new_scan(f, scope);
	for (size_t i = 0; i < catalog_count(f->cat); i++)
		for (size_t s = 0; s < catalog_at(f->cat, i)->sources.n; s++)
			source_ok(f, scan, scope, catalog_at(f->cat, i)->sources.v[s]);
	evaluate(f, f->cat, scope, scan, &res);
	assert_int_equal(res.n, catalog_count(f->cat));
	for (size_t j = 0; j < res.n; j++)
		if (tu_contains(res.v[j].reason, "check failed"))
			fail_msg("%s on an empty snapshot: %s", res.v[j].control->id,
				 res.v[j].reason);
	/* With nothing configured, the conditional-access controls fail rather than pass. */
	assert_string_equal(result_of(&res, "aad.mfa-all-users")->status, "fail");
	assert_string_equal(result_of(&res, "aad.legacy-auth-blocked")->status, "fail");
	eval_results_free(&res);
}

/* All scenarios' objects in one scope at once: a populated tenant. */
static void test_builtins_on_a_populated_snapshot(void **state)
{
	struct fx *f = *state;
	struct eval_results res;
	char scope[32];
	int64_t scan;

	new_scope(f, scope, sizeof(scope));
	scan = new_scan(f, scope);
	for (size_t i = 0; i < catalog_count(f->cat); i++) {
		const struct control *c = catalog_at(f->cat, i);
		json_t *doc = load_scenarios(c->id), *cs, *arr;
		const char *src;
		size_t k;

		for (size_t s = 0; s < c->sources.n; s++)
			source_ok(f, scan, scope, c->sources.v[s]);
		json_array_foreach(json_object_get(doc, "cases"), k, cs)
		    json_object_foreach(json_object_get(cs, "sources"), src, arr)
			put_objects(f, scan, scope, src, arr);
		json_decref(doc);
	}
	evaluate(f, f->cat, scope, scan, &res);
	for (size_t j = 0; j < res.n; j++) {
		if (tu_contains(res.v[j].reason, "check failed"))
			fail_msg("%s on a populated snapshot: %s", res.v[j].control->id,
				 res.v[j].reason);
		assert_true(res.v[j].reason[0] != 0);
	}
	/* Some scenario policy requires MFA for all users without exclusions. */
	assert_string_equal(result_of(&res, "aad.mfa-all-users")->status, "pass");
	eval_results_free(&res);
}

/* A source the app may not read makes its controls unknown, with the reason; never pass. */
static void test_unknown_on_denied_or_missing_source(void **state)
{
	struct fx *f = *state;
	struct tater_err err = {0};
	struct eval_results res;
	struct eval_result *r;
	char scope[32];
	int64_t scan;

	new_scope(f, scope, sizeof(scope));
	scan = new_scan(f, scope);
	assert_int_equal(
	    store_source_status(f->s, scan, scope, "graph.conditionalAccessPolicies", "denied", 403,
				0, "403 Authorization_RequestDenied (needs Policy.Read.All)", &err),
	    0);
	assert_int_equal(store_source_status(f->s, scan, scope, "graph.subscribedSkus", "ok", 200,
					     0, NULL, &err),
			 0);
	assert_int_equal(
	    store_source_status(f->s, scan, scope, "graph.domains", "error", 503, 0, NULL, &err),
	    0);
	evaluate(f, f->cat, scope, scan, &res);
	r = result_of(&res, "aad.mfa-all-users");
	assert_string_equal(r->status, "unknown");
	assert_string_equal(r->reason, "graph.conditionalAccessPolicies: 403 "
				       "Authorization_RequestDenied (needs Policy.Read.All)");
	{
		char *ev;

		assert_int_equal(eval_result_evidence(f->s, r->id, &ev, &err), 0);
		assert_string_equal(ev, "[]");
		assert_int_equal(r->evidence_count, 0);
		free(ev);
	}
	r = result_of(&res, "aad.block-high-risk-users"); /* skus fine, CA denied */
	assert_string_equal(r->status, "unknown");
	r = result_of(&res, "aad.password-never-expires");
	assert_string_equal(r->status, "unknown");
	assert_string_equal(r->reason, "graph.domains: error (HTTP 503)");
	r = result_of(&res, "aad.sspr-enabled"); /* never collected */
	assert_string_equal(r->status, "unknown");
	assert_string_equal(r->reason, "graph.userRegistrationDetails: not collected yet");
	for (size_t i = 0; i < res.n; i++)
		assert_string_not_equal(res.v[i].status, "pass");
	eval_results_free(&res);
}

/* ---- user controls: the fence ---- */

static const char user_head[] = "-- id: %s\n"
				"-- title: User control %s\n"
				"-- severity: %s\n"
				"-- area: Test\n"
				"-- group: Tests\n"
				"-- nist-800-53: AC-6\n"
				"-- sources: test.static\n"
				"\n"
				"%s\n";

static void add_user(struct catalog *cat, const char *id, const char *severity, const char *sql)
{
	struct tater_err err = {0};
	char *text;

	assert_true(asprintf(&text, user_head, id, id, severity, sql) > 0);
	if (catalog_add_text(cat, "user.sql", text, 1, &err) != 0)
		fail_msg("%s", err.msg);
	free(text);
}

static char *eval_user(struct fx *f, struct catalog *cat, const char *scope, int64_t *scan_out,
		       const char *id, char status[8])
{
	struct eval_results res;
	struct eval_result *r;
	int64_t scan = new_scan(f, scope);
	char *reason;

	source_ok(f, scan, scope, "test.static");
	evaluate(f, cat, scope, scan, &res);
	r = result_of(&res, id);
	snprintf(status, 8, "%s", r->status);
	reason = strdup(r->reason);
	eval_results_free(&res);
	if (scan_out)
		*scan_out = scan;
	return reason;
}

static void test_broken_user_checks_are_unknown(void **state)
{
	static const struct {
		const char *sql, *reason;
	} cases[] = {
	    {"SELEC 'pass' AS status", "check failed: near \"SELEC\": syntax error"},
	    {"SELECT 'ok' AS status, 'x' AS reason, NULL AS evidence",
	     "check failed: status must be pass, fail or unknown, not 'ok'"},
	    {"SELECT 'pass' AS status, 'x' AS reason FROM (SELECT 1 UNION ALL SELECT 2)",
	     "check failed: the check returned more than one row"},
	    {"SELECT 'pass' AS status, 'x' AS reason WHERE 0",
	     "check failed: the check returned no row"},
	    {"SELECT 'fail' AS status, 'x' AS reason, '{\"a\":1}' AS evidence",
	     "check failed: evidence is not a JSON array"},
	    {"SELECT 'pass' AS status, NULL AS reason", "check failed: the check gave no reason"},
	    {"SELECT 'pass', 'x', NULL", "check failed: the result needs columns named status"},
	    {"SELECT 'pass' AS status, :tenant AS reason",
	     "check failed: unknown parameter :tenant"},
	    {"SELECT 'pass' AS status, 'x' AS reason FROM no_such_view",
	     "check failed: no such table: no_such_view"},
	    {"SELECT 'pass' AS status, 'x' AS reason; SELECT 1",
	     "check failed: the check must be one SELECT statement"},
	};
	struct fx *f = *state;
	struct tater_err err = {0};
	char scope[32], status[8];

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct catalog *cat;
		char *reason;

		assert_int_equal(catalog_new(&cat, &err), 0);
		add_user(cat, "user.broken", "high", cases[i].sql);
		add_user(cat, "user.fine", "low",
			 "SELECT 'pass' AS status, 'fine' AS reason, NULL AS evidence");
		new_scope(f, scope, sizeof(scope));
		reason = eval_user(f, cat, scope, NULL, "user.broken", status);
		assert_string_equal(status, "unknown");
		if (!tu_contains(reason, cases[i].reason))
			fail_msg("case %zu: expected \"%s\", got \"%s\"", i, cases[i].reason,
				 reason);
		free(reason);
		/* One broken control does not stop the others. */
		reason = eval_user(f, cat, scope, NULL, "user.fine", status);
		assert_string_equal(status, "pass");
		free(reason);
		catalog_free(cat);
	}
}

static void test_user_checks_cannot_change_or_peek(void **state)
{
	static const char *const attempts[] = {
	    "DELETE FROM objects",
	    "WITH x AS (SELECT 1) DELETE FROM main.control_results",
	    "SELECT 'pass' AS status, 'x' AS reason; DROP TABLE main.objects",
	    "UPDATE main.scans SET status = 'error'",
	    "PRAGMA writable_schema = 1",
	    "ATTACH DATABASE '/tmp/tater-evil.db' AS evil",
	    "SELECT 'pass' AS status, hex(wrapped_key) AS reason FROM main.vault",
	    "SELECT 'pass' AS status, count(*) || '' AS reason FROM main.objects",
	    "SELECT 'pass' AS status, os_user AS reason FROM activity_log",
	    "SELECT 'pass' AS status, 'x' AS reason FROM pragma_table_info('objects')",
	    "COMMIT",
	};
	struct fx *f = *state;
	struct tater_err err = {0};
	char scope[32], status[8];
	sqlite3_stmt *st;
	int64_t before, after;

	new_scope(f, scope, sizeof(scope));
	{
		int64_t scan = new_scan(f, scope);
		json_t *users = json_pack("[{s:s}]", "id", "u1");

		put_objects(f, scan, scope, "graph.users", users);
		json_decref(users);
	}
	assert_int_equal(
	    sqlite3_prepare_v2(store_db(f->s), "SELECT count(*) FROM objects", -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	before = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	for (size_t i = 0; i < sizeof(attempts) / sizeof(*attempts); i++) {
		struct catalog *cat;
		char *reason;

		assert_int_equal(catalog_new(&cat, &err), 0);
		add_user(cat, "user.evil", "low", attempts[i]);
		reason = eval_user(f, cat, scope, NULL, "user.evil", status);
		assert_string_equal(status, "unknown");
		if (!tu_contains(reason, "check failed"))
			fail_msg("attempt %zu: %s", i, reason);
		free(reason);
		catalog_free(cat);
	}
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	after = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	assert_int_equal(before, after);
	assert_int_equal(store_exec(f->s, "SELECT * FROM main.objects, main.scans LIMIT 1", &err),
			 0);
	assert_false(store_in_txn(f->s));
}

static void test_slow_check_times_out(void **state)
{
	struct fx *f = *state;
	struct tater_err err = {0};
	struct catalog *cat;
	struct eval_opts o = {.timeout_ms = 200};
	struct eval_results res;
	char scope[32];
	int64_t scan;

	assert_int_equal(catalog_new(&cat, &err), 0);
	add_user(cat, "user.slow", "low",
		 "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n)"
		 " SELECT 'pass' AS status, max(i) || '' AS reason FROM n");
	new_scope(f, scope, sizeof(scope));
	scan = new_scan(f, scope);
	source_ok(f, scan, scope, "test.static");
	assert_int_equal(eval_scope(f->s, cat, scope, scan, &o, NULL, &err), 0);
	assert_int_equal(eval_results_latest(f->s, cat, scope, NULL, &res, &err), 0);
	assert_string_equal(res.v[0].status, "unknown");
	assert_string_equal(res.v[0].reason, "check failed: took longer than 200 ms");
	eval_results_free(&res);
	catalog_free(cat);
}

/* Parameters and the evidence cap. */
static void test_parameters_and_evidence_cap(void **state)
{
	struct fx *f = *state;
	struct tater_err err = {0};
	struct catalog *cat;
	struct eval_opts o = {.now = "2026-03-01T00:00:00.000Z", .stale_days = 45};
	struct eval_results res;
	json_t *ev;
	char *json, scope[32], want[128];
	int64_t scan;

	assert_int_equal(catalog_new(&cat, &err), 0);
	add_user(cat, "user.params", "low",
		 "SELECT 'pass' AS status, :now || ' ' || :stale_days || ' ' || :scope AS reason,"
		 " NULL AS evidence");
	add_user(cat, "user.many", "low",
		 "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1500)"
		 " SELECT 'fail' AS status, '1500 objects' AS reason,"
		 " (SELECT json_group_array(json_object('id', i)) FROM n) AS evidence");
	new_scope(f, scope, sizeof(scope));
	scan = new_scan(f, scope);
	source_ok(f, scan, scope, "test.static");
	assert_int_equal(eval_scope(f->s, cat, scope, scan, &o, NULL, &err), 0);
	assert_int_equal(eval_results_latest(f->s, cat, scope, NULL, &res, &err), 0);
	snprintf(want, sizeof(want), "2026-03-01T00:00:00.000Z 45 %s", scope);
	assert_string_equal(result_of(&res, "user.params")->reason, want);
	assert_int_equal(result_of(&res, "user.many")->evidence_count, 1500);
	assert_int_equal(eval_result_evidence(f->s, result_of(&res, "user.many")->id, &json, &err),
			 0);
	ev = json_loads(json, 0, NULL);
	assert_int_equal(json_array_size(ev), EVAL_EVIDENCE_MAX);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(ev, 0), "id")), 1);
	json_decref(ev);
	free(json);
	eval_results_free(&res);
	catalog_free(cat);
}

/* ---- acceptance, exclusions, score ---- */

static int64_t activity_count(struct fx *f, const char *action)
{
	sqlite3_stmt *st;
	int64_t n;

	assert_int_equal(sqlite3_prepare_v2(store_db(f->s),
					    "SELECT count(*) FROM activity_log WHERE action = ?",
					    -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(st, 1, action, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static struct catalog *score_catalog(void)
{
	struct tater_err err = {0};
	struct catalog *cat;

	assert_int_equal(catalog_new(&cat, &err), 0);
	add_user(cat, "s.critical-pass", "critical",
		 "SELECT 'pass' AS status, 'ok' AS reason, NULL AS evidence");
	add_user(cat, "s.high-fail", "high",
		 "SELECT 'fail' AS status, 'bad' AS reason, '[1,2,3]' AS evidence");
	add_user(cat, "s.medium-pass", "medium",
		 "SELECT 'pass' AS status, 'ok' AS reason, NULL AS evidence");
	add_user(cat, "s.low-unknown", "low",
		 "SELECT 'unknown' AS status, 'no data' AS reason, NULL AS evidence");
	add_user(cat, "s.low-fail", "low",
		 "SELECT 'fail' AS status, 'bad' AS reason, NULL AS evidence");
	return cat;
}

static void test_score_and_trend(void **state)
{
	struct fx *f = *state;
	struct tater_err err = {0};
	struct catalog *cat = score_catalog();
	struct eval_score sc, *trend;
	size_t n;
	char scope[32], status[8];
	int64_t scan1, scan2;

	new_scope(f, scope, sizeof(scope));
	assert_int_equal(eval_score(f->s, scope, 0, &sc, &err), TATER_ENOTFOUND);
	free(eval_user(f, cat, scope, &scan1, "s.high-fail", status));
	assert_int_equal(eval_score(f->s, scope, 0, &sc, &err), 0);
	assert_int_equal(sc.scan_id, scan1);
	assert_int_equal(sc.pass, 2);
	assert_int_equal(sc.fail, 2);
	assert_int_equal(sc.unknown, 1);
	assert_int_equal(sc.accepted, 0);
	/* critical 10 + medium 3 passing, of 10 + 5 + 3 + 1 scored; unknown left out. */
	assert_int_equal(sc.weight_pass, 13);
	assert_int_equal(sc.weight_total, 19);
	assert_float_equal(sc.score, 100.0 * 13 / 19, 1e-9);
	assert_float_equal(sc.pass_rate, 50.0, 1e-9);

	/* Accepting the high fail takes it out of the score, counted apart. */
	assert_int_equal(
	    eval_accept(f->s, scope, "s.high-fail", "compensating control", "2099-12-31", &err), 0);
	free(eval_user(f, cat, scope, &scan2, "s.high-fail", status));
	assert_int_equal(eval_score(f->s, scope, scan2, &sc, &err), 0);
	assert_int_equal(sc.accepted, 1);
	assert_int_equal(sc.fail, 1);
	assert_int_equal(sc.weight_total, 14);
	assert_float_equal(sc.score, 100.0 * 13 / 14, 1e-9);

	/* The trend, oldest first; scan 1's acceptance state is as it stood when scan 2 came. */
	assert_int_equal(eval_trend(f->s, scope, 10, &trend, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(trend[0].scan_id, scan1);
	assert_int_equal(trend[1].scan_id, scan2);
	assert_int_equal(trend[1].accepted, 1);
	free(trend);
	assert_int_equal(eval_trend(f->s, scope, 1, &trend, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(trend[0].scan_id, scan2);
	free(trend);

	/* Nothing scored at all: -1, not 0 % and not 100 %. */
	{
		struct catalog *only_unknown;

		assert_int_equal(catalog_new(&only_unknown, &err), 0);
		add_user(only_unknown, "s.low-unknown", "low",
			 "SELECT 'unknown' AS status, 'no data' AS reason, NULL AS evidence");
		new_scope(f, scope, sizeof(scope));
		free(eval_user(f, only_unknown, scope, NULL, "s.low-unknown", status));
		assert_int_equal(eval_score(f->s, scope, 0, &sc, &err), 0);
		assert_float_equal(sc.score, -1, 0);
		assert_float_equal(sc.pass_rate, -1, 0);
		catalog_free(only_unknown);
	}
	catalog_free(cat);
}

static void test_risk_acceptance(void **state)
{
	struct fx *f = *state;
	struct tater_err err = {0};
	struct catalog *cat = score_catalog();
	struct eval_results res;
	struct eval_result *r;
	struct eval_filter flt = {0};
	struct eval_acceptance *acc;
	size_t n;
	char scope[32], status[8], label[80];
	int64_t before = activity_count(f, "control.accept");

	new_scope(f, scope, sizeof(scope));
	free(eval_user(f, cat, scope, NULL, "s.high-fail", status));

	/* Refusals a person can act on. */
	assert_int_equal(eval_accept(f->s, scope, "s.high-fail", "x", "2001-01-01", &err),
			 TATER_EINVAL);
	assert_true(tu_contains(err.msg, "not in the future"));
	assert_int_equal(eval_accept(f->s, scope, "s.high-fail", "x", "2099-02-30", &err),
			 TATER_EINVAL);
	assert_true(tu_contains(err.msg, "bad expiry date"));
	assert_int_equal(eval_accept(f->s, scope, "s.high-fail", "  ", "2099-01-01", &err),
			 TATER_EINVAL);
	assert_int_equal(eval_accept(f->s, scope, "s.critical-pass", "x", "2099-01-01", &err),
			 TATER_EINVAL);
	assert_true(tu_contains(err.msg, "is pass, not failing"));
	assert_int_equal(eval_accept(f->s, scope, "s.never", "x", "2099-01-01", &err),
			 TATER_ENOTFOUND);
	assert_int_equal(activity_count(f, "control.accept"), before);

	assert_int_equal(
	    eval_accept(f->s, scope, "s.high-fail", "vendor fix due in Q3", "2099-06-30", &err), 0);
	assert_int_equal(activity_count(f, "control.accept"), before + 1);
	assert_int_equal(eval_results_latest(f->s, cat, scope, NULL, &res, &err), 0);
	r = result_of(&res, "s.high-fail");
	assert_string_equal(r->status, "fail");
	assert_true(r->accepted);
	assert_string_equal(eval_result_label(r, label, sizeof(label)),
			    "fail (accepted until 2099-06-30)");
	assert_string_equal(r->accepted_by, "ana");
	assert_string_equal(r->accepted_reason, "vendor fix due in Q3");
	assert_false(result_of(&res, "s.low-fail")->accepted);
	eval_results_free(&res);

	/* Filters: accepted apart from fail. */
	flt.status = "accepted";
	assert_int_equal(eval_results_latest(f->s, cat, scope, &flt, &res, &err), 0);
	assert_int_equal(res.n, 1);
	eval_results_free(&res);
	flt.status = "fail";
	assert_int_equal(eval_results_latest(f->s, cat, scope, &flt, &res, &err), 0);
	assert_int_equal(res.n, 1);
	assert_string_equal(res.v[0].control->id, "s.low-fail");
	eval_results_free(&res);
	flt.status = "open";
	assert_int_equal(eval_results_latest(f->s, cat, scope, &flt, &res, &err), TATER_EINVAL);
	assert_true(tu_contains(err.msg, "unknown status 'open'"));

	/* Time passes: an expired acceptance is ignored, the control is a plain fail again. */
	assert_int_equal(
	    store_exec(f->s, "UPDATE risk_acceptances SET expires_at = '2020-01-01T23:59:59.999Z'",
		       &err),
	    0);
	assert_int_equal(eval_results_latest(f->s, cat, scope, NULL, &res, &err), 0);
	r = result_of(&res, "s.high-fail");
	assert_false(r->accepted);
	assert_string_equal(eval_result_label(r, label, sizeof(label)), "fail");
	eval_results_free(&res);
	assert_int_equal(eval_acceptances(f->s, scope, 0, &acc, &n, &err), 0);
	assert_int_equal(n, 0);
	eval_acceptances_free(acc, n);
	assert_int_equal(eval_acceptances(f->s, scope, 1, &acc, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_false(acc[0].active);
	eval_acceptances_free(acc, n);

	/* Accept again, then revoke: back to fail, and both in the activity log. */
	assert_int_equal(
	    eval_accept(f->s, scope, "s.high-fail", "again", "2099-01-01T12:00:00Z", &err), 0);
	assert_int_equal(eval_acceptances(f->s, scope, 0, &acc, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(acc[0].expires_at, "2099-01-01T12:00:00.000Z");
	assert_true(acc[0].active);
	eval_acceptances_free(acc, n);
	assert_int_equal(eval_revoke(f->s, scope, "s.high-fail", &err), 0);
	assert_int_equal(eval_revoke(f->s, scope, "s.high-fail", &err), TATER_ENOTFOUND);
	assert_int_equal(activity_count(f, "control.revoke"), 1);
	assert_int_equal(eval_results_latest(f->s, cat, scope, NULL, &res, &err), 0);
	assert_false(result_of(&res, "s.high-fail")->accepted);
	eval_results_free(&res);
	catalog_free(cat);
}

static void test_exclusions_api(void **state)
{
	struct fx *f = *state;
	struct tater_err err = {0};
	struct eval_exclusion *x;
	size_t n;
	const char *scope = "tenant:900";
	int64_t adds = activity_count(f, "control.exclusion.add");

	assert_int_equal(eval_exclusion_add(f->s, f->cat, scope, "aad.mfa-all-users", "user",
					    "5f1c2a7e-0b6d-4c1e-9a51-3d0f6b2e8c41", "break-glass 1",
					    &err),
			 0);
	assert_int_equal(eval_exclusion_add(f->s, f->cat, scope, "aad.mfa-all-users", "user",
					    "5f1c2a7e-0b6d-4c1e-9a51-3d0f6b2e8c41", NULL, &err),
			 TATER_EEXIST);
	assert_int_equal(
	    eval_exclusion_add(f->s, f->cat, scope, "aad.mfa-all-users", "device", "x", NULL, &err),
	    TATER_EINVAL);
	assert_true(tu_contains(err.msg, "unknown exclusion kind 'device'"));
	assert_int_equal(
	    eval_exclusion_add(f->s, f->cat, scope, "aad.no-such", "user", "x", NULL, &err),
	    TATER_ENOTFOUND);
	assert_int_equal(eval_exclusion_add(f->s, f->cat, scope, "aad.legacy-auth-blocked", "group",
					    "GuestsOrExternalUsers", NULL, &err),
			 0);
	assert_int_equal(activity_count(f, "control.exclusion.add"), adds + 2);
	assert_int_equal(eval_exclusions(f->s, scope, NULL, &x, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(x[0].control_id, "aad.legacy-auth-blocked");
	assert_string_equal(x[1].note, "break-glass 1");
	assert_string_equal(x[1].added_by, "ana");
	eval_exclusions_free(x, n);
	assert_int_equal(eval_exclusions(f->s, scope, "aad.mfa-all-users", &x, &n, &err), 0);
	assert_int_equal(n, 1);
	eval_exclusions_free(x, n);
	assert_int_equal(eval_exclusion_remove(f->s, scope, "aad.mfa-all-users", "user",
					       "5f1c2a7e-0b6d-4c1e-9a51-3d0f6b2e8c41", &err),
			 0);
	assert_int_equal(eval_exclusion_remove(f->s, scope, "aad.mfa-all-users", "user",
					       "5f1c2a7e-0b6d-4c1e-9a51-3d0f6b2e8c41", &err),
			 TATER_ENOTFOUND);
	assert_int_equal(activity_count(f, "control.exclusion.remove"), 1);
}

static void test_filters(void **state)
{
	struct fx *f = *state;
	struct tater_err err = {0};
	struct eval_results res;
	struct eval_filter flt = {0};
	char scope[32];
	int64_t scan;

	new_scope(f, scope, sizeof(scope));
	scan = new_scan(f, scope);
	for (size_t i = 0; i < catalog_count(f->cat); i++)
		for (size_t s = 0; s < catalog_at(f->cat, i)->sources.n; s++)
			source_ok(f, scan, scope, catalog_at(f->cat, i)->sources.v[s]);
	evaluate(f, f->cat, scope, scan, &res);
	/* Ordered by severity, critical first. */
	assert_string_equal(res.v[0].severity, "critical");
	for (size_t i = 1; i < res.n; i++)
		assert_true(catalog_severity_rank(res.v[i - 1].severity) <=
			    catalog_severity_rank(res.v[i].severity));
	eval_results_free(&res);
	flt.framework = "scuba:MS.AAD.7";
	assert_int_equal(eval_results_latest(f->s, f->cat, scope, &flt, &res, &err), 0);
	assert_int_equal(res.n, 3); /* 7.1, 7.2, 7.3 */
	eval_results_free(&res);
	flt.framework = "cis:1.1.3";
	flt.severity = "medium";
	assert_int_equal(eval_results_latest(f->s, f->cat, scope, &flt, &res, &err), 0);
	assert_int_equal(res.n, 1);
	assert_string_equal(res.v[0].control->id, "aad.global-admins-2-to-4");
	eval_results_free(&res);
	flt = (struct eval_filter){.area = "entra id", .group = "Identity", .status = "pass"};
	assert_int_equal(eval_results_latest(f->s, f->cat, scope, &flt, &res, &err), 0);
	for (size_t i = 0; i < res.n; i++)
		assert_string_equal(res.v[i].status, "pass");
	eval_results_free(&res);
}

/* Evidence for a person: a line per item, named first, nothing repeated, capped. */
static void test_evidence_lines(void **state)
{
	char **l;
	size_t n, total;

	(void)state;
	assert_int_equal(
	    eval_evidence_lines("[{\"id\":\"u1\",\"userPrincipalName\":\"ann@x.example\","
				"\"isAdmin\":true},"
				"{\"Identity\":\"Default\",\"Name\":\"Default\",\"Enabled\":false,"
				"\"Domains\":[\"*:x\"],\"Limit\":null},"
				"\"ManagePermissionGrantsForSelf.legacy\", 42, {\"k\":{\"a\":1}}]",
				10, &l, &n, &total),
	    0);
	assert_int_equal(n, 5);
	assert_int_equal(total, 5);
	assert_string_equal(l[0], "ann@x.example  id: u1, isAdmin: true");
	/* Name is Identity's text again: left out. */
	assert_string_equal(l[1], "Default  Enabled: false, Domains: [\"*:x\"], Limit: null");
	assert_string_equal(l[2], "ManagePermissionGrantsForSelf.legacy");
	assert_string_equal(l[3], "42");
	assert_string_equal(l[4], "k: {\"a\":1}");
	eval_evidence_lines_free(l, n);

	/* A cap keeps the count of everything. */
	assert_int_equal(eval_evidence_lines("[1,2,3,4,5]", 2, &l, &n, &total), 0);
	assert_int_equal(n, 2);
	assert_int_equal(total, 5);
	assert_string_equal(l[1], "2");
	eval_evidence_lines_free(l, n);

	/* Nothing, and text that is not an array (a message), as it is. */
	assert_int_equal(eval_evidence_lines("[]", 10, &l, &n, &total), 0);
	assert_int_equal(n, 0);
	assert_null(l);
	assert_int_equal(eval_evidence_lines("not json", 10, &l, &n, &total), 0);
	assert_int_equal(n, 1);
	assert_string_equal(l[0], "not json");
	eval_evidence_lines_free(l, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_builtin_scenarios, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_builtins_prepare_and_handle_empty, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_builtins_on_a_populated_snapshot, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unknown_on_denied_or_missing_source, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_broken_user_checks_are_unknown, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_user_checks_cannot_change_or_peek, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_slow_check_times_out, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_parameters_and_evidence_cap, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_score_and_trend, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_risk_acceptance, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_exclusions_api, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_filters, setup, teardown),
	    cmocka_unit_test(test_evidence_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
