#!/bin/sh
# e2e_remediate.sh - automated remediation in the console, against tater-sim with a fast job
# clock.  A tenant and its remediation settings are set up headless (`tater tenant add`,
# `tater remediation setup ... --enable` with the webhook URL in a 0600 file), the tenant is
# scanned, then the console (--script, screen dumps): Settings > Integrations shows the
# settings with the webhook URL redacted and its Test reads the Automation account; on
# Controls, X on the failing aad.app-registration-restricted opens the Remediate panel
# (description, runtime 7.2, parameters; the confirmation's default is Cancel), Confirm runs
# the job to Completed with the changes before -> after, and S rescans: the control passes.
# Also: a second X while the control is being remediated (by this panel, or by another
# analyst's `tater remediate`) is refused naming who started it; --readonly refuses; the
# webhook token never appears in a dump, an output, a log or the store.
# Needs $TATER_BIN and $TATER_SIM (tests/meson.build) and sqlite3.
set -u
if [ -z "${TATER_SIM:-}" ] || ! command -v sqlite3 > /dev/null; then
	echo "SKIP: needs tater-sim and sqlite3"
	exit 77
fi
. "$(dirname "$0")/lib.sh"
e2e_init e2e_remediate
CONTROL=aad.app-registration-restricted
TOKEN=sim-webhook-token
ME=$(id -un)
ACCOUNT=/subscriptions/00000000-0000-4000-8000-00000000aaaa/resourceGroups/rg-tater/providers/Microsoft.Automation/automationAccounts/aa-sim


# ---- the simulator: a job takes 1 + 1 + 16 s of job clock at 4x, about 4.5 s ----
sim_start --clock-speed 4 --job-new-s 1 --job-activating-s 1 --job-running-s 16

# ---- a tenant and its remediation settings, headless, and a scan ----
printf 'correct horse battery staple\n' > "$T/key"
printf 'sim-secret\n' > "$T/secret"
printf '%s/webhooks?token=%s\n' "$BASE" "$TOKEN" > "$T/webhook"
chmod 600 "$T/key" "$T/secret" "$T/webhook"
tater db init > "$T/init.out" 2>&1 || fail "db init: $(cat "$T/init.out")"
tater tenant add Contoso --tenant-id 00000000-0000-4000-8000-000000000001 \
	--client-id 11111111-1111-4111-8111-111111111111 \
	--client-secret-file "$T/secret" --cloud "$BASE" > "$T/add.out" 2>&1 ||
	fail "tenant add: $(cat "$T/add.out")"
tater remediation setup --webhook-url-file "$T/webhook" \
	--client-id 11111111-1111-4111-8111-111111111111 --automation-account "$ACCOUNT" \
	--enable > "$T/setup.out" 2>&1 || fail "remediation setup: $(cat "$T/setup.out")"
tater scan --no-pacing > "$T/scan.out" 2>&1
[ $? -le 1 ] || fail "scan: $(cat "$T/scan.out")"
tater controls --status fail > "$T/controls.out" 2>&1
grep -qF "$CONTROL" "$T/controls.out" || fail "$CONTROL does not fail after the first scan"

# ---- Settings > Integrations: redacted URL, Test, a save that keeps the URL ----
run integ << 'S'
resize 200 30
key -
key ]
wait-idle
dump @view
key C-t
wait-idle
dump @test
key e
dump @form
key Tab
key Tab
key Tab
key Tab
key Enter
wait-idle
dump @saved
key e
key Tab
keys https://example.test/webhooks/abc
dump @typed
key Tab
key Tab
key Tab
key Enter
dump @bad
key Esc
key y
dump @discarded
resize 80 24
wait-idle
dump @narrow
S
has "$T/integ.view" "Automated remediation  on"
has "$T/integ.view" "token=****"
has "$T/integ.view" "11111111-1111-4111-8111-111111111111"
has "$T/integ.view" "automationAccounts/aa-sim"
has "$T/integ.test" "Test passed: Automation account aa-sim reachable"
has "$T/integ.form" "Webhook URL"
has "$T/integ.saved" "Remediation settings saved"
has "$T/integ.saved" "token=****"
# The URL being typed is masked, checked when focus leaves it, never drawn in clear.
hasnt "$T/integ.typed" "example.test"
has "$T/integ.typed" "****************"
has "$T/integ.bad" "ends in ?token="
hasnt "$T/integ.bad" "example.test"
hasnt "$T/integ.discarded" "Automated remediation  ["
# At 80 columns every section of Settings stays in sight, with shorter names.
has "$T/integ.narrow" "Tenants   Integrations   Features   Clouds   Exclusions   Alert types"
has "$T/integ.view" "Settings:  Tenants   Integrations   Features   Cloud accounts   Exclusions   Alert playbooks"
[ "$(q "SELECT count(*) FROM remediation_config WHERE enabled = 1 AND webhook_url IS NOT NULL")" = 1 ] ||
	fail "the save lost the stored webhook URL"
[ "$(q "SELECT count(*) FROM activity_log WHERE action = 'remediation.setup' AND outcome = 'ok'")" = 2 ] ||
	fail "the console's save is not in the activity log"
[ "$(q "SELECT count(*) FROM remediation_requests")" = 0 ] || fail "Test started a job"

# ---- --readonly: X refused, nothing recorded ----
run ro --readonly << 'S'
key 3
wait-idle
keys /app-registration-restricted
key Enter
key X
dump @x
S
has "$T/ro.x" "Read-only mode (--readonly): running a remediation script refused"
hasnt "$T/ro.x" "Remediate (Esc closes)"

# ---- the Remediate panel: Cancel is the default, then Confirm runs the job ----
run con << 'S'
resize 160 40
key 3
wait-idle
keys /app-registration-restricted
key Enter
dump @list
key X
dump @panel
key Enter
dump @cancelled
key X
key Tab
dump @confirm
key Enter
sleep 700
dump @running
key X
dump @again
wait-idle 60000
dump @done
key S
wait-idle 60000
dump @rescan
key Esc
dump @after
S
has "$T/con.list" "aad.app-registration-restricted"
has "$T/con.panel" "Remediate (Esc closes)"
has "$T/con.panel" "Script entra-app-registration-restricted"
has "$T/con.panel" "Runtime: PowerShell 7.2"
has "$T/con.panel" "allowedToCreateApps to false"
has "$T/con.panel" "Parameters: none"
has "$T/con.panel" "Run remediation?"
has "$T/con.cancelled" "X asks again"
has "$T/con.confirm" "Run remediation?"
has "$T/con.running" "Status:"
has "$T/con.running" "elapsed"
has "$T/con.again" "already being remediated: $ME started it at"
has "$T/con.done" "Completed"
has "$T/con.done" "Changes (before -> after):"
has "$T/con.done" "allowedToCreateApps: true -> false"
has "$T/con.rescan" "Status before: fail   after: pass"
[ "$(q "SELECT status || ' ' || job_status FROM remediation_requests")" = "completed Completed" ] ||
	fail "the request did not end completed: $(q "SELECT status, job_status, error FROM remediation_requests")"
[ "$(q "SELECT count(*) FROM remediation_requests")" = 1 ] ||
	fail "Cancel or the second X started a request"

# ---- another analyst's request is running: X refuses, naming who started it ----
"$TATER_BIN" --store "$T/db" --key-file "$T/key" remediate "$CONTROL" --yes \
	> "$T/bg.out" 2>&1 &
BG_PID=$!
i=0
while [ "$(q "SELECT count(*) FROM remediation_requests WHERE job_id IS NOT NULL
	AND status IN ('submitted','running')")" != 1 ] && [ $i -lt 200 ]; do
	sleep 0.05
	i=$((i + 1))
done
run busy << 'S'
resize 200 30
key 3
wait-idle
keys /app-registration-restricted
key Enter
key X
dump @x
S
has "$T/busy.x" "Refused: $CONTROL is already being remediated: $ME started it at"
has "$T/busy.x" "X follows that request here"
wait "$BG_PID"
rc=$?
BG_PID=
[ $rc -eq 0 ] || fail "the second analyst's run: exit $rc: $(cat "$T/bg.out")"
grep -q "no_change" "$T/bg.out" || fail "the second run changed something: $(cat "$T/bg.out")"

# ---- the webhook token never reached a screen, an output, a log or the store ----
# (everything under $T: dumps, outputs, the store, $HOME and the XDG directories; only the
# 0600 file it came from and the simulator's own log are left out).
hits=$(grep -rlaF --exclude=webhook --exclude=sim.log -- "$TOKEN" "$T")
[ -z "$hits" ] || fail "the webhook token is in: $hits"
grep -qF "$TOKEN" "$T/webhook" || fail "the token check looks for the wrong text"

e2e_done e2e_remediate
