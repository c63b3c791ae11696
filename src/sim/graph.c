/* graph.c - Microsoft Graph collections and singletons.
 *
 * Each collection is a row: what the real service accepts there (page sizes,
 * $filter properties, sort order) and where its items come from.  --estate
 * replaces the items of any row with an array, or a singleton with an object. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim.h"

static long c_users(struct sim *s, struct sim_req *rq, const void *a)
{
	(void)rq, (void)a;
	return sim_n_users(s);
}
static json_t *i_users(struct sim *s, struct sim_req *rq, const void *a, long i)
{
	(void)rq, (void)a;
	return sim_user(s, i);
}
static long c_risky(struct sim *s, struct sim_req *rq, const void *a)
{
	(void)rq, (void)a;
	return sim_n_risky(s);
}
static json_t *i_risky(struct sim *s, struct sim_req *rq, const void *a, long i)
{
	(void)rq, (void)a;
	return sim_risky_user(s, i);
}
static long c_det(struct sim *s, struct sim_req *rq, const void *a)
{
	(void)rq, (void)a;
	return sim_n_detections(s);
}
static json_t *i_det(struct sim *s, struct sim_req *rq, const void *a, long i)
{
	(void)rq, (void)a;
	return sim_risk_detection(s, i);
}
static long c_signins(struct sim *s, struct sim_req *rq, const void *a)
{
	(void)rq, (void)a;
	return sim_n_signins(s);
}
static json_t *i_signins(struct sim *s, struct sim_req *rq, const void *a, long i)
{
	(void)rq, (void)a;
	return sim_signin(s, i);
}
static json_t *i_reg(struct sim *s, struct sim_req *rq, const void *a, long i)
{
	(void)rq, (void)a;
	return sim_registration(s, i);
}
static long c_roles(struct sim *s, struct sim_req *rq, const void *a)
{
	(void)s, (void)rq, (void)a;
	return sim_n_roles();
}
static json_t *i_roles(struct sim *s, struct sim_req *rq, const void *a, long i)
{
	(void)rq, (void)a;
	return sim_directory_role(s, i);
}
static long c_ra(struct sim *s, struct sim_req *rq, const void *a)
{
	(void)rq, (void)a;
	return sim_n_role_assignments(s);
}
static json_t *i_ra(struct sim *s, struct sim_req *rq, const void *a, long i)
{
	const char *e = sim_req_query(rq, "$expand");

	(void)a;
	return sim_role_assignment(s, i, e != NULL);
}

static const char *const f_users[] = {"id",
				      "userType",
				      "accountEnabled",
				      "userPrincipalName",
				      "displayName",
				      "mail",
				      "createdDateTime",
				      "onPremisesSyncEnabled",
				      "signInActivity/lastSignInDateTime",
				      "signInActivity/lastNonInteractiveSignInDateTime",
				      NULL};
static const char *const f_risky[] = {
    "id",	 "riskLevel", "riskState", "riskLastUpdatedDateTime", "userPrincipalName",
    "isDeleted", NULL};
static const char *const f_det[] = {"detectedDateTime", "lastUpdatedDateTime", "activityDateTime",
				    "riskEventType",	"riskLevel",	       "riskState",
				    "userId",		"userPrincipalName",   NULL};
static const char *const f_signins[] = {"createdDateTime",
					"userId",
					"userPrincipalName",
					"appId",
					"appDisplayName",
					"status/errorCode",
					"clientAppUsed",
					"conditionalAccessStatus",
					"isInteractive",
					"riskLevelDuringSignIn",
					"riskLevelAggregated",
					"ipAddress",
					NULL};
static const char *const f_reg[] = {
    "isAdmin",		 "isMfaRegistered",  "isMfaCapable",	      "userType",
    "userPrincipalName", "isSsprRegistered", "isPasswordlessCapable", NULL};
static const char *const f_roles[] = {"roleTemplateId", "displayName", NULL};
static const char *const f_ra[] = {"principalId", "roleDefinitionId", "directoryScopeId", NULL};
static const char *const f_ca[] = {"state", "displayName", "id", NULL};

struct gentry {
	const char *name;
	struct sim_coll coll;
	long (*count)(struct sim *, struct sim_req *, const void *);
	json_t *(*item)(struct sim *, struct sim_req *, const void *, long);
	json_t *(*all)(struct sim *); /* small collections built whole */
};

static const struct gentry entries[] = {
    {"users",
     {"users", "microsoft.graph.user", 1, 100, 999, 120, f_users, NULL, sim_user_default_select,
      NULL, SIM_STYLE_GRAPH, 0},
     c_users,
     i_users,
     NULL},
    {"riskyUsers",
     {"identityProtection/riskyUsers", "microsoft.graph.riskyUser", 0, 100, 500, 0, f_risky, NULL,
      NULL, NULL, SIM_STYLE_GRAPH, 0},
     c_risky,
     i_risky,
     NULL},
    {"riskDetections",
     {"identityProtection/riskDetections", "microsoft.graph.riskDetection", 0, 100, 500, 0, f_det,
      "detectedDateTime", NULL, NULL, SIM_STYLE_GRAPH, 0},
     c_det,
     i_det,
     NULL},
    {"signIns",
     {"auditLogs/signIns", "microsoft.graph.signIn", 0, 1000, 1000, 0, f_signins, "createdDateTime",
      NULL, NULL, SIM_STYLE_GRAPH, 0},
     c_signins,
     i_signins,
     NULL},
    {"userRegistrationDetails",
     {"reports/authenticationMethods/userRegistrationDetails",
      "microsoft.graph.userRegistrationDetails", 0, 100, 999, 0, f_reg, NULL, NULL, NULL,
      SIM_STYLE_GRAPH, 0},
     c_users,
     i_reg,
     NULL},
    {"directoryRoles",
     {"directoryRoles", "microsoft.graph.directoryRole", 1, 100, 999, 0, f_roles, NULL, NULL, NULL,
      SIM_STYLE_GRAPH, 1},
     c_roles,
     i_roles,
     NULL},
    {"roleAssignments",
     {"roleManagement/directory/roleAssignments", "microsoft.graph.unifiedRoleAssignment", 0, 100,
      999, 0, f_ra, NULL, NULL, "principal", SIM_STYLE_GRAPH, 0},
     c_ra,
     i_ra,
     NULL},
    {"caPolicies",
     {"identity/conditionalAccess/policies", "microsoft.graph.conditionalAccessPolicy", 0, 100, 999,
      0, f_ca, NULL, NULL, NULL, SIM_STYLE_GRAPH, 0},
     NULL,
     NULL,
     sim_ca_policies},
    {"domains",
     {"domains", "microsoft.graph.domain", 1, 100, 999, 0, NULL, NULL, NULL, NULL, SIM_STYLE_GRAPH,
      1},
     NULL,
     NULL,
     sim_domains},
    {"subscribedSkus",
     {"subscribedSkus", "microsoft.graph.subscribedSku", 1, 100, 999, 0, NULL, NULL, NULL, NULL,
      SIM_STYLE_GRAPH, 1},
     NULL,
     NULL,
     sim_subscribed_skus},
    {"organization",
     {"organization", "microsoft.graph.organization", 1, 100, 999, 0, NULL, NULL, NULL, NULL,
      SIM_STYLE_GRAPH, 1},
     NULL,
     NULL,
     sim_organization},
};

static const struct gentry *find_entry(const char *name)
{
	for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); i++)
		if (strcmp(entries[i].name, name) == 0)
			return &entries[i];
	return NULL;
}

/* Serve an estate override: an array is a collection like any other; an object at a
 * collection path is the whole body, verbatim (tests craft odd pages that way). */
static int serve_override(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
			  const struct sim_coll *c)
{
	json_t *ov = sim_estate_get(s, rq->path);
	struct sim_source src = {0};

	if (!ov)
		return 0;
	if (json_is_array(ov)) {
		src.array = ov;
		sim_serve_collection(s, rq, rs, c, &src);
	} else {
		sim_resp_json(rs, 200, json_incref(ov));
	}
	return 1;
}

void sim_h_graph_coll(struct sim *s, struct sim_req *rq, struct sim_resp *rs)
{
	const struct gentry *e = find_entry(rq->route->arg);
	struct sim_source src = {0};
	json_t *all = NULL;

	if (serve_override(s, rq, rs, &e->coll))
		return;
	if (e->all) {
		all = e->all(s);
		src.array = all;
	} else {
		src.count = e->count;
		src.item = e->item;
	}
	sim_serve_collection(s, rq, rs, &e->coll, &src);
	json_decref(all);
}

void sim_h_graph_single(struct sim *s, struct sim_req *rq, struct sim_resp *rs)
{
	const char *name = rq->route->arg, *ctx;
	json_t *ov = sim_estate_get(s, rq->path), *obj;

	if (strcmp(name, "authorizationPolicy") == 0) {
		ctx = "policies/authorizationPolicy";
		obj = sim_authorization_policy(s);
	} else if (strcmp(name, "authenticationMethodsPolicy") == 0) {
		ctx = "policies/authenticationMethodsPolicy";
		obj = sim_auth_methods_policy(s);
	} else if (strcmp(name, "adminConsentRequestPolicy") == 0) {
		ctx = "policies/adminConsentRequestPolicy";
		obj = sim_admin_consent_policy(s);
	} else {
		ctx = "admin/sharepoint/settings";
		obj = sim_sharepoint_settings(s);
	}
	if (ov) {
		json_decref(obj);
		obj = json_incref(ov);
	}
	sim_serve_singleton(s, rq, rs, ctx, obj);
}

static json_t *member_item(struct sim *s, struct sim_req *rq, const void *a, long j)
{
	int r = *(const int *)a;
	json_t *u = sim_user(s, sim_role_member_user(s, r, j)), *m = json_object();

	(void)rq;
	json_object_set_new(m, "@odata.type", json_string("#microsoft.graph.user"));
	for (size_t k = 0; sim_user_default_select[k]; k++)
		json_object_set(m, sim_user_default_select[k],
				json_object_get(u, sim_user_default_select[k]));
	json_decref(u);
	return m;
}

static long member_count(struct sim *s, struct sim_req *rq, const void *a)
{
	(void)rq;
	return sim_role_nmembers(s, *(const int *)a);
}

void sim_h_graph_role_members(struct sim *s, struct sim_req *rq, struct sim_resp *rs)
{
	static const struct sim_coll c = {"directoryObjects",
					  "microsoft.graph.directoryObject",
					  1,
					  100,
					  999,
					  0,
					  NULL,
					  NULL,
					  NULL,
					  NULL,
					  SIM_STYLE_GRAPH,
					  0};
	int r = sim_role_by_id(s, rq->params[1]);
	struct sim_source src = {member_count, member_item, &r, NULL};

	if (serve_override(s, rq, rs, &c))
		return;
	if (r < 0) {
		sim_graph_error(
		    rs, 404, "Request_ResourceNotFound",
		    "Resource '%s' does not exist or one of its queried reference-property "
		    "objects are not present.",
		    rq->params[1]);
		return;
	}
	sim_serve_collection(s, rq, rs, &c, &src);
}

void sim_h_graph_user_get(struct sim *s, struct sim_req *rq, struct sim_resp *rs)
{
	const char *key = rq->params[1];
	long n = sim_n_users(s);

	/* Users are not indexed by id; a linear walk is fine for a simulator. */
	for (long i = 0; i < n && i < 200000; i++) {
		json_t *u = sim_user(s, i);

		if (strcasecmp(json_string_value(json_object_get(u, "id")), key) == 0 ||
		    strcasecmp(json_string_value(json_object_get(u, "userPrincipalName")), key) ==
			0) {
			if (!sim_req_query(rq, "$select")) {
				json_t *p = json_object();

				for (size_t k = 0; sim_user_default_select[k]; k++)
					json_object_set(
					    p, sim_user_default_select[k],
					    json_object_get(u, sim_user_default_select[k]));
				json_decref(u);
				u = p;
			}
			sim_serve_singleton(s, rq, rs, "users", u);
			return;
		}
		json_decref(u);
	}
	sim_graph_error(rs, 404, "Request_ResourceNotFound",
			"Resource '%s' does not exist or one of its queried reference-property "
			"objects are not present.",
			key);
}

void sim_h_estate_only(struct sim *s, struct sim_req *rq, struct sim_resp *rs)
{
	int graph = sim_is_graph_path(rq->path);
	struct sim_coll c = {strrchr(rq->path, '/') + 1,
			     "microsoft.graph.entity",
			     0,
			     100,
			     999,
			     0,
			     NULL,
			     NULL,
			     NULL,
			     NULL,
			     graph ? SIM_STYLE_GRAPH : SIM_STYLE_ARM,
			     0};
	json_t *ov = sim_estate_get(s, rq->path);
	struct sim_source src = {0};
	json_t *empty = NULL;

	if (!graph && sim_arm_need_version(rq, rs) < 0)
		return;
	if (ov && json_is_object(ov)) {
		if (graph)
			sim_serve_singleton(s, rq, rs, c.entity, json_incref(ov));
		else
			sim_resp_json(rs, 200, json_incref(ov));
		return;
	}
	src.array = ov ? ov : (empty = json_array());
	sim_serve_collection(s, rq, rs, &c, &src);
	json_decref(empty);
}
