/* fabric.c - Power BI / Fabric tenant settings: GET {fabric}/v1/admin/tenantsettings
 * (a service principal allowed by the "Service principals can access read-only admin APIs"
 * setting, token for the Fabric resource).  One object per setting, keyed by settingName:
 * {settingName, title, enabled, canSpecifySecurityGroups, enabledSecurityGroups[],
 * tenantSettingGroup}. */
#include "collect_internal.h"

static const struct m365_source fabric_source = {
    .source = "fabric.tenantSettings",
    .kind = "tenantSetting",
    .path = "/v1/admin/tenantsettings",
    .perm = "Fabric read-only admin API access for the app's security group (Tenant.Read.All)",
    .paging = HTTP_PAGING_ODATA,
    .api = ENDPOINTS_FABRIC,
};

int fabric_add(struct scan_ctx *sc, struct tater_err *err)
{
	struct source_state *ss = m365_source_open(sc, &fabric_source);

	if (!ss)
		return tater_errf(err, TATER_ENOMEM, "too many sources in one scan");
	return m365_source_fetch(sc, ss, fabric_source.path, err);
}
