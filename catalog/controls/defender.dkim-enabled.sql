-- id: defender.dkim-enabled
-- title: Outgoing mail is DKIM-signed for every custom domain
-- severity: high
-- area: Defender for Office 365
-- group: Email
-- cis-m365: 2.1.9
-- scuba: MS.EXO.3.1v1
-- nist-800-53: SC-8, SI-8
-- iso-27001: A.5.14, A.8.7
-- soc2: CC6.7
-- sources: exo.AcceptedDomain, exo.DkimSigningConfig
-- remediation: defender-dkim-enabled
-- description: Every accepted domain other than the onmicrosoft.com ones has a DKIM signing
--  configuration that is enabled (Get-DkimSigningConfig Enabled).
-- rationale: Without DKIM, receivers cannot tell mail really sent by the organisation from a
--  forgery, and DMARC has less to go on.

WITH ad AS (SELECT lower(coalesce(j ->> '$.DomainName', j ->> '$.Name', key)) AS d FROM exo_accepteddomain),
custom AS (SELECT d FROM ad WHERE d NOT LIKE '%.onmicrosoft.com'),
bad AS (SELECT d FROM custom WHERE NOT EXISTS (SELECT 1 FROM exo_dkimsigningconfig c
          WHERE lower(coalesce(c.j ->> '$.Domain', c.j ->> '$.Name', c.key)) = custom.d
            AND c.j ->> '$.Enabled' IS 1))
SELECT
  CASE WHEN NOT EXISTS (SELECT 1 FROM ad) THEN 'unknown'
       WHEN EXISTS (SELECT 1 FROM bad) THEN 'fail' ELSE 'pass' END AS status,
  CASE WHEN NOT EXISTS (SELECT 1 FROM ad) THEN 'exo.AcceptedDomain returned no domain'
       WHEN EXISTS (SELECT 1 FROM bad)
         THEN (SELECT count(*) FROM bad) || ' of ' || (SELECT count(*) FROM custom)
              || ' custom domain(s) are not DKIM-signed: ' || (SELECT group_concat(d, ', ') FROM (SELECT d FROM bad ORDER BY d))
       WHEN NOT EXISTS (SELECT 1 FROM custom) THEN 'Only onmicrosoft.com domains, which Microsoft signs'
       ELSE 'Every custom accepted domain is DKIM-signed' END AS reason,
  (SELECT json_group_array(json_object('domain', d, 'config',
     (SELECT json(c.j) FROM exo_dkimsigningconfig c WHERE lower(coalesce(c.j ->> '$.Domain', c.j ->> '$.Name', c.key)) = bad.d))) FROM (SELECT d FROM bad ORDER BY d) bad) AS evidence;
