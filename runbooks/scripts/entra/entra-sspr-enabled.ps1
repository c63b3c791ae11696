<#
.TATER
id: entra-sspr-enabled
title: Bring every member user into self-service password reset
area: entra
controls: aad.sspr-enabled
runtime: graph
idempotent: true
parameter: SsprGroupId | string |  | Object id of the group your SSPR policy is scoped to; users outside SSPR are added to it. Empty: report only
description: Finds member users that self-service password reset does not cover and, when the SSPR scope is a group, adds them to it; Graph cannot switch the SSPR scope to All, so without a group the steps are reported instead.
#>
param(
    [string] $SsprGroupId = ''
)
$ErrorActionPreference = 'Stop'

$missing = @()
$uri = '/v1.0/reports/authenticationMethods/userRegistrationDetails?$select=id,userPrincipalName,userType,isSsprEnabled'
while ($uri) {
    $page = Invoke-MgGraphRequest -Method GET -Uri $uri
    $missing += @($page.value | Where-Object { "$($_.userType)" -ne 'guest' -and $_.isSsprEnabled -ne $true })
    $uri = $page['@odata.nextLink']
}
if ($missing.Count -eq 0) { return }
if (-not $SsprGroupId) {
    Write-Error -ErrorAction Continue "$($missing.Count) member user(s) are outside self-service password reset. Microsoft Graph cannot change the SSPR scope: in the Entra admin center open Protection > Password reset > Properties and set 'Self service password reset enabled' to All, or scope it to a group and run this script again with SsprGroupId."
    return
}
if ($SsprGroupId -notmatch '^[0-9a-fA-F-]{36}$') { throw 'SsprGroupId must be a group object id.' }
foreach ($u in $missing) {
    $body = @{ '@odata.id' = "https://graph.microsoft.com/v1.0/directoryObjects/$($u.id)" } | ConvertTo-Json -Compress
    try {
        Invoke-MgGraphRequest -Method POST -Uri "/v1.0/groups/$SsprGroupId/members/`$ref" -Body $body -ContentType 'application/json' | Out-Null
        [pscustomobject]@{ setting = "graph:groups[$SsprGroupId].members[$($u.userPrincipalName)]"; before = 'absent'; after = 'member' }
    }
    catch {
        if ("$_" -notmatch 'already exist') { Write-Error -ErrorAction Continue "Adding $($u.userPrincipalName) to the SSPR group failed: $($_.Exception.Message)" }
    }
}
