-- id: defender.safe-links-url-scanning
-- title: Safe Links scans URLs in real time, waits for the scan and tracks clicks
-- severity: medium
-- area: Defender for Office 365
-- group: Email
-- scuba: MS.EXO.15.1v1, MS.EXO.15.2v1, MS.EXO.15.3v1
-- nist-800-53: SI-3, SI-8
-- iso-27001: A.8.7
-- soc2: CC6.8
-- sources: exo.SafeLinksPolicy
-- remediation: scuba-safe-links-url-scanning
-- description: Every Safe Links policy scans URLs in real time, delivers a message only after the
--  scan, applies to internal senders too and tracks user clicks (ScanUrls,
--  DeliverMessageAfterScan, EnableForInternalSenders, TrackClicks).
-- rationale: A link checked only at delivery, or a message delivered before the check, leaves a
--  window a phishing campaign can use; click tracking shows who was exposed.

WITH bad AS (SELECT key, j FROM exo_safelinkspolicy WHERE NOT (j ->> '$.ScanUrls' IS 1 AND j ->> '$.DeliverMessageAfterScan' IS 1 AND j ->> '$.EnableForInternalSenders' IS 1 AND j ->> '$.TrackClicks' IS 1))
SELECT
  CASE WHEN NOT EXISTS (SELECT 1 FROM exo_safelinkspolicy) THEN 'fail'
       WHEN EXISTS (SELECT 1 FROM bad) THEN 'fail' ELSE 'pass' END AS status,
  CASE WHEN NOT EXISTS (SELECT 1 FROM exo_safelinkspolicy) THEN 'No Safe Links policy (Defender for Office 365 is needed)'
       WHEN EXISTS (SELECT 1 FROM bad)
         THEN (SELECT count(*) FROM bad) || ' of ' || (SELECT count(*) FROM exo_safelinkspolicy) || ' Safe Links policies do not scan in real time, wait for the scan, cover internal senders and track clicks: '
              || (SELECT group_concat(key, ', ') FROM (SELECT * FROM bad ORDER BY key))
       ELSE 'Every Safe Links policy scans URLs in real time and tracks clicks' END AS reason,
  (SELECT json_group_array(json(j)) FROM (SELECT * FROM bad ORDER BY key)) AS evidence;
