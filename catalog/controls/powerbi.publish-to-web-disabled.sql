-- id: powerbi.publish-to-web-disabled
-- title: Power BI Publish to web is off
-- severity: high
-- area: Power BI
-- group: Collaboration
-- cis-m365: 9.1.4
-- scuba: MS.POWERBI.1.1v1
-- nist-800-53: AC-3, AC-21
-- iso-27001: A.5.14, A.5.15
-- soc2: CC6.1, CC6.7
-- sources: fabric.tenantSettings
-- remediation: powerbi-publish-to-web-off
-- description: The Power BI tenant setting Publish to web is disabled, so no report can be
--  published to a public, unauthenticated URL. CIS also accepts the setting limited to security
--  groups; SCuBA does not, and neither does this control (the reason says when only groups hold
--  it).
-- rationale: A report published to the web is readable by anyone on the internet who finds the
--  link.

WITH o AS (SELECT key, j FROM fabric_tenantsettings WHERE j ->> '$.settingName' = 'PublishToWeb' ORDER BY key LIMIT 1),
checks(ok, what) AS (
  SELECT (j ->> '$.enabled' IS 0), 'Publish to web is on' FROM o
),
bad AS (SELECT what FROM checks WHERE NOT coalesce(ok, 0))
SELECT
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'unknown'
       WHEN EXISTS (SELECT 1 FROM bad) THEN 'fail' ELSE 'pass' END AS status,
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'fabric.tenantSettings has no PublishToWeb setting'
       WHEN EXISTS (SELECT 1 FROM bad)
         THEN 'Power BI: ' || (SELECT group_concat(what, '; ') FROM bad) || (SELECT CASE WHEN coalesce(json_array_length(j, '$.enabledSecurityGroups'), 0) > 0 THEN ' for ' || json_array_length(j, '$.enabledSecurityGroups') || ' security group(s) only (CIS accepts this, SCuBA does not)' ELSE ' for the whole organisation' END FROM o)
       ELSE 'Publish to web is off' END AS reason,
  CASE WHEN EXISTS (SELECT 1 FROM bad) THEN (SELECT json_group_array(json(j)) FROM o) END AS evidence;
