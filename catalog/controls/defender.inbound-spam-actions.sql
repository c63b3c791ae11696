-- id: defender.inbound-spam-actions
-- title: Spam goes to Junk and high-confidence spam and phishing are quarantined
-- severity: medium
-- area: Defender for Office 365
-- group: Email
-- scuba: MS.EXO.14.1v2, MS.EXO.14.2v1
-- nist-800-53: SI-3, SI-8
-- iso-27001: A.8.7
-- soc2: CC6.8
-- sources: exo.HostedContentFilterPolicy
-- remediation: defender-inbound-spam-policy
-- description: The default anti-spam policy moves spam to the Junk Email folder or quarantine,
--  and quarantines high-confidence spam, phishing and high-confidence phishing.
-- rationale: Mail the filter already judged dangerous should not land where a user reads it.

WITH o AS (SELECT key, j FROM exo_hostedcontentfilterpolicy WHERE (j ->> '$.IsDefault' IS 1 OR j ->> '$.Identity' = 'Default' OR j ->> '$.Name' = 'Default') ORDER BY key LIMIT 1),
checks(ok, what) AS (
  SELECT (j ->> '$.SpamAction' IN ('MoveToJmf', 'Quarantine')), 'spam is not moved to Junk or quarantined (SpamAction)' FROM o
UNION ALL
  SELECT (j ->> '$.HighConfidenceSpamAction' = 'Quarantine'), 'high-confidence spam is not quarantined' FROM o
UNION ALL
  SELECT (j ->> '$.PhishSpamAction' = 'Quarantine'), 'phishing is not quarantined' FROM o
UNION ALL
  SELECT (j ->> '$.HighConfidencePhishAction' = 'Quarantine'), 'high-confidence phishing is not quarantined' FROM o
),
bad AS (SELECT what FROM checks WHERE NOT coalesce(ok, 0))
SELECT
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'unknown'
       WHEN EXISTS (SELECT 1 FROM bad) THEN 'fail' ELSE 'pass' END AS status,
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'exo.HostedContentFilterPolicy returned no object'
       WHEN EXISTS (SELECT 1 FROM bad)
         THEN 'Default anti-spam policy: ' || (SELECT group_concat(what, '; ') FROM bad)
       ELSE 'Spam goes to Junk; high-confidence spam and phishing are quarantined' END AS reason,
  CASE WHEN EXISTS (SELECT 1 FROM bad) THEN (SELECT json_group_array(json(j)) FROM o) END AS evidence;
