<#
.TATER
id: scuba-dlp-pii-policy
title: Protect credit card, SSN and ITIN data with a DLP policy
area: scuba
controls: purview.dlp-pii-policy
runtime: exo
idempotent: true
parameter: PolicyName | string | tater PII protection | Name of the DLP policy to create
parameter: Mode | string | TestWithNotifications | TestWithNotifications (simulate and tell users) or Enable (enforce: blocks sharing)
description: Creates a DLP policy over Exchange, SharePoint, OneDrive and Teams that detects credit card numbers, U.S. Social Security and Individual Taxpayer Identification numbers and blocks their sharing; by default it runs in simulation until you set Mode to Enable.
#>
param(
    [string] $PolicyName = 'tater PII protection',
    [string] $Mode = 'TestWithNotifications'
)
$ErrorActionPreference = 'Stop'

if (@('TestWithNotifications', 'Enable') -notcontains $Mode) { throw 'Mode must be TestWithNotifications or Enable.' }
$types = @('Credit Card Number', 'U.S. Social Security Number (SSN)', 'U.S. Individual Taxpayer Identification Number (ITIN)')
$policy = Get-DlpCompliancePolicy | Where-Object { $_.Name -eq $PolicyName } | Select-Object -First 1
if (-not $policy) {
    New-DlpCompliancePolicy -Name $PolicyName -ExchangeLocation All -SharePointLocation All -OneDriveLocation All -TeamsLocation All -Mode $Mode | Out-Null
    [pscustomobject]@{ setting = "DlpCompliancePolicy[$PolicyName]"; before = $null; after = "created, mode $Mode" }
}
elseif ("$($policy.Mode)" -ne $Mode -and -not ($Mode -eq 'TestWithNotifications' -and "$($policy.Mode)" -eq 'Enable')) {
    Set-DlpCompliancePolicy -Identity $PolicyName -Mode $Mode | Out-Null
    [pscustomobject]@{ setting = "DlpCompliancePolicy[$PolicyName].Mode"; before = "$($policy.Mode)"; after = $Mode }
}
$ruleName = "$PolicyName rule"
$rule = Get-DlpComplianceRule -Policy $PolicyName | Where-Object { $_.Name -eq $ruleName } | Select-Object -First 1
if (-not $rule) {
    $sit = @($types | ForEach-Object { @{ Name = $_; minCount = '1' } })
    New-DlpComplianceRule -Name $ruleName -Policy $PolicyName -ContentContainsSensitiveInformation $sit -BlockAccess $true -NotifyUser Owner | Out-Null
    [pscustomobject]@{ setting = "DlpComplianceRule[$ruleName]"; before = $null; after = ($types -join ', ') }
}
