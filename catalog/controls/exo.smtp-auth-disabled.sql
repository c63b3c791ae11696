-- id: exo.smtp-auth-disabled
-- title: SMTP AUTH is off for the organisation
-- severity: high
-- area: Exchange Online
-- group: Email
-- cis-m365: 6.5.4
-- scuba: MS.EXO.5.1v1
-- nist-800-53: IA-2, AC-17
-- iso-27001: A.8.5
-- soc2: CC6.1
-- sources: exo.TransportConfig
-- remediation: exo-smtp-auth-disabled
-- description: Authenticated SMTP client submission is disabled for the organisation
--  (Get-TransportConfig SmtpClientAuthenticationDisabled).
-- rationale: SMTP AUTH takes a password without MFA, which makes it a favourite of
--  password-spraying.

WITH o AS (SELECT key, j FROM exo_transportconfig WHERE 1 ORDER BY key LIMIT 1),
checks(ok, what) AS (
  SELECT (j ->> '$.SmtpClientAuthenticationDisabled' IS 1), 'SMTP AUTH is enabled (SmtpClientAuthenticationDisabled is false)' FROM o
),
bad AS (SELECT what FROM checks WHERE NOT coalesce(ok, 0))
SELECT
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'unknown'
       WHEN EXISTS (SELECT 1 FROM bad) THEN 'fail' ELSE 'pass' END AS status,
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'exo.TransportConfig returned no object'
       WHEN EXISTS (SELECT 1 FROM bad)
         THEN 'Transport config: ' || (SELECT group_concat(what, '; ') FROM bad)
       ELSE 'SMTP AUTH is disabled for the organisation' END AS reason,
  CASE WHEN EXISTS (SELECT 1 FROM bad) THEN (SELECT json_group_array(json(j)) FROM o) END AS evidence;
