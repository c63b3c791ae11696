-- id: aad.password-never-expires
-- title: User passwords are not set to expire
-- severity: medium
-- area: Entra ID
-- group: Identity
-- cis-m365: 1.3.1
-- scuba: MS.AAD.6.1v1
-- nist-800-53: IA-5(1)
-- iso-27001: A.5.17
-- soc2: CC6.1
-- sources: graph.domains
-- remediation: entra-password-never-expires
-- description: Every verified, managed (not federated) domain has a password validity period
--   of 2147483647 days, meaning passwords never expire; a subdomain takes the setting of its
--   root domain. Federated domains follow their identity provider and are not judged here.
-- rationale: Forced periodic changes push people to predictable passwords (Spring2025!,
--   Summer2025!); current NIST guidance is to change a password only when it is compromised.

WITH managed AS (
  SELECT key, j ->> '$.id' AS id, j ->> '$.isRoot' IS 1 AS is_root,
         j ->> '$.passwordValidityPeriodInDays' AS days
  FROM domains
  WHERE j ->> '$.isVerified' IS 1 AND j ->> '$.authenticationType' = 'Managed'
),
judged AS (
  SELECT m.id,
    CASE WHEN m.is_root THEN m.days
         ELSE (SELECT r.days FROM managed r WHERE r.is_root AND m.id LIKE '%.' || r.id
               ORDER BY length(r.id) DESC LIMIT 1) END AS days
  FROM managed m
),
bad AS (SELECT id, days FROM judged WHERE days IS NOT 2147483647)
SELECT
  CASE WHEN NOT EXISTS (SELECT 1 FROM judged) THEN 'fail'
       WHEN EXISTS (SELECT 1 FROM bad) THEN 'fail' ELSE 'pass' END AS status,
  CASE WHEN NOT EXISTS (SELECT 1 FROM judged) THEN 'No verified managed domain found to judge'
       WHEN EXISTS (SELECT 1 FROM bad)
         THEN (SELECT count(*) FROM bad) || ' of ' || (SELECT count(*) FROM judged)
              || ' managed domain(s) make passwords expire: '
              || (SELECT group_concat(id || ' (' || coalesce(days || ' days', 'no root domain') || ')', ', ') FROM bad)
       ELSE 'Passwords never expire on all ' || (SELECT count(*) FROM judged) || ' managed domain(s)'
  END AS reason,
  (SELECT json_group_array(json_object('id', id, 'passwordValidityPeriodInDays', days)) FROM bad) AS evidence;
