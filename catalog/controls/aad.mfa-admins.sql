-- id: aad.mfa-admins
-- title: MFA is required for administrative roles
-- severity: critical
-- area: Entra ID
-- group: Identity
-- cis-m365: 5.2.2.1
-- nist-800-53: AC-6(5), IA-2(1)
-- iso-27001: A.8.2, A.8.5
-- soc2: CC6.1
-- sources: graph.conditionalAccessPolicies
-- remediation: none
-- description: An enabled conditional access policy for all applications requires MFA (the
--   MFA grant or an authentication strength) and includes every admin role CIS lists (the
--   privileged_roles view, column cis), or all users. No role may be excluded; user and group
--   exclusions must be on this control's allowed list (e.g. break-glass accounts).
-- rationale: An admin account protected by a password alone is one phishing e-mail away from
--   control of the tenant.

WITH meets AS (
  SELECT key, name, role_gate, role_gaps,
    (all_users OR NOT EXISTS (
       SELECT 1 FROM privileged_roles r WHERE r.cis
         AND r.template_id NOT IN (SELECT value FROM json_each(j, '$.conditions.users.includeRoles'))
    )) AS covers
  FROM ca_gated
  WHERE EXISTS (SELECT 1 FROM json_each(j, '$.grantControls.builtInControls') WHERE value = 'mfa')
     OR j ->> '$.grantControls.authenticationStrength.id' IS NOT NULL
),
why AS (
  SELECT key, name, role_gate AND covers AS ok,
    trim(role_gaps || CASE WHEN covers THEN '' ELSE '; misses admin roles' END, '; ') AS gaps
  FROM meets
),
counted AS (SELECT * FROM why WHERE ok)
SELECT
  CASE WHEN EXISTS (SELECT 1 FROM counted) THEN 'pass' ELSE 'fail' END AS status,
  CASE
    WHEN EXISTS (SELECT 1 FROM counted)
      THEN 'Admin roles need MFA by: ' || (SELECT group_concat(name, ', ') FROM counted)
    WHEN EXISTS (SELECT 1 FROM why)
      THEN (SELECT count(*) FROM why) || ' policy(ies) require MFA but do not count: '
           || (SELECT group_concat(name || ' (' || gaps || ')', '; ') FROM why)
    ELSE 'No conditional access policy requires MFA for the admin roles'
  END AS reason,
  CASE WHEN EXISTS (SELECT 1 FROM counted) THEN NULL
    ELSE (SELECT json_group_array(json_object('id', key, 'displayName', name, 'gaps', gaps)) FROM why)
  END AS evidence;
