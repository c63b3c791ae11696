<#
.TATER
id: defender-spf-check
title: Check that every mail domain publishes an SPF record that ends in -all
area: defender
controls: defender.spf-published
runtime: graph
idempotent: true
parameter: RequiredInclude | string | include:spf.protection.outlook.com | Mechanism the SPF record must contain
description: Reads the tenant's verified mail domains and their SPF TXT records; SPF lives in public DNS, which tater cannot change, so each domain at fault is reported with the record to publish.
#>
param(
    [string] $RequiredInclude = 'include:spf.protection.outlook.com'
)
$ErrorActionPreference = 'Stop'

if (-not (Get-Command -Name Resolve-DnsName -ErrorAction SilentlyContinue)) {
    throw 'Resolve-DnsName is not available here: run this check on a Windows worker.'
}
$domains = @()
$uri = '/v1.0/domains?$select=id,isVerified,supportedServices'
while ($uri) {
    $page = Invoke-MgGraphRequest -Method GET -Uri $uri
    $domains += @($page.value)
    $uri = $page['@odata.nextLink']
}
$mail = @($domains | Where-Object { $_.isVerified -and (@($_.supportedServices) -contains 'Email') -and ($_.id -notlike '*.onmicrosoft.com') })
foreach ($d in $mail) {
    $name = [string]$d.id
    $spf = @()
    try {
        $spf = @(Resolve-DnsName -Name $name -Type TXT -DnsOnly -ErrorAction Stop | Where-Object { $_.Type -eq 'TXT' } |
            ForEach-Object { ($_.Strings -join '') } | Where-Object { $_ -match '^v=spf1(\s|$)' })
    }
    catch { $spf = @() }
    $suggest = "v=spf1 $RequiredInclude -all"
    if ($spf.Count -eq 0) { Write-Error -ErrorAction Continue "$name publishes no SPF record; add TXT `"$suggest`"."; continue }
    if ($spf.Count -gt 1) { Write-Error -ErrorAction Continue "$name publishes $($spf.Count) SPF records; keep exactly one."; continue }
    $r = $spf[0]
    if ($r -notmatch '(^|\s)-all$' -and $r -notmatch '(^|\s)redirect=') { Write-Error -ErrorAction Continue "$name SPF record '$r' does not end in -all (hard fail)."; continue }
    if ($r -notmatch "(^|\s)$([regex]::Escape($RequiredInclude))(\s|$)" -and $r -notmatch '(^|\s)redirect=') { Write-Error -ErrorAction Continue "$name SPF record '$r' lacks $RequiredInclude."; continue }
}
"Checked SPF for $($mail.Count) mail domain(s)."
