<#
.TATER
id: exo-modern-auth
title: Turn on modern authentication for Exchange Online
area: exchange
controls: exo.modern-auth-enabled
runtime: exo
idempotent: true
description: Sets OAuth2ClientProfileEnabled so Outlook and other clients sign in with modern authentication (and therefore MFA and conditional access).
#>
param()
$ErrorActionPreference = 'Stop'

$current = Get-OrganizationConfig
if ($current.OAuth2ClientProfileEnabled -ne $true) {
    Set-OrganizationConfig -OAuth2ClientProfileEnabled $true
    [pscustomobject]@{ setting = 'OrganizationConfig.OAuth2ClientProfileEnabled'; before = $current.OAuth2ClientProfileEnabled; after = $true }
}
