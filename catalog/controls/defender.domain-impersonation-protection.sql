-- id: defender.domain-impersonation-protection
-- title: Own and partner domains are protected from impersonation
-- severity: medium
-- area: Defender for Office 365
-- group: Email
-- scuba: MS.DEFENDER.2.2v1, MS.DEFENDER.2.3v1
-- nist-800-53: SI-3, SI-8
-- iso-27001: A.8.7
-- soc2: CC6.8
-- sources: exo.AntiPhishPolicy
-- remediation: scuba-domain-impersonation
-- description: The default anti-phishing policy protects the organisations own domains from
--  impersonation and quarantines such mail; when partner-domain protection is on, it names at
--  least one partner domain.
-- rationale: Look-alike domains of the organisation or its partners are how invoice fraud reaches
--  users.

WITH o AS (SELECT key, j FROM exo_antiphishpolicy WHERE (j ->> '$.IsDefault' IS 1) ORDER BY key LIMIT 1),
checks(ok, what) AS (
  SELECT (j ->> '$.EnableOrganizationDomainsProtection' IS 1), 'the organisation domains are not protected' FROM o
UNION ALL
  SELECT (j ->> '$.TargetedDomainProtectionAction' = 'Quarantine'), 'impersonating mail is not quarantined (TargetedDomainProtectionAction)' FROM o
UNION ALL
  SELECT (j ->> '$.EnableTargetedDomainsProtection' IS NOT 1 OR coalesce(json_array_length(j, '$.TargetedDomainsToProtect'), 0) > 0), 'partner-domain protection is on but names no domain' FROM o
),
bad AS (SELECT what FROM checks WHERE NOT coalesce(ok, 0))
SELECT
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'unknown'
       WHEN EXISTS (SELECT 1 FROM bad) THEN 'fail' ELSE 'pass' END AS status,
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'exo.AntiPhishPolicy returned no default policy'
       WHEN EXISTS (SELECT 1 FROM bad)
         THEN 'Default anti-phishing policy: ' || (SELECT group_concat(what, '; ') FROM bad)
       ELSE 'Own and partner domains are protected from impersonation' END AS reason,
  CASE WHEN EXISTS (SELECT 1 FROM bad) THEN (SELECT json_group_array(json(j)) FROM o) END AS evidence;
