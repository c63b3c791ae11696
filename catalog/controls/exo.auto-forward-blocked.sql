-- id: exo.auto-forward-blocked
-- title: Automatic forwarding to external domains is blocked
-- severity: high
-- area: Exchange Online
-- group: Email
-- cis-m365: 6.2.1
-- scuba: MS.EXO.1.1v2
-- nist-800-53: AC-4, AC-21
-- iso-27001: A.5.14
-- soc2: CC6.7
-- sources: exo.RemoteDomain, exo.HostedOutboundSpamFilterPolicy
-- remediation: exo-auto-forward-remote-off
-- description: No remote domain allows automatic forwarding (SCuBA) and the default outbound spam
--  policy sets AutoForwardingMode Off (CIS).
-- rationale: Automatic forwarding quietly copies mail outside the organisation, a common step
--  after an account takeover.

WITH rd AS (SELECT key, j FROM exo_remotedomain WHERE j ->> '$.AutoForwardEnabled' IS NOT 0),
ob AS (SELECT key, j FROM exo_hostedoutboundspamfilterpolicy
       WHERE (j ->> '$.IsDefault' IS 1 OR j ->> '$.Identity' = 'Default')
         AND coalesce(j ->> '$.AutoForwardingMode', 'Automatic') <> 'Off'),
bad AS (SELECT key, j FROM rd UNION ALL SELECT key, j FROM ob)
SELECT
  CASE WHEN NOT EXISTS (SELECT 1 FROM exo_remotedomain) THEN 'unknown'
       WHEN EXISTS (SELECT 1 FROM bad) THEN 'fail' ELSE 'pass' END AS status,
  CASE WHEN NOT EXISTS (SELECT 1 FROM exo_remotedomain) THEN 'exo.RemoteDomain returned no remote domain'
       WHEN EXISTS (SELECT 1 FROM bad)
         THEN trim(CASE WHEN EXISTS (SELECT 1 FROM rd) THEN (SELECT count(*) FROM rd)
                   || ' remote domain(s) allow automatic forwarding ('
                   || (SELECT group_concat(key, ', ') FROM rd) || '); ' ELSE '' END
              || CASE WHEN EXISTS (SELECT 1 FROM ob)
                   THEN 'the default outbound spam policy does not turn automatic forwarding Off' ELSE '' END, '; ')
       ELSE 'Automatic forwarding to external domains is blocked' END AS reason,
  (SELECT json_group_array(json(j)) FROM (SELECT * FROM bad ORDER BY key)) AS evidence;
