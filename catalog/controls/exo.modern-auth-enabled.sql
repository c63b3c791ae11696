-- id: exo.modern-auth-enabled
-- title: Modern authentication is on for Exchange Online
-- severity: high
-- area: Exchange Online
-- group: Email
-- cis-m365: 6.5.1
-- nist-800-53: IA-2, AC-17
-- iso-27001: A.8.5
-- soc2: CC6.1
-- sources: exo.OrganizationConfig
-- remediation: exo-modern-auth
-- description: Exchange Online accepts modern (OAuth 2.0) authentication from Outlook and other
--  clients (OAuth2ClientProfileEnabled).
-- rationale: Basic authentication cannot do MFA or conditional access; modern authentication can.

WITH o AS (SELECT key, j FROM exo_organizationconfig WHERE 1 ORDER BY key LIMIT 1),
checks(ok, what) AS (
  SELECT (j ->> '$.OAuth2ClientProfileEnabled' IS 1), 'modern authentication is off (OAuth2ClientProfileEnabled)' FROM o
),
bad AS (SELECT what FROM checks WHERE NOT coalesce(ok, 0))
SELECT
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'unknown'
       WHEN EXISTS (SELECT 1 FROM bad) THEN 'fail' ELSE 'pass' END AS status,
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'exo.OrganizationConfig returned no object'
       WHEN EXISTS (SELECT 1 FROM bad)
         THEN 'Organization config: ' || (SELECT group_concat(what, '; ') FROM bad)
       ELSE 'Modern authentication is on' END AS reason,
  CASE WHEN EXISTS (SELECT 1 FROM bad) THEN (SELECT json_group_array(json(j)) FROM o) END AS evidence;
