/* endpoints.c - base URLs and token resources per cloud.
 *
 * Hostnames from Microsoft Learn ("Microsoft Graph national cloud deployments", the Azure
 * Government and Azure China developer guides, the EXO V3 module's environment names). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tater/endpoints.h"

struct preset {
	const char *name;
	const char *login, *graph, *arm, *exchange;
	/* Connect-IPPSSession's hosts; the SharePoint admin host's suffix; the Fabric/Power BI
	 * admin API and its token resource (sovereign Fabric values: Power BI's, check). */
	const char *compliance, *spo_suffix, *fabric, *fabric_resource;
};

static const struct preset presets[] = {
    {"public", "https://login.microsoftonline.com", "https://graph.microsoft.com",
     "https://management.azure.com", "https://outlook.office365.com",
     "https://ps.compliance.protection.outlook.com", "sharepoint.com",
     "https://api.fabric.microsoft.com", "https://api.fabric.microsoft.com"},
    {"gcchigh", "https://login.microsoftonline.us", "https://graph.microsoft.us",
     "https://management.usgovcloudapi.net", "https://outlook.office365.us",
     "https://ps.compliance.protection.office365.us", "sharepoint.us",
     "https://api.high.powerbigov.us", "https://high.analysis.usgovcloudapi.net/powerbi/api"},
    {"dod", "https://login.microsoftonline.us", "https://dod-graph.microsoft.us",
     "https://management.usgovcloudapi.net", "https://webmail.apps.mil",
     "https://l5.ps.compliance.protection.office365.us", "dps.mil",
     "https://api.mil.powerbigov.us", "https://mil.analysis.usgovcloudapi.net/powerbi/api"},
    {"china", "https://login.chinacloudapi.cn", "https://microsoftgraph.chinacloudapi.cn",
     "https://management.chinacloudapi.cn", "https://partner.outlook.cn",
     "https://ps.compliance.protection.partner.outlook.cn", "sharepoint.cn",
     "https://api.powerbi.cn", "https://analysis.chinacloudapi.cn/powerbi/api"},
};

static const struct preset *find_preset(const char *cloud)
{
	if (!cloud || !*cloud || !strcasecmp(cloud, "global") || !strcasecmp(cloud, "commercial"))
		cloud = "public";
	for (size_t i = 0; i < sizeof(presets) / sizeof(presets[0]); i++)
		if (!strcasecmp(cloud, presets[i].name))
			return &presets[i];
	return NULL;
}

static int check_base(const char *base, struct tater_err *err)
{
	size_t n;

	if (!base || (strncasecmp(base, "https://", 8) && strncasecmp(base, "http://", 7)))
		return tater_errf(err, TATER_EINVAL,
				  "a base URL must start with https:// (or http:// for loopback)");
	n = strlen(base);
	if (n >= ENDPOINTS_URL_MAX)
		return tater_errf(err, TATER_EINVAL, "base URL longer than %d characters",
				  ENDPOINTS_URL_MAX - 1);
	if (strpbrk(base, "?#@ \t\r\n"))
		return tater_errf(err, TATER_EINVAL,
				  "a base URL holds no query, fragment, credentials or spaces");
	return 0;
}

/* Copy without the trailing slashes, so base + "/path" never doubles one. */
static void set_base(char *dst, const char *base)
{
	size_t n = strlen(base);

	while (n > 0 && base[n - 1] == '/')
		n--;
	memcpy(dst, base, n);
	dst[n] = '\0';
}

int endpoints_preset(const char *cloud, struct endpoints *out, struct tater_err *err)
{
	const struct preset *p = find_preset(cloud);

	if (!p)
		return tater_errf(err, TATER_EINVAL,
				  "unknown cloud \"%.32s\": use public, gcchigh, dod or china",
				  cloud);
	memset(out, 0, sizeof(*out));
	snprintf(out->cloud, sizeof(out->cloud), "%s", p->name);
	set_base(out->base[ENDPOINTS_LOGIN], p->login);
	set_base(out->base[ENDPOINTS_GRAPH], p->graph);
	set_base(out->base[ENDPOINTS_ARM], p->arm);
	set_base(out->base[ENDPOINTS_EXCHANGE], p->exchange);
	set_base(out->resource[ENDPOINTS_GRAPH], p->graph);
	set_base(out->resource[ENDPOINTS_ARM], p->arm);
	set_base(out->resource[ENDPOINTS_EXCHANGE], p->exchange);
	set_base(out->base[ENDPOINTS_COMPLIANCE], p->compliance);
	set_base(out->resource[ENDPOINTS_COMPLIANCE], p->compliance);
	/* Until endpoints_sharepoint() names the tenant's host: no base, no resource. */
	set_base(out->base[ENDPOINTS_FABRIC], p->fabric);
	set_base(out->resource[ENDPOINTS_FABRIC], p->fabric_resource);
	return 0;
}

int endpoints_custom(const char *base_url, const char *cloud, struct endpoints *out,
		     struct tater_err *err)
{
	int rc = check_base(base_url, err);

	if (rc)
		return rc;
	rc = endpoints_preset(cloud, out, err);
	if (rc)
		return rc;
	for (int i = 0; i < ENDPOINTS_NAPIS; i++)
		set_base(out->base[i], base_url);
	return 0;
}

int endpoints_for_cloud(const char *cloud, const char *base_url, struct endpoints *out,
			struct tater_err *err)
{
	if (cloud && !strcmp(cloud, "custom"))
		return endpoints_custom(base_url, "public", out, err);
	return endpoints_preset(cloud, out, err);
}

int endpoints_sharepoint(struct endpoints *ep, const char *initial_domain, struct tater_err *err)
{
	const struct preset *p = find_preset(ep->cloud);
	const char *dot = initial_domain ? strchr(initial_domain, '.') : NULL;
	size_t n = dot ? (size_t)(dot - initial_domain) : 0;
	int custom = ep->base[ENDPOINTS_SHAREPOINT][0] != '\0';

	if (!p || n == 0 || n > 63 || strspn(initial_domain, "abcdefghijklmnopqrstuvwxyz"
							    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") != n)
		return tater_errf(err, TATER_EINVAL, "no SharePoint admin host for domain \"%.64s\"",
				  initial_domain ? initial_domain : "");
	snprintf(ep->resource[ENDPOINTS_SHAREPOINT], ENDPOINTS_URL_MAX, "https://%.*s-admin.%s",
		 (int)n, initial_domain, p->spo_suffix);
	if (!custom)
		snprintf(ep->base[ENDPOINTS_SHAREPOINT], ENDPOINTS_URL_MAX, "%s",
			 ep->resource[ENDPOINTS_SHAREPOINT]);
	return 0;
}

int endpoints_set_base(struct endpoints *ep, enum endpoints_api api, const char *base_url,
		       struct tater_err *err)
{
	int rc;

	if (api < 0 || api >= ENDPOINTS_NAPIS)
		return tater_errf(err, TATER_EINVAL, "no such API");
	rc = check_base(base_url, err);
	if (rc)
		return rc;
	set_base(ep->base[api], base_url);
	return 0;
}

char *endpoints_url(const struct endpoints *ep, enum endpoints_api api, const char *path)
{
	char *out;

	if (api < 0 || api >= ENDPOINTS_NAPIS || !path)
		return NULL;
	if (asprintf(&out, "%s%s%s", ep->base[api], *path == '/' ? "" : "/", path) < 0)
		return NULL;
	return out;
}

int endpoints_scope(const struct endpoints *ep, enum endpoints_api api, char *out, size_t len)
{
	if (api <= ENDPOINTS_LOGIN || api >= ENDPOINTS_NAPIS || !ep->resource[api][0])
		return -1;
	if ((size_t)snprintf(out, len, "%s/.default", ep->resource[api]) >= len)
		return -1;
	return 0;
}

char *endpoints_token_url(const struct endpoints *ep, const char *tenant)
{
	char *out;

	if (asprintf(&out, "%s/%s/oauth2/v2.0/token", ep->base[ENDPOINTS_LOGIN], tenant) < 0)
		return NULL;
	return out;
}

const char *endpoints_api_name(enum endpoints_api api)
{
	switch (api) {
	case ENDPOINTS_LOGIN:
		return "login";
	case ENDPOINTS_GRAPH:
		return "Graph";
	case ENDPOINTS_ARM:
		return "ARM";
	case ENDPOINTS_EXCHANGE:
		return "Exchange";
	case ENDPOINTS_COMPLIANCE:
		return "Security & Compliance";
	case ENDPOINTS_SHAREPOINT:
		return "SharePoint";
	case ENDPOINTS_FABRIC:
		return "Fabric";
	case ENDPOINTS_NAPIS:
		break;
	}
	return "unknown";
}
