<#
.TATER
id: scuba-spo-verification-code-reauth
title: Make guests who sign in with a verification code re-authenticate within 30 days
area: scuba
controls: spo.verification-code-reauth
runtime: spo
idempotent: true
parameter: Days | int | 30 | Most days before a verification-code guest must prove their address again (1 to 30)
description: Turns on EmailAttestationRequired and sets EmailAttestationReAuthDays, so access granted through a one-time code does not last indefinitely; a shorter period already set is kept.
#>
param(
    [int] $Days = 30
)
$ErrorActionPreference = 'Stop'

if ($Days -lt 1 -or $Days -gt 30) { throw 'Days must be between 1 and 30.' }
$t = Get-PnPTenant
$set = @{}
$changes = @()
if ($t.EmailAttestationRequired -ne $true) {
    $set['EmailAttestationRequired'] = $true
    $changes += [pscustomobject]@{ setting = 'SPOTenant.EmailAttestationRequired'; before = $t.EmailAttestationRequired; after = $true }
}
$before = [int]$t.EmailAttestationReAuthDays
if ($before -le 0 -or $before -gt $Days) {
    $set['EmailAttestationReAuthDays'] = $Days
    $changes += [pscustomobject]@{ setting = 'SPOTenant.EmailAttestationReAuthDays'; before = $before; after = $Days }
}
if ($set.Count -gt 0) { Set-PnPTenant @set; $changes }
