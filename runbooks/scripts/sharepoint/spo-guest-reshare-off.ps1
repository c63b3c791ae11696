<#
.TATER
id: spo-guest-reshare-off
title: Stop guests from resharing items they do not own
area: sharepoint
controls: spo.guest-reshare-disabled
runtime: graph
idempotent: true
description: Sets isResharingByExternalUsersEnabled to false in the SharePoint tenant settings, so a guest cannot pass on access to files and folders shared with them.
#>
param()
$ErrorActionPreference = 'Stop'

$s = Invoke-MgGraphRequest -Method GET -Uri '/v1.0/admin/sharepoint/settings'
if ($s.isResharingByExternalUsersEnabled -ne $false) {
    $body = @{ isResharingByExternalUsersEnabled = $false } | ConvertTo-Json -Compress
    Invoke-MgGraphRequest -Method PATCH -Uri '/v1.0/admin/sharepoint/settings' -Body $body -ContentType 'application/json' | Out-Null
    [pscustomobject]@{ setting = 'graph:admin/sharepoint/settings.isResharingByExternalUsersEnabled'; before = $s.isResharingByExternalUsersEnabled; after = $false }
}
