-- id: aad.mfa-all-users
-- title: MFA is required for all users
-- severity: critical
-- area: Entra ID
-- group: Identity
-- cis-m365: 5.2.2.2
-- scuba: MS.AAD.3.2v2
-- nist-800-53: IA-2(1), IA-2(2)
-- iso-27001: A.8.5
-- soc2: CC6.1
-- sources: graph.conditionalAccessPolicies
-- remediation: none
-- description: An enabled conditional access policy for all users and all applications
--   requires multifactor authentication (the MFA grant or any authentication strength). A
--   policy requiring phishing-resistant MFA meets it too. The ScubaGear gate applies (enabled,
--   no excluded roles, only allowed exclusions).
-- rationale: Passwords are phished, sprayed and reused; a second factor stops the great
--   majority of account takeovers.

WITH meets AS (
  SELECT key, name, gate, gaps FROM ca_gated
  WHERE EXISTS (SELECT 1 FROM json_each(j, '$.grantControls.builtInControls') WHERE value = 'mfa')
     OR j ->> '$.grantControls.authenticationStrength.id' IS NOT NULL
),
counted AS (SELECT * FROM meets WHERE gate)
SELECT
  CASE WHEN EXISTS (SELECT 1 FROM counted) THEN 'pass' ELSE 'fail' END AS status,
  CASE
    WHEN EXISTS (SELECT 1 FROM counted)
      THEN 'MFA is required for all users by: ' || (SELECT group_concat(name, ', ') FROM counted)
    WHEN EXISTS (SELECT 1 FROM meets)
      THEN (SELECT count(*) FROM meets) || ' policy(ies) require MFA but do not count: '
           || (SELECT group_concat(name || ' (' || gaps || ')', '; ') FROM meets)
    ELSE 'No conditional access policy requires MFA for all users and all applications'
  END AS reason,
  CASE WHEN EXISTS (SELECT 1 FROM counted) THEN NULL
    ELSE (SELECT json_group_array(json_object('id', key, 'displayName', name, 'gaps', gaps)) FROM meets)
  END AS evidence;
