#!/bin/sh
# e2e_demo.sh - the README's first command opens `tater --demo`: a simulator on loopback, a
# throwaway store, a first scan, the console.  Driven here by a script (screen dumps): the
# dashboard has the scanned figures, a remediation runs through the simulated Azure
# Automation to Completed, the re-scan shows the control passing, and quitting (while a
# second remediation is being polled) leaves nothing behind: no simulator, no directory.
# Needs $TATER_BIN with tater-sim beside it in the build tree (tests/meson.build).
set -u
. "$(dirname "$0")/lib.sh"
e2e_init e2e_demo
mkdir -p "$T/tmp"
export TMPDIR="$T/tmp"

cat > "$T/demo.script" << S
resize 110 32
wait-idle
dump $T/demo.dash
key 3
wait-idle
key /
keys app-registration-restricted
key Enter
dump $T/demo.before
key X
dump $T/demo.modal
key Tab
key Enter
wait-idle 60000
dump $T/demo.done
key S
wait-idle 60000
dump $T/demo.rescanned
key Esc
dump $T/demo.after
key /
key C-u
keys publish-to-web
key Enter
key X
key Tab
key Enter
key Tab
key Enter
sleep 300
dump $T/demo.running
key C-c
dump $T/demo.ask
key Tab
key Enter
S
"$TATER_BIN" --demo --script "$T/demo.script" > "$T/demo.out" 2> "$T/demo.err"
rc=$?
[ $rc -eq 0 ] || fail "tater --demo exited $rc: $(cat "$T/demo.err")"

has "$T/demo.dash" "Demo (tater-sim)"
has "$T/demo.dash" "Score "
has "$T/demo.dash" "Top recommendations"
has "$T/demo.before" "fail    medium   aad.app-registration"
has "$T/demo.modal" "Run remediation?"
has "$T/demo.modal" "[ Cancel ]"
has "$T/demo.done" "Completed"
has "$T/demo.done" "allowedToCreateApps: true -> false"
has "$T/demo.rescanned" "Status before: fail   after: pass"
has "$T/demo.after" "pass    medium   aad.app-registration"
# Quitting while another remediation is polled asks first, then leaves cleanly (the panel
# closes after the worker has stopped).
has "$T/demo.running" "Status: "
has "$T/demo.ask" "Quit tater?"
has "$T/demo.ask" "A background job is still running"
# Quitting removed the throwaway store and stopped the simulator.
[ -z "$(ls -A "$T/tmp")" ] || fail "the demo left $(ls "$T/tmp") behind"
if pgrep -f "tater-sim --port 0 --port-file $T/tmp" > /dev/null; then
	fail "the demo's simulator is still running"
fi

e2e_done e2e_demo
