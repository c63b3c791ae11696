-- id: purview.retention-policy-exists
-- title: A retention policy covers Exchange mailboxes
-- severity: medium
-- area: Purview
-- group: Data protection
-- nist-800-53: AU-11, SI-12
-- iso-27001: A.5.33
-- soc2: CC7.2
-- sources: scc.RetentionCompliancePolicy
-- remediation: purview-retention-policy
-- description: At least one enabled retention policy applies to Exchange mailboxes
--  (Get-RetentionCompliancePolicy Enabled with a non-empty ExchangeLocation).
-- rationale: A retention policy keeps mail that a user or an intruder deletes, for legal holds
--  and investigations.

WITH good AS (SELECT key, j FROM scc_retentioncompliancepolicy
              WHERE j ->> '$.Enabled' IS 1 AND coalesce(json_array_length(j, '$.ExchangeLocation'), 0) > 0)
SELECT
  CASE WHEN EXISTS (SELECT 1 FROM good) THEN 'pass' ELSE 'fail' END AS status,
  CASE WHEN EXISTS (SELECT 1 FROM good)
         THEN 'Exchange mailboxes are retained by ' || (SELECT group_concat(coalesce(j ->> '$.Name', key), ', ') FROM good)
       WHEN NOT EXISTS (SELECT 1 FROM scc_retentioncompliancepolicy) THEN 'No retention policy'
       ELSE 'No enabled retention policy covers Exchange mailboxes (' || (SELECT count(*) FROM scc_retentioncompliancepolicy) || ' polic(ies) checked)' END AS reason,
  CASE WHEN EXISTS (SELECT 1 FROM good) THEN NULL ELSE (SELECT json_group_array(json(j)) FROM scc_retentioncompliancepolicy) END AS evidence;
