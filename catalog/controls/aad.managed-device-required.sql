-- id: aad.managed-device-required
-- title: Sign-in requires a compliant or hybrid-joined device
-- severity: medium
-- area: Entra ID
-- group: Identity
-- scuba: MS.AAD.3.7v1
-- nist-800-53: AC-19, IA-3
-- iso-27001: A.8.1, A.8.5
-- soc2: CC6.1
-- sources: graph.conditionalAccessPolicies
-- remediation: none
-- description: An enabled conditional access policy for all users and all applications grants
--   access only from a device that is compliant or hybrid Entra joined (exactly those two
--   grant controls, either one sufficing). The ScubaGear gate applies.
-- rationale: A stolen password and a relayed second factor are of no use from the attacker's
--   own machine when the tenant only admits managed devices.

WITH meets AS (
  SELECT key, name, gate, gaps FROM ca_gated
  WHERE EXISTS (SELECT 1 FROM json_each(j, '$.grantControls.builtInControls') WHERE value = 'compliantDevice')
    AND EXISTS (SELECT 1 FROM json_each(j, '$.grantControls.builtInControls') WHERE value = 'domainJoinedDevice')
    AND json_array_length(j, '$.grantControls.builtInControls') = 2
    AND upper(j ->> '$.grantControls.operator') = 'OR'
),
counted AS (SELECT * FROM meets WHERE gate)
SELECT
  CASE WHEN EXISTS (SELECT 1 FROM counted) THEN 'pass' ELSE 'fail' END AS status,
  CASE
    WHEN EXISTS (SELECT 1 FROM counted)
      THEN 'A managed device is required by: ' || (SELECT group_concat(name, ', ') FROM counted)
    WHEN EXISTS (SELECT 1 FROM meets)
      THEN (SELECT count(*) FROM meets) || ' policy(ies) require a managed device but do not count: '
           || (SELECT group_concat(name || ' (' || gaps || ')', '; ') FROM meets)
    ELSE 'No conditional access policy requires a compliant or hybrid-joined device for all users'
  END AS reason,
  CASE WHEN EXISTS (SELECT 1 FROM counted) THEN NULL
    ELSE (SELECT json_group_array(json_object('id', key, 'displayName', name, 'gaps', gaps)) FROM meets)
  END AS evidence;
