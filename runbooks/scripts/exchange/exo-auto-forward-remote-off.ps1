<#
.TATER
id: exo-auto-forward-remote-off
title: Block automatic forwarding to external domains
area: exchange
controls: exo.auto-forward-blocked
runtime: exo
idempotent: true
parameter: IncludeOutboundPolicy | bool | true | Also set automatic forwarding to Off in the default outbound spam policy
description: Turns off AutoForwardEnabled on every remote domain and, by default, automatic forwarding in the default outbound spam policy, so mailbox rules cannot forward mail out of the organisation.
#>
param(
    [bool] $IncludeOutboundPolicy = $true
)
$ErrorActionPreference = 'Stop'

foreach ($rd in @(Get-RemoteDomain)) {
    if ($rd.AutoForwardEnabled -ne $false) {
        Set-RemoteDomain -Identity ([string]$rd.Identity) -AutoForwardEnabled $false
        [pscustomobject]@{ setting = "RemoteDomain[$($rd.Identity)].AutoForwardEnabled"; before = $rd.AutoForwardEnabled; after = $false }
    }
}
if ($IncludeOutboundPolicy) {
    $p = Get-HostedOutboundSpamFilterPolicy -Identity 'Default'
    if ("$($p.AutoForwardingMode)" -ne 'Off') {
        Set-HostedOutboundSpamFilterPolicy -Identity 'Default' -AutoForwardingMode Off
        [pscustomobject]@{ setting = 'HostedOutboundSpamFilterPolicy[Default].AutoForwardingMode'; before = "$($p.AutoForwardingMode)"; after = 'Off' }
    }
}
