/* ingest.c - risk detections, risky users and sign-ins into alerts, since the watermarks.
 *
 * The three streams are paged collections on one curl multi handle (each paced by its class:
 * Identity Protection 1 request/s, audit logs 5 per 10 s).  Items are staged in a temporary
 * table as their page arrives, under a transaction on the temporary database only, so the
 * store's file is not locked while the network runs and nothing is held whole in memory.
 * Then one transaction: sign-ins and risky users into objects, detections upserted as alerts,
 * related sign-ins linked, watermarks moved, old sign-ins pruned, one activity entry. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sqlite3.h>

#include "tater/activity.h"
#include "tater/auth.h"
#include "tater/endpoints.h"
#include "tater/http.h"
#include "tater/itdr.h"
#include "tater/jsonscan.h"
#include "tater/ratelimit.h"
#include "tater/store.h"
#include "tater/tenants.h"
#include "tater/vault.h"

void itdr_location_text(json_t *loc, char *dst, size_t n); /* alerts.c */

enum { S_DET, S_RISKY, S_SIGNIN, NSTREAMS };

static const struct stream_def {
	const char *wm;	  /* watermark stream name */
	const char *path; /* without the filter */
	const char *field;
	const char *perm;
	const char *label;
} streams[NSTREAMS] = {
    {"itdr.riskDetections", "/v1.0/identityProtection/riskDetections?$top=500", "detectedDateTime",
     "IdentityRiskEvent.Read.All (Entra ID P2)", "riskDetections"},
    {"itdr.riskyUsers", "/v1.0/identityProtection/riskyUsers?$top=500", "riskLastUpdatedDateTime",
     "IdentityRiskyUser.Read.All (Entra ID P2)", "riskyUsers"},
    {"itdr.signIns",
     "/v1.0/auditLogs/signIns?$top=1000&$select=id,createdDateTime,userId,userPrincipalName,"
     "appDisplayName,ipAddress,location,deviceDetail,status,correlationId,clientAppUsed,"
     "conditionalAccessStatus,isInteractive,riskLevelDuringSignIn",
     "createdDateTime", "AuditLog.Read.All (Entra ID P1)", "signIns"},
};

struct stream_state {
	int idx;
	int rc;
	long items;
	char newest[32]; /* normalised, "" when none */
	char detail[400];
	int done;
};

struct ing {
	struct store *s;
	const struct itdr_ingest_opts *o;
	sqlite3_stmt *stage;
	struct stream_state st[NSTREAMS];
	int64_t done;
	char min_signin[32]; /* oldest sign-in staged (normalised) */
};

/* ---- times ---- */

static void iso_of(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* "2026-11-30T12:34:56.1234567Z" -> "2026-11-30T12:34:56Z" (sorts as text, never later). */
static void norm_time(const char *in, char out[32])
{
	if (!in || strlen(in) < 19) {
		out[0] = '\0';
		return;
	}
	snprintf(out, 32, "%.19sZ", in);
}

static int64_t now_s(const struct itdr_ingest_opts *o)
{
	int64_t t = o && o->now ? itdr_time_parse(o->now) : -1;

	return t >= 0 ? t : (int64_t)time(NULL);
}

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- staging ---- */

static void progress(struct ing *g, const char *phase)
{
	if (g->o && g->o->progress.fn)
		g->o->progress.fn(g->o->progress.ctx, g->done, NSTREAMS + 1, phase);
}

struct page_ctx {
	struct ing *g;
	struct stream_state *ss;
	struct tater_err err; /* why stage_item stopped the page */
};

/* One item of a page, as its bytes: staged under the key the store keeps it by (a detection
 * or a risky user by id; a sign-in by user, time and id, so that a user's sign-ins in a
 * window are one key range). */
static int stage_item(void *ctx, const char *item, size_t len, const char *const *vals)
{
	struct page_ctx *pc = ctx;
	struct ing *g = pc->g;
	struct stream_state *ss = pc->ss;
	const char *id = vals[0], *t = vals[1], *uid = vals[2];
	char key[400], nt[32];
	int rc;

	if (!id) {
		tater_errf(&pc->err, TATER_EFORMAT, "%s: an item has no id",
			   streams[ss->idx].label);
		return -1;
	}
	norm_time(t, nt);
	if (ss->idx == S_SIGNIN) {
		snprintf(key, sizeof(key), "%s/%s/%s", uid && *uid ? uid : "-",
			 nt[0] ? nt : "0000-00-00T00:00:00Z", id);
		if (nt[0] && (!g->min_signin[0] || strcmp(nt, g->min_signin) < 0))
			snprintf(g->min_signin, sizeof(g->min_signin), "%s", nt);
	} else {
		snprintf(key, sizeof(key), "%s", id);
	}
	if (nt[0] && strcmp(nt, ss->newest) > 0)
		snprintf(ss->newest, sizeof(ss->newest), "%s", nt);
	sqlite3_bind_int(g->stage, 1, ss->idx);
	sqlite3_bind_text(g->stage, 2, key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(g->stage, 3, item, (int)len, SQLITE_STATIC);
	rc = sqlite3_step(g->stage);
	sqlite3_reset(g->stage);
	if (rc != SQLITE_DONE) {
		store_sqlerr(g->s, "staging ITDR data", &pc->err);
		return -1;
	}
	ss->items++;
	return 0;
}

/* A page as it came: the scanner hands over each item's bytes and the fields the key needs,
 * so that no tree is built and no item re-serialised. */
static int page_fn(void *ctx, const struct http_raw_page *pg, struct tater_err *err)
{
	struct page_ctx *pc = ctx;
	const char *fields[3] = {"id", streams[pc->ss->idx].field, "userId"};
	struct json_item_opts io = {fields, 3, stage_item, pc};
	struct json_page_scan scan;
	char phase[64];
	int rc;

	if (pc->g->o && pc->g->o->cancel && atomic_load(pc->g->o->cancel))
		return tater_errf(err, TATER_ECANCELED, "ingest canceled");
	if (!pg->items_all_objects)
		return tater_errf(err, TATER_EFORMAT, "%s: an item is not a JSON object",
				  streams[pc->ss->idx].label);
	memset(&pc->err, 0, sizeof(pc->err));
	rc = json_scan_items(pg->body, pg->len, NULL, &io, &scan);
	free(scan.next);
	if (rc == -2) {
		*err = pc->err;
		return err->code;
	}
	if (rc < 0) /* the client checked this very page: only memory can fail */
		return tater_errf(err, TATER_ENOMEM, "%s: %s", streams[pc->ss->idx].label,
				  scan.error);
	snprintf(phase, sizeof(phase), "%s %ld", streams[pc->ss->idx].label, pc->ss->items);
	progress(pc->g, phase);
	return 0;
}

static void done_fn(void *ctx, int rc, const struct tater_err *e, const struct http_job_info *info)
{
	struct page_ctx *pc = ctx;

	(void)info;
	pc->ss->rc = rc;
	if (rc < 0)
		snprintf(pc->ss->detail, sizeof(pc->ss->detail), "%s",
			 e ? e->msg : tater_errname(rc));
	pc->ss->done = 1;
	pc->g->done++;
	progress(pc->g, streams[pc->ss->idx].label);
	free(pc);
}

/* ---- watermarks ---- */

static int wm_get(struct store *s, const char *scope, const char *stream, char out[32])
{
	sqlite3_stmt *st;

	out[0] = '\0';
	if (sqlite3_prepare_v2(store_db(s),
			       "SELECT value FROM watermarks WHERE scope = ? AND stream = ?", -1,
			       &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, scope, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, stream, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(out, 32, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return 0;
}

static int wm_set(struct store *s, const char *scope, const char *stream, const char *value,
		  struct tater_err *err)
{
	sqlite3_stmt *st;
	char now[32];

	store_now(now);
	if (sqlite3_prepare_v2(
		store_db(s),
		"INSERT OR REPLACE INTO watermarks (scope, stream, value, updated_at)"
		" VALUES (?, ?, ?, ?)",
		-1, &st, NULL) != SQLITE_OK)
		return store_sqlerr(s, "moving a watermark", err);
	sqlite3_bind_text(st, 1, scope, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, stream, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, value, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
	return store_step_done(s, st, "moving a watermark", err);
}

/* ---- the swap ---- */

static int exec_bind(struct store *s, const char *sql, const char *a, const char *b, int64_t c,
		     const char *what, struct tater_err *err)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL) != SQLITE_OK)
		return store_sqlerr(s, what, err);
	if (a)
		sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
	if (b)
		sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
	if (c)
		sqlite3_bind_int64(st, 3, c);
	return store_step_done(s, st, what, err);
}

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* Upsert every staged detection as an alert.  The analyst's columns (status, assignee,
 * closing_note, incident_id) and the notes are never named here. */
static int upsert_alerts(struct store *s, const char *scope, const struct itdr_sevmap *map,
			 struct itdr_ingest_summary *sum, struct tater_err *err)
{
	sqlite3 *db = store_db(s);
	sqlite3_stmt *rd = NULL, *find = NULL, *ins = NULL, *upd = NULL, *mark = NULL;
	char now[32];
	int ret = 0, rc;

	store_now(now);
	if (sqlite3_prepare_v2(db, "SELECT json FROM temp.itdr_stage WHERE stream = 0", -1, &rd,
			       NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
			       "SELECT id, raw FROM alerts WHERE scope = ? AND detection_id = ?",
			       -1, &find, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(
		db,
		"INSERT INTO alerts (scope, detection_id, source, detection_type,"
		" severity, status, user_upn, user_object_id, ip, location, risk_level,"
		" risk_state, request_id, correlation_id, detected_at, raw, manual,"
		" created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, 'new', ?6, ?7, ?8,"
		" ?9, ?10, ?11, ?12, ?13, ?14, ?15, 0, ?16, ?16)",
		-1, &ins, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(
		db,
		"UPDATE alerts SET source = ?3, detection_type = ?4, severity = ?5,"
		" user_upn = ?6, user_object_id = ?7, ip = ?8, location = ?9,"
		" risk_level = ?10, risk_state = ?11, request_id = ?12,"
		" correlation_id = ?13, detected_at = ?14, raw = ?15, updated_at = ?16"
		" WHERE scope = ?1 AND detection_id = ?2",
		-1, &upd, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO temp.itdr_relink (alert_id) VALUES (?)",
			       -1, &mark, NULL) != SQLITE_OK) {
		ret = store_sqlerr(s, "storing alerts", err);
		goto out;
	}
	while ((rc = sqlite3_step(rd)) == SQLITE_ROW) {
		const char *text = (const char *)sqlite3_column_text(rd, 0);
		json_t *d = json_loads(text, 0, NULL);
		const char *did = jstr(d, "id");
		sqlite3_stmt *w;
		int64_t id = 0;
		int changed = 1;
		char loc[160];

		if (!d || !did) {
			json_decref(d);
			continue;
		}
		sqlite3_bind_text(find, 1, scope, -1, SQLITE_STATIC);
		sqlite3_bind_text(find, 2, did, -1, SQLITE_STATIC);
		if (sqlite3_step(find) == SQLITE_ROW) {
			const char *raw = (const char *)sqlite3_column_text(find, 1);

			id = sqlite3_column_int64(find, 0);
			changed = !raw || strcmp(raw, text) != 0;
		}
		sqlite3_reset(find);
		w = id ? upd : ins;
		if (id && !changed) {
			w = NULL;
		} else {
			itdr_location_text(json_object_get(d, "location"), loc, sizeof(loc));
			sqlite3_bind_text(w, 1, scope, -1, SQLITE_STATIC);
			sqlite3_bind_text(w, 2, did, -1, SQLITE_TRANSIENT);
			store_bind_opt(w, 3,
				     jstr(d, "source") ? jstr(d, "source") : "IdentityProtection");
			store_bind_opt(
			    w, 4, jstr(d, "riskEventType") ? jstr(d, "riskEventType") : "unknown");
			sqlite3_bind_text(w, 5,
					  itdr_severity_of(map, jstr(d, "riskEventType"),
							   jstr(d, "riskLevel"),
							   jstr(d, "riskState")),
					  -1, SQLITE_STATIC);
			store_bind_opt(w, 6, jstr(d, "userPrincipalName"));
			store_bind_opt(w, 7, jstr(d, "userId"));
			store_bind_opt(w, 8, jstr(d, "ipAddress"));
			store_bind_opt(w, 9, loc);
			store_bind_opt(w, 10, jstr(d, "riskLevel"));
			store_bind_opt(w, 11, jstr(d, "riskState"));
			store_bind_opt(w, 12, jstr(d, "requestId"));
			store_bind_opt(w, 13, jstr(d, "correlationId"));
			store_bind_opt(w, 14, jstr(d, "detectedDateTime"));
			sqlite3_bind_text(w, 15, text, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(w, 16, now, -1, SQLITE_STATIC);
			if (sqlite3_step(w) != SQLITE_DONE) {
				sqlite3_reset(w);
				json_decref(d);
				ret = store_sqlerr(s, "storing an alert", err);
				goto out;
			}
			sqlite3_reset(w);
			if (!id) {
				id = sqlite3_last_insert_rowid(db);
				sum->alerts_new++;
			} else {
				sum->alerts_updated++;
			}
		}
		json_decref(d);
		sqlite3_bind_int64(mark, 1, id);
		sqlite3_step(mark);
		sqlite3_reset(mark);
	}
	if (rc != SQLITE_DONE)
		ret = store_sqlerr(s, "reading staged detections", err);
out:
	sqlite3_finalize(rd);
	sqlite3_finalize(find);
	sqlite3_finalize(ins);
	sqlite3_finalize(upd);
	sqlite3_finalize(mark);
	return ret;
}

/* Link each alert to be relinked with its related sign-ins: the user's sign-ins (a key
 * range) within the window of the detection's activity, or with its request or correlation
 * id.  INSERT OR IGNORE: links only ever grow. */
static int link_signins(struct store *s, const char *scope, struct itdr_ingest_summary *sum,
			struct tater_err *err)
{
	sqlite3 *db = store_db(s);
	sqlite3_stmt *rd = NULL, *ln = NULL;
	int ret = 0, rc;

	if (sqlite3_prepare_v2(db,
			       "SELECT a.id, a.user_object_id, a.request_id, a.correlation_id,"
			       " coalesce(json_extract(a.raw, '$.activityDateTime'), a.detected_at)"
			       " FROM temp.itdr_relink r JOIN alerts a ON a.id = r.alert_id"
			       " WHERE a.user_object_id IS NOT NULL",
			       -1, &rd, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(
		db,
		"INSERT OR IGNORE INTO alert_signins (alert_id, signin_id, reason)"
		" SELECT ?1, json_extract(json, '$.id'), CASE"
		" WHEN json_extract(json, '$.id') = ?2 THEN 'request-id'"
		" WHEN json_extract(json, '$.correlationId') = ?3 THEN 'correlation-id'"
		" ELSE 'user-window' END"
		" FROM objects WHERE scope = ?4 AND source = 'graph.signIns' AND key >= ?5"
		" AND key < ?6 AND (substr(key, ?7, 20) BETWEEN ?8 AND ?9"
		" OR json_extract(json, '$.id') = ?2 OR json_extract(json, '$.correlationId') = "
		"?3)",
		-1, &ln, NULL) != SQLITE_OK) {
		ret = store_sqlerr(s, "linking sign-ins", err);
		goto out;
	}
	while ((rc = sqlite3_step(rd)) == SQLITE_ROW) {
		const char *uid = (const char *)sqlite3_column_text(rd, 1);
		int64_t anchor = itdr_time_parse((const char *)sqlite3_column_text(rd, 4));
		char lo[96], hi[96], t0[32], t1[32];

		if (!uid || strlen(uid) > 80)
			continue;
		snprintf(lo, sizeof(lo), "%s/", uid);
		snprintf(hi, sizeof(hi), "%s0", uid);
		if (anchor >= 0) {
			iso_of(anchor - ITDR_WINDOW_S, t0);
			iso_of(anchor + ITDR_WINDOW_S, t1);
		} else {
			snprintf(t0, sizeof(t0), "~");
			snprintf(t1, sizeof(t1), "~");
		}
		sqlite3_bind_int64(ln, 1, sqlite3_column_int64(rd, 0));
		store_bind_opt(ln, 2, (const char *)sqlite3_column_text(rd, 2));
		store_bind_opt(ln, 3, (const char *)sqlite3_column_text(rd, 3));
		sqlite3_bind_text(ln, 4, scope, -1, SQLITE_STATIC);
		sqlite3_bind_text(ln, 5, lo, -1, SQLITE_STATIC);
		sqlite3_bind_text(ln, 6, hi, -1, SQLITE_STATIC);
		sqlite3_bind_int(ln, 7, (int)strlen(uid) + 2);
		sqlite3_bind_text(ln, 8, t0, -1, SQLITE_STATIC);
		sqlite3_bind_text(ln, 9, t1, -1, SQLITE_STATIC);
		if (sqlite3_step(ln) != SQLITE_DONE) {
			sqlite3_reset(ln);
			ret = store_sqlerr(s, "linking sign-ins", err);
			goto out;
		}
		sum->links += sqlite3_changes(db);
		sqlite3_reset(ln);
	}
	if (rc != SQLITE_DONE)
		ret = store_sqlerr(s, "linking sign-ins", err);
out:
	sqlite3_finalize(rd);
	sqlite3_finalize(ln);
	return ret;
}

static int swap_in(struct ing *g, const struct tenant *t, const char *scope, int64_t scan_id,
		   const struct itdr_sevmap *map, struct itdr_ingest_summary *sum,
		   struct tater_err *err)
{
	struct store *s = g->s;
	char keep[32], pruned[32], day_ago[32], target[160], detail[512];
	int ret;

	if ((ret = store_exec(s, "DELETE FROM temp.itdr_relink", err)) < 0)
		return ret;
	/* Sign-ins and risky users: upserted by key, nothing cleared (the streams are
	 * incremental; the scan's own riskyUsers snapshot replaces the whole list). */
	if ((ret = exec_bind(
		 s,
		 "INSERT OR REPLACE INTO objects (scope, source, key, kind, scan_id, json)"
		 " SELECT ?1, CASE stream WHEN 1 THEN 'graph.riskyUsers'"
		 " ELSE 'graph.signIns' END, key, CASE stream WHEN 1 THEN 'riskyUser'"
		 " ELSE 'signIn' END, ?3, json FROM temp.itdr_stage WHERE stream IN (1, 2)",
		 scope, NULL, scan_id, "storing sign-ins", err)) < 0)
		return ret;
	progress(g, "upserting alerts");
	if ((ret = upsert_alerts(s, scope, map, sum, err)) < 0)
		return ret;
	/* New sign-ins can belong to alerts ingested before: relink alerts near them. */
	if (g->min_signin[0]) {
		int64_t t0 = itdr_time_parse(g->min_signin) - ITDR_WINDOW_S;
		char from[32];

		iso_of(t0, from);
		if ((ret = exec_bind(
			 s,
			 "INSERT OR IGNORE INTO temp.itdr_relink (alert_id) SELECT id"
			 " FROM alerts WHERE scope = ?1 AND manual = 0 AND detected_at >= ?2",
			 scope, from, 0, "choosing alerts to relink", err)) < 0)
			return ret;
	}
	progress(g, "linking sign-ins");
	if ((ret = link_signins(s, scope, sum, err)) < 0)
		return ret;
	for (int i = 0; i < NSTREAMS; i++) {
		const char *v = g->st[i].newest[0] ? g->st[i].newest : sum->since[i];

		if (g->st[i].rc == 0 && v[0] && (ret = wm_set(s, scope, streams[i].wm, v, err)) < 0)
			return ret;
	}
	/* Keep sign-ins for ITDR_SIGNIN_KEEP_DAYS, and those linked to an alert for good.  The
	 * pass reads every sign-in kept, so it runs once a day, not on every ingest. */
	iso_of(now_s(g->o) - (int64_t)ITDR_SIGNIN_KEEP_DAYS * 86400, keep);
	wm_get(s, scope, "itdr.pruned", pruned);
	iso_of(now_s(g->o) - 86400, day_ago);
	if (!pruned[0]) { /* the first ingest: nothing is old yet; a day from now */
		char now[32];

		iso_of(now_s(g->o), now);
		if ((ret = wm_set(s, scope, "itdr.pruned", now, err)) < 0)
			return ret;
	} else if (strcmp(pruned, day_ago) < 0) {
		char now[32];

		progress(g, "pruning old sign-ins");
		iso_of(now_s(g->o), now);
		if ((ret = exec_bind(
			 s,
			 "DELETE FROM objects WHERE scope = ?1 AND source = 'graph.signIns'"
			 " AND substr(key, instr(key, '/') + 1, 20) < ?2"
			 " AND json_extract(json, '$.id') NOT IN (SELECT l.signin_id FROM"
			 " alert_signins l JOIN alerts a ON a.id = l.alert_id WHERE"
			 " a.scope = ?1)",
			 scope, keep, 0, "pruning old sign-ins", err)) < 0 ||
		    (ret = wm_set(s, scope, "itdr.pruned", now, err)) < 0)
			return ret;
	}
	snprintf(target, sizeof(target), "tenant %s", t->name);
	snprintf(detail, sizeof(detail),
		 "%ld detections (%ld new alerts, %ld updated), %ld risky users, %ld sign-ins, %ld "
		 "links",
		 sum->detections, sum->alerts_new, sum->alerts_updated, sum->risky_users,
		 sum->signins, sum->links);
	return activity_append(s, "itdr.ingest", target, "ok", detail, err);
}

static int add_stream(struct ing *g, struct http_client *hc, struct http_auth *graph,
		      const struct endpoints *ep, const struct tenant *t, int i, const char *since,
		      struct tater_err *err)
{
	struct page_ctx *pc = calloc(1, sizeof(*pc));
	struct http_paged p = {0};
	char filter[128], *esc, *path = NULL, *url = NULL;
	size_t len;
	int ret;

	snprintf(filter, sizeof(filter), "%s ge %s", streams[i].field, since);
	esc = http_escape(filter);
	len = strlen(streams[i].path) + (esc ? strlen(esc) : 0) + 16;
	if (esc && (path = malloc(len)))
		snprintf(path, len, "%s&$filter=%s", streams[i].path, esc);
	if (path)
		url = endpoints_url(ep, ENDPOINTS_GRAPH, path);
	free(esc);
	free(path);
	if (!pc || !url) {
		free(pc);
		free(url);
		return tater_errf(err, TATER_ENOMEM, "out of memory");
	}
	pc->g = g;
	pc->ss = &g->st[i];
	p.req.url = url;
	p.req.auth = graph;
	p.req.tenant = t->tenant_id;
	p.paging = HTTP_PAGING_ODATA;
	p.on_page_raw = page_fn;
	p.on_done = done_fn;
	p.ctx = pc;
	ret = http_multi_add_paged(hc, &p, err);
	free(url);
	if (ret < 0)
		free(pc);
	return ret;
}

static long long pragma_int(struct store *s, const char *sql)
{
	sqlite3_stmt *st;
	long long v = -2000;

	if (sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* --days, else the tenant's setting itdr.first_days (tenant_settings.c has its default). */
static int first_days(struct store *s, int64_t tenant_id, const struct itdr_ingest_opts *o)
{
	char v[16];
	int d = o && o->first_days > 0 ? o->first_days : 0;

	if (!d && tenant_setting_value(s, tenant_id, "itdr.first_days", v, sizeof(v), NULL) >= 0)
		d = atoi(v);
	return d > 0 && d <= 3650 ? d : ITDR_FIRST_DAYS;
}

int itdr_ingest_with(struct store *s, struct http_client *hc, struct http_auth *graph,
		     const struct endpoints *ep, const struct tenant *t,
		     const struct itdr_ingest_opts *o, struct itdr_ingest_summary *sum,
		     struct tater_err *err)
{
	struct ing g = {0};
	struct itdr_sevmap *map = NULL;
	struct http_stats h0, h1;
	char scope[32], first[32];
	long long t0 = mono_ms(), cache = -2000;
	int ret, failed = 0, denied = 0;

	memset(sum, 0, sizeof(*sum));
	g.s = s;
	g.o = o;
	tenant_scope(t->id, scope, sizeof(scope));
	http_stats_get(hc, &h0);
	if ((ret = itdr_sevmap_load(NULL, 0, &map, err)) < 0)
		return ret;
	if (o && o->first_since && itdr_time_parse(o->first_since) >= 0)
		norm_time(o->first_since, first);
	else
		iso_of(now_s(o) - (int64_t)first_days(s, t->id, o) * 86400, first);
	for (int i = 0; i < NSTREAMS; i++) {
		g.st[i].idx = i;
		wm_get(s, scope, streams[i].wm, sum->since[i]);
		if (!sum->since[i][0])
			snprintf(sum->since[i], sizeof(sum->since[i]), "%s", first);
	}
	if ((ret = store_scan_start(s, scope, "alerts", &sum->scan_id, err)) < 0)
		goto out_nofinish;
	if ((ret =
		 store_exec(s,
			    "CREATE TEMP TABLE IF NOT EXISTS itdr_stage (stream INTEGER NOT NULL,"
			    " key TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (stream, key));"
			    "CREATE TEMP TABLE IF NOT EXISTS itdr_relink (alert_id INTEGER PRIMARY"
			    " KEY); DELETE FROM temp.itdr_stage;",
			    err)) < 0)
		goto out;
	if (sqlite3_prepare_v2(store_db(s),
			       "INSERT OR REPLACE INTO temp.itdr_stage (stream, key, json)"
			       " VALUES (?, ?, ?)",
			       -1, &g.stage, NULL) != SQLITE_OK) {
		ret = store_sqlerr(s, "staging ITDR data", err);
		goto out;
	}
	/* Only the temporary database is written meanwhile: the store is not locked. */
	if ((ret = store_exec(s, "BEGIN", err)) < 0)
		goto out;
	for (int i = 0; i < NSTREAMS && ret == 0; i++)
		ret = add_stream(&g, hc, graph, ep, t, i, sum->since[i], err);
	if (ret == 0) {
		progress(&g, "reading");
		ret = http_multi_run(hc, err);
	}
	sqlite3_exec(store_db(s), "COMMIT", NULL, NULL, NULL);
	sqlite3_finalize(g.stage);
	g.stage = NULL;
	sum->detections = g.st[S_DET].items;
	sum->risky_users = g.st[S_RISKY].items;
	sum->signins = g.st[S_SIGNIN].items;
	if (o && o->cancel && atomic_load(o->cancel)) {
		ret = tater_errf(err, TATER_ECANCELED, "ingest canceled");
		goto out;
	}
	for (int i = 0; i < NSTREAMS; i++) {
		if (g.st[i].rc == 0)
			continue;
		failed++;
		if (g.st[i].rc == TATER_EPERM)
			denied++;
		if (!sum->detail[0])
			snprintf(sum->detail, sizeof(sum->detail), "%s: %s%s%s", streams[i].label,
				 g.st[i].detail, g.st[i].rc == TATER_EPERM ? " (needs " : "",
				 g.st[i].rc == TATER_EPERM ? streams[i].perm : "");
		if (g.st[i].rc == TATER_EPERM)
			strncat(sum->detail, ")", sizeof(sum->detail) - strlen(sum->detail) - 1);
	}
	if (failed == NSTREAMS && !denied) {
		/* Nothing could be read (sign-in failed, no network): an error, not partial. */
		ret = tater_errf(err, g.st[0].rc ? g.st[0].rc : TATER_EIO, "%s", sum->detail);
		goto out;
	}
	ret = 0;
	progress(&g, "storing alerts");
	/* Hundreds of thousands of sign-ins overflow the default page cache (2 MiB), and the
	 * transaction then thrashes: give this one 64 MiB, and the setting back after. */
	cache = pragma_int(s, "PRAGMA cache_size");
	store_exec(s, "PRAGMA cache_size = -65536", NULL);
	if ((ret = store_begin(s, err)) < 0)
		goto out;
	if ((ret = swap_in(&g, t, scope, sum->scan_id, map, sum, err)) < 0) {
		store_rollback(s);
		goto out;
	}
	ret = store_commit(s, err);
	{
		char sql[64];

		snprintf(sql, sizeof(sql), "PRAGMA cache_size = %lld", cache);
		store_exec(s, sql, NULL);
	}
	if (ret < 0)
		goto out;
out:
	snprintf(sum->status, sizeof(sum->status), "%s",
		 ret == TATER_ECANCELED ? "canceled"
		 : ret < 0		? "error"
		 : failed		? "partial"
					: "complete");
	if (ret < 0 && !sum->detail[0])
		snprintf(sum->detail, sizeof(sum->detail), "%s", err->msg);
	store_scan_finish(s, sum->scan_id, sum->status, sum->detail[0] ? sum->detail : NULL, NULL);
	if (ret < 0) {
		char target[160];

		snprintf(target, sizeof(target), "tenant %s", t->name);
		activity_append(s, "itdr.ingest", target, sum->status, sum->detail, NULL);
	}
out_nofinish:
	sqlite3_finalize(g.stage);
	store_exec(s, "DELETE FROM temp.itdr_stage", NULL);
	http_stats_get(hc, &h1);
	sum->requests = h1.requests - h0.requests;
	sum->throttled = h1.throttled - h0.throttled;
	sum->retries = h1.retries - h0.retries;
	sum->elapsed_ms = mono_ms() - t0;
	itdr_sevmap_free(map);
	return ret;
}

/* ---- on its own: endpoints, credential and client of the tenant ---- */

/* As collect_tenant_auth does (its message names where to add the credential); kept here so
 * src/itdr stands below src/collect (whose scan calls itdr_ingest_with). */
static int tenant_auth(struct vault *v, const struct tenant *t, const struct endpoints *ep,
		       struct auth_entra **out, struct tater_err *err)
{
	struct auth_entra_config cfg = {0};
	int is_cert = !strcmp(t->auth_kind, "certificate");
	char *secret = NULL;
	size_t len = 0;
	int ret;

	ret = vault_get(v, "tenants", t->id, is_cert ? "certificate" : "client_secret", &secret,
			&len, err);
	if (ret == TATER_ENOTFOUND)
		return tater_errf(err, TATER_EAUTH, "tenant '%s' has no %s stored", t->name,
				  is_cert ? "certificate" : "client secret");
	if (ret < 0)
		return ret;
	cfg.tenant = t->tenant_id;
	cfg.client_id = t->client_id;
	cfg.ep = ep;
	if (is_cert) {
		cfg.cert_pem = secret;
		cfg.cert_pem_len = len;
	} else {
		cfg.client_secret = secret;
	}
	ret = auth_entra_new(&cfg, out, err);
	vault_free_plain(secret, len);
	return ret;
}

int itdr_ingest(struct store *s, struct vault *v, const struct tenant *t,
		const struct itdr_ingest_opts *o, struct itdr_ingest_summary *sum,
		struct tater_err *err)
{
	struct auth_entra *auth = NULL;
	struct http_client *hc = NULL;
	struct http_config cfg;
	struct rate_config unpaced;
	struct endpoints ep;
	int ret, no_pacing = o && o->no_pacing;

	memset(sum, 0, sizeof(*sum));
	if (!tenant_setting_on(s, t->id, "net.pacing"))
		no_pacing = 1;
	http_config_defaults(&cfg);
	if (o) {
		cfg.cancel = o->cancel;
		cfg.rates = o->rates;
		cfg.ca_file = o->ca_file;
	}
	if (no_pacing) {
		rate_config_defaults(&unpaced);
		for (int i = 0; i < RATE_NCLASSES; i++)
			unpaced.spec[i].kind = RATE_NONE;
		cfg.rates = NULL;
		cfg.rate_cfg = &unpaced;
	}
	if ((ret = endpoints_for_cloud(t->cloud, t->base_url, &ep, err)) < 0 ||
	    (ret = tenant_auth(v, t, &ep, &auth, err)) < 0 ||
	    (ret = http_client_new(&cfg, &hc, err)) < 0)
		goto out;
	ret =
	    itdr_ingest_with(s, hc, auth_entra_source(auth, ENDPOINTS_GRAPH), &ep, t, o, sum, err);
out:
	http_client_free(hc);
	auth_entra_free(auth);
	return ret;
}
