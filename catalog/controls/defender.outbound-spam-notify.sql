-- id: defender.outbound-spam-notify
-- title: Administrators are notified of outbound spam
-- severity: low
-- area: Defender for Office 365
-- group: Email
-- cis-m365: 2.1.6
-- nist-800-53: SI-4, IR-5
-- iso-27001: A.8.16
-- soc2: CC7.2
-- sources: exo.HostedOutboundSpamFilterPolicy
-- remediation: defender-outbound-spam-policy
-- description: The default outbound spam policy copies suspicious outbound mail to, and notifies,
--  named administrators.
-- rationale: A mailbox sending spam is usually compromised; someone should hear about it at once.

WITH o AS (SELECT key, j FROM exo_hostedoutboundspamfilterpolicy WHERE (j ->> '$.IsDefault' IS 1 OR j ->> '$.Identity' = 'Default' OR j ->> '$.Name' = 'Default') ORDER BY key LIMIT 1),
checks(ok, what) AS (
  SELECT (j ->> '$.BccSuspiciousOutboundMail' IS 1 AND coalesce(json_array_length(j, '$.BccSuspiciousOutboundAdditionalRecipients'), 0) > 0), 'suspicious outbound mail is not copied to anyone' FROM o
UNION ALL
  SELECT (j ->> '$.NotifyOutboundSpam' IS 1 AND coalesce(json_array_length(j, '$.NotifyOutboundSpamRecipients'), 0) > 0), 'nobody is notified of blocked senders' FROM o
),
bad AS (SELECT what FROM checks WHERE NOT coalesce(ok, 0))
SELECT
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'unknown'
       WHEN EXISTS (SELECT 1 FROM bad) THEN 'fail' ELSE 'pass' END AS status,
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'exo.HostedOutboundSpamFilterPolicy returned no object'
       WHEN EXISTS (SELECT 1 FROM bad)
         THEN 'Default outbound spam policy: ' || (SELECT group_concat(what, '; ') FROM bad)
       ELSE 'Administrators are notified of outbound spam' END AS reason,
  CASE WHEN EXISTS (SELECT 1 FROM bad) THEN (SELECT json_group_array(json(j)) FROM o) END AS evidence;
