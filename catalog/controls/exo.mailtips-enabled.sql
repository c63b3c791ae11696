-- id: exo.mailtips-enabled
-- title: MailTips, including the external-recipient tip, are on
-- severity: low
-- area: Exchange Online
-- group: Email
-- cis-m365: 6.5.2
-- nist-800-53: SI-8, AT-2
-- iso-27001: A.6.3, A.8.7
-- soc2: CC6.8
-- sources: exo.OrganizationConfig
-- remediation: exo-mailtips
-- description: All MailTips, the external-recipient tip and group metrics are on, and the
--  large-audience tip shows from 25 recipients.
-- rationale: MailTips warn a sender before a message goes outside the organisation or to a large
--  audience.

WITH o AS (SELECT key, j FROM exo_organizationconfig WHERE 1 ORDER BY key LIMIT 1),
checks(ok, what) AS (
  SELECT (j ->> '$.MailTipsAllTipsEnabled' IS 1), 'MailTips are off' FROM o
UNION ALL
  SELECT (j ->> '$.MailTipsExternalRecipientsTipsEnabled' IS 1), 'the external-recipient tip is off' FROM o
UNION ALL
  SELECT (j ->> '$.MailTipsGroupMetricsEnabled' IS 1), 'group metrics are off' FROM o
UNION ALL
  SELECT (CAST(j ->> '$.MailTipsLargeAudienceThreshold' AS INTEGER) BETWEEN 1 AND 25), 'the large-audience threshold is above 25' FROM o
),
bad AS (SELECT what FROM checks WHERE NOT coalesce(ok, 0))
SELECT
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'unknown'
       WHEN EXISTS (SELECT 1 FROM bad) THEN 'fail' ELSE 'pass' END AS status,
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'exo.OrganizationConfig returned no object'
       WHEN EXISTS (SELECT 1 FROM bad)
         THEN 'MailTips: ' || (SELECT group_concat(what, '; ') FROM bad)
       ELSE 'MailTips are on, the external-recipient tip included' END AS reason,
  CASE WHEN EXISTS (SELECT 1 FROM bad) THEN (SELECT json_group_array(json(j)) FROM o) END AS evidence;
