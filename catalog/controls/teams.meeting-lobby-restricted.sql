-- id: teams.meeting-lobby-restricted
-- title: Anonymous and dial-in callers wait in the meeting lobby
-- severity: medium
-- area: Teams
-- group: Collaboration
-- cis-m365: 8.5.2, 8.5.3, 8.5.4
-- scuba: MS.TEAMS.1.2v1, MS.TEAMS.1.3v1
-- nist-800-53: AC-3, AC-14
-- iso-27001: A.5.14, A.8.3
-- soc2: CC6.1
-- sources: graph.organization
-- remediation: teams-meeting-anonymous-lobby
-- description: In the Global meeting policy anonymous people cannot start a meeting, only
--   people in the organisation (or invited people, or the organiser) join without waiting, and
--   dial-in callers cannot bypass the lobby. The policy comes from Get-CsTeamsMeetingPolicy,
--   which needs a signed-in Teams administrator: there is no app-only API, so tater cannot
--   read it and this control is always unknown. Check by hand that, for -Identity Global,
--   AllowAnonymousUsersToStartMeeting is False, AutoAdmittedUsers is
--   EveryoneInCompanyExcludingGuests, OrganizerOnly or InvitedUsers, and
--   AllowPSTNUsersToBypassLobby is False.
-- rationale: A meeting that strangers can start or walk straight into can be used to listen
--   in, to share malicious content, or to run up call charges.

-- Reads nothing: graph.organization is named only so the control applies to tenants.
SELECT 'unknown' AS status,
  'Not readable app-only: run Get-CsTeamsMeetingPolicy -Identity Global as a Teams'
  || ' administrator and check AllowAnonymousUsersToStartMeeting = False, AutoAdmittedUsers is'
  || ' EveryoneInCompanyExcludingGuests, OrganizerOnly or InvitedUsers, and'
  || ' AllowPSTNUsersToBypassLobby = False' AS reason,
  NULL AS evidence;
