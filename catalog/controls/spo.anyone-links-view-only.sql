-- id: spo.anyone-links-view-only
-- title: Anyone links are view-only
-- severity: medium
-- area: SharePoint Online
-- group: Collaboration
-- scuba: MS.SHAREPOINT.3.2v1
-- nist-800-53: AC-3, AC-21
-- iso-27001: A.5.14, A.5.15
-- soc2: CC6.1, CC6.7
-- sources: spo.tenant
-- remediation: scuba-spo-anyone-links-view-only
-- description: Where Anyone links are allowed, file and folder Anyone links can only give view
--  permission (SPO tenant FileAnonymousLinkType and FolderAnonymousLinkType View or None).
-- rationale: An editable Anyone link lets anybody holding it change or replace files of the
--  organisation.

WITH o AS (SELECT key, j FROM spo_tenant WHERE 1 ORDER BY key LIMIT 1),
checks(ok, what) AS (
  SELECT (NOT (j ->> '$.SharingCapability' IN (2, 'ExternalUserAndGuestSharing')) OR j ->> '$.FileAnonymousLinkType' IN (0, 1, 'None', 'View')), 'Anyone links to files can give edit permission (FileAnonymousLinkType)' FROM o
UNION ALL
  SELECT (NOT (j ->> '$.SharingCapability' IN (2, 'ExternalUserAndGuestSharing')) OR j ->> '$.FolderAnonymousLinkType' IN (0, 1, 'None', 'View')), 'Anyone links to folders can give edit permission (FolderAnonymousLinkType)' FROM o
),
bad AS (SELECT what FROM checks WHERE NOT coalesce(ok, 0))
SELECT
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'unknown'
       WHEN EXISTS (SELECT 1 FROM bad) THEN 'fail' ELSE 'pass' END AS status,
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'spo.tenant returned no object'
       WHEN EXISTS (SELECT 1 FROM bad)
         THEN 'Anyone links: ' || (SELECT group_concat(what, '; ') FROM bad)
       ELSE 'Anyone links are off or view-only' END AS reason,
  CASE WHEN EXISTS (SELECT 1 FROM bad) THEN (SELECT json_group_array(json(j)) FROM o) END AS evidence;
