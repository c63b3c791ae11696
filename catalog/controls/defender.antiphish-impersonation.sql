-- id: defender.antiphish-impersonation
-- title: Anti-phishing protects users from impersonation with mailbox intelligence
-- severity: high
-- area: Defender for Office 365
-- group: Email
-- cis-m365: 2.1.7
-- scuba: MS.DEFENDER.2.1v1
-- nist-800-53: SI-3, SI-8
-- iso-27001: A.8.7
-- soc2: CC6.8
-- sources: exo.AntiPhishPolicy
-- remediation: defender-antiphish-impersonation
-- description: The default anti-phishing policy uses mailbox intelligence and acts on it, raises
--  the phishing threshold to 3 (more aggressive) or higher, and protects a named list of users
--  (executives and other likely targets) from impersonation.
-- rationale: Impersonating an executive or a finance officer is the core of business email
--  compromise.

WITH o AS (SELECT key, j FROM exo_antiphishpolicy WHERE (j ->> '$.IsDefault' IS 1) ORDER BY key LIMIT 1),
checks(ok, what) AS (
  SELECT (j ->> '$.EnableMailboxIntelligence' IS 1), 'mailbox intelligence is off' FROM o
UNION ALL
  SELECT (j ->> '$.EnableMailboxIntelligenceProtection' IS 1), 'mailbox intelligence protection is off' FROM o
UNION ALL
  SELECT (CAST(j ->> '$.PhishThresholdLevel' AS INTEGER) >= 3), 'the phishing threshold is below 3' FROM o
UNION ALL
  SELECT (j ->> '$.EnableTargetedUserProtection' IS 1 AND coalesce(json_array_length(j, '$.TargetedUsersToProtect'), 0) > 0), 'no users are protected from impersonation' FROM o
),
bad AS (SELECT what FROM checks WHERE NOT coalesce(ok, 0))
SELECT
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'unknown'
       WHEN EXISTS (SELECT 1 FROM bad) THEN 'fail' ELSE 'pass' END AS status,
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'exo.AntiPhishPolicy returned no default policy'
       WHEN EXISTS (SELECT 1 FROM bad)
         THEN 'Default anti-phishing policy: ' || (SELECT group_concat(what, '; ') FROM bad)
       ELSE 'Users are protected from impersonation with mailbox intelligence' END AS reason,
  CASE WHEN EXISTS (SELECT 1 FROM bad) THEN (SELECT json_group_array(json(j)) FROM o) END AS evidence;
