-- id: aad.guest-invites-restricted
-- title: Only admins and Guest Inviters can invite guests
-- severity: medium
-- area: Entra ID
-- group: Identity
-- cis-m365: 5.1.6.3
-- scuba: MS.AAD.8.2v1
-- nist-800-53: AC-2, AC-6
-- iso-27001: A.5.16, A.5.18
-- soc2: CC6.2
-- sources: graph.authorizationPolicy
-- remediation: entra-guest-invites-restricted
-- description: The authorization policy's allowInvitesFrom is "adminsAndGuestInviters".
--   "none" (nobody may invite) is stricter and passes too, where ScubaGear, reading the value
--   literally, would fail it.
-- rationale: Each guest is an outside identity with access to your data; invitations should
--   come from people accountable for them.

WITH pol AS (SELECT key, j FROM authorization_policy LIMIT 1),
st AS (SELECT (SELECT count(*) FROM pol) AS policies,
              (SELECT j ->> '$.allowInvitesFrom' FROM pol) AS v)
SELECT
  CASE WHEN policies = 0 THEN 'unknown'
       WHEN v IN ('adminsAndGuestInviters', 'none') THEN 'pass' ELSE 'fail' END AS status,
  CASE WHEN policies = 0 THEN 'The authorization policy is missing from the snapshot'
       WHEN v = 'none' THEN 'Nobody can invite guests'
       WHEN v = 'adminsAndGuestInviters' THEN 'Only admins and Guest Inviters can invite guests'
       WHEN v = 'adminsGuestInvitersAndAllMembers' THEN 'Every member can invite guests'
       WHEN v = 'everyone' THEN 'Everyone, guests included, can invite guests'
       ELSE 'Guest invitations are set to ' || coalesce(v, 'nothing')
  END AS reason,
  NULL AS evidence
FROM st;
