<#
.TATER
id: teams-external-access-restricted
title: Restrict Teams external access to approved domains (guidance)
area: teams
controls: teams.external-access-restricted
runtime: guidance
idempotent: true
description: Prints the steps to limit Teams federation to an allow list of domains and block unmanaged Teams and Skype users; the Teams cmdlets need a signed-in administrator, so nothing is changed automatically.
#>
param()
$ErrorActionPreference = 'Stop'

'Nothing was changed: Teams federation settings can only be changed by a signed-in Teams administrator (the Cs* cmdlets need delegated authentication).'
'In the Teams admin center: Users > External access > Organizations: choose "Allow only specific external domains" and list your partners.'
'In the same page: turn off "People in my organization can communicate with unmanaged Teams accounts" and with Skype users.'
'Or in PowerShell, signed in with Connect-MicrosoftTeams:'
'  Set-CsTenantFederationConfiguration -AllowTeamsConsumer $false -AllowPublicUsers $false'
'  Set-CsTenantFederationConfiguration -AllowedDomains (New-CsEdgeAllowList -AllowedDomain "partner.example")'
'Then run a new scan in tater to confirm the control passes.'
