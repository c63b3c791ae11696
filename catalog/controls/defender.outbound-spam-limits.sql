-- id: defender.outbound-spam-limits
-- title: Outbound sending limits are set and block the sender when reached
-- severity: medium
-- area: Defender for Office 365
-- group: Email
-- cis-m365: 2.1.15
-- nist-800-53: SI-3, SI-8
-- iso-27001: A.8.7
-- soc2: CC6.8
-- sources: exo.HostedOutboundSpamFilterPolicy
-- remediation: defender-outbound-spam-policy
-- description: The default outbound spam policy caps external recipients at 500 an hour, internal
--  at 1,000 an hour and all at 1,000 a day (none left at 0, the service default), and blocks the
--  sender when a limit is reached.
-- rationale: A compromised mailbox used to spam is stopped early instead of at the service-wide
--  limits, and the organisation keeps its sending reputation.

WITH o AS (SELECT key, j FROM exo_hostedoutboundspamfilterpolicy WHERE (j ->> '$.IsDefault' IS 1 OR j ->> '$.Identity' = 'Default' OR j ->> '$.Name' = 'Default') ORDER BY key LIMIT 1),
checks(ok, what) AS (
  SELECT (CAST(j ->> '$.RecipientLimitExternalPerHour' AS INTEGER) BETWEEN 1 AND 500), 'the external hourly limit is not between 1 and 500' FROM o
UNION ALL
  SELECT (CAST(j ->> '$.RecipientLimitInternalPerHour' AS INTEGER) BETWEEN 1 AND 1000), 'the internal hourly limit is not between 1 and 1000' FROM o
UNION ALL
  SELECT (CAST(j ->> '$.RecipientLimitPerDay' AS INTEGER) BETWEEN 1 AND 1000), 'the daily limit is not between 1 and 1000' FROM o
UNION ALL
  SELECT (j ->> '$.ActionWhenThresholdReached' = 'BlockUser'), 'a sender over the limit is not blocked (ActionWhenThresholdReached is not BlockUser)' FROM o
),
bad AS (SELECT what FROM checks WHERE NOT coalesce(ok, 0))
SELECT
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'unknown'
       WHEN EXISTS (SELECT 1 FROM bad) THEN 'fail' ELSE 'pass' END AS status,
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'exo.HostedOutboundSpamFilterPolicy returned no object'
       WHEN EXISTS (SELECT 1 FROM bad)
         THEN 'Default outbound spam policy: ' || (SELECT group_concat(what, '; ') FROM bad)
       ELSE 'Outbound limits are set and a sender over them is blocked' END AS reason,
  CASE WHEN EXISTS (SELECT 1 FROM bad) THEN (SELECT json_group_array(json(j)) FROM o) END AS evidence;
