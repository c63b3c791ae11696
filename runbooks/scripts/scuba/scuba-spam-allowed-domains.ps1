<#
.TATER
id: scuba-spam-allowed-domains
title: Remove allowed sender domains from anti-spam policies
area: scuba
controls: defender.spam-no-allowed-domains
runtime: exo
idempotent: true
description: Clears AllowedSenderDomains in every inbound anti-spam policy, because a whole allowed domain lets spoofed mail from it skip filtering; the removed domains are kept in the change record.
#>
param()
$ErrorActionPreference = 'Stop'

foreach ($p in @(Get-HostedContentFilterPolicy)) {
    $before = @($p.AllowedSenderDomains | ForEach-Object { [string]$_ })
    if ($before.Count -gt 0) {
        Set-HostedContentFilterPolicy -Identity ([string]$p.Identity) -AllowedSenderDomains $null
        [pscustomobject]@{ setting = "HostedContentFilterPolicy[$($p.Identity)].AllowedSenderDomains"; before = $before; after = @() }
    }
}
