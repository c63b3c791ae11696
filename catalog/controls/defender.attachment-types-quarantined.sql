-- id: defender.attachment-types-quarantined
-- title: Click-to-run and script attachments are quarantined
-- severity: medium
-- area: Defender for Office 365
-- group: Email
-- cis-m365: 2.1.11
-- scuba: MS.EXO.9.2v1, MS.EXO.9.3v2
-- nist-800-53: SI-3, SI-8
-- iso-27001: A.8.7
-- soc2: CC6.8
-- sources: exo.MalwareFilterPolicy
-- remediation: scuba-attachment-file-types
-- description: The default anti-malware policy filters attachments by type, its list holds at
--  least cmd, exe and vbe, and matching messages are quarantined or rejected (FileTypeAction).
-- rationale: Executable and script attachments are rarely legitimate mail and often malware.

WITH o AS (SELECT key, j FROM exo_malwarefilterpolicy WHERE (j ->> '$.IsDefault' IS 1 OR j ->> '$.Identity' = 'Default' OR j ->> '$.Name' = 'Default') ORDER BY key LIMIT 1),
checks(ok, what) AS (
  SELECT (j ->> '$.EnableFileFilter' IS 1), 'the attachment type filter is off' FROM o
UNION ALL
  SELECT ((SELECT count(DISTINCT lower(value)) FROM json_each(j, '$.FileTypes') WHERE lower(value) IN ('cmd', 'exe', 'vbe')) = 3), 'the blocked types do not include cmd, exe and vbe' FROM o
UNION ALL
  SELECT (j ->> '$.FileTypeAction' IN ('Quarantine', 'Reject')), 'matching messages are not quarantined or rejected (FileTypeAction)' FROM o
),
bad AS (SELECT what FROM checks WHERE NOT coalesce(ok, 0))
SELECT
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'unknown'
       WHEN EXISTS (SELECT 1 FROM bad) THEN 'fail' ELSE 'pass' END AS status,
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'exo.MalwareFilterPolicy returned no object'
       WHEN EXISTS (SELECT 1 FROM bad)
         THEN 'Default anti-malware policy: ' || (SELECT group_concat(what, '; ') FROM bad)
       ELSE 'Click-to-run and script attachments are filtered and quarantined' END AS reason,
  CASE WHEN EXISTS (SELECT 1 FROM bad) THEN (SELECT json_group_array(json(j)) FROM o) END AS evidence;
