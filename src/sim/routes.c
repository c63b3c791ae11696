/* routes.c - every endpoint tater-sim serves, in one table.
 *
 * A pattern is a path whose segments are literals (matched case-insensitively, as
 * the real services do), "{}" (any one segment, captured) or "a|b" (one of a list,
 * captured).  Captured segments land in rq->params in order.  To add a service,
 * write its handlers in a new file and add its lines here with the throttle class
 * the real service applies. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim.h"

#define G "/v1.0|beta"
#define SUB "/subscriptions/{}"
#define RG SUB "/resourceGroups/{}"
#define AA RG "/providers/Microsoft.Automation/automationAccounts/{}"

static const int k_storage = SIM_ARM_STORAGE, k_vault = SIM_ARM_VAULT, k_vm = SIM_ARM_VM,
		 k_site = SIM_ARM_SITE, k_sql = SIM_ARM_SQL, k_nsg = SIM_ARM_NSG;

const struct sim_route sim_routes[] = {
    /* Microsoft identity platform */
    {"POST", "/{}/oauth2/v2.0/token", SIM_AUTH_NONE, SIM_T_NONE, 0, sim_h_token, NULL},

    /* Microsoft Graph */
    {"GET", G "/users", SIM_AUTH_GRAPH, SIM_T_IDENTITY, 2, sim_h_graph_coll, "users"},
    {"GET", G "/users/{}", SIM_AUTH_GRAPH, SIM_T_IDENTITY, 2, sim_h_graph_user_get, NULL},
    {"GET", G "/identityProtection/riskyUsers", SIM_AUTH_GRAPH, SIM_T_CA_IP, 0, sim_h_graph_coll,
     "riskyUsers"},
    {"GET", G "/identityProtection/riskDetections", SIM_AUTH_GRAPH, SIM_T_CA_IP, 0,
     sim_h_graph_coll, "riskDetections"},
    {"GET", G "/auditLogs/signIns", SIM_AUTH_GRAPH, SIM_T_REPORTS, 0, sim_h_graph_coll, "signIns"},
    {"GET", G "/auditLogs/directoryAudits", SIM_AUTH_GRAPH, SIM_T_REPORTS, 0, sim_h_estate_only,
     NULL},
    {"GET", G "/reports/authenticationMethods/userRegistrationDetails", SIM_AUTH_GRAPH,
     SIM_T_REPORTS, 0, sim_h_graph_coll, "userRegistrationDetails"},
    {"GET", G "/directoryRoles", SIM_AUTH_GRAPH, SIM_T_IDENTITY, 1, sim_h_graph_coll,
     "directoryRoles"},
    {"GET", G "/directoryRoles/{}/members", SIM_AUTH_GRAPH, SIM_T_IDENTITY, 1,
     sim_h_graph_role_members, NULL},
    {"GET", G "/roleManagement/directory/roleAssignments", SIM_AUTH_GRAPH, SIM_T_IDENTITY, 1,
     sim_h_graph_coll, "roleAssignments"},
    {"GET", G "/identity/conditionalAccess/policies", SIM_AUTH_GRAPH, SIM_T_CA_IP, 0,
     sim_h_graph_coll, "caPolicies"},
    {"GET", G "/identity/conditionalAccess/namedLocations", SIM_AUTH_GRAPH, SIM_T_CA_IP, 0,
     sim_h_estate_only, NULL},
    {"GET", G "/policies/authorizationPolicy", SIM_AUTH_GRAPH, SIM_T_IDENTITY, 1,
     sim_h_graph_single, "authorizationPolicy"},
    {"GET", G "/policies/authenticationMethodsPolicy", SIM_AUTH_GRAPH, SIM_T_IDENTITY, 1,
     sim_h_graph_single, "authenticationMethodsPolicy"},
    {"GET", G "/policies/adminConsentRequestPolicy", SIM_AUTH_GRAPH, SIM_T_IDENTITY, 1,
     sim_h_graph_single, "adminConsentRequestPolicy"},
    {"GET", G "/policies/activityBasedTimeoutPolicies", SIM_AUTH_GRAPH, SIM_T_IDENTITY, 1,
     sim_h_estate_only, NULL},
    {"GET", G "/domains", SIM_AUTH_GRAPH, SIM_T_IDENTITY, 1, sim_h_graph_coll, "domains"},
    {"GET", G "/admin/sharepoint/settings", SIM_AUTH_GRAPH, SIM_T_NONE, 0, sim_h_graph_single,
     "sharepointSettings"},
    {"GET", G "/subscribedSkus", SIM_AUTH_GRAPH, SIM_T_IDENTITY, 1, sim_h_graph_coll,
     "subscribedSkus"},
    {"GET", G "/organization", SIM_AUTH_GRAPH, SIM_T_IDENTITY, 1, sim_h_graph_coll, "organization"},

    /* Azure Resource Manager */
    {"GET", "/subscriptions", SIM_AUTH_ARM, SIM_T_ARM_READ, 0, sim_h_arm_subscriptions, NULL},
    {"GET", SUB "/providers/Microsoft.Storage/storageAccounts", SIM_AUTH_ARM, SIM_T_ARM_READ, 0,
     sim_h_arm_list, &k_storage},
    {"GET", SUB "/providers/Microsoft.KeyVault/vaults", SIM_AUTH_ARM, SIM_T_ARM_READ, 0,
     sim_h_arm_list, &k_vault},
    {"GET", SUB "/providers/Microsoft.Compute/virtualMachines", SIM_AUTH_ARM, SIM_T_ARM_READ, 0,
     sim_h_arm_list, &k_vm},
    {"GET", SUB "/providers/Microsoft.Web/sites", SIM_AUTH_ARM, SIM_T_ARM_READ, 0, sim_h_arm_list,
     &k_site},
    {"GET", RG "/providers/Microsoft.Web/sites/{}/config/web", SIM_AUTH_ARM, SIM_T_ARM_READ, 0,
     sim_h_arm_site_config, NULL},
    {"GET", SUB "/providers/Microsoft.Sql/servers", SIM_AUTH_ARM, SIM_T_ARM_READ, 0, sim_h_arm_list,
     &k_sql},
    {"GET", RG "/providers/Microsoft.Sql/servers/{}/databases", SIM_AUTH_ARM, SIM_T_ARM_READ, 0,
     sim_h_arm_sql_dbs, NULL},
    {"GET", RG "/providers/Microsoft.Sql/servers/{}/databases/{}/transparentDataEncryption/current",
     SIM_AUTH_ARM, SIM_T_ARM_READ, 0, sim_h_arm_sql_tde, NULL},
    {"GET", RG "/providers/Microsoft.Sql/servers/{}/auditingSettings/default", SIM_AUTH_ARM,
     SIM_T_ARM_READ, 0, sim_h_arm_sql_auditing, NULL},
    {"GET", SUB "/providers/Microsoft.Network/networkSecurityGroups", SIM_AUTH_ARM, SIM_T_ARM_READ,
     0, sim_h_arm_list, &k_nsg},

    /* Exchange Online and Security & Compliance admin REST (the EXO V3 module's) */
    {"POST", "/adminapi/beta/{}/InvokeCommand", SIM_AUTH_OUTLOOK, SIM_T_NONE, 0, sim_h_exo_invoke,
     NULL},
    /* SharePoint admin (a tenant's -admin host), Fabric admin, DNS over HTTPS (JSON) */
    {"GET", "/_api/SPO.Tenant", SIM_AUTH_SPO, SIM_T_NONE, 0, sim_h_spo_tenant, NULL},
    {"GET", "/v1/admin/tenantsettings", SIM_AUTH_FABRIC, SIM_T_NONE, 0, sim_h_fabric_settings,
     NULL},
    {"GET", "/resolve", SIM_AUTH_NONE, SIM_T_NONE, 0, sim_h_dns_resolve, NULL},

    /* Azure Automation */
    {"POST", "/webhooks", SIM_AUTH_NONE, SIM_T_NONE, 0, sim_h_webhook, NULL},
    {"GET", AA, SIM_AUTH_ARM, SIM_T_ARM_READ, 0, sim_h_automation_account, NULL},
    {"GET", AA "/jobs/{}", SIM_AUTH_ARM, SIM_T_ARM_READ, 0, sim_h_job, NULL},
    {"GET", AA "/jobs/{}/output", SIM_AUTH_ARM, SIM_T_ARM_READ, 0, sim_h_job_output, NULL},
    {"GET", AA "/jobs/{}/streams", SIM_AUTH_ARM, SIM_T_ARM_READ, 0, sim_h_job_streams, NULL},
};

const size_t sim_nroutes = sizeof(sim_routes) / sizeof(sim_routes[0]);

/* Does one pattern segment [p, pe) accept the path segment [s, se)? */
static int seg_match(const char *p, size_t plen, const char *s, size_t slen, int *capture)
{
	*capture = 0;
	if (plen == 2 && memcmp(p, "{}", 2) == 0) {
		*capture = 1;
		return slen > 0;
	}
	if (memchr(p, '|', plen)) {
		const char *pe = p + plen;

		*capture = 1;
		while (p < pe) {
			const char *bar = memchr(p, '|', (size_t)(pe - p));
			size_t n = (size_t)((bar ? bar : pe) - p);

			if (n == slen && strncasecmp(p, s, n) == 0)
				return 1;
			p = bar ? bar + 1 : pe;
		}
		return 0;
	}
	return plen == slen && strncasecmp(p, s, plen) == 0;
}

int sim_pattern_match(const char *pattern, const char *path, char **params, size_t *nparams)
{
	const char *p = pattern, *s = path;
	size_t n = 0;

	while (*p && *s) {
		const char *pe, *se;
		int cap;

		if (*p != '/' || *s != '/')
			goto fail;
		p++;
		s++;
		pe = strchrnul(p, '/');
		se = strchrnul(s, '/');
		if (!seg_match(p, (size_t)(pe - p), s, (size_t)(se - s), &cap))
			goto fail;
		if (cap && params && n < SIM_MAX_PARAMS)
			params[n++] = strndup(s, (size_t)(se - s));
		p = pe;
		s = se;
	}
	/* A trailing slash on the request is tolerated, as the services do. */
	if (*p || (*s && strcmp(s, "/") != 0))
		goto fail;
	if (nparams)
		*nparams = n;
	return 1;
fail:
	for (size_t i = 0; params && i < n; i++) {
		free(params[i]);
		params[i] = NULL;
	}
	return 0;
}

const struct sim_route *sim_route_match(struct sim_req *rq, int *method_mismatch)
{
	*method_mismatch = 0;
	for (size_t i = 0; i < sim_nroutes; i++) {
		const struct sim_route *r = &sim_routes[i];

		if (!sim_pattern_match(r->pattern, rq->path, NULL, NULL))
			continue;
		if (strcmp(r->method, rq->method) != 0) {
			*method_mismatch = 1;
			continue;
		}
		sim_pattern_match(r->pattern, rq->path, rq->params, &rq->nparams);
		return r;
	}
	return NULL;
}
