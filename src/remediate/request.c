/* request.c - remediation_requests rows and the runbook's result.
 *
 * At most one active request (pending, submitted, running) per control and scope: the
 * partial unique index remediation_one_active makes the second INSERT fail whichever
 * process or analyst tries it, and the refusal names who holds the running one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <sqlite3.h>

#include "rem_internal.h"
#include "tater/activity.h"
#include "tater/store.h"

static void new_guid(char out[40])
{
	unsigned char b[16];

	randombytes_buf(b, sizeof(b));
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	snprintf(out, 40,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
		 b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
		 b[14], b[15]);
}

int rem_log(struct store *s, const char *action, const char *scope, const char *control_id,
	    const char *outcome, const char *detail, struct tater_err *err)
{
	char target[160];

	snprintf(target, sizeof(target), "%s %s", scope, control_id);
	return activity_append(s, action, target, outcome, detail, err);
}

#define REQ_COLS                                                                                   \
	"id, request_id, scope, control_id, script_id, params, status, job_id, job_status,"       \
	" requested_by, requested_at, updated_at, finished_at, output, error, before_scan,"      \
	" after_scan"

static void fill(sqlite3_stmt *st, struct rem_request *r)
{
	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(st, 0);
	store_col_text(st, 1, r->request_id, sizeof(r->request_id));
	store_col_text(st, 2, r->scope, sizeof(r->scope));
	store_col_text(st, 3, r->control_id, sizeof(r->control_id));
	store_col_text(st, 4, r->script_id, sizeof(r->script_id));
	r->params = store_col_dup(st, 5);
	store_col_text(st, 6, r->status, sizeof(r->status));
	store_col_text(st, 7, r->job_id, sizeof(r->job_id));
	store_col_text(st, 8, r->job_status, sizeof(r->job_status));
	store_col_text(st, 9, r->requested_by, sizeof(r->requested_by));
	store_col_text(st, 10, r->requested_at, sizeof(r->requested_at));
	store_col_text(st, 11, r->updated_at, sizeof(r->updated_at));
	store_col_text(st, 12, r->finished_at, sizeof(r->finished_at));
	r->output = store_col_dup(st, 13);
	r->error = store_col_dup(st, 14);
	r->before_scan = sqlite3_column_int64(st, 15);
	r->after_scan = sqlite3_column_int64(st, 16);
}

void rem_request_free(struct rem_request *r)
{
	if (!r)
		return;
	free(r->params);
	free(r->output);
	free(r->error);
	r->params = r->output = r->error = NULL;
}

static int get_one(struct store *s, const char *sql, const char *a, const char *b,
		   struct rem_request *out, struct tater_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL) != SQLITE_OK)
		return store_sqlerr(s, "reading remediation requests", err);
	sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
	if (b)
		sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		fill(st, out);
		sqlite3_finalize(st);
		return 0;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_sqlerr(s, "reading remediation requests", err);
	return tater_errf(err, TATER_ENOTFOUND, "no such remediation request");
}

int rem_request_get(struct store *s, const char *request_id, struct rem_request *out,
		    struct tater_err *err)
{
	return get_one(s, "SELECT " REQ_COLS " FROM remediation_requests WHERE request_id = ?",
		       request_id, NULL, out, err);
}

int rem_request_latest(struct store *s, const char *scope, const char *control_id,
		       struct rem_request *out, struct tater_err *err)
{
	int ret = get_one(s,
			  "SELECT " REQ_COLS " FROM remediation_requests WHERE scope = ? AND"
			  " control_id = ? ORDER BY status IN ('pending','submitted','running')"
			  " DESC, id DESC LIMIT 1",
			  scope, control_id, out, err);

	if (ret == TATER_ENOTFOUND)
		tater_errf(err, TATER_ENOTFOUND, "%s has never been remediated here", control_id);
	return ret;
}

int rem_request_insert(struct store *s, const char *scope, const char *control_id,
		       const char *script_id, const char *params, char request_id[40],
		       struct tater_err *err)
{
	sqlite3_stmt *st = NULL;
	char now[32], detail[600];
	int rc, ret;

	new_guid(request_id);
	store_now(now);
	if (sqlite3_prepare_v2(store_db(s),
			       "INSERT INTO remediation_requests (request_id, scope, control_id,"
			       " script_id, params, status, requested_by, requested_at, updated_at)"
			       " VALUES (?,?,?,?,?,'pending',?,?,?)",
			       -1, &st, NULL) != SQLITE_OK)
		return store_sqlerr(s, "recording the remediation request", err);
	sqlite3_bind_text(st, 1, request_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, scope, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, control_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, script_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, params ? params : "{}", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, store_actor(s), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, now, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_CONSTRAINT) {
		struct rem_request cur;
		struct tater_err e2 = {0};

		if (get_one(s,
			    "SELECT " REQ_COLS " FROM remediation_requests WHERE scope = ? AND"
			    " control_id = ? AND status IN ('pending','submitted','running')",
			    scope, control_id, &cur, &e2) == 0) {
			ret = tater_errf(err, TATER_EBUSY,
					 "%s is already being remediated: %s started it at %s "
					 "(request %s%s%s, %s)",
					 control_id, cur.requested_by, cur.requested_at,
					 cur.request_id, cur.job_id[0] ? ", job " : "", cur.job_id,
					 cur.status);
			rem_request_free(&cur);
		} else {
			ret = tater_errf(err, TATER_EBUSY, "%s is already being remediated",
					 control_id);
		}
		snprintf(detail, sizeof(detail), "refused: %s", err->msg);
		rem_log(s, "remediation.request", scope, control_id, "refused", detail, &e2);
		return ret;
	}
	if (rc != SQLITE_DONE)
		return store_sqlerr(s, "recording the remediation request", err);
	snprintf(detail, sizeof(detail), "request %s, script %s, parameters %s", request_id,
		 script_id, params ? params : "{}");
	return rem_log(s, "remediation.request", scope, control_id, "ok", detail, err);
}

int rem_request_set(struct store *s, const char *request_id, const char *status,
		    const char *job_id, const char *job_status, const char *output,
		    const char *error, int finished, struct tater_err *err)
{
	sqlite3_stmt *st = NULL;
	char now[32];

	store_now(now);
	if (sqlite3_prepare_v2(store_db(s),
			       "UPDATE remediation_requests SET status = coalesce(?, status),"
			       " job_id = coalesce(?, job_id), job_status = coalesce(?, job_status),"
			       " output = coalesce(?, output), error = coalesce(?, error),"
			       " updated_at = ?, finished_at = CASE WHEN ? THEN ? ELSE finished_at"
			       " END WHERE request_id = ?",
			       -1, &st, NULL) != SQLITE_OK)
		return store_sqlerr(s, "updating the remediation request", err);
	sqlite3_bind_text(st, 1, status, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, job_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, job_status, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, output, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, error, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, now, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 7, finished);
	sqlite3_bind_text(st, 8, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, request_id, -1, SQLITE_STATIC);
	return store_step_done(s, st, "updating the remediation request", err);
}

/* ---- the result line ------------------------------------------------------------------- */

static void value_text(const json_t *v, char *out, size_t n)
{
	if (json_is_string(v)) {
		snprintf(out, n, "%s", json_string_value(v));
	} else {
		char *d = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);

		snprintf(out, n, "%s", d ? d : "null");
		free(d);
	}
}

static char *lines_of(const json_t *arr, size_t *count, int changes)
{
	size_t i, cap = 1, len = 0;
	const json_t *x;
	char *out = calloc(1, 1);

	*count = 0;
	json_array_foreach(arr, i, x)
	{
		char line[1200], b[400], a[400];
		char *nv;
		size_t l;

		if (changes) {
			const char *set = json_string_value(json_object_get(x, "setting"));

			value_text(json_object_get(x, "before"), b, sizeof(b));
			value_text(json_object_get(x, "after"), a, sizeof(a));
			snprintf(line, sizeof(line), "%s: %s -> %s", set ? set : "?", b, a);
		} else {
			value_text(x, line, sizeof(line));
		}
		l = strlen(line);
		nv = out ? realloc(out, cap + len + l + 1) : NULL;
		if (!nv)
			break;
		out = nv;
		if (len)
			out[len++] = '\n';
		memcpy(out + len, line, l + 1);
		len += l;
		cap = len + 1;
		(*count)++;
	}
	return out;
}

int rem_result_parse(const char *output, const char *request_id, struct rem_result *out)
{
	json_t *best = NULL;
	const char *p = output;

	memset(out, 0, sizeof(*out));
	while (p && *p) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		json_t *j = json_loadb(p, len, 0, NULL);

		if (json_is_object(j) &&
		    json_is_string(json_object_get(j, "request_id")) &&
		    (!request_id ||
		     !strcmp(json_string_value(json_object_get(j, "request_id")), request_id))) {
			json_decref(best);
			best = j;
		} else {
			json_decref(j);
		}
		p = e ? e + 1 : p + len;
	}
	if (!best)
		return -1;
	snprintf(out->status, sizeof(out->status), "%s",
		 json_string_value(json_object_get(best, "status"))
		     ? json_string_value(json_object_get(best, "status"))
		     : "");
	snprintf(out->runtime, sizeof(out->runtime), "%s",
		 json_string_value(json_object_get(best, "runtime"))
		     ? json_string_value(json_object_get(best, "runtime"))
		     : "");
	out->changes_text = lines_of(json_object_get(best, "changes"), &out->nchanges, 1);
	out->errors_text = lines_of(json_object_get(best, "errors"), &out->nerrors, 0);
	{
		size_t ng;

		out->guidance_text = lines_of(json_object_get(best, "guidance"), &ng, 0);
	}
	json_decref(best);
	return 0;
}

void rem_result_free(struct rem_result *r)
{
	if (!r)
		return;
	free(r->changes_text);
	free(r->errors_text);
	free(r->guidance_text);
	memset(r, 0, sizeof(*r));
}
