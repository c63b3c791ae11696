-- id: aad.app-registration-restricted
-- title: Only administrators can register applications
-- severity: medium
-- area: Entra ID
-- group: Identity
-- cis-m365: 5.1.2.2
-- scuba: MS.AAD.5.1v1
-- nist-800-53: AC-6, CM-11
-- iso-27001: A.5.15, A.8.2
-- soc2: CC6.3
-- sources: graph.authorizationPolicy
-- remediation: entra-app-registration-restricted
-- description: The authorization policy does not let ordinary users create application
--   registrations (defaultUserRolePermissions.allowedToCreateApps is false).
-- rationale: An application a user registers can be given credentials and consented
--   permissions that outlive the user's own access, a favourite persistence trick.

WITH pol AS (SELECT key, j FROM authorization_policy LIMIT 1),
st AS (
  SELECT (SELECT count(*) FROM pol) AS policies,
         (SELECT j ->> '$.defaultUserRolePermissions.allowedToCreateApps' FROM pol) AS v
)
SELECT
  CASE WHEN policies = 0 OR v IS NULL THEN 'unknown' WHEN v = 0 THEN 'pass' ELSE 'fail' END AS status,
  CASE WHEN policies = 0 THEN 'The authorization policy is missing from the snapshot'
       WHEN v IS NULL THEN 'The authorization policy does not say whether users may register applications'
       WHEN v = 0 THEN 'Users cannot register applications'
       ELSE 'Any user can register applications (allowedToCreateApps is true)'
  END AS reason,
  CASE WHEN v = 1 THEN (SELECT json_group_array(json_object('id', key,
       'allowedToCreateApps', json('true'))) FROM pol) END AS evidence
FROM st;
