/* posture.c - the identity figures of a scope and the recommendations drawn from them.
 *
 * Every figure is one query over main.objects for the scope's latest snapshot, guarded by
 * the source's row in source_status: a source that was denied, unlicensed, failed or never
 * collected makes its figure unknown with that reason, so a missing permission can never
 * read as "0 risky users".  Times are compared with julianday(), which takes Graph's
 * "2026-11-30T08:15:00Z" and its seven-digit fractions alike. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tater/catalog.h"
#include "tater/eval.h"
#include "tater/posture.h"
#include "tater/store.h"

#define GLOBAL_ADMIN_TEMPLATE "62e90394-69f5-4237-9190-012177145e10"

static const struct {
	const char *title, *source;
} figures[POSTURE_NFIGURES] = {
    [POSTURE_RISKY] = {"Risky users", "graph.riskyUsers"},
    [POSTURE_MFA] = {"MFA registration", "graph.userRegistrationDetails"},
    [POSTURE_PRIVILEGED] = {"Privileged accounts", "graph.directoryRoleMembers"},
    [POSTURE_STALE] = {"Stale accounts", "graph.users"},
    [POSTURE_GUESTS] = {"Guest users", "graph.users"},
};

const char *posture_figure_title(enum posture_figure f)
{
	return (unsigned)f < POSTURE_NFIGURES ? figures[f].title : "?";
}

const char *posture_figure_source(enum posture_figure f)
{
	return (unsigned)f < POSTURE_NFIGURES ? figures[f].source : "?";
}

/* Users with their last sign-in (the later of interactive and non-interactive) and how that
 * compares with the threshold: ?1 scope, ?2 now, ?3 stale days, ?4 1 when sign-ins are known. */
/* The per-user fields and dates are worked out once per user in materialised tables of
 * small columns (flattened, every use of "activity" re-ran the JSON reads and date
 * arithmetic: 1.7 s for the counts over 100,000 users); v joins the JSON back by key for the
 * few expressions that want more (lists, pending invitations): CROSS JOIN keeps w outside,
 * one key lookup per user, where the planner would otherwise scan w per object. */
#define USERS_CTE                                                                                  \
	"WITH raw AS MATERIALIZED (SELECT key,"                                                    \
	"  json_extract(json, '$.signInActivity.lastSignInDateTime') AS a,"                        \
	"  json_extract(json, '$.signInActivity.lastNonInteractiveSignInDateTime') AS b,"          \
	"  lower(coalesce(json_extract(json, '$.userType'), 'member')) AS type,"                   \
	"  coalesce(json_extract(json, '$.accountEnabled'), 1) AS enabled"                         \
	"  FROM main.objects WHERE scope = ?1 AND source = 'graph.users'),"                        \
	" u AS (SELECT key, type, enabled,"                                                        \
	"  CASE WHEN a IS NULL THEN b WHEN b IS NULL THEN a"                                       \
	"   WHEN julianday(a) >= julianday(b) THEN a ELSE b END AS last FROM raw),"                \
	" w AS MATERIALIZED (SELECT *,"                                                            \
	"  CASE WHEN ?4 = 0 THEN 'unknown' WHEN last IS NULL THEN 'never'"                         \
	"   WHEN julianday(last) < julianday(?2) - ?3 THEN 'stale' ELSE 'active' END AS activity," \
	"  CAST(julianday(?2) - julianday(last) AS INTEGER) AS days FROM u),"                      \
	" v AS (SELECT w.*, o.json AS j FROM w CROSS JOIN main.objects o"                          \
	"  ON o.scope = ?1 AND o.source = 'graph.users' AND o.key = w.key) "

/* Registration details of member users: ?1 scope. */
#define REG_CTE                                                                                    \
	"WITH r AS (SELECT key, json AS j,"                                                        \
	"  coalesce(json_extract(json, '$.isAdmin'), 0) AS adm,"                                   \
	"  coalesce(json_extract(json, '$.isMfaRegistered'), 0) AS reg,"                           \
	"  coalesce(json_extract(json, '$.isMfaCapable'), 0) AS cap"                               \
	"  FROM main.objects WHERE scope = ?1 AND source = 'graph.userRegistrationDetails'"        \
	"  AND lower(coalesce(json_extract(json, '$.userType'), 'member')) = 'member') "

/* Risky users that count: ?1 scope. */
#define RISKY_CTE                                                                                  \
	"WITH k AS (SELECT key, json AS j, lower(json_extract(json, '$.riskLevel')) AS lvl,"       \
	"  json_extract(json, '$.riskState') AS state"                                             \
	"  FROM main.objects WHERE scope = ?1 AND source = 'graph.riskyUsers'"                     \
	"  AND coalesce(json_extract(json, '$.isDeleted'), 0) = 0"                                 \
	"  AND json_extract(json, '$.riskState') IN ('atRisk', 'confirmedCompromised')"            \
	"  AND lower(json_extract(json, '$.riskLevel')) IN ('high', 'medium', 'low')) "

static void now_iso(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int prep(struct store *s, const char *sql, sqlite3_stmt **st, struct tater_err *err)
{
	if (sqlite3_prepare_v2(store_db(s), sql, -1, st, NULL) != SQLITE_OK) {
		*st = NULL;
		return store_sqlerr(s, "reading the identity posture", err);
	}
	return 0;
}

static void bind_common(sqlite3_stmt *st, const struct posture *p, int signins_known)
{
	int n = sqlite3_bind_parameter_count(st);

	sqlite3_bind_text(st, 1, p->scope, -1, SQLITE_TRANSIENT);
	if (n >= 2)
		sqlite3_bind_text(st, 2, p->now, -1, SQLITE_TRANSIENT);
	if (n >= 3)
		sqlite3_bind_int(st, 3, p->stale_days);
	if (n >= 4)
		sqlite3_bind_int(st, 4, signins_known);
}

/* One row of integers into out[0..n-1]. */
static int counts(struct store *s, const struct posture *p, int signins_known, const char *sql,
		  int64_t *out, int n, struct tater_err *err)
{
	sqlite3_stmt *st;
	int ret;

	if ((ret = prep(s, sql, &st, err)) < 0)
		return ret;
	bind_common(st, p, signins_known);
	if (sqlite3_step(st) != SQLITE_ROW) {
		ret = store_sqlerr(s, "reading the identity posture", err);
	} else {
		for (int i = 0; i < n; i++)
			out[i] = sqlite3_column_int64(st, i);
	}
	sqlite3_finalize(st);
	return ret;
}

/* How the source of a figure went in its latest collection. */
static int source_state(struct store *s, const char *scope, const char *source,
			struct posture_state *ps, struct tater_err *err)
{
	sqlite3_stmt *st;
	int ret, rc;

	memset(ps, 0, sizeof(*ps));
	if ((ret = prep(s,
			"SELECT status, http_status, detail, collected_at FROM main.source_status"
			" WHERE scope = ?1 AND source = ?2",
			&st, err)) < 0)
		return ret;
	sqlite3_bind_text(st, 1, scope, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, source, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		snprintf(ps->reason, sizeof(ps->reason), "%s: not collected yet (run a scan)",
			 source);
	} else if (rc != SQLITE_ROW) {
		ret = store_sqlerr(s, "reading the sources' status", err);
	} else {
		const char *status = (const char *)sqlite3_column_text(st, 0);
		const char *detail = (const char *)sqlite3_column_text(st, 2);
		const char *at = (const char *)sqlite3_column_text(st, 3);
		int http = sqlite3_column_int(st, 1);

		snprintf(ps->collected, sizeof(ps->collected), "%s", at ? at : "");
		if (status && strcmp(status, "ok") == 0)
			ps->known = 1;
		else if (detail && *detail)
			snprintf(ps->reason, sizeof(ps->reason), "%s: %s", source, detail);
		else if (http)
			snprintf(ps->reason, sizeof(ps->reason), "%s: %s (HTTP %d)", source,
				 status ? status : "?", http);
		else
			snprintf(ps->reason, sizeof(ps->reason), "%s: %s", source,
				 status ? status : "?");
	}
	sqlite3_finalize(st);
	return ret;
}

static int tenant_stale_days(struct store *s, const char *scope)
{
	sqlite3_stmt *st = NULL;
	long long id;
	int days = 90;

	if (sscanf(scope, "tenant:%lld", &id) != 1)
		return days;
	if (sqlite3_prepare_v2(store_db(s), "SELECT stale_days FROM main.tenants WHERE id = ?1", -1,
			       &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, id);
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) > 0)
			days = sqlite3_column_int(st, 0);
	}
	sqlite3_finalize(st);
	return days;
}

static int setup(struct store *s, const char *scope, const struct posture_opts *o,
		 struct posture *p, struct tater_err *err)
{
	memset(p, 0, sizeof(*p));
	if (!scope || !*scope || strlen(scope) >= sizeof(p->scope))
		return tater_errf(err, TATER_EINVAL, "bad scope");
	snprintf(p->scope, sizeof(p->scope), "%s", scope);
	if (o && o->now && *o->now)
		snprintf(p->now, sizeof(p->now), "%s", o->now);
	else
		now_iso(p->now);
	p->stale_days = o && o->stale_days > 0 ? o->stale_days : tenant_stale_days(s, scope);
	return 0;
}

/* Do the scope's users carry signInActivity at all?  Without Entra ID P1 (or without
 * AuditLog.Read.All) Graph leaves it out, and "never signed in" would be a lie. */
static int signins_present(struct store *s, const struct posture *p, int *present,
			   struct tater_err *err)
{
	int64_t v[2] = {0, 0};
	int ret = counts(s, p, 0,
			 "SELECT count(*), coalesce(sum(json_type(json, '$.signInActivity')"
			 " IS NOT NULL), 0) FROM main.objects"
			 " WHERE scope = ?1 AND source = 'graph.users'",
			 v, 2, err);

	*present = ret == 0 && (v[0] == 0 || v[1] > 0);
	return ret;
}

int posture_load(struct store *s, const char *scope, const struct posture_opts *o,
		 struct posture *p, struct tater_err *err)
{
	int ret, signins = 0;
	int64_t v[10];

	if ((ret = setup(s, scope, o, p, err)) < 0)
		return ret;
	for (int f = 0; f < POSTURE_NFIGURES; f++)
		if ((ret = source_state(s, scope, figures[f].source, &p->st[f], err)) < 0)
			goto fail;

	if (p->st[POSTURE_RISKY].known) {
		if ((ret = counts(s, p, 0,
				  RISKY_CTE
				  "SELECT coalesce(sum(lvl = 'high'), 0),"
				  " coalesce(sum(lvl = 'medium'), 0),"
				  " coalesce(sum(lvl = 'low'), 0),"
				  " coalesce(sum(state = 'confirmedCompromised'), 0) FROM k",
				  v, 4, err)) < 0)
			goto fail;
		p->risky.high = v[0];
		p->risky.medium = v[1];
		p->risky.low = v[2];
		p->risky.compromised = v[3];
		p->risky.total = v[0] + v[1] + v[2];
	}
	if (p->st[POSTURE_MFA].known) {
		if ((ret = counts(s, p, 0,
				  REG_CTE "SELECT coalesce(sum(NOT adm), 0),"
					  " coalesce(sum(NOT adm AND reg), 0),"
					  " coalesce(sum(NOT adm AND cap), 0),"
					  " coalesce(sum(NOT adm AND NOT reg), 0),"
					  " coalesce(sum(adm), 0), coalesce(sum(adm AND reg), 0),"
					  " coalesce(sum(adm AND cap), 0),"
					  " coalesce(sum(adm AND NOT reg), 0) FROM r",
				  v, 8, err)) < 0)
			goto fail;
		p->mfa.users = v[0];
		p->mfa.registered = v[1];
		p->mfa.capable = v[2];
		p->mfa.not_registered = v[3];
		p->mfa.admins = v[4];
		p->mfa.admins_registered = v[5];
		p->mfa.admins_capable = v[6];
		p->mfa.admins_not_registered = v[7];
	}
	if (p->st[POSTURE_PRIVILEGED].known) {
		sqlite3_stmt *st;
		size_t cap = 0;

		if ((ret = counts(s, p, 0,
				  "SELECT count(DISTINCT json_extract(json, '$.id')), count(*),"
				  " count(DISTINCT CASE WHEN json_extract(json,"
				  " '$.\"@role\".roleTemplateId') = '" GLOBAL_ADMIN_TEMPLATE "'"
				  " THEN json_extract(json, '$.id') END)"
				  " FROM main.objects WHERE scope = ?1"
				  " AND source = 'graph.directoryRoleMembers'",
				  v, 3, err)) < 0)
			goto fail;
		p->priv.accounts = v[0];
		p->priv.assignments = v[1];
		p->priv.global_admins = v[2];
		if ((ret = prep(s,
				"SELECT coalesce(json_extract(json, '$.\"@role\".displayName'),"
				" json_extract(json, '$.\"@role\".id'), '?') AS name,"
				" coalesce(json_extract(json, '$.\"@role\".roleTemplateId'), ''),"
				" count(DISTINCT json_extract(json, '$.id')) AS n"
				" FROM main.objects WHERE scope = ?1"
				" AND source = 'graph.directoryRoleMembers'"
				" GROUP BY 1, 2 ORDER BY n DESC, name",
				&st, err)) < 0)
			goto fail;
		bind_common(st, p, 0);
		while (sqlite3_step(st) == SQLITE_ROW) {
			struct posture_role *r;

			if (p->priv.nroles == cap) {
				size_t nc = cap ? cap * 2 : 16;
				void *nv = realloc(p->priv.roles, nc * sizeof(*p->priv.roles));

				if (!nv) {
					sqlite3_finalize(st);
					ret = tater_errf(err, TATER_ENOMEM, "out of memory");
					goto fail;
				}
				p->priv.roles = nv;
				cap = nc;
			}
			r = &p->priv.roles[p->priv.nroles++];
			snprintf(r->name, sizeof(r->name), "%s",
				 (const char *)sqlite3_column_text(st, 0));
			snprintf(r->template_id, sizeof(r->template_id), "%s",
				 (const char *)sqlite3_column_text(st, 1));
			r->members = sqlite3_column_int64(st, 2);
		}
		sqlite3_finalize(st);
	}
	if (p->st[POSTURE_STALE].known) {
		if ((ret = signins_present(s, p, &signins, err)) < 0)
			goto fail;
		if ((ret = counts(
			 s, p, signins,
			 USERS_CTE
			 "SELECT coalesce(sum(type = 'member' AND enabled), 0),"
			 " coalesce(sum(type = 'member' AND enabled AND activity = 'stale'), 0),"
			 " coalesce(sum(type = 'member' AND enabled AND activity = 'never'), 0),"
			 " coalesce(sum(type = 'member' AND NOT enabled), 0),"
			 " coalesce(sum(type = 'guest'), 0),"
			 " coalesce(sum(type = 'guest' AND activity = 'stale'), 0),"
			 " coalesce(sum(type = 'guest' AND activity = 'never'), 0),"
			 " coalesce(sum(type = 'guest' AND json_extract(j,"
			 " '$.externalUserState') = 'PendingAcceptance'), 0) FROM v",
			 v, 8, err)) < 0)
			goto fail;
		p->stale.enabled = v[0];
		p->stale.stale = v[1];
		p->stale.never = v[2];
		p->stale.disabled = v[3];
		p->guests.total = v[4];
		p->guests.stale = v[5];
		p->guests.never = v[6];
		p->guests.pending = v[7];
		p->guests.signins_known = signins;
		if (!signins) {
			/* Guests are still counted; stale accounts cannot be told. */
			p->st[POSTURE_STALE].known = 0;
			snprintf(p->st[POSTURE_STALE].reason, sizeof(p->st[POSTURE_STALE].reason),
				 "graph.users: no signInActivity returned (it needs Entra ID P1 "
				 "and AuditLog.Read.All)");
		}
	}
	return 0;
fail:
	posture_free(p);
	return ret;
}

void posture_free(struct posture *p)
{
	if (!p)
		return;
	free(p->priv.roles);
	p->priv.roles = NULL;
	p->priv.nroles = 0;
}

/* ---- lists ---- */

static const char *const cols_risky[] = {
    "Name", "User principal name", "Level", "State", "Detail", "Updated", "key"};
static const char *const cols_mfa[] = {"Name", "User principal name", "Admin", "MFA", "Methods",
				       "key"};
static const char *const cols_priv[] = {"Name", "User principal name / app", "Role", "Type", "key"};
static const char *const cols_stale[] = {
    "Name", "User principal name", "Last sign-in", "Days", "Created", "key"};
static const char *const cols_guests[] = {"Name", "Mail / UPN", "Invitation", "Last sign-in",
					  "Days", "Activity",	"key"};

int posture_list_columns(enum posture_figure f, const char *const **titles)
{
	switch (f) {
	case POSTURE_RISKY:
		*titles = cols_risky;
		return 7;
	case POSTURE_MFA:
		*titles = cols_mfa;
		return 6;
	case POSTURE_PRIVILEGED:
		*titles = cols_priv;
		return 5;
	case POSTURE_STALE:
		*titles = cols_stale;
		return 6;
	case POSTURE_GUESTS:
		*titles = cols_guests;
		return 7;
	default:
		*titles = NULL;
		return 0;
	}
}

static const char *list_sql(enum posture_figure f)
{
	switch (f) {
	case POSTURE_RISKY:
		return RISKY_CTE
		    "SELECT json_extract(j, '$.userDisplayName'), json_extract(j,"
		    " '$.userPrincipalName'), lvl, state, json_extract(j, '$.riskDetail'),"
		    " substr(json_extract(j, '$.riskLastUpdatedDateTime'), 1, 10), key FROM k"
		    " ORDER BY CASE lvl WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END,"
		    " state = 'atRisk', 2";
	case POSTURE_MFA:
		return REG_CTE
		    "SELECT json_extract(j, '$.userDisplayName'), json_extract(j,"
		    " '$.userPrincipalName'), CASE WHEN adm THEN 'admin' ELSE '' END,"
		    " CASE WHEN cap THEN 'capable' WHEN reg THEN 'registered, not capable'"
		    " ELSE 'not registered' END,"
		    " (SELECT group_concat(value, ', ') FROM json_each(j, '$.methodsRegistered')),"
		    " key FROM r ORDER BY reg, cap, adm DESC, 2";
	case POSTURE_PRIVILEGED:
		return "SELECT coalesce(json_extract(json, '$.displayName'), ''),"
		       " coalesce(json_extract(json, '$.userPrincipalName'),"
		       " json_extract(json, '$.appId'), ''),"
		       " coalesce(json_extract(json, '$.\"@role\".displayName'), ''),"
		       " replace(coalesce(json_extract(json, '$.\"@odata.type\"'),"
		       " '#microsoft.graph.user'), '#microsoft.graph.', ''), key"
		       " FROM main.objects WHERE scope = ?1 AND source = "
		       "'graph.directoryRoleMembers'"
		       " ORDER BY 3, 1";
	case POSTURE_STALE:
		return USERS_CTE
		    "SELECT json_extract(j, '$.displayName'), json_extract(j, "
		    "'$.userPrincipalName'),"
		    " coalesce(substr(last, 1, 10), 'never'), CASE WHEN last IS NULL THEN ''"
		    " ELSE days END, substr(json_extract(j, '$.createdDateTime'), 1, 10), key"
		    " FROM v WHERE type = 'member' AND enabled AND activity IN ('stale', 'never')"
		    " ORDER BY activity = 'never', days DESC, 2";
	case POSTURE_GUESTS:
		return USERS_CTE
		    "SELECT json_extract(j, '$.displayName'), coalesce(json_extract(j, '$.mail'),"
		    " json_extract(j, '$.userPrincipalName')),"
		    " coalesce(json_extract(j, '$.externalUserState'), ''),"
		    " CASE WHEN ?4 = 0 THEN 'unknown' ELSE coalesce(substr(last, 1, 10), 'never') "
		    "END,"
		    " CASE WHEN last IS NULL OR ?4 = 0 THEN '' ELSE days END,"
		    " CASE activity WHEN 'never' THEN 'never signed in' ELSE activity END, key"
		    " FROM v WHERE type = 'guest'"
		    " ORDER BY CASE activity WHEN 'stale' THEN 0 WHEN 'never' THEN 1 ELSE 2 END,"
		    " days DESC, 2";
	default:
		return NULL;
	}
}

int posture_list(struct store *s, const char *scope, enum posture_figure f,
		 const struct posture_opts *o, posture_row_fn fn, void *ctx, struct tater_err *err)
{
	struct posture p;
	struct posture_state ps;
	const char *const *titles;
	const char *cells[8];
	const char *sql = list_sql(f);
	sqlite3_stmt *st = NULL;
	int ret, ncols = posture_list_columns(f, &titles), rc, signins = 1;

	if (!sql)
		return tater_errf(err, TATER_EINVAL, "no such figure");
	if ((ret = setup(s, scope, o, &p, err)) < 0)
		return ret;
	if ((ret = source_state(s, scope, figures[f].source, &ps, err)) < 0)
		return ret;
	if (!ps.known)
		return tater_errf(err, TATER_ENOTFOUND, "%s", ps.reason);
	if ((f == POSTURE_STALE || f == POSTURE_GUESTS) &&
	    (ret = signins_present(s, &p, &signins, err)) < 0)
		return ret;
	if (f == POSTURE_STALE && !signins)
		return tater_errf(err, TATER_ENOTFOUND,
				  "graph.users: no signInActivity returned (it needs Entra ID P1 "
				  "and AuditLog.Read.All)");
	if ((ret = prep(s, sql, &st, err)) < 0)
		return ret;
	bind_common(st, &p, signins);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (int c = 0; c < ncols; c++)
			cells[c] = (const char *)sqlite3_column_text(st, c);
		if (fn(ctx, cells))
			break;
	}
	if (ret == 0 && rc != SQLITE_ROW && rc != SQLITE_DONE)
		ret = store_sqlerr(s, "listing the users behind a figure", err);
	sqlite3_finalize(st);
	return ret;
}

int posture_object(struct store *s, const char *scope, enum posture_figure f, const char *key,
		   char **json, struct tater_err *err)
{
	sqlite3_stmt *st;
	int ret;

	*json = NULL;
	if ((unsigned)f >= POSTURE_NFIGURES)
		return tater_errf(err, TATER_EINVAL, "no such figure");
	if ((ret = prep(
		 s, "SELECT json FROM main.objects WHERE scope = ?1 AND source = ?2 AND key = ?3",
		 &st, err)) < 0)
		return ret;
	sqlite3_bind_text(st, 1, scope, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, figures[f].source, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, key ? key : "", -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*json = strdup((const char *)sqlite3_column_text(st, 0));
		if (!*json)
			ret = tater_errf(err, TATER_ENOMEM, "out of memory");
	} else {
		ret = tater_errf(err, TATER_ENOTFOUND, "no longer in the latest snapshot");
	}
	sqlite3_finalize(st);
	return ret;
}

/* ---- recommendations ---- */

struct recs {
	struct posture_rec *v;
	size_t n, cap;
	const struct eval_results *res;
	int nomem;
};

static const struct eval_result *failing(const struct eval_results *res, const char *id)
{
	for (size_t i = 0; res && i < res->n; i++)
		if (strcmp(res->v[i].control->id, id) == 0)
			return strcmp(res->v[i].status, "fail") == 0 && !res->v[i].accepted
				   ? &res->v[i]
				   : NULL;
	return NULL;
}

/* Which controls of ids fail (not accepted): adds them to r, returns the first one and
 * raises *sev to the most severe. */
static const struct eval_result *behind(struct recs *rs, struct posture_rec *r,
					const char *const *ids, char sev[12])
{
	const struct eval_result *first = NULL;

	for (size_t i = 0; ids[i]; i++) {
		const struct eval_result *e = failing(rs->res, ids[i]);

		if (!e)
			continue;
		if (!first)
			first = e;
		if (r->ncontrols < POSTURE_REC_CONTROLS)
			snprintf(r->controls[r->ncontrols++], sizeof(r->controls[0]), "%s", ids[i]);
		if (!sev[0] || catalog_severity_rank(e->severity) < catalog_severity_rank(sev))
			snprintf(sev, 12, "%s", e->severity);
	}
	return first;
}

static struct posture_rec *add(struct recs *rs)
{
	if (rs->n == rs->cap) {
		size_t nc = rs->cap ? rs->cap * 2 : 16;
		void *nv = realloc(rs->v, nc * sizeof(*rs->v));

		if (!nv) {
			rs->nomem = 1;
			return NULL;
		}
		rs->v = nv;
		rs->cap = nc;
	}
	memset(&rs->v[rs->n], 0, sizeof(rs->v[0]));
	rs->v[rs->n].list = -1;
	rs->v[rs->n].affected = -1;
	return &rs->v[rs->n++];
}

static int covered(const struct recs *rs, const char *id)
{
	for (size_t i = 0; i < rs->n; i++)
		for (int k = 0; k < rs->v[i].ncontrols; k++)
			if (strcmp(rs->v[i].controls[k], id) == 0)
				return 1;
	return 0;
}

static int cmp_rec(const void *a, const void *b)
{
	const struct posture_rec *x = a, *y = b;
	int rx = catalog_severity_rank(x->severity), ry = catalog_severity_rank(y->severity);

	if (rx != ry)
		return rx - ry;
	if (x->affected != y->affected)
		return x->affected > y->affected ? -1 : 1;
	return strcmp(x->title, y->title);
}

static void rec_mfa(struct recs *rs, const struct posture *p)
{
	static const char *const ids[] = {"aad.all-users-mfa-capable", "aad.mfa-all-users",
					  "aad.mfa-admins", "aad.phishing-resistant-mfa-admins",
					  NULL};
	struct posture_rec tmp = {0}, *r;
	char sev[12] = "";
	const struct eval_result *first = behind(rs, &tmp, ids, sev);
	int known = p->st[POSTURE_MFA].known;
	int64_t without = p->mfa.not_registered + p->mfa.admins_not_registered;

	if (!first && !(known && without > 0))
		return;
	if (!(r = add(rs)))
		return;
	*r = tmp;
	r->list = POSTURE_MFA;
	snprintf(r->id, sizeof(r->id), "mfa");
	snprintf(r->title, sizeof(r->title), "Enable MFA for the remaining users");
	if (known && without > 0) {
		long long admins = p->mfa.admins_not_registered;

		snprintf(r->figure, sizeof(r->figure), "%lld member user%s without MFA (%lld admin%s)",
			 (long long)without, without == 1 ? "" : "s", admins, admins == 1 ? "" : "s");
		r->affected = without;
	} else {
		snprintf(r->figure, sizeof(r->figure), "%s", first->reason);
		if (known)
			r->affected = p->mfa.users + p->mfa.admins;
	}
	if (!sev[0])
		snprintf(sev, sizeof(sev), "%s",
			 p->mfa.admins_not_registered ? "critical" : "high");
	snprintf(r->severity, sizeof(r->severity), "%s", sev);
}

static void rec_privileged(struct recs *rs, const struct posture *p)
{
	static const char *const ids[] = {"aad.global-admins-2-to-8", "aad.global-admins-2-to-4",
					  "aad.least-privilege-roles", "aad.admins-cloud-only",
					  NULL};
	struct posture_rec tmp = {0}, *r;
	char sev[12] = "";
	const struct eval_result *first = behind(rs, &tmp, ids, sev);

	if (!first)
		return;
	if (!(r = add(rs)))
		return;
	*r = tmp;
	r->list = POSTURE_PRIVILEGED;
	snprintf(r->id, sizeof(r->id), "privileged");
	snprintf(r->title, sizeof(r->title), "Review and reduce privileged role assignments");
	if (p->st[POSTURE_PRIVILEGED].known) {
		snprintf(r->figure, sizeof(r->figure),
			 "%lld privileged accounts in %lld role assignments; %lld Global "
			 "Administrators",
			 (long long)p->priv.accounts, (long long)p->priv.assignments,
			 (long long)p->priv.global_admins);
		r->affected = p->priv.accounts;
	} else {
		snprintf(r->figure, sizeof(r->figure), "%s", first->reason);
	}
	snprintf(r->severity, sizeof(r->severity), "%s", sev);
}

static void rec_guests(struct recs *rs, const struct posture *p)
{
	static const char *const ids[] = {"aad.guest-access-restricted",
					  "aad.guest-invites-restricted", NULL};
	struct posture_rec tmp = {0}, *r;
	char sev[12] = "";
	int64_t n = p->guests.stale + p->guests.never;

	if (!p->st[POSTURE_GUESTS].known || !p->guests.signins_known || n == 0)
		return;
	behind(rs, &tmp, ids, sev);
	if (!(r = add(rs)))
		return;
	*r = tmp;
	r->list = POSTURE_GUESTS;
	snprintf(r->id, sizeof(r->id), "stale-guests");
	snprintf(r->title, sizeof(r->title), "Disable or remove stale guest accounts");
	snprintf(r->figure, sizeof(r->figure),
		 "%lld of %lld guests have not signed in for %d days (%lld never)", (long long)n,
		 (long long)p->guests.total, p->stale_days, (long long)p->guests.never);
	r->affected = n;
	snprintf(r->severity, sizeof(r->severity), "%s", sev[0] ? sev : "medium");
}

static void rec_risk_policy(struct recs *rs, const struct posture *p)
{
	static const char *const ids[] = {"aad.block-high-risk-users",
					  "aad.block-high-risk-signins", "aad.user-risk-policy",
					  "aad.signin-risk-policy", NULL};
	struct posture_rec tmp = {0}, *r;
	char sev[12] = "";
	const struct eval_result *first = behind(rs, &tmp, ids, sev);

	if (!first)
		return;
	if (!(r = add(rs)))
		return;
	*r = tmp;
	r->list = POSTURE_RISKY;
	snprintf(r->id, sizeof(r->id), "risk-policy");
	snprintf(r->title, sizeof(r->title),
		 "Implement conditional access policies for risky sign-ins and users");
	if (p->st[POSTURE_RISKY].known) {
		snprintf(r->figure, sizeof(r->figure),
			 "%lld risky users (%lld high) and %d risk polic%s missing",
			 (long long)p->risky.total, (long long)p->risky.high, r->ncontrols,
			 r->ncontrols == 1 ? "y" : "ies");
		r->affected = p->risky.total;
	} else {
		snprintf(r->figure, sizeof(r->figure), "%s", first->reason);
	}
	snprintf(r->severity, sizeof(r->severity), "%s", sev);
}

static void rec_legacy(struct recs *rs, const struct posture *p)
{
	static const char *const ids[] = {"aad.legacy-auth-blocked", NULL};
	struct posture_rec tmp = {0}, *r;
	char sev[12] = "";
	const struct eval_result *first = behind(rs, &tmp, ids, sev);

	if (!first)
		return;
	if (!(r = add(rs)))
		return;
	*r = tmp;
	snprintf(r->id, sizeof(r->id), "legacy-auth");
	snprintf(r->title, sizeof(r->title), "Block legacy authentication protocols");
	if (p->st[POSTURE_STALE].known || p->st[POSTURE_GUESTS].known) {
		r->affected = p->stale.enabled + p->guests.total;
		snprintf(r->figure, sizeof(r->figure),
			 "%lld users can sign in with a password alone: %s", (long long)r->affected,
			 first->reason);
	} else {
		snprintf(r->figure, sizeof(r->figure), "%s", first->reason);
	}
	snprintf(r->severity, sizeof(r->severity), "%s", sev);
}

static void rec_posture_only(struct recs *rs, const struct posture *p)
{
	struct posture_rec *r;

	if (p->st[POSTURE_RISKY].known && p->risky.high > 0 && (r = add(rs))) {
		r->list = POSTURE_RISKY;
		snprintf(r->id, sizeof(r->id), "risky-users");
		snprintf(r->title, sizeof(r->title), "Investigate and remediate high-risk users");
		snprintf(r->figure, sizeof(r->figure),
			 "%lld high-risk users (%lld confirmed compromised)",
			 (long long)p->risky.high, (long long)p->risky.compromised);
		r->affected = p->risky.high;
		snprintf(r->severity, sizeof(r->severity), "%s",
			 p->risky.compromised ? "critical" : "high");
	}
	if (p->st[POSTURE_STALE].known && p->stale.stale + p->stale.never > 0 && (r = add(rs))) {
		r->list = POSTURE_STALE;
		snprintf(r->id, sizeof(r->id), "stale-accounts");
		snprintf(r->title, sizeof(r->title), "Disable stale member accounts");
		snprintf(
		    r->figure, sizeof(r->figure),
		    "%lld enabled accounts without a sign-in for %d days (%lld never signed in)",
		    (long long)(p->stale.stale + p->stale.never), p->stale_days,
		    (long long)p->stale.never);
		r->affected = p->stale.stale + p->stale.never;
		snprintf(r->severity, sizeof(r->severity), "low");
	}
}

int posture_recommend(struct store *s, const struct catalog *cat, const struct posture *p,
		      struct posture_rec **out, size_t *n, struct tater_err *err)
{
	struct eval_results res = {0};
	struct recs rs = {0};
	int ret = 0;

	*out = NULL;
	*n = 0;
	if (cat && (ret = eval_results_latest(s, cat, p->scope, NULL, &res, err)) < 0)
		return ret;
	rs.res = &res;
	rec_mfa(&rs, p);
	rec_privileged(&rs, p);
	rec_guests(&rs, p);
	rec_risk_policy(&rs, p);
	rec_legacy(&rs, p);
	rec_posture_only(&rs, p);
	/* Every other failing control follows naturally: its own recommendation. */
	for (size_t i = 0; i < res.n; i++) {
		const struct eval_result *e = &res.v[i];
		struct posture_rec *r;

		if (strcmp(e->status, "fail") != 0 || e->accepted || covered(&rs, e->control->id))
			continue;
		if (!(r = add(&rs)))
			break;
		snprintf(r->id, sizeof(r->id), "control");
		snprintf(r->title, sizeof(r->title), "%s", e->control->title);
		snprintf(r->figure, sizeof(r->figure), "%s", e->reason ? e->reason : "");
		snprintf(r->severity, sizeof(r->severity), "%s", e->severity);
		snprintf(r->controls[0], sizeof(r->controls[0]), "%s", e->control->id);
		r->ncontrols = 1;
	}
	eval_results_free(&res);
	if (rs.nomem) {
		free(rs.v);
		return tater_errf(err, TATER_ENOMEM, "out of memory");
	}
	if (rs.n)
		qsort(rs.v, rs.n, sizeof(*rs.v), cmp_rec);
	*out = rs.v;
	*n = rs.n;
	return 0;
}
