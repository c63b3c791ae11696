-- id: defender.atp-spo-odb-teams
-- title: Safe Attachments covers SharePoint, OneDrive and Teams
-- severity: high
-- area: Defender for Office 365
-- group: Email
-- cis-m365: 2.1.5
-- scuba: MS.DEFENDER.3.1v1
-- nist-800-53: SI-3, SI-8
-- iso-27001: A.8.7
-- soc2: CC6.8
-- sources: exo.AtpPolicyForO365
-- remediation: defender-atp-spo-odb-teams
-- description: Safe Attachments for SharePoint, OneDrive and Microsoft Teams is on
--  (Get-AtpPolicyForO365 EnableATPForSPOTeamsODB).
-- rationale: Malicious files shared in SharePoint, OneDrive or Teams are blocked before someone
--  opens them.

WITH o AS (SELECT key, j FROM exo_atppolicyforo365 WHERE 1 ORDER BY key LIMIT 1),
checks(ok, what) AS (
  SELECT (j ->> '$.EnableATPForSPOTeamsODB' IS 1), 'Safe Attachments for SharePoint, OneDrive and Teams is off' FROM o
),
bad AS (SELECT what FROM checks WHERE NOT coalesce(ok, 0))
SELECT
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'unknown'
       WHEN EXISTS (SELECT 1 FROM bad) THEN 'fail' ELSE 'pass' END AS status,
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'exo.AtpPolicyForO365 returned no object'
       WHEN EXISTS (SELECT 1 FROM bad)
         THEN 'ATP policy: ' || (SELECT group_concat(what, '; ') FROM bad)
       ELSE 'Safe Attachments covers SharePoint, OneDrive and Teams' END AS reason,
  CASE WHEN EXISTS (SELECT 1 FROM bad) THEN (SELECT json_group_array(json(j)) FROM o) END AS evidence;
