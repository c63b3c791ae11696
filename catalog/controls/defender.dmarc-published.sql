-- id: defender.dmarc-published
-- title: Every mail domain publishes a DMARC reject policy with reporting
-- severity: high
-- area: Defender for Office 365
-- group: Email
-- cis-m365: 2.1.10
-- scuba: MS.EXO.4.1v1, MS.EXO.4.2v1, MS.EXO.4.3v1
-- nist-800-53: SC-8, SI-8
-- iso-27001: A.5.14, A.8.7
-- soc2: CC6.7
-- sources: dns.txt
-- remediation: scuba-dmarc-check
-- description: Each verified custom mail domain publishes exactly one DMARC record at
--  _dmarc.<domain> with p=reject, pct absent or 100, and an aggregate report address (rua=).
-- rationale: DMARC at reject tells receivers to refuse mail that fails SPF and DKIM alignment,
--  and the reports show who sends in the name of the domain.

WITH d AS (SELECT key, j, lower(coalesce(j ->> '$.id', key)) AS dom FROM dns_txt),
rec AS (SELECT d.dom, trim(t.value) AS r FROM d, json_each(d.j, '$.dmarc') t
        WHERE t.type = 'text' AND lower(replace(trim(t.value), ' ', '')) LIKE 'v=dmarc1%'),
per AS (SELECT dom, j, (SELECT count(*) FROM rec WHERE rec.dom = d.dom) AS n,
               (SELECT r FROM rec WHERE rec.dom = d.dom LIMIT 1) AS r,
               (SELECT ';' || lower(replace(replace(r, ' ', ''), char(9), '')) || ';' FROM rec WHERE rec.dom = d.dom LIMIT 1) AS norm
        FROM d),
bad AS (SELECT dom, j, CASE WHEN n = 0 THEN 'no DMARC record' WHEN n > 1 THEN n || ' DMARC records' ELSE CASE WHEN instr(norm, ';p=reject;') = 0 THEN 'DMARC policy is not p=reject'
              WHEN instr(norm, ';pct=') > 0 AND instr(norm, ';pct=100;') = 0 THEN 'DMARC applies to less than 100 percent (pct)'
              WHEN instr(norm, ';rua=') = 0 THEN 'DMARC record has no aggregate report address (rua=)' END END AS why FROM per)
SELECT
  CASE WHEN EXISTS (SELECT 1 FROM bad WHERE why IS NOT NULL) THEN 'fail' ELSE 'pass' END AS status,
  CASE WHEN NOT EXISTS (SELECT 1 FROM d) THEN 'No custom mail domain: nothing to publish DMARC for'
       WHEN EXISTS (SELECT 1 FROM bad WHERE why IS NOT NULL)
         THEN (SELECT count(*) FROM bad WHERE why IS NOT NULL) || ' of ' || (SELECT count(*) FROM d) || ' mail domain(s): '
              || (SELECT group_concat(dom || ' ' || why, '; ') FROM (SELECT * FROM bad WHERE why IS NOT NULL ORDER BY dom))
       ELSE 'Every mail domain publishes DMARC p=reject with reporting' END AS reason,
  (SELECT json_group_array(json(j)) FROM (SELECT * FROM bad WHERE why IS NOT NULL ORDER BY dom)) AS evidence;
