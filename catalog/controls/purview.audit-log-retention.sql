-- id: purview.audit-log-retention
-- title: Audit records are kept for at least twelve months
-- severity: medium
-- area: Purview
-- group: Data protection
-- scuba: MS.EXO.17.3v1, MS.DEFENDER.6.3v1
-- nist-800-53: AU-11, AU-4
-- iso-27001: A.8.15
-- soc2: CC7.2
-- sources: scc.UnifiedAuditLogRetentionPolicy
-- remediation: scuba-audit-log-retention
-- description: An audit log retention policy keeps audit records for twelve months or more, for
--  all users and operations, and covers at least the Exchange, SharePoint and Entra ID record
--  types (no record-type filter covers all). Keeping the logs in a SIEM instead also meets the
--  baseline, which this control cannot see.
-- rationale: An intrusion is often found months after it began; the records of how it happened
--  must still be there.

WITH p AS (SELECT key, j,
   j ->> '$.RetentionDuration' IN ('TwelveMonths', 'ThreeYears', 'FiveYears', 'SevenYears', 'TenYears') AS long_enough,
   coalesce(json_array_length(j, '$.Operations'), 0) = 0 AND coalesce(json_array_length(j, '$.UserIds'), 0) = 0 AS unfiltered,
   (coalesce(json_array_length(j, '$.RecordTypes'), 0) = 0
    OR (EXISTS (SELECT 1 FROM json_each(j, '$.RecordTypes') WHERE value LIKE 'Exchange%')
        AND EXISTS (SELECT 1 FROM json_each(j, '$.RecordTypes') WHERE value LIKE 'SharePoint%')
        AND EXISTS (SELECT 1 FROM json_each(j, '$.RecordTypes') WHERE value LIKE 'AzureActiveDirectory%'))) AS broad
   FROM scc_unifiedauditlogretentionpolicy
   WHERE j ->> '$.Enabled' IS NOT 0),
good AS (SELECT * FROM p WHERE long_enough AND unfiltered AND broad)
SELECT
  CASE WHEN EXISTS (SELECT 1 FROM good) THEN 'pass' ELSE 'fail' END AS status,
  CASE WHEN EXISTS (SELECT 1 FROM good)
         THEN 'Audit log retention policy ' || (SELECT group_concat(coalesce(j ->> '$.Name', key), ', ') FROM good) || ' keeps records for at least twelve months'
       WHEN NOT EXISTS (SELECT 1 FROM p)
         THEN 'No audit log retention policy: records are kept for the licence default (180 days without E5 or an add-on)'
       ELSE 'No audit log retention policy keeps Exchange, SharePoint and Entra ID records of all users and operations for twelve months or more: '
            || (SELECT group_concat(coalesce(j ->> '$.Name', key) || ' (' || trim(
                 CASE WHEN long_enough THEN '' ELSE 'retention ' || coalesce(j ->> '$.RetentionDuration', 'unset') || '; ' END
                 || CASE WHEN unfiltered THEN '' ELSE 'limited to some users or operations; ' END
                 || CASE WHEN broad THEN '' ELSE 'does not cover the Exchange, SharePoint and Entra ID record types; ' END, '; ') || ')', ', ') FROM p) END AS reason,
  CASE WHEN EXISTS (SELECT 1 FROM good) THEN NULL ELSE (SELECT json_group_array(json(j)) FROM p) END AS evidence;
