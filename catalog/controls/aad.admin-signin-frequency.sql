-- id: aad.admin-signin-frequency
-- title: Admin sessions re-authenticate within 4 hours and are not persistent
-- severity: medium
-- area: Entra ID
-- group: Identity
-- cis-m365: 5.2.2.4
-- nist-800-53: AC-12, IA-11
-- iso-27001: A.8.5
-- soc2: CC6.1
-- sources: graph.conditionalAccessPolicies
-- remediation: none
-- description: An enabled conditional access policy for all applications and every admin role
--   CIS lists (or all users) sets a sign-in frequency of 4 hours or less (or every time) and
--   never-persistent browser sessions. No role may be excluded; user and group exclusions
--   must be allowed.
-- rationale: A long-lived admin session token is worth stealing; short sessions limit what a
--   stolen cookie or an unlocked workstation can do.

WITH meets AS (
  SELECT key, name, role_gate, role_gaps,
    (all_users OR NOT EXISTS (
       SELECT 1 FROM privileged_roles r WHERE r.cis
         AND r.template_id NOT IN (SELECT value FROM json_each(j, '$.conditions.users.includeRoles'))
    )) AS covers,
    (j ->> '$.sessionControls.signInFrequency.isEnabled' IS 1
     AND (j ->> '$.sessionControls.signInFrequency.frequencyInterval' = 'everyTime'
          OR (j ->> '$.sessionControls.signInFrequency.type' = 'hours'
              AND j ->> '$.sessionControls.signInFrequency.value' BETWEEN 1 AND 4))) AS freq_ok,
    (j ->> '$.sessionControls.persistentBrowser.isEnabled' IS 1
     AND j ->> '$.sessionControls.persistentBrowser.mode' = 'never') AS browser_ok
  FROM ca_gated
  WHERE j ->> '$.sessionControls.signInFrequency.isEnabled' IS 1
     OR j ->> '$.sessionControls.persistentBrowser.isEnabled' IS 1
),
why AS (
  SELECT key, name, role_gate AND covers AND freq_ok AND browser_ok AS ok,
    trim(role_gaps
         || CASE WHEN covers THEN '' ELSE '; misses admin roles' END
         || CASE WHEN freq_ok THEN '' ELSE '; sign-in frequency not 4 hours or less' END
         || CASE WHEN browser_ok THEN '' ELSE '; browser sessions may persist' END, '; ') AS gaps
  FROM meets
),
counted AS (SELECT * FROM why WHERE ok)
SELECT
  CASE WHEN EXISTS (SELECT 1 FROM counted) THEN 'pass' ELSE 'fail' END AS status,
  CASE
    WHEN EXISTS (SELECT 1 FROM counted)
      THEN 'Admin sessions are limited by: ' || (SELECT group_concat(name, ', ') FROM counted)
    WHEN EXISTS (SELECT 1 FROM why)
      THEN (SELECT count(*) FROM why) || ' session policy(ies) do not meet it: '
           || (SELECT group_concat(name || ' (' || gaps || ')', '; ') FROM why)
    ELSE 'No conditional access policy limits admin sign-in frequency and browser persistence'
  END AS reason,
  CASE WHEN EXISTS (SELECT 1 FROM counted) THEN NULL
    ELSE (SELECT json_group_array(json_object('id', key, 'displayName', name, 'gaps', gaps)) FROM why)
  END AS evidence;
