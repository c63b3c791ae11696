-- id: defender.required-alerts-enabled
-- title: The alert policies SCuBA requires are on
-- severity: medium
-- area: Defender for Office 365
-- group: Email
-- scuba: MS.EXO.16.1v1, MS.DEFENDER.5.1v1
-- nist-800-53: SI-4, IR-5
-- iso-27001: A.8.16
-- soc2: CC7.2
-- sources: scc.ProtectionAlert
-- remediation: scuba-protection-alerts
-- description: The seven built-in alert policies named by the SCuBA Exchange Online baseline
--  exist and are enabled: suspicious sending patterns, suspicious connector activity, suspicious
--  forwarding, delayed messages, the two sending restrictions and potentially malicious URL
--  clicks.
-- rationale: These alerts are often the first sign of a compromised mailbox or a mail flow being
--  abused.

WITH need(name) AS (VALUES ('Suspicious email sending patterns detected'), ('Suspicious Connector Activity'), ('Suspicious Email Forwarding Activity'), ('Messages have been delayed'), ('Tenant restricted from sending unprovisioned email'), ('Tenant restricted from sending email'), ('A potentially malicious URL click was detected')),
st AS (SELECT need.name, (SELECT j FROM scc_protectionalert a WHERE coalesce(a.j ->> '$.Name', a.key) = need.name LIMIT 1) AS j FROM need),
bad AS (SELECT name, j, CASE WHEN j IS NULL THEN 'missing' ELSE 'disabled' END AS why FROM st
        WHERE j IS NULL OR j ->> '$.Disabled' IS NOT 0)
SELECT
  CASE WHEN EXISTS (SELECT 1 FROM bad) THEN 'fail' ELSE 'pass' END AS status,
  CASE WHEN EXISTS (SELECT 1 FROM bad)
         THEN (SELECT count(*) FROM bad) || ' of 7 required alert policies are off: '
              || (SELECT group_concat(name || ' (' || why || ')', '; ') FROM bad)
       ELSE 'The seven alert policies SCuBA requires are on' END AS reason,
  CASE WHEN EXISTS (SELECT 1 FROM bad) THEN (SELECT json_group_array(coalesce(json(j), json_object('Name', name, 'missing', json('true')))) FROM bad) END AS evidence;
