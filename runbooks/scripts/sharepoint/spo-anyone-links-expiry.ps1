<#
.TATER
id: spo-anyone-links-expiry
title: Make Anyone links expire within 30 days
area: sharepoint
controls: spo.anyone-links-expire
runtime: spo
idempotent: true
parameter: Days | int | 30 | Most days an Anyone link may stay valid (1 to 30)
description: Sets RequireAnonymousLinksExpireInDays so every new Anyone link expires; a shorter expiry already in place is kept.
#>
param(
    [int] $Days = 30
)
$ErrorActionPreference = 'Stop'

if ($Days -lt 1 -or $Days -gt 30) { throw 'Days must be between 1 and 30.' }
$t = Get-PnPTenant
$before = [int]$t.RequireAnonymousLinksExpireInDays
# 0 or -1 means Anyone links never expire.
if ($before -le 0 -or $before -gt $Days) {
    Set-PnPTenant -RequireAnonymousLinksExpireInDays $Days
    [pscustomobject]@{ setting = 'SPOTenant.RequireAnonymousLinksExpireInDays'; before = $before; after = $Days }
}
