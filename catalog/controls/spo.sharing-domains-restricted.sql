-- id: spo.sharing-domains-restricted
-- title: External sharing is restricted to approved domains
-- severity: medium
-- area: SharePoint Online
-- group: Collaboration
-- cis-m365: 7.2.6
-- scuba: MS.SHAREPOINT.1.3v1
-- nist-800-53: AC-3, AC-21
-- iso-27001: A.5.14, A.5.15
-- soc2: CC6.1, CC6.7
-- sources: graph.sharepointSettings
-- remediation: scuba-spo-domain-allow-list
-- description: When SharePoint shares externally at all, sharing is limited to an allow list of
--  approved external domains (sharingDomainRestrictionMode allowList with a non-empty
--  sharingAllowedDomainList).
-- rationale: An allow list keeps files from being shared with unknown organisations and personal
--  addresses.

WITH o AS (SELECT key, j FROM graph_sharepointsettings WHERE 1 ORDER BY key LIMIT 1),
checks(ok, what) AS (
  SELECT (j ->> '$.sharingCapability' = 'disabled' OR (j ->> '$.sharingDomainRestrictionMode' = 'allowList' AND coalesce(json_array_length(j, '$.sharingAllowedDomainList'), 0) > 0)), 'external sharing is not limited to an allow list of domains (sharingDomainRestrictionMode is not allowList with domains)' FROM o
),
bad AS (SELECT what FROM checks WHERE NOT coalesce(ok, 0))
SELECT
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'unknown'
       WHEN EXISTS (SELECT 1 FROM bad) THEN 'fail' ELSE 'pass' END AS status,
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'graph.sharepointSettings returned no object'
       WHEN EXISTS (SELECT 1 FROM bad)
         THEN 'SharePoint sharing: ' || (SELECT group_concat(what, '; ') FROM bad)
       ELSE 'External sharing is off or limited to approved domains' END AS reason,
  CASE WHEN EXISTS (SELECT 1 FROM bad) THEN (SELECT json_group_array(json(j)) FROM o) END AS evidence;
