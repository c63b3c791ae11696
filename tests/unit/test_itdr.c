/* test_itdr.c - ITDR: ingestion from tater-sim (the real libcurl client), the severity
 * mapping, the status workflow, related sign-ins, watermarks, the queue filter, exports. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <sqlite3.h>

#include "simproc.h"
#include "tater/activity.h"
#include "tater/itdr.h"
#include "tater/store.h"
#include "tater/tenants.h"
#include "tater/vault.h"
#include "testutil.h"

#define NOW "2026-12-01T00:00:00Z"
#define USER_U "aaaaaaaa-0000-4000-8000-00000000000u"
#define USER_V "bbbbbbbb-0000-4000-8000-00000000000v"

struct fx {
	char *dir, *path;
	struct store *s;
	struct vault *v;
	struct tenant t;
	struct simproc *sp;
};

static struct fx *fx_new(void)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct tater_err err = {0};

	f->s = tu_store_new("itdr", "tater.db", &f->dir, &f->path);
	assert_int_equal(vault_create(f->s, "pw", 2, &err), 0);
	assert_int_equal(vault_unlock(f->s, "pw", 2, &f->v, &err), 0);
	return f;
}

/* Start a simulator (extra args) and point the tenant at it. */
static void fx_sim(struct fx *f, const char *const *args)
{
	struct tater_err err = {0};

	if (f->sp)
		simproc_stop(f->sp);
	f->sp = simproc_start(args);
	if (!f->t.id) {
		tenant_init(&f->t);
		snprintf(f->t.name, sizeof(f->t.name), "sim");
		snprintf(f->t.tenant_id, sizeof(f->t.tenant_id), SIMPROC_TENANT);
		snprintf(f->t.client_id, sizeof(f->t.client_id), SIMPROC_CLIENT_ID);
	}
	snprintf(f->t.cloud, sizeof(f->t.cloud), "custom");
	snprintf(f->t.base_url, sizeof(f->t.base_url), "%s", simproc_url(f->sp));
	if (tenant_save(f->s, &f->t, &err) < 0)
		fail_msg("tenant_save: %s", err.msg);
	assert_int_equal(vault_put(f->v, "tenants", f->t.id, "client_secret", SIMPROC_SECRET,
				   strlen(SIMPROC_SECRET), &err),
			 0);
}

/* A simulator serving this scenario (JSON text) for the three ITDR paths. */
static void fx_estate(struct fx *f, const char *json)
{
	char *dir = tu_tmpdir("itdr-estate"), *file = tu_path(dir, "estate.json");
	const char *args[] = {"--estate", file, "--now", NOW, NULL};

	tu_write_file(file, json, 0600);
	fx_sim(f, args);
	tu_rmtree(dir);
	free(dir);
	free(file);
}

static void fx_free(struct fx *f)
{
	if (f->sp)
		assert_int_equal(simproc_stop(f->sp), 0);
	vault_close(f->v);
	tu_store_free(f->s, f->dir, f->path);
	free(f);
}

static int ingest(struct fx *f, struct itdr_ingest_summary *sum)
{
	struct itdr_ingest_opts o = {
	    .no_pacing = 1, .first_since = "2026-01-01T00:00:00Z", .now = NOW};
	struct tater_err err = {0};
	int rc = itdr_ingest(f->s, f->v, &f->t, &o, sum, &err);

	if (rc < 0)
		fail_msg("itdr_ingest: %s", err.msg);
	return rc;
}

static int64_t count(struct fx *f, const char *sql)
{
	sqlite3_stmt *st;
	int64_t n = -1;

	assert_int_equal(sqlite3_prepare_v2(store_db(f->s), sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static int64_t alert_id(struct fx *f, const char *detection_id)
{
	char sql[256];

	snprintf(sql, sizeof(sql), "SELECT id FROM alerts WHERE detection_id = '%s'", detection_id);
	return count(f, sql);
}

/* A detection of user U (newest first in the estate, as Graph orders them). */
static json_t *detection(const char *id, const char *type, const char *level, const char *state,
			 const char *at, const char *user, const char *req, const char *corr)
{
	return json_pack(
	    "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s,"
	    " s:{s:s, s:s, s:s}}",
	    "id", id, "requestId", req, "correlationId", corr, "riskEventType", type, "riskLevel",
	    level, "riskState", state, "source", "IdentityProtection", "activityDateTime", at,
	    "detectedDateTime", at, "lastUpdatedDateTime", at, "userId", user, "userPrincipalName",
	    !strcmp(user, USER_U) ? "u@sim.example" : "v@sim.example", "ipAddress", "203.0.113.9",
	    "location", "city", "Oslo", "state", "Oslo", "countryOrRegion", "NO");
}

static json_t *signin(const char *id, const char *at, const char *user, const char *corr)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:{s:s}, s:{s:s, s:s}, s:{s:i, s:s}}",
			 "id", id, "createdDateTime", at, "userId", user, "userPrincipalName",
			 "x@sim.example", "correlationId", corr, "appDisplayName", "Azure Portal",
			 "ipAddress", "198.51.100.7", "location", "city", "Oslo", "deviceDetail",
			 "operatingSystem", "Windows10", "browser", "Edge", "status", "errorCode",
			 0, "failureReason", "Other.");
}

static char *estate_text(json_t *dets, json_t *signins)
{
	json_t *e =
	    json_pack("{s:o, s:o, s:[]}", "/v1.0/identityProtection/riskDetections", dets,
		      "/v1.0/auditLogs/signIns", signins, "/v1.0/identityProtection/riskyUsers");
	char *text = json_dumps(e, JSON_COMPACT);

	json_decref(e);
	return text;
}

/* ---- severity ---- */

static void test_severity_mapping(void **state)
{
	struct itdr_sevmap *m = NULL;
	struct tater_err err = {0};
	static const struct {
		const char *type, *level, *state, *want;
	} cases[] = {
	    {"adminConfirmedUserCompromised", "low", "confirmedCompromised", "critical"},
	    {"unfamiliarFeatures", "medium", "confirmedCompromised", "critical"},
	    {"leakedCredentials", "high", "atRisk", "critical"},
	    {"anomalousToken", "high", "atRisk", "critical"},
	    {"attackerinTheMiddle", "high", "atRisk", "critical"},
	    {"attackerInTheMiddle", "high", "atRisk", "critical"}, /* case-insensitive names */
	    {"leakedCredentials", "medium", "atRisk", "high"},
	    {"leakedCredentials", "high", "remediated", "low"},
	    {"unfamiliarFeatures", "high", "atRisk", "high"},
	    {"unfamiliarFeatures", "medium", "atRisk", "medium"},
	    {"unfamiliarFeatures", "low", "atRisk", "low"},
	    {"passwordSpray", "low", "atRisk", "medium"},
	    {"anonymizedIPAddress", "hidden", "atRisk", "medium"},
	    {"somethingNew", NULL, NULL, "medium"},
	};

	(void)state;
	assert_int_equal(itdr_sevmap_load(NULL, 0, &m, &err), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got =
		    itdr_severity_of(m, cases[i].type, cases[i].level, cases[i].state);

		if (strcmp(got, cases[i].want))
			fail_msg("%s/%s/%s: got %s, want %s", cases[i].type, cases[i].level,
				 cases[i].state, got, cases[i].want);
	}
	itdr_sevmap_free(m);
	/* A broken mapping says what is wrong. */
	{
		const char *bad =
		    "{\"format\":\"tater-itdr-severity/1\",\"rules\":[{\"types\":[\"x\"],"
		    "\"severity\":\"urgent\"}],\"default\":{}}";

		assert_int_equal(itdr_sevmap_load(bad, strlen(bad), &m, &err), TATER_EFORMAT);
		assert_true(tu_contains(err.msg, "rule 1"));
	}
}

/* ---- workflow ---- */

static void test_transitions_and_closing_notes(void **state)
{
	struct fx *f = fx_new();
	struct itdr_manual m = {.user = "u@sim.example",
				.type = "leakedCredentials",
				.severity = "high",
				.description = "reported by the user"};
	struct tater_err err = {0};
	struct itdr_alert a;
	int64_t id;

	(void)state;
	assert_int_equal(itdr_alert_create(f->s, &m, &id, &err), 0);
	/* Only along the workflow. */
	assert_int_equal(itdr_alert_set_status(f->s, id, "resolved", "done", &err), TATER_EINVAL);
	assert_true(tu_contains(err.msg, "from New the next status is Investigating"));
	assert_int_equal(itdr_alert_set_status(f->s, id, "contained", NULL, &err), TATER_EINVAL);
	assert_int_equal(itdr_alert_set_status(f->s, id, "investigating", NULL, &err), 0);
	assert_int_equal(itdr_alert_set_status(f->s, id, "new", NULL, &err), TATER_EINVAL);
	assert_int_equal(itdr_alert_set_status(f->s, id, "resolved", "x", &err), TATER_EINVAL);
	assert_int_equal(itdr_alert_set_status(f->s, id, "contained", NULL, &err), 0);
	/* Closing needs a note. */
	assert_int_equal(itdr_alert_set_status(f->s, id, "resolved", NULL, &err), TATER_EINVAL);
	assert_true(tu_contains(err.msg, "closing note"));
	assert_int_equal(itdr_alert_set_status(f->s, id, "false positive", "", &err), TATER_EINVAL);
	assert_int_equal(itdr_alert_get(f->s, id, &a, &err), 0);
	assert_string_equal(a.status, "contained");
	itdr_alert_clear(&a);
	assert_int_equal(itdr_alert_set_status(f->s, id, "resolved", "password reset", &err), 0);
	assert_int_equal(itdr_alert_get(f->s, id, &a, &err), 0);
	assert_string_equal(a.status, "resolved");
	assert_string_equal(a.closing_note, "password reset");
	itdr_alert_clear(&a);
	/* Closed stays closed. */
	assert_int_equal(itdr_alert_set_status(f->s, id, "investigating", NULL, &err),
			 TATER_EINVAL);
	assert_true(tu_contains(err.msg, "closed"));
	/* Every change and every refusal is in the activity log, and the chain holds. */
	assert_int_equal(count(f, "SELECT count(*) FROM activity_log WHERE action = 'alert.status'"
				  " AND outcome = 'ok'"),
			 3);
	assert_true(count(f, "SELECT count(*) FROM activity_log WHERE action = 'alert.status'"
			     " AND outcome = 'refused'") >= 6);
	assert_int_equal(
	    count(f, "SELECT count(*) FROM activity_log WHERE action = 'alert.create'"), 1);
	{
		int64_t bad = 0, n = 0;

		assert_int_equal(activity_verify(f->s, &bad, &n, &err), 0);
	}
	fx_free(f);
}

/* ---- ingestion ---- */

static void test_upsert_keeps_analyst_state(void **state)
{
	struct fx *f = fx_new();
	struct itdr_ingest_summary sum;
	struct tater_err err = {0};
	struct itdr_alert a;
	struct itdr_note *notes = NULL;
	size_t nn = 0;
	json_t *dets = json_pack("[o, o, o]",
				 detection("d3", "unfamiliarFeatures", "low", "atRisk",
					   "2026-11-20T10:00:00Z", USER_U, "r3", "c3"),
				 detection("d2", "leakedCredentials", "medium", "atRisk",
					   "2026-11-19T10:00:00Z", USER_U, "r2", "c2"),
				 detection("d1", "passwordSpray", "medium", "atRisk",
					   "2026-11-18T10:00:00Z", USER_V, "r1", "c1"));
	char *text = estate_text(json_incref(dets), json_array());
	int64_t id;

	(void)state;
	fx_estate(f, text);
	free(text);
	ingest(f, &sum);
	assert_string_equal(sum.status, "complete");
	assert_int_equal(sum.alerts_new, 3);
	id = alert_id(f, "d2");
	assert_string_equal((itdr_alert_get(f->s, id, &a, &err), a.severity), "high");
	itdr_alert_clear(&a);
	/* The analyst works the alert. */
	assert_int_equal(itdr_alert_set_status(f->s, id, "investigating", NULL, &err), 0);
	assert_int_equal(itdr_alert_assign(f->s, id, "alice", &err), 0);
	assert_int_equal(itdr_alert_note(f->s, id, "called the user", &err), 0);
	/* Identity Protection raises the risk; the same detections come again (watermarks
	 * forgotten, as after a restore). */
	json_object_set_new(json_array_get(dets, 1), "riskLevel", json_string("high"));
	text = estate_text(dets, json_array());
	fx_estate(f, text);
	free(text);
	assert_int_equal(store_exec(f->s, "DELETE FROM watermarks", &err), 0);
	ingest(f, &sum);
	assert_int_equal(sum.alerts_new, 0);
	assert_int_equal(sum.alerts_updated, 1);
	ingest(f, &sum); /* and once more, unchanged */
	assert_int_equal(sum.alerts_new, 0);
	assert_int_equal(sum.alerts_updated, 0);
	assert_int_equal(count(f, "SELECT count(*) FROM alerts"), 3);
	assert_int_equal(itdr_alert_get(f->s, id, &a, &err), 0);
	assert_string_equal(a.severity, "critical"); /* the detection's data follows Graph */
	assert_string_equal(a.risk_level, "high");
	assert_string_equal(a.status, "investigating"); /* the analyst's state does not */
	assert_string_equal(a.assignee, "alice");
	itdr_alert_clear(&a);
	assert_int_equal(itdr_alert_notes(f->s, id, &notes, &nn, &err), 0);
	assert_int_equal(nn, 1);
	assert_string_equal(notes[0].body, "called the user");
	itdr_notes_free(notes, nn);
	fx_free(f);
}

static void test_related_signins(void **state)
{
	struct fx *f = fx_new();
	struct itdr_ingest_summary sum;
	struct tater_err err = {0};
	struct itdr_signin *si = NULL;
	size_t n = 0;
	/* Detection at 2026-11-20T12:00 for U, request r-9, correlation c-9. */
	json_t *dets = json_pack("[o]", detection("d9", "anomalousToken", "high", "atRisk",
						  "2026-11-20T12:00:00Z", USER_U, "s-req", "c-9"));
	json_t *sis = json_pack("[o, o, o, o, o, o, o, o]",
				signin("s-late", "2026-11-21T13:00:00Z", USER_U, "x1"),
				signin("s-edge", "2026-11-21T11:59:00Z", USER_U, "x2"),
				signin("s-other", "2026-11-20T12:00:00Z", USER_V, "x3"),
				signin("s-near", "2026-11-20T10:00:00Z", USER_U, "x4"),
				signin("s-early", "2026-11-19T11:00:00Z", USER_U, "x5"),
				signin("s-corr", "2026-11-17T08:00:00Z", USER_U, "c-9"),
				signin("s-req", "2026-11-15T08:00:00Z", USER_U, "x6"),
				signin("s-vcorr", "2026-11-14T08:00:00Z", USER_V, "c-9"));
	char *text = estate_text(dets, sis);
	int64_t id;
	const char *want[][2] = {{"s-edge", "user-window"},
				 {"s-near", "user-window"},
				 {"s-corr", "correlation-id"},
				 {"s-req", "request-id"}};

	(void)state;
	fx_estate(f, text);
	free(text);
	ingest(f, &sum);
	assert_int_equal(sum.signins, 8);
	id = alert_id(f, "d9");
	assert_int_equal(itdr_alert_signins(f->s, id, &si, &n, &err), 0);
	if (n != 4)
		for (size_t i = 0; i < n; i++)
			print_message("linked %s (%s)\n", si[i].id, si[i].reason);
	assert_int_equal(n, 4);
	for (size_t i = 0; i < 4; i++) { /* newest first */
		assert_string_equal(si[i].id, want[i][0]);
		assert_string_equal(si[i].reason, want[i][1]);
	}
	assert_string_equal(si[1].ip, "198.51.100.7");
	assert_string_equal(si[1].location, "Oslo");
	assert_string_equal(si[1].app, "Azure Portal");
	assert_string_equal(si[1].device, "Windows10, Edge");
	assert_string_equal(si[1].result, "success");
	free(si);
	fx_free(f);
}

/* Requests to a path in the simulator's log (lines "tater-sim: GET PATH?..."). */
static int requests_to(const char *log, const char *path, const char *with)
{
	int n = 0;

	for (const char *p = log; (p = strstr(p, path)); p++) {
		const char *eol = strchr(p, '\n');

		if (!with || (eol && memmem(p, (size_t)(eol - p), with, strlen(with))))
			n++;
	}
	return n;
}

static void test_second_ingest_fetches_only_new(void **state)
{
	struct fx *f = fx_new();
	struct itdr_ingest_summary s1, s2;
	const char *args[] = {
	    "--users", "200", "--detections", "1200", "--signins", "2500", "--now", NOW, NULL};
	char *log;
	int det1, si1;

	(void)state;
	fx_sim(f, args);
	ingest(f, &s1);
	assert_int_equal(s1.detections, 1200);
	assert_int_equal(s1.alerts_new, 1200);
	assert_int_equal(s1.signins, 2500);
	log = simproc_log(f->sp);
	det1 = requests_to(log, "/v1.0/identityProtection/riskDetections", NULL);
	si1 = requests_to(log, "/v1.0/auditLogs/signIns", NULL);
	assert_int_equal(det1, 3); /* 500 a page */
	assert_int_equal(si1, 3);  /* 1000 a page */
	free(log);
	ingest(f, &s2);
	/* The watermark is the newest item seen: one page, holding that item alone. */
	assert_string_not_equal(s2.since[0], s1.since[0]);
	assert_true(s2.detections <= 1);
	assert_true(s2.signins <= 1);
	assert_int_equal(s2.alerts_new, 0);
	log = simproc_log(f->sp);
	assert_int_equal(requests_to(log, "/v1.0/identityProtection/riskDetections", NULL),
			 det1 + 1);
	assert_int_equal(requests_to(log, "/v1.0/auditLogs/signIns", NULL), si1 + 1);
	{
		char *esc = malloc(64);

		/* the filter names the watermark ("2026-11-30T..." with ':' escaped) */
		snprintf(esc, 64, "detectedDateTime%%20ge%%20%.13s", s2.since[0]);
		assert_int_equal(requests_to(log, "/v1.0/identityProtection/riskDetections", esc),
				 1);
		free(esc);
	}
	free(log);
	assert_int_equal(count(f, "SELECT count(*) FROM alerts"), 1200);
	assert_int_equal(count(f, "SELECT count(*) FROM objects WHERE source = 'graph.signIns'"),
			 2500);
	fx_free(f);
}

static void test_denied_stream_keeps_watermark(void **state)
{
	struct fx *f = fx_new();
	struct itdr_ingest_summary sum;
	const char *args[] = {"--users", "100",	   "--now",
			      NOW,	 "--deny", "/v1.0/identityProtection/riskDetections",
			      NULL};

	(void)state;
	fx_sim(f, args);
	ingest(f, &sum);
	assert_string_equal(sum.status, "partial");
	assert_true(tu_contains(sum.detail, "IdentityRiskEvent.Read.All"));
	assert_int_equal(count(f, "SELECT count(*) FROM watermarks WHERE stream ="
				  " 'itdr.riskDetections'"),
			 0);
	assert_int_equal(count(f, "SELECT count(*) FROM watermarks WHERE stream = 'itdr.signIns'"),
			 1);
	fx_free(f);
}

/* ---- queue and export ---- */

static void test_queue_filter_and_sort(void **state)
{
	struct itdr_queue *q = itdr_queue_new();
	static const struct {
		const char *sev, *status, *type, *user, *assignee, *at;
	} rows[] = {
	    {"low", "new", "unfamiliarFeatures", "ann@x", "", "2026-11-30T23:00:00Z"},
	    {"critical", "investigating", "leakedCredentials", "bob@x", "alice",
	     "2026-11-29T00:00:00Z"},
	    {"high", "resolved", "anomalousToken", "cid@x", "bob", "2026-11-01T00:00:00Z"},
	    {"medium", "new", "passwordSpray", "bob@x", "", "2026-11-25T00:00:00Z"},
	};
	int64_t now = itdr_time_parse(NOW);

	(void)state;
	for (size_t i = 0; i < 4; i++) {
		struct itdr_alert a = {0};

		a.id = (int64_t)i + 1;
		snprintf(a.severity, sizeof(a.severity), "%s", rows[i].sev);
		snprintf(a.status, sizeof(a.status), "%s", rows[i].status);
		snprintf(a.type, sizeof(a.type), "%s", rows[i].type);
		snprintf(a.user_upn, sizeof(a.user_upn), "%s", rows[i].user);
		snprintf(a.assignee, sizeof(a.assignee), "%s", rows[i].assignee);
		snprintf(a.detected_at, sizeof(a.detected_at), "%s", rows[i].at);
		assert_int_equal(itdr_queue_add(q, &a), 0);
	}
#define IDS(filter, st, sev, col, desc, ...)                                                       \
	do {                                                                                       \
		const int64_t want[] = {__VA_ARGS__};                                              \
		itdr_queue_query(q, filter, st, sev, col, desc, "alice", now);                     \
		assert_int_equal(itdr_queue_count(q), sizeof(want) / sizeof(want[0]));             \
		for (size_t k = 0; k < sizeof(want) / sizeof(want[0]); k++)                        \
			assert_int_equal(itdr_queue_get(q, k)->id, want[k]);                       \
	} while (0)
	IDS("", NULL, NULL, ITDR_Q_SEVERITY, 1, 2, 3, 4, 1);
	IDS("user:bob", NULL, NULL, ITDR_Q_ID, 0, 2, 4);
	IDS("assignee:me", NULL, NULL, -1, 0, 2);
	IDS("assignee:none", NULL, NULL, ITDR_Q_ID, 0, 1, 4);
	IDS("sev:>=high status:open", NULL, NULL, -1, 0, 2);
	IDS("age:<3d", NULL, NULL, ITDR_Q_AGE, 0, 1, 2);
	IDS("age:>7d", NULL, NULL, -1, 0, 3);
	IDS("type:spray", NULL, NULL, -1, 0, 4);
	IDS("LEAKED", NULL, NULL, -1, 0, 2);
	IDS("", "new", NULL, ITDR_Q_ID, 1, 4, 1);
	IDS("", NULL, "critical", -1, 0, 2);
	IDS("status:inv", NULL, NULL, -1, 0, 2);
	/* Field terms ignore case and look in their own field only. */
	IDS("user:BOB", NULL, NULL, ITDR_Q_ID, 0, 2, 4);
	IDS("type:SPRAY", NULL, NULL, -1, 0, 4);
	itdr_queue_query(q, "user:alice", NULL, NULL, -1, 0, "alice", now); /* an assignee */
	assert_int_equal(itdr_queue_count(q), 0);
	itdr_queue_query(q, "type:bob", NULL, NULL, -1, 0, "alice", now);
	assert_int_equal(itdr_queue_count(q), 0);
#undef IDS
	itdr_queue_free(q);
}

static void test_export_sanitised(void **state)
{
	const char *header[] = {"at", "user", "target"};
	const char *cells[] = {"2026-12-01T00:00:00Z",
			       "=cmd|' /C calc'!A0",
			       "evil\x1b]0;x\x07, \"q\"",
			       "2026-12-01T00:00:01Z",
			       "bob",
			       "plain"};
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	json_t *j;
	struct tater_err err = {0};

	(void)state;
	f = open_memstream(&buf, &len);
	assert_int_equal(itdr_export_rows(f, ITDR_CSV, header, 3, cells, 2, &err), 0);
	fclose(f);
	assert_non_null(strstr(buf, "at,user,target\r\n"));
	assert_non_null(strstr(buf, "\"'=cmd|' /C calc'!A0\""));	 /* no formula */
	assert_non_null(strstr(buf, "\"evil\\e]0;x\\x07, \"\"q\"\"\"")); /* escaped, quoted */
	assert_null(strchr(buf, '\x1b'));
	free(buf);
	f = open_memstream(&buf, &len);
	assert_int_equal(itdr_export_rows(f, ITDR_JSON, header, 3, cells, 2, &err), 0);
	fclose(f);
	j = json_loads(buf, 0, NULL);
	assert_non_null(j);
	assert_int_equal(json_array_size(j), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(j, 0), "target")),
			    "evil\\e]0;x\\x07, \"q\"");
	json_decref(j);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_severity_mapping),
	    cmocka_unit_test(test_transitions_and_closing_notes),
	    cmocka_unit_test(test_upsert_keeps_analyst_state),
	    cmocka_unit_test(test_related_signins),
	    cmocka_unit_test(test_second_ingest_fetches_only_new),
	    cmocka_unit_test(test_denied_stream_keeps_watermark),
	    cmocka_unit_test(test_queue_filter_and_sort),
	    cmocka_unit_test(test_export_sanitised),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
