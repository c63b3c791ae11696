<#
.TATER
id: defender-priority-account-protection
title: Turn on priority account protection
area: defender
controls: defender.priority-account-protection
runtime: exo
idempotent: true
description: Turns on the differentiated protection Defender for Office 365 gives to users tagged as priority accounts.
#>
param()
$ErrorActionPreference = 'Stop'

$current = Get-EmailTenantSettings
if ($current.EnablePriorityAccountProtection -ne $true) {
    Set-EmailTenantSettings -EnablePriorityAccountProtection $true
    [pscustomobject]@{ setting = 'EmailTenantSettings.EnablePriorityAccountProtection'; before = $current.EnablePriorityAccountProtection; after = $true }
}
