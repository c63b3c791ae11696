/* spo.c - SharePoint Online admin: GET /_api/SPO.Tenant on the tenant's admin host (here the
 * one base URL), with a token for that host.  Answers the tenant object behind Get-SPOTenant in
 * the REST JSON form (odata=nometadata): enumerations are numbers, as the service sends them
 * (SharingCapability 0 Disabled, 1 ExternalUserSharingOnly, 2 ExternalUserAndGuestSharing,
 * 3 ExistingExternalUserSharingOnly; DefaultSharingLinkType 0 None, 1 Direct, 2 Internal,
 * 3 AnonymousAccess; DefaultLinkPermission and *AnonymousLinkType 0 None, 1 View, 2 Edit).
 * --estate overrides it with the key "/_api/SPO.Tenant". */
#include "sim.h"

void sim_h_spo_tenant(struct sim *s, struct sim_req *rq, struct sim_resp *rs)
{
	json_t *ov = sim_estate_get(s, "/_api/SPO.Tenant");

	if (ov) {
		sim_resp_json(rs, 200, json_incref(ov));
		return;
	}
	sim_resp_json(
	    rs, 200,
	    json_pack("{s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:b, s:i, s:b, s:i, s:s, s:b, s:b}",
		      "SharingCapability", 2, "OneDriveSharingCapability", 2,
		      "DefaultSharingLinkType", 3, "DefaultLinkPermission", 2,
		      "RequireAnonymousLinksExpireInDays", -1, "FileAnonymousLinkType", 1,
		      "FolderAnonymousLinkType", 1, "EmailAttestationRequired", 0,
		      "EmailAttestationReAuthDays", 30, "DisallowInfectedFileDownload", 1,
		      "SharingDomainRestrictionMode", 0, "SharingAllowedDomainList", "",
		      "PreventExternalUsersFromResharing", 0, "LegacyAuthProtocolsEnabled", 1));
}
