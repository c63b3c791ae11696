-- id: powerbi.resource-key-auth-blocked
-- title: Power BI resource key authentication is blocked
-- severity: medium
-- area: Power BI
-- group: Collaboration
-- cis-m365: 9.1.9
-- nist-800-53: IA-2, AC-17
-- iso-27001: A.8.5
-- soc2: CC6.1
-- sources: fabric.tenantSettings
-- remediation: powerbi-resource-key-auth-off
-- description: The Power BI tenant setting Block ResourceKey Authentication is enabled, so
--  streaming datasets cannot be written with a bare resource key.
-- rationale: A resource key is a shared secret without an identity: whoever holds it can push
--  data, and nobody can tell who did.

WITH o AS (SELECT key, j FROM fabric_tenantsettings WHERE j ->> '$.settingName' = 'BlockResourceKeyAuthentication' ORDER BY key LIMIT 1),
checks(ok, what) AS (
  SELECT (j ->> '$.enabled' IS 1), 'resource key authentication is allowed (Block ResourceKey Authentication is off)' FROM o
),
bad AS (SELECT what FROM checks WHERE NOT coalesce(ok, 0))
SELECT
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'unknown'
       WHEN EXISTS (SELECT 1 FROM bad) THEN 'fail' ELSE 'pass' END AS status,
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'fabric.tenantSettings has no BlockResourceKeyAuthentication setting'
       WHEN EXISTS (SELECT 1 FROM bad)
         THEN 'Power BI: ' || (SELECT group_concat(what, '; ') FROM bad)
       ELSE 'Resource key authentication is blocked' END AS reason,
  CASE WHEN EXISTS (SELECT 1 FROM bad) THEN (SELECT json_group_array(json(j)) FROM o) END AS evidence;
