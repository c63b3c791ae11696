<#
.TATER
id: defender-safe-links-policy
title: Protect every recipient with a Safe Links policy for email, Teams and Office apps
area: defender
controls: defender.safe-links-enabled
runtime: exo
idempotent: true
parameter: PolicyName | string | tater Safe Links | Name of the Safe Links policy and rule to create or update
parameter: Domains | string[] |  | Recipient domains the rule covers; empty means every accepted domain
description: Makes sure a Safe Links policy checks links in email, Teams and Office apps without click-through and that its rule covers all accepted domains; creates the policy and rule when missing.
#>
param(
    [string] $PolicyName = 'tater Safe Links',
    [string[]] $Domains = @()
)
$ErrorActionPreference = 'Stop'

if (-not $Domains -or $Domains.Count -eq 0) { $Domains = @(Get-AcceptedDomain | ForEach-Object { [string]$_.DomainName }) }
$want = [ordered]@{
    EnableSafeLinksForEmail  = $true
    EnableSafeLinksForTeams  = $true
    EnableSafeLinksForOffice = $true
    AllowClickThrough        = $false
}

$policy = Get-SafeLinksPolicy | Where-Object { $_.Name -eq $PolicyName }
if (-not $policy) {
    New-SafeLinksPolicy -Name $PolicyName @want | Out-Null
    [pscustomobject]@{ setting = "SafeLinksPolicy[$PolicyName]"; before = $null; after = 'created' }
    foreach ($k in $want.Keys) { [pscustomobject]@{ setting = "SafeLinksPolicy[$PolicyName].$k"; before = $null; after = $want[$k] } }
}
else {
    $set = @{}
    $changes = @()
    foreach ($k in $want.Keys) {
        if ("$($policy.$k)" -ne "$($want[$k])") {
            $set[$k] = $want[$k]
            $changes += [pscustomobject]@{ setting = "SafeLinksPolicy[$PolicyName].$k"; before = $policy.$k; after = $want[$k] }
        }
    }
    if ($set.Count -gt 0) { Set-SafeLinksPolicy -Identity $PolicyName @set; $changes }
}

$rule = Get-SafeLinksRule | Where-Object { $_.Name -eq $PolicyName }
if (-not $rule) {
    New-SafeLinksRule -Name $PolicyName -SafeLinksPolicy $PolicyName -RecipientDomainIs $Domains -Priority 0 | Out-Null
    [pscustomobject]@{ setting = "SafeLinksRule[$PolicyName].RecipientDomainIs"; before = $null; after = $Domains }
}
else {
    $have = @($rule.RecipientDomainIs | ForEach-Object { [string]$_ })
    $missing = @($Domains | Where-Object { $have -notcontains $_ })
    if ($missing.Count -gt 0) {
        $all = @($have + $missing)
        Set-SafeLinksRule -Identity $PolicyName -RecipientDomainIs $all
        [pscustomobject]@{ setting = "SafeLinksRule[$PolicyName].RecipientDomainIs"; before = $have; after = $all }
    }
    if ("$($rule.State)" -ne 'Enabled') {
        Enable-SafeLinksRule -Identity $PolicyName
        [pscustomobject]@{ setting = "SafeLinksRule[$PolicyName].State"; before = "$($rule.State)"; after = 'Enabled' }
    }
}
