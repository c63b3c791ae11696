<#
.TATER
id: scuba-safe-links-url-scanning
title: Scan links in real time, wait for the scan and track clicks in every Safe Links policy
area: scuba
controls: defender.safe-links-url-scanning
runtime: exo
idempotent: true
description: In every Safe Links policy, turns on real-time URL scanning, holds messages until the scan finishes, scans internal mail too and records user clicks.
#>
param()
$ErrorActionPreference = 'Stop'

$want = [ordered]@{ ScanUrls = $true; DeliverMessageAfterScan = $true; EnableForInternalSenders = $true; TrackClicks = $true }
$policies = @(Get-SafeLinksPolicy)
if ($policies.Count -eq 0) { Write-Error -ErrorAction Continue 'There is no Safe Links policy: run defender-safe-links-policy first.'; return }
foreach ($p in $policies) {
    $set = @{}
    $changes = @()
    foreach ($k in $want.Keys) {
        if ("$($p.$k)" -ne "$($want[$k])") {
            $set[$k] = $want[$k]
            $changes += [pscustomobject]@{ setting = "SafeLinksPolicy[$($p.Name)].$k"; before = $p.$k; after = $want[$k] }
        }
    }
    if ($set.Count -gt 0) {
        try { Set-SafeLinksPolicy -Identity ([string]$p.Identity) @set; $changes }
        catch { Write-Error -ErrorAction Continue "Safe Links policy '$($p.Name)' could not be changed: $($_.Exception.Message)" }
    }
}
