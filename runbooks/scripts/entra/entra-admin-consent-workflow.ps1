<#
.TATER
id: entra-admin-consent-workflow
title: Turn on the admin consent workflow with reviewers
area: entra
controls: aad.admin-consent-workflow
runtime: graph
idempotent: true
parameter: ReviewerRoleIds | string[] | 62e90394-69f5-4237-9190-012177145e10 | Directory role definition ids whose members review requests when none are set (default Global Administrator)
parameter: RequestDays | int | 30 | Days a request stays open before it expires
description: Enables the admin consent request policy with notifications and reminders and, when it names no reviewer, makes the members of the given roles reviewers, so users can ask for an application instead of being refused outright.
#>
param(
    [string[]] $ReviewerRoleIds = @('62e90394-69f5-4237-9190-012177145e10'),
    [int] $RequestDays = 30
)
$ErrorActionPreference = 'Stop'

$p = Invoke-MgGraphRequest -Method GET -Uri '/v1.0/policies/adminConsentRequestPolicy'
$reviewers = @($p.reviewers | Where-Object { $_ })
$changes = @()
if ($reviewers.Count -eq 0) {
    $reviewers = @($ReviewerRoleIds | Where-Object { $_ -match '^[0-9a-fA-F-]{36}$' } | ForEach-Object {
            @{ query = "/beta/roleManagement/directory/roleAssignments?`$filter=roleDefinitionId eq '$_'"; queryType = 'MicrosoftGraph'; queryRoot = $null }
        })
    if ($reviewers.Count -eq 0) { throw 'ReviewerRoleIds holds no role definition id.' }
    $changes += [pscustomobject]@{ setting = 'graph:policies/adminConsentRequestPolicy.reviewers'; before = @(); after = @($reviewers | ForEach-Object { $_.query }) }
}
foreach ($k in @('isEnabled', 'notifyReviewers', 'remindersEnabled')) {
    if ($p[$k] -ne $true) { $changes += [pscustomobject]@{ setting = "graph:policies/adminConsentRequestPolicy.$k"; before = $p[$k]; after = $true } }
}
$days = [int]$p.requestDurationInDays
if ($days -le 0) {
    $changes += [pscustomobject]@{ setting = 'graph:policies/adminConsentRequestPolicy.requestDurationInDays'; before = $p.requestDurationInDays; after = $RequestDays }
    $days = $RequestDays
}
if ($changes.Count -gt 0) {
    $body = @{ isEnabled = $true; notifyReviewers = $true; remindersEnabled = $true; requestDurationInDays = $days; reviewers = @($reviewers) } | ConvertTo-Json -Depth 5 -Compress
    Invoke-MgGraphRequest -Method PUT -Uri '/v1.0/policies/adminConsentRequestPolicy' -Body $body -ContentType 'application/json' | Out-Null
    $changes
}
