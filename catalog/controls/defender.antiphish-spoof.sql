-- id: defender.antiphish-spoof
-- title: Spoof intelligence and unauthenticated-sender indicators are on
-- severity: medium
-- area: Defender for Office 365
-- group: Email
-- cis-m365: 2.1.7
-- nist-800-53: SI-3, SI-8
-- iso-27001: A.8.7
-- soc2: CC6.8
-- sources: exo.AntiPhishPolicy
-- remediation: defender-antiphish-spoof
-- description: The default anti-phishing policy uses spoof intelligence, honours the sender
--  domains DMARC policy, and shows first-contact safety tips, the unauthenticated-sender question
--  mark and the via tag.
-- rationale: These indicators tell a user when a message only looks like it comes from someone
--  they know.

WITH o AS (SELECT key, j FROM exo_antiphishpolicy WHERE (j ->> '$.IsDefault' IS 1) ORDER BY key LIMIT 1),
checks(ok, what) AS (
  SELECT (j ->> '$.EnableSpoofIntelligence' IS 1), 'spoof intelligence is off' FROM o
UNION ALL
  SELECT (j ->> '$.HonorDmarcPolicy' IS 1), 'the sender DMARC policy is not honoured' FROM o
UNION ALL
  SELECT (j ->> '$.EnableFirstContactSafetyTips' IS 1), 'first-contact safety tips are off' FROM o
UNION ALL
  SELECT (j ->> '$.EnableUnauthenticatedSender' IS 1), 'the unauthenticated-sender indicator is off' FROM o
UNION ALL
  SELECT (j ->> '$.EnableViaTag' IS 1), 'the via tag is off' FROM o
),
bad AS (SELECT what FROM checks WHERE NOT coalesce(ok, 0))
SELECT
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'unknown'
       WHEN EXISTS (SELECT 1 FROM bad) THEN 'fail' ELSE 'pass' END AS status,
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'exo.AntiPhishPolicy returned no default policy'
       WHEN EXISTS (SELECT 1 FROM bad)
         THEN 'Default anti-phishing policy: ' || (SELECT group_concat(what, '; ') FROM bad)
       ELSE 'Spoof intelligence and sender indicators are on' END AS reason,
  CASE WHEN EXISTS (SELECT 1 FROM bad) THEN (SELECT json_group_array(json(j)) FROM o) END AS evidence;
