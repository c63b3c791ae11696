<#
.TATER
id: spo-infected-files-blocked
title: Block downloading files found to be infected
area: sharepoint
controls: spo.infected-file-download-blocked
runtime: spo
idempotent: true
description: Sets DisallowInfectedFileDownload on the SharePoint tenant, so files that the malware scan flagged in SharePoint, OneDrive and Teams cannot be downloaded, even by people who ignore the warning.
#>
param()
$ErrorActionPreference = 'Stop'

$t = Get-PnPTenant
if ($t.DisallowInfectedFileDownload -ne $true) {
    Set-PnPTenant -DisallowInfectedFileDownload $true
    [pscustomobject]@{ setting = 'SPOTenant.DisallowInfectedFileDownload'; before = $t.DisallowInfectedFileDownload; after = $true }
}
