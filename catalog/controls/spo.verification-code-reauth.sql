-- id: spo.verification-code-reauth
-- title: Verification-code guests re-authenticate within 30 days
-- severity: medium
-- area: SharePoint Online
-- group: Collaboration
-- scuba: MS.SHAREPOINT.3.3v2
-- nist-800-53: IA-11, AC-3
-- iso-27001: A.5.14, A.8.5
-- soc2: CC6.1
-- sources: spo.tenant
-- remediation: scuba-spo-verification-code-reauth
-- description: When external sharing is on, people who open shared content with a one-time
--  verification code must prove their address again within 30 days (SPO tenant
--  EmailAttestationRequired with EmailAttestationReAuthDays 1 to 30). With sharing limited to the
--  organisation it does not apply. CIS 7.2.10 asks for 15 days or less, which this control does
--  not check.
-- rationale: Access granted by a one-time code should not last indefinitely.

WITH o AS (SELECT key, j FROM spo_tenant WHERE 1 ORDER BY key LIMIT 1),
checks(ok, what) AS (
  SELECT (j ->> '$.SharingCapability' IN (0, 'Disabled') OR j ->> '$.EmailAttestationRequired' IS 1), 'verification-code guests never have to re-authenticate (EmailAttestationRequired is false)' FROM o
UNION ALL
  SELECT (j ->> '$.SharingCapability' IN (0, 'Disabled') OR CAST(j ->> '$.EmailAttestationReAuthDays' AS INTEGER) BETWEEN 1 AND 30), 'the re-authentication period is over 30 days (EmailAttestationReAuthDays)' FROM o
),
bad AS (SELECT what FROM checks WHERE NOT coalesce(ok, 0))
SELECT
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'unknown'
       WHEN EXISTS (SELECT 1 FROM bad) THEN 'fail' ELSE 'pass' END AS status,
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'spo.tenant returned no object'
       WHEN EXISTS (SELECT 1 FROM bad)
         THEN 'Verification codes: ' || (SELECT group_concat(what, '; ') FROM bad)
       ELSE 'Verification-code guests re-authenticate within 30 days, or external sharing is off' END AS reason,
  CASE WHEN EXISTS (SELECT 1 FROM bad) THEN (SELECT json_group_array(json(j)) FROM o) END AS evidence;
