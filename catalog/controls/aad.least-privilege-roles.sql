-- id: aad.least-privilege-roles
-- title: Finer-grained roles are used rather than Global Administrator
-- severity: medium
-- area: Entra ID
-- group: Identity
-- scuba: MS.AAD.7.2v1
-- nist-800-53: AC-6, AC-6(5)
-- iso-27001: A.8.2
-- soc2: CC6.3
-- sources: graph.directoryRoleMembers
-- remediation: none
-- description: As ScubaGear scores it: the Global Administrator count is within 2 to 8, and
--   Global Administrators are no more numerous than the users who hold other highly privileged
--   roles without being Global Administrators (a least-privilege ratio of 1 or less).
--   Privileged roles are the privileged_roles view's column scuba; active members only.
-- rationale: Most admin work needs far less than Global Administrator; each task-specific role
--   granted instead limits what a compromised admin account can do.

WITH members AS (
  SELECT j ->> '$.id' AS id,
         coalesce(j ->> '$.userPrincipalName', j ->> '$.displayName', j ->> '$.id') AS name,
         j ->> '$."@role".roleTemplateId' AS role
  FROM role_members
  WHERE coalesce(j ->> '$."@odata.type"', '#microsoft.graph.user') = '#microsoft.graph.user'
    AND j ->> '$."@role".roleTemplateId' IN (SELECT template_id FROM privileged_roles WHERE scuba)
),
ga AS (SELECT DISTINCT id, name FROM members WHERE role = '62e90394-69f5-4237-9190-012177145e10'),
others AS (SELECT DISTINCT id FROM members WHERE id NOT IN (SELECT id FROM ga)),
st AS (SELECT (SELECT count(*) FROM ga) AS g, (SELECT count(*) FROM others) AS o)
SELECT
  CASE WHEN g BETWEEN 2 AND 8 AND g <= o THEN 'pass' ELSE 'fail' END AS status,
  CASE WHEN g NOT BETWEEN 2 AND 8
         THEN 'The Global Administrator count (' || g || ') is outside 2 to 8, so the ratio is not judged'
       WHEN g <= o THEN g || ' Global Administrators and ' || o || ' users with other privileged roles'
       ELSE g || ' Global Administrators but only ' || o
            || ' users with other privileged roles: move admins to narrower roles'
  END AS reason,
  CASE WHEN NOT (g BETWEEN 2 AND 8 AND g <= o)
    THEN (SELECT json_group_array(json_object('id', id, 'name', name)) FROM ga) END AS evidence
FROM st;
