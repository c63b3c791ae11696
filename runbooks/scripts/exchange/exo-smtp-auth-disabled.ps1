<#
.TATER
id: exo-smtp-auth-disabled
title: Turn off SMTP AUTH for the organisation
area: exchange
controls: exo.smtp-auth-disabled
runtime: exo
idempotent: true
description: Sets SmtpClientAuthenticationDisabled in the transport configuration, so clients can no longer send mail with a password over authenticated SMTP; a mailbox that truly needs it can be allowed on its own.
#>
param()
$ErrorActionPreference = 'Stop'

$current = Get-TransportConfig
if ($current.SmtpClientAuthenticationDisabled -ne $true) {
    Set-TransportConfig -SmtpClientAuthenticationDisabled $true
    [pscustomobject]@{ setting = 'TransportConfig.SmtpClientAuthenticationDisabled'; before = $current.SmtpClientAuthenticationDisabled; after = $true }
}
