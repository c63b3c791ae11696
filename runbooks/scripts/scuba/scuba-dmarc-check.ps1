<#
.TATER
id: scuba-dmarc-check
title: Check that every mail domain publishes a DMARC reject policy with reporting
area: scuba
controls: defender.dmarc-published
runtime: graph
idempotent: true
parameter: RequiredReportAddress | string |  | An address every rua= must include (SCuBA asks federal agencies for mailto:reports@dmarc.cyber.dhs.gov); empty: any rua
description: Reads the tenant's verified mail domains and their _dmarc TXT records; DMARC lives in public DNS, which tater cannot change, so each domain without p=reject and an aggregate report address is reported with the record to publish.
#>
param(
    [string] $RequiredReportAddress = ''
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
    $rua = 'mailto:dmarc-reports@' + $name
    if ($RequiredReportAddress) { $rua = $RequiredReportAddress }
    $suggest = "_dmarc.$name TXT `"v=DMARC1; p=reject; pct=100; rua=$rua`""
    $rec = @()
    try {
        $rec = @(Resolve-DnsName -Name "_dmarc.$name" -Type TXT -DnsOnly -ErrorAction Stop | Where-Object { $_.Type -eq 'TXT' } |
            ForEach-Object { ($_.Strings -join '') } | Where-Object { $_ -match '^v=DMARC1' })
    }
    catch { $rec = @() }
    if ($rec.Count -ne 1) { Write-Error -ErrorAction Continue "$name has $($rec.Count) DMARC records; publish exactly one: $suggest"; continue }
    $r = $rec[0]
    if ($r -notmatch '(^|;)\s*p=reject\s*(;|$)') { Write-Error -ErrorAction Continue "$name DMARC policy is not p=reject ('$r'); publish $suggest"; continue }
    if ($r -match '(^|;)\s*pct=([0-9]+)' -and [int]$Matches[2] -lt 100) { Write-Error -ErrorAction Continue "$name DMARC applies to only $($Matches[2]) % of mail; set pct=100."; continue }
    if ($r -notmatch '(^|;)\s*rua=') { Write-Error -ErrorAction Continue "$name DMARC record has no aggregate report address (rua=); publish $suggest"; continue }
    if ($RequiredReportAddress -and $r -notmatch [regex]::Escape($RequiredReportAddress)) { Write-Error -ErrorAction Continue "$name DMARC rua= lacks $RequiredReportAddress."; continue }
}
"Checked DMARC for $($mail.Count) mail domain(s)."
