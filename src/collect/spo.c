/* spo.c - SharePoint Online tenant properties that Graph's admin/sharepoint/settings lacks
 * (OneDrive sharing, default links, Anyone-link expiry, verification-code re-authentication,
 * infected files): GET https://<name>-admin.sharepoint.com/_api/SPO.Tenant, the tenant object
 * behind Get-SPOTenant, with an app-only token for that host (SharePoint takes app-only tokens
 * obtained with a certificate, not a client secret).  The host comes from the tenant's initial
 * domain (one Graph read of the organisation before the scan's requests start). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect_internal.h"
#include "tater/auth.h"
#include "tater/tenants.h"

static const char *const spo_headers[] = {"Accept: application/json;odata=nometadata", NULL};

static const struct m365_source spo_source = {
    .source = "spo.tenant",
    .kind = "spoTenant",
    .path = "/_api/SPO.Tenant",
    .perm = "SharePoint Sites.FullControl.All (application) with a certificate credential",
    .paging = HTTP_PAGING_NONE,
    .api = ENDPOINTS_SHAREPOINT,
    .headers = spo_headers,
    .parent = "graph.organization",
};

/* The tenant's SharePoint admin host comes from its initial domain, read here, before the
 * scan's requests start: a token for a resource learnt in the middle of the run would be a
 * blocking request among running transfers. */
int spo_add(struct scan_ctx *sc, struct tater_err *err)
{
	struct source_state *ss = m365_source_open(sc, &spo_source);
	struct http_request req = {0};
	struct tater_err e = {0};
	const char *initial = NULL;
	json_t *doc = NULL, *org, *d;
	char *url;
	size_t i, k;
	int ret;

	if (!ss)
		return tater_errf(err, TATER_ENOMEM, "too many sources in one scan");
	url = endpoints_url(&sc->ep, ENDPOINTS_GRAPH, "/v1.0/organization?$select=id,verifiedDomains");
	if (!url)
		return tater_errf(err, TATER_ENOMEM, "out of memory");
	req.url = url;
	req.auth = auth_entra_source(sc->auth, ENDPOINTS_GRAPH);
	req.tenant = sc->t->tenant_id;
	ret = http_request_json(sc->hc, &req, &doc, &e);
	free(url);
	json_array_foreach(json_object_get(doc, "value"), i, org) {
		json_array_foreach(json_object_get(org, "verifiedDomains"), k, d) {
			if (json_is_true(json_object_get(d, "isInitial")))
				initial = json_string_value(json_object_get(d, "name"));
		}
	}
	if (ret == 0 && !initial)
		ret = tater_errf(&e, TATER_ENOTFOUND, "the organisation names no initial domain, so "
						      "no SharePoint admin host");
	if (ret == 0 && (ret = endpoints_sharepoint(&sc->ep, initial, &e)) == 0)
		ret = auth_entra_set_resource(sc->auth, ENDPOINTS_SHAREPOINT,
					      sc->ep.resource[ENDPOINTS_SHAREPOINT], &e);
	json_decref(doc);
	if (ret < 0) {
		/* Recorded as this source's failure (a sign-in failure shows on every source). */
		ss->rc = ret;
		snprintf(ss->detail, sizeof(ss->detail), "%s", e.msg);
		return 0;
	}
	return m365_source_fetch(sc, ss, spo_source.path, err);
}
