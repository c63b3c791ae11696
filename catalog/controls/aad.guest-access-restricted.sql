-- id: aad.guest-access-restricted
-- title: Guest users have limited or restricted directory access
-- severity: medium
-- area: Entra ID
-- group: Identity
-- cis-m365: 5.1.6.2
-- scuba: MS.AAD.8.1v1
-- nist-800-53: AC-3, AC-6
-- iso-27001: A.5.15
-- soc2: CC6.3
-- sources: graph.authorizationPolicy
-- remediation: entra-guest-access-restricted
-- description: The authorization policy's guest user role is "limited access"
--   (10dae51f-b6af-4016-8d66-8c2a99b929b3) or "restricted access"
--   (2af84b1e-32c8-42b7-82bc-daa82404023b), not the same access as members.
-- rationale: A guest with member-level access can enumerate every user, group and role of the
--   tenant, which is a map for phishing and privilege escalation.

WITH pol AS (SELECT key, j FROM authorization_policy LIMIT 1),
st AS (SELECT (SELECT count(*) FROM pol) AS policies,
              (SELECT j ->> '$.guestUserRoleId' FROM pol) AS role)
SELECT
  CASE WHEN policies = 0 THEN 'unknown'
       WHEN role IN ('10dae51f-b6af-4016-8d66-8c2a99b929b3', '2af84b1e-32c8-42b7-82bc-daa82404023b')
         THEN 'pass' ELSE 'fail' END AS status,
  CASE WHEN policies = 0 THEN 'The authorization policy is missing from the snapshot'
       WHEN role = '2af84b1e-32c8-42b7-82bc-daa82404023b' THEN 'Guests have restricted access'
       WHEN role = '10dae51f-b6af-4016-8d66-8c2a99b929b3' THEN 'Guests have limited access'
       WHEN role = 'a0b1b346-4d3e-4e8b-98f8-753987be4970' THEN 'Guests have the same access as members'
       ELSE 'Guests have an unrecognised access level (' || coalesce(role, 'not set') || ')'
  END AS reason,
  NULL AS evidence
FROM st;
