-- id: spo.onedrive-sharing-limited
-- title: OneDrive external sharing is limited to existing guests
-- severity: high
-- area: SharePoint Online
-- group: Collaboration
-- cis-m365: 7.2.4
-- scuba: MS.SHAREPOINT.1.2v1
-- nist-800-53: AC-3, AC-21
-- iso-27001: A.5.14, A.5.15
-- soc2: CC6.1, CC6.7
-- sources: spo.tenant
-- remediation: scuba-onedrive-sharing-limited
-- description: OneDrive external sharing is set to Existing guests or Only people in your
--  organization (SPO tenant OneDriveSharingCapability).
-- rationale: Personal OneDrive files shared with new guests or by Anyone link are out of the
--  sight of the organisation.

WITH o AS (SELECT key, j FROM spo_tenant WHERE 1 ORDER BY key LIMIT 1),
checks(ok, what) AS (
  SELECT (j ->> '$.OneDriveSharingCapability' IN (0, 3, 'Disabled', 'ExistingExternalUserSharingOnly')), 'OneDrive sharing allows new guests or Anyone links (OneDriveSharingCapability)' FROM o
),
bad AS (SELECT what FROM checks WHERE NOT coalesce(ok, 0))
SELECT
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'unknown'
       WHEN EXISTS (SELECT 1 FROM bad) THEN 'fail' ELSE 'pass' END AS status,
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'spo.tenant returned no object'
       WHEN EXISTS (SELECT 1 FROM bad)
         THEN 'OneDrive sharing: ' || (SELECT group_concat(what, '; ') FROM bad)
       ELSE 'OneDrive external sharing is limited to existing guests or the organisation' END AS reason,
  CASE WHEN EXISTS (SELECT 1 FROM bad) THEN (SELECT json_group_array(json(j)) FROM o) END AS evidence;
