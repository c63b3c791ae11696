#!/bin/sh
# e2e_identity.sh - the identity-security screens over a real scan of tater-sim:
# a tenant added with `tater tenant add` (secret from a 0600 file), `tater scan --json`,
# then the console (--script, screen dumps).  The Dashboard must show the score and
# counts the scan printed; the Identity figures must match counts taken independently
# with the sqlite3 shell over the store; the Controls screen lists the controls with a
# reason in the detail pane; a risk acceptance reads "fail (accepted until ...)"; a risky
# user whose display name holds escape sequences (served with --estate) is shown escaped.
# Needs $TATER_BIN and $TATER_SIM (tests/meson.build), sqlite3 and jq.
set -u
if [ -z "${TATER_SIM:-}" ] || ! command -v sqlite3 > /dev/null || ! command -v jq > /dev/null; then
	echo "SKIP: needs tater-sim, sqlite3 and jq"
	exit 77
fi
. "$(dirname "$0")/lib.sh"
e2e_init e2e_identity

# ---- the simulator, with a hostile display name among the risky users ----
cat > "$T/estate.json" << 'E'
{
  "/v1.0/identityProtection/riskyUsers": [
    {"id": "aaaaaaaa-0000-4000-8000-000000000001", "isDeleted": false, "isProcessing": false,
     "riskLastUpdatedDateTime": "2026-11-20T10:00:00Z", "riskLevel": "high",
     "riskState": "atRisk", "riskDetail": "none",
     "userDisplayName": "evil\u001b]0;pwned\u0007name\u001b[2Jend",
     "userPrincipalName": "evil@simcorp.example"},
    {"id": "aaaaaaaa-0000-4000-8000-000000000002", "isDeleted": false, "isProcessing": false,
     "riskLastUpdatedDateTime": "2026-11-21T10:00:00Z", "riskLevel": "high",
     "riskState": "confirmedCompromised", "riskDetail": "adminConfirmedUserCompromised",
     "userDisplayName": "Ben Garcia", "userPrincipalName": "ben@simcorp.example"},
    {"id": "aaaaaaaa-0000-4000-8000-000000000003", "isDeleted": false, "isProcessing": false,
     "riskLastUpdatedDateTime": "2026-11-22T10:00:00Z", "riskLevel": "medium",
     "riskState": "atRisk", "riskDetail": "none",
     "userDisplayName": "Mateo Khan", "userPrincipalName": "mateo@simcorp.example"},
    {"id": "aaaaaaaa-0000-4000-8000-000000000004", "isDeleted": false, "isProcessing": false,
     "riskLastUpdatedDateTime": "2026-11-23T10:00:00Z", "riskLevel": "none",
     "riskState": "remediated", "riskDetail": "userPerformedSecuredPasswordChange",
     "userDisplayName": "Remediated Rita", "userPrincipalName": "rita@simcorp.example"}
  ]
}
E
sim_start --users 300 --estate "$T/estate.json"

# ---- a tenant, headless, and a scan ----
printf 'correct horse battery staple\n' > "$T/key"
printf 'sim-secret\n' > "$T/secret"
chmod 600 "$T/key" "$T/secret"
"$TATER_BIN" --store "$T/db" --key-file "$T/key" db init > "$T/init.out" 2>&1 ||
	fail "db init: $(cat "$T/init.out")"
"$TATER_BIN" --store "$T/db" --key-file "$T/key" tenant add Contoso \
	--tenant-id 00000000-0000-4000-8000-000000000001 \
	--client-id 11111111-1111-4111-8111-111111111111 \
	--client-secret-file "$T/secret" --cloud "http://127.0.0.1:$PORT" > "$T/add.out" 2>&1 ||
	fail "tenant add: $(cat "$T/add.out")"
"$TATER_BIN" --store "$T/db" --key-file "$T/key" scan --json > "$T/scan.json" 2> "$T/scan.err"
[ $? -le 1 ] || fail "scan: $(cat "$T/scan.err")"
SCORE=$(jq -r '.[0].score | if . == null then "none" else (. + 0.5 | floor | tostring) end' \
	"$T/scan.json")
PASS=$(jq -r '.[0].controls.pass' "$T/scan.json")
FAILC=$(jq -r '.[0].controls.fail' "$T/scan.json")
UNKNOWN=$(jq -r '.[0].controls.unknown' "$T/scan.json")
NCONTROLS=$(jq -r '.[0].controls | .pass + .fail + .unknown + .accepted' "$T/scan.json")
[ -n "$PASS" ] && [ "$PASS" != null ] || fail "scan --json has no control counts: $(cat "$T/scan.json")"

# ---- independent counts: the sqlite3 shell over the store ----
S="scope = 'tenant:1'"
RISKY_HIGH=$(q "SELECT count(*) FROM objects WHERE $S AND source = 'graph.riskyUsers'
	AND json_extract(json, '$.riskLevel') = 'high'
	AND json_extract(json, '$.riskState') IN ('atRisk', 'confirmedCompromised')")
RISKY_ALL=$(q "SELECT count(*) FROM objects WHERE $S AND source = 'graph.riskyUsers'
	AND json_extract(json, '$.riskState') IN ('atRisk', 'confirmedCompromised')")
MEMBERS=$(q "SELECT count(*) FROM objects WHERE $S AND source = 'graph.userRegistrationDetails'
	AND json_extract(json, '$.userType') = 'member'")
NO_MFA=$(q "SELECT count(*) FROM objects WHERE $S AND source = 'graph.userRegistrationDetails'
	AND json_extract(json, '$.userType') = 'member' AND NOT json_extract(json, '$.isMfaRegistered')")
PRIV=$(q "SELECT count(DISTINCT json_extract(json, '$.id')) FROM objects WHERE $S
	AND source = 'graph.directoryRoleMembers'")
GUESTS=$(q "SELECT count(*) FROM objects WHERE $S AND source = 'graph.users'
	AND json_extract(json, '$.userType') = 'Guest'")
[ "$RISKY_HIGH" = 2 ] || fail "the estate's risky users did not arrive (high: $RISKY_HIGH)"

# ---- the console ----
run con << 'S'
wait-idle
dump @dash
key 2
wait-idle
dump @ident
key Enter
wait-idle
dump @risky
keys /evil
key Enter
key Enter
dump @evil
key 3
wait-idle
dump @controls
keys /legacy-auth
key Enter
key Enter
dump @detail
key C-d 20
dump @evidence
key C-u 20
key A
keys pilot exemption for the print room
key Tab
keys 2099-01-31
key Tab
key Enter
wait-idle
dump @accepted
resize 200 40
dump @wide
resize 60 15
dump @small
resize 80 24
key 1
wait-idle
dump @dash2
key -
key Enter
key Tab
key C-u
keys 00000000-0000-4000-8000-00000000dead
key C-t
wait-idle
dump @test
S

# Dashboard: what `tater scan --json` printed.
has "$T/con.dash" "Score $SCORE/100"
has "$T/con.dash" "Controls: $PASS pass  $FAILC fail  0 accepted  $UNKNOWN unknown"
has "$T/con.dash" "Last scan"
has "$T/con.dash" "Top recommendations"
has "$T/con.dash" "Enable MFA for the remaining users"
# Identity: the figures, against the sqlite3 counts.
has "$T/con.ident" "Risky users: $RISKY_ALL (1 confirmed compromised)"
grep -qE "High +█+ $RISKY_HIGH\$" "$T/con.ident" || fail "con.ident: no High bar of $RISKY_HIGH"
has "$T/con.ident" "MFA registration: $NO_MFA of $MEMBERS member users not registered"
has "$T/con.ident" "Privileged accounts: $PRIV in"
has "$T/con.ident" "Guest users: $GUESTS"
has "$T/con.ident" "Stale accounts:"
# The risky list: hostile text escaped, never raw.
has "$T/con.risky" "Mateo Khan"
hasnt "$T/con.risky" "Remediated Rita"
has "$T/con.risky" "1/$RISKY_ALL"
has "$T/con.evil" 'evil\e]0;pwned\x07name\e[2Jend'
if grep -q "$(printf '\033')" "$T"/con.*; then
	fail "a raw ESC reached the screen"
fi
# Controls: every control listed with its status; the detail pane has a reason.
has "$T/con.controls" "aad.mfa-admins"
has "$T/con.controls" "/$NCONTROLS"
has "$T/con.controls" "$PASS pass  $FAILC fail"
# At 80 columns the filters in force are named in short (none yet).
has "$T/con.controls" "[no filter]"
has "$T/con.detail" "aad.legacy-auth-blocked"
has "$T/con.detail" "Reason"
has "$T/con.detail" "Status        fail"
# Its evidence, readable: the policy by name, then its fields (not a JSON dump).
has "$T/con.evidence" "Evidence (1)  Block legacy authentication  id:"
hasnt "$T/con.evidence" '[{"'
# The risk acceptance, in the pane and in a wide table.
has "$T/con.accepted" "Risk of aad.legacy-auth-blocked accepted until 2099-01-31"
has "$T/con.accepted" "fail (accepted until 2099-01-31)"
has "$T/con.accepted" "by $(id -un): pilot exemption for"
has "$T/con.wide" "fail (accepted until 2099-01-31)"
[ "$(q "SELECT count(*) FROM risk_acceptances WHERE control_id = 'aad.legacy-auth-blocked'")" = 1 ] ||
	fail "the acceptance is not in the store"
has "$T/con.small" "Terminal too small: 60x15"
[ "$(wc -l < "$T/con.small")" -eq 15 ] || fail "the small dump is not 15 lines"
has "$T/con.dash2" "1 accepted"
# The tenant form's Test shows the service's own error for a wrong tenant.
has "$T/con.test" "Test failed:"
has "$T/con.test" "AADSTS"

# ---- read-only: no acceptance, no scan ----
run ro --readonly << 'S'
wait-idle
key 3
wait-idle
keys /user-consent
key Enter
key A
dump @refused
key S
dump @noscan
S
has "$T/ro.refused" "Read-only mode (--readonly)"
hasnt "$T/ro.refused" "Accept the risk"
has "$T/ro.noscan" "Read-only mode (--readonly)"

# ---- a viewer may look but not accept ----
q "INSERT INTO roles (os_user, role, granted_by, granted_at) VALUES ('$(id -un)', 'viewer', 'test', '2026-01-01')" ||
	fail "cannot make the user a viewer"
run viewer << 'S'
wait-idle
key 3
wait-idle
keys /user-consent
key Enter
key A
dump @refused
S
has "$T/viewer.refused" "is a viewer; to accept a risk takes the admin role"
hasnt "$T/viewer.refused" "Accept the risk"

# ---- no tenant yet: the dashboard says what to do ----
rm -f "$T/db" "$T/db-wal" "$T/db-shm"
run empty << 'S'
dump @dash
S
has "$T/empty.dash" "No tenant yet."
has "$T/empty.dash" "Settings > Tenants"

e2e_done e2e_identity
