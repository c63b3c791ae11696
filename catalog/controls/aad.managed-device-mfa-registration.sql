-- id: aad.managed-device-mfa-registration
-- title: Registering MFA methods requires a managed device
-- severity: low
-- area: Entra ID
-- group: Identity
-- scuba: MS.AAD.3.8v1
-- nist-800-53: IA-3, IA-5
-- iso-27001: A.5.17, A.8.1
-- soc2: CC6.1
-- sources: graph.conditionalAccessPolicies
-- remediation: none
-- description: An enabled conditional access policy for all users on the user action
--   "register security information" requires a compliant or hybrid-joined device. Excluded
--   roles are not allowed and user and group exclusions must be allowed, as for the other
--   SCuBA policies (applications do not apply to a user-action policy).
-- rationale: An attacker holding only a password could otherwise register their own phone as
--   the account's second factor and keep it.

WITH meets AS (
  SELECT key, name, (enabled AND all_users AND no_role_exclusions AND exclusions_allowed) AS ok,
    trim(CASE WHEN enabled THEN '' WHEN j ->> '$.state' = 'enabledForReportingButNotEnforced'
              THEN 'report-only; ' ELSE 'not enabled; ' END
         || CASE WHEN all_users THEN '' ELSE 'not for all users; ' END
         || CASE WHEN no_role_exclusions THEN '' ELSE 'excludes roles; ' END
         || CASE WHEN exclusions_allowed THEN ''
                 ELSE 'excludes users or groups not allowed for this control; ' END, '; ') AS gaps
  FROM ca_gated
  WHERE EXISTS (SELECT 1 FROM json_each(j, '$.conditions.applications.includeUserActions')
                WHERE value = 'urn:user:registersecurityinfo')
    AND EXISTS (SELECT 1 FROM json_each(j, '$.grantControls.builtInControls')
                WHERE value IN ('compliantDevice', 'domainJoinedDevice'))
),
counted AS (SELECT * FROM meets WHERE ok)
SELECT
  CASE WHEN EXISTS (SELECT 1 FROM counted) THEN 'pass' ELSE 'fail' END AS status,
  CASE
    WHEN EXISTS (SELECT 1 FROM counted)
      THEN 'MFA registration needs a managed device by: ' || (SELECT group_concat(name, ', ') FROM counted)
    WHEN EXISTS (SELECT 1 FROM meets)
      THEN (SELECT count(*) FROM meets) || ' policy(ies) guard MFA registration but do not count: '
           || (SELECT group_concat(name || ' (' || gaps || ')', '; ') FROM meets)
    ELSE 'No conditional access policy requires a managed device to register security information'
  END AS reason,
  CASE WHEN EXISTS (SELECT 1 FROM counted) THEN NULL
    ELSE (SELECT json_group_array(json_object('id', key, 'displayName', name, 'gaps', gaps)) FROM meets)
  END AS evidence;
