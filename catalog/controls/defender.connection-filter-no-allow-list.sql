-- id: defender.connection-filter-no-allow-list
-- title: The connection filter has no IP allow list and the safe list is off
-- severity: medium
-- area: Defender for Office 365
-- group: Email
-- cis-m365: 2.1.12, 2.1.13
-- scuba: MS.EXO.12.1v1, MS.EXO.12.2v1
-- nist-800-53: SI-3, SI-8
-- iso-27001: A.8.7
-- soc2: CC6.8
-- sources: exo.HostedConnectionFilterPolicy
-- remediation: scuba-connection-filter
-- description: The default connection filter policy allows no IP address ranges (IPAllowList
--  empty) and does not use the safe list (EnableSafeList false).
-- rationale: Mail from allowed IP addresses or the safe list skips spam filtering, which an
--  attacker using those senders would enjoy.

WITH o AS (SELECT key, j FROM exo_hostedconnectionfilterpolicy WHERE (j ->> '$.IsDefault' IS 1 OR j ->> '$.Identity' = 'Default' OR j ->> '$.Name' = 'Default') ORDER BY key LIMIT 1),
checks(ok, what) AS (
  SELECT (coalesce(json_array_length(j, '$.IPAllowList'), 0) = 0), 'the IP allow list is not empty' FROM o
UNION ALL
  SELECT (j ->> '$.EnableSafeList' IS NOT 1), 'the safe list is on' FROM o
),
bad AS (SELECT what FROM checks WHERE NOT coalesce(ok, 0))
SELECT
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'unknown'
       WHEN EXISTS (SELECT 1 FROM bad) THEN 'fail' ELSE 'pass' END AS status,
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'exo.HostedConnectionFilterPolicy returned no object'
       WHEN EXISTS (SELECT 1 FROM bad)
         THEN 'Default connection filter: ' || (SELECT group_concat(what, '; ') FROM bad)
       ELSE 'The connection filter allows no IP addresses and the safe list is off' END AS reason,
  CASE WHEN EXISTS (SELECT 1 FROM bad) THEN (SELECT json_group_array(json(j)) FROM o) END AS evidence;
