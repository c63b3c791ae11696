-- id: teams.external-access-restricted
-- title: Teams external access is limited to approved domains
-- severity: medium
-- area: Teams
-- group: Collaboration
-- cis-m365: 8.2.1
-- scuba: MS.TEAMS.2.1v1, MS.TEAMS.2.2v1
-- nist-800-53: AC-4, AC-20
-- iso-27001: A.5.14, A.8.20
-- soc2: CC6.6
-- sources: graph.organization
-- remediation: teams-external-access-restricted
-- description: Teams federation is an allow list of approved domains (not every domain), and
--   people on unmanaged Teams and Skype accounts cannot reach users. The settings live in
--   Get-CsTenantFederationConfiguration, which needs a signed-in Teams administrator: there
--   is no app-only API, so tater cannot read them and this control is always unknown. Check
--   by hand that AllowedDomains lists only approved domains (not AllowAllKnownDomains),
--   AllowTeamsConsumer is False and AllowPublicUsers is False.
-- rationale: Open federation lets any tenant start chats and calls with users, a common way
--   in for phishing and malware delivered through Teams.

-- Reads nothing: graph.organization is named only so the control applies to tenants.
SELECT 'unknown' AS status,
  'Not readable app-only: run Get-CsTenantFederationConfiguration as a Teams administrator'
  || ' and check AllowedDomains is an allow list (not AllowAllKnownDomains), AllowTeamsConsumer'
  || ' = False and AllowPublicUsers = False' AS reason,
  NULL AS evidence;
