<#
.TATER
id: entra-guest-invites-restricted
title: Let only admins and Guest Inviters invite guests
area: entra
controls: aad.guest-invites-restricted
runtime: graph
idempotent: true
description: Sets allowInvitesFrom in the authorization policy to adminsAndGuestInviters; a tenant where nobody may invite (none) is left alone.
#>
param()
$ErrorActionPreference = 'Stop'

$p = Invoke-MgGraphRequest -Method GET -Uri '/v1.0/policies/authorizationPolicy'
$before = [string]$p.allowInvitesFrom
if (@('adminsAndGuestInviters', 'none') -notcontains $before) {
    $body = @{ allowInvitesFrom = 'adminsAndGuestInviters' } | ConvertTo-Json -Compress
    Invoke-MgGraphRequest -Method PATCH -Uri '/v1.0/policies/authorizationPolicy' -Body $body -ContentType 'application/json' | Out-Null
    [pscustomobject]@{ setting = 'graph:policies/authorizationPolicy.allowInvitesFrom'; before = $before; after = 'adminsAndGuestInviters' }
}
