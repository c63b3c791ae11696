<#
.TATER
id: defender-antiphish-spoof
title: Turn on spoof intelligence and the unauthenticated-sender indicators
area: defender
controls: defender.antiphish-spoof
runtime: exo
idempotent: true
parameter: SpoofAction | string | Quarantine | What happens to mail that fails spoof checks: Quarantine or MoveToJmf
description: On the default anti-phishing policy, turns on spoof intelligence, honours the sender's DMARC policy, shows the first-contact tip, the unauthenticated-sender question mark and the via tag.
#>
param(
    [string] $SpoofAction = 'Quarantine'
)
$ErrorActionPreference = 'Stop'

if (@('Quarantine', 'MoveToJmf') -notcontains $SpoofAction) { throw 'SpoofAction must be Quarantine or MoveToJmf.' }
$policy = Get-AntiPhishPolicy | Where-Object { $_.IsDefault } | Select-Object -First 1
if (-not $policy) { throw 'No default anti-phishing policy was found.' }
$id = [string]$policy.Identity
$want = [ordered]@{
    EnableSpoofIntelligence     = $true
    HonorDmarcPolicy            = $true
    EnableFirstContactSafetyTips = $true
    EnableUnauthenticatedSender = $true
    EnableViaTag                = $true
    AuthenticationFailAction    = $SpoofAction
}
$set = @{}
$changes = @()
foreach ($k in $want.Keys) {
    if ("$($policy.$k)" -ne "$($want[$k])") {
        $set[$k] = $want[$k]
        $changes += [pscustomobject]@{ setting = "AntiPhishPolicy[$id].$k"; before = "$($policy.$k)"; after = $want[$k] }
    }
}
if ($set.Count -gt 0) { Set-AntiPhishPolicy -Identity $id @set; $changes }
