-- id: defender.preset-policies-enabled
-- title: The Standard and Strict preset security policies are on and Standard covers everyone
-- severity: high
-- area: Defender for Office 365
-- group: Email
-- scuba: MS.DEFENDER.1.1v1, MS.DEFENDER.1.2v1, MS.DEFENDER.1.3v1
-- nist-800-53: SI-3, SI-8
-- iso-27001: A.8.7
-- soc2: CC6.8
-- sources: exo.EOPProtectionPolicyRule, exo.ATPProtectionPolicyRule, exo.AcceptedDomain
-- remediation: scuba-preset-security-policies
-- description: The Standard and Strict preset security policies are enabled, for Exchange Online
--  Protection and, where the tenant has Defender for Office 365, for Defender too; the Standard
--  rule applies to all recipients (no recipient condition, or every accepted domain).
-- rationale: The presets carry the settings Microsoft recommends and follow them as they change;
--  leaving users outside them leaves them on weaker defaults.

WITH r AS (SELECT 'EOP' AS kind, key, j FROM exo_eopprotectionpolicyrule
           UNION ALL SELECT 'Defender', key, j FROM exo_atpprotectionpolicyrule),
need(kind, name) AS (VALUES ('EOP', 'Standard Preset Security Policy'), ('EOP', 'Strict Preset Security Policy'),
                            ('Defender', 'Standard Preset Security Policy'), ('Defender', 'Strict Preset Security Policy')),
needed AS (SELECT * FROM need WHERE kind = 'EOP' OR EXISTS (SELECT 1 FROM exo_atpprotectionpolicyrule)),
st AS (SELECT n.kind, n.name, r.key, r.j FROM needed n
       LEFT JOIN r ON r.kind = n.kind AND coalesce(r.j ->> '$.Name', r.j ->> '$.Identity', r.key) = n.name),
issues(what, j) AS (
  SELECT kind || ' ' || name || ' is missing', NULL FROM st WHERE j IS NULL
  UNION ALL SELECT kind || ' ' || name || ' is not enabled', j FROM st WHERE j IS NOT NULL AND j ->> '$.State' IS NOT 'Enabled'
  UNION ALL SELECT kind || ' Standard preset does not cover every accepted domain', j FROM st
    WHERE j IS NOT NULL AND name LIKE 'Standard%' AND NOT ((coalesce(json_array_length(st.j, '$.RecipientDomainIs'), 0) = 0 AND coalesce(json_array_length(st.j, '$.SentTo'), 0) = 0 AND coalesce(json_array_length(st.j, '$.SentToMemberOf'), 0) = 0) OR NOT EXISTS (SELECT 1 FROM exo_accepteddomain a WHERE lower(coalesce(a.j ->> '$.DomainName', a.j ->> '$.Name', a.key)) NOT IN (SELECT lower(value) FROM json_each(st.j, '$.RecipientDomainIs')))))
SELECT
  CASE WHEN EXISTS (SELECT 1 FROM issues) THEN 'fail' ELSE 'pass' END AS status,
  CASE WHEN EXISTS (SELECT 1 FROM issues) THEN 'Preset security policies: ' || (SELECT group_concat(what, '; ') FROM issues)
       ELSE 'The Standard and Strict preset policies are on and Standard covers everyone'
            || CASE WHEN EXISTS (SELECT 1 FROM exo_atpprotectionpolicyrule) THEN '' ELSE ' (no Defender for Office 365 preset rules: EOP only)' END
  END AS reason,
  CASE WHEN EXISTS (SELECT 1 FROM issues) THEN (SELECT json_group_array(json(j)) FROM issues WHERE j IS NOT NULL) END AS evidence;
