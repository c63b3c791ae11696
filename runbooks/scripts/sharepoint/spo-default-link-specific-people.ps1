<#
.TATER
id: spo-default-link-specific-people
title: Make sharing links default to specific people with view permission
area: sharepoint
controls: spo.default-link-specific-people, spo.default-link-view
runtime: spo
idempotent: true
description: Sets the tenant's default sharing link type to specific people (Direct) and the default link permission to View, so a quick share no longer creates a broad or editable link.
#>
param()
$ErrorActionPreference = 'Stop'

$t = Get-PnPTenant
$want = [ordered]@{ DefaultSharingLinkType = 'Direct'; DefaultLinkPermission = 'View' }
$set = @{}
$changes = @()
foreach ($k in $want.Keys) {
    if ("$($t.$k)" -ne $want[$k]) {
        $set[$k] = $want[$k]
        $changes += [pscustomobject]@{ setting = "SPOTenant.$k"; before = "$($t.$k)"; after = $want[$k] }
    }
}
if ($set.Count -gt 0) { Set-PnPTenant @set; $changes }
