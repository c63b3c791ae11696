<#
.TATER
id: exo-mailtips
title: Turn on MailTips, including the external-recipient tip
area: exchange
controls: exo.mailtips-enabled
runtime: exo
idempotent: true
parameter: LargeAudienceThreshold | int | 25 | Recipients from which Outlook warns about a large audience
description: Turns on all MailTips, the external-recipient MailTip and group metrics, and sets the large-audience threshold, so users are warned before mail leaves the organisation or goes to many people.
#>
param(
    [int] $LargeAudienceThreshold = 25
)
$ErrorActionPreference = 'Stop'

$current = Get-OrganizationConfig
$want = [ordered]@{
    MailTipsAllTipsEnabled                = $true
    MailTipsExternalRecipientsTipsEnabled = $true
    MailTipsGroupMetricsEnabled           = $true
    MailTipsLargeAudienceThreshold        = $LargeAudienceThreshold
}
$set = @{}
$changes = @()
foreach ($k in $want.Keys) {
    if ("$($current.$k)" -ne "$($want[$k])") {
        $set[$k] = $want[$k]
        $changes += [pscustomobject]@{ setting = "OrganizationConfig.$k"; before = $current.$k; after = $want[$k] }
    }
}
if ($set.Count -gt 0) { Set-OrganizationConfig @set; $changes }
