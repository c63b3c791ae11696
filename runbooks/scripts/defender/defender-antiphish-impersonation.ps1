<#
.TATER
id: defender-antiphish-impersonation
title: Turn on user impersonation protection and mailbox intelligence
area: defender
controls: defender.antiphish-impersonation
runtime: exo
idempotent: true
parameter: ProtectedUsers | string[] |  | Users to protect from impersonation, each as "Display Name;address@domain"; empty leaves the list as it is
parameter: PhishThreshold | int | 3 | Phishing threshold 1 (standard) to 4 (most aggressive); only raised, never lowered
description: On the default anti-phishing policy, turns on mailbox intelligence and its protection, quarantines impersonation, shows the impersonation safety tips, raises the phishing threshold and protects the given users.
#>
param(
    [string[]] $ProtectedUsers = @(),
    [int] $PhishThreshold = 3
)
$ErrorActionPreference = 'Stop'

$policy = Get-AntiPhishPolicy | Where-Object { $_.IsDefault } | Select-Object -First 1
if (-not $policy) { throw 'No default anti-phishing policy was found.' }
$id = [string]$policy.Identity
$want = [ordered]@{
    EnableMailboxIntelligence           = $true
    EnableMailboxIntelligenceProtection = $true
    MailboxIntelligenceProtectionAction = 'Quarantine'
    TargetedUserProtectionAction        = 'Quarantine'
    EnableSimilarUsersSafetyTips        = $true
    EnableSimilarDomainsSafetyTips      = $true
    EnableUnusualCharactersSafetyTips   = $true
}
$set = @{}
$changes = @()
foreach ($k in $want.Keys) {
    if ("$($policy.$k)" -ne "$($want[$k])") {
        $set[$k] = $want[$k]
        $changes += [pscustomobject]@{ setting = "AntiPhishPolicy[$id].$k"; before = "$($policy.$k)"; after = $want[$k] }
    }
}
if ([int]$policy.PhishThresholdLevel -lt $PhishThreshold) {
    $set['PhishThresholdLevel'] = $PhishThreshold
    $changes += [pscustomobject]@{ setting = "AntiPhishPolicy[$id].PhishThresholdLevel"; before = [int]$policy.PhishThresholdLevel; after = $PhishThreshold }
}
if ($ProtectedUsers.Count -gt 0) {
    $have = @($policy.TargetedUsersToProtect | ForEach-Object { [string]$_ })
    $add = @($ProtectedUsers | Where-Object { $have -notcontains $_ })
    if ($add.Count -gt 0) {
        $set['TargetedUsersToProtect'] = @($have + $add)
        $changes += [pscustomobject]@{ setting = "AntiPhishPolicy[$id].TargetedUsersToProtect"; before = $have; after = @($have + $add) }
    }
    if ($policy.EnableTargetedUserProtection -ne $true) {
        $set['EnableTargetedUserProtection'] = $true
        $changes += [pscustomobject]@{ setting = "AntiPhishPolicy[$id].EnableTargetedUserProtection"; before = $policy.EnableTargetedUserProtection; after = $true }
    }
}
elseif (@($policy.TargetedUsersToProtect).Count -eq 0) {
    'No user is protected from impersonation yet: run again with ProtectedUsers (executives, finance, administrators).'
}
if ($set.Count -gt 0) { Set-AntiPhishPolicy -Identity $id @set; $changes }
