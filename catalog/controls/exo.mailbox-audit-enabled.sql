-- id: exo.mailbox-audit-enabled
-- title: Mailbox auditing is on by default
-- severity: high
-- area: Exchange Online
-- group: Email
-- cis-m365: 6.1.1
-- scuba: MS.EXO.13.1v1
-- nist-800-53: AU-2, AU-12
-- iso-27001: A.8.15
-- soc2: CC7.2
-- sources: exo.OrganizationConfig
-- remediation: exo-mailbox-audit-default
-- description: Mailbox auditing is on for the organisation (Get-OrganizationConfig AuditDisabled
--  is false), so mailbox actions are logged by default.
-- rationale: Without mailbox audit records an investigation cannot tell who read, moved or
--  deleted mail.

WITH o AS (SELECT key, j FROM exo_organizationconfig WHERE 1 ORDER BY key LIMIT 1),
checks(ok, what) AS (
  SELECT (j ->> '$.AuditDisabled' IS 0), 'mailbox auditing is turned off (AuditDisabled)' FROM o
),
bad AS (SELECT what FROM checks WHERE NOT coalesce(ok, 0))
SELECT
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'unknown'
       WHEN EXISTS (SELECT 1 FROM bad) THEN 'fail' ELSE 'pass' END AS status,
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'exo.OrganizationConfig returned no object'
       WHEN EXISTS (SELECT 1 FROM bad)
         THEN 'Organization config: ' || (SELECT group_concat(what, '; ') FROM bad)
       ELSE 'Mailbox auditing is on by default' END AS reason,
  CASE WHEN EXISTS (SELECT 1 FROM bad) THEN (SELECT json_group_array(json(j)) FROM o) END AS evidence;
