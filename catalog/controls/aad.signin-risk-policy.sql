-- id: aad.signin-risk-policy
-- title: A sign-in-risk policy challenges medium and high risk sign-ins
-- severity: high
-- area: Entra ID
-- group: Identity
-- cis-m365: 5.2.2.7
-- nist-800-53: AC-2(12), IA-2(1), SI-4
-- iso-27001: A.8.5, A.8.16
-- soc2: CC6.1, CC7.2
-- sources: graph.conditionalAccessPolicies, graph.subscribedSkus
-- remediation: none
-- description: An enabled conditional access policy for all users and all applications
--   requires multifactor authentication (or blocks) when a sign-in's risk is medium or high.
--   The tenant must hold Microsoft Entra ID P2. Same gate as the SCuBA controls.
-- rationale: A risky sign-in often carries a stolen password; asking for a second factor at
--   that moment stops the attacker and lets the real user through.

WITH p2 AS (
  SELECT EXISTS (SELECT 1 FROM skus s, json_each(s.j, '$.servicePlans') sp
                 WHERE sp.value ->> '$.servicePlanName' = 'AAD_PREMIUM_P2') AS has
),
meets AS (
  SELECT key, name, gate, gaps FROM ca_gated
  WHERE EXISTS (SELECT 1 FROM json_each(j, '$.conditions.signInRiskLevels') WHERE value = 'high')
    AND EXISTS (SELECT 1 FROM json_each(j, '$.conditions.signInRiskLevels') WHERE value = 'medium')
    AND (EXISTS (SELECT 1 FROM json_each(j, '$.grantControls.builtInControls')
                 WHERE value IN ('block', 'mfa'))
         OR j ->> '$.grantControls.authenticationStrength.id' IS NOT NULL)
),
counted AS (SELECT * FROM meets WHERE gate)
SELECT
  CASE WHEN (SELECT has FROM p2) AND EXISTS (SELECT 1 FROM counted) THEN 'pass' ELSE 'fail' END AS status,
  CASE
    WHEN NOT (SELECT has FROM p2)
      THEN 'The tenant has no Microsoft Entra ID P2 licence (AAD_PREMIUM_P2), which sign-in-risk policies need'
    WHEN EXISTS (SELECT 1 FROM counted)
      THEN 'Medium and high risk sign-ins are challenged by: ' || (SELECT group_concat(name, ', ') FROM counted)
    WHEN EXISTS (SELECT 1 FROM meets)
      THEN (SELECT count(*) FROM meets) || ' sign-in-risk policy(ies) do not count: '
           || (SELECT group_concat(name || ' (' || gaps || ')', '; ') FROM meets)
    ELSE 'No conditional access policy requires MFA (or blocks) on medium and high sign-in risk'
  END AS reason,
  CASE WHEN EXISTS (SELECT 1 FROM counted) THEN NULL
    ELSE (SELECT json_group_array(json_object('id', key, 'displayName', name, 'gaps', gaps)) FROM meets)
  END AS evidence;
