<#
.TATER
id: powerbi-resource-key-auth-off
title: Block resource key authentication in Power BI
area: powerbi
controls: powerbi.resource-key-auth-blocked
runtime: powerbi
idempotent: true
description: Enables the BlockResourceKeyAuthentication tenant setting through the Fabric admin API, so streaming and push datasets only accept Entra ID sign-ins, not a shared resource key.
#>
param()
$ErrorActionPreference = 'Stop'

$name = 'BlockResourceKeyAuthentication'
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
$before = $false
if ($s) { $before = ($s.enabled -eq $true) }
if ($before) { return }
$body = @{ enabled = $true } | ConvertTo-Json -Compress
Invoke-RestMethod -Method POST -Uri "$base/$name/update" -Headers $headers -Body $body -ContentType 'application/json' | Out-Null
[pscustomobject]@{ setting = "FabricTenantSetting[$name].enabled"; before = $before; after = $true }
