<#
.TATER
id: scuba-connection-filter
title: Empty the connection filter IP allow list and turn off the safe list
area: scuba
controls: defender.connection-filter-no-allow-list
runtime: exo
idempotent: true
description: Clears the IP allow list of the default connection filter policy and turns off Microsoft's safe list, so no sender skips spam and phishing filtering because of its IP address.
#>
param()
$ErrorActionPreference = 'Stop'

$id = 'Default'
$p = Get-HostedConnectionFilterPolicy -Identity $id
$allow = @($p.IPAllowList | ForEach-Object { [string]$_ })
if ($allow.Count -gt 0) {
    Set-HostedConnectionFilterPolicy -Identity $id -IPAllowList $null
    [pscustomobject]@{ setting = "HostedConnectionFilterPolicy[$id].IPAllowList"; before = $allow; after = @() }
}
if ($p.EnableSafeList -ne $false) {
    Set-HostedConnectionFilterPolicy -Identity $id -EnableSafeList $false
    [pscustomobject]@{ setting = "HostedConnectionFilterPolicy[$id].EnableSafeList"; before = $p.EnableSafeList; after = $false }
}
