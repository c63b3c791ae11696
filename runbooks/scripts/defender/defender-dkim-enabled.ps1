<#
.TATER
id: defender-dkim-enabled
title: Sign outgoing mail with DKIM for every custom domain
area: defender
controls: defender.dkim-enabled
runtime: exo
idempotent: true
parameter: Domains | string[] |  | Domains to sign for; empty means every accepted domain except the onmicrosoft.com ones
description: Creates DKIM keys where a domain has none and turns DKIM signing on; where the selector CNAME records are not yet published, reports the two records to add to DNS instead.
#>
param(
    [string[]] $Domains = @()
)
$ErrorActionPreference = 'Stop'

if (-not $Domains -or $Domains.Count -eq 0) {
    $Domains = @(Get-AcceptedDomain | Where-Object { [string]$_.DomainName -notlike '*.onmicrosoft.com' } | ForEach-Object { [string]$_.DomainName })
}
foreach ($d in $Domains) {
    $cfg = $null
    try { $cfg = Get-DkimSigningConfig -Identity $d -ErrorAction Stop } catch { $cfg = $null }
    if (-not $cfg) {
        $cfg = New-DkimSigningConfig -DomainName $d -Enabled $false
        [pscustomobject]@{ setting = "DkimSigningConfig[$d]"; before = $null; after = 'keys created' }
    }
    if ($cfg.Enabled -eq $true) { continue }
    try {
        Set-DkimSigningConfig -Identity $d -Enabled $true
        [pscustomobject]@{ setting = "DkimSigningConfig[$d].Enabled"; before = $false; after = $true }
    }
    catch {
        $cfg = Get-DkimSigningConfig -Identity $d
        Write-Error -ErrorAction Continue ("DKIM for $d cannot be turned on until DNS has: selector1._domainkey.$d CNAME $($cfg.Selector1CNAME) and selector2._domainkey.$d CNAME $($cfg.Selector2CNAME). Publish them and run this again.")
    }
}
