-- id: aad.user-risk-policy
-- title: A user-risk policy makes risky users reset their password
-- severity: high
-- area: Entra ID
-- group: Identity
-- cis-m365: 5.2.2.6
-- nist-800-53: AC-2(12), IA-5, SI-4
-- iso-27001: A.5.17, A.8.16
-- soc2: CC6.1, CC7.2
-- sources: graph.conditionalAccessPolicies, graph.subscribedSkus
-- remediation: none
-- description: An enabled conditional access policy for all users and all applications acts
--   on high user risk: it requires a secure password change (with MFA) or blocks. The tenant
--   must hold Microsoft Entra ID P2. Same gate as the SCuBA controls: no excluded roles, only
--   allowed exclusions.
-- rationale: When Identity Protection believes an account's credentials are known to an
--   attacker, forcing a password change after MFA takes the credentials back.

WITH p2 AS (
  SELECT EXISTS (SELECT 1 FROM skus s, json_each(s.j, '$.servicePlans') sp
                 WHERE sp.value ->> '$.servicePlanName' = 'AAD_PREMIUM_P2') AS has
),
meets AS (
  SELECT key, name, gate, gaps FROM ca_gated
  WHERE EXISTS (SELECT 1 FROM json_each(j, '$.conditions.userRiskLevels') WHERE value = 'high')
    AND EXISTS (SELECT 1 FROM json_each(j, '$.grantControls.builtInControls')
                WHERE value IN ('block', 'passwordChange'))
),
counted AS (SELECT * FROM meets WHERE gate)
SELECT
  CASE WHEN (SELECT has FROM p2) AND EXISTS (SELECT 1 FROM counted) THEN 'pass' ELSE 'fail' END AS status,
  CASE
    WHEN NOT (SELECT has FROM p2)
      THEN 'The tenant has no Microsoft Entra ID P2 licence (AAD_PREMIUM_P2), which user-risk policies need'
    WHEN EXISTS (SELECT 1 FROM counted)
      THEN 'High user risk is handled by: ' || (SELECT group_concat(name, ', ') FROM counted)
    WHEN EXISTS (SELECT 1 FROM meets)
      THEN (SELECT count(*) FROM meets) || ' user-risk policy(ies) do not count: '
           || (SELECT group_concat(name || ' (' || gaps || ')', '; ') FROM meets)
    ELSE 'No conditional access policy requires a password change (or blocks) on high user risk'
  END AS reason,
  CASE WHEN EXISTS (SELECT 1 FROM counted) THEN NULL
    ELSE (SELECT json_group_array(json_object('id', key, 'displayName', name, 'gaps', gaps)) FROM meets)
  END AS evidence;
