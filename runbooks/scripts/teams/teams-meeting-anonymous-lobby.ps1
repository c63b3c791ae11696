<#
.TATER
id: teams-meeting-anonymous-lobby
title: Keep anonymous and dial-in callers in the meeting lobby (guidance)
area: teams
controls: teams.meeting-lobby-restricted
runtime: guidance
idempotent: true
description: Prints the steps to stop anonymous users from starting meetings and to keep anonymous people, guests and dial-in callers in the lobby; the Teams cmdlets need a signed-in administrator, so nothing is changed automatically.
#>
param()
$ErrorActionPreference = 'Stop'

'Nothing was changed: Teams meeting policies can only be changed by a signed-in Teams administrator (the Cs* cmdlets need delegated authentication).'
'In the Teams admin center: Meetings > Meeting policies > Global (Org-wide default):'
'  "Anonymous users and dial-in callers can start a meeting": Off'
'  "Who can bypass the lobby": People in my org (excluding guests)'
'  "People dialing in can bypass the lobby": Off'
'Or in PowerShell, signed in with Connect-MicrosoftTeams:'
'  Set-CsTeamsMeetingPolicy -Identity Global -AllowAnonymousUsersToStartMeeting $false -AutoAdmittedUsers EveryoneInCompanyExcludingGuests -AllowPSTNUsersToBypassLobby $false'
'Then run a new scan in tater to confirm the control passes.'
