-- id: aad.weak-methods-disabled
-- title: SMS, voice call and e-mail one-time codes are disabled
-- severity: medium
-- area: Entra ID
-- group: Identity
-- cis-m365: 5.2.3.5
-- scuba: MS.AAD.3.5v2
-- nist-800-53: IA-2(1), IA-5
-- iso-27001: A.5.17, A.8.5
-- soc2: CC6.1
-- sources: graph.authenticationMethodsPolicy
-- remediation: none
-- description: In the authentication methods policy, the Sms, Voice and Email methods are
--   disabled. Until the migration from the legacy MFA and SSPR policies is complete
--   (aad.auth-methods-migrated) those legacy settings, which tater does not read, still
--   apply, so the result is unknown.
-- rationale: Codes sent by SMS, voice or e-mail can be intercepted (SIM swap, mailbox
--   compromise) and relayed; they are the weakest second factors.

WITH pol AS (SELECT j FROM auth_methods_policy LIMIT 1),
weak AS (
  SELECT m.value ->> '$.id' AS id, m.value ->> '$.state' AS state
  FROM pol, json_each(pol.j, '$.authenticationMethodConfigurations') m
  WHERE m.value ->> '$.id' IN ('Sms', 'Voice', 'Email')
),
st AS (
  SELECT (SELECT count(*) FROM pol) AS policies,
         (SELECT j ->> '$.policyMigrationState' FROM pol) AS migration,
         (SELECT count(*) FROM weak WHERE state IS NOT 'disabled') AS on_count
)
SELECT
  CASE WHEN policies = 0 THEN 'unknown'
       WHEN migration IS NOT NULL AND migration <> 'migrationComplete' THEN 'unknown'
       WHEN on_count = 0 THEN 'pass' ELSE 'fail' END AS status,
  CASE WHEN policies = 0 THEN 'The authentication methods policy is missing from the snapshot'
       WHEN migration IS NOT NULL AND migration <> 'migrationComplete'
         THEN 'The legacy MFA and SSPR policies still apply (migration state ' || migration
              || '); complete the migration first (aad.auth-methods-migrated)'
       WHEN on_count = 0 THEN 'SMS, voice and e-mail one-time codes are disabled'
       ELSE 'Still enabled: ' || (SELECT group_concat(id, ', ') FROM weak WHERE state IS NOT 'disabled')
  END AS reason,
  (SELECT json_group_array(json_object('id', id, 'state', state)) FROM weak WHERE state IS NOT 'disabled') AS evidence
FROM st;
