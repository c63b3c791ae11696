/* fabric.c - Fabric / Power BI admin: GET /v1/admin/tenantsettings with a Fabric (or Power BI)
 * token: {"value":[{settingName, title, enabled, canSpecifySecurityGroups,
 * enabledSecurityGroups?, tenantSettingGroup}]}.  --estate overrides the list with the key
 * "/v1/admin/tenantsettings" (an array of settings, or the whole answer as an object). */
#include "sim.h"

void sim_h_fabric_settings(struct sim *s, struct sim_req *rq, struct sim_resp *rs)
{
	json_t *ov = sim_estate_get(s, "/v1/admin/tenantsettings");

	(void)rq;
	if (ov && json_is_object(ov)) {
		sim_resp_json(rs, 200, json_incref(ov));
		return;
	}
	if (ov) {
		sim_resp_json(rs, 200, json_pack("{s:O}", "value", ov));
		return;
	}
	sim_resp_json(
	    rs, 200,
	    json_pack("{s:[{s:s,s:s,s:b,s:b,s:s},{s:s,s:s,s:b,s:b,s:s},{s:s,s:s,s:b,s:b,s:s},"
		      "{s:s,s:s,s:b,s:b,s:s}]}",
		      "value", "settingName", "PublishToWeb", "title", "Publish to web", "enabled",
		      1, "canSpecifySecurityGroups", 1, "tenantSettingGroup", "ExportAndSharing",
		      "settingName", "BlockResourceKeyAuthentication", "title",
		      "Block ResourceKey Authentication", "enabled", 0, "canSpecifySecurityGroups", 0,
		      "tenantSettingGroup", "DeveloperSettings", "settingName",
		      "AllowServicePrincipalsUseReadAdminAPIs", "title",
		      "Service principals can access read-only admin APIs", "enabled", 1,
		      "canSpecifySecurityGroups", 1, "tenantSettingGroup", "AdminApiSettings",
		      "settingName", "AllowExternalDataSharingSwitch", "title",
		      "External data sharing", "enabled", 0, "canSpecifySecurityGroups", 1,
		      "tenantSettingGroup", "ExportAndSharing"));
}
