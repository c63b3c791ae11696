-- id: exo.contacts-sharing-restricted
-- title: Contacts are not shared with all external domains
-- severity: medium
-- area: Exchange Online
-- group: Email
-- scuba: MS.EXO.6.1v1
-- nist-800-53: AC-4, AC-21
-- iso-27001: A.5.14
-- soc2: CC6.7
-- sources: exo.SharingPolicy
-- remediation: scuba-contacts-sharing
-- description: No enabled sharing policy has a Domains entry for all domains (*) that shares
--  contacts.
-- rationale: Shared contacts tell an outsider who works with whom and when, useful for targeted
--  phishing.

WITH bad AS (SELECT key, j FROM exo_sharingpolicy WHERE j ->> '$.Enabled' IS NOT 0 AND EXISTS (SELECT 1 FROM json_each(j, '$.Domains') d WHERE d.value LIKE '*:%ContactsSharing%'))
SELECT
  CASE WHEN EXISTS (SELECT 1 FROM bad) THEN 'fail' ELSE 'pass' END AS status,
  CASE WHEN EXISTS (SELECT 1 FROM bad)
         THEN (SELECT count(*) FROM bad) || ' of ' || (SELECT count(*) FROM exo_sharingpolicy) || ' enabled sharing policies share with all domains: '
              || (SELECT group_concat(key, ', ') FROM (SELECT * FROM bad ORDER BY key))
       ELSE 'No enabled sharing policy shares contacts with all domains' END AS reason,
  (SELECT json_group_array(json(j)) FROM (SELECT * FROM bad ORDER BY key)) AS evidence;
