-- id: defender.spam-no-allowed-domains
-- title: Anti-spam policies allow no whole sender domain
-- severity: medium
-- area: Defender for Office 365
-- group: Email
-- cis-m365: 2.1.14
-- scuba: MS.EXO.14.3v1
-- nist-800-53: SI-3, SI-8
-- iso-27001: A.8.7
-- soc2: CC6.8
-- sources: exo.HostedContentFilterPolicy
-- remediation: scuba-spam-allowed-domains
-- description: No anti-spam policy lists allowed sender domains (AllowedSenderDomains empty);
--  allowing individual senders is left alone.
-- rationale: Mail from an allowed domain skips spam filtering, and a sender domain is trivially
--  spoofed.

WITH bad AS (SELECT key, j FROM exo_hostedcontentfilterpolicy WHERE coalesce(json_array_length(j, '$.AllowedSenderDomains'), 0) > 0)
SELECT
  CASE WHEN EXISTS (SELECT 1 FROM bad) THEN 'fail' ELSE 'pass' END AS status,
  CASE WHEN EXISTS (SELECT 1 FROM bad)
         THEN (SELECT count(*) FROM bad) || ' of ' || (SELECT count(*) FROM exo_hostedcontentfilterpolicy) || ' anti-spam policies allow whole sender domains: '
              || (SELECT group_concat(key, ', ') FROM (SELECT * FROM bad ORDER BY key))
       ELSE 'No anti-spam policy allows a whole sender domain' END AS reason,
  (SELECT json_group_array(json(j)) FROM (SELECT * FROM bad ORDER BY key)) AS evidence;
