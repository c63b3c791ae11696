-- id: spo.infected-file-download-blocked
-- title: Files found infected cannot be downloaded
-- severity: medium
-- area: SharePoint Online
-- group: Collaboration
-- cis-m365: 7.3.1
-- nist-800-53: SI-3, SI-8
-- iso-27001: A.8.7
-- soc2: CC6.8
-- sources: spo.tenant
-- remediation: spo-infected-files-blocked
-- description: Users cannot download files that the malware scan in SharePoint, OneDrive or Teams
--  found infected (SPO tenant DisallowInfectedFileDownload).
-- rationale: Once a file is known to be malicious, nobody should be able to pull it onto a
--  device.

WITH o AS (SELECT key, j FROM spo_tenant WHERE 1 ORDER BY key LIMIT 1),
checks(ok, what) AS (
  SELECT (j ->> '$.DisallowInfectedFileDownload' IS 1), 'infected files can still be downloaded (DisallowInfectedFileDownload is false)' FROM o
),
bad AS (SELECT what FROM checks WHERE NOT coalesce(ok, 0))
SELECT
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'unknown'
       WHEN EXISTS (SELECT 1 FROM bad) THEN 'fail' ELSE 'pass' END AS status,
  CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'spo.tenant returned no object'
       WHEN EXISTS (SELECT 1 FROM bad)
         THEN 'SharePoint tenant: ' || (SELECT group_concat(what, '; ') FROM bad)
       ELSE 'Files found infected cannot be downloaded' END AS reason,
  CASE WHEN EXISTS (SELECT 1 FROM bad) THEN (SELECT json_group_array(json(j)) FROM o) END AS evidence;
