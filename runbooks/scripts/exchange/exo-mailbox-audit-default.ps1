<#
.TATER
id: exo-mailbox-audit-default
title: Turn on mailbox auditing for the whole organisation
area: exchange
controls: exo.mailbox-audit-enabled
runtime: exo
idempotent: true
description: Sets AuditDisabled to false in the organisation configuration so that every mailbox records owner, delegate and admin actions by default.
#>
param()
$ErrorActionPreference = 'Stop'

$current = Get-OrganizationConfig
if ($current.AuditDisabled -ne $false) {
    Set-OrganizationConfig -AuditDisabled $false
    [pscustomobject]@{ setting = 'OrganizationConfig.AuditDisabled'; before = $current.AuditDisabled; after = $false }
}
