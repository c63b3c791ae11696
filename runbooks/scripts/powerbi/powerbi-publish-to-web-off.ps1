<#
.TATER
id: powerbi-publish-to-web-off
title: Turn off Publish to web in Power BI
area: powerbi
controls: powerbi.publish-to-web-disabled
runtime: powerbi
idempotent: true
parameter: KeepGroupScoped | bool | false | Leave the setting alone when it is enabled only for specific security groups
description: Disables the PublishToWeb tenant setting through the Fabric admin API, so nobody can create a public, unauthenticated link to a report.
#>
param(
    [bool] $KeepGroupScoped = $false
)
$ErrorActionPreference = 'Stop'

$name = 'PublishToWeb'
$base = 'https://api.fabric.microsoft.com/v1/admin/tenantsettings'
$tok = Get-AzAccessToken -ResourceUrl 'https://api.fabric.microsoft.com' -WarningAction SilentlyContinue
$token = $tok.Token
if ($token -is [securestring]) { $token = ConvertFrom-SecureString -SecureString $token -AsPlainText }
$headers = @{ Authorization = "Bearer $token" }

$all = @()
$uri = $base
while ($uri) {
    $page = Invoke-RestMethod -Method GET -Uri $uri -Headers $headers
    if ($page.PSObject.Properties.Name -contains 'tenantSettings') { $all += @($page.tenantSettings) } else { $all += @($page.value) }
    $uri = $null
    if ($page.PSObject.Properties.Name -contains 'continuationUri' -and $page.continuationUri) { $uri = [string]$page.continuationUri }
}
$s = $all | Where-Object { $_.settingName -eq $name } | Select-Object -First 1
if (-not $s) { throw "The Fabric API did not return the $name tenant setting." }
if ($s.enabled -ne $true) { return }
$groups = @()
if ($s.PSObject.Properties.Name -contains 'enabledSecurityGroups') { $groups = @($s.enabledSecurityGroups) }
if ($KeepGroupScoped -and $groups.Count -gt 0) {
    "$name is enabled for $($groups.Count) security group(s) only; left as it is (KeepGroupScoped)."
    return
}
$body = @{ enabled = $false } | ConvertTo-Json -Compress
Invoke-RestMethod -Method POST -Uri "$base/$name/update" -Headers $headers -Body $body -ContentType 'application/json' | Out-Null
[pscustomobject]@{ setting = "FabricTenantSetting[$name].enabled"; before = $true; after = $false }
