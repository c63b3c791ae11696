#!/bin/sh
# e2e_itdr.sh - the ITDR screen over alerts ingested from tater-sim: `tater ingest`, then the
# console (--script, screen dumps) works an alert through its workflow with the keys an analyst
# uses (e status form, m take it, n note, p activate the linked playbook), and the results are
# read back with `tater alert show --json` and the activity log.  A detection whose UPN holds
# escape sequences is shown escaped; the queue's filter and counts match the store.
# Needs $TATER_BIN and $TATER_SIM (tests/meson.build), and jq.
set -u
if [ -z "${TATER_SIM:-}" ] || ! command -v jq > /dev/null; then
	echo "SKIP: needs tater-sim and jq"
	exit 77
fi
. "$(dirname "$0")/lib.sh"
e2e_init e2e_itdr

# ---- a scenario: three detections (newest first, as Graph orders them) and sign-ins ----
cat > "$T/estate.json" << 'E'
{
  "/v1.0/identityProtection/riskDetections": [
    {"id": "det-leak", "requestId": "si-1", "correlationId": "corr-1",
     "riskEventType": "leakedCredentials", "riskLevel": "high", "riskState": "atRisk",
     "source": "IdentityProtection", "activityDateTime": "2026-11-20T12:00:00Z",
     "detectedDateTime": "2026-11-20T12:00:00Z", "lastUpdatedDateTime": "2026-11-20T12:00:00Z",
     "userId": "aaaaaaaa-0000-4000-8000-000000000001", "userPrincipalName": "ben@simcorp.example",
     "ipAddress": "203.0.113.5", "location": {"city": "Oslo", "countryOrRegion": "NO"}},
    {"id": "det-evil", "requestId": "x", "correlationId": "y",
     "riskEventType": "unfamiliarFeatures", "riskLevel": "low", "riskState": "atRisk",
     "source": "IdentityProtection", "activityDateTime": "2026-11-19T12:00:00Z",
     "detectedDateTime": "2026-11-19T12:00:00Z", "lastUpdatedDateTime": "2026-11-19T12:00:00Z",
     "userId": "aaaaaaaa-0000-4000-8000-000000000002",
     "userPrincipalName": "evil\u001b]0;pwned\u0007x\u001b[2J@simcorp.example",
     "ipAddress": "198.51.100.9", "location": {"city": "Lima", "countryOrRegion": "PE"}},
    {"id": "det-spray", "requestId": "z", "correlationId": "w",
     "riskEventType": "passwordSpray", "riskLevel": "medium", "riskState": "atRisk",
     "source": "IdentityProtection", "activityDateTime": "2026-11-18T12:00:00Z",
     "detectedDateTime": "2026-11-18T12:00:00Z", "lastUpdatedDateTime": "2026-11-18T12:00:00Z",
     "userId": "aaaaaaaa-0000-4000-8000-000000000003", "userPrincipalName": "mia@simcorp.example",
     "ipAddress": "192.0.2.4", "location": {"city": "Lyon", "countryOrRegion": "FR"}}
  ],
  "/v1.0/auditLogs/signIns": [
    {"id": "si-2", "createdDateTime": "2026-11-20T13:00:00Z",
     "userId": "aaaaaaaa-0000-4000-8000-000000000001", "userPrincipalName": "ben@simcorp.example",
     "appDisplayName": "Azure Portal", "ipAddress": "203.0.113.77", "correlationId": "c-2",
     "location": {"city": "Oslo", "countryOrRegion": "NO"},
     "deviceDetail": {"operatingSystem": "Linux", "browser": "Firefox"},
     "status": {"errorCode": 50126, "failureReason": "Invalid username or password."}},
    {"id": "si-1", "createdDateTime": "2026-11-10T09:00:00Z",
     "userId": "aaaaaaaa-0000-4000-8000-000000000001", "userPrincipalName": "ben@simcorp.example",
     "appDisplayName": "Microsoft Teams", "ipAddress": "203.0.113.5", "correlationId": "c-1",
     "location": {"city": "Oslo", "countryOrRegion": "NO"},
     "deviceDetail": {"operatingSystem": "Windows10", "browser": "Edge"},
     "status": {"errorCode": 0}}
  ],
  "/v1.0/identityProtection/riskyUsers": []
}
E
sim_start --users 50 --estate "$T/estate.json"

printf 'correct horse battery staple\n' > "$T/key"
printf 'sim-secret\n' > "$T/secret"
chmod 600 "$T/key" "$T/secret"
tater db init > "$T/init.out" 2>&1 || fail "db init: $(cat "$T/init.out")"
tater tenant add Contoso --tenant-id 00000000-0000-4000-8000-000000000001 \
	--client-id 11111111-1111-4111-8111-111111111111 \
	--client-secret-file "$T/secret" --cloud "http://127.0.0.1:$PORT" > "$T/add.out" 2>&1 ||
	fail "tenant add: $(cat "$T/add.out")"

# ---- headless ingest; a second one finds nothing new ----
tater ingest --json --days 3650 --no-pacing > "$T/ingest.json" 2> "$T/ingest.err" ||
	fail "ingest: $(cat "$T/ingest.err")"
[ "$(jq -r '.[0].alerts_new' "$T/ingest.json")" = 3 ] ||
	fail "first ingest: 3 new alerts expected: $(cat "$T/ingest.json")"
tater ingest --json --no-pacing > "$T/ingest2.json" 2> "$T/ingest2.err"
[ "$(jq -r '.[0].alerts_new' "$T/ingest2.json")" = 0 ] ||
	fail "second ingest: no new alert expected: $(cat "$T/ingest2.json")"
tater alerts --json > "$T/alerts.json"
[ $? -eq 1 ] || fail "tater alerts: exit 1 expected (an open critical alert)"
LEAK=$(jq -r '.[] | select(.type == "leakedCredentials") | .id' "$T/alerts.json")
[ "$(jq -r ".[] | select(.id == $LEAK) | .severity" "$T/alerts.json")" = critical ] ||
	fail "leakedCredentials with high risk must be critical"

# ---- the queue: counts, stars, the hostile UPN escaped, a filter ----
run queue << 'S'
resize 120 32
key 6
wait-idle
dump @q
key /
keys user:ben
key Enter
dump @filtered
resize 80 24
key Esc
wait-idle
dump @narrow
S
has "$T/queue.q" "Open: Critical 1  High 0  Medium 1  Low 1"
has "$T/queue.q" "leakedCredentials"
has "$T/queue.q" "passwordSpray"
has "$T/queue.q" '*'
has "$T/queue.q" 'evil\e]0;pwned\x07x\e[2J'
has "$T/queue.filtered" "ben@simcorp.example"
hasnt "$T/queue.filtered" "mia@simcorp.example"
# On an 80-column jump host every count still shows (shorter labels), the last one too.
has "$T/queue.narrow" "Open: Crit 1 High 0 Med 1 Low 1 | New 3 Inv 0 Cont 0 Res 0 FP 0"
# A screen title cut by the width shows it with an ellipsis.
sed -n 2p "$T/queue.narrow" | grep -q "ITDR: identity threats.*… 3 alerts; S ingest now" ||
	fail "queue.narrow: the cut title has no ellipsis: $(sed -n 2p "$T/queue.narrow")"

# ---- work the critical alert: open it, Investigating, take it, a note, activate ----
run work << 'S'
resize 120 40
key 6
wait-idle
key Enter
wait-idle
dump @detail
key e
dump @form
key Tab
key Tab
key Enter
wait-idle
key m
wait-idle
key n
keys Reset the password; sessions revoked.
key Enter
wait-idle
key p
dump @activate
key Tab
key Enter
wait-idle
dump @after
S
has "$T/work.detail" "Alert #$LEAK  critical  New"
has "$T/work.detail" "Playbook: Account compromise"
has "$T/work.detail" "Related sign-ins (2)"
has "$T/work.detail" "request-id"
has "$T/work.detail" "user-window"
has "$T/work.detail" "failure 50126"
has "$T/work.form" "investigating"
tater alert show "$LEAK" --json > "$T/show.json"
[ "$(jq -r .status "$T/show.json")" = investigating ] ||
	fail "status not Investigating after the form: $(jq -c . "$T/show.json")"
[ "$(jq -r .assignee "$T/show.json")" = "$(id -un)" ] || fail "m did not assign to me"
[ "$(jq -r '.notes[0].text' "$T/show.json")" = "Reset the password; sessions revoked." ] ||
	fail "the note is not on the timeline"
[ "$(jq -r .incident "$T/show.json")" != null ] || fail "p did not open an incident"
has "$T/work.after" "Incident #"
has "$T/work.activate" "from the playbook Account"
has "$T/work.activate" "compromise, revision 1 (linked to its type)?"

# ---- closing needs a note; only legal moves are offered ----
run close << 'S'
resize 120 40
key 6
wait-idle
key Enter
wait-idle
key e
key Space
key Tab
key Tab
key Enter
dump @nonote
key Esc
S
has "$T/close.nonote" "a closing note is required"
tater alert status "$LEAK" resolved > "$T/res.out" 2>&1
[ $? -eq 2 ] || fail "Investigating -> Resolved must be refused"
grep -q "next status is Contained or False Positive" "$T/res.out" ||
	fail "the refusal must say what is allowed: $(cat "$T/res.out")"

# ---- every change is in the activity log, and the chain verifies ----
tater db verify > "$T/verify.out" 2>&1 || fail "db verify: $(cat "$T/verify.out")"
run act << 'S'
resize 120 40
key 0
wait-idle
key /
keys action:alert.
key Enter
dump @log
S
has "$T/act.log" "alert.status"
has "$T/act.log" "alert.assign"
has "$T/act.log" "alert.note"
has "$T/act.log" "refused"
has "$T/act.log" "verified"

# ---- read-only: the keys that change things are refused ----
run ro --readonly << 'S'
key 6
wait-idle
key m
dump @ro
S
has "$T/ro.ro" "read-only"

# ---- Settings > Features: ITDR ingestion with scans turned off in the form; a scan then
# ingests nothing; the CLI shows and resets it ----
run feat << 'S'
resize 100 30
key -
key ]
key ]
wait-idle
dump @view
key e
key Space
key Tab
key C-u
keys 0
key Tab
dump @bad
key S-Tab
key C-u
keys 14
key Tab
key Tab
key Tab
key Enter
wait-idle
dump @saved
S
has "$T/feat.view" "ITDR ingestion with scans            on  (default)"
has "$T/feat.bad" "itdr.first_days: whole days from 1 to 3650"
has "$T/feat.saved" "Tenant settings saved"
has "$T/feat.saved" "ITDR ingestion with scans            off"
tater tenant settings Contoso --json > "$T/settings.json" 2>&1
[ "$(jq -r '.[] | select(.key == "itdr.ingest") | .value' "$T/settings.json")" = off ] ||
	fail "the form did not turn ITDR ingestion off: $(cat "$T/settings.json")"
[ "$(jq -r '.[] | select(.key == "itdr.first_days") | .value' "$T/settings.json")" = 14 ] ||
	fail "the form did not save the first-ingest days: $(cat "$T/settings.json")"
[ "$(q "SELECT count(*) FROM activity_log WHERE action = 'tenant.setting'")" = 2 ] ||
	fail "the two changes are not in the activity log"
before=$(q "SELECT count(*) FROM activity_log WHERE action = 'itdr.ingest'")
tater scan --no-pacing > "$T/scan.out" 2>&1
[ $? -le 2 ] || fail "scan: $(cat "$T/scan.out")"
[ "$(q "SELECT count(*) FROM activity_log WHERE action = 'itdr.ingest'")" = "$before" ] ||
	fail "the scan ingested alerts with ITDR ingestion off"
tater tenant set Contoso itdr.ingest default > "$T/reset.out" 2>&1 ||
	fail "tenant set: $(cat "$T/reset.out")"
tater tenant settings Contoso > "$T/settings.txt" 2>&1
grep -qE "^itdr.ingest +on +\(default\)" "$T/settings.txt" ||
	fail "itdr.ingest not back to its default: $(cat "$T/settings.txt")"
tater tenant set Contoso itdr.ingest sometimes > "$T/bad.out" 2>&1
[ $? -eq 2 ] && grep -q "itdr.ingest: on or off" "$T/bad.out" ||
	fail "a bad value must be refused with a message: $(cat "$T/bad.out")"

e2e_done e2e_itdr
