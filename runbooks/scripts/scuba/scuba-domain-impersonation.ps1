<#
.TATER
id: scuba-domain-impersonation
title: Protect your own and partner domains from impersonation
area: scuba
controls: defender.domain-impersonation-protection
runtime: exo
idempotent: true
parameter: PartnerDomains | string[] |  | Partner domains to protect as well; empty protects only your accepted domains
description: On the default anti-phishing policy, turns on impersonation protection for all accepted domains and the given partner domains and quarantines messages that impersonate them.
#>
param(
    [string[]] $PartnerDomains = @()
)
$ErrorActionPreference = 'Stop'

$policy = Get-AntiPhishPolicy | Where-Object { $_.IsDefault } | Select-Object -First 1
if (-not $policy) { throw 'No default anti-phishing policy was found.' }
$id = [string]$policy.Identity
$set = @{}
$changes = @()
if ($policy.EnableOrganizationDomainsProtection -ne $true) {
    $set['EnableOrganizationDomainsProtection'] = $true
    $changes += [pscustomobject]@{ setting = "AntiPhishPolicy[$id].EnableOrganizationDomainsProtection"; before = $policy.EnableOrganizationDomainsProtection; after = $true }
}
if ("$($policy.TargetedDomainProtectionAction)" -ne 'Quarantine') {
    $set['TargetedDomainProtectionAction'] = 'Quarantine'
    $changes += [pscustomobject]@{ setting = "AntiPhishPolicy[$id].TargetedDomainProtectionAction"; before = "$($policy.TargetedDomainProtectionAction)"; after = 'Quarantine' }
}
if ($PartnerDomains.Count -gt 0) {
    $have = @($policy.TargetedDomainsToProtect | ForEach-Object { [string]$_ })
    $add = @($PartnerDomains | Where-Object { $have -notcontains $_ })
    if ($add.Count -gt 0) {
        $set['TargetedDomainsToProtect'] = @($have + $add)
        $changes += [pscustomobject]@{ setting = "AntiPhishPolicy[$id].TargetedDomainsToProtect"; before = $have; after = @($have + $add) }
    }
    if ($policy.EnableTargetedDomainsProtection -ne $true) {
        $set['EnableTargetedDomainsProtection'] = $true
        $changes += [pscustomobject]@{ setting = "AntiPhishPolicy[$id].EnableTargetedDomainsProtection"; before = $policy.EnableTargetedDomainsProtection; after = $true }
    }
}
if ($set.Count -gt 0) { Set-AntiPhishPolicy -Identity $id @set; $changes }
