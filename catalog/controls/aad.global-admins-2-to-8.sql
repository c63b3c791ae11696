-- id: aad.global-admins-2-to-8
-- title: Between two and eight Global Administrators
-- severity: high
-- area: Entra ID
-- group: Identity
-- scuba: MS.AAD.7.1v1
-- nist-800-53: AC-2, AC-6(5)
-- iso-27001: A.8.2
-- soc2: CC6.1, CC6.3
-- sources: graph.directoryRoleMembers
-- remediation: none
-- description: The Global Administrator role (template 62e90394-69f5-4237-9190-012177145e10)
--   has at least two and at most eight user members. Counted from the role's active members;
--   when a group holds the role its members are not collected, so the count is unknown.
--   (CIS asks for at most four: aad.global-admins-2-to-4.)
-- rationale: One Global Administrator is a single point of failure; many are many chances for
--   an attacker to take the whole tenant.

WITH members AS (
  SELECT j ->> '$.id' AS id,
         coalesce(j ->> '$.userPrincipalName', j ->> '$.displayName', j ->> '$.id') AS name,
         coalesce(j ->> '$."@odata.type"', '#microsoft.graph.user') AS type
  FROM role_members
  WHERE j ->> '$."@role".roleTemplateId' = '62e90394-69f5-4237-9190-012177145e10'
),
ga AS (SELECT DISTINCT id, name FROM members WHERE type = '#microsoft.graph.user'),
groups AS (SELECT DISTINCT id, name FROM members WHERE type = '#microsoft.graph.group'),
st AS (SELECT (SELECT count(*) FROM ga) AS n)
SELECT
  CASE WHEN EXISTS (SELECT 1 FROM groups) THEN 'unknown'
       WHEN n BETWEEN 2 AND 8 THEN 'pass' ELSE 'fail' END AS status,
  CASE WHEN EXISTS (SELECT 1 FROM groups)
         THEN 'Global Administrator is held through group(s) whose members are not collected: '
              || (SELECT group_concat(name, ', ') FROM groups)
       WHEN n BETWEEN 2 AND 8 THEN n || ' Global Administrators (2 to 8 wanted)'
       WHEN n < 2 THEN 'Only ' || n || ' Global Administrator(s): at least 2 are needed'
       ELSE n || ' Global Administrators: at most 8 wanted'
  END AS reason,
  CASE WHEN n NOT BETWEEN 2 AND 8 OR EXISTS (SELECT 1 FROM groups)
    THEN (SELECT json_group_array(json_object('id', id, 'name', name))
          FROM (SELECT id, name FROM ga UNION ALL SELECT id, name FROM groups)) END AS evidence
FROM st;
