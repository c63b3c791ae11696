-- id: aad.idle-session-timeout
-- title: Idle Microsoft 365 web sessions are signed out within 3 hours
-- severity: medium
-- area: Entra ID
-- group: Identity
-- cis-m365: 1.3.2
-- nist-800-53: AC-11, AC-12
-- iso-27001: A.8.1, A.8.5
-- soc2: CC6.1
-- sources: graph.activityBasedTimeoutPolicies
-- remediation: entra-idle-session-timeout
-- description: The activity-based timeout policy that is the organisation default (the
--   setting behind "Idle session timeout" in the Microsoft 365 admin center) signs web
--   sessions out after at most 3 hours of inactivity: its definition's application policy for
--   ApplicationId "default" has a WebSessionIdleTimeout of 03:00:00 or less, and no
--   application-specific entry allows longer. CIS pairs the timeout with a conditional access
--   policy that limits it to unmanaged devices; that part only narrows who is signed out and
--   is not checked here.
-- rationale: A browser left signed in on a shared or public computer hands the next person
--   the user's mail, files and admin portals; signing idle sessions out closes that window.

-- definition is a list of JSON strings: {"ActivityBasedTimeoutPolicy": {"Version": 1,
-- "ApplicationPolicies": [{"ApplicationId": "default" | <app id>, "WebSessionIdleTimeout":
-- "[d.]hh:mm:ss"}]}}.  An unreadable string or duration counts against the policy.
WITH pol AS (
  SELECT key, j, coalesce(j ->> '$.displayName', key) AS name,
         (j ->> '$.isOrganizationDefault') IS 1 AS org
  FROM activity_timeout_policies
),
apps AS (
  SELECT p.key, p.name, p.org, ap.value ->> '$.ApplicationId' AS app,
         ap.value ->> '$.WebSessionIdleTimeout' AS t
  FROM pol p, json_each(p.j, '$.definition') d,
       json_each(CASE WHEN json_valid(d.value) THEN d.value ELSE '{}' END,
                 '$.ActivityBasedTimeoutPolicy.ApplicationPolicies') ap
),
split1 AS (
  SELECT *, instr(t, '.') > 0 AND instr(t, '.') < instr(t, ':') AS has_days FROM apps
),
split2 AS (
  SELECT *,
    CASE WHEN has_days THEN substr(t, 1, instr(t, '.') - 1) ELSE '0' END AS d,
    CASE WHEN has_days THEN substr(t, instr(t, '.') + 1) ELSE t END AS rest
  FROM split1
),
split3 AS (
  SELECT *, substr(rest, 1, instr(rest, ':') - 1) AS h, substr(rest, instr(rest, ':') + 1) AS ms
  FROM split2
),
parsed AS (
  SELECT key, name, org, app, t,
    (d <> '' AND d NOT GLOB '*[^0-9]*' AND h <> '' AND h NOT GLOB '*[^0-9]*'
     AND (ms GLOB '[0-5][0-9]:[0-5][0-9]' OR ms GLOB '[0-5][0-9]:[0-5][0-9].[0-9]*')) AS valid,
    CAST(d AS INTEGER) * 86400 + CAST(h AS INTEGER) * 3600 + CAST(substr(ms, 1, 2) AS INTEGER) * 60
      + CAST(substr(ms, 4) AS REAL) AS secs
  FROM split3
),
org_apps AS (SELECT * FROM parsed WHERE org),
dflt AS (
  SELECT * FROM org_apps WHERE lower(app) = 'default' AND valid AND secs <= 10800 LIMIT 1
),
bad AS (
  SELECT * FROM org_apps WHERE NOT valid OR secs > 10800 OR t IS NULL
),
st AS (
  SELECT (SELECT count(*) FROM pol) AS policies,
         (SELECT name FROM pol WHERE org LIMIT 1) AS org_name,
         (SELECT count(*) FROM dflt) AS has_default,
         (SELECT count(*) FROM bad) AS bad_n
)
SELECT
  CASE WHEN has_default AND bad_n = 0 THEN 'pass' ELSE 'fail' END AS status,
  CASE
    WHEN org_name IS NULL AND policies = 0
      THEN 'No activity-based timeout policy: idle web sessions are never signed out'
    WHEN org_name IS NULL
      THEN policies || ' activity-based timeout policy(ies) exist but none is the organisation'
           || ' default, so none applies'
    WHEN bad_n > 0
      THEN 'Policy ' || org_name || ' lets idle web sessions last more than 3 hours: '
           || (SELECT group_concat(coalesce(app, '?') || ' ' || coalesce(t, 'no timeout'), ', ')
               FROM bad)
    WHEN NOT has_default
      THEN 'Policy ' || org_name || ' sets no default WebSessionIdleTimeout'
    ELSE 'Idle web sessions are signed out after ' || (SELECT t FROM dflt)
         || ' (policy ' || org_name || ')'
  END AS reason,
  CASE WHEN bad_n > 0
    THEN (SELECT json_group_array(json_object('policy', name, 'applicationId', app,
                                              'webSessionIdleTimeout', t)) FROM bad)
  END AS evidence
FROM st;
