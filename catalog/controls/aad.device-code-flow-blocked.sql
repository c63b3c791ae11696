-- id: aad.device-code-flow-blocked
-- title: The device code flow is blocked
-- severity: medium
-- area: Entra ID
-- group: Identity
-- cis-m365: 5.2.2.12
-- scuba: MS.AAD.3.9v1
-- nist-800-53: AC-17, CM-7
-- iso-27001: A.8.5
-- soc2: CC6.1
-- sources: graph.conditionalAccessPolicies
-- remediation: none
-- description: An enabled conditional access policy for all users and all applications blocks
--   the device code authentication flow (conditions.authenticationFlows.transferMethods
--   includes deviceCodeFlow). The ScubaGear gate applies.
-- rationale: Device code phishing tricks a user into entering an attacker's code on the real
--   Microsoft page, handing the attacker a signed-in session with MFA already done.

WITH meets AS (
  SELECT key, name, gate, gaps FROM ca_gated
  WHERE (',' || replace(coalesce(j ->> '$.conditions.authenticationFlows.transferMethods', ''), ' ', '') || ',')
          LIKE '%,deviceCodeFlow,%'
    AND EXISTS (SELECT 1 FROM json_each(j, '$.grantControls.builtInControls') WHERE value = 'block')
),
counted AS (SELECT * FROM meets WHERE gate)
SELECT
  CASE WHEN EXISTS (SELECT 1 FROM counted) THEN 'pass' ELSE 'fail' END AS status,
  CASE
    WHEN EXISTS (SELECT 1 FROM counted)
      THEN 'The device code flow is blocked by: ' || (SELECT group_concat(name, ', ') FROM counted)
    WHEN EXISTS (SELECT 1 FROM meets)
      THEN (SELECT count(*) FROM meets) || ' policy(ies) block the device code flow but do not count: '
           || (SELECT group_concat(name || ' (' || gaps || ')', '; ') FROM meets)
    ELSE 'No conditional access policy blocks the device code flow'
  END AS reason,
  CASE WHEN EXISTS (SELECT 1 FROM counted) THEN NULL
    ELSE (SELECT json_group_array(json_object('id', key, 'displayName', name, 'gaps', gaps)) FROM meets)
  END AS evidence;
