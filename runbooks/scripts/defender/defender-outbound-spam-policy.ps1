<#
.TATER
id: defender-outbound-spam-policy
title: Limit outbound sending and notify administrators of outbound spam
area: defender
controls: defender.outbound-spam-limits, defender.outbound-spam-notify
runtime: exo
idempotent: true
parameter: ExternalPerHour | int | 500 | Most external recipients a user may send to per hour
parameter: InternalPerHour | int | 1000 | Most internal recipients a user may send to per hour
parameter: PerDay | int | 1000 | Most recipients a user may send to per day
parameter: NotifyAddress | string |  | Mailbox told about blocked senders and copied on suspicious outbound mail; empty leaves notifications as they are
description: Sets recipient limits with BlockUser on the default outbound spam policy and, when NotifyAddress is given, notifies and copies that mailbox about suspicious outbound mail.
#>
param(
    [int] $ExternalPerHour = 500,
    [int] $InternalPerHour = 1000,
    [int] $PerDay = 1000,
    [string] $NotifyAddress = ''
)
$ErrorActionPreference = 'Stop'

$id = 'Default'
$current = Get-HostedOutboundSpamFilterPolicy -Identity $id
$want = [ordered]@{
    RecipientLimitExternalPerHour = $ExternalPerHour
    RecipientLimitInternalPerHour = $InternalPerHour
    RecipientLimitPerDay          = $PerDay
    ActionWhenThresholdReached    = 'BlockUser'
}
$set = @{}
$changes = @()
foreach ($k in $want.Keys) {
    $before = $current.$k
    # A limit of 0 means "the service default", which is higher than ours.
    if ($k -like 'RecipientLimit*' -and [int]$before -gt 0 -and [int]$before -le [int]$want[$k]) { continue }
    if ("$before" -ne "$($want[$k])") {
        $set[$k] = $want[$k]
        $changes += [pscustomobject]@{ setting = "HostedOutboundSpamFilterPolicy[$id].$k"; before = $before; after = $want[$k] }
    }
}
if ($NotifyAddress) {
    $bcc = @($current.BccSuspiciousOutboundAdditionalRecipients | ForEach-Object { [string]$_ })
    $ntf = @($current.NotifyOutboundSpamRecipients | ForEach-Object { [string]$_ })
    if ($current.BccSuspiciousOutboundMail -ne $true) {
        $set['BccSuspiciousOutboundMail'] = $true
        $changes += [pscustomobject]@{ setting = "HostedOutboundSpamFilterPolicy[$id].BccSuspiciousOutboundMail"; before = $current.BccSuspiciousOutboundMail; after = $true }
    }
    if ($bcc -notcontains $NotifyAddress) {
        $set['BccSuspiciousOutboundAdditionalRecipients'] = @($bcc + $NotifyAddress)
        $changes += [pscustomobject]@{ setting = "HostedOutboundSpamFilterPolicy[$id].BccSuspiciousOutboundAdditionalRecipients"; before = $bcc; after = @($bcc + $NotifyAddress) }
    }
    if ($current.NotifyOutboundSpam -ne $true) {
        $set['NotifyOutboundSpam'] = $true
        $changes += [pscustomobject]@{ setting = "HostedOutboundSpamFilterPolicy[$id].NotifyOutboundSpam"; before = $current.NotifyOutboundSpam; after = $true }
    }
    if ($ntf -notcontains $NotifyAddress) {
        $set['NotifyOutboundSpamRecipients'] = @($ntf + $NotifyAddress)
        $changes += [pscustomobject]@{ setting = "HostedOutboundSpamFilterPolicy[$id].NotifyOutboundSpamRecipients"; before = $ntf; after = @($ntf + $NotifyAddress) }
    }
}
elseif ($current.NotifyOutboundSpam -ne $true -or $current.BccSuspiciousOutboundMail -ne $true) {
    'Outbound spam notifications are off; run again with NotifyAddress set to an administrators mailbox to turn them on.'
}
if ($set.Count -gt 0) { Set-HostedOutboundSpamFilterPolicy -Identity $id @set; $changes }
