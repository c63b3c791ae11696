<#
.TATER
id: scuba-spo-anyone-links-view-only
title: Make Anyone links to files and folders view-only
area: scuba
controls: spo.anyone-links-view-only
runtime: spo
idempotent: true
description: Sets FileAnonymousLinkType and FolderAnonymousLinkType to View, so an Anyone link can never let an unauthenticated person change or upload content.
#>
param()
$ErrorActionPreference = 'Stop'

$t = Get-PnPTenant
$set = @{}
$changes = @()
foreach ($k in @('FileAnonymousLinkType', 'FolderAnonymousLinkType')) {
    # None (Anyone links off) is stricter than View: keep it.
    if (@('View', 'None') -notcontains "$($t.$k)") {
        $set[$k] = 'View'
        $changes += [pscustomobject]@{ setting = "SPOTenant.$k"; before = "$($t.$k)"; after = 'View' }
    }
}
if ($set.Count -gt 0) { Set-PnPTenant @set; $changes }
