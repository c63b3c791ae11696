/* exo.c - Exchange Online and Security & Compliance settings through the admin REST endpoint
 * the EXO V3 module uses: POST {base}/adminapi/beta/{tenant}/InvokeCommand with
 * {"CmdletInput":{"CmdletName":"Get-…","Parameters":{}}} and a token for the Exchange (or the
 * Security & Compliance) resource.  The answer is {"value":[cmdlet output objects]}, paged
 * with @odata.nextLink (the next page is the same POST to that URL).  Each cmdlet is one
 * source, "exo.<Noun>" or "scc.<Noun>", one object per output object keyed by Identity. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect_internal.h"
#include "tater/tenants.h"

#define EXO_PERM "Exchange.ManageAsApp and an Exchange role that may read it (View-Only Configuration)"
#define SCC_PERM "Exchange.ManageAsApp and the Compliance Administrator (or Global Reader) role"

static const struct exo_cmdlet {
	int scc;
	const char *cmdlet;
} exo_cmdlets[] = {
    {0, "Get-OrganizationConfig"},
    {0, "Get-TransportConfig"},
    {0, "Get-ExternalInOutlook"},
    {0, "Get-RemoteDomain"},
    {0, "Get-SharingPolicy"},
    {0, "Get-AcceptedDomain"},
    {0, "Get-DkimSigningConfig"},
    {0, "Get-HostedOutboundSpamFilterPolicy"},
    {0, "Get-HostedContentFilterPolicy"},
    {0, "Get-HostedConnectionFilterPolicy"},
    {0, "Get-MalwareFilterPolicy"},
    {0, "Get-AntiPhishPolicy"},
    {0, "Get-SafeLinksPolicy"},
    {0, "Get-SafeLinksRule"},
    {0, "Get-SafeAttachmentPolicy"},
    {0, "Get-SafeAttachmentRule"},
    {0, "Get-AtpPolicyForO365"},
    {0, "Get-EmailTenantSettings"},
    {0, "Get-EOPProtectionPolicyRule"},
    {0, "Get-ATPProtectionPolicyRule"},
    {0, "Get-AdminAuditLogConfig"},
    {1, "Get-ProtectionAlert"},
    {1, "Get-UnifiedAuditLogRetentionPolicy"},
    {1, "Get-DlpCompliancePolicy"},
    {1, "Get-DlpComplianceRule"},
    {1, "Get-RetentionCompliancePolicy"},
};
#define N_CMDLETS (sizeof(exo_cmdlets) / sizeof(exo_cmdlets[0]))

/* What a scan owns for these sources: their definitions and the strings they point to. */
struct exo_defs {
	struct m365_source def[N_CMDLETS];
	char source[N_CMDLETS][64];
	char body[N_CMDLETS][128];
	char hdr_cmdlet[N_CMDLETS][64];
	const char *headers[N_CMDLETS][4];
	char path[160];
};

int exo_add(struct scan_ctx *sc, struct tater_err *err)
{
	struct exo_defs *d = calloc(1, sizeof(*d));
	char *tenant;
	int ret = 0;

	if (!d)
		return tater_errf(err, TATER_ENOMEM, "out of memory");
	sc->extras[0] = d;
	tenant = http_escape(sc->t->tenant_id);
	if (!tenant)
		return tater_errf(err, TATER_ENOMEM, "out of memory");
	snprintf(d->path, sizeof(d->path), "/adminapi/beta/%s/InvokeCommand", tenant);
	free(tenant);
	for (size_t i = 0; i < N_CMDLETS && ret == 0; i++) {
		const struct exo_cmdlet *c = &exo_cmdlets[i];
		struct m365_source *def = &d->def[i];
		struct source_state *ss;

		snprintf(d->source[i], sizeof(d->source[i]), "%s.%s", c->scc ? "scc" : "exo",
			 c->cmdlet + 4);
		snprintf(d->body[i], sizeof(d->body[i]),
			 "{\"CmdletInput\":{\"CmdletName\":\"%s\",\"Parameters\":{}}}", c->cmdlet);
		snprintf(d->hdr_cmdlet[i], sizeof(d->hdr_cmdlet[i]), "X-CmdletName: %s",
			 c->cmdlet);
		d->headers[i][0] = d->hdr_cmdlet[i];
		d->headers[i][1] = "X-ResponseFormat: json";
		d->headers[i][2] = "Prefer: odata.maxpagesize=1000";
		def->source = d->source[i];
		def->kind = c->cmdlet + 4;
		def->path = d->path;
		def->perm = c->scc ? SCC_PERM : EXO_PERM;
		def->paging = HTTP_PAGING_ODATA;
		def->api = c->scc ? ENDPOINTS_COMPLIANCE : ENDPOINTS_EXCHANGE;
		def->method = "POST";
		def->body = d->body[i];
		def->headers = d->headers[i];
		if (!(ss = m365_source_open(sc, def)))
			return tater_errf(err, TATER_ENOMEM, "too many sources in one scan");
		ret = m365_source_fetch(sc, ss, d->path, err);
	}
	return ret;
}
