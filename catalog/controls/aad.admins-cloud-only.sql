-- id: aad.admins-cloud-only
-- title: Privileged accounts are cloud-only
-- severity: high
-- area: Entra ID
-- group: Identity
-- cis-m365: 1.1.1
-- scuba: MS.AAD.7.3v1
-- nist-800-53: AC-2, AC-6(5)
-- iso-27001: A.5.16, A.8.2
-- soc2: CC6.1, CC6.3
-- sources: graph.directoryRoleMembers, graph.users
-- remediation: none
-- description: No user holding a privileged role (the privileged_roles view, SCuBA and CIS
--   lists together) is synchronised from on-premises Active Directory: onPremisesImmutableId
--   is empty and onPremisesSyncEnabled is not true.
-- rationale: A synchronised admin account falls with the on-premises domain; keeping cloud
--   admins separate stops a local breach from becoming a tenant takeover.

WITH admins AS (
  SELECT DISTINCT j ->> '$.id' AS id,
         coalesce(j ->> '$.userPrincipalName', j ->> '$.displayName', j ->> '$.id') AS name,
         j ->> '$.onPremisesImmutableId' AS member_immutable,
         j ->> '$.onPremisesSyncEnabled' AS member_sync
  FROM role_members
  WHERE coalesce(j ->> '$."@odata.type"', '#microsoft.graph.user') = '#microsoft.graph.user'
    AND j ->> '$."@role".roleTemplateId' IN (SELECT template_id FROM privileged_roles)
),
judged AS (
  SELECT a.id, a.name,
         coalesce(u.j ->> '$.onPremisesImmutableId', a.member_immutable) AS immutable,
         coalesce(u.j ->> '$.onPremisesSyncEnabled', a.member_sync) AS sync
  FROM admins a LEFT JOIN users u ON u.key = a.id  -- key is the id, and indexed
),
hybrid AS (SELECT * FROM judged WHERE immutable IS NOT NULL OR sync IS 1)
SELECT
  CASE WHEN EXISTS (SELECT 1 FROM hybrid) THEN 'fail' ELSE 'pass' END AS status,
  CASE WHEN EXISTS (SELECT 1 FROM hybrid)
         THEN (SELECT count(*) FROM hybrid) || ' of ' || (SELECT count(*) FROM judged)
              || ' privileged account(s) are synchronised from on-premises: '
              || (SELECT group_concat(name, ', ') FROM (SELECT name FROM hybrid LIMIT 10))
       ELSE 'All ' || (SELECT count(*) FROM judged) || ' privileged account(s) are cloud-only'
  END AS reason,
  (SELECT json_group_array(json_object('id', id, 'name', name, 'onPremisesSyncEnabled', sync,
                                       'onPremisesImmutableId', immutable)) FROM hybrid) AS evidence;
