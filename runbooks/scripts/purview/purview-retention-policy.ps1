<#
.TATER
id: purview-retention-policy
title: Keep mail, SharePoint and OneDrive content with a baseline retention policy
area: purview
controls: purview.retention-policy-exists
runtime: exo
idempotent: true
parameter: PolicyName | string | tater baseline retention | Name of the retention policy to create
parameter: Days | int | 365 | Days to retain content after it is created (content is kept, never deleted, by this policy)
description: When no enabled retention policy covers Exchange mailboxes, creates one for all mailboxes, SharePoint sites and OneDrive accounts that retains content for the given days without deleting anything.
#>
param(
    [string] $PolicyName = 'tater baseline retention',
    [int] $Days = 365
)
$ErrorActionPreference = 'Stop'

if ($Days -lt 1) { throw 'Days must be at least 1.' }
$existing = @(Get-RetentionCompliancePolicy | Where-Object { $_.Enabled -and @($_.ExchangeLocation).Count -gt 0 })
if ($existing.Count -gt 0) { return }

$mine = Get-RetentionCompliancePolicy | Where-Object { $_.Name -eq $PolicyName }
if (-not $mine) {
    New-RetentionCompliancePolicy -Name $PolicyName -ExchangeLocation All -SharePointLocation All -OneDriveLocation All -Enabled $true | Out-Null
    [pscustomobject]@{ setting = "RetentionCompliancePolicy[$PolicyName]"; before = $null; after = 'created for Exchange, SharePoint and OneDrive' }
}
elseif ($mine.Enabled -ne $true -or @($mine.ExchangeLocation).Count -eq 0) {
    Set-RetentionCompliancePolicy -Identity $PolicyName -Enabled $true -AddExchangeLocation All | Out-Null
    [pscustomobject]@{ setting = "RetentionCompliancePolicy[$PolicyName].Enabled"; before = $mine.Enabled; after = $true }
}
$rule = Get-RetentionComplianceRule -Policy $PolicyName | Select-Object -First 1
if (-not $rule) {
    New-RetentionComplianceRule -Name "$PolicyName rule" -Policy $PolicyName -RetentionDuration $Days -RetentionComplianceAction Keep -ExpirationDateOption CreationAgeInDays | Out-Null
    [pscustomobject]@{ setting = "RetentionComplianceRule[$PolicyName rule].RetentionDuration"; before = $null; after = $Days }
}
