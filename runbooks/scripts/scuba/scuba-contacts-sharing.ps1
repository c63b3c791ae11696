<#
.TATER
id: scuba-contacts-sharing
title: Stop sharing contacts with all external domains
area: scuba
controls: exo.contacts-sharing-restricted
runtime: exo
idempotent: true
description: Removes the ContactsSharing action granted to every domain (the "*" entry) from each sharing policy, keeping sharing with domains listed by name.
#>
param()
$ErrorActionPreference = 'Stop'

foreach ($p in @(Get-SharingPolicy)) {
    $before = @($p.Domains | ForEach-Object { [string]$_ })
    $after = @()
    foreach ($entry in $before) {
        $parts = $entry.Split(':', 2)
        if ($parts.Count -eq 2 -and $parts[0].Trim() -eq '*') {
            $keep = @($parts[1].Split(',') | ForEach-Object { $_.Trim() } | Where-Object { $_ -and $_ -ne 'ContactsSharing' })
            if ($keep.Count -gt 0) { $after += ('*:' + ($keep -join ', ')) }
        }
        else { $after += $entry }
    }
    if (($before -join '|') -ne ($after -join '|')) {
        if ($after.Count -gt 0) { Set-SharingPolicy -Identity ([string]$p.Identity) -Domains $after }
        else { Set-SharingPolicy -Identity ([string]$p.Identity) -Domains $null }
        [pscustomobject]@{ setting = "SharingPolicy[$($p.Identity)].Domains"; before = $before; after = $after }
    }
}
