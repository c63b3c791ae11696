-- id: defender.spam-zap-enabled
-- title: Zero-hour auto purge removes spam and phishing after delivery
-- severity: medium
-- area: Defender for Office 365
-- group: Email
-- nist-800-53: SI-3, SI-8
-- iso-27001: A.8.7
-- soc2: CC6.8
-- sources: exo.HostedContentFilterPolicy
-- remediation: defender-inbound-spam-policy
-- description: The default anti-spam policy has zero-hour auto purge on for spam and for phishing
--  (SpamZapEnabled, PhishZapEnabled).
-- rationale: Spam and phishing recognised after delivery are removed from mailboxes.

WITH o AS (SELECT key, j FROM exo_hostedcontentfilterpolicy WHERE (j ->> '$.IsDefault' IS 1 OR j ->> '$.Identity' = 'Default' OR j ->> '$.Name' = 'Default') ORDER BY key LIMIT 1),
checks(ok, what) AS (
  SELECT (j ->> '$.SpamZapEnabled' IS 1), 'zero-hour auto purge for spam is off' FROM o
UNION ALL
  SELECT (j ->> '$.PhishZapEnabled' IS 1), 'zero-hour auto purge for phishing is off' FROM o
),
bad AS (SELECT what FROM checks WHERE NOT coalesce(ok, 0))
SELECT
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'unknown'
       WHEN EXISTS (SELECT 1 FROM bad) THEN 'fail' ELSE 'pass' END AS status,
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'exo.HostedContentFilterPolicy returned no object'
       WHEN EXISTS (SELECT 1 FROM bad)
         THEN 'Default anti-spam policy: ' || (SELECT group_concat(what, '; ') FROM bad)
       ELSE 'Zero-hour auto purge is on for spam and phishing' END AS reason,
  CASE WHEN EXISTS (SELECT 1 FROM bad) THEN (SELECT json_group_array(json(j)) FROM o) END AS evidence;
