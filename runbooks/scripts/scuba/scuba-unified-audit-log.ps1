<#
.TATER
id: scuba-unified-audit-log
title: Turn on audit log search (unified audit logging)
area: scuba
controls: purview.audit-log-enabled
runtime: exo
idempotent: true
description: Sets UnifiedAuditLogIngestionEnabled in the admin audit log configuration, so user and admin activity across Microsoft 365 is recorded and searchable.
#>
param()
$ErrorActionPreference = 'Stop'

$current = Get-AdminAuditLogConfig
if ($current.UnifiedAuditLogIngestionEnabled -ne $true) {
    Set-AdminAuditLogConfig -UnifiedAuditLogIngestionEnabled $true
    [pscustomobject]@{ setting = 'AdminAuditLogConfig.UnifiedAuditLogIngestionEnabled'; before = $current.UnifiedAuditLogIngestionEnabled; after = $true }
}
