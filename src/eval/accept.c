/* accept.c - risk acceptances and the conditional-access gate's allowed exclusions.
 *
 * Both change what a control reports, so each write goes with its activity-log entry in the
 * same transaction: a change without its attribution cannot be stored. */
#include <ctype.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "eval_internal.h"
#include "tater/activity.h"
#include "tater/catalog.h"
#include "tater/eval.h"
#include "tater/store.h"

#define REASON_MAX 500

/* "YYYY-MM-DD" (to the end of that day, UTC) or "YYYY-MM-DDTHH:MM:SS[.fff]Z", normalised to
 * the store's time format so that times compare as strings. */
static int parse_expiry(const char *in, char out[32], struct tater_err *err)
{
	int y, mo, d, h = 23, mi = 59, sec = 59, ms = 999, n = 0;
	struct tm tm = {0}, back;
	time_t t;
	size_t len = strlen(in);

	if (len == 10 && sscanf(in, "%4d-%2d-%2d%n", &y, &mo, &d, &n) == 3 && n == 10) {
		/* the whole day */
	} else if (len >= 20 &&
		   sscanf(in, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) == 6 &&
		   n == 19) {
		ms = 0;
		if (in[19] == '.') {
			int digits = 0;
			const char *p = in + 20;

			for (; isdigit((unsigned char)*p); p++, digits++)
				if (digits < 3)
					ms = ms * 10 + (*p - '0');
			for (int i = digits; i < 3; i++)
				ms *= 10;
			if (!digits || strcmp(p, "Z") != 0)
				goto bad;
		} else if (strcmp(in + 19, "Z") != 0) {
			goto bad;
		}
	} else {
		goto bad;
	}
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm);
	if (t == (time_t)-1 || !gmtime_r(&t, &back) || back.tm_mday != d || back.tm_mon != mo - 1 ||
	    back.tm_hour != h || back.tm_min != mi || back.tm_sec != sec)
		goto bad;
	snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", y, mo, d, h, mi, sec, ms);
	return 0;
bad:
	return tater_errf(err, TATER_EINVAL,
			  "bad expiry date '%s' (YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SSZ in UTC)", in);
}

static int text_ok(const char *what, const char *s, size_t max, struct tater_err *err)
{
	size_t len = s ? strlen(s) : 0;
	int blank = 1;

	for (size_t i = 0; i < len; i++)
		blank &= isspace((unsigned char)s[i]) != 0;
	if (blank)
		return tater_errf(err, TATER_EINVAL, "%s is required", what);
	if (len > max)
		return tater_errf(err, TATER_EINVAL, "%s is longer than %zu characters", what, max);
	return 0;
}

static int control_id_ok(const char *id, struct tater_err *err)
{
	if (!id || !*id || strlen(id) > 100)
		return tater_errf(err, TATER_EINVAL, "bad control id");
	for (const char *p = id; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr(".-_", *p))
			return tater_errf(err, TATER_EINVAL, "bad control id '%s'", id);
	return 0;
}

/* Prepare sql and bind its first n parameters to the texts of v, which the caller keeps
 * until the statement is finalised.  A failure names what the caller was doing, as its other
 * messages do: store_prepare would only say "preparing a query". */
static int prepare_texts(struct store *s, sqlite3_stmt **st, const char *sql, const char *const *v,
			 int n, const char *what, struct tater_err *err)
{
	if (sqlite3_prepare_v2(store_db(s), sql, -1, st, NULL) != SQLITE_OK) {
		*st = NULL;
		return store_sqlerr(s, what, err);
	}
	for (int i = 0; i < n; i++)
		sqlite3_bind_text(*st, i + 1, v[i], -1, SQLITE_STATIC);
	return 0;
}

/* Run a statement of texts that returns no rows; sqlite3_changes() still counts its rows
 * afterwards. */
static int exec_texts(struct store *s, const char *sql, const char *const *v, int n,
		      const char *what, struct tater_err *err)
{
	sqlite3_stmt *st;
	int ret = prepare_texts(s, &st, sql, v, n, what, err);

	return ret < 0 ? ret : store_step_done(s, st, what, err);
}

/* ---- risk acceptance ---- */

/* End the acceptance in force for a control, if there is one (what names the caller's
 * action in a failure). */
static int revoke_in_force(struct store *s, const char *scope, const char *control_id,
			   const char *now, const char *what, struct tater_err *err)
{
	return exec_texts(s,
			  "UPDATE main.risk_acceptances SET revoked_by = ?3, revoked_at = ?4"
			  " WHERE scope = ?1 AND control_id = ?2 AND revoked_at IS NULL"
			  " AND expires_at > ?4",
			  (const char *const[]){scope, control_id, store_actor(s), now}, 4, what,
			  err);
}

int eval_accept(struct store *s, const char *scope, const char *control_id, const char *reason,
		const char *expires, struct tater_err *err)
{
	sqlite3_stmt *st = NULL;
	char now[32], until[32], target[256], *detail = NULL, *why = NULL;
	const char *status;
	int ret, rc;

	if ((ret = eval_scope_ok(scope, err)) < 0 || (ret = control_id_ok(control_id, err)) < 0 ||
	    (ret = text_ok("a reason", reason, REASON_MAX, err)) < 0 ||
	    (ret = parse_expiry(expires ? expires : "", until, err)) < 0)
		return ret;
	store_now(now);
	if (strcmp(until, now) <= 0)
		return tater_errf(err, TATER_EINVAL, "the expiry %.10s is not in the future",
				  until);
	why = strdup(reason);
	if (!why)
		return tater_errf(err, TATER_ENOMEM, "out of memory");
	eval_one_line(why, REASON_MAX);
	snprintf(target, sizeof(target), "%s %s", scope, control_id);

	if ((ret = store_begin(s, err)) < 0)
		goto out;
	/* Only a failing control's risk can be accepted: anything else is a mistake. */
	if ((ret = prepare_texts(s, &st,
				 "SELECT status FROM main.control_results WHERE scope = ?1"
				 " AND control_id = ?2 ORDER BY scan_id DESC LIMIT 1",
				 (const char *const[]){scope, control_id}, 2, "accepting a risk",
				 err)) < 0)
		goto fail;
	rc = sqlite3_step(st);
	status = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
	if (rc == SQLITE_DONE) {
		ret =
		    tater_errf(err, TATER_ENOTFOUND,
			       "%s has no result for %s yet: run a scan first", control_id, scope);
		goto fail;
	}
	if (rc != SQLITE_ROW) {
		ret = store_sqlerr(s, "accepting a risk", err);
		goto fail;
	}
	if (strcmp(status, "fail") != 0) {
		ret = tater_errf(err, TATER_EINVAL,
				 "%s is %s, not failing: only a failing control's risk can be "
				 "accepted",
				 control_id, status);
		goto fail;
	}
	sqlite3_finalize(st);
	st = NULL;
	/* One acceptance in force per control: a new one replaces it. */
	if ((ret = revoke_in_force(s, scope, control_id, now, "accepting a risk", err)) < 0)
		goto fail;
	ret = exec_texts(s,
			 "INSERT INTO main.risk_acceptances (scope, control_id, reason,"
			 " expires_at, accepted_by, accepted_at) VALUES (?, ?, ?, ?, ?, ?)",
			 (const char *const[]){scope, control_id, why, until, store_actor(s), now},
			 6, "accepting a risk", err);
	if (ret < 0)
		goto fail;
	if (asprintf(&detail, "until %.10s: %s", until, why) < 0) {
		detail = NULL;
		ret = tater_errf(err, TATER_ENOMEM, "out of memory");
		goto fail;
	}
	if ((ret = activity_append(s, "control.accept", target, "ok", detail, err)) < 0)
		goto fail;
	ret = store_commit(s, err);
	goto out;
fail:
	store_rollback(s);
out:
	sqlite3_finalize(st);
	free(detail);
	free(why);
	return ret;
}

int eval_revoke(struct store *s, const char *scope, const char *control_id, struct tater_err *err)
{
	char now[32], target[256];
	int ret;

	if ((ret = eval_scope_ok(scope, err)) < 0 || (ret = control_id_ok(control_id, err)) < 0)
		return ret;
	store_now(now);
	snprintf(target, sizeof(target), "%s %s", scope, control_id);
	if ((ret = store_begin(s, err)) < 0)
		return ret;
	ret = revoke_in_force(s, scope, control_id, now, "revoking a risk acceptance", err);
	if (ret < 0)
		goto fail;
	if (sqlite3_changes(store_db(s)) == 0) {
		ret = tater_errf(err, TATER_ENOTFOUND, "%s has no risk acceptance in force for %s",
				 control_id, scope);
		goto fail;
	}
	if ((ret = activity_append(s, "control.revoke", target, "ok", NULL, err)) < 0)
		goto fail;
	return store_commit(s, err);
fail:
	store_rollback(s);
	return ret;
}

void eval_acceptances_free(struct eval_acceptance *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].scope);
		free(v[i].control_id);
		free(v[i].reason);
		free(v[i].accepted_by);
		free(v[i].revoked_by);
	}
	free(v);
}

int eval_acceptances(struct store *s, const char *scope, int include_inactive,
		     struct eval_acceptance **out, size_t *n, struct tater_err *err)
{
	sqlite3_stmt *st;
	char now[32];
	int rc, ret = 0;

	*out = NULL;
	*n = 0;
	store_now(now);
	if ((ret = prepare_texts(s, &st,
				 "SELECT id, scope, control_id, reason, expires_at, accepted_by,"
				 " accepted_at, revoked_by, revoked_at,"
				 " revoked_at IS NULL AND expires_at > ?2"
				 " FROM main.risk_acceptances WHERE (?1 IS NULL OR scope = ?1)"
				 " AND (?3 OR (revoked_at IS NULL AND expires_at > ?2))"
				 " ORDER BY accepted_at DESC, id DESC",
				 (const char *const[]){scope, now}, 2, "listing risk acceptances",
				 err)) < 0)
		return ret;
	sqlite3_bind_int(st, 3, include_inactive != 0);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct eval_acceptance *nv = realloc(*out, (*n + 1) * sizeof(*nv)), *a;

		if (!nv) {
			ret = tater_errf(err, TATER_ENOMEM, "out of memory");
			goto out;
		}
		*out = nv;
		a = &nv[(*n)++];
		memset(a, 0, sizeof(*a));
		a->id = sqlite3_column_int64(st, 0);
		a->scope = store_col_dup(st, 1);
		a->control_id = store_col_dup(st, 2);
		a->reason = store_col_dup(st, 3);
		store_col_text(st, 4, a->expires_at, sizeof(a->expires_at));
		a->accepted_by = store_col_dup(st, 5);
		store_col_text(st, 6, a->accepted_at, sizeof(a->accepted_at));
		a->revoked_by = store_col_dup(st, 7);
		store_col_text(st, 8, a->revoked_at, sizeof(a->revoked_at));
		a->active = sqlite3_column_int(st, 9);
		if (!a->scope || !a->control_id || !a->reason || !a->accepted_by) {
			ret = tater_errf(err, TATER_ENOMEM, "out of memory");
			goto out;
		}
	}
	if (rc != SQLITE_DONE)
		ret = store_sqlerr(s, "listing risk acceptances", err);
out:
	sqlite3_finalize(st);
	if (ret < 0) {
		eval_acceptances_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return ret;
}

/* ---- exclusions ---- */

static int kind_ok(const char *kind, struct tater_err *err)
{
	static const char *const kinds[] = {"user", "group", "application", "role"};

	for (size_t i = 0; kind && i < 4; i++)
		if (strcmp(kind, kinds[i]) == 0)
			return 0;
	return tater_errf(err, TATER_EINVAL,
			  "unknown exclusion kind '%s' (user, group, application or role)",
			  kind ? kind : "");
}

static int object_id_ok(const char *id, struct tater_err *err)
{
	if (!id || !*id || strlen(id) > 128)
		return tater_errf(err, TATER_EINVAL, "an object id is required");
	for (const char *p = id; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("-_.@", *p))
			return tater_errf(err, TATER_EINVAL,
					  "bad object id '%s' (the id as it appears in the policy, "
					  "usually a GUID)",
					  id);
	return 0;
}

int eval_exclusion_add(struct store *s, const struct catalog *cat, const char *scope,
		       const char *control_id, const char *kind, const char *object_id,
		       const char *note, struct tater_err *err)
{
	sqlite3_stmt *st = NULL;
	char now[32], target[256], *detail = NULL, *why = NULL;
	int ret, rc;

	if ((ret = eval_scope_ok(scope, err)) < 0 || (ret = control_id_ok(control_id, err)) < 0 ||
	    (ret = kind_ok(kind, err)) < 0 || (ret = object_id_ok(object_id, err)) < 0)
		return ret;
	if (cat && !catalog_find(cat, control_id))
		return tater_errf(err, TATER_ENOTFOUND, "no control '%s' in the catalog",
				  control_id);
	if (note && *note) {
		if ((ret = text_ok("a note", note, REASON_MAX, err)) < 0)
			return ret;
		if (!(why = strdup(note)))
			return tater_errf(err, TATER_ENOMEM, "out of memory");
		eval_one_line(why, REASON_MAX);
	}
	store_now(now);
	snprintf(target, sizeof(target), "%s %s", scope, control_id);
	if ((ret = store_begin(s, err)) < 0)
		goto out;
	ret = prepare_texts(
	    s, &st,
	    "INSERT INTO main.control_exclusions (scope, control_id, kind, object_id,"
	    " note, added_by, added_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
	    (const char *const[]){scope, control_id, kind, object_id, why, store_actor(s), now}, 7,
	    "allowing an exclusion", err);
	if (ret < 0)
		goto fail;
	/* Not store_step_done: a duplicate gets its own message. */
	rc = sqlite3_step(st);
	if (rc == SQLITE_CONSTRAINT) {
		ret = tater_errf(err, TATER_EEXIST, "%s %s is already allowed for %s", kind,
				 object_id, control_id);
		goto fail;
	}
	if (rc != SQLITE_DONE) {
		ret = store_sqlerr(s, "allowing an exclusion", err);
		goto fail;
	}
	if (asprintf(&detail, "%s %s%s%s", kind, object_id, why ? ": " : "", why ? why : "") < 0) {
		detail = NULL;
		ret = tater_errf(err, TATER_ENOMEM, "out of memory");
		goto fail;
	}
	if ((ret = activity_append(s, "control.exclusion.add", target, "ok", detail, err)) < 0)
		goto fail;
	sqlite3_finalize(st);
	st = NULL;
	ret = store_commit(s, err);
	goto out;
fail:
	store_rollback(s);
out:
	sqlite3_finalize(st);
	free(detail);
	free(why);
	return ret;
}

int eval_exclusion_remove(struct store *s, const char *scope, const char *control_id,
			  const char *kind, const char *object_id, struct tater_err *err)
{
	char target[256], detail[256];
	int ret;

	if ((ret = eval_scope_ok(scope, err)) < 0 || (ret = control_id_ok(control_id, err)) < 0 ||
	    (ret = kind_ok(kind, err)) < 0 || (ret = object_id_ok(object_id, err)) < 0)
		return ret;
	snprintf(target, sizeof(target), "%s %s", scope, control_id);
	snprintf(detail, sizeof(detail), "%s %s", kind, object_id);
	if ((ret = store_begin(s, err)) < 0)
		return ret;
	ret = exec_texts(s,
			 "DELETE FROM main.control_exclusions WHERE scope = ? AND control_id = ?"
			 " AND kind = ? AND object_id = ?",
			 (const char *const[]){scope, control_id, kind, object_id}, 4,
			 "removing an exclusion", err);
	if (ret < 0)
		goto fail;
	if (sqlite3_changes(store_db(s)) == 0) {
		ret = tater_errf(err, TATER_ENOTFOUND, "%s %s is not allowed for %s", kind,
				 object_id, control_id);
		goto fail;
	}
	if ((ret = activity_append(s, "control.exclusion.remove", target, "ok", detail, err)) < 0)
		goto fail;
	return store_commit(s, err);
fail:
	store_rollback(s);
	return ret;
}

void eval_exclusions_free(struct eval_exclusion *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].scope);
		free(v[i].control_id);
		free(v[i].kind);
		free(v[i].object_id);
		free(v[i].note);
		free(v[i].added_by);
	}
	free(v);
}

int eval_exclusions(struct store *s, const char *scope, const char *control_id,
		    struct eval_exclusion **out, size_t *n, struct tater_err *err)
{
	sqlite3_stmt *st;
	int rc, ret = 0;

	*out = NULL;
	*n = 0;
	if ((ret = eval_scope_ok(scope, err)) < 0)
		return ret;
	if ((ret = prepare_texts(
		 s, &st,
		 "SELECT scope, control_id, kind, object_id, note, added_by, added_at"
		 " FROM main.control_exclusions WHERE scope = ?1"
		 " AND (?2 IS NULL OR control_id = ?2)"
		 " ORDER BY control_id, kind, object_id",
		 (const char *const[]){scope, control_id}, 2, "listing exclusions", err)) < 0)
		return ret;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct eval_exclusion *nv = realloc(*out, (*n + 1) * sizeof(*nv)), *x;

		if (!nv) {
			ret = tater_errf(err, TATER_ENOMEM, "out of memory");
			goto out;
		}
		*out = nv;
		x = &nv[(*n)++];
		memset(x, 0, sizeof(*x));
		x->scope = store_col_dup(st, 0);
		x->control_id = store_col_dup(st, 1);
		x->kind = store_col_dup(st, 2);
		x->object_id = store_col_dup(st, 3);
		x->note = store_col_dup(st, 4);
		x->added_by = store_col_dup(st, 5);
		store_col_text(st, 6, x->added_at, sizeof(x->added_at));
		if (!x->scope || !x->control_id || !x->kind || !x->object_id || !x->added_by) {
			ret = tater_errf(err, TATER_ENOMEM, "out of memory");
			goto out;
		}
	}
	if (rc != SQLITE_DONE)
		ret = store_sqlerr(s, "listing exclusions", err);
out:
	sqlite3_finalize(st);
	if (ret < 0) {
		eval_exclusions_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return ret;
}
