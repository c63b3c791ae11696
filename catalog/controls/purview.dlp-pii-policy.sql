-- id: purview.dlp-pii-policy
-- title: A DLP policy protects credit card, SSN and ITIN data
-- severity: high
-- area: Purview
-- group: Data protection
-- cis-m365: 3.2.1
-- scuba: MS.DEFENDER.4.1v2, MS.DEFENDER.4.2v1
-- nist-800-53: AC-4, SC-7
-- iso-27001: A.8.12
-- soc2: CC6.7
-- sources: scc.DlpCompliancePolicy, scc.DlpComplianceRule
-- remediation: scuba-dlp-pii-policy
-- description: An enabled data loss prevention policy in enforcing mode (Mode Enable, not a
--  simulation) covers Exchange, SharePoint, OneDrive and Teams, and its rules detect credit card
--  numbers, U.S. Social Security numbers and ITINs and block access.
-- rationale: Sensitive personal data sent or shared by mistake is stopped before it leaves,
--  instead of found in a breach report.

WITH pol AS (SELECT key, j, coalesce(j ->> '$.Name', key) AS name FROM scc_dlpcompliancepolicy),
typ(name) AS (VALUES ('Credit Card Number'), ('U.S. Social Security Number (SSN)'), ('U.S. Individual Taxpayer Identification Number (ITIN)')),
pst AS (SELECT key, j, name,
   (j ->> '$.Enabled' IS NOT 0) AS enabled,
   (j ->> '$.Mode' = 'Enable') AS enforcing,
   (coalesce(json_array_length(j, '$.ExchangeLocation'), 0) > 0 AND coalesce(json_array_length(j, '$.SharePointLocation'), 0) > 0
    AND coalesce(json_array_length(j, '$.OneDriveLocation'), 0) > 0 AND coalesce(json_array_length(j, '$.TeamsLocation'), 0) > 0) AS everywhere,
   NOT EXISTS (SELECT 1 FROM typ WHERE NOT EXISTS (
     SELECT 1 FROM scc_dlpcompliancerule r
     WHERE r.j ->> '$.ParentPolicyName' = pol.name AND r.j ->> '$.Disabled' IS NOT 1 AND r.j ->> '$.BlockAccess' IS 1
       AND instr(json_extract(r.j, '$.ContentContainsSensitiveInformation'), '"' || typ.name || '"') > 0)) AS detects
   FROM pol),
good AS (SELECT * FROM pst WHERE enabled AND enforcing AND everywhere AND detects)
SELECT
  CASE WHEN EXISTS (SELECT 1 FROM good) THEN 'pass' ELSE 'fail' END AS status,
  CASE WHEN EXISTS (SELECT 1 FROM good) THEN 'DLP policy ' || (SELECT group_concat(name, ', ') FROM good) || ' blocks credit card, SSN and ITIN data'
       WHEN NOT EXISTS (SELECT 1 FROM pst) THEN 'No DLP policy'
       ELSE 'No enforcing DLP policy blocks credit card, SSN and ITIN data in Exchange, SharePoint, OneDrive and Teams: '
            || (SELECT group_concat(name || ' (' || trim(
                 CASE WHEN enabled THEN '' ELSE 'disabled; ' END
                 || CASE WHEN enforcing THEN '' ELSE 'mode ' || coalesce(j ->> '$.Mode', 'unset') || '; ' END
                 || CASE WHEN everywhere THEN '' ELSE 'not in all four locations; ' END
                 || CASE WHEN detects THEN '' ELSE 'its blocking rules miss one of the three types; ' END, '; ') || ')', ', ') FROM pst) END AS reason,
  CASE WHEN EXISTS (SELECT 1 FROM good) THEN NULL ELSE (SELECT json_group_array(json(j)) FROM pst) END AS evidence;
