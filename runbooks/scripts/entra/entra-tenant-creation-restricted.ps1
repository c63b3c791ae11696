<#
.TATER
id: entra-tenant-creation-restricted
title: Stop non-admin users from creating tenants
area: entra
controls: aad.tenant-creation-restricted
runtime: graph
idempotent: true
description: Sets defaultUserRolePermissions.allowedToCreateTenants to false in the authorization policy.
#>
param()
$ErrorActionPreference = 'Stop'

$p = Invoke-MgGraphRequest -Method GET -Uri '/v1.0/policies/authorizationPolicy'
$before = $p.defaultUserRolePermissions.allowedToCreateTenants
if ($before -ne $false) {
    $body = @{ defaultUserRolePermissions = @{ allowedToCreateTenants = $false } } | ConvertTo-Json -Depth 3 -Compress
    Invoke-MgGraphRequest -Method PATCH -Uri '/v1.0/policies/authorizationPolicy' -Body $body -ContentType 'application/json' | Out-Null
    [pscustomobject]@{ setting = 'graph:policies/authorizationPolicy.defaultUserRolePermissions.allowedToCreateTenants'; before = $before; after = $false }
}
