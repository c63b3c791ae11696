/* m365.c - the Microsoft 365 identity scan: Graph sources into the store.
 *
 * Every source is one paged collection on the client's curl multi handle, so
 * the classes (identity budget, CA + Identity Protection, reports) run side
 * by side, each paced by its own limiter.  Items are staged in a temporary
 * table as their page arrives; the swap into `objects` and the evaluation of
 * the controls happen in one transaction at the end. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>

#include "collect_internal.h"
#include "tater/auth.h"
#include "tater/collect.h"
#include "tater/endpoints.h"
#include "tater/http.h"
#include "tater/jsonscan.h"
#include "tater/store.h"
#include "tater/tenants.h"
#include "tater/vault.h"

/* What the identity scan reads.  perm names the Graph application permission a
 * 403 most likely lacks, so the unknown result can say what to grant. */
static const struct m365_source m365_sources[] = {
	{"graph.organization", "organization", "/v1.0/organization", "Organization.Read.All",
	 HTTP_PAGING_ODATA, 0, ENDPOINTS_GRAPH, NULL, NULL, NULL, NULL, NULL},
	{"graph.subscribedSkus", "sku", "/v1.0/subscribedSkus", "Organization.Read.All",
	 HTTP_PAGING_ODATA, 0, ENDPOINTS_GRAPH, NULL, NULL, NULL, NULL, NULL},
	{"graph.users", "user",
	 "/v1.0/users?$select=id,displayName,userPrincipalName,userType,accountEnabled,"
	 "createdDateTime,signInActivity,onPremisesSyncEnabled,onPremisesImmutableId&$top=120",
	 "User.Read.All and AuditLog.Read.All", HTTP_PAGING_ODATA, 0, ENDPOINTS_GRAPH, NULL, NULL, NULL, NULL, NULL},
	{"graph.userRegistrationDetails", "registration",
	 "/v1.0/reports/authenticationMethods/userRegistrationDetails?$top=999",
	 "AuditLog.Read.All", HTTP_PAGING_ODATA, 0, ENDPOINTS_GRAPH, NULL, NULL, NULL, NULL, NULL},
	{"graph.riskyUsers", "riskyUser", "/v1.0/identityProtection/riskyUsers?$top=500",
	 "IdentityRiskyUser.Read.All", HTTP_PAGING_ODATA, 0, ENDPOINTS_GRAPH, NULL, NULL, NULL, NULL, NULL},
	{"graph.directoryRoles", "directoryRole", "/v1.0/directoryRoles",
	 "RoleManagement.Read.Directory", HTTP_PAGING_ODATA, 1, ENDPOINTS_GRAPH, NULL, NULL, NULL, NULL, NULL},
	{"graph.roleAssignments", "roleAssignment",
	 "/v1.0/roleManagement/directory/roleAssignments?$expand=principal",
	 "RoleManagement.Read.Directory", HTTP_PAGING_ODATA, 0, ENDPOINTS_GRAPH, NULL, NULL, NULL, NULL, NULL},
	{"graph.conditionalAccessPolicies", "caPolicy", "/v1.0/identity/conditionalAccess/policies",
	 "Policy.Read.All", HTTP_PAGING_ODATA, 0, ENDPOINTS_GRAPH, NULL, NULL, NULL, NULL, NULL},
	{"graph.authorizationPolicy", "authorizationPolicy", "/v1.0/policies/authorizationPolicy",
	 "Policy.Read.All", HTTP_PAGING_NONE, 0, ENDPOINTS_GRAPH, NULL, NULL, NULL, NULL, NULL},
	{"graph.authenticationMethodsPolicy", "authenticationMethodsPolicy",
	 "/v1.0/policies/authenticationMethodsPolicy", "Policy.Read.All", HTTP_PAGING_NONE, 0, ENDPOINTS_GRAPH, NULL, NULL, NULL, NULL, NULL},
	{"graph.adminConsentRequestPolicy", "adminConsentRequestPolicy",
	 "/v1.0/policies/adminConsentRequestPolicy", "Policy.Read.All", HTTP_PAGING_NONE, 0, ENDPOINTS_GRAPH, NULL, NULL, NULL, NULL, NULL},
	{"graph.activityBasedTimeoutPolicies", "activityBasedTimeoutPolicy",
	 "/v1.0/policies/activityBasedTimeoutPolicies", "Policy.Read.All", HTTP_PAGING_ODATA, 0, ENDPOINTS_GRAPH, NULL, NULL, NULL, NULL, NULL},
	{"graph.domains", "domain", "/v1.0/domains", "Domain.Read.All", HTTP_PAGING_ODATA, 0, ENDPOINTS_GRAPH, NULL, NULL, NULL, NULL, NULL},
	{"graph.sharepointSettings", "sharepointSettings", "/v1.0/admin/sharepoint/settings",
	 "SharePointTenantSettings.Read.All", HTTP_PAGING_NONE, 0, ENDPOINTS_GRAPH, NULL, NULL, NULL, NULL, NULL},
};
#define N_SOURCES (sizeof(m365_sources) / sizeof(m365_sources[0]))
#define MEMBERS_SOURCE "graph.directoryRoleMembers"
#define MEMBERS_INDEX N_SOURCES

/* One paged collection's context: which source, and for members, which role. */
struct page_ctx {
	struct scan_ctx *sc;
	struct source_state *ss;
	json_t *role;	 /* {"id","roleTemplateId","displayName"} for members; else NULL */
	char *role_text; /* the same as JSON text */
	struct tater_err err; /* why stage_item stopped a page */
};

static void progress(struct scan_ctx *sc, const char *phase)
{
	if (sc->o && sc->o->progress.fn)
		sc->o->progress.fn(sc->o->progress.ctx, sc->sources_done, (int64_t)sc->nst, phase);
}

static const char *short_name(const char *source)
{
	const char *dot = strchr(source, '.');

	return dot ? dot + 1 : source;
}

/* Staging: each item as its bytes, under the key objects keeps it by (its "id", else its
 * "Identity" (Exchange), else its "settingName" (Fabric), else the kind), read by the
 * scanner as the page is checked: no tree, no re-serialising, and the swap only copies.  A
 * role member's key is "<role id>/<member id>" and its JSON gets the role as "@role"; those
 * pages are few and small, and SQLite does them, as it does an item whose key is not a
 * string. */
static int stage_run(struct scan_ctx *sc, sqlite3_stmt *st, struct tater_err *err)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_sqlerr(sc->s, "staging collected objects", err);
	return 0;
}

/* A singleton (the page is the object) or an object a collector built. */
static int stage_whole(struct scan_ctx *sc, struct source_state *ss, const char *body, size_t len,
		       struct tater_err *err)
{
	sqlite3_bind_text(sc->stage_whole, 1, ss->source, -1, SQLITE_STATIC);
	sqlite3_bind_text(sc->stage_whole, 2, ss->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(sc->stage_whole, 3, body, (int)len, SQLITE_STATIC);
	return stage_run(sc, sc->stage_whole, err);
}

static const char *const item_fields[] = {"id", "Identity", "settingName", "@role"};

static int stage_item(void *ctx, const char *item, size_t len, const char *const *vals)
{
	struct page_ctx *pc = ctx;
	struct scan_ctx *sc = pc->sc;
	const char *key = vals[0] ? vals[0] : vals[1] ? vals[1] : vals[2];
	sqlite3_stmt *st;

	if (pc->role_text || !key || vals[3]) {
		st = sc->stage_sql;
		if (pc->role_text)
			sqlite3_bind_text(st, 4, pc->role_text, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 4);
	} else {
		st = sc->stage;
		sqlite3_bind_text(st, 4, key, -1, SQLITE_TRANSIENT);
	}
	sqlite3_bind_text(st, 1, pc->ss->source, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, pc->ss->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, item, (int)len, SQLITE_STATIC);
	return stage_run(sc, st, &pc->err) < 0 ? -1 : 0;
}

/* One page's items into the staging table. */
static int stage_items(struct page_ctx *pc, const struct http_raw_page *pg, struct tater_err *err)
{
	struct json_item_opts io = {item_fields, 4, stage_item, pc};
	struct json_page_scan scan;
	int rc;

	memset(&pc->err, 0, sizeof(pc->err));
	rc = json_scan_items(pg->body, pg->len,
			     pc->ss->def && pc->ss->def->items_key ? pc->ss->def->items_key : NULL,
			     &io, &scan);
	free(scan.next);
	if (rc == -2) {
		*err = pc->err;
		return err->code;
	}
	if (rc < 0) /* the client checked this very page: only memory can fail */
		return tater_errf(err, TATER_ENOMEM, "%s: %s", pc->ss->source, scan.error);
	return 0;
}

static void done_fn(void *ctx, int rc, const struct tater_err *e, const struct http_job_info *info);

static int add_members(struct scan_ctx *sc, const json_t *role, struct tater_err *err);

/* The items of a page whose items this scan reads itself (role fan-out, domains): the
 * few small pages that need a tree.  NULL with err set when it cannot be had. */
static json_t *page_items(struct page_ctx *pc, const struct http_raw_page *pg, json_t **doc,
			  struct tater_err *err)
{
	const char *key = pc->ss->def && pc->ss->def->items_key ? pc->ss->def->items_key : "value";
	json_error_t jerr;

	/* The scanner has already checked this page: only memory can fail here. */
	if (!(*doc = json_loadb(pg->body, pg->len, 0, &jerr))) {
		tater_errf(err, TATER_ENOMEM, "%s: cannot read a page: %s", pc->ss->source,
			   jerr.text);
		return NULL;
	}
	return json_object_get(*doc, key);
}

static int page_fn(void *ctx, const struct http_raw_page *pg, struct tater_err *err)
{
	struct page_ctx *pc = ctx;
	struct scan_ctx *sc = pc->sc;
	int fanout = pc->ss->def && pc->ss->def->role_fanout;
	int domains = !strcmp(pc->ss->source, "graph.domains");
	char phase[96];
	int ret;

	if (sc->o && sc->o->cancel && atomic_load(sc->o->cancel))
		return tater_errf(err, TATER_ECANCELED, "scan canceled");
	if (!pg->singleton && !pg->items_all_objects)
		return tater_errf(err, TATER_EFORMAT, "%s: an item is not a JSON object",
				  pc->ss->source);
	if (pg->singleton) {
		if ((ret = stage_whole(sc, pc->ss, pg->body, pg->len, err)) < 0)
			return ret;
		pc->ss->items++;
		return 0;
	}
	if ((ret = stage_items(pc, pg, err)) < 0)
		return ret;
	if ((fanout || domains) && pg->nitems) {
		json_t *doc = NULL, *items = page_items(pc, pg, &doc, err);
		size_t i;
		json_t *item;

		if (!items)
			return err->code;
		if (fanout)
			json_array_foreach(items, i, item)
				if ((ret = add_members(sc, item, err)) < 0)
					break;
		if (ret == 0 && domains)
			ret = dns_on_domains(sc, items, err);
		json_decref(doc);
		if (ret < 0)
			return ret;
	}
	pc->ss->items += (long)pg->nitems;
	snprintf(phase, sizeof(phase), "%s %ld", short_name(pc->ss->source), pc->ss->items);
	progress(sc, phase);
	return 0;
}

static int add_collection(struct scan_ctx *sc, struct source_state *ss, const char *path,
			  enum http_paging paging, json_t *role, struct tater_err *err)
{
	struct page_ctx *pc = calloc(1, sizeof(*pc));
	struct http_paged p = {0};
	enum endpoints_api api = ss->def && ss->def->api ? ss->def->api : ENDPOINTS_GRAPH;
	char *url = endpoints_url(&sc->ep, api, path);
	int ret;

	if (!pc || !url) {
		free(pc);
		free(url);
		return tater_errf(err, TATER_ENOMEM, "out of memory");
	}
	pc->sc = sc;
	pc->ss = ss;
	pc->role = role ? json_incref(role) : NULL;
	if (role && !(pc->role_text = json_dumps(role, JSON_COMPACT))) {
		json_decref(pc->role);
		free(pc);
		free(url);
		return tater_errf(err, TATER_ENOMEM, "out of memory");
	}
	p.req.url = url;
	p.req.auth = auth_entra_source(sc->auth, api);
	p.req.tenant = sc->t->tenant_id;
	if (ss->def) {
		p.req.method = ss->def->method;
		p.req.body = ss->def->body;
		p.req.headers = ss->def->headers;
		p.items_key = ss->def->items_key;
	}
	p.paging = paging;
	p.on_page_raw = page_fn;
	p.on_done = done_fn;
	p.ctx = pc;
	ss->pending++;
	ret = http_multi_add_paged(sc->hc, &p, err);
	free(url);
	if (ret < 0) {
		ss->pending--;
		json_decref(pc->role);
		free(pc->role_text);
		free(pc);
	}
	return ret;
}

static int add_members(struct scan_ctx *sc, const json_t *role, struct tater_err *err)
{
	const char *id = json_string_value(json_object_get(role, "id"));
	json_t *info;
	char path[200];
	int ret;

	if (!id)
		return 0;
	/* No $select: members are directoryObjects (users, groups, service principals),
	 * and the properties differ by type. */
	snprintf(path, sizeof(path), "/v1.0/directoryRoles/%s/members", id);
	info = json_pack("{s:s, s:O?, s:O?}", "id", id, "roleTemplateId",
			 json_object_get(role, "roleTemplateId"), "displayName",
			 json_object_get(role, "displayName"));
	ret = add_collection(sc, &sc->st[MEMBERS_INDEX], path, HTTP_PAGING_ODATA, info, err);
	json_decref(info);
	return ret;
}

static int is_unlicensed(const char *msg)
{
	return strstr(msg, "NonPremium") || strstr(msg, "RequestFromNonPremiumTenant") ||
	       strstr(msg, "license") || strstr(msg, "licence") || strstr(msg, "Licens") ||
	       strstr(msg, "not recognized as") || strstr(msg, "not available for");
}

void m365_source_release(struct scan_ctx *sc, struct source_state *ss, int rc,
			 const struct tater_err *e)
{
	if (rc < 0 && ss->rc == 0) {
		ss->rc = rc;
		snprintf(ss->detail, sizeof(ss->detail), "%s", e ? e->msg : tater_errname(rc));
		/* A failed sign-in fails every source alike: say it once, as the scan's error.
		 * So does a login service that cannot be reached (auth.c remembers it, so the
		 * other sources fail at once instead of each retrying). */
		if (e && !sc->fatal &&
		    ((rc == TATER_EAUTH && strstr(e->msg, "AADSTS")) ||
		     ((rc == TATER_ENET || rc == TATER_ETIMEOUT || rc == TATER_EHTTP) &&
		      strstr(e->msg, "Entra ID sign-in")))) {
			sc->fatal = 1;
			sc->fatal_err = *e;
		}
	}
	if (--ss->pending == 0) {
		ss->done = 1;
		sc->sources_done++;
		progress(sc, short_name(ss->source));
	}
}

static void done_fn(void *ctx, int rc, const struct tater_err *e, const struct http_job_info *info)
{
	struct page_ctx *pc = ctx;

	(void)info;
	m365_source_release(pc->sc, pc->ss, rc, e);
	json_decref(pc->role);
	free(pc->role_text);
	free(pc);
}

struct source_state *m365_source_open(struct scan_ctx *sc, const struct m365_source *def)
{
	struct source_state *ss;

	for (size_t i = 0; i < sc->nst; i++)
		if (!strcmp(sc->st[i].source, def->source))
			return &sc->st[i];
	if (sc->nst >= COLLECT_MAX_SOURCES)
		return NULL;
	ss = &sc->st[sc->nst++];
	ss->def = def;
	ss->source = def->source;
	ss->kind = def->kind;
	return ss;
}

int m365_source_fetch(struct scan_ctx *sc, struct source_state *ss, const char *path,
		      struct tater_err *err)
{
	return add_collection(sc, ss, path, ss->def->paging, NULL, err);
}

int m365_source_stage(struct scan_ctx *sc, struct source_state *ss, const json_t *obj,
		      struct tater_err *err)
{
	char *text = json_dumps(obj, JSON_COMPACT);
	int ret;

	if (!text)
		return tater_errf(err, TATER_ENOMEM, "out of memory");
	ret = stage_whole(sc, ss, text, strlen(text), err);
	free(text);
	if (ret == 0)
		ss->items++;
	return ret;
}

/* Load the tenant's credential from the vault and make the Entra ID client. */
int collect_tenant_auth(struct vault *v, const struct tenant *t, const struct endpoints *ep,
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
		return tater_errf(err, TATER_EAUTH,
				  "tenant '%s' has no %s stored (Settings > Tenants, or tater tenant "
				  "add)",
				  t->name, is_cert ? "certificate" : "client secret");
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

int collect_tenant_endpoints(const struct tenant *t, struct endpoints *ep, struct tater_err *err)
{
	return endpoints_for_cloud(t->cloud, t->base_url, ep, err);
}

int collect_client(const struct scan_opts *o, struct http_client **out, struct tater_err *err)
{
	struct http_config cfg;
	struct rate_config unpaced;

	http_config_defaults(&cfg);
	if (o) {
		cfg.cancel = o->cancel;
		cfg.rates = o->rates;
		cfg.ca_file = o->ca_file;
		if (o->no_pacing) {
			rate_config_defaults(&unpaced);
			for (int i = 0; i < RATE_NCLASSES; i++)
				unpaced.spec[i].kind = RATE_NONE;
			cfg.rates = NULL;
			cfg.rate_cfg = &unpaced;
		}
	}
	return http_client_new(&cfg, out, err);
}

/* Swap the staged snapshot of every source into objects and record how it went. */
static int swap_in(struct scan_ctx *sc, const char *scope, int64_t scan_id,
		   struct scan_summary *sum, struct tater_err *err)
{
	sqlite3 *db = store_db(sc->s);
	sqlite3_stmt *copy = NULL;
	int ret = 0;

	/* The sources read whole are copied at the end, in one pass over the staged items (a
	 * pass per source would read them all each time). */
	if ((ret = store_exec(sc->s,
			      "CREATE TEMP TABLE IF NOT EXISTS tater_ok (source TEXT PRIMARY KEY);"
			      " DELETE FROM temp.tater_ok",
			      err)) < 0)
		return ret;
	if (sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO temp.tater_ok (source) VALUES (?)", -1,
			       &copy, NULL) != SQLITE_OK)
		return store_sqlerr(sc->s, "storing the scan", err);
	for (size_t i = 0; i < sc->nst; i++) {
		struct source_state *ss = &sc->st[i];
		const char *status = "ok";
		char detail[512];
		int http = 0;

		if (i > MEMBERS_INDEX && ss->def && ss->def->parent && ss->pending == 0 &&
		    !ss->done && ss->rc == 0) {
			/* Fanned out from another source that never delivered (denied, failed):
			 * that source's failure is this one's. */
			for (size_t r = 0; r < sc->nst; r++)
				if (!strcmp(sc->st[r].source, ss->def->parent) && sc->st[r].rc) {
					ss->rc = sc->st[r].rc;
					snprintf(ss->detail, sizeof(ss->detail), "%s: %s",
						 sc->st[r].source, sc->st[r].detail);
				}
		}
		if (i == MEMBERS_INDEX && sc->st[i].pending == 0 && !sc->st[i].done) {
			/* No roles, so no member lists to read: an empty, complete source,
			 * unless the roles themselves could not be read. */
			for (size_t r = 0; r < N_SOURCES; r++)
				if (m365_sources[r].role_fanout) {
					ss->rc = sc->st[r].rc;
					snprintf(ss->detail, sizeof(ss->detail), "%s",
						 sc->st[r].detail);
				}
		}
		detail[0] = '\0';
		if (ss->rc == TATER_EPERM) {
			status = is_unlicensed(ss->detail) ? "unlicensed" : "denied";
			http = 403;
			snprintf(detail, sizeof(detail), "%s (needs %s)", ss->detail,
				 ss->def && ss->def->perm ? ss->def->perm
							  : "RoleManagement.Read.Directory");
			sum->sources_denied++;
		} else if (ss->rc < 0) {
			status = "error";
			snprintf(detail, sizeof(detail), "%s", ss->detail);
			sum->sources_failed++;
			if (!sum->detail[0])
				snprintf(sum->detail, sizeof(sum->detail), "%s", ss->detail);
		} else {
			sum->sources_ok++;
		}
		if ((ret = store_objects_clear(sc->s, scope, ss->source, err)) < 0)
			break;
		if (!strcmp(status, "ok")) {
			sqlite3_bind_text(copy, 1, ss->source, -1, SQLITE_STATIC);
			if (sqlite3_step(copy) != SQLITE_DONE) {
				ret = store_sqlerr(sc->s, "storing the scan", err);
				break;
			}
			sqlite3_reset(copy);
			sum->objects += ss->items;
		}
		if ((ret = store_source_status(sc->s, scan_id, scope, ss->source, status, http,
					       ss->items, detail[0] ? detail : NULL, err)) < 0)
			break;
	}
	sqlite3_finalize(copy);
	copy = NULL;
	/* The staged items, already keyed, in key order: the index grows at its end instead
	 * of at random places, which keeps a 100,000-user swap out of the disk. */
	if (ret == 0 &&
	    sqlite3_prepare_v2(db,
			       "INSERT OR REPLACE INTO main.objects (scope, source, key, kind, scan_id,"
			       " json) SELECT ?1, source, key, kind, ?2, json FROM temp.tater_stage"
			       " WHERE source IN (SELECT source FROM temp.tater_ok)"
			       " ORDER BY source, key",
			       -1, &copy, NULL) != SQLITE_OK)
		ret = store_sqlerr(sc->s, "storing the scan", err);
	if (ret == 0) {
		sqlite3_bind_text(copy, 1, scope, -1, SQLITE_STATIC);
		sqlite3_bind_int64(copy, 2, scan_id);
		if (sqlite3_step(copy) != SQLITE_DONE)
			ret = store_sqlerr(sc->s, "storing the scan", err);
	}
	sqlite3_finalize(copy);
	return ret;
}

int m365_collect(struct store *s, struct http_client *hc, struct auth_entra *auth,
		 const struct endpoints *ep, const struct tenant *t, const struct scan_opts *o,
		 struct m365_collection **out, struct tater_err *err)
{
	struct scan_ctx *sc = calloc(1, sizeof(*sc));
	sqlite3 *db = store_db(s);
	int ret;

	*out = NULL;
	if (!sc)
		return tater_errf(err, TATER_ENOMEM, "out of memory");
	sc->s = s;
	sc->hc = hc;
	sc->auth = auth;
	sc->ep = *ep;
	sc->o = o;
	sc->t = t;
	for (size_t i = 0; i < N_SOURCES; i++) {
		sc->st[i].def = &m365_sources[i];
		sc->st[i].source = m365_sources[i].source;
		sc->st[i].kind = m365_sources[i].kind;
	}
	sc->st[MEMBERS_INDEX].source = MEMBERS_SOURCE;
	sc->st[MEMBERS_INDEX].kind = "directoryRoleMember";
	sc->nst = MEMBERS_INDEX + 1;

	if ((ret = store_exec(s,
			      "DROP TABLE IF EXISTS temp.tater_stage;"
			      "CREATE TEMP TABLE tater_stage (source TEXT NOT NULL, kind TEXT NOT NULL,"
			      " key TEXT NOT NULL, json TEXT NOT NULL);",
			      err)) < 0)
		goto fail;
	if (sqlite3_prepare_v2(db,
			       "INSERT INTO temp.tater_stage (source, kind, json, key)"
			       " VALUES (?1, ?2, ?3, ?4)",
			       -1, &sc->stage, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
			       "INSERT INTO temp.tater_stage (source, kind, key, json) SELECT ?1, ?2,"
			       " CASE WHEN ?4 IS NULL THEN coalesce(j ->> '$.id', j ->> '$.Identity',"
			       "  j ->> '$.settingName', ?2)"
			       "  ELSE (?4 ->> '$.id') || '/' || coalesce(j ->> '$.id', '?') END,"
			       " CASE WHEN ?4 IS NULL THEN json(j)"
			       "  ELSE json_set(j, '$.\"@role\"', json(?4)) END FROM (SELECT ?3 AS j)",
			       -1, &sc->stage_sql, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
			       "INSERT INTO temp.tater_stage (source, kind, key, json) SELECT ?1, ?2,"
			       " coalesce(j ->> '$.id', j ->> '$.Identity', ?2),"
			       " json_remove(j, '$.\"@odata.context\"') FROM (SELECT ?3 AS j)",
			       -1, &sc->stage_whole, NULL) != SQLITE_OK) {
		ret = store_sqlerr(s, "staging a scan", err);
		goto fail;
	}
	/* One transaction over the temporary table only: the store's file is not
	 * locked while the network runs. */
	if ((ret = store_exec(s, "BEGIN", err)) < 0)
		goto fail;
	for (size_t i = 0; i < N_SOURCES && ret == 0; i++)
		ret = add_collection(sc, &sc->st[i], m365_sources[i].path, m365_sources[i].paging,
				     NULL, err);
	/* Exchange, Security & Compliance, Fabric and SharePoint run beside Graph; DNS fans
	 * out from the domain pages (dns.c). */
	if (ret == 0)
		ret = exo_add(sc, err);
	if (ret == 0)
		ret = fabric_add(sc, err);
	if (ret == 0)
		ret = spo_add(sc, err);
	if (ret == 0)
		ret = dns_add(sc, err);
	if (ret == 0) {
		progress(sc, "signing in");
		ret = http_multi_run(hc, err);
	}
	sqlite3_exec(db, ret == 0 || !sc->fatal ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
	if (o && o->cancel && atomic_load(o->cancel)) {
		ret = tater_errf(err, TATER_ECANCELED, "scan canceled");
		goto fail;
	}
	if (sc->fatal) {
		*err = sc->fatal_err;
		ret = err->code < 0 ? err->code : TATER_EAUTH;
		goto fail;
	}
	/* Individual sources may have failed: that is recorded per source, not fatal. */
	*out = (struct m365_collection *)sc;
	return 0;
fail:
	m365_collection_free((struct m365_collection *)sc);
	return ret;
}

int m365_swap_in(struct m365_collection *c, const char *scope, int64_t scan_id,
		 struct scan_summary *sum, struct tater_err *err)
{
	return swap_in((struct scan_ctx *)c, scope, scan_id, sum, err);
}

long m365_user_count(struct m365_collection *c)
{
	struct scan_ctx *sc = (struct scan_ctx *)c;

	for (size_t i = 0; i < N_SOURCES; i++)
		if (!strcmp(sc->st[i].source, "graph.users"))
			return sc->st[i].items;
	return 0;
}

void m365_collection_free(struct m365_collection *c)
{
	struct scan_ctx *sc = (struct scan_ctx *)c;

	if (!sc)
		return;
	sqlite3_finalize(sc->stage);
	sqlite3_finalize(sc->stage_sql);
	sqlite3_finalize(sc->stage_whole);
	store_exec(sc->s, "DELETE FROM temp.tater_stage", NULL);
	collect_extras_free(sc);
	free(sc);
}
