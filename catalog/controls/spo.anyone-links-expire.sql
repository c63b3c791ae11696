-- id: spo.anyone-links-expire
-- title: Anyone links expire within 30 days
-- severity: medium
-- area: SharePoint Online
-- group: Collaboration
-- scuba: MS.SHAREPOINT.3.1v1
-- nist-800-53: AC-3, AC-21
-- iso-27001: A.5.14, A.5.15
-- soc2: CC6.1, CC6.7
-- sources: spo.tenant
-- remediation: spo-anyone-links-expiry
-- description: Where Anyone links are allowed, they expire within 30 days (SPO tenant
--  RequireAnonymousLinksExpireInDays 1 to 30); with Anyone sharing off there is nothing to
--  expire.
-- rationale: An Anyone link without expiry grants unauthenticated access for as long as the link
--  circulates.

WITH o AS (SELECT key, j FROM spo_tenant WHERE 1 ORDER BY key LIMIT 1),
checks(ok, what) AS (
  SELECT (NOT (j ->> '$.SharingCapability' IN (2, 'ExternalUserAndGuestSharing')) OR CAST(j ->> '$.RequireAnonymousLinksExpireInDays' AS INTEGER) BETWEEN 1 AND 30), 'Anyone links are allowed and do not expire within 30 days (RequireAnonymousLinksExpireInDays)' FROM o
),
bad AS (SELECT what FROM checks WHERE NOT coalesce(ok, 0))
SELECT
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'unknown'
       WHEN EXISTS (SELECT 1 FROM bad) THEN 'fail' ELSE 'pass' END AS status,
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'spo.tenant returned no object'
       WHEN EXISTS (SELECT 1 FROM bad)
         THEN 'Anyone links: ' || (SELECT group_concat(what, '; ') FROM bad)
       ELSE 'Anyone links are off or expire within 30 days' END AS reason,
  CASE WHEN EXISTS (SELECT 1 FROM bad) THEN (SELECT json_group_array(json(j)) FROM o) END AS evidence;
