<#
.TATER
id: defender-atp-spo-odb-teams
title: Turn on Safe Attachments for SharePoint, OneDrive and Teams
area: defender
controls: defender.atp-spo-odb-teams
runtime: exo
idempotent: true
parameter: IncludeSafeDocs | bool | false | Also turn on Safe Documents and forbid opening flagged files (needs Microsoft 365 E5)
description: Sets EnableATPForSPOTeamsODB on the tenant's Defender for Office 365 policy so malicious files in SharePoint, OneDrive and Teams are detected and blocked.
#>
param(
    [bool] $IncludeSafeDocs = $false
)
$ErrorActionPreference = 'Stop'

$want = [ordered]@{ EnableATPForSPOTeamsODB = $true }
if ($IncludeSafeDocs) { $want['EnableSafeDocs'] = $true; $want['AllowSafeDocsOpen'] = $false }

$current = Get-AtpPolicyForO365
$set = @{}
$changes = @()
foreach ($k in $want.Keys) {
    if ("$($current.$k)" -ne "$($want[$k])") {
        $set[$k] = $want[$k]
        $changes += [pscustomobject]@{ setting = "AtpPolicyForO365.$k"; before = $current.$k; after = $want[$k] }
    }
}
if ($set.Count -gt 0) { Set-AtpPolicyForO365 @set; $changes }
