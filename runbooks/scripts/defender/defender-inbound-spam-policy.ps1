<#
.TATER
id: defender-inbound-spam-policy
title: Quarantine high-confidence spam and phishing and purge it after delivery
area: defender
controls: defender.inbound-spam-actions, defender.spam-zap-enabled
runtime: exo
idempotent: true
parameter: BulkThreshold | int | 6 | Bulk complaint level at or above which mail is treated as bulk (lower is stricter)
description: On the default anti-spam policy, moves spam to Junk, quarantines high-confidence spam and phishing, and turns on zero-hour auto purge for spam and phishing.
#>
param(
    [int] $BulkThreshold = 6
)
$ErrorActionPreference = 'Stop'

$id = 'Default'
$current = Get-HostedContentFilterPolicy -Identity $id
$want = [ordered]@{
    SpamAction                = 'MoveToJmf'
    HighConfidenceSpamAction  = 'Quarantine'
    PhishSpamAction           = 'Quarantine'
    HighConfidencePhishAction = 'Quarantine'
    SpamZapEnabled            = $true
    PhishZapEnabled           = $true
}
$set = @{}
$changes = @()
foreach ($k in $want.Keys) {
    # Quarantining plain spam is stricter than Junk: leave it.
    if ($k -eq 'SpamAction' -and "$($current.$k)" -eq 'Quarantine') { continue }
    if ("$($current.$k)" -ne "$($want[$k])") {
        $set[$k] = $want[$k]
        $changes += [pscustomobject]@{ setting = "HostedContentFilterPolicy[$id].$k"; before = "$($current.$k)"; after = $want[$k] }
    }
}
if ([int]$current.BulkThreshold -gt $BulkThreshold) {
    $set['BulkThreshold'] = $BulkThreshold
    $changes += [pscustomobject]@{ setting = "HostedContentFilterPolicy[$id].BulkThreshold"; before = [int]$current.BulkThreshold; after = $BulkThreshold }
}
if ($set.Count -gt 0) { Set-HostedContentFilterPolicy -Identity $id @set; $changes }
