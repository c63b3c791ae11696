-- id: aad.phishing-resistant-mfa-admins
-- title: Phishing-resistant MFA is required for privileged roles
-- severity: critical
-- area: Entra ID
-- group: Identity
-- cis-m365: 5.2.2.5
-- scuba: MS.AAD.3.6v1
-- nist-800-53: AC-6(5), IA-2(1), IA-2(8)
-- iso-27001: A.8.2, A.8.5
-- soc2: CC6.1
-- sources: graph.conditionalAccessPolicies
-- remediation: none
-- description: An enabled conditional access policy for all applications requires a
--   phishing-resistant authentication strength and includes every highly privileged role
--   (the privileged_roles view, column scuba: Global, Privileged Role, User, SharePoint,
--   Exchange, Hybrid Identity, Application and Cloud Application Administrator). A policy for
--   all users counts too. No role may be excluded; user and group exclusions must be allowed.
-- rationale: Administrators are the first target of adversary-in-the-middle phishing; one
--   relayed admin sign-in hands over the tenant.

WITH meets AS (
  SELECT key, name, role_gate, role_gaps,
    (all_users OR NOT EXISTS (
       SELECT 1 FROM privileged_roles r WHERE r.scuba
         AND r.template_id NOT IN (SELECT value FROM json_each(j, '$.conditions.users.includeRoles'))
    )) AS covers
  FROM ca_gated
  WHERE (coalesce(json_array_length(j, '$.grantControls.authenticationStrength.allowedCombinations'), 0) > 0
         AND NOT EXISTS (SELECT 1 FROM json_each(j, '$.grantControls.authenticationStrength.allowedCombinations')
                         WHERE value NOT IN ('windowsHelloForBusiness', 'fido2', 'x509CertificateMultiFactor')))
     OR (json_array_length(j, '$.grantControls.authenticationStrength.allowedCombinations') IS NULL
         AND j ->> '$.grantControls.authenticationStrength.id' = '00000000-0000-0000-0000-000000000004')
),
why AS (
  SELECT key, name, role_gate AND covers AS ok,
    trim(role_gaps || CASE WHEN covers THEN '' ELSE '; misses privileged roles' END, '; ') AS gaps
  FROM meets
),
counted AS (SELECT * FROM why WHERE ok)
SELECT
  CASE WHEN EXISTS (SELECT 1 FROM counted) THEN 'pass' ELSE 'fail' END AS status,
  CASE
    WHEN EXISTS (SELECT 1 FROM counted)
      THEN 'Privileged roles need phishing-resistant MFA by: ' || (SELECT group_concat(name, ', ') FROM counted)
    WHEN EXISTS (SELECT 1 FROM why)
      THEN (SELECT count(*) FROM why) || ' policy(ies) require phishing-resistant MFA but do not count: '
           || (SELECT group_concat(name || ' (' || gaps || ')', '; ') FROM why)
    ELSE 'No conditional access policy requires phishing-resistant MFA for the privileged roles'
  END AS reason,
  CASE WHEN EXISTS (SELECT 1 FROM counted) THEN NULL
    ELSE (SELECT json_group_array(json_object('id', key, 'displayName', name, 'gaps', gaps)) FROM why)
  END AS evidence;
