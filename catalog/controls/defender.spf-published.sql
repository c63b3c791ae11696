-- id: defender.spf-published
-- title: Every mail domain publishes an SPF record that fails unlisted senders
-- severity: high
-- area: Defender for Office 365
-- group: Email
-- cis-m365: 2.1.8
-- scuba: MS.EXO.2.2v3
-- nist-800-53: SC-8, SI-8
-- iso-27001: A.5.14, A.8.7
-- soc2: CC6.7
-- sources: dns.txt
-- remediation: defender-spf-check
-- description: Each verified custom mail domain publishes exactly one SPF record that authorises
--  Exchange Online (include:spf.protection.outlook.com) and ends in -all, or delegates with
--  redirect=.
-- rationale: SPF with a hard fail lets receiving servers reject mail forged in the name of the
--  domain.

WITH d AS (SELECT key, j, lower(coalesce(j ->> '$.id', key)) AS dom FROM dns_txt),
rec AS (SELECT d.dom, trim(t.value) AS r FROM d, json_each(d.j, '$.txt') t
        WHERE t.type = 'text' AND lower(replace(trim(t.value), ' ', '')) LIKE 'v=spf1%'),
per AS (SELECT dom, j, (SELECT count(*) FROM rec WHERE rec.dom = d.dom) AS n,
               (SELECT r FROM rec WHERE rec.dom = d.dom LIMIT 1) AS r,
               (SELECT ';' || lower(replace(replace(r, ' ', ''), char(9), '')) || ';' FROM rec WHERE rec.dom = d.dom LIMIT 1) AS norm
        FROM d),
bad AS (SELECT dom, j, CASE WHEN n = 0 THEN 'no SPF record' WHEN n > 1 THEN n || ' SPF records' ELSE CASE WHEN instr(norm, 'redirect=') = 0 AND instr(norm, 'include:spf.protection.outlook.com') = 0
                THEN 'SPF record does not include spf.protection.outlook.com'
              WHEN instr(norm, 'redirect=') = 0 AND NOT (rtrim(norm, ';') LIKE '%-all')
                THEN 'SPF record does not end in -all' END END AS why FROM per)
SELECT
  CASE WHEN EXISTS (SELECT 1 FROM bad WHERE why IS NOT NULL) THEN 'fail' ELSE 'pass' END AS status,
  CASE WHEN NOT EXISTS (SELECT 1 FROM d) THEN 'No custom mail domain: Microsoft publishes SPF for onmicrosoft.com'
       WHEN EXISTS (SELECT 1 FROM bad WHERE why IS NOT NULL)
         THEN (SELECT count(*) FROM bad WHERE why IS NOT NULL) || ' of ' || (SELECT count(*) FROM d) || ' mail domain(s): '
              || (SELECT group_concat(dom || ' ' || why, '; ') FROM (SELECT * FROM bad WHERE why IS NOT NULL ORDER BY dom))
       ELSE 'Every mail domain publishes an SPF record ending in -all' END AS reason,
  (SELECT json_group_array(json(j)) FROM (SELECT * FROM bad WHERE why IS NOT NULL ORDER BY dom)) AS evidence;
