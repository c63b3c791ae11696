-- id: defender.safe-attachments-enabled
-- title: A Safe Attachments policy blocks malicious attachments for all recipients
-- severity: high
-- area: Defender for Office 365
-- group: Email
-- cis-m365: 2.1.4
-- nist-800-53: SI-3, SI-8
-- iso-27001: A.8.7
-- soc2: CC6.8
-- sources: exo.SafeAttachmentPolicy, exo.SafeAttachmentRule, exo.ATPProtectionPolicyRule, exo.AcceptedDomain
-- remediation: defender-safe-attachments-policy
-- description: Safe Attachments opens attachments in a sandbox and blocks malicious ones, for
--  every recipient: an enabled rule covering all accepted domains applies a policy with Enable on
--  and Action Block, or the Standard or Strict preset covers everyone. The built-in protection
--  policy alone does not count.
-- rationale: Malware unknown to signature scanning is caught by detonating the attachment before
--  a user opens it.

WITH preset AS (SELECT key, j FROM exo_atpprotectionpolicyrule r
                WHERE coalesce(j ->> '$.Name', key) IN ('Standard Preset Security Policy', 'Strict Preset Security Policy')
                  AND j ->> '$.State' IS 'Enabled' AND ((coalesce(json_array_length(r.j, '$.RecipientDomainIs'), 0) = 0 AND coalesce(json_array_length(r.j, '$.SentTo'), 0) = 0 AND coalesce(json_array_length(r.j, '$.SentToMemberOf'), 0) = 0) OR NOT EXISTS (SELECT 1 FROM exo_accepteddomain a WHERE lower(coalesce(a.j ->> '$.DomainName', a.j ->> '$.Name', a.key)) NOT IN (SELECT lower(value) FROM json_each(r.j, '$.RecipientDomainIs'))))),
rules AS (SELECT r.key, r.j, p.key AS pkey, p.j AS pj FROM exo_safeattachmentrule r
          LEFT JOIN exo_safeattachmentpolicy p ON coalesce(p.j ->> '$.Name', p.key) = r.j ->> '$.SafeAttachmentPolicy' OR p.key = r.j ->> '$.SafeAttachmentPolicy'
          WHERE r.j ->> '$.State' IS 'Enabled'),
good AS (SELECT * FROM rules r WHERE pj IS NOT NULL AND ((coalesce(json_array_length(r.j, '$.RecipientDomainIs'), 0) = 0 AND coalesce(json_array_length(r.j, '$.SentTo'), 0) = 0 AND coalesce(json_array_length(r.j, '$.SentToMemberOf'), 0) = 0) OR NOT EXISTS (SELECT 1 FROM exo_accepteddomain a WHERE lower(coalesce(a.j ->> '$.DomainName', a.j ->> '$.Name', a.key)) NOT IN (SELECT lower(value) FROM json_each(r.j, '$.RecipientDomainIs')))) AND pj ->> '$.Enable' IS 1 AND pj ->> '$.Action' = 'Block')
SELECT
  CASE WHEN EXISTS (SELECT 1 FROM preset) OR EXISTS (SELECT 1 FROM good) THEN 'pass' ELSE 'fail' END AS status,
  CASE WHEN EXISTS (SELECT 1 FROM preset)
         THEN 'The ' || (SELECT group_concat(coalesce(j ->> '$.Name', key), ' and ') FROM preset) || ' covers everyone'
       WHEN EXISTS (SELECT 1 FROM good)
         THEN 'Safe Attachments policy ' || (SELECT group_concat(coalesce(pj ->> '$.Name', pkey), ', ') FROM good) || ' covers every accepted domain'
       WHEN NOT EXISTS (SELECT 1 FROM rules)
         THEN 'No enabled Safe Attachments rule and no Standard or Strict preset covering everyone (the built-in protection policy does not count)'
       ELSE 'No enabled Safe Attachments rule covers every accepted domain with a policy that is on and blocks; rules: '
            || (SELECT group_concat(coalesce(j ->> '$.Name', key), ', ') FROM rules) END AS reason,
  CASE WHEN EXISTS (SELECT 1 FROM preset) OR EXISTS (SELECT 1 FROM good) THEN NULL
       ELSE (SELECT json_group_array(json_object('rule', json(j), 'policy', json(pj))) FROM rules) END AS evidence;
