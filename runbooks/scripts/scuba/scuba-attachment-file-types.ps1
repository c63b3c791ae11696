<#
.TATER
id: scuba-attachment-file-types
title: Quarantine click-to-run and other disallowed attachment types
area: scuba
controls: defender.attachment-types-quarantined
runtime: exo
idempotent: true
parameter: ExtraTypes | string[] | cmd,exe,vbe,js,jse,ps1,vbs,wsf,scr,hta,msi,bat,com,lnk,iso | File types that must be on the default policy's block list
description: On the default anti-malware policy, turns on the attachment filter, adds missing click-to-run and script file types to its list and quarantines matching messages.
#>
param(
    [string[]] $ExtraTypes = @('cmd', 'exe', 'vbe', 'js', 'jse', 'ps1', 'vbs', 'wsf', 'scr', 'hta', 'msi', 'bat', 'com', 'lnk', 'iso')
)
$ErrorActionPreference = 'Stop'

$id = 'Default'
$p = Get-MalwareFilterPolicy -Identity $id
$set = @{}
$changes = @()
if ($p.EnableFileFilter -ne $true) {
    $set['EnableFileFilter'] = $true
    $changes += [pscustomobject]@{ setting = "MalwareFilterPolicy[$id].EnableFileFilter"; before = $p.EnableFileFilter; after = $true }
}
$have = @($p.FileTypes | ForEach-Object { ([string]$_).ToLowerInvariant() })
$add = @($ExtraTypes | ForEach-Object { $_.Trim().TrimStart('.').ToLowerInvariant() } | Where-Object { $_ -and $have -notcontains $_ } | Select-Object -Unique)
if ($add.Count -gt 0) {
    $set['FileTypes'] = @($have + $add)
    $changes += [pscustomobject]@{ setting = "MalwareFilterPolicy[$id].FileTypes"; before = $have; after = @($have + $add) }
}
if ("$($p.FileTypeAction)" -ne 'Quarantine') {
    $set['FileTypeAction'] = 'Quarantine'
    $changes += [pscustomobject]@{ setting = "MalwareFilterPolicy[$id].FileTypeAction"; before = "$($p.FileTypeAction)"; after = 'Quarantine' }
}
if ($set.Count -gt 0) { Set-MalwareFilterPolicy -Identity $id @set; $changes }
