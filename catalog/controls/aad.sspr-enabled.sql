-- id: aad.sspr-enabled
-- title: Self-service password reset is enabled for all users
-- severity: medium
-- area: Entra ID
-- group: Identity
-- cis-m365: 5.2.4.1
-- nist-800-53: IA-5
-- iso-27001: A.5.17
-- soc2: CC6.1
-- sources: graph.userRegistrationDetails
-- remediation: entra-sspr-enabled
-- description: Every member user is allowed by policy to reset their own password
--   (isSsprEnabled in the registration report), so SSPR is scoped to all users.
-- rationale: Users who can reset a forgotten password themselves, after proving who they are
--   with their registered methods, do not need a help desk that can be socially engineered.

WITH members AS (
  SELECT j ->> '$.id' AS id, coalesce(j ->> '$.userPrincipalName', j ->> '$.id') AS upn,
         j ->> '$.isSsprEnabled' IS 1 AS enabled
  FROM registrations WHERE lower(coalesce(j ->> '$.userType', 'member')) = 'member'
),
bad AS (SELECT * FROM members WHERE NOT enabled)
SELECT
  CASE WHEN EXISTS (SELECT 1 FROM bad) THEN 'fail' ELSE 'pass' END AS status,
  CASE WHEN EXISTS (SELECT 1 FROM bad)
         THEN (SELECT count(*) FROM bad) || ' of ' || (SELECT count(*) FROM members)
              || ' member users are not in scope of self-service password reset'
       ELSE 'Self-service password reset covers all ' || (SELECT count(*) FROM members) || ' member users'
  END AS reason,
  (SELECT json_group_array(json_object('id', id, 'userPrincipalName', upn)) FROM (SELECT * FROM bad ORDER BY upn)) AS evidence;
