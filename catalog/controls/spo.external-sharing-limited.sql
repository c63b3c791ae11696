-- id: spo.external-sharing-limited
-- title: SharePoint external sharing is limited to existing guests
-- severity: high
-- area: SharePoint Online
-- group: Collaboration
-- cis-m365: 7.2.3
-- scuba: MS.SHAREPOINT.1.1v1
-- nist-800-53: AC-3, AC-21
-- iso-27001: A.5.14, A.5.15
-- soc2: CC6.1, CC6.7
-- sources: graph.sharepointSettings
-- remediation: spo-external-sharing-limited
-- description: SharePoint external sharing is set to Existing guests or Only people in your
--  organization (admin/sharepoint/settings sharingCapability).
-- rationale: New guests and Anyone links let content leave the organisation with little or no
--  authentication.

WITH o AS (SELECT key, j FROM graph_sharepointsettings WHERE 1 ORDER BY key LIMIT 1),
checks(ok, what) AS (
  SELECT (j ->> '$.sharingCapability' IN ('disabled', 'existingExternalUserSharingOnly')), 'sharing allows new guests or Anyone links (sharingCapability is not disabled or existingExternalUserSharingOnly)' FROM o
),
bad AS (SELECT what FROM checks WHERE NOT coalesce(ok, 0))
SELECT
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'unknown'
       WHEN EXISTS (SELECT 1 FROM bad) THEN 'fail' ELSE 'pass' END AS status,
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'graph.sharepointSettings returned no object'
       WHEN EXISTS (SELECT 1 FROM bad)
         THEN 'SharePoint sharing: ' || (SELECT group_concat(what, '; ') FROM bad)
       ELSE 'SharePoint external sharing is limited to existing guests or the organisation' END AS reason,
  CASE WHEN EXISTS (SELECT 1 FROM bad) THEN (SELECT json_group_array(json(j)) FROM o) END AS evidence;
