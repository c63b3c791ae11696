-- id: spo.guest-reshare-disabled
-- title: Guests cannot reshare items they do not own
-- severity: medium
-- area: SharePoint Online
-- group: Collaboration
-- cis-m365: 7.2.5
-- nist-800-53: AC-3, AC-21
-- iso-27001: A.5.14, A.5.15
-- soc2: CC6.1, CC6.7
-- sources: graph.sharepointSettings
-- remediation: spo-guest-reshare-off
-- description: External users cannot share items they were given with further people
--  (admin/sharepoint/settings isResharingByExternalUsersEnabled false).
-- rationale: A guest who may reshare can pass organisation content on to anyone, outside any
--  review.

WITH o AS (SELECT key, j FROM graph_sharepointsettings WHERE 1 ORDER BY key LIMIT 1),
checks(ok, what) AS (
  SELECT (j ->> '$.isResharingByExternalUsersEnabled' IS 0), 'guests may reshare items they do not own (isResharingByExternalUsersEnabled)' FROM o
),
bad AS (SELECT what FROM checks WHERE NOT coalesce(ok, 0))
SELECT
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'unknown'
       WHEN EXISTS (SELECT 1 FROM bad) THEN 'fail' ELSE 'pass' END AS status,
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'graph.sharepointSettings returned no object'
       WHEN EXISTS (SELECT 1 FROM bad)
         THEN 'SharePoint sharing: ' || (SELECT group_concat(what, '; ') FROM bad)
       ELSE 'Guests cannot reshare items they do not own' END AS reason,
  CASE WHEN EXISTS (SELECT 1 FROM bad) THEN (SELECT json_group_array(json(j)) FROM o) END AS evidence;
