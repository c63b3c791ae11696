/* alerts.c - ITDR alerts: reading them, and the analyst's workflow (status, assignee,
 * notes, manual alerts, playbook activation).  Every change is written with its activity
 * log entry in one transaction, so the log never misses a change nor records one that did
 * not happen. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>

#include "tater/activity.h"
#include "tater/ir.h"
#include "tater/itdr.h"
#include "tater/roles.h"
#include "tater/store.h"

const char *const itdr_statuses[5] = {"new", "investigating", "contained", "resolved",
				      "false_positive"};
static const char *const status_labels[5] = {"New", "Investigating", "Contained", "Resolved",
					     "False Positive"};

/* The workflow, as data: from -> the statuses it may move to. */
static const struct {
	const char *from;
	const char *to[3];
	const char *label;
} transitions[] = {
    {"new", {"investigating"}, "Investigating"},
    {"investigating", {"contained", "false_positive"}, "Contained or False Positive"},
    {"contained", {"resolved", "false_positive"}, "Resolved or False Positive"},
    {"resolved", {NULL}, "none: it is closed"},
    {"false_positive", {NULL}, "none: it is closed"},
};

static int status_index(const char *s)
{
	for (int i = 0; s && i < 5; i++)
		if (!strcmp(s, itdr_statuses[i]))
			return i;
	return -1;
}

int itdr_status_parse(const char *s, const char **out, struct tater_err *err)
{
	char buf[32];
	size_t j = 0;

	for (const char *p = s ? s : ""; *p && j + 1 < sizeof(buf); p++)
		buf[j++] = (*p == ' ' || *p == '-') ? '_' : (char)(*p | 0x20);
	buf[j] = '\0';
	if (!strcmp(buf, "fp") || !strcmp(buf, "falsepositive"))
		snprintf(buf, sizeof(buf), "false_positive");
	for (int i = 0; i < 5; i++) {
		if (!strcmp(buf, itdr_statuses[i])) {
			*out = itdr_statuses[i];
			return 0;
		}
	}
	return tater_errf(err, TATER_EINVAL,
			  "status '%.40s': use new, investigating, contained, resolved or "
			  "false_positive",
			  s ? s : "");
}

const char *itdr_status_label(const char *status)
{
	int i = status_index(status);

	return i < 0 ? "?" : status_labels[i];
}

int itdr_status_closed(const char *status)
{
	return status && (!strcmp(status, "resolved") || !strcmp(status, "false_positive"));
}

int itdr_transition_ok(const char *from, const char *to)
{
	for (size_t i = 0; i < sizeof(transitions) / sizeof(transitions[0]); i++) {
		if (!from || strcmp(transitions[i].from, from))
			continue;
		for (int k = 0; k < 3 && transitions[i].to[k]; k++)
			if (to && !strcmp(transitions[i].to[k], to))
				return 1;
	}
	return 0;
}

const char *itdr_next_label(const char *from)
{
	for (size_t i = 0; i < sizeof(transitions) / sizeof(transitions[0]); i++)
		if (from && !strcmp(transitions[i].from, from))
			return transitions[i].label;
	return "?";
}

/* ---- helpers ---- */

/* Texts people type: UTF-8 with no control character but LF and TAB, bounded. */
static int text_ok(const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;

	if (!s || n == 0 || n > max)
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f)
			return 0;
	{
		json_t *j = json_string(s); /* NULL for invalid UTF-8 */

		if (!j)
			return 0;
		json_decref(j);
	}
	return 1;
}

void itdr_alert_clear(struct itdr_alert *a)
{
	if (!a)
		return;
	free(a->description);
	free(a->closing_note);
	free(a->raw);
	a->description = a->closing_note = a->raw = NULL;
}

void itdr_alerts_free(struct itdr_alert *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		itdr_alert_clear(&v[i]);
	free(v);
}

#define ALERT_COLS                                                                                 \
	"a.id, a.scope, coalesce(t.name, ''), a.detection_id, a.source, a.detection_type,"         \
	" a.severity, a.status, a.assignee, a.user_upn, a.user_object_id, a.ip, a.location,"       \
	" a.risk_level, a.risk_state, a.request_id, a.correlation_id, a.detected_at,"              \
	" a.created_at, a.updated_at, a.manual, coalesce(a.incident_id, 0), a.description,"        \
	" a.closing_note, a.raw"
#define ALERT_FROM " FROM alerts a LEFT JOIN tenants t ON a.scope = 'tenant:' || t.id"

static void read_alert(sqlite3_stmt *st, struct itdr_alert *a, int with_raw)
{
	memset(a, 0, sizeof(*a));
	a->id = sqlite3_column_int64(st, 0);
	store_col_text(st, 1, a->scope, sizeof(a->scope));
	store_col_text(st, 2, a->tenant, sizeof(a->tenant));
	store_col_text(st, 3, a->detection_id, sizeof(a->detection_id));
	store_col_text(st, 4, a->source, sizeof(a->source));
	store_col_text(st, 5, a->type, sizeof(a->type));
	store_col_text(st, 6, a->severity, sizeof(a->severity));
	store_col_text(st, 7, a->status, sizeof(a->status));
	store_col_text(st, 8, a->assignee, sizeof(a->assignee));
	store_col_text(st, 9, a->user_upn, sizeof(a->user_upn));
	store_col_text(st, 10, a->user_id, sizeof(a->user_id));
	store_col_text(st, 11, a->ip, sizeof(a->ip));
	store_col_text(st, 12, a->location, sizeof(a->location));
	store_col_text(st, 13, a->risk_level, sizeof(a->risk_level));
	store_col_text(st, 14, a->risk_state, sizeof(a->risk_state));
	store_col_text(st, 15, a->request_id, sizeof(a->request_id));
	store_col_text(st, 16, a->correlation_id, sizeof(a->correlation_id));
	store_col_text(st, 17, a->detected_at, sizeof(a->detected_at));
	store_col_text(st, 18, a->created_at, sizeof(a->created_at));
	store_col_text(st, 19, a->updated_at, sizeof(a->updated_at));
	a->manual = sqlite3_column_int(st, 20);
	a->incident_id = sqlite3_column_int64(st, 21);
	a->description = store_col_dup(st, 22);
	a->closing_note = store_col_dup(st, 23);
	a->raw = with_raw ? store_col_dup(st, 24) : NULL;
}

int itdr_alerts_each(struct store *s, const struct itdr_list_filter *f, itdr_alert_fn fn,
		     void *ctx, struct tater_err *err)
{
	sqlite3_stmt *st;
	struct itdr_alert a;
	int ret, rc;

	if ((ret = store_prepare(s, &st,
			"SELECT " ALERT_COLS ALERT_FROM
			" WHERE (?1 IS NULL OR a.status = ?1) AND (?2 IS NULL OR a.severity = ?2)"
			" AND (?3 IS NULL OR a.scope = ?3)"
			" AND (?4 = 0 OR a.status IN ('new','investigating','contained'))"
			" ORDER BY CASE a.severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1"
			" WHEN 'medium' THEN 2 ELSE 3 END, coalesce(a.detected_at, a.created_at)"
			" DESC, a.id DESC",
			err)) < 0)
		return ret;
	store_bind_opt(st, 1, f ? f->status : NULL);
	store_bind_opt(st, 2, f ? f->severity : NULL);
	store_bind_opt(st, 3, f ? f->scope : NULL);
	sqlite3_bind_int(st, 4, f ? f->open_only : 0);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_alert(st, &a, 0);
		if (fn(ctx, &a) < 0) {
			sqlite3_finalize(st);
			return tater_errf(err, TATER_ENOMEM, "out of memory");
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_sqlerr(s, "listing alerts", err);
	return 0;
}

struct alert_vec {
	struct itdr_alert *v;
	size_t n, cap;
};

static int vec_add(void *ctx, struct itdr_alert *a)
{
	struct alert_vec *av = ctx;

	if (av->n == av->cap) {
		size_t cap = av->cap ? av->cap * 2 : 64;
		struct itdr_alert *nv = realloc(av->v, cap * sizeof(*nv));

		if (!nv) {
			itdr_alert_clear(a);
			return -1;
		}
		av->v = nv;
		av->cap = cap;
	}
	av->v[av->n++] = *a;
	return 0;
}

int itdr_alerts_list(struct store *s, const struct itdr_list_filter *f, struct itdr_alert **out,
		     size_t *n, struct tater_err *err)
{
	struct alert_vec av = {0};
	int ret = itdr_alerts_each(s, f, vec_add, &av, err);

	if (ret < 0) {
		itdr_alerts_free(av.v, av.n);
		av.v = NULL;
		av.n = 0;
	}
	*out = av.v;
	*n = av.n;
	return ret;
}

int itdr_alert_get(struct store *s, int64_t id, struct itdr_alert *out, struct tater_err *err)
{
	sqlite3_stmt *st;
	int ret;

	memset(out, 0, sizeof(*out));
	if ((ret = store_prepare(s, &st, "SELECT " ALERT_COLS ALERT_FROM " WHERE a.id = ?", err)) < 0)
		return ret;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return tater_errf(err, TATER_ENOTFOUND, "no ITDR alert #%lld", (long long)id);
	}
	read_alert(st, out, 1);
	sqlite3_finalize(st);
	return 0;
}

/* ---- changes ---- */

static int add_note(struct store *s, int64_t id, const char *body, const char *now,
		    struct tater_err *err)
{
	sqlite3_stmt *st;
	int ret;

	if ((ret = store_prepare(s, &st,
			"INSERT INTO alert_notes (alert_id, at, author, body) VALUES (?,?,?,?)",
			err)) < 0)
		return ret;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, store_actor(s), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, body, -1, SQLITE_STATIC);
	return store_step_done(s, st, "adding a note", err);
}

static void target_of(int64_t id, char *buf, size_t n)
{
	snprintf(buf, n, "alert #%lld", (long long)id);
}

/* A refused change is part of the record too (outside any transaction). */
static int refuse(struct store *s, const char *action, int64_t id, struct tater_err *err)
{
	char target[48];

	target_of(id, target, sizeof(target));
	activity_append(s, action, target, "refused", err->msg, NULL);
	return err->code;
}

int itdr_alert_set_status(struct store *s, int64_t id, const char *status, const char *note,
			  struct tater_err *err)
{
	struct itdr_alert a;
	sqlite3_stmt *st;
	const char *to;
	char now[32], target[48], detail[700];
	int ret;

	if ((ret = store_role_require(s, STORE_ROLE_RESPONDER, "change an alert's status", err)) <
	    0)
		return ret;
	if ((ret = itdr_status_parse(status, &to, err)) < 0)
		return ret;
	if ((ret = itdr_alert_get(s, id, &a, err)) < 0)
		return ret;
	itdr_alert_clear(&a);
	if (!itdr_transition_ok(a.status, to)) {
		tater_errf(err, TATER_EINVAL,
			   "alert #%lld cannot move from %s to %s: from %s the next status is %s",
			   (long long)id, itdr_status_label(a.status), itdr_status_label(to),
			   itdr_status_label(a.status), itdr_next_label(a.status));
		return refuse(s, "alert.status", id, err);
	}
	if (itdr_status_closed(to) && !text_ok(note, 8000)) {
		tater_errf(err, TATER_EINVAL,
			   "alert #%lld: %s needs a closing note (what was found, what was done)",
			   (long long)id, itdr_status_label(to));
		return refuse(s, "alert.status", id, err);
	}
	if (note && *note && !text_ok(note, 8000))
		return tater_errf(err, TATER_EINVAL, "the note must be text of at most 8000 bytes");
	store_now(now);
	if ((ret = store_begin(s, err)) < 0)
		return ret;
	if ((ret = store_prepare(s, &st,
			"UPDATE alerts SET status = ?, updated_at = ?,"
			" closing_note = CASE WHEN ?3 IS NULL THEN closing_note ELSE ?3 END"
			" WHERE id = ? AND status = ?",
			err)) < 0)
		goto fail;
	sqlite3_bind_text(st, 1, to, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
	store_bind_opt(st, 3, itdr_status_closed(to) ? note : NULL);
	sqlite3_bind_int64(st, 4, id);
	sqlite3_bind_text(st, 5, a.status, -1, SQLITE_STATIC);
	if ((ret = store_step_done(s, st, "changing the status", err)) < 0)
		goto fail;
	if (sqlite3_changes(store_db(s)) != 1) {
		ret = tater_errf(err, TATER_EBUSY, "alert #%lld changed meanwhile: look again",
				 (long long)id);
		goto fail;
	}
	if (note && *note) {
		char *body = NULL;
		size_t len = strlen(note) + 64;

		if (!(body = malloc(len))) {
			ret = tater_errf(err, TATER_ENOMEM, "out of memory");
			goto fail;
		}
		snprintf(body, len, "[%s] %s", itdr_status_label(to), note);
		ret = add_note(s, id, body, now, err);
		free(body);
		if (ret < 0)
			goto fail;
	}
	target_of(id, target, sizeof(target));
	snprintf(detail, sizeof(detail), "%s -> %s%s%.600s", a.status, to,
		 note && *note ? ": " : "", note ? note : "");
	if ((ret = activity_append(s, "alert.status", target, "ok", detail, err)) < 0)
		goto fail;
	return store_commit(s, err);
fail:
	store_rollback(s);
	return ret;
}

int itdr_alert_assign(struct store *s, int64_t id, const char *user, struct tater_err *err)
{
	struct itdr_alert a;
	sqlite3_stmt *st;
	char now[32], target[48], detail[200];
	int ret;

	if ((ret = store_role_require(s, STORE_ROLE_RESPONDER, "assign an alert", err)) < 0)
		return ret;
	if (user && !strcmp(user, "me"))
		user = store_actor(s);
	if (user && *user && (strlen(user) > 63 || !text_ok(user, 63) || strchr(user, '\n')))
		return tater_errf(err, TATER_EINVAL, "assignee: a user name of at most 63 bytes");
	if ((ret = itdr_alert_get(s, id, &a, err)) < 0)
		return ret;
	itdr_alert_clear(&a);
	store_now(now);
	if ((ret = store_begin(s, err)) < 0)
		return ret;
	if ((ret = store_prepare(s, &st, "UPDATE alerts SET assignee = ?, updated_at = ? WHERE id = ?",
			err)) < 0)
		goto fail;
	store_bind_opt(st, 1, user);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, id);
	if ((ret = store_step_done(s, st, "assigning the alert", err)) < 0)
		goto fail;
	target_of(id, target, sizeof(target));
	snprintf(detail, sizeof(detail), "%s -> %s", a.assignee[0] ? a.assignee : "(nobody)",
		 user && *user ? user : "(nobody)");
	if ((ret = activity_append(s, "alert.assign", target, "ok", detail, err)) < 0)
		goto fail;
	return store_commit(s, err);
fail:
	store_rollback(s);
	return ret;
}

int itdr_alert_note(struct store *s, int64_t id, const char *text, struct tater_err *err)
{
	struct itdr_alert a;
	char now[32], target[48];
	int ret;

	if ((ret = store_role_require(s, STORE_ROLE_RESPONDER, "add a note to an alert", err)) < 0)
		return ret;
	if (!text_ok(text, 8000))
		return tater_errf(err, TATER_EINVAL,
				  "a note is printable text of 1 to 8000 bytes (no control characters "
				  "or escapes)");
	if ((ret = itdr_alert_get(s, id, &a, err)) < 0)
		return ret;
	itdr_alert_clear(&a);
	store_now(now);
	if ((ret = store_begin(s, err)) < 0)
		return ret;
	target_of(id, target, sizeof(target));
	if ((ret = add_note(s, id, text, now, err)) < 0 ||
	    (ret = activity_append(s, "alert.note", target, "ok", text, err)) < 0) {
		store_rollback(s);
		return ret;
	}
	return store_commit(s, err);
}

int itdr_alert_create(struct store *s, const struct itdr_manual *m, int64_t *id,
		      struct tater_err *err)
{
	sqlite3_stmt *st;
	const char *sev;
	unsigned char rnd[16];
	char did[64], now[32], target[48], detail[400];
	int ret;

	if ((ret = store_role_require(s, STORE_ROLE_RESPONDER, "create an alert", err)) < 0)
		return ret;
	if (!m->user || !text_ok(m->user, 255) || strchr(m->user, '\n'))
		return tater_errf(err, TATER_EINVAL,
				  "user: the affected user's UPN is required, printable text on one "
				  "line");
	if (!m->type || !text_ok(m->type, 95) || strchr(m->type, '\n'))
		return tater_errf(err, TATER_EINVAL,
				  "type: a detection type is required, printable text (e.g. "
				  "leakedCredentials)");
	if ((ret = itdr_severity_parse(m->severity, &sev, err)) < 0)
		return ret;
	if (!m->description || !text_ok(m->description, 8000))
		return tater_errf(err, TATER_EINVAL,
				  "description: say what was seen (required; printable text, up to "
				  "8000 bytes)");
	randombytes_buf(rnd, sizeof(rnd));
	snprintf(did, sizeof(did), "manual:");
	sodium_bin2hex(did + 7, sizeof(did) - 7, rnd, sizeof(rnd));
	store_now(now);
	if ((ret = store_begin(s, err)) < 0)
		return ret;
	if ((ret =
		 store_prepare(s, &st,
		      "INSERT INTO alerts (scope, detection_id, source, detection_type, severity,"
		      " status, user_upn, detected_at, description, manual, created_at, updated_at)"
		      " VALUES (?, ?, 'manual', ?, ?, 'new', ?, ?, ?, 1, ?, ?)",
		      err)) < 0)
		goto fail;
	sqlite3_bind_text(st, 1, m->scope && *m->scope ? m->scope : "manual", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, did, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, m->type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, sev, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, m->user, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, m->description, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, now, -1, SQLITE_STATIC);
	if ((ret = store_step_done(s, st, "creating the alert", err)) < 0)
		goto fail;
	*id = sqlite3_last_insert_rowid(store_db(s));
	target_of(*id, target, sizeof(target));
	snprintf(detail, sizeof(detail), "manual %s alert %.95s for %.255s", sev, m->type, m->user);
	if ((ret = activity_append(s, "alert.create", target, "ok", detail, err)) < 0)
		goto fail;
	return store_commit(s, err);
fail:
	store_rollback(s);
	return ret;
}

int itdr_alert_notes(struct store *s, int64_t id, struct itdr_note **out, size_t *n,
		     struct tater_err *err)
{
	sqlite3_stmt *st;
	struct itdr_note *v = NULL;
	size_t cap = 0;
	int ret;

	*out = NULL;
	*n = 0;
	if ((ret =
		 store_prepare(s, &st,
		      "SELECT id, at, author, body FROM alert_notes WHERE alert_id = ? ORDER BY id",
		      err)) < 0)
		return ret;
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (*n == cap) {
			struct itdr_note *nv;

			cap = cap ? cap * 2 : 8;
			if (!(nv = realloc(v, cap * sizeof(*v)))) {
				sqlite3_finalize(st);
				itdr_notes_free(v, *n);
				*n = 0;
				return tater_errf(err, TATER_ENOMEM, "out of memory");
			}
			v = nv;
		}
		v[*n].id = sqlite3_column_int64(st, 0);
		store_col_text(st, 1, v[*n].at, sizeof(v[*n].at));
		store_col_text(st, 2, v[*n].author, sizeof(v[*n].author));
		v[*n].body = store_col_dup(st, 3);
		(*n)++;
	}
	sqlite3_finalize(st);
	*out = v;
	return 0;
}

void itdr_notes_free(struct itdr_note *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i].body);
	free(v);
}

static void js(json_t *o, const char *path, char *dst, size_t n)
{
	json_t *v = o;
	char buf[64];
	const char *p = path;

	while (v && *p) {
		size_t k = strcspn(p, ".");

		snprintf(buf, sizeof(buf), "%.*s", (int)k, p);
		v = json_object_get(v, buf);
		p += k + (p[k] == '.');
	}
	if (json_is_string(v))
		snprintf(dst, n, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(dst, n, "%lld", (long long)json_integer_value(v));
	else
		dst[0] = '\0';
}

/* "City, State, CC" of a Graph location object, skipping what is empty. */
void itdr_location_text(json_t *loc, char *dst, size_t n);
void itdr_location_text(json_t *loc, char *dst, size_t n)
{
	const char *keys[] = {"city", "state", "countryOrRegion"};
	size_t len = 0;

	dst[0] = '\0';
	for (int i = 0; i < 3; i++) {
		const char *v = json_string_value(json_object_get(loc, keys[i]));

		if (v && *v && len < n)
			len += (size_t)snprintf(dst + len, n - len, "%s%s", len ? ", " : "", v);
	}
}

int itdr_alert_signins(struct store *s, int64_t id, struct itdr_signin **out, size_t *n,
		       struct tater_err *err)
{
	struct itdr_alert a;
	sqlite3_stmt *st;
	struct itdr_signin *v = NULL;
	size_t cap = 0;
	char lo[80], hi[80];
	int ret;

	*out = NULL;
	*n = 0;
	if ((ret = itdr_alert_get(s, id, &a, err)) < 0)
		return ret;
	itdr_alert_clear(&a);
	if (!a.user_id[0])
		return 0;
	snprintf(lo, sizeof(lo), "%s/", a.user_id);
	snprintf(hi, sizeof(hi), "%s0", a.user_id); /* '0' follows '/' */
	if ((ret = store_prepare(s, &st,
			"SELECT l.reason, o.json FROM alert_signins l JOIN objects o"
			" ON o.scope = ?2 AND o.source = 'graph.signIns' AND o.key >= ?3"
			" AND o.key < ?4 AND json_extract(o.json, '$.id') = l.signin_id"
			" WHERE l.alert_id = ?1 ORDER BY o.key DESC",
			err)) < 0)
		return ret;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, a.scope, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, lo, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, hi, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_t *o = json_loads((const char *)sqlite3_column_text(st, 1), 0, NULL);
		struct itdr_signin *si;
		char code[16], reason[128], os[64], br[64], dn[64];

		if (!o)
			continue;
		if (*n == cap) {
			struct itdr_signin *nv;

			cap = cap ? cap * 2 : 16;
			if (!(nv = realloc(v, cap * sizeof(*v)))) {
				json_decref(o);
				sqlite3_finalize(st);
				free(v);
				*n = 0;
				return tater_errf(err, TATER_ENOMEM, "out of memory");
			}
			v = nv;
		}
		si = &v[(*n)++];
		memset(si, 0, sizeof(*si));
		store_col_text(st, 0, si->reason, sizeof(si->reason));
		js(o, "id", si->id, sizeof(si->id));
		js(o, "createdDateTime", si->at, sizeof(si->at));
		js(o, "ipAddress", si->ip, sizeof(si->ip));
		itdr_location_text(json_object_get(o, "location"), si->location,
				   sizeof(si->location));
		js(o, "deviceDetail.displayName", dn, sizeof(dn));
		js(o, "deviceDetail.operatingSystem", os, sizeof(os));
		js(o, "deviceDetail.browser", br, sizeof(br));
		snprintf(si->device, sizeof(si->device), "%s%s%s%s%s", dn,
			 dn[0] && os[0] ? ", " : "", os, (dn[0] || os[0]) && br[0] ? ", " : "", br);
		js(o, "appDisplayName", si->app, sizeof(si->app));
		js(o, "clientAppUsed", si->client, sizeof(si->client));
		js(o, "status.errorCode", code, sizeof(code));
		js(o, "status.failureReason", reason, sizeof(reason));
		if (!code[0] || !strcmp(code, "0"))
			snprintf(si->result, sizeof(si->result), "success");
		else
			snprintf(si->result, sizeof(si->result), "failure %s: %s", code, reason);
		json_decref(o);
	}
	sqlite3_finalize(st);
	*out = v;
	return 0;
}

int itdr_alert_activate(struct store *s, int64_t id, int64_t *incident_id, struct tater_err *err)
{
	struct itdr_alert a;
	struct ir_activation act = {0};
	char slug[64], title[256];
	int ret;

	if ((ret = itdr_alert_get(s, id, &a, err)) < 0)
		return ret;
	itdr_alert_clear(&a);
	if (a.incident_id > 0)
		return tater_errf(err, TATER_EEXIST, "alert #%lld already has incident #%lld",
				  (long long)id, (long long)a.incident_id);
	if ((ret = ir_playbook_for_alert_type(s, a.type, slug, err)) < 0)
		return ret;
	if (!slug[0])
		return tater_errf(err, TATER_ENOTFOUND,
				  "no playbook is linked to alert type '%.60s' (Settings > Alert "
				  "playbooks)",
				  a.type);
	snprintf(title, sizeof(title), "%.96s: %.150s", a.type, a.user_upn[0] ? a.user_upn : "?");
	act.slug = slug;
	act.title = title;
	act.severity = a.severity;
	act.alert_id = id;
	act.user = a.user_upn;
	return ir_incident_activate(s, &act, incident_id, err);
}

/* ---- views and counts ---- */

int itdr_views_get(struct store *s, char prev[32], struct tater_err *err)
{
	sqlite3_stmt *st;
	int ret;

	prev[0] = '\0';
	if ((ret = store_prepare(s, &st, "SELECT seen_at FROM alert_views WHERE os_user = ?", err)) < 0)
		return ret;
	sqlite3_bind_text(st, 1, store_actor(s), -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		store_col_text(st, 0, prev, 32);
	sqlite3_finalize(st);
	return 0;
}

int itdr_views_touch(struct store *s, char prev[32], struct tater_err *err)
{
	sqlite3_stmt *st;
	char now[32];
	int ret;

	if ((ret = itdr_views_get(s, prev, err)) < 0)
		return ret;
	store_now(now);
	if ((ret =
		 store_prepare(s, &st, "INSERT OR REPLACE INTO alert_views (os_user, seen_at) VALUES (?, ?)",
		      err)) < 0)
		return ret;
	sqlite3_bind_text(st, 1, store_actor(s), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
	return store_step_done(s, st, "recording your look at the queue", err);
}

int itdr_counts(struct store *s, const char *scope, struct itdr_counts *out, struct tater_err *err)
{
	sqlite3_stmt *st;
	int ret;

	memset(out, 0, sizeof(*out));
	if ((ret = store_prepare(
		 s, &st,
		 "SELECT severity, status, count(*) FROM alerts WHERE (?1 IS NULL OR scope = ?1)"
		 " GROUP BY severity, status",
		 err)) < 0)
		return ret;
	store_bind_opt(st, 1, scope);
	while (sqlite3_step(st) == SQLITE_ROW) {
		int sev = itdr_severity_rank((const char *)sqlite3_column_text(st, 0));
		int sti = status_index((const char *)sqlite3_column_text(st, 1));
		int c = sqlite3_column_int(st, 2);

		if (sti >= 0)
			out->by_status[sti] += c;
		if (sev >= 0 && sti >= 0 && sti < 3)
			out->by_severity[sev] += c;
		out->total += c;
	}
	sqlite3_finalize(st);
	return 0;
}

int itdr_alert_type_unlink(struct store *s, const char *type, struct tater_err *err)
{
	sqlite3_stmt *st;
	int ret;

	if ((ret = store_role_require(s, STORE_ROLE_RESPONDER, "unlink a playbook from alerts",
				      err)) < 0)
		return ret;
	if ((ret = store_begin(s, err)) < 0)
		return ret;
	if ((ret = store_prepare(s, &st, "DELETE FROM alert_type_playbooks WHERE detection_type = ?", err)) <
	    0)
		goto fail;
	sqlite3_bind_text(st, 1, type ? type : "", -1, SQLITE_STATIC);
	if ((ret = store_step_done(s, st, "unlinking the playbook", err)) < 0 ||
	    (ret = activity_append(s, "playbook.unlink", type ? type : "", "ok", NULL, err)) < 0)
		goto fail;
	return store_commit(s, err);
fail:
	store_rollback(s);
	return ret;
}
