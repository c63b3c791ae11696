-- id: exo.external-sender-tag
-- title: Mail from external senders is tagged in Outlook
-- severity: medium
-- area: Exchange Online
-- group: Email
-- cis-m365: 6.2.3
-- scuba: MS.EXO.7.1v1
-- nist-800-53: SI-8, AT-2
-- iso-27001: A.6.3, A.8.7
-- soc2: CC6.8
-- sources: exo.ExternalInOutlook
-- remediation: exo-external-sender-tag
-- description: Outlook shows an External tag on messages from outside the organisation
--  (Get-ExternalInOutlook Enabled).
-- rationale: A visible tag helps users spot a phishing message that impersonates a colleague.

WITH o AS (SELECT key, j FROM exo_externalinoutlook WHERE 1 ORDER BY key LIMIT 1),
checks(ok, what) AS (
  SELECT (j ->> '$.Enabled' IS 1), 'the external sender tag is off' FROM o
),
bad AS (SELECT what FROM checks WHERE NOT coalesce(ok, 0))
SELECT
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'unknown'
       WHEN EXISTS (SELECT 1 FROM bad) THEN 'fail' ELSE 'pass' END AS status,
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'exo.ExternalInOutlook returned no object'
       WHEN EXISTS (SELECT 1 FROM bad)
         THEN 'External in Outlook: ' || (SELECT group_concat(what, '; ') FROM bad)
       ELSE 'External senders are tagged in Outlook' END AS reason,
  CASE WHEN EXISTS (SELECT 1 FROM bad) THEN (SELECT json_group_array(json(j)) FROM o) END AS evidence;
