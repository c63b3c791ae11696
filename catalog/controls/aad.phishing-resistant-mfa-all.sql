-- id: aad.phishing-resistant-mfa-all
-- title: Phishing-resistant MFA is required for all users
-- severity: high
-- area: Entra ID
-- group: Identity
-- scuba: MS.AAD.3.1v1
-- nist-800-53: IA-2(1), IA-2(2), IA-2(8)
-- iso-27001: A.8.5
-- soc2: CC6.1
-- sources: graph.conditionalAccessPolicies
-- remediation: none
-- description: An enabled conditional access policy for all users and all applications
--   requires an authentication strength whose methods are all phishing-resistant (Windows
--   Hello for Business, FIDO2 security keys, certificate-based MFA). The ScubaGear gate
--   applies (enabled, no excluded roles, only allowed exclusions).
-- rationale: One-time codes and push approvals can be relayed by an adversary-in-the-middle
--   site; phishing-resistant methods are bound to the real sign-in page and cannot.

WITH meets AS (
  SELECT key, name, gate, gaps FROM ca_gated
  WHERE (coalesce(json_array_length(j, '$.grantControls.authenticationStrength.allowedCombinations'), 0) > 0
         AND NOT EXISTS (SELECT 1 FROM json_each(j, '$.grantControls.authenticationStrength.allowedCombinations')
                         WHERE value NOT IN ('windowsHelloForBusiness', 'fido2', 'x509CertificateMultiFactor')))
     OR (json_array_length(j, '$.grantControls.authenticationStrength.allowedCombinations') IS NULL
         AND j ->> '$.grantControls.authenticationStrength.id' = '00000000-0000-0000-0000-000000000004')
),
counted AS (SELECT * FROM meets WHERE gate)
SELECT
  CASE WHEN EXISTS (SELECT 1 FROM counted) THEN 'pass' ELSE 'fail' END AS status,
  CASE
    WHEN EXISTS (SELECT 1 FROM counted)
      THEN 'Phishing-resistant MFA is required by: ' || (SELECT group_concat(name, ', ') FROM counted)
    WHEN EXISTS (SELECT 1 FROM meets)
      THEN (SELECT count(*) FROM meets) || ' policy(ies) require phishing-resistant MFA but do not count: '
           || (SELECT group_concat(name || ' (' || gaps || ')', '; ') FROM meets)
    ELSE 'No conditional access policy requires phishing-resistant MFA for all users'
  END AS reason,
  CASE WHEN EXISTS (SELECT 1 FROM counted) THEN NULL
    ELSE (SELECT json_group_array(json_object('id', key, 'displayName', name, 'gaps', gaps)) FROM meets)
  END AS evidence;
