<#
.TATER
id: entra-guest-access-restricted
title: Give guest users limited directory access
area: entra
controls: aad.guest-access-restricted
runtime: graph
idempotent: true
parameter: Level | string | limited | limited (guests see only their own objects and the groups they belong to) or restricted (most restrictive)
description: Sets guestUserRoleId in the authorization policy so guests no longer have member-level access to the directory; a stricter level already in place is kept.
#>
param(
    [string] $Level = 'limited'
)
$ErrorActionPreference = 'Stop'

$ids = @{ limited = '10dae51f-b6af-4016-8d66-8c2a99b929b3'; restricted = '2af84b1e-32c8-42b7-82bc-daa82404023b' }
if (-not $ids.ContainsKey($Level)) { throw 'Level must be limited or restricted.' }
$p = Invoke-MgGraphRequest -Method GET -Uri '/v1.0/policies/authorizationPolicy'
$before = [string]$p.guestUserRoleId
$ok = @($ids[$Level])
if ($Level -eq 'limited') { $ok += $ids['restricted'] }
if ($ok -notcontains $before) {
    $body = @{ guestUserRoleId = $ids[$Level] } | ConvertTo-Json -Compress
    Invoke-MgGraphRequest -Method PATCH -Uri '/v1.0/policies/authorizationPolicy' -Body $body -ContentType 'application/json' | Out-Null
    [pscustomobject]@{ setting = 'graph:policies/authorizationPolicy.guestUserRoleId'; before = $before; after = $ids[$Level] }
}
