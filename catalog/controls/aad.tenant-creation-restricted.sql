-- id: aad.tenant-creation-restricted
-- title: Non-admin users cannot create tenants
-- severity: low
-- area: Entra ID
-- group: Identity
-- cis-m365: 5.1.2.3
-- nist-800-53: AC-6, CM-7
-- iso-27001: A.5.15
-- soc2: CC6.3
-- sources: graph.authorizationPolicy
-- remediation: entra-tenant-creation-restricted
-- description: The authorization policy does not let ordinary users create new Entra tenants
--   (defaultUserRolePermissions.allowedToCreateTenants is false).
-- rationale: A user who creates a tenant becomes its Global Administrator, outside your
--   policies and logs: shadow IT that can hold your data.

WITH pol AS (SELECT key, j FROM authorization_policy LIMIT 1),
st AS (SELECT (SELECT count(*) FROM pol) AS policies,
              (SELECT j ->> '$.defaultUserRolePermissions.allowedToCreateTenants' FROM pol) AS v)
SELECT
  CASE WHEN policies = 0 OR v IS NULL THEN 'unknown' WHEN v = 0 THEN 'pass' ELSE 'fail' END AS status,
  CASE WHEN policies = 0 THEN 'The authorization policy is missing from the snapshot'
       WHEN v IS NULL THEN 'The authorization policy does not say whether users may create tenants'
       WHEN v = 0 THEN 'Users cannot create tenants'
       ELSE 'Any user can create a tenant (allowedToCreateTenants is true)'
  END AS reason,
  NULL AS evidence
FROM st;
