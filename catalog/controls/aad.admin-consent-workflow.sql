-- id: aad.admin-consent-workflow
-- title: The admin consent workflow is on and has reviewers
-- severity: medium
-- area: Entra ID
-- group: Identity
-- cis-m365: 5.1.5.2
-- scuba: MS.AAD.5.3v1
-- nist-800-53: AC-6, CM-11
-- iso-27001: A.5.15, A.5.23
-- soc2: CC6.3
-- sources: graph.adminConsentRequestPolicy
-- remediation: entra-admin-consent-workflow
-- description: The admin consent request policy is enabled and names at least one reviewer,
--   so a user who needs an application can ask for it instead of being refused outright.
-- rationale: With user consent off, a request path keeps people from working around the
--   restriction, and puts each new application in front of someone who can judge it.

WITH pol AS (SELECT key, j FROM admin_consent_policy LIMIT 1),
st AS (
  SELECT (SELECT count(*) FROM pol) AS policies,
         (SELECT j ->> '$.isEnabled' FROM pol) AS enabled,
         (SELECT coalesce(json_array_length(j, '$.reviewers'), 0) FROM pol) AS reviewers
)
SELECT
  CASE WHEN policies = 0 THEN 'unknown'
       WHEN enabled IS 1 AND reviewers > 0 THEN 'pass' ELSE 'fail' END AS status,
  CASE WHEN policies = 0 THEN 'The admin consent request policy is missing from the snapshot'
       WHEN enabled IS NOT 1 THEN 'The admin consent workflow is off'
       WHEN reviewers = 0 THEN 'The admin consent workflow is on but names no reviewer'
       ELSE 'The admin consent workflow is on with ' || reviewers || ' reviewer(s)'
  END AS reason,
  NULL AS evidence
FROM st;
