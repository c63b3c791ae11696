<#
.TATER
id: spo-external-sharing-limited
title: Limit SharePoint external sharing to existing guests
area: sharepoint
controls: spo.external-sharing-limited
runtime: graph
idempotent: true
parameter: Level | string | existingExternalUserSharingOnly | Most permissive level allowed: existingExternalUserSharingOnly or disabled
description: Lowers the tenant's SharePoint sharing capability (Graph admin/sharepoint/settings sharingCapability) to sharing with existing guests only, or off; a tenant already stricter is left alone.
#>
param(
    [string] $Level = 'existingExternalUserSharingOnly'
)
$ErrorActionPreference = 'Stop'

# From most to least restrictive.
$order = @('disabled', 'existingExternalUserSharingOnly', 'externalUserSharingOnly', 'externalUserAndGuestSharing')
if (@('disabled', 'existingExternalUserSharingOnly') -notcontains $Level) { throw 'Level must be existingExternalUserSharingOnly or disabled.' }
$s = Invoke-MgGraphRequest -Method GET -Uri '/v1.0/admin/sharepoint/settings'
$before = [string]$s.sharingCapability
if ($order.IndexOf($before) -lt 0 -or $order.IndexOf($before) -gt $order.IndexOf($Level)) {
    $body = @{ sharingCapability = $Level } | ConvertTo-Json -Compress
    Invoke-MgGraphRequest -Method PATCH -Uri '/v1.0/admin/sharepoint/settings' -Body $body -ContentType 'application/json' | Out-Null
    [pscustomobject]@{ setting = 'graph:admin/sharepoint/settings.sharingCapability'; before = $before; after = $Level }
}
