-- id: aad.user-consent-restricted
-- title: Users cannot consent to applications
-- severity: high
-- area: Entra ID
-- group: Identity
-- cis-m365: 5.1.5.1
-- scuba: MS.AAD.5.2v1
-- nist-800-53: AC-6, CM-11
-- iso-27001: A.5.15, A.5.23
-- soc2: CC6.1, CC6.3
-- sources: graph.authorizationPolicy
-- remediation: entra-user-consent-restricted
-- description: No permission grant policy for self-consent (ManagePermissionGrantsForSelf.*)
--   is assigned to the default user role, so only administrators grant applications access to
--   organisational data. This is the strict reading that both CIS and the SCuBA baseline text
--   ask for; ScubaGear itself also accepts the "verified publishers, low-impact permissions"
--   setting when no risky permission is classified low, which needs data tater does not read.
-- rationale: Consent phishing gets a user to grant a malicious app lasting access to mail and
--   files with no password stolen and no MFA to stop it.

WITH pol AS (SELECT key, j FROM authorization_policy LIMIT 1),
grants AS (
  SELECT DISTINCT g.value AS id FROM pol,
    json_each(pol.j, '$.defaultUserRolePermissions.permissionGrantPoliciesAssigned') g
  WHERE g.type = 'text'
  UNION
  SELECT g.value FROM pol, json_each(pol.j, '$.permissionGrantPolicyIdsAssignedToDefaultUserRole') g
  WHERE g.type = 'text'
),
self AS (SELECT id FROM grants WHERE id LIKE 'ManagePermissionGrantsForSelf.%')
SELECT
  CASE WHEN NOT EXISTS (SELECT 1 FROM pol) THEN 'unknown'
       WHEN EXISTS (SELECT 1 FROM self) THEN 'fail' ELSE 'pass' END AS status,
  CASE WHEN NOT EXISTS (SELECT 1 FROM pol) THEN 'The authorization policy is missing from the snapshot'
       WHEN EXISTS (SELECT 1 FROM self)
         THEN 'Users may consent to applications through: ' || (SELECT group_concat(id, ', ') FROM self)
       ELSE 'Users cannot consent to applications; an administrator must'
  END AS reason,
  (SELECT json_group_array(id) FROM self) AS evidence;
