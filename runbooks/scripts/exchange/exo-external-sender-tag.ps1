<#
.TATER
id: exo-external-sender-tag
title: Tag mail from external senders in Outlook
area: exchange
controls: exo.external-sender-tag
runtime: exo
idempotent: true
description: Turns on the native External tag that Outlook shows on messages from outside the organisation.
#>
param()
$ErrorActionPreference = 'Stop'

$current = Get-ExternalInOutlook
if ($current.Enabled -ne $true) {
    Set-ExternalInOutlook -Enabled $true | Out-Null
    [pscustomobject]@{ setting = 'ExternalInOutlook.Enabled'; before = $current.Enabled; after = $true }
}
