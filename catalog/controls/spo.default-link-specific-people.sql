-- id: spo.default-link-specific-people
-- title: Sharing links default to specific people
-- severity: medium
-- area: SharePoint Online
-- group: Collaboration
-- cis-m365: 7.2.7
-- scuba: MS.SHAREPOINT.2.1v1
-- nist-800-53: AC-3, AC-21
-- iso-27001: A.5.14, A.5.15
-- soc2: CC6.1, CC6.7
-- sources: spo.tenant
-- remediation: spo-default-link-specific-people
-- description: The sharing link offered by default in SharePoint and OneDrive is Specific people
--  (SPO tenant DefaultSharingLinkType Direct).
-- rationale: A default that reaches only the people named keeps a hurried click from sharing with
--  the whole organisation or anyone.

WITH o AS (SELECT key, j FROM spo_tenant WHERE 1 ORDER BY key LIMIT 1),
checks(ok, what) AS (
  SELECT (j ->> '$.DefaultSharingLinkType' IN (1, 'Direct')), 'the default sharing link is not Specific people (DefaultSharingLinkType)' FROM o
),
bad AS (SELECT what FROM checks WHERE NOT coalesce(ok, 0))
SELECT
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'unknown'
       WHEN EXISTS (SELECT 1 FROM bad) THEN 'fail' ELSE 'pass' END AS status,
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'spo.tenant returned no object'
       WHEN EXISTS (SELECT 1 FROM bad)
         THEN 'Default link: ' || (SELECT group_concat(what, '; ') FROM bad)
       ELSE 'Sharing links default to specific people' END AS reason,
  CASE WHEN EXISTS (SELECT 1 FROM bad) THEN (SELECT json_group_array(json(j)) FROM o) END AS evidence;
