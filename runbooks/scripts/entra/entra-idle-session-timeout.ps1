<#
.TATER
id: entra-idle-session-timeout
title: Sign out idle Microsoft 365 web sessions after at most 3 hours
area: entra
controls: aad.idle-session-timeout
runtime: graph
idempotent: true
parameter: Hours | int | 3 | Idle time after which Microsoft 365 web apps sign the user out (1 to 3)
description: Creates or tightens the organisation's activity-based timeout policy, the setting behind the Microsoft 365 idle session timeout, so unattended browser sessions end; a shorter timeout already in place is kept.
#>
param(
    [int] $Hours = 3
)
$ErrorActionPreference = 'Stop'

if ($Hours -lt 1 -or $Hours -gt 3) { throw 'Hours must be between 1 and 3.' }
$want = [TimeSpan]::FromHours($Hours)
$definition = @{ ActivityBasedTimeoutPolicy = @{ Version = 1; ApplicationPolicies = @(@{ ApplicationId = 'default'; WebSessionIdleTimeout = $want.ToString('hh\:mm\:ss') }) } } | ConvertTo-Json -Depth 5 -Compress

$list = @((Invoke-MgGraphRequest -Method GET -Uri '/v1.0/policies/activityBasedTimeoutPolicies').value)
if ($list.Count -eq 0) {
    $body = @{ displayName = 'DefaultTimeoutPolicy'; isOrganizationDefault = $true; definition = @($definition) } | ConvertTo-Json -Depth 5 -Compress
    Invoke-MgGraphRequest -Method POST -Uri '/v1.0/policies/activityBasedTimeoutPolicies' -Body $body -ContentType 'application/json' | Out-Null
    [pscustomobject]@{ setting = 'graph:policies/activityBasedTimeoutPolicies.WebSessionIdleTimeout'; before = $null; after = $want.ToString('hh\:mm\:ss') }
    return
}
$policy = $list | Where-Object { $_.isOrganizationDefault } | Select-Object -First 1
if (-not $policy) { $policy = $list[0] }
$current = $null
foreach ($d in @($policy.definition)) {
    $parsed = $d | ConvertFrom-Json
    foreach ($ap in @($parsed.ActivityBasedTimeoutPolicy.ApplicationPolicies)) {
        if ($ap.ApplicationId -eq 'default') { $current = [string]$ap.WebSessionIdleTimeout }
    }
}
$ts = [TimeSpan]::Zero
if (-not $policy.isOrganizationDefault -or -not $current -or -not [TimeSpan]::TryParse($current, [ref]$ts) -or $ts -gt $want) {
    # Only the organisation default policy applies, so the one we set must be it.
    $body = @{ definition = @($definition); isOrganizationDefault = $true } | ConvertTo-Json -Depth 5 -Compress
    Invoke-MgGraphRequest -Method PATCH -Uri "/v1.0/policies/activityBasedTimeoutPolicies/$($policy.id)" -Body $body -ContentType 'application/json' | Out-Null
    [pscustomobject]@{ setting = "graph:policies/activityBasedTimeoutPolicies[$($policy.id)].WebSessionIdleTimeout"; before = $current; after = $want.ToString('hh\:mm\:ss') }
}
