<#
.TATER
id: scuba-protection-alerts
title: Turn on the alert policies SCuBA requires
area: scuba
controls: defender.required-alerts-enabled
runtime: exo
idempotent: true
description: Makes sure the built-in alert policies for suspicious sending, connectors, forwarding, delayed mail, restricted senders and malicious URL clicks are on; an alert the service will not let PowerShell change is reported with the portal steps.
#>
param()
$ErrorActionPreference = 'Stop'

$required = @(
    'Suspicious email sending patterns detected',
    'Suspicious connector activity',
    'Suspicious Email Forwarding Activity',
    'Messages have been delayed',
    'Tenant restricted from sending unprovisioned email',
    'Tenant restricted from sending email',
    'A potentially malicious URL click was detected'
)
$alerts = @(Get-ProtectionAlert)
foreach ($name in $required) {
    $a = $alerts | Where-Object { $_.Name -eq $name } | Select-Object -First 1
    if (-not $a) { Write-Error -ErrorAction Continue "Alert policy '$name' does not exist in this tenant (it may need a Defender for Office 365 licence)."; continue }
    if ($a.Disabled -ne $true) { continue }
    try {
        Set-ProtectionAlert -Identity ([string]$a.Identity) -Disabled $false | Out-Null
        [pscustomobject]@{ setting = "ProtectionAlert[$name].Disabled"; before = $true; after = $false }
    }
    catch {
        Write-Error -ErrorAction Continue "Alert policy '$name' is off and could not be turned on from PowerShell ($($_.Exception.Message)); turn it on in the Defender portal under Email & collaboration > Policies & rules > Alert policy."
    }
}
