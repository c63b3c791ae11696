<#
.TATER
id: scuba-audit-log-retention
title: Keep audit records for at least twelve months
area: scuba
controls: purview.audit-log-retention
runtime: exo
idempotent: true
parameter: Duration | string | TwelveMonths | Retention for audit records: TwelveMonths or TenYears (needs Microsoft Purview Audit Premium)
parameter: Priority | int | 100 | Priority of the policy to create (1 is highest)
description: When no audit log retention policy keeps every record type for the given duration, creates one for all Exchange, SharePoint and Entra ID audit records.
#>
param(
    [string] $Duration = 'TwelveMonths',
    [int] $Priority = 100
)
$ErrorActionPreference = 'Stop'

$rank = @{ ThreeMonths = 3; SixMonths = 6; NineMonths = 9; TwelveMonths = 12; TenYears = 120 }
if (@('TwelveMonths', 'TenYears') -notcontains $Duration) { throw 'Duration must be TwelveMonths or TenYears.' }
$types = @('ExchangeAdmin', 'ExchangeItem', 'ExchangeItemGroup', 'SharePoint', 'SharePointFileOperation', 'SharePointSharingOperation', 'OneDrive', 'AzureActiveDirectory', 'AzureActiveDirectoryAccountLogon', 'AzureActiveDirectoryStsLogon', 'MicrosoftTeams')
$name = 'tater audit retention'
$existing = @(Get-UnifiedAuditLogRetentionPolicy)
$good = @()
foreach ($pol in $existing) {
    if (-not ($rank["$($pol.RetentionDuration)"] -ge $rank[$Duration])) { continue }
    if (@($pol.Operations).Count -gt 0 -or @($pol.UserIds).Count -gt 0) { continue }
    $covered = @($pol.RecordTypes | ForEach-Object { [string]$_ })
    $uncovered = @($types | Where-Object { $covered -notcontains $_ })
    if ($covered.Count -eq 0 -or $uncovered.Count -eq 0) { $good += $pol }
}
if ($good.Count -gt 0) { return }
$mine = $existing | Where-Object { $_.Name -eq $name } | Select-Object -First 1
if ($mine) {
    Set-UnifiedAuditLogRetentionPolicy -Identity $name -RetentionDuration $Duration -RecordTypes $types | Out-Null
    [pscustomobject]@{ setting = "UnifiedAuditLogRetentionPolicy[$name].RetentionDuration"; before = "$($mine.RetentionDuration)"; after = $Duration }
}
else {
    New-UnifiedAuditLogRetentionPolicy -Name $name -RecordTypes $types -RetentionDuration $Duration -Priority $Priority | Out-Null
    [pscustomobject]@{ setting = "UnifiedAuditLogRetentionPolicy[$name]"; before = $null; after = "$Duration for $($types.Count) record types" }
}
