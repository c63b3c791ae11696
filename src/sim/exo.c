/* exo.c - Exchange Online and Security & Compliance admin REST, as the EXO V3 module calls it:
 * POST /adminapi/beta/{tenant}/InvokeCommand with {"CmdletInput":{"CmdletName":"Get-…",
 * "Parameters":{…}}} and an Exchange (or Security & Compliance) token.  The answer is
 * {"@odata.context":…, "value":[cmdlet output]}; a long output is paged with
 * @odata.nextLink, which the client POSTs the same body to.  An unknown cmdlet gets the
 * service's error (400, the PowerShell "not recognized" message).
 *
 * The synthetic tenant is configured the way many real ones are: defaults mostly left alone,
 * so most of the SCuBA and CIS mail controls fail and a few pass.  --estate overrides a
 * cmdlet's output with the key "exo:<CmdletName>" (or "scc:<CmdletName>"): an array of
 * output objects (an object stands for a one-object output). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim.h"

#define EXO_PAGE 10 /* items per page: small, so the default alert list pages */

/* 'single quotes' for JSON quotes and ${D} for the tenant's domain label. */
static json_t *exo_tmpl(struct sim *s, const char *text)
{
	size_t dn = strlen(s->cfg.domain);
	char *out = sim_xmalloc(strlen(text) * (dn + 2) + 16), *o = out;
	json_error_t jerr;
	json_t *j;

	for (const char *p = text; *p; p++) {
		if (*p == '\'') {
			*o++ = '"';
		} else if (!strncmp(p, "${D}", 4)) {
			memcpy(o, s->cfg.domain, dn);
			o += dn;
			p += 3;
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
	j = json_loads(out, 0, &jerr);
	if (!j) {
		fprintf(stderr, "tater-sim: bad built-in template: %s\n", jerr.text);
		abort();
	}
	free(out);
	return j;
}

static const struct {
	int scc;
	const char *cmdlet, *out;
} synthetic[] = {
    {0, "Get-OrganizationConfig",
     "[{'Identity':'${D}.onmicrosoft.com','Name':'${D}.onmicrosoft.com','DisplayName':'${D}',"
     "'AuditDisabled':false,'OAuth2ClientProfileEnabled':true,'MailTipsAllTipsEnabled':true,"
     "'MailTipsExternalRecipientsTipsEnabled':false,'MailTipsGroupMetricsEnabled':true,"
     "'MailTipsLargeAudienceThreshold':25,'MailTipsMailboxSourcedTipsEnabled':true,"
     "'CustomerLockboxEnabled':false,'IsDehydrated':false}]"},
    {0, "Get-TransportConfig",
     "[{'Identity':'Transport Settings','SmtpClientAuthenticationDisabled':false,"
     "'ExternalDelayDsnEnabled':true,'MaxSendSize':'35 MB (36,700,160 bytes)'}]"},
    {0, "Get-ExternalInOutlook",
     "[{'Identity':'${D}.onmicrosoft.com','Enabled':false,'AllowList':[]}]"},
    {0, "Get-RemoteDomain",
     "[{'Identity':'Default','Name':'Default','DomainName':'*','AutoForwardEnabled':true,"
     "'AutoReplyEnabled':true,'DeliveryReportEnabled':true,'TNEFEnabled':null}]"},
    {0, "Get-SharingPolicy",
     "[{'Identity':'Default Sharing Policy','Name':'Default Sharing Policy','Enabled':true,"
     "'Default':true,'Domains':['Anonymous:CalendarSharingFreeBusyReviewer',"
     "'*:CalendarSharingFreeBusySimple']}]"},
    {0, "Get-AcceptedDomain",
     "[{'Identity':'${D}.example','Name':'${D}.example','DomainName':'${D}.example',"
     "'DomainType':'Authoritative','Default':true,'InitialDomain':false},"
     "{'Identity':'${D}.onmicrosoft.com','Name':'${D}.onmicrosoft.com',"
     "'DomainName':'${D}.onmicrosoft.com','DomainType':'Authoritative','Default':false,"
     "'InitialDomain':true}]"},
    {0, "Get-DkimSigningConfig",
     "[{'Identity':'${D}.example','Domain':'${D}.example','Enabled':false,'Status':"
     "'CnameMissing','Selector1CNAME':'selector1-${D}-example._domainkey.${D}.onmicrosoft.com',"
     "'Selector2CNAME':'selector2-${D}-example._domainkey.${D}.onmicrosoft.com'},"
     "{'Identity':'${D}.onmicrosoft.com','Domain':'${D}.onmicrosoft.com','Enabled':true,"
     "'Status':'Valid','Selector1CNAME':'','Selector2CNAME':''}]"},
    {0, "Get-HostedOutboundSpamFilterPolicy",
     "[{'Identity':'Default','Name':'Default','IsDefault':true,"
     "'RecipientLimitExternalPerHour':0,'RecipientLimitInternalPerHour':0,"
     "'RecipientLimitPerDay':0,'ActionWhenThresholdReached':'BlockUserForToday',"
     "'AutoForwardingMode':'Automatic','BccSuspiciousOutboundMail':false,"
     "'BccSuspiciousOutboundAdditionalRecipients':[],'NotifyOutboundSpam':false,"
     "'NotifyOutboundSpamRecipients':[]}]"},
    {0, "Get-HostedContentFilterPolicy",
     "[{'Identity':'Default','Name':'Default','IsDefault':true,'SpamAction':'MoveToJmf',"
     "'HighConfidenceSpamAction':'MoveToJmf','PhishSpamAction':'Quarantine',"
     "'HighConfidencePhishAction':'Quarantine','BulkSpamAction':'MoveToJmf',"
     "'BulkThreshold':7,'SpamZapEnabled':true,'PhishZapEnabled':true,"
     "'AllowedSenderDomains':[],'AllowedSenders':[],'QuarantineRetentionPeriod':15}]"},
    {0, "Get-HostedConnectionFilterPolicy",
     "[{'Identity':'Default','Name':'Default','IsDefault':true,'IPAllowList':[],"
     "'IPBlockList':[],'EnableSafeList':false}]"},
    {0, "Get-MalwareFilterPolicy",
     "[{'Identity':'Default','Name':'Default','IsDefault':true,'EnableFileFilter':true,"
     "'FileTypeAction':'Reject','FileTypes':['ace','ani','apk','app','appx','arj','bat',"
     "'cab','cmd','com','deb','dex','dll','docm','elf','exe','hta','img','iso','jar','jnlp',"
     "'kext','lha','lib','library','lnk','lzh','macho','msc','msi','msix','msp','mst','pif',"
     "'ppa','ppam','reg','rev','scf','scr','sct','sys','uif','vb','vbe','vbs','vxd','wsc',"
     "'wsf','wsh','xll','xz','z'],'ZapEnabled':true,'EnableInternalSenderAdminNotifications':"
     "false}]"},
    {0, "Get-AntiPhishPolicy",
     "[{'Identity':'Office365 AntiPhish Default','Name':'Office365 AntiPhish Default',"
     "'IsDefault':true,'Enabled':true,'EnableMailboxIntelligence':true,"
     "'EnableMailboxIntelligenceProtection':false,'PhishThresholdLevel':1,"
     "'EnableTargetedUserProtection':false,'TargetedUsersToProtect':[],"
     "'EnableOrganizationDomainsProtection':false,'EnableTargetedDomainsProtection':false,"
     "'TargetedDomainsToProtect':[],'TargetedDomainProtectionAction':'NoAction',"
     "'TargetedUserProtectionAction':'NoAction','EnableSpoofIntelligence':true,"
     "'HonorDmarcPolicy':true,'EnableFirstContactSafetyTips':false,"
     "'EnableUnauthenticatedSender':true,'EnableViaTag':true}]"},
    {0, "Get-SafeLinksPolicy",
     "[{'Identity':'Built-In Protection Policy','Name':'Built-In Protection Policy',"
     "'IsBuiltInProtection':true,'EnableSafeLinksForEmail':true,'EnableSafeLinksForTeams':"
     "true,'EnableSafeLinksForOffice':true,'AllowClickThrough':false,'ScanUrls':true,"
     "'DeliverMessageAfterScan':true,'EnableForInternalSenders':true,'TrackClicks':true,"
     "'DisableUrlRewrite':false}]"},
    {0, "Get-SafeLinksRule", "[]"},
    {0, "Get-SafeAttachmentPolicy",
     "[{'Identity':'Built-In Protection Policy','Name':'Built-In Protection Policy',"
     "'IsBuiltInProtection':true,'Enable':true,'Action':'Block','Redirect':false}]"},
    {0, "Get-SafeAttachmentRule", "[]"},
    {0, "Get-AtpPolicyForO365",
     "[{'Identity':'Default','Name':'Default','EnableATPForSPOTeamsODB':false,"
     "'EnableSafeDocs':false,'AllowSafeDocsOpen':false}]"},
    {0, "Get-EmailTenantSettings",
     "[{'Identity':'Default','Name':'Default','EnablePriorityAccountProtection':true}]"},
    {0, "Get-EOPProtectionPolicyRule",
     "[{'Identity':'Standard Preset Security Policy','Name':'Standard Preset Security Policy',"
     "'State':'Disabled','Priority':1,'RecipientDomainIs':null,'SentTo':null,"
     "'SentToMemberOf':null},{'Identity':'Strict Preset Security Policy','Name':"
     "'Strict Preset Security Policy','State':'Disabled','Priority':0,"
     "'RecipientDomainIs':null,'SentTo':null,'SentToMemberOf':null}]"},
    {0, "Get-ATPProtectionPolicyRule",
     "[{'Identity':'Standard Preset Security Policy','Name':'Standard Preset Security Policy',"
     "'State':'Disabled','Priority':1,'RecipientDomainIs':null},{'Identity':"
     "'Strict Preset Security Policy','Name':'Strict Preset Security Policy','State':"
     "'Disabled','Priority':0,'RecipientDomainIs':null}]"},
    {0, "Get-AdminAuditLogConfig",
     "[{'Identity':'Admin Audit Log Settings','AdminAuditLogEnabled':true,"
     "'UnifiedAuditLogIngestionEnabled':true}]"},
    {1, "Get-ProtectionAlert",
     "[{'Identity':'FirstRelease\\\\Suspicious email sending patterns detected','Name':"
     "'Suspicious email sending patterns detected','Disabled':false,'Severity':'Medium'},"
     "{'Name':'Suspicious Connector Activity','Disabled':false,'Severity':'High'},"
     "{'Name':'Suspicious Email Forwarding Activity','Disabled':false,'Severity':'High'},"
     "{'Name':'Messages have been delayed','Disabled':true,'Severity':'High'},"
     "{'Name':'Tenant restricted from sending unprovisioned email','Disabled':false,"
     "'Severity':'High'},{'Name':'Tenant restricted from sending email','Disabled':false,"
     "'Severity':'High'},{'Name':'A potentially malicious URL click was detected',"
     "'Disabled':false,'Severity':'High'},{'Name':'Elevation of Exchange admin privilege',"
     "'Disabled':false,'Severity':'Low'},{'Name':'Creation of forwarding/redirect rule',"
     "'Disabled':false,'Severity':'Informational'},{'Name':'eDiscovery search started or "
     "exported','Disabled':false,'Severity':'Medium'},{'Name':'Email messages containing "
     "malicious URL removed after delivery','Disabled':false,'Severity':'Informational'},"
     "{'Name':'Email messages containing malware removed after delivery','Disabled':false,"
     "'Severity':'Informational'},{'Name':'User restricted from sending email','Disabled':"
     "false,'Severity':'High'},{'Name':'Email reported by user as malware or phish',"
     "'Disabled':false,'Severity':'Informational'}]"},
    {1, "Get-UnifiedAuditLogRetentionPolicy", "[]"},
    {1, "Get-DlpCompliancePolicy", "[]"},
    {1, "Get-DlpComplianceRule", "[]"},
    {1, "Get-RetentionCompliancePolicy",
     "[{'Identity':'Mailbox seven years','Name':'Mailbox seven years','Enabled':true,"
     "'Mode':'Enforce','ExchangeLocation':['All'],'SharePointLocation':[],"
     "'DistributionStatus':'Success'}]"},
};

json_t *sim_exo_cmdlet(struct sim *s, int scc, const char *cmdlet)
{
	json_t *out;

	for (size_t i = 0; i < sizeof(synthetic) / sizeof(synthetic[0]); i++) {
		if (synthetic[i].scc != scc || strcasecmp(synthetic[i].cmdlet, cmdlet))
			continue;
		out = exo_tmpl(s, synthetic[i].out);
		/* Alerts without an Identity get the one the service shows. */
		if (scc && !strcasecmp(cmdlet, "Get-ProtectionAlert")) {
			size_t k;
			json_t *a;

			json_array_foreach(out, k, a) {
				if (!json_object_get(a, "Identity"))
					json_object_set_new(a, "Identity",
							    json_pack("s", json_string_value(
									       json_object_get(a, "Name"))));
			}
		}
		return out;
	}
	return NULL;
}

static void exo_error(struct sim_resp *rs, int status, const char *code, const char *msg)
{
	sim_resp_json(rs, status,
		      json_pack("{s:{s:s, s:s, s:{s:s}, s:[{s:s, s:s}]}}", "error", "code", code,
				"message", msg, "innererror", "message", msg, "details", "code",
				code, "message", msg));
}

void sim_h_exo_invoke(struct sim *s, struct sim_req *rq, struct sim_resp *rs)
{
	int scc = rq->tok.aud == SIM_AUD_COMPLIANCE;
	json_t *body = rq->body ? json_loadb(rq->body, rq->body_len, 0, NULL) : NULL;
	json_t *in = json_object_get(json_object_get(body, "CmdletInput"), "CmdletName");
	const char *cmdlet = json_string_value(in), *skip = sim_req_query(rq, "$skiptoken");
	json_t *out, *ov, *page, *doc;
	char key[160], msg[320];
	long from = skip ? atol(skip) : 0, n;

	if (!cmdlet) {
		exo_error(rs, 400, "BadRequest",
			  "The request body must hold CmdletInput with a CmdletName.");
		json_decref(body);
		return;
	}
	snprintf(key, sizeof(key), "%s:%s", scc ? "scc" : "exo", cmdlet);
	ov = sim_estate_get(s, key);
	out = ov ? (json_is_array(ov) ? json_incref(ov) : json_pack("[O]", ov))
		 : sim_exo_cmdlet(s, scc, cmdlet);
	if (!out) {
		snprintf(msg, sizeof(msg),
			 "|System.Management.Automation.CommandNotFoundException|The term '%s' is "
			 "not recognized as a name of a cmdlet, function, script file, or "
			 "executable program.",
			 cmdlet);
		exo_error(rs, 400, "BadRequest", msg);
		json_decref(body);
		return;
	}
	n = (long)json_array_size(out);
	if (from < 0 || from > n)
		from = n;
	page = json_array();
	for (long i = from; i < n && i < from + EXO_PAGE; i++)
		json_array_append(page, json_array_get(out, (size_t)i));
	doc = json_pack("{s:s, s:o}", "@odata.context",
			scc ? "https://ps.compliance.protection.outlook.com/adminapi/beta/$metadata"
			      "#Collection(Exchange.GenericHashTable)"
			    : "https://outlook.office365.com/adminapi/beta/$metadata"
			      "#Collection(Exchange.GenericHashTable)",
			"value", page);
	if (from + EXO_PAGE < n) {
		char *next = sim_xasprintf("%s%s?$skiptoken=%ld", rq->base_url, rq->path,
					   from + EXO_PAGE);

		json_object_set_new(doc, "@odata.nextLink", json_string(next));
		free(next);
	}
	sim_resp_json(rs, 200, doc);
	json_decref(out);
	json_decref(body);
}
