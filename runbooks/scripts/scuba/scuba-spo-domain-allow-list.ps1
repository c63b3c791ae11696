<#
.TATER
id: scuba-spo-domain-allow-list
title: Restrict SharePoint and OneDrive external sharing to approved domains
area: scuba
controls: spo.sharing-domains-restricted
runtime: graph
idempotent: true
parameter: AllowedDomains | string[] |  | External domains people may share with; empty: report only
description: When external sharing is on, switches the SharePoint sharing domain restriction to an allow list holding the given domains (adding to any already listed); without domains it reports what to do.
#>
param(
    [string[]] $AllowedDomains = @()
)
$ErrorActionPreference = 'Stop'

$s = Invoke-MgGraphRequest -Method GET -Uri '/v1.0/admin/sharepoint/settings'
if ("$($s.sharingCapability)" -eq 'disabled') { return }
$mode = [string]$s.sharingDomainRestrictionMode
$have = @($s.sharingAllowedDomainList | ForEach-Object { ([string]$_).ToLowerInvariant() })
if ($AllowedDomains.Count -eq 0) {
    if ($mode -ne 'allowList') { 'External sharing is open to any domain: run again with AllowedDomains listing your partner domains.' }
    return
}
$add = @($AllowedDomains | ForEach-Object { $_.Trim().ToLowerInvariant() } | Where-Object { $_ -and $have -notcontains $_ } | Select-Object -Unique)
$body = @{}
if ($add.Count -gt 0) { $body['sharingAllowedDomainList'] = @($have + $add) }
if ($mode -ne 'allowList') { $body['sharingDomainRestrictionMode'] = 'allowList' }
if ($body.Count -gt 0) {
    if (-not $body.ContainsKey('sharingAllowedDomainList')) { $body['sharingAllowedDomainList'] = $have }
    Invoke-MgGraphRequest -Method PATCH -Uri '/v1.0/admin/sharepoint/settings' -Body ($body | ConvertTo-Json -Compress) -ContentType 'application/json' | Out-Null
    if ($add.Count -gt 0) { [pscustomobject]@{ setting = 'graph:admin/sharepoint/settings.sharingAllowedDomainList'; before = $have; after = @($have + $add) } }
    if ($mode -ne 'allowList') { [pscustomobject]@{ setting = 'graph:admin/sharepoint/settings.sharingDomainRestrictionMode'; before = $mode; after = 'allowList' } }
}
