<#
.TATER
id: entra-user-consent-restricted
title: Stop users from consenting to applications
area: entra
controls: aad.user-consent-restricted
runtime: graph
idempotent: true
description: Removes every self-consent permission grant policy (ManagePermissionGrantsForSelf.*) from the default user role, keeping the others, so only administrators grant applications access to organisational data.
#>
param()
$ErrorActionPreference = 'Stop'

$p = Invoke-MgGraphRequest -Method GET -Uri '/v1.0/policies/authorizationPolicy'
$before = @($p.defaultUserRolePermissions.permissionGrantPoliciesAssigned | ForEach-Object { [string]$_ })
$after = @($before | Where-Object { $_ -notlike 'ManagePermissionGrantsForSelf.*' })
if ($after.Count -ne $before.Count) {
    $body = @{ defaultUserRolePermissions = @{ permissionGrantPoliciesAssigned = [string[]]$after } } | ConvertTo-Json -Depth 3 -Compress
    Invoke-MgGraphRequest -Method PATCH -Uri '/v1.0/policies/authorizationPolicy' -Body $body -ContentType 'application/json' | Out-Null
    [pscustomobject]@{ setting = 'graph:policies/authorizationPolicy.defaultUserRolePermissions.permissionGrantPoliciesAssigned'; before = $before; after = $after }
}
