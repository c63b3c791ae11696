<#
.TATER
id: defender-safe-attachments-policy
title: Protect every recipient with a Safe Attachments policy that blocks malicious files
area: defender
controls: defender.safe-attachments-enabled
runtime: exo
idempotent: true
parameter: PolicyName | string | tater Safe Attachments | Name of the Safe Attachments policy and rule to create or update
parameter: Domains | string[] |  | Recipient domains the rule covers; empty means every accepted domain
description: Makes sure a Safe Attachments policy is on with the Block action and that its rule covers all accepted domains; creates the policy and rule when missing.
#>
param(
    [string] $PolicyName = 'tater Safe Attachments',
    [string[]] $Domains = @()
)
$ErrorActionPreference = 'Stop'

if (-not $Domains -or $Domains.Count -eq 0) { $Domains = @(Get-AcceptedDomain | ForEach-Object { [string]$_.DomainName }) }
$want = [ordered]@{ Enable = $true; Action = 'Block' }

$policy = Get-SafeAttachmentPolicy | Where-Object { $_.Name -eq $PolicyName }
if (-not $policy) {
    New-SafeAttachmentPolicy -Name $PolicyName @want | Out-Null
    [pscustomobject]@{ setting = "SafeAttachmentPolicy[$PolicyName]"; before = $null; after = 'created' }
    foreach ($k in $want.Keys) { [pscustomobject]@{ setting = "SafeAttachmentPolicy[$PolicyName].$k"; before = $null; after = $want[$k] } }
}
else {
    $set = @{}
    $changes = @()
    foreach ($k in $want.Keys) {
        if ("$($policy.$k)" -ne "$($want[$k])") {
            $set[$k] = $want[$k]
            $changes += [pscustomobject]@{ setting = "SafeAttachmentPolicy[$PolicyName].$k"; before = "$($policy.$k)"; after = $want[$k] }
        }
    }
    if ($set.Count -gt 0) { Set-SafeAttachmentPolicy -Identity $PolicyName @set; $changes }
}

$rule = Get-SafeAttachmentRule | Where-Object { $_.Name -eq $PolicyName }
if (-not $rule) {
    New-SafeAttachmentRule -Name $PolicyName -SafeAttachmentPolicy $PolicyName -RecipientDomainIs $Domains -Priority 0 | Out-Null
    [pscustomobject]@{ setting = "SafeAttachmentRule[$PolicyName].RecipientDomainIs"; before = $null; after = $Domains }
}
else {
    $have = @($rule.RecipientDomainIs | ForEach-Object { [string]$_ })
    $missing = @($Domains | Where-Object { $have -notcontains $_ })
    if ($missing.Count -gt 0) {
        $all = @($have + $missing)
        Set-SafeAttachmentRule -Identity $PolicyName -RecipientDomainIs $all
        [pscustomobject]@{ setting = "SafeAttachmentRule[$PolicyName].RecipientDomainIs"; before = $have; after = $all }
    }
    if ("$($rule.State)" -ne 'Enabled') {
        Enable-SafeAttachmentRule -Identity $PolicyName
        [pscustomobject]@{ setting = "SafeAttachmentRule[$PolicyName].State"; before = "$($rule.State)"; after = 'Enabled' }
    }
}
