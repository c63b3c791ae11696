/* incident.c - incidents: activation from an approved playbook revision (a
 * frozen copy of its steps), the step tracker, assignments, findings and
 * decisions, closing.  Every change goes to incident_events and to the
 * activity log in the same transaction, so the two never disagree. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "ir_internal.h"
#include "tater/activity.h"
#include "tater/roles.h"
#include "tater/store.h"

/* ---- times ---- */

static time_t parse_time(const char *t)
{
	struct tm tm;

	if (!t || !*t)
		return (time_t)-1;
	memset(&tm, 0, sizeof(tm));
	if (sscanf(t, "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
		   &tm.tm_min, &tm.tm_sec) != 6)
		return (time_t)-1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return timegm(&tm);
}

int64_t ir_seconds_between(const char *a, const char *b)
{
	time_t ta = parse_time(a), tb = parse_time(b);

	if (ta == (time_t)-1 || tb == (time_t)-1)
		return -1;
	return tb > ta ? (int64_t)(tb - ta) : 0;
}

void ir_duration(int64_t sec, char *buf, size_t n)
{
	if (sec < 0)
		snprintf(buf, n, "-");
	else if (sec < 60)
		snprintf(buf, n, "%llds", (long long)sec);
	else if (sec < 3600)
		snprintf(buf, n, "%lldm %02llds", (long long)(sec / 60), (long long)(sec % 60));
	else if (sec < 86400)
		snprintf(buf, n, "%lldh %02lldm", (long long)(sec / 3600),
			 (long long)(sec % 3600 / 60));
	else
		snprintf(buf, n, "%lldd %lldh", (long long)(sec / 86400),
			 (long long)(sec % 86400 / 3600));
}

/* ---- checks ---- */

static int check_text(const char *what, const char *v, size_t max, int multiline, int required,
		      struct tater_err *err)
{
	if (!v || !*v)
		return required ? tater_errf(err, TATER_EINVAL, "%s is required", what) : 0;
	if (strlen(v) > max)
		return tater_errf(err, TATER_EINVAL, "%s is too long (at most %zu bytes)", what,
				  max);
	if (!ir_text_ok(v, multiline))
		return tater_errf(err, TATER_EINVAL, "%s holds a control character", what);
	return 0;
}

/* The incident exists and is open. */
static int incident_open(struct store *s, int64_t id, struct tater_err *err)
{
	sqlite3_stmt *st;
	int ret, rc;

	if ((ret = store_prepare(s, &st, "SELECT status FROM incidents WHERE id = ?", err)) < 0)
		return ret;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		ret = tater_errf(err, TATER_ENOTFOUND,
				 "no incident #%lld (tater incidents lists them)", (long long)id);
	else if (rc != SQLITE_ROW)
		ret = store_sqlerr(s, "reading the incident", err);
	else if (strcmp((const char *)sqlite3_column_text(st, 0), "open") != 0)
		ret = tater_errf(err, TATER_EINVAL, "incident #%lld is closed; it changes no more",
				 (long long)id);
	sqlite3_finalize(st);
	return ret;
}

/* The step's phase and its name in the activity log ("step 2.3"), checking
 * it belongs to the incident. */
static int step_where(struct store *s, int64_t incident_id, int64_t step_id, int *phase,
		      char *where, size_t n, struct tater_err *err)
{
	sqlite3_stmt *st;
	int ret;

	if ((ret = store_prepare(s, &st,
			"SELECT phase, seq FROM incident_steps WHERE id = ? AND incident_id = ?",
			err)) < 0)
		return ret;
	sqlite3_bind_int64(st, 1, step_id);
	sqlite3_bind_int64(st, 2, incident_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*phase = sqlite3_column_int(st, 0);
		snprintf(where, n, "step %d.%d", *phase + 1, sqlite3_column_int(st, 1));
	} else {
		ret = tater_errf(err, TATER_ENOTFOUND, "incident #%lld has no such step",
				 (long long)incident_id);
	}
	sqlite3_finalize(st);
	return ret;
}

/* Record one change: an incident event and an activity-log entry. */
static int record(struct store *s, int64_t incident_id, int64_t step_id, const char *kind,
		  const char *detail, const char *action, const char *where, struct tater_err *err)
{
	sqlite3_stmt *st;
	char now[32], target[48], *adetail = NULL;
	int ret;

	store_now(now);
	if ((ret =
		 store_prepare(s, &st,
		      "INSERT INTO incident_events (incident_id, step_id, at, actor, kind, detail)"
		      " VALUES (?, ?, ?, ?, ?, ?)",
		      err)) < 0)
		return ret;
	sqlite3_bind_int64(st, 1, incident_id);
	if (step_id > 0)
		sqlite3_bind_int64(st, 2, step_id);
	else
		sqlite3_bind_null(st, 2);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, store_actor(s), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, kind, -1, SQLITE_STATIC);
	store_bind_opt(st, 6, detail);
	if ((ret = store_step_done(s, st, "recording the change", err)) < 0)
		return ret;
	snprintf(target, sizeof(target), "incident:%lld", (long long)incident_id);
	if (where && asprintf(&adetail, "%s: %s", where, detail ? detail : "") < 0)
		adetail = NULL;
	ret = activity_append(s, action, target, "ok", adetail ? adetail : detail, err);
	free(adetail);
	return ret;
}

/* ---- activation ---- */

static const char *const severities[] = {"critical", "high", "medium", "low"};

static char *frozen_detail(const struct ir_step *st)
{
	char *out = NULL;

	if (st->evidence && st->detail) {
		if (asprintf(&out, "%s\n\nEvidence to keep: %s", st->detail, st->evidence) < 0)
			return NULL;
		return out;
	}
	if (st->evidence) {
		if (asprintf(&out, "Evidence to keep: %s", st->evidence) < 0)
			return NULL;
		return out;
	}
	return st->detail ? strdup(st->detail) : NULL;
}

int ir_incident_activate(struct store *s, const struct ir_activation *a, int64_t *id,
			 struct tater_err *err)
{
	struct ir_playbook p;
	struct ir_revision *revs = NULL;
	struct ir_body body;
	sqlite3_stmt *st = NULL;
	size_t nrev = 0, ri;
	const struct ir_revision *rev = NULL;
	char now[32], detail[512];
	int ret, sev_ok = 0;

	ir_body_init(&body);
	if ((ret = store_role_require(s, STORE_ROLE_RESPONDER, "activate a playbook", err)) < 0)
		return ret;
	if ((ret = check_text("title", a->title, 255, 0, 1, err)) < 0 ||
	    (ret = check_text("user", a->user, 255, 0, 0, err)) < 0 ||
	    (ret = check_text("host", a->host, 255, 0, 0, err)) < 0)
		return ret;
	for (size_t i = 0; i < sizeof(severities) / sizeof(severities[0]); i++)
		sev_ok |= a->severity && !strcmp(a->severity, severities[i]);
	if (!sev_ok)
		return tater_errf(err, TATER_EINVAL,
				  "severity must be critical, high, medium or low");
	if ((ret = ir_playbook_get(s, a->slug, &p, err)) < 0)
		return ret;
	if (p.archived)
		return tater_errf(err, TATER_EINVAL, "playbook '%s' is archived", p.slug);
	if ((ret = ir_revisions_list(s, a->slug, &revs, &nrev, err)) < 0)
		return ret;
	for (ri = 0; ri < nrev; ri++) {
		if (a->revno > 0 ? revs[ri].revno == a->revno
				 : !strcmp(revs[ri].status, "approved"))
			rev = &revs[ri]; /* the last match: the newest approved */
	}
	if (a->revno > 0 && !rev) {
		ret = tater_errf(err, TATER_ENOTFOUND, "playbook '%s' has no revision %d", p.slug,
				 a->revno);
		goto out;
	}
	if (!rev || strcmp(rev->status, "approved") != 0) {
		ret = tater_errf(err, TATER_EPERM,
				 "playbook '%s' %s: only an approved revision can be activated "
				 "(an admin other than its author approves it: tater playbook "
				 "approve %s REV)",
				 p.slug,
				 rev ? "revision is not approved" : "has no approved revision yet",
				 p.slug);
		if (rev && err)
			snprintf(err->msg, sizeof(err->msg),
				 "revision %d of '%s' is %s: only an approved revision can be "
				 "activated (an admin other than its author approves it)",
				 rev->revno, p.slug, rev->status);
		goto out;
	}
	if ((ret = ir_revision_body(s, a->slug, rev->revno, &body, err)) < 0)
		goto out;

	if ((ret = store_begin(s, err)) < 0)
		goto out;
	if (a->alert_id > 0) {
		int found;

		if ((ret = store_prepare(s, &st, "SELECT 1 FROM alerts WHERE id = ?", err)) < 0)
			goto fail;
		sqlite3_bind_int64(st, 1, a->alert_id);
		found = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
		st = NULL;
		if (!found) {
			ret = tater_errf(err, TATER_ENOTFOUND, "no ITDR alert #%lld to link",
					 (long long)a->alert_id);
			goto fail;
		}
	}
	store_now(now);
	if ((ret =
		 store_prepare(s, &st,
		      "INSERT INTO incidents (title, severity, playbook_id, revision_id, alert_id,"
		      " link_user, link_host, opened_by, opened_at) VALUES (?,?,?,?,?,?,?,?,?)",
		      err)) < 0)
		goto fail;
	sqlite3_bind_text(st, 1, a->title, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, a->severity, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, p.id);
	sqlite3_bind_int64(st, 4, rev->id);
	if (a->alert_id > 0)
		sqlite3_bind_int64(st, 5, a->alert_id);
	else
		sqlite3_bind_null(st, 5);
	store_bind_opt(st, 6, a->user);
	store_bind_opt(st, 7, a->host);
	sqlite3_bind_text(st, 8, store_actor(s), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, now, -1, SQLITE_STATIC);
	ret = store_step_done(s, st, "opening the incident", err);
	st = NULL;
	if (ret < 0)
		goto fail;
	*id = sqlite3_last_insert_rowid(store_db(s));

	for (int ph = 0; ph < IR_PHASES; ph++) {
		if ((ret = store_prepare(s, &st,
				"INSERT INTO incident_phases (incident_id, phase, started_at)"
				" VALUES (?, ?, ?)",
				err)) < 0)
			goto fail;
		sqlite3_bind_int64(st, 1, *id);
		sqlite3_bind_int(st, 2, ph);
		/* Detection & Analysis starts with the incident. */
		store_bind_opt(st, 3, ph == IR_PHASE_DETECTION ? now : NULL);
		if ((ret = store_step_done(s, st, "opening the incident", err)) < 0) {
			st = NULL;
			goto fail;
		}
		for (size_t i = 0; i < body.phase[ph].n; i++) {
			char *d = frozen_detail(&body.phase[ph].steps[i]);

			if ((ret =
				 store_prepare(s, &st,
				      "INSERT INTO incident_steps (incident_id, phase, seq, title,"
				      " detail) VALUES (?, ?, ?, ?, ?)",
				      err)) < 0) {
				free(d);
				goto fail;
			}
			sqlite3_bind_int64(st, 1, *id);
			sqlite3_bind_int(st, 2, ph);
			sqlite3_bind_int(st, 3, (int)i + 1);
			sqlite3_bind_text(st, 4, body.phase[ph].steps[i].title, -1, SQLITE_STATIC);
			store_bind_opt(st, 5, d);
			ret = store_step_done(s, st, "copying the playbook's steps", err);
			st = NULL;
			free(d);
			if (ret < 0)
				goto fail;
		}
	}
	if (a->alert_id > 0) {
		if ((ret = store_prepare(s, &st,
				"UPDATE alerts SET incident_id = ?, updated_at = ? WHERE id = ?",
				err)) < 0)
			goto fail;
		sqlite3_bind_int64(st, 1, *id);
		sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, a->alert_id);
		ret = store_step_done(s, st, "linking the alert", err);
		st = NULL;
		if (ret < 0)
			goto fail;
	}
	{
		char alert[32] = "";

		if (a->alert_id > 0)
			snprintf(alert, sizeof(alert), ", alert #%lld", (long long)a->alert_id);
		snprintf(detail, sizeof(detail), "%s revision %d, severity %s%s%s%.100s%s%.100s",
			 p.slug, rev->revno, a->severity, alert,
			 a->user && *a->user ? ", user " : "", a->user && *a->user ? a->user : "",
			 a->host && *a->host ? ", host " : "", a->host && *a->host ? a->host : "");
	}
	if ((ret = record(s, *id, 0, "activate", detail, "incident.activate", NULL, err)) < 0)
		goto fail;
	ret = store_commit(s, err);
	goto out;
fail:
	sqlite3_finalize(st);
	store_rollback(s);
out:
	ir_body_free(&body);
	free(revs);
	return ret;
}

/* ---- reading ---- */

#define INCIDENT_COLS                                                                              \
	"SELECT i.id, i.title, i.severity, i.status, p.slug, p.name, r.revno, i.alert_id,"         \
	" i.link_user, i.link_host, i.opened_by, i.opened_at, i.contained_at, i.recovered_at,"     \
	" i.closed_at, i.lessons,"                                                                 \
	" (SELECT count(*) FROM incident_steps s WHERE s.incident_id = i.id),"                     \
	" (SELECT count(*) FROM incident_steps s WHERE s.incident_id = i.id"                       \
	"   AND s.status IN ('done','skipped')),"                                                  \
	" (SELECT count(*) FROM incident_steps s WHERE s.incident_id = i.id"                       \
	"   AND s.status = 'blocked')"                                                             \
	" FROM incidents i LEFT JOIN playbooks p ON p.id = i.playbook_id"                          \
	" LEFT JOIN playbook_revisions r ON r.id = i.revision_id"

static void incident_row(sqlite3_stmt *st, struct ir_incident *v)
{
	memset(v, 0, sizeof(*v));
	v->id = sqlite3_column_int64(st, 0);
	store_col_text(st, 1, v->title, sizeof(v->title));
	store_col_text(st, 2, v->severity, sizeof(v->severity));
	store_col_text(st, 3, v->status, sizeof(v->status));
	store_col_text(st, 4, v->playbook_slug, sizeof(v->playbook_slug));
	store_col_text(st, 5, v->playbook_name, sizeof(v->playbook_name));
	v->revno = sqlite3_column_int(st, 6);
	v->alert_id = sqlite3_column_int64(st, 7);
	store_col_text(st, 8, v->link_user, sizeof(v->link_user));
	store_col_text(st, 9, v->link_host, sizeof(v->link_host));
	store_col_text(st, 10, v->opened_by, sizeof(v->opened_by));
	store_col_text(st, 11, v->opened_at, sizeof(v->opened_at));
	store_col_text(st, 12, v->contained_at, sizeof(v->contained_at));
	store_col_text(st, 13, v->recovered_at, sizeof(v->recovered_at));
	store_col_text(st, 14, v->closed_at, sizeof(v->closed_at));
	v->lessons = store_col_dup(st, 15);
	v->steps_total = sqlite3_column_int(st, 16);
	v->steps_finished = sqlite3_column_int(st, 17);
	v->steps_blocked = sqlite3_column_int(st, 18);
	v->time_to_contain_s = ir_seconds_between(v->opened_at, v->contained_at);
	v->time_to_recover_s = ir_seconds_between(v->opened_at, v->recovered_at);
}

void ir_incident_clear(struct ir_incident *inc)
{
	if (!inc)
		return;
	free(inc->lessons);
	inc->lessons = NULL;
}

void ir_incidents_free(struct ir_incident *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		ir_incident_clear(&v[i]);
	free(v);
}

int ir_incidents_list(struct store *s, enum ir_which which, struct ir_incident **out, size_t *n,
		      struct tater_err *err)
{
	struct ir_incident *v = NULL;
	size_t cap = 0;
	sqlite3_stmt *st;
	int ret, rc;

	*out = NULL;
	*n = 0;
	if ((ret =
		 store_prepare(s, &st,
		      which == IR_OPEN ? INCIDENT_COLS " WHERE i.status = 'open' ORDER BY i.id DESC"
		      : which == IR_CLOSED ? INCIDENT_COLS
			  " WHERE i.status = 'closed' ORDER BY i.id DESC"
					   : INCIDENT_COLS " ORDER BY i.id DESC",
		      err)) < 0)
		return ret;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			struct ir_incident *g;

			cap = cap ? 2 * cap : 16;
			if (!(g = realloc(v, cap * sizeof(*v)))) {
				ret = tater_errf(err, TATER_ENOMEM, "out of memory");
				goto fail;
			}
			v = g;
		}
		incident_row(st, &v[(*n)++]);
	}
	if (rc != SQLITE_DONE) {
		ret = store_sqlerr(s, "listing incidents", err);
		goto fail;
	}
	sqlite3_finalize(st);
	*out = v;
	return 0;
fail:
	sqlite3_finalize(st);
	ir_incidents_free(v, *n);
	*n = 0;
	return ret;
}

int ir_incident_get(struct store *s, int64_t id, struct ir_incident *out, struct tater_err *err)
{
	sqlite3_stmt *st;
	int ret, rc;

	memset(out, 0, sizeof(*out));
	if ((ret = store_prepare(s, &st, INCIDENT_COLS " WHERE i.id = ?", err)) < 0)
		return ret;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		incident_row(st, out);
	else if (rc == SQLITE_DONE)
		ret = tater_errf(err, TATER_ENOTFOUND,
				 "no incident #%lld (tater incidents lists them)", (long long)id);
	else
		ret = store_sqlerr(s, "reading the incident", err);
	sqlite3_finalize(st);
	return ret;
}

void ir_isteps_free(struct ir_istep *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].detail);
		free(v[i].reason);
		free(v[i].findings);
		free(v[i].decisions);
	}
	free(v);
}

int ir_incident_steps(struct store *s, int64_t id, struct ir_istep **out, size_t *n,
		      struct tater_err *err)
{
	struct ir_istep *v = NULL;
	size_t cap = 0;
	sqlite3_stmt *st;
	int ret, rc;

	*out = NULL;
	*n = 0;
	if ((ret = store_prepare(s, &st,
			"SELECT id, phase, seq, title, detail, status, assignee, reason, findings,"
			" decisions, updated_by, updated_at FROM incident_steps"
			" WHERE incident_id = ? ORDER BY phase, seq",
			err)) < 0)
		return ret;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct ir_istep *x;

		if (*n == cap) {
			struct ir_istep *g;

			cap = cap ? 2 * cap : 64;
			if (!(g = realloc(v, cap * sizeof(*v)))) {
				ret = tater_errf(err, TATER_ENOMEM, "out of memory");
				goto fail;
			}
			v = g;
		}
		x = &v[(*n)++];
		memset(x, 0, sizeof(*x));
		x->id = sqlite3_column_int64(st, 0);
		x->phase = sqlite3_column_int(st, 1);
		x->seq = sqlite3_column_int(st, 2);
		store_col_text(st, 3, x->title, sizeof(x->title));
		x->detail = store_col_dup(st, 4);
		store_col_text(st, 5, x->status, sizeof(x->status));
		store_col_text(st, 6, x->assignee, sizeof(x->assignee));
		x->reason = store_col_dup(st, 7);
		x->findings = store_col_dup(st, 8);
		x->decisions = store_col_dup(st, 9);
		store_col_text(st, 10, x->updated_by, sizeof(x->updated_by));
		store_col_text(st, 11, x->updated_at, sizeof(x->updated_at));
	}
	if (rc != SQLITE_DONE) {
		ret = store_sqlerr(s, "reading the steps", err);
		goto fail;
	}
	sqlite3_finalize(st);
	*out = v;
	return 0;
fail:
	sqlite3_finalize(st);
	ir_isteps_free(v, *n);
	*n = 0;
	return ret;
}

ssize_t ir_current_step(const struct ir_istep *steps, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(steps[i].status, "done") != 0 && strcmp(steps[i].status, "skipped") != 0)
			return (ssize_t)i;
	return -1;
}

void ir_iphases_clear(struct ir_iphase p[IR_PHASES])
{
	for (int i = 0; i < IR_PHASES; i++) {
		free(p[i].findings);
		free(p[i].decisions);
		p[i].findings = p[i].decisions = NULL;
	}
}

int ir_incident_phases(struct store *s, int64_t id, struct ir_iphase out[IR_PHASES],
		       struct tater_err *err)
{
	sqlite3_stmt *st;
	char now[32];
	int ret, rc, found = 0;

	memset(out, 0, sizeof(struct ir_iphase) * IR_PHASES);
	for (int i = 0; i < IR_PHASES; i++)
		out[i].phase = i;
	if ((ret =
		 store_prepare(s, &st,
		      "SELECT ph.phase, ph.assignee, ph.findings, ph.decisions, ph.started_at,"
		      " ph.completed_at,"
		      " (SELECT count(*) FROM incident_steps s WHERE s.incident_id = ph.incident_id"
		      "   AND s.phase = ph.phase),"
		      " (SELECT count(*) FROM incident_steps s WHERE s.incident_id = ph.incident_id"
		      "   AND s.phase = ph.phase AND s.status = 'done'),"
		      " (SELECT count(*) FROM incident_steps s WHERE s.incident_id = ph.incident_id"
		      "   AND s.phase = ph.phase AND s.status = 'skipped'),"
		      " (SELECT count(*) FROM incident_steps s WHERE s.incident_id = ph.incident_id"
		      "   AND s.phase = ph.phase AND s.status = 'blocked'),"
		      " (SELECT closed_at FROM incidents i WHERE i.id = ph.incident_id)"
		      " FROM incident_phases ph WHERE ph.incident_id = ? ORDER BY ph.phase",
		      err)) < 0)
		return ret;
	sqlite3_bind_int64(st, 1, id);
	store_now(now);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int ph = sqlite3_column_int(st, 0);
		struct ir_iphase *p;

		if (ph < 0 || ph >= IR_PHASES)
			continue;
		p = &out[ph];
		found = 1;
		store_col_text(st, 1, p->assignee, sizeof(p->assignee));
		p->findings = store_col_dup(st, 2);
		p->decisions = store_col_dup(st, 3);
		store_col_text(st, 4, p->started_at, sizeof(p->started_at));
		store_col_text(st, 5, p->completed_at, sizeof(p->completed_at));
		p->total = sqlite3_column_int(st, 6);
		p->done = sqlite3_column_int(st, 7);
		p->skipped = sqlite3_column_int(st, 8);
		p->blocked = sqlite3_column_int(st, 9);
		if (p->started_at[0]) {
			const char *closed = (const char *)sqlite3_column_text(st, 10);

			/* A phase left unfinished stops its clock when the incident closes. */
			p->elapsed_s =
			    ir_seconds_between(p->started_at, p->completed_at[0] ? p->completed_at
							      : closed		 ? closed
										 : now);
			if (p->elapsed_s < 0)
				p->elapsed_s = 0;
		}
	}
	if (rc != SQLITE_DONE)
		ret = store_sqlerr(s, "reading the phases", err);
	else if (!found)
		ret = tater_errf(err, TATER_ENOTFOUND, "no incident #%lld", (long long)id);
	sqlite3_finalize(st);
	if (ret < 0)
		ir_iphases_clear(out);
	return ret;
}

int ir_step_ref_parse(const char *ref, int *phase, int *seq)
{
	int p, q, used = 0;

	if (!ref || sscanf(ref, "%d.%d%n", &p, &q, &used) != 2 || ref[used] != '\0')
		return -1;
	if (p < 1 || p > IR_PHASES || q < 1 || q > IR_STEPS_MAX)
		return -1;
	*phase = p - 1;
	*seq = q;
	return 0;
}

int ir_step_find(struct store *s, int64_t incident_id, int phase, int seq, int64_t *step_id,
		 struct tater_err *err)
{
	sqlite3_stmt *st;
	int ret;

	if ((ret = store_prepare(
		 s, &st,
		 "SELECT id FROM incident_steps WHERE incident_id = ? AND phase = ? AND seq = ?",
		 err)) < 0)
		return ret;
	sqlite3_bind_int64(st, 1, incident_id);
	sqlite3_bind_int(st, 2, phase);
	sqlite3_bind_int(st, 3, seq);
	if (sqlite3_step(st) == SQLITE_ROW)
		*step_id = sqlite3_column_int64(st, 0);
	else
		ret = tater_errf(err, TATER_ENOTFOUND, "incident #%lld has no step %d.%d",
				 (long long)incident_id, phase + 1, seq);
	sqlite3_finalize(st);
	return ret;
}

/* ---- changes ---- */

/* After a step's status changed: the phase's start and completion, and the
 * incident's contained / recovered times, which mirror the completion of the
 * Containment and Recovery phases. */
static int update_phase(struct store *s, int64_t incident_id, int phase, const char *now,
			struct tater_err *err)
{
	sqlite3_stmt *st;
	int ret;

	if ((ret = store_prepare(s, &st,
			"UPDATE incident_phases SET started_at = coalesce(started_at, ?1),"
			" completed_at = CASE WHEN (SELECT count(*) FROM incident_steps"
			"   WHERE incident_id = ?2 AND phase = ?3"
			"   AND status NOT IN ('done','skipped')) = 0"
			"  THEN coalesce(completed_at, ?1) ELSE NULL END"
			" WHERE incident_id = ?2 AND phase = ?3",
			err)) < 0)
		return ret;
	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, incident_id);
	sqlite3_bind_int(st, 3, phase);
	if ((ret = store_step_done(s, st, "updating the phase", err)) < 0)
		return ret;
	if ((ret = store_prepare(s, &st,
			"UPDATE incidents SET"
			" contained_at = (SELECT completed_at FROM incident_phases"
			"   WHERE incident_id = ?1 AND phase = 1),"
			" recovered_at = (SELECT completed_at FROM incident_phases"
			"   WHERE incident_id = ?1 AND phase = 3) WHERE id = ?1",
			err)) < 0)
		return ret;
	sqlite3_bind_int64(st, 1, incident_id);
	return store_step_done(s, st, "updating the incident", err);
}

/* Record a change to a step (step_id > 0, named by where) or to a whole
 * phase.  Phase-level events carry the phase in their kind and detail:
 * "phase_finding", "containment: text". */
static int record_at(struct store *s, int64_t incident_id, int64_t step_id, int phase,
		     const char *where, const char *kind, const char *text, const char *action,
		     struct tater_err *err)
{
	char pkind[32], *detail = NULL;
	int ret;

	if (step_id > 0)
		return record(s, incident_id, step_id, kind, text, action, where, err);
	if (asprintf(&detail, "%s: %s", ir_phase_key(phase), text) < 0)
		return tater_errf(err, TATER_ENOMEM, "out of memory");
	snprintf(pkind, sizeof(pkind), "phase_%s", kind);
	ret = record(s, incident_id, 0, pkind, detail, action, NULL, err);
	free(detail);
	return ret;
}

/* Append text as a new line of the findings (or decisions) of a step
 * (step_id > 0) or a phase, and record it.  No text: nothing to do. */
static int add_note(struct store *s, int64_t incident_id, int64_t step_id, int phase,
		    const char *where, int decision, const char *text, struct tater_err *err)
{
	const char *col = decision ? "decisions" : "findings";
	char sql[256];
	sqlite3_stmt *st;
	int ret;

	if (!text || !*text)
		return 0;
	snprintf(sql, sizeof(sql),
		 "UPDATE %s SET %s = CASE WHEN %s IS NULL OR %s = '' THEN ?1"
		 " ELSE %s || char(10) || ?1 END WHERE %s = ?2 AND incident_id = ?3",
		 step_id > 0 ? "incident_steps" : "incident_phases", col, col, col, col,
		 step_id > 0 ? "id" : "phase");
	if ((ret = store_prepare(s, &st, sql, err)) < 0)
		return ret;
	sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
	if (step_id > 0)
		sqlite3_bind_int64(st, 2, step_id);
	else
		sqlite3_bind_int(st, 2, phase);
	sqlite3_bind_int64(st, 3, incident_id);
	if ((ret = store_step_done(s, st, "saving the note", err)) < 0)
		return ret;
	return record_at(s, incident_id, step_id, phase, where, decision ? "decision" : "finding",
			 text, decision ? "incident.decision" : "incident.note", err);
}

static const char *norm_status(const char *st)
{
	static const char *const map[][2] = {
	    {"todo", "todo"},	    {"done", "done"},	  {"skip", "skipped"},
	    {"skipped", "skipped"}, {"block", "blocked"}, {"blocked", "blocked"},
	    {"reopen", "todo"},
	};

	for (size_t i = 0; st && i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(st, map[i][0]))
			return map[i][1];
	return NULL;
}

int ir_step_set_status(struct store *s, int64_t incident_id, int64_t step_id, const char *status,
		       const char *reason, const char *note, struct tater_err *err)
{
	const char *to = norm_status(status);
	sqlite3_stmt *st;
	char now[32], where[32], *detail = NULL;
	int ret, phase;

	if (!to)
		return tater_errf(err, TATER_EINVAL, "status '%s': use done, skip, block or todo",
				  status ? status : "");
	if ((ret = store_role_require(s, STORE_ROLE_RESPONDER, "work an incident", err)) < 0)
		return ret;
	if ((!strcmp(to, "skipped") || !strcmp(to, "blocked")) && (!reason || !*reason))
		return tater_errf(err, TATER_EINVAL, "a reason is required to mark a step %s", to);
	if ((ret = check_text("reason", reason, IR_TEXT_MAX, 1, 0, err)) < 0 ||
	    (ret = check_text("note", note, IR_TEXT_MAX, 1, 0, err)) < 0)
		return ret;
	if ((ret = store_begin(s, err)) < 0)
		return ret;
	if ((ret = incident_open(s, incident_id, err)) < 0 ||
	    (ret = step_where(s, incident_id, step_id, &phase, where, sizeof(where), err)) < 0)
		goto fail;
	store_now(now);
	if ((ret = store_prepare(s, &st,
			"UPDATE incident_steps SET status = ?, reason = ?, updated_by = ?,"
			" updated_at = ? WHERE id = ?",
			err)) < 0)
		goto fail;
	sqlite3_bind_text(st, 1, to, -1, SQLITE_STATIC);
	if (!strcmp(to, "skipped") || !strcmp(to, "blocked"))
		sqlite3_bind_text(st, 2, reason, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 2);
	sqlite3_bind_text(st, 3, store_actor(s), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, step_id);
	if ((ret = store_step_done(s, st, "saving the step", err)) < 0 ||
	    (ret = update_phase(s, incident_id, phase, now, err)) < 0)
		goto fail;
	if (reason && *reason && (!strcmp(to, "skipped") || !strcmp(to, "blocked"))) {
		if (asprintf(&detail, "%s: %s", to, reason) < 0)
			detail = NULL;
	}
	if ((ret = record(s, incident_id, step_id, "status", detail ? detail : to, "incident.step",
			  where, err)) < 0 ||
	    (ret = add_note(s, incident_id, step_id, phase, where, 0, note, err)) < 0)
		goto fail;
	free(detail);
	return store_commit(s, err);
fail:
	free(detail);
	store_rollback(s);
	return ret;
}

static int check_user(const char *user, struct tater_err *err)
{
	if (user && *user && (strlen(user) > 63 || !ir_text_ok(user, 0) || strchr(user, ' ')))
		return tater_errf(err, TATER_EINVAL,
				  "assignee: a user name (no spaces, at most 63 bytes)");
	return 0;
}

/* Assign a step (phase < 0: the step's phase is looked up) or a whole phase
 * (step_id 0) to user ("" or NULL: nobody). */
static int assign(struct store *s, int64_t incident_id, int64_t step_id, int phase,
		  const char *user, struct tater_err *err)
{
	sqlite3_stmt *st;
	char where[32] = "";
	int ret;

	if ((ret = store_role_require(s, STORE_ROLE_RESPONDER, "assign incident work", err)) < 0 ||
	    (ret = check_user(user, err)) < 0)
		return ret;
	if ((ret = store_begin(s, err)) < 0)
		return ret;
	if ((ret = incident_open(s, incident_id, err)) < 0 ||
	    (phase < 0 &&
	     (ret = step_where(s, incident_id, step_id, &phase, where, sizeof(where), err)) < 0))
		goto fail;
	if (step_id > 0) {
		if ((ret = store_prepare(s, &st,
				"UPDATE incident_steps SET assignee = ? WHERE id = ?", err)) < 0)
			goto fail;
		store_bind_opt(st, 1, user);
		sqlite3_bind_int64(st, 2, step_id);
	} else {
		if ((ret = store_prepare(s, &st,
				"UPDATE incident_phases SET assignee = ?"
				" WHERE incident_id = ? AND phase = ?",
				err)) < 0)
			goto fail;
		store_bind_opt(st, 1, user);
		sqlite3_bind_int64(st, 2, incident_id);
		sqlite3_bind_int(st, 3, phase);
	}
	if ((ret = store_step_done(s, st, "assigning", err)) < 0 ||
	    (ret = record_at(s, incident_id, step_id, phase, where, "assign",
			     user && *user ? user : "(nobody)", "incident.assign", err)) < 0)
		goto fail;
	return store_commit(s, err);
fail:
	store_rollback(s);
	return ret;
}

int ir_step_assign(struct store *s, int64_t incident_id, int64_t step_id, const char *user,
		   struct tater_err *err)
{
	return assign(s, incident_id, step_id, -1, user, err);
}

int ir_phase_assign(struct store *s, int64_t incident_id, int phase, const char *user,
		    struct tater_err *err)
{
	if (phase < 0 || phase >= IR_PHASES)
		return tater_errf(err, TATER_EINVAL, "no phase %d (phases are 1 to 5)", phase + 1);
	return assign(s, incident_id, 0, phase, user, err);
}

static int check_note(const char *finding, const char *decision, struct tater_err *err)
{
	int ret;

	if ((!finding || !*finding) && (!decision || !*decision))
		return tater_errf(err, TATER_EINVAL, "a finding or a decision is required");
	if ((ret = check_text("finding", finding, IR_TEXT_MAX, 1, 0, err)) < 0 ||
	    (ret = check_text("decision", decision, IR_TEXT_MAX, 1, 0, err)) < 0)
		return ret;
	return 0;
}

/* Record a finding and/or a decision on a step (phase < 0: the step's phase
 * is looked up) or on a whole phase (step_id 0). */
static int record_notes(struct store *s, int64_t incident_id, int64_t step_id, int phase,
			const char *finding, const char *decision, struct tater_err *err)
{
	char where[32] = "";
	int ret;

	if ((ret = store_role_require(s, STORE_ROLE_RESPONDER, "record findings", err)) < 0 ||
	    (ret = check_note(finding, decision, err)) < 0)
		return ret;
	if ((ret = store_begin(s, err)) < 0)
		return ret;
	if ((ret = incident_open(s, incident_id, err)) < 0 ||
	    (phase < 0 &&
	     (ret = step_where(s, incident_id, step_id, &phase, where, sizeof(where), err)) < 0) ||
	    (ret = add_note(s, incident_id, step_id, phase, where, 0, finding, err)) < 0 ||
	    (ret = add_note(s, incident_id, step_id, phase, where, 1, decision, err)) < 0)
		goto fail;
	return store_commit(s, err);
fail:
	store_rollback(s);
	return ret;
}

int ir_step_note(struct store *s, int64_t incident_id, int64_t step_id, const char *finding,
		 const char *decision, struct tater_err *err)
{
	return record_notes(s, incident_id, step_id, -1, finding, decision, err);
}

int ir_phase_note(struct store *s, int64_t incident_id, int phase, const char *finding,
		  const char *decision, struct tater_err *err)
{
	if (phase < 0 || phase >= IR_PHASES)
		return tater_errf(err, TATER_EINVAL, "no phase %d (phases are 1 to 5)", phase + 1);
	return record_notes(s, incident_id, 0, phase, finding, decision, err);
}

int ir_incident_close(struct store *s, int64_t incident_id, const char *lessons,
		      struct tater_err *err)
{
	sqlite3_stmt *st;
	struct ir_incident inc;
	char now[32], detail[96];
	int ret;

	if ((ret = store_role_require(s, STORE_ROLE_RESPONDER, "close an incident", err)) < 0)
		return ret;
	if ((ret = check_text("lessons learned", lessons, IR_TEXT_MAX, 1, 1, err)) < 0)
		return ret;
	if ((ret = store_begin(s, err)) < 0)
		return ret;
	if ((ret = incident_open(s, incident_id, err)) < 0 ||
	    (ret = ir_incident_get(s, incident_id, &inc, err)) < 0)
		goto fail;
	ir_incident_clear(&inc);
	store_now(now);
	if ((ret = store_prepare(s, &st,
			"UPDATE incidents SET status = 'closed', closed_at = ?, lessons = ?"
			" WHERE id = ?",
			err)) < 0)
		goto fail;
	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, lessons, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, incident_id);
	snprintf(detail, sizeof(detail), "%d of %d steps finished", inc.steps_finished,
		 inc.steps_total);
	if ((ret = store_step_done(s, st, "closing the incident", err)) < 0 ||
	    (ret = record(s, incident_id, 0, "close", detail, "incident.close", NULL, err)) < 0)
		goto fail;
	return store_commit(s, err);
fail:
	store_rollback(s);
	return ret;
}

void ir_events_free(struct ir_event *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i].detail);
	free(v);
}

int ir_incident_events(struct store *s, int64_t id, struct ir_event **out, size_t *n,
		       struct tater_err *err)
{
	struct ir_event *v = NULL;
	size_t cap = 0;
	sqlite3_stmt *st;
	int ret, rc;

	*out = NULL;
	*n = 0;
	if ((ret = store_prepare(s, &st,
			"SELECT e.id, e.at, e.actor, e.kind, e.detail, st.phase, st.seq, st.title"
			" FROM incident_events e LEFT JOIN incident_steps st ON st.id = e.step_id"
			" WHERE e.incident_id = ? ORDER BY e.id",
			err)) < 0)
		return ret;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct ir_event *e;
		char kind[32];

		if (*n == cap) {
			struct ir_event *g;

			cap = cap ? 2 * cap : 64;
			if (!(g = realloc(v, cap * sizeof(*v)))) {
				ret = tater_errf(err, TATER_ENOMEM, "out of memory");
				goto fail;
			}
			v = g;
		}
		e = &v[(*n)++];
		memset(e, 0, sizeof(*e));
		e->id = sqlite3_column_int64(st, 0);
		store_col_text(st, 1, e->at, sizeof(e->at));
		store_col_text(st, 2, e->actor, sizeof(e->actor));
		store_col_text(st, 3, kind, sizeof(kind));
		e->detail = store_col_dup(st, 4);
		e->phase = -1;
		if (sqlite3_column_type(st, 5) != SQLITE_NULL) {
			e->phase = sqlite3_column_int(st, 5);
			e->seq = sqlite3_column_int(st, 6);
			store_col_text(st, 7, e->step_title, sizeof(e->step_title));
		}
		if (!strncmp(kind, "phase_", 6)) {
			char *colon = e->detail ? strstr(e->detail, ": ") : NULL;

			snprintf(e->kind, sizeof(e->kind), "%s", kind + 6);
			if (colon) {
				*colon = '\0';
				e->phase = ir_phase_parse(e->detail);
				memmove(e->detail, colon + 2, strlen(colon + 2) + 1);
			}
		} else {
			snprintf(e->kind, sizeof(e->kind), "%s", kind);
		}
	}
	if (rc != SQLITE_DONE) {
		ret = store_sqlerr(s, "reading the events", err);
		goto fail;
	}
	sqlite3_finalize(st);
	*out = v;
	return 0;
fail:
	sqlite3_finalize(st);
	ir_events_free(v, *n);
	*n = 0;
	return ret;
}
