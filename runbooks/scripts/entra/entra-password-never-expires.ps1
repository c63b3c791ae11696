<#
.TATER
id: entra-password-never-expires
title: Stop user passwords from expiring
area: entra
controls: aad.password-never-expires
runtime: graph
idempotent: true
description: Sets passwordValidityPeriodInDays to 2147483647 (never expire) on every verified, managed root domain; federated domains follow their identity provider and are not touched.
#>
param()
$ErrorActionPreference = 'Stop'

$never = 2147483647
$domains = @()
$uri = '/v1.0/domains'
while ($uri) {
    $page = Invoke-MgGraphRequest -Method GET -Uri $uri
    $domains += @($page.value)
    $uri = $page['@odata.nextLink']
}
foreach ($d in @($domains | Where-Object { $_.isVerified -and $_.isRoot -and "$($_.authenticationType)" -eq 'Managed' })) {
    $before = $d.passwordValidityPeriodInDays
    if ([long]$before -ne $never) {
        $body = @{ passwordValidityPeriodInDays = $never } | ConvertTo-Json -Compress
        Invoke-MgGraphRequest -Method PATCH -Uri "/v1.0/domains/$($d.id)" -Body $body -ContentType 'application/json' | Out-Null
        [pscustomobject]@{ setting = "graph:domains[$($d.id)].passwordValidityPeriodInDays"; before = $before; after = $never }
    }
}
