-- id: purview.audit-log-enabled
-- title: Audit log search (unified audit logging) is on
-- severity: high
-- area: Purview
-- group: Data protection
-- cis-m365: 3.1.1
-- scuba: MS.EXO.17.1v1, MS.DEFENDER.6.1v1
-- nist-800-53: AU-2, AU-12
-- iso-27001: A.8.15
-- soc2: CC7.2
-- sources: exo.AdminAuditLogConfig
-- remediation: scuba-unified-audit-log
-- description: Unified audit logging is on (Get-AdminAuditLogConfig
--  UnifiedAuditLogIngestionEnabled), so user and admin activity is searchable.
-- rationale: Without the unified audit log there is no record to investigate an incident with.

WITH o AS (SELECT key, j FROM exo_adminauditlogconfig WHERE 1 ORDER BY key LIMIT 1),
checks(ok, what) AS (
  SELECT (j ->> '$.UnifiedAuditLogIngestionEnabled' IS 1), 'unified audit log ingestion is off' FROM o
),
bad AS (SELECT what FROM checks WHERE NOT coalesce(ok, 0))
SELECT
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'unknown'
       WHEN EXISTS (SELECT 1 FROM bad) THEN 'fail' ELSE 'pass' END AS status,
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'exo.AdminAuditLogConfig returned no object'
       WHEN EXISTS (SELECT 1 FROM bad)
         THEN 'Audit config: ' || (SELECT group_concat(what, '; ') FROM bad)
       ELSE 'Unified audit logging is on' END AS reason,
  CASE WHEN EXISTS (SELECT 1 FROM bad) THEN (SELECT json_group_array(json(j)) FROM o) END AS evidence;
