/* eval.c - run the controls' checks over one scope and store their results.
 *
 * A check is SQL someone else wrote (a user's control is as welcome as ours), so it runs
 * fenced: an authorizer lets it read only the scope's views and SQLite's JSON table
 * functions and write nothing, a progress handler stops it after a deadline, and whatever
 * goes wrong becomes that control's `unknown` result, never a pass and never the end of
 * the evaluation. */
#include <jansson.h>
#include <stdarg.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "eval_internal.h"
#include "tater/catalog.h"
#include "tater/eval.h"
#include "tater/store.h"

#define CHECK_TIMEOUT_MS 30000
#define REASON_MAX 1000

/* The views a check sees: one per collected source, over the latest snapshot of the scope. */
static const struct {
	const char *view, *source;
} source_views[] = {
    {"organization", "graph.organization"},
    {"skus", "graph.subscribedSkus"},
    {"users", "graph.users"},
    {"registrations", "graph.userRegistrationDetails"},
    {"risky_users", "graph.riskyUsers"},
    {"directory_roles", "graph.directoryRoles"},
    {"role_members", "graph.directoryRoleMembers"},
    {"role_assignments", "graph.roleAssignments"},
    {"ca_policies", "graph.conditionalAccessPolicies"},
    {"authorization_policy", "graph.authorizationPolicy"},
    {"auth_methods_policy", "graph.authenticationMethodsPolicy"},
    {"admin_consent_policy", "graph.adminConsentRequestPolicy"},
    {"domains", "graph.domains"},
    {"activity_timeout_policies", "graph.activityBasedTimeoutPolicies"},
    /* Exchange Online / Security & Compliance cmdlets (one view per cmdlet, named after its
     * source), SharePoint, Fabric and DNS: see doc/controls.md */
    {"exo_organizationconfig", "exo.OrganizationConfig"},
    {"exo_transportconfig", "exo.TransportConfig"},
    {"exo_externalinoutlook", "exo.ExternalInOutlook"},
    {"exo_remotedomain", "exo.RemoteDomain"},
    {"exo_sharingpolicy", "exo.SharingPolicy"},
    {"exo_accepteddomain", "exo.AcceptedDomain"},
    {"exo_dkimsigningconfig", "exo.DkimSigningConfig"},
    {"exo_hostedoutboundspamfilterpolicy", "exo.HostedOutboundSpamFilterPolicy"},
    {"exo_hostedcontentfilterpolicy", "exo.HostedContentFilterPolicy"},
    {"exo_hostedconnectionfilterpolicy", "exo.HostedConnectionFilterPolicy"},
    {"exo_malwarefilterpolicy", "exo.MalwareFilterPolicy"},
    {"exo_antiphishpolicy", "exo.AntiPhishPolicy"},
    {"exo_safelinkspolicy", "exo.SafeLinksPolicy"},
    {"exo_safelinksrule", "exo.SafeLinksRule"},
    {"exo_safeattachmentpolicy", "exo.SafeAttachmentPolicy"},
    {"exo_safeattachmentrule", "exo.SafeAttachmentRule"},
    {"exo_atppolicyforo365", "exo.AtpPolicyForO365"},
    {"exo_emailtenantsettings", "exo.EmailTenantSettings"},
    {"exo_eopprotectionpolicyrule", "exo.EOPProtectionPolicyRule"},
    {"exo_atpprotectionpolicyrule", "exo.ATPProtectionPolicyRule"},
    {"exo_adminauditlogconfig", "exo.AdminAuditLogConfig"},
    {"scc_protectionalert", "scc.ProtectionAlert"},
    {"scc_unifiedauditlogretentionpolicy", "scc.UnifiedAuditLogRetentionPolicy"},
    {"scc_dlpcompliancepolicy", "scc.DlpCompliancePolicy"},
    {"scc_dlpcompliancerule", "scc.DlpComplianceRule"},
    {"scc_retentioncompliancepolicy", "scc.RetentionCompliancePolicy"},
    {"spo_tenant", "spo.tenant"},
    {"graph_sharepointsettings", "graph.sharepointSettings"},
    {"fabric_tenantsettings", "fabric.tenantSettings"},
    {"dns_txt", "dns.txt"},
};
#define N_SOURCE_VIEWS (sizeof(source_views) / sizeof(source_views[0]))

/* Built-in directory roles that count as privileged.  scuba: the roles ScubaGear treats as
 * highly privileged (its MS.AAD.3.6 / 7.x default); cis: the admin roles CIS M365 5.2.2.1
 * names for MFA.  Template ids are the same in every tenant. */
static const char privileged_roles_sql[] =
    "CREATE TEMP VIEW privileged_roles (template_id, name, scuba, cis) AS VALUES"
    " ('62e90394-69f5-4237-9190-012177145e10', 'Global Administrator', 1, 1),"
    " ('e8611ab8-c189-46e8-94e1-60213ab1f814', 'Privileged Role Administrator', 1, 1),"
    " ('fe930be7-5e62-47db-91af-98c3a49a38b1', 'User Administrator', 1, 1),"
    " ('f28a1f50-f6e7-4571-818b-6a12f2af6b6c', 'SharePoint Administrator', 1, 1),"
    " ('29232cdf-9323-42fd-ade2-1d097af3e4de', 'Exchange Administrator', 1, 1),"
    " ('8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2', 'Hybrid Identity Administrator', 1, 0),"
    " ('9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3', 'Application Administrator', 1, 1),"
    " ('158c047a-c907-4556-b7ef-446551a6b5f7', 'Cloud Application Administrator', 1, 1),"
    " ('c4e39bd9-1100-46d3-8c65-fb160da0071f', 'Authentication Administrator', 0, 1),"
    " ('b0f54661-2d74-4c50-afa3-1ec803f12efe', 'Billing Administrator', 0, 1),"
    " ('b1be1c3e-b65d-4f19-8427-f6fa0d97feb9', 'Conditional Access Administrator', 0, 1),"
    " ('f2ef992c-3afb-46b9-b7cf-a126ee74c451', 'Global Reader', 0, 1),"
    " ('729827e3-9c14-49f7-bb1b-9608f156bbb8', 'Helpdesk Administrator', 0, 1),"
    " ('966707d0-3269-4727-9be2-8c3a10f19b9d', 'Password Administrator', 0, 1),"
    " ('7be44c8a-adaf-4e2a-84d6-ab2649e08a13', 'Privileged Authentication Administrator', 0, 1),"
    " ('194ae4cb-b126-40b2-bd5b-6091b380977d', 'Security Administrator', 0, 1)";

/* ScubaGear's gate for conditional access policies: only an enabled policy for all users
 * and all applications, excluding no role, whose excluded users, groups and applications
 * are each on the admin's allowed list for the control, counts toward a requirement.
 * role_gate is the same without "all users", for policies aimed at admin roles; gaps and
 * role_gaps say in words why a policy does not pass them ("report-only; excludes roles"). */
static const char ca_gated_sql[] =
    "CREATE TEMP VIEW ca_gated AS"
    " SELECT key, j, name, enabled, all_users, all_apps, no_role_exclusions,"
    "  exclusions_allowed,"
    "  (enabled AND all_users AND all_apps AND no_role_exclusions AND exclusions_allowed)"
    "   AS gate,"
    "  (enabled AND all_apps AND no_role_exclusions AND exclusions_allowed) AS role_gate,"
    "  trim(state_gap || users_gap || rest_gap, '; ') AS gaps,"
    "  trim(state_gap || rest_gap, '; ') AS role_gaps"
    " FROM (SELECT *,"
    "  CASE WHEN enabled THEN ''"
    "   WHEN j ->> '$.state' = 'enabledForReportingButNotEnforced' THEN 'report-only; '"
    "   ELSE 'not enabled; ' END AS state_gap,"
    "  CASE WHEN all_users THEN '' ELSE 'not for all users; ' END AS users_gap,"
    "  CASE WHEN all_apps THEN '' ELSE 'not for all applications; ' END"
    "  || CASE WHEN no_role_exclusions THEN '' ELSE 'excludes roles; ' END"
    "  || CASE WHEN exclusions_allowed THEN ''"
    "   ELSE 'excludes users, groups or applications not allowed for this control; ' END"
    "   AS rest_gap"
    " FROM (SELECT p.key AS key, p.j AS j, coalesce(p.j ->> '$.displayName', p.key) AS name,"
    "  (p.j ->> '$.state' IS 'enabled') AS enabled,"
    "  EXISTS (SELECT 1 FROM json_each(p.j, '$.conditions.users.includeUsers')"
    "   WHERE value = 'All') AS all_users,"
    "  EXISTS (SELECT 1 FROM json_each(p.j, '$.conditions.applications.includeApplications')"
    "   WHERE value = 'All') AS all_apps,"
    "  (coalesce(json_array_length(p.j, '$.conditions.users.excludeRoles'), 0) = 0)"
    "   AS no_role_exclusions,"
    "  (NOT EXISTS (SELECT 1 FROM json_each(p.j, '$.conditions.users.excludeUsers') x"
    "    WHERE x.type = 'text' AND x.value NOT IN"
    "     (SELECT object_id FROM temp.allowed_exclusions WHERE kind = 'user'))"
    "   AND NOT EXISTS (SELECT 1 FROM json_each(p.j, '$.conditions.users.excludeGroups') x"
    "    WHERE x.type = 'text' AND x.value NOT IN"
    "     (SELECT object_id FROM temp.allowed_exclusions WHERE kind = 'group'))"
    "   AND NOT EXISTS (SELECT 1 FROM json_each(p.j,"
    "     '$.conditions.applications.excludeApplications') x"
    "    WHERE x.type = 'text' AND x.value NOT IN"
    "     (SELECT object_id FROM temp.allowed_exclusions WHERE kind = 'application'))"
    "  ) AS exclusions_allowed"
    " FROM ca_policies p))";

static int exec(struct store *s, const char *sql, const char *what, struct tater_err *err)
{
	if (sqlite3_exec(store_db(s), sql, NULL, NULL, NULL) != SQLITE_OK)
		return store_sqlerr(s, what, err);
	return 0;
}

void eval_views_drop(struct store *s)
{
	sqlite3 *db = store_db(s);
	char sql[128];

	for (size_t i = 0; i < N_SOURCE_VIEWS; i++) {
		snprintf(sql, sizeof(sql), "DROP VIEW IF EXISTS temp.%s", source_views[i].view);
		sqlite3_exec(db, sql, NULL, NULL, NULL);
	}
	sqlite3_exec(db,
		     "DROP VIEW IF EXISTS temp.ca_gated; DROP VIEW IF EXISTS temp.scope_objects;"
		     "DROP VIEW IF EXISTS temp.privileged_roles;"
		     "DROP TABLE IF EXISTS temp.allowed_exclusions;",
		     NULL, NULL, NULL);
}

int eval_scope_ok(const char *scope, struct tater_err *err)
{
	size_t len = scope ? strlen(scope) : 0;

	if (!len || len > 128)
		return tater_errf(err, TATER_EINVAL, "bad scope '%s'", scope ? scope : "");
	for (const char *p = scope; *p; p++)
		if ((unsigned char)*p < 0x21 || (unsigned char)*p > 0x7e)
			return tater_errf(err, TATER_EINVAL, "bad scope (not printable ASCII)");
	return 0;
}

int eval_views_create(struct store *s, const char *scope, struct tater_err *err)
{
	char *sql = NULL;
	int ret;

	if ((ret = eval_scope_ok(scope, err)) < 0)
		return ret;
	eval_views_drop(s);
	if ((ret = exec(s,
			"CREATE TEMP TABLE allowed_exclusions (kind TEXT NOT NULL,"
			" object_id TEXT NOT NULL)",
			"creating the evaluation views", err)) < 0)
		goto out;
	for (size_t i = 0; i < N_SOURCE_VIEWS; i++) {
		/* %Q quotes the scope as an SQL literal: a scope is ours, but quoting costs
		 * nothing. */
		sql =
		    sqlite3_mprintf("CREATE TEMP VIEW %s AS SELECT key, json AS j FROM main.objects"
				    " WHERE scope = %Q AND source = %Q",
				    source_views[i].view, scope, source_views[i].source);
		if (!sql) {
			ret = tater_errf(err, TATER_ENOMEM, "out of memory");
			goto out;
		}
		if ((ret = exec(s, sql, "creating the evaluation views", err)) < 0)
			goto out;
		sqlite3_free(sql);
	}
	sql =
	    sqlite3_mprintf("CREATE TEMP VIEW scope_objects AS SELECT source, kind, key, json AS j"
			    " FROM main.objects WHERE scope = %Q",
			    scope);
	if (!sql) {
		ret = tater_errf(err, TATER_ENOMEM, "out of memory");
		goto out;
	}
	if ((ret = exec(s, sql, "creating the evaluation views", err)) < 0 ||
	    (ret = exec(s, privileged_roles_sql, "creating the evaluation views", err)) < 0 ||
	    (ret = exec(s, ca_gated_sql, "creating the evaluation views", err)) < 0)
		goto out;
out:
	sqlite3_free(sql);
	if (ret < 0)
		eval_views_drop(s);
	return ret;
}

/* ---- the fence around a check ---- */

struct fence {
	char denied[200];
	struct timespec deadline;
	const atomic_int *cancel;
	int timed_out, canceled;
};

static const char *action_name(int action)
{
	switch (action) {
	case SQLITE_INSERT:
		return "INSERT";
	case SQLITE_UPDATE:
		return "UPDATE";
	case SQLITE_DELETE:
		return "DELETE";
	case SQLITE_PRAGMA:
		return "PRAGMA";
	case SQLITE_ATTACH:
		return "ATTACH";
	case SQLITE_TRANSACTION:
		return "a transaction statement";
	default:
		return "a statement that changes the store";
	}
}

static int fence_authorize(void *ctx, int action, const char *a, const char *b, const char *db,
			   const char *via)
{
	struct fence *f = ctx;

	(void)b;
	switch (action) {
	case SQLITE_SELECT:
	case SQLITE_FUNCTION:
	case SQLITE_RECURSIVE:
		return SQLITE_OK;
	case SQLITE_READ:
		/* Our views and tables live in temp; main's tables only through them, so a check
		 * sees its own scope and never the vault, the tenants or the activity log.  A
		 * read with no database is of the check's own materialised WITH tables. */
		if (!db || strcmp(db, "temp") == 0 || via)
			return SQLITE_OK;
		if (a && (strcmp(a, "json_each") == 0 || strcmp(a, "json_tree") == 0))
			return SQLITE_OK;
		snprintf(f->denied, sizeof(f->denied),
			 "checks may read only the views of doc/controls.md, not %s.%s",
			 db ? db : "?", a ? a : "?");
		return SQLITE_DENY;
	default:
		snprintf(f->denied, sizeof(f->denied), "checks may only read; this one uses %s",
			 action_name(action));
		return SQLITE_DENY;
	}
}

static int fence_progress(void *ctx)
{
	struct fence *f = ctx;
	struct timespec now;

	if (f->cancel && atomic_load(f->cancel)) {
		f->canceled = 1;
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec > f->deadline.tv_sec ||
	    (now.tv_sec == f->deadline.tv_sec && now.tv_nsec >= f->deadline.tv_nsec)) {
		f->timed_out = 1;
		return 1;
	}
	return 0;
}

/* ---- one control ---- */

struct outcome {
	char status[8];
	char *reason;
	char *evidence;
	int64_t count;
};

static void outcome_clear(struct outcome *o)
{
	free(o->reason);
	free(o->evidence);
	memset(o, 0, sizeof(*o));
}

static int outcome_set(struct outcome *o, const char *status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int outcome_set(struct outcome *o, const char *status, const char *fmt, ...)
{
	va_list ap;
	char *r = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&r, fmt, ap);
	va_end(ap);
	free(o->reason);
	o->reason = n < 0 ? NULL : r;
	snprintf(o->status, sizeof(o->status), "%s", status);
	return o->reason ? 0 : TATER_ENOMEM;
}

/* A reason is one line: control characters become spaces, and it is cut (on a UTF-8
 * boundary) at REASON_MAX bytes. */
void eval_one_line(char *s, size_t max)
{
	size_t len = strlen(s);

	for (char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	if (len > max) {
		len = max;
		while (len && ((unsigned char)s[len] & 0xC0) == 0x80)
			len--;
		s[len] = 0;
	}
}

struct ectx {
	struct store *s;
	const char *scope;
	const char *now;
	int stale_days;
	int timeout_ms;
	const atomic_int *cancel;
	sqlite3_stmt *clear_excl, *fill_excl, *src_status;
};

/* Every source the control names must have been collected successfully; otherwise the
 * result is unknown, with that source's reason, and the check does not run. */
static int sources_ready(struct ectx *e, const struct control *c, struct outcome *o)
{
	for (size_t i = 0; i < c->sources.n; i++) {
		const char *src = c->sources.v[i];
		int rc;

		sqlite3_reset(e->src_status);
		sqlite3_bind_text(e->src_status, 1, e->scope, -1, SQLITE_STATIC);
		sqlite3_bind_text(e->src_status, 2, src, -1, SQLITE_STATIC);
		rc = sqlite3_step(e->src_status);
		if (rc == SQLITE_DONE) {
			outcome_set(o, "unknown", "%s: not collected yet", src);
			return 0;
		}
		if (rc != SQLITE_ROW) {
			outcome_set(o, "unknown", "%s: cannot read its status: %s", src,
				    sqlite3_errmsg(store_db(e->s)));
			return 0;
		}
		if (strcmp((const char *)sqlite3_column_text(e->src_status, 0), "ok") != 0) {
			const char *st = (const char *)sqlite3_column_text(e->src_status, 0);
			const char *detail = (const char *)sqlite3_column_text(e->src_status, 2);
			int http = sqlite3_column_int(e->src_status, 1);

			if (detail && *detail)
				outcome_set(o, "unknown", "%s: %s", src, detail);
			else if (http)
				outcome_set(o, "unknown", "%s: %s (HTTP %d)", src, st, http);
			else
				outcome_set(o, "unknown", "%s: %s", src, st);
			sqlite3_reset(e->src_status);
			return 0;
		}
	}
	sqlite3_reset(e->src_status);
	return 1;
}

static int fill_exclusions(struct ectx *e, const struct control *c, struct tater_err *err)
{
	int rc;

	sqlite3_reset(e->clear_excl);
	if (sqlite3_step(e->clear_excl) != SQLITE_DONE)
		return store_sqlerr(e->s, "preparing a control's exclusions", err);
	sqlite3_reset(e->fill_excl);
	sqlite3_bind_text(e->fill_excl, 1, e->scope, -1, SQLITE_STATIC);
	sqlite3_bind_text(e->fill_excl, 2, c->id, -1, SQLITE_STATIC);
	rc = sqlite3_step(e->fill_excl);
	sqlite3_reset(e->fill_excl);
	if (rc != SQLITE_DONE)
		return store_sqlerr(e->s, "preparing a control's exclusions", err);
	return 0;
}

static int bind_params(struct ectx *e, sqlite3_stmt *st, struct outcome *o)
{
	int n = sqlite3_bind_parameter_count(st);

	for (int i = 1; i <= n; i++) {
		const char *name = sqlite3_bind_parameter_name(st, i);

		if (!name)
			return outcome_set(o, "unknown", "check failed: unnamed parameter ?%d", i),
			       -1;
		if (strcmp(name + 1, "now") == 0)
			sqlite3_bind_text(st, i, e->now, -1, SQLITE_STATIC);
		else if (strcmp(name + 1, "stale_days") == 0)
			sqlite3_bind_int(st, i, e->stale_days);
		else if (strcmp(name + 1, "scope") == 0)
			sqlite3_bind_text(st, i, e->scope, -1, SQLITE_STATIC);
		else
			return outcome_set(o, "unknown",
					   "check failed: unknown parameter %s (there are :now, "
					   ":stale_days and :scope)",
					   name),
			       -1;
	}
	return 0;
}

static int column_named(sqlite3_stmt *st, const char *name)
{
	int n = sqlite3_column_count(st);

	for (int i = 0; i < n; i++)
		if (strcasecmp(sqlite3_column_name(st, i), name) == 0)
			return i;
	return -1;
}

/* Cap the evidence at EVAL_EVIDENCE_MAX items, keeping the real count. */
static int take_evidence(const char *text, struct outcome *o)
{
	json_error_t jerr;
	json_t *arr, *cut = NULL;
	size_t n;

	if (!text || !*text) {
		o->evidence = strdup("[]");
		o->count = 0;
		return o->evidence ? 0 : TATER_ENOMEM;
	}
	arr = json_loads(text, JSON_DECODE_ANY, &jerr);
	if (!json_is_array(arr)) {
		json_decref(arr);
		return outcome_set(o, "unknown", "check failed: evidence is not a JSON array"), -1;
	}
	n = json_array_size(arr);
	o->count = (int64_t)n;
	if (n > EVAL_EVIDENCE_MAX) {
		cut = json_array();
		for (size_t i = 0; cut && i < EVAL_EVIDENCE_MAX; i++)
			json_array_append(cut, json_array_get(arr, i));
	}
	o->evidence = json_dumps(cut ? cut : arr, JSON_COMPACT);
	json_decref(cut);
	json_decref(arr);
	return o->evidence ? 0 : TATER_ENOMEM;
}

/* Run one check.  Every failure of the check itself is written into o as unknown; only
 * the store's own failures return an error. */
static int run_check(struct ectx *e, const struct control *c, struct outcome *o,
		     struct tater_err *err)
{
	sqlite3 *db = store_db(e->s);
	sqlite3_stmt *st = NULL, *extra = NULL;
	struct fence fence = {.cancel = e->cancel};
	const char *tail = NULL, *status, *reason, *evidence;
	int ret = 0, rc, ci_status, ci_reason, ci_evidence;
	char *ev_copy = NULL;

	if ((ret = fill_exclusions(e, c, err)) < 0)
		return ret;
	if (!sources_ready(e, c, o))
		goto out;

	clock_gettime(CLOCK_MONOTONIC, &fence.deadline);
	fence.deadline.tv_sec += e->timeout_ms / 1000;
	fence.deadline.tv_nsec += (long)(e->timeout_ms % 1000) * 1000000L;
	if (fence.deadline.tv_nsec >= 1000000000L) {
		fence.deadline.tv_sec++;
		fence.deadline.tv_nsec -= 1000000000L;
	}
	sqlite3_set_authorizer(db, fence_authorize, &fence);
	rc = sqlite3_prepare_v2(db, c->check, -1, &st, &tail);
	if (rc != SQLITE_OK || !st) {
		if (fence.denied[0])
			outcome_set(o, "unknown", "check failed: %s", fence.denied);
		else
			outcome_set(o, "unknown", "check failed: %s",
				    st		      ? sqlite3_errmsg(db)
				    : rc == SQLITE_OK ? "no statement"
						      : sqlite3_errmsg(db));
		goto out;
	}
	/* One statement only: a second one would run unseen by the reader of the control. */
	if (tail && *tail) {
		rc = sqlite3_prepare_v2(db, tail, -1, &extra, NULL);
		if (rc != SQLITE_OK || extra) {
			outcome_set(o, "unknown",
				    "check failed: the check must be one SELECT "
				    "statement; there is more after the first");
			goto out;
		}
	}
	if (!sqlite3_stmt_readonly(st)) {
		outcome_set(o, "unknown", "check failed: the check must only read (one SELECT)");
		goto out;
	}
	if (bind_params(e, st, o) < 0)
		goto out;
	ci_status = column_named(st, "status");
	ci_reason = column_named(st, "reason");
	ci_evidence = column_named(st, "evidence");
	if (ci_status < 0 || ci_reason < 0) {
		outcome_set(o, "unknown",
			    "check failed: the result needs columns named status, reason and "
			    "evidence");
		goto out;
	}
	sqlite3_progress_handler(db, 1000, fence_progress, &fence);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		status = (const char *)sqlite3_column_text(st, ci_status);
		reason = (const char *)sqlite3_column_text(st, ci_reason);
		evidence =
		    ci_evidence >= 0 ? (const char *)sqlite3_column_text(st, ci_evidence) : NULL;
		if (!status || (strcmp(status, "pass") && strcmp(status, "fail") &&
				strcmp(status, "unknown"))) {
			outcome_set(
			    o, "unknown",
			    "check failed: status must be pass, fail or unknown, not '%.40s'",
			    status ? status : "NULL");
			goto out;
		}
		if (!reason || !*reason) {
			outcome_set(o, "unknown", "check failed: the check gave no reason");
			goto out;
		}
		if (outcome_set(o, status, "%s", reason) < 0) {
			ret = tater_errf(err, TATER_ENOMEM, "out of memory");
			goto out;
		}
		if (evidence && !(ev_copy = strdup(evidence))) {
			ret = tater_errf(err, TATER_ENOMEM, "out of memory");
			goto out;
		}
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			outcome_set(o, "unknown",
				    "check failed: the check returned more than one row");
			goto out;
		}
	} else if (rc == SQLITE_DONE) {
		outcome_set(o, "unknown", "check failed: the check returned no row");
		goto out;
	}
	if (rc != SQLITE_DONE) {
		if (fence.canceled)
			ret = tater_errf(err, TATER_ECANCELED, "evaluation canceled");
		else if (fence.timed_out)
			outcome_set(o, "unknown", "check failed: took longer than %d ms",
				    e->timeout_ms);
		else
			outcome_set(o, "unknown", "check failed: %s", sqlite3_errmsg(db));
		goto out;
	}
	if (take_evidence(ev_copy, o) == TATER_ENOMEM)
		ret = tater_errf(err, TATER_ENOMEM, "out of memory");
out:
	sqlite3_progress_handler(db, 0, NULL, NULL);
	sqlite3_finalize(extra);
	sqlite3_finalize(st);
	sqlite3_set_authorizer(db, NULL, NULL);
	free(ev_copy);
	if (!ret && !o->reason)
		ret = tater_errf(err, TATER_ENOMEM, "out of memory");
	if (!ret && strcmp(o->status, "unknown") == 0 && !o->evidence)
		o->evidence = strdup("[]");
	if (!ret && !o->evidence)
		ret = tater_errf(err, TATER_ENOMEM, "out of memory");
	if (!ret)
		eval_one_line(o->reason, REASON_MAX);
	return ret;
}

/* Which controls apply to a scope: by the prefix of the sources they read. */
static int control_applies(const struct control *c, const char *scope)
{
	const char *src = c->sources.v[0];
	int aws = strncmp(src, "aws.", 4) == 0, gcp = strncmp(src, "gcp.", 4) == 0;

	if (strncmp(scope, "aws:", 4) == 0)
		return aws;
	if (strncmp(scope, "gcp:", 4) == 0)
		return gcp;
	return !aws && !gcp;
}

static int tenant_stale_days(struct store *s, const char *scope)
{
	sqlite3_stmt *st;
	int days = 90;

	if (strncmp(scope, "tenant:", 7) != 0)
		return days;
	if (sqlite3_prepare_v2(store_db(s), "SELECT stale_days FROM main.tenants WHERE id = ?", -1,
			       &st, NULL) != SQLITE_OK)
		return days;
	sqlite3_bind_int64(st, 1, strtoll(scope + 7, NULL, 10));
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) > 0)
		days = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return days;
}

static int prepare(struct store *s, const char *sql, sqlite3_stmt **st, struct tater_err *err)
{
	if (sqlite3_prepare_v2(store_db(s), sql, -1, st, NULL) != SQLITE_OK)
		return store_sqlerr(s, "preparing the evaluation", err);
	return 0;
}

int eval_scope(struct store *s, const struct catalog *cat, const char *scope, int64_t scan_id,
	       const struct eval_opts *o, struct eval_summary *sum, struct tater_err *err)
{
	struct eval_opts dflt = {0};
	struct ectx e = {.s = s, .scope = scope};
	struct outcome oc = {0};
	sqlite3_stmt *ins = NULL;
	char now[32];
	int ret, began = 0;

	if (!o)
		o = &dflt;
	if (sum)
		memset(sum, 0, sizeof(*sum));
	if ((ret = eval_scope_ok(scope, err)) < 0)
		return ret;
	if (o->now)
		snprintf(now, sizeof(now), "%s", o->now);
	else
		store_now(now);
	e.now = now;
	e.stale_days = o->stale_days > 0 ? o->stale_days : tenant_stale_days(s, scope);
	e.timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : CHECK_TIMEOUT_MS;
	e.cancel = o->cancel;

	if ((ret = store_begin(s, err)) < 0)
		return ret;
	began = 1;
	if ((ret = eval_views_create(s, scope, err)) < 0)
		goto out;
	if ((ret = prepare(s, "DELETE FROM temp.allowed_exclusions", &e.clear_excl, err)) < 0 ||
	    (ret = prepare(s,
			   "INSERT INTO temp.allowed_exclusions (kind, object_id)"
			   " SELECT kind, object_id FROM main.control_exclusions"
			   " WHERE scope = ?1 AND control_id = ?2",
			   &e.fill_excl, err)) < 0 ||
	    (ret = prepare(s,
			   "SELECT status, http_status, detail FROM main.source_status"
			   " WHERE scope = ?1 AND source = ?2",
			   &e.src_status, err)) < 0 ||
	    (ret =
		 prepare(s,
			 "INSERT OR REPLACE INTO main.control_results (scan_id, scope, control_id,"
			 " status, severity, reason, evidence, evidence_count, evaluated_at)"
			 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
			 &ins, err)) < 0)
		goto out;

	for (size_t i = 0; i < catalog_count(cat); i++) {
		const struct control *c = catalog_at(cat, i);
		int rc;

		if (!control_applies(c, scope))
			continue;
		if (o->cancel && atomic_load(o->cancel)) {
			ret = tater_errf(err, TATER_ECANCELED, "evaluation canceled");
			goto out;
		}
		if ((ret = run_check(&e, c, &oc, err)) < 0)
			goto out;
		/* A failed statement can end the transaction behind our back (SQLITE_FULL,
		 * NOMEM); then nothing we store would be atomic any more. */
		if (sqlite3_get_autocommit(store_db(s))) {
			ret =
			    tater_errf(err, TATER_EIO,
				       "the store's transaction ended while evaluating %s", c->id);
			goto out;
		}
		sqlite3_reset(ins);
		sqlite3_bind_int64(ins, 1, scan_id);
		sqlite3_bind_text(ins, 2, scope, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 3, c->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 4, oc.status, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 5, c->severity, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 6, oc.reason, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 7, oc.evidence ? oc.evidence : "[]", -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins, 8, oc.count);
		sqlite3_bind_text(ins, 9, now, -1, SQLITE_STATIC);
		rc = sqlite3_step(ins);
		sqlite3_reset(ins);
		if (rc != SQLITE_DONE) {
			ret = store_sqlerr(s, "storing a control's result", err);
			goto out;
		}
		if (sum) {
			sum->evaluated++;
			if (strcmp(oc.status, "pass") == 0)
				sum->pass++;
			else if (strcmp(oc.status, "fail") == 0)
				sum->fail++;
			else
				sum->unknown++;
		}
		outcome_clear(&oc);
	}
out:
	outcome_clear(&oc);
	sqlite3_finalize(ins);
	sqlite3_finalize(e.clear_excl);
	sqlite3_finalize(e.fill_excl);
	sqlite3_finalize(e.src_status);
	if (ret == 0) {
		eval_views_drop(s);
		ret = store_commit(s, err);
	} else if (began) {
		store_rollback(s);
		eval_views_drop(s);
	}
	return ret;
}
