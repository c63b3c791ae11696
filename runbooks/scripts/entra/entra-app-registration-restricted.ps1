<#
.TATER
id: entra-app-registration-restricted
title: Let only administrators register applications
area: entra
controls: aad.app-registration-restricted
runtime: graph
idempotent: true
description: Sets defaultUserRolePermissions.allowedToCreateApps to false in the authorization policy, so ordinary users can no longer create app registrations.
#>
param()
$ErrorActionPreference = 'Stop'

$p = Invoke-MgGraphRequest -Method GET -Uri '/v1.0/policies/authorizationPolicy'
$before = $p.defaultUserRolePermissions.allowedToCreateApps
if ($before -ne $false) {
    $body = @{ defaultUserRolePermissions = @{ allowedToCreateApps = $false } } | ConvertTo-Json -Depth 3 -Compress
    Invoke-MgGraphRequest -Method PATCH -Uri '/v1.0/policies/authorizationPolicy' -Body $body -ContentType 'application/json' | Out-Null
    [pscustomobject]@{ setting = 'graph:policies/authorizationPolicy.defaultUserRolePermissions.allowedToCreateApps'; before = $before; after = $false }
}
