-- id: aad.authenticator-context
-- title: Microsoft Authenticator shows the app and location of each sign-in
-- severity: medium
-- area: Entra ID
-- group: Identity
-- cis-m365: 5.2.3.1
-- scuba: MS.AAD.3.3v2
-- nist-800-53: IA-2(1), IA-5
-- iso-27001: A.8.5
-- soc2: CC6.1
-- sources: graph.authenticationMethodsPolicy, graph.conditionalAccessPolicies
-- remediation: none
-- description: When Microsoft Authenticator is enabled, its push notifications show the
--   application and the geographic location of the sign-in, for all users, and its one-time
--   codes (software OATH) are off, since a code carries no context. As in ScubaGear, the
--   control does not apply (and passes) when Authenticator is disabled or when a policy
--   already requires phishing-resistant MFA for all users.
-- rationale: Context lets a user spot an approval request they did not start (MFA fatigue
--   attacks) instead of approving it out of habit.

WITH ma AS (
  SELECT m.value AS c
  FROM auth_methods_policy p, json_each(p.j, '$.authenticationMethodConfigurations') m
  WHERE m.value ->> '$.id' = 'MicrosoftAuthenticator'
),
pr AS (
  SELECT name FROM ca_gated
  WHERE gate
    AND ((coalesce(json_array_length(j, '$.grantControls.authenticationStrength.allowedCombinations'), 0) > 0
          AND NOT EXISTS (SELECT 1 FROM json_each(j, '$.grantControls.authenticationStrength.allowedCombinations')
                          WHERE value NOT IN ('windowsHelloForBusiness', 'fido2', 'x509CertificateMultiFactor')))
      OR (json_array_length(j, '$.grantControls.authenticationStrength.allowedCombinations') IS NULL
          AND j ->> '$.grantControls.authenticationStrength.id' = '00000000-0000-0000-0000-000000000004'))
),
st AS (
  SELECT
    (SELECT count(*) FROM auth_methods_policy) AS policies,
    (SELECT c ->> '$.state' FROM ma) AS state,
    (SELECT c ->> '$.featureSettings.displayAppInformationRequiredState.state' = 'enabled'
        AND c ->> '$.featureSettings.displayAppInformationRequiredState.includeTarget.id' = 'all_users'
     FROM ma) AS app_ok,
    (SELECT c ->> '$.featureSettings.displayLocationInformationRequiredState.state' = 'enabled'
        AND c ->> '$.featureSettings.displayLocationInformationRequiredState.includeTarget.id' = 'all_users'
     FROM ma) AS loc_ok,
    (SELECT c ->> '$.isSoftwareOathEnabled' IS 0 FROM ma) AS oath_off
)
SELECT
  CASE
    WHEN policies = 0 THEN 'unknown'
    WHEN EXISTS (SELECT 1 FROM pr) OR state IS NOT 'enabled' THEN 'pass'
    WHEN app_ok AND loc_ok AND oath_off THEN 'pass'
    ELSE 'fail'
  END AS status,
  CASE
    WHEN policies = 0 THEN 'The authentication methods policy is missing from the snapshot'
    WHEN EXISTS (SELECT 1 FROM pr)
      THEN 'Not applicable: phishing-resistant MFA is required for all users by ' || (SELECT group_concat(name, ', ') FROM pr)
    WHEN state IS NOT 'enabled' THEN 'Not applicable: Microsoft Authenticator is not enabled'
    WHEN app_ok AND loc_ok AND oath_off
      THEN 'Authenticator shows the application and location to all users, and software OATH codes are off'
    ELSE 'Microsoft Authenticator is enabled but '
         || trim(CASE WHEN app_ok THEN '' ELSE 'does not show the application to all users; ' END
              || CASE WHEN loc_ok THEN '' ELSE 'does not show the location to all users; ' END
              || CASE WHEN oath_off THEN '' ELSE 'allows software OATH codes; ' END, '; ')
  END AS reason,
  CASE WHEN state = 'enabled' AND NOT (app_ok AND loc_ok AND oath_off) AND NOT EXISTS (SELECT 1 FROM pr)
    THEN (SELECT json_group_array(json(c)) FROM ma)
  END AS evidence
FROM st;
