/* arm.c - Azure Resource Manager handlers: lists with value + nextLink, and the
 * per-resource settings the Azure controls read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim.h"

/* ARM pages hold up to 100 items here (the services vary; clients must not care). */
static const struct sim_coll arm_coll = {"value", "arm", 0,    100,  100,	    0,
					 NULL,	  NULL,	 NULL, NULL, SIM_STYLE_ARM, 0};

int sim_arm_need_version(struct sim_req *rq, struct sim_resp *rs)
{
	const char *v = sim_req_query(rq, "api-version");

	if (v && *v)
		return 0;
	sim_arm_error(rs, 400, "MissingApiVersionParameter",
		      "The api-version query parameter (?api-version=) is required for all "
		      "requests.");
	return -1;
}

/* Estate override at this exact path: 1 if answered. */
static int arm_override(struct sim *s, struct sim_req *rq, struct sim_resp *rs)
{
	json_t *ov = sim_estate_get(s, rq->path);
	struct sim_source src = {0};

	if (!ov)
		return 0;
	if (json_is_array(ov)) {
		src.array = ov;
		sim_serve_collection(s, rq, rs, &arm_coll, &src);
	} else {
		sim_resp_json(rs, 200, json_incref(ov));
	}
	return 1;
}

/* The subscription named in params[0]: its index, or -1 with the 404 answered. */
static long need_sub(struct sim *s, struct sim_req *rq, struct sim_resp *rs)
{
	long k = sim_sub_index(s, rq->params[0]);

	if (k < 0)
		sim_arm_error(rs, 404, "SubscriptionNotFound",
			      "The subscription '%s' could not be found.", rq->params[0]);
	return k;
}

static void not_found(struct sim_resp *rs, const char *type, const char *name, const char *rg)
{
	sim_arm_error(rs, 404, "ResourceNotFound",
		      "The Resource '%s/%s' under resource group '%s' was not found. For more "
		      "details please go to https://aka.ms/ARMResourceNotFoundFix",
		      type, name, rg);
}

static long c_subs(struct sim *s, struct sim_req *rq, const void *a)
{
	(void)rq, (void)a;
	return s->cfg.subscriptions;
}

static json_t *i_subs(struct sim *s, struct sim_req *rq, const void *a, long i)
{
	(void)rq, (void)a;
	return sim_subscription(s, i);
}

void sim_h_arm_subscriptions(struct sim *s, struct sim_req *rq, struct sim_resp *rs)
{
	struct sim_source src = {c_subs, i_subs, NULL, NULL};

	if (sim_arm_need_version(rq, rs) < 0 || arm_override(s, rq, rs))
		return;
	sim_serve_collection(s, rq, rs, &arm_coll, &src);
}

struct list_arg {
	enum sim_arm_kind kind;
	long sub;
};

static long c_res(struct sim *s, struct sim_req *rq, const void *a)
{
	(void)rq, (void)a;
	return s->cfg.resources;
}

static json_t *i_res(struct sim *s, struct sim_req *rq, const void *a, long i)
{
	const struct list_arg *la = a;

	(void)rq;
	return sim_arm_resource(s, la->kind, la->sub, i);
}

void sim_h_arm_list(struct sim *s, struct sim_req *rq, struct sim_resp *rs)
{
	struct list_arg la;
	struct sim_source src = {c_res, i_res, &la, NULL};

	if (sim_arm_need_version(rq, rs) < 0 || arm_override(s, rq, rs))
		return;
	la.kind = (enum sim_arm_kind)(*(const int *)rq->route->arg);
	if ((la.sub = need_sub(s, rq, rs)) < 0)
		return;
	sim_serve_collection(s, rq, rs, &arm_coll, &src);
}

/* Resolve sub, resource group and name (params 0, 1, 2) to a resource index. */
static long need_res(struct sim *s, struct sim_req *rq, struct sim_resp *rs, enum sim_arm_kind kind,
		     const char *type, long *sub)
{
	long k;

	if ((*sub = need_sub(s, rq, rs)) < 0)
		return -1;
	k = sim_arm_name_index(s, kind, *sub, rq->params[2]);
	if (k < 0 || strcasecmp(sim_arm_rg(k), rq->params[1]) != 0) {
		not_found(rs, type, rq->params[2], rq->params[1]);
		return -1;
	}
	return k;
}

void sim_h_arm_site_config(struct sim *s, struct sim_req *rq, struct sim_resp *rs)
{
	long sub, k;

	if (sim_arm_need_version(rq, rs) < 0 || arm_override(s, rq, rs))
		return;
	if ((k = need_res(s, rq, rs, SIM_ARM_SITE, "Microsoft.Web/sites", &sub)) < 0)
		return;
	sim_resp_json(rs, 200, sim_site_config(s, sub, k));
}

struct db_arg {
	long sub, k;
};

static long c_db(struct sim *s, struct sim_req *rq, const void *a)
{
	(void)s, (void)rq, (void)a;
	return sim_sql_ndb();
}

static json_t *i_db(struct sim *s, struct sim_req *rq, const void *a, long i)
{
	const struct db_arg *d = a;

	(void)rq;
	return sim_sql_database(s, d->sub, d->k, i);
}

void sim_h_arm_sql_dbs(struct sim *s, struct sim_req *rq, struct sim_resp *rs)
{
	struct db_arg d;
	struct sim_source src = {c_db, i_db, &d, NULL};

	if (sim_arm_need_version(rq, rs) < 0 || arm_override(s, rq, rs))
		return;
	if ((d.k = need_res(s, rq, rs, SIM_ARM_SQL, "Microsoft.Sql/servers", &d.sub)) < 0)
		return;
	sim_serve_collection(s, rq, rs, &arm_coll, &src);
}

void sim_h_arm_sql_tde(struct sim *s, struct sim_req *rq, struct sim_resp *rs)
{
	long sub, k, d;

	if (sim_arm_need_version(rq, rs) < 0 || arm_override(s, rq, rs))
		return;
	if ((k = need_res(s, rq, rs, SIM_ARM_SQL, "Microsoft.Sql/servers", &sub)) < 0)
		return;
	d = sim_sql_db_index(s, sub, k, rq->params[3]);
	if (d < 0) {
		char full[256];

		snprintf(full, sizeof(full), "%s/%s", rq->params[2], rq->params[3]);
		not_found(rs, "Microsoft.Sql/servers/databases", full, rq->params[1]);
		return;
	}
	sim_resp_json(rs, 200, sim_sql_tde(s, sub, k, d));
}

void sim_h_arm_sql_auditing(struct sim *s, struct sim_req *rq, struct sim_resp *rs)
{
	long sub, k;

	if (sim_arm_need_version(rq, rs) < 0 || arm_override(s, rq, rs))
		return;
	if ((k = need_res(s, rq, rs, SIM_ARM_SQL, "Microsoft.Sql/servers", &sub)) < 0)
		return;
	sim_resp_json(rs, 200, sim_sql_auditing(s, sub, k));
}
