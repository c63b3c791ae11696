/* endpoints.h - where each Microsoft API lives for a tenant, and which resource its tokens name.
 *
 * Presets for the public cloud, US Government GCC High and DoD, and China (21Vianet).  A custom
 * base URL serves every API under one root (tater-sim on loopback, a proxy); its tokens still
 * name a preset's resources (https://graph.microsoft.com/.default), as the real service's do. */
#ifndef TATER_ENDPOINTS_H
#define TATER_ENDPOINTS_H

#include <stddef.h>

#include "tater/err.h"

enum endpoints_api {
	ENDPOINTS_LOGIN = 0, /* Entra ID token service: {base}/{tenant}/oauth2/v2.0/token */
	ENDPOINTS_GRAPH,     /* Microsoft Graph: {base}/v1.0/..., {base}/beta/... */
	ENDPOINTS_ARM,	     /* Azure Resource Manager (and the Automation jobs API) */
	ENDPOINTS_EXCHANGE,  /* Exchange Online admin API: {base}/adminapi/beta/{tenant}/... */
	ENDPOINTS_COMPLIANCE, /* Security & Compliance: the same InvokeCommand, its own host */
	ENDPOINTS_SHAREPOINT, /* SharePoint admin: {base}/_api/SPO.Tenant.  The host is the
			       * tenant's own (https://<name>-admin.sharepoint.com): the preset
			       * holds the suffix ("sharepoint.com"); see endpoints_sharepoint() */
	ENDPOINTS_FABRIC,     /* Fabric / Power BI admin REST: {base}/v1/admin/tenantsettings */
	ENDPOINTS_NAPIS,
};

#define ENDPOINTS_URL_MAX 256

struct endpoints {
	char cloud[16];					   /* public, gcchigh, dod, china */
	char base[ENDPOINTS_NAPIS][ENDPOINTS_URL_MAX];	   /* where requests go, no trailing '/' */
	char resource[ENDPOINTS_NAPIS][ENDPOINTS_URL_MAX]; /* token audience; login's is "" */
};

/* cloud: "public" (also "global", NULL), "gcchigh", "dod", "china". */
int endpoints_preset(const char *cloud, struct endpoints *out, struct tater_err *err);

/* Every API under base_url (http or https, no query); resources from preset `cloud`. */
int endpoints_custom(const char *base_url, const char *cloud, struct endpoints *out,
		     struct tater_err *err);

/* A tenant's endpoints from its settings: cloud "custom" serves every API under base_url
 * (with the public cloud's token resources), any other cloud is its preset.  Here, below
 * every area that makes a tenant's clients (collect, itdr, remediate), so they share it. */
int endpoints_for_cloud(const char *cloud, const char *base_url, struct endpoints *out,
			struct tater_err *err);

/* Point one API elsewhere (a per-tenant setting). */
int endpoints_set_base(struct endpoints *ep, enum endpoints_api api, const char *base_url,
		       struct tater_err *err);

/* base + path ("/v1.0/users?$top=999"); malloc'd, NULL when out of memory. */
char *endpoints_url(const struct endpoints *ep, enum endpoints_api api, const char *path);

/* The client-credentials scope for api: "<resource>/.default".  Returns 0, or -1 for login. */
int endpoints_scope(const struct endpoints *ep, enum endpoints_api api, char *out, size_t len);

/* The token endpoint: "<login base>/<tenant>/oauth2/v2.0/token" (malloc'd). */
char *endpoints_token_url(const struct endpoints *ep, const char *tenant);

const char *endpoints_api_name(enum endpoints_api api);

/* Fill the SharePoint admin base and resource for the tenant whose initial domain is
 * initial_domain ("contoso.onmicrosoft.com" -> https://contoso-admin.sharepoint.com).  A
 * custom base URL keeps its base; the resource is the tenant's admin host either way. */
int endpoints_sharepoint(struct endpoints *ep, const char *initial_domain, struct tater_err *err);

#endif
