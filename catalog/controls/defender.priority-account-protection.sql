-- id: defender.priority-account-protection
-- title: Priority account protection is on
-- severity: medium
-- area: Defender for Office 365
-- group: Email
-- cis-m365: 2.4.1
-- nist-800-53: SI-3, SI-8
-- iso-27001: A.8.7
-- soc2: CC6.8
-- sources: exo.EmailTenantSettings
-- remediation: defender-priority-account-protection
-- description: Priority account protection is on for the tenant (Get-EmailTenantSettings
--  EnablePriorityAccountProtection).
-- rationale: Executives and other priority accounts are the likeliest targets; this gives them
--  extra scrutiny and reporting.

WITH o AS (SELECT key, j FROM exo_emailtenantsettings WHERE 1 ORDER BY key LIMIT 1),
checks(ok, what) AS (
  SELECT (j ->> '$.EnablePriorityAccountProtection' IS 1), 'priority account protection is off' FROM o
),
bad AS (SELECT what FROM checks WHERE NOT coalesce(ok, 0))
SELECT
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'unknown'
       WHEN EXISTS (SELECT 1 FROM bad) THEN 'fail' ELSE 'pass' END AS status,
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'exo.EmailTenantSettings returned no object'
       WHEN EXISTS (SELECT 1 FROM bad)
         THEN 'Email tenant settings: ' || (SELECT group_concat(what, '; ') FROM bad)
       ELSE 'Priority account protection is on' END AS reason,
  CASE WHEN EXISTS (SELECT 1 FROM bad) THEN (SELECT json_group_array(json(j)) FROM o) END AS evidence;
