-- id: aad.auth-methods-migrated
-- title: Authentication methods are managed in one policy (migration complete)
-- severity: medium
-- area: Entra ID
-- group: Identity
-- scuba: MS.AAD.3.4v1
-- nist-800-53: IA-5
-- iso-27001: A.5.17
-- soc2: CC6.1
-- sources: graph.authenticationMethodsPolicy
-- remediation: none
-- description: The authentication methods policy's migration state is "migrationComplete",
--   so the legacy per-user MFA and SSPR method settings no longer apply. A tenant that never
--   had legacy settings reports no state, which passes too.
-- rationale: While the legacy policies still apply, disabling a weak method in the
--   authentication methods policy does not take it away; one place to manage methods is one
--   place to get right.

WITH st AS (
  SELECT (SELECT count(*) FROM auth_methods_policy) AS policies,
         (SELECT j ->> '$.policyMigrationState' FROM auth_methods_policy LIMIT 1) AS state
)
SELECT
  CASE WHEN policies = 0 THEN 'unknown'
       WHEN state IS NULL OR state = 'migrationComplete' THEN 'pass' ELSE 'fail' END AS status,
  CASE WHEN policies = 0 THEN 'The authentication methods policy is missing from the snapshot'
       WHEN state IS NULL THEN 'No legacy method settings to migrate'
       WHEN state = 'migrationComplete' THEN 'Migration to the authentication methods policy is complete'
       ELSE 'The migration to the authentication methods policy is not complete (state: ' || state || ')'
  END AS reason,
  NULL AS evidence
FROM st;
