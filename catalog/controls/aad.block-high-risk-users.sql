-- id: aad.block-high-risk-users
-- title: Users detected as high risk are blocked
-- severity: high
-- area: Entra ID
-- group: Identity
-- scuba: MS.AAD.2.1v1
-- nist-800-53: AC-2(12), IA-2, SI-4
-- iso-27001: A.8.5, A.8.16
-- soc2: CC6.1, CC7.2
-- sources: graph.conditionalAccessPolicies, graph.subscribedSkus
-- remediation: none
-- description: An enabled conditional access policy for all users and all applications blocks
--   sign-in when Identity Protection rates the user's risk high. The tenant must hold Microsoft
--   Entra ID P2 (AAD_PREMIUM_P2), without which risk conditions are not evaluated. The
--   ScubaGear gate applies (enabled, no excluded roles, only allowed exclusions).
-- rationale: A high user risk means the account is probably compromised (leaked credentials,
--   confirmed attack). Blocking it until an admin investigates stops the attacker using it.

WITH p2 AS (
  SELECT EXISTS (SELECT 1 FROM skus s, json_each(s.j, '$.servicePlans') sp
                 WHERE sp.value ->> '$.servicePlanName' = 'AAD_PREMIUM_P2') AS has
),
meets AS (
  SELECT key, name, gate, gaps FROM ca_gated
  WHERE EXISTS (SELECT 1 FROM json_each(j, '$.conditions.userRiskLevels') WHERE value = 'high')
    AND EXISTS (SELECT 1 FROM json_each(j, '$.grantControls.builtInControls') WHERE value = 'block')
),
counted AS (SELECT * FROM meets WHERE gate)
SELECT
  CASE WHEN (SELECT has FROM p2) AND EXISTS (SELECT 1 FROM counted) THEN 'pass' ELSE 'fail' END AS status,
  CASE
    WHEN NOT (SELECT has FROM p2)
      THEN 'The tenant has no Microsoft Entra ID P2 licence (AAD_PREMIUM_P2), which user-risk policies need'
    WHEN EXISTS (SELECT 1 FROM counted)
      THEN 'High-risk users are blocked by: ' || (SELECT group_concat(name, ', ') FROM counted)
    WHEN EXISTS (SELECT 1 FROM meets)
      THEN (SELECT count(*) FROM meets) || ' policy(ies) block high-risk users but do not count: '
           || (SELECT group_concat(name || ' (' || gaps || ')', '; ') FROM meets)
    ELSE 'No conditional access policy blocks users whose risk is high'
  END AS reason,
  CASE WHEN EXISTS (SELECT 1 FROM counted) THEN NULL
    ELSE (SELECT json_group_array(json_object('id', key, 'displayName', name, 'gaps', gaps)) FROM meets)
  END AS evidence;
