<#
.TATER
id: scuba-preset-security-policies
title: Turn on the Standard and Strict preset security policies
area: scuba
controls: defender.preset-policies-enabled
runtime: exo
idempotent: true
parameter: StrictRecipients | string[] |  | Sensitive users to put under the Strict preset policy; empty leaves its recipients as they are
description: Turns on the Standard preset security policy for every accepted domain (Exchange Online Protection and, where licensed, Defender for Office 365) and the Strict preset for the given sensitive users.
#>
param(
    [string[]] $StrictRecipients = @()
)
$ErrorActionPreference = 'Stop'

$domains = @(Get-AcceptedDomain | ForEach-Object { [string]$_.DomainName })
$hasAtp = [bool](Get-Command -Name Get-ATPProtectionPolicyRule -ErrorAction SilentlyContinue)

function Get-PresetRule([string] $Kind, [string] $Name) {
    try {
        if ($Kind -eq 'eop') { return (Get-EOPProtectionPolicyRule -Identity $Name -ErrorAction Stop) }
        return (Get-ATPProtectionPolicyRule -Identity $Name -ErrorAction Stop)
    }
    catch { return $null }
}

function Test-NoRecipients($r) {
    return (@($r.SentTo).Count + @($r.SentToMemberOf).Count + @($r.RecipientDomainIs).Count) -eq 0
}

$eop = Get-PresetRule 'eop' 'Standard Preset Security Policy'
if (-not $eop) {
    Write-Error -ErrorAction Continue 'The Standard preset security policy has never been turned on in this tenant: open the Defender portal > Email & collaboration > Policies & rules > Threat policies > Preset security policies, turn on Standard protection once, then run this again.'
}
else {
    if (Test-NoRecipients $eop) {
        Set-EOPProtectionPolicyRule -Identity 'Standard Preset Security Policy' -RecipientDomainIs $domains
        [pscustomobject]@{ setting = 'EOPProtectionPolicyRule[Standard Preset Security Policy].RecipientDomainIs'; before = @(); after = $domains }
    }
    if ("$($eop.State)" -ne 'Enabled') {
        Enable-EOPProtectionPolicyRule -Identity 'Standard Preset Security Policy'
        [pscustomobject]@{ setting = 'EOPProtectionPolicyRule[Standard Preset Security Policy].State'; before = "$($eop.State)"; after = 'Enabled' }
    }
    if ($hasAtp) {
        $atp = Get-PresetRule 'atp' 'Standard Preset Security Policy'
        if ($atp) {
            if (Test-NoRecipients $atp) {
                Set-ATPProtectionPolicyRule -Identity 'Standard Preset Security Policy' -RecipientDomainIs $domains
                [pscustomobject]@{ setting = 'ATPProtectionPolicyRule[Standard Preset Security Policy].RecipientDomainIs'; before = @(); after = $domains }
            }
            if ("$($atp.State)" -ne 'Enabled') {
                Enable-ATPProtectionPolicyRule -Identity 'Standard Preset Security Policy'
                [pscustomobject]@{ setting = 'ATPProtectionPolicyRule[Standard Preset Security Policy].State'; before = "$($atp.State)"; after = 'Enabled' }
            }
        }
    }
}

$strict = Get-PresetRule 'eop' 'Strict Preset Security Policy'
if ($strict) {
    $have = @($strict.SentTo | ForEach-Object { [string]$_ })
    $add = @($StrictRecipients | Where-Object { $have -notcontains $_ })
    if ($add.Count -gt 0) {
        Set-EOPProtectionPolicyRule -Identity 'Strict Preset Security Policy' -SentTo @($have + $add)
        [pscustomobject]@{ setting = 'EOPProtectionPolicyRule[Strict Preset Security Policy].SentTo'; before = $have; after = @($have + $add) }
        if ($hasAtp -and (Get-PresetRule 'atp' 'Strict Preset Security Policy')) {
            Set-ATPProtectionPolicyRule -Identity 'Strict Preset Security Policy' -SentTo @($have + $add)
            [pscustomobject]@{ setting = 'ATPProtectionPolicyRule[Strict Preset Security Policy].SentTo'; before = $have; after = @($have + $add) }
        }
    }
    if ((-not (Test-NoRecipients $strict) -or $add.Count -gt 0) -and "$($strict.State)" -ne 'Enabled') {
        Enable-EOPProtectionPolicyRule -Identity 'Strict Preset Security Policy'
        [pscustomobject]@{ setting = 'EOPProtectionPolicyRule[Strict Preset Security Policy].State'; before = "$($strict.State)"; after = 'Enabled' }
        if ($hasAtp -and (Get-PresetRule 'atp' 'Strict Preset Security Policy')) {
            Enable-ATPProtectionPolicyRule -Identity 'Strict Preset Security Policy'
            [pscustomobject]@{ setting = 'ATPProtectionPolicyRule[Strict Preset Security Policy].State'; before = "$($strict.State)"; after = 'Enabled' }
        }
    }
}
if ($StrictRecipients.Count -eq 0 -and (-not $strict -or (Test-NoRecipients $strict))) {
    'The Strict preset policy protects nobody yet: run again with StrictRecipients listing your sensitive accounts.'
}
