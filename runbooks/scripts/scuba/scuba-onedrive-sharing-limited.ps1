<#
.TATER
id: scuba-onedrive-sharing-limited
title: Limit OneDrive external sharing to existing guests
area: scuba
controls: spo.onedrive-sharing-limited
runtime: spo
idempotent: true
parameter: Level | string | ExistingExternalUserSharingOnly | Most permissive OneDrive level allowed: ExistingExternalUserSharingOnly or Disabled
description: Lowers OneDriveSharingCapability so OneDrive files can be shared only with guests already in the directory, or not at all; a stricter setting is kept.
#>
param(
    [string] $Level = 'ExistingExternalUserSharingOnly'
)
$ErrorActionPreference = 'Stop'

$order = @('Disabled', 'ExistingExternalUserSharingOnly', 'ExternalUserSharingOnly', 'ExternalUserAndGuestSharing')
if (@('Disabled', 'ExistingExternalUserSharingOnly') -notcontains $Level) { throw 'Level must be ExistingExternalUserSharingOnly or Disabled.' }
$t = Get-PnPTenant
$before = "$($t.OneDriveSharingCapability)"
if ($order.IndexOf($before) -lt 0 -or $order.IndexOf($before) -gt $order.IndexOf($Level)) {
    Set-PnPTenant -OneDriveSharingCapability $Level
    [pscustomobject]@{ setting = 'SPOTenant.OneDriveSharingCapability'; before = $before; after = $Level }
}
