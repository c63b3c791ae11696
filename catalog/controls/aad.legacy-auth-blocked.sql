-- id: aad.legacy-auth-blocked
-- title: Legacy authentication is blocked
-- severity: high
-- area: Entra ID
-- group: Identity
-- cis-m365: 5.2.2.3
-- scuba: MS.AAD.1.1v1
-- nist-800-53: AC-17, CM-7, IA-2
-- iso-27001: A.8.5
-- soc2: CC6.1
-- sources: graph.conditionalAccessPolicies
-- remediation: none
-- description: An enabled conditional access policy blocks the legacy client types
--   (Exchange ActiveSync and "other clients") for all users and all applications. Like
--   ScubaGear, a policy counts only if it is enabled (report-only does not count), excludes
--   no role, and every user, group or application it excludes is on this control's allowed
--   exclusions.
-- rationale: Legacy protocols cannot ask for a second factor, so a sprayed or phished
--   password alone is enough to get in. Blocking them closes the best-known way around MFA.

WITH meets AS (
  SELECT key, name, gate, gaps FROM ca_gated
  WHERE EXISTS (SELECT 1 FROM json_each(j, '$.conditions.clientAppTypes')
                WHERE value = 'exchangeActiveSync')
    AND EXISTS (SELECT 1 FROM json_each(j, '$.conditions.clientAppTypes') WHERE value = 'other')
    AND EXISTS (SELECT 1 FROM json_each(j, '$.grantControls.builtInControls') WHERE value = 'block')
),
counted AS (SELECT * FROM meets WHERE gate)
SELECT
  CASE WHEN EXISTS (SELECT 1 FROM counted) THEN 'pass' ELSE 'fail' END AS status,
  CASE
    WHEN EXISTS (SELECT 1 FROM counted)
      THEN 'Legacy authentication is blocked by: ' || (SELECT group_concat(name, ', ') FROM counted)
    WHEN EXISTS (SELECT 1 FROM meets)
      THEN (SELECT count(*) FROM meets) || ' policy(ies) block legacy authentication but do not count: '
           || (SELECT group_concat(name || ' (' || gaps || ')', '; ') FROM meets)
    ELSE 'No conditional access policy blocks legacy authentication (Exchange ActiveSync and other clients)'
  END AS reason,
  CASE WHEN EXISTS (SELECT 1 FROM counted) THEN NULL
    ELSE (SELECT json_group_array(json_object('id', key, 'displayName', name, 'gaps', gaps)) FROM meets)
  END AS evidence;
