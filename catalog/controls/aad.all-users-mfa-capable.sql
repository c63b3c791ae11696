-- id: aad.all-users-mfa-capable
-- title: All member users are MFA capable
-- severity: high
-- area: Entra ID
-- group: Identity
-- cis-m365: 5.2.3.4
-- nist-800-53: IA-2(1), IA-5
-- iso-27001: A.5.17, A.8.5
-- soc2: CC6.1
-- sources: graph.userRegistrationDetails
-- remediation: none
-- description: Every member user (not guests) has registered a strong authentication method
--   the authentication methods policy allows (isMfaCapable in the registration report).
-- rationale: A policy requiring MFA protects an account only once it has a method; until
--   then, whoever registers first, perhaps an attacker with the password, owns the account.

WITH members AS (
  SELECT key, j ->> '$.id' AS id, coalesce(j ->> '$.userPrincipalName', j ->> '$.id') AS upn,
         j ->> '$.isMfaCapable' IS 1 AS capable, j ->> '$.isAdmin' IS 1 AS admin
  FROM registrations WHERE lower(coalesce(j ->> '$.userType', 'member')) = 'member'
),
bad AS (SELECT * FROM members WHERE NOT capable)
SELECT
  CASE WHEN EXISTS (SELECT 1 FROM bad) THEN 'fail' ELSE 'pass' END AS status,
  CASE WHEN EXISTS (SELECT 1 FROM bad)
         THEN (SELECT count(*) FROM bad) || ' of ' || (SELECT count(*) FROM members)
              || ' member users are not MFA capable (' || (SELECT count(*) FROM bad WHERE admin)
              || ' of them admins)'
       ELSE 'All ' || (SELECT count(*) FROM members) || ' member users are MFA capable'
  END AS reason,
  (SELECT json_group_array(json_object('id', id, 'userPrincipalName', upn, 'isAdmin', json(CASE WHEN admin THEN 'true' ELSE 'false' END)))
   FROM (SELECT * FROM bad ORDER BY admin DESC, upn)) AS evidence;
