#!/bin/sh
# e2e_playbooks.sh - the Playbooks, Incidents and Reports screens in the real
# binary (--script: keys in, screen dumps out).  Walks an account-compromise
# incident from activation to its post-incident report, then edits a copy of
# a playbook, and checks what a user would see on screen and in the files.
# Needs $TATER_BIN (tests/e2e/meson.build sets it).
set -u
T=$(mktemp -d "${TMPDIR:-/tmp}/tater-pb.XXXXXX")
trap '[ -n "${E2E_KEEP:-}" ] || rm -rf "$T"' EXIT # E2E_KEEP=1 keeps the dumps
T=$(cd "$T" && pwd -P) # the path the console shows, symlinks resolved
export HOME="$T/home" XDG_CONFIG_HOME="$T/config" XDG_DATA_HOME="$T/data"
export LANG=C.UTF-8 TERM=xterm-256color
unset NO_COLOR TATER_KEY_FILE LC_ALL
mkdir -p "$HOME" "$XDG_CONFIG_HOME"
ME=$(id -un)
fails=0

fail() {
	printf 'FAIL: %s\n' "$*"
	fails=$((fails + 1))
}

# run NAME [tater options...] < script: dumps land in $T/NAME.*
run() {
	name=$1
	shift
	# "dump @x" and "keys @x" name files of this run; other @ are text (eve@contoso.com).
	sed -e "s#^dump @#dump $T/$name.#" -e "s#^keys @#keys $T/$name.#" > "$T/$name.script"
	(cd "$T" && "$TATER_BIN" --store "$T/db" "$@" --script "$T/$name.script") \
		> "$T/$name.out" 2> "$T/$name.err"
	rc=$?
	[ $rc -eq 0 ] || fail "$name: tater exited $rc: $(cat "$T/$name.err")"
}

has() { # has FILE TEXT
	grep -qF -- "$2" "$1" || fail "$(basename "$1"): expected \"$2\""
}
hasnt() {
	! grep -qF -- "$2" "$1" || fail "$(basename "$1"): \"$2\" must not be there"
}
hasre() { # hasre FILE REGEX
	grep -qE -- "$2" "$1" || fail "$(basename "$1"): expected /$2/"
}
# The dump is the whole terminal and nothing wider: 24 lines of at most 80 cells.
fits() { # fits FILE COLS ROWS
	[ "$(wc -l < "$1")" -eq "$3" ] || fail "$(basename "$1"): not $3 lines"
	[ "$(wc -L < "$1")" -le "$2" ] || fail "$(basename "$1"): wider than $2 cells"
}
# line_of FILE TEXT: the first line number holding TEXT (0 if none)
line_of() {
	n=$(grep -nF -- "$2" "$1" | head -n 1 | cut -d: -f1)
	echo "${n:-0}"
}

# ---- the walk: activate, work every phase, close, report ----
{
	cat << 'S'
key 4
wait-idle
dump @library
keys /account
key Enter
key a
dump @form
keys Impossible travel for eve
key Tab
key Space
key Tab
key Tab
keys eve@contoso.com
key Tab
keys LT-042
key Tab
key Enter
wait-idle
dump @opened
key a
wait-idle
key n
keys Sign-ins from 203.0.113.7 in two countries
key Enter
wait-idle
dump @noted
S
	# Detection & Analysis: seven steps.
	for i in 1 2 3 4 5 6 7; do printf 'key d\nwait-idle\n'; done
	cat << 'S'
dump @phase1
key d
wait-idle
key b
keys Helpdesk unreachable
key Enter
wait-idle
dump @blocked
key d
wait-idle
key s
key Enter
wait-idle
dump @noreason
key s
keys Password already reset by the user
key Enter
wait-idle
key D
keys Disable before calling the user
key Enter
wait-idle
key P
keys bob
key Enter
wait-idle
S
	for i in 1 2 3 4; do printf 'key d\nwait-idle\n'; done
	echo 'dump @contained'
	# Eradication, Recovery, Post-Incident: fifteen steps.
	for i in $(seq 15); do printf 'key d\nwait-idle\n'; done
	cat << 'S'
dump @finished
resize 60 15
dump @small
resize 80 24
dump @back
key c
key Tab
key Enter
dump @nolessons
keys Block legacy authentication for everyone
key Tab
key Enter
wait-idle
dump @closed
key d
dump @closedrefused
key r
dump @rform
key Tab
key C-u
keys @report.md
key Tab
key Enter
wait-idle
dump @written
key 5
key q
key ]
dump @closedlist
S
} | run walk

W=$T/walk
has "$W.library" "Playbooks: the incident-response library"
has "$W.library" "5 playbooks, 0 draft, 0 overdue"
hasre "$W.library" "Account compromise +account_compromise +- +1 approved"
fits "$W.library" 80 24
has "$W.form" "Activate playbook: open an incident: Account compromise"
has "$W.form" "< high >"
# The new incident opens in the tracker at its first step.
has "$W.opened" "#1 Impossible travel for eve"
has "$W.opened" "critical, open, account-compromise r1"
has "$W.opened" "User eve@contoso.com  Host LT-042"
has "$W.opened" "Time to contain: -   Time to recover: -   Steps 0/29"
has "$W.opened" ">1 Detection & Analysis"
has "$W.opened" ">1.1 [ ]"
has "$W.opened" "Incident #1 opened from account-compromise"
fits "$W.opened" 80 24
hasre "$W.noted" ">1.1 \[ \] +Read the alert and identify the account +$ME +todo"
has "$W.noted" "Findings: Sign-ins from 203.0.113.7 in two countries"
# Phase 1 done: full bar, the cursor follows the current step into phase 2.
has "$W.phase1" " 1 Detection & Analysis  [########] 7/7"
has "$W.phase1" ">2 Containment           [        ] 0/7"
has "$W.phase1" ">2.1 [ ]"
has "$W.phase1" "Steps 7/29"
has "$W.blocked" ">2.2 [!]"
has "$W.blocked" "Reason: Helpdesk unreachable"
has "$W.blocked" "Steps 8/29, 1 blocked"
has "$W.blocked" "1/7!"
has "$W.blocked" "Status: blocked by $ME at "
has "$W.noreason" "a reason is required to skip a step"
has "$W.noreason" ">2.3 [ ]"
# Containment complete: time to contain is measured, the phase has its owner.
hasre "$W.contained" "Time to contain: [0-9]+s   Time to recover: -   Steps 14/29"
hasre "$W.contained" " 2 Containment +\[########\] 7/7 +[0-9]+s +bob"
has "$W.contained" " 2.3 [-]  Reset the password"
has "$W.contained" ">3 Eradication"
has "$W.contained" ">3.1 [ ]"
hasre "$W.finished" "Time to contain: [0-9]+s   Time to recover: [0-9]+s   Steps 29/29"
has "$W.finished" "Every step is finished: c closes the incident"
hasnt "$W.finished" ">5"
has "$W.small" "Terminal too small: 60x15"
fits "$W.small" 60 15
has "$W.back" "Steps 29/29"
fits "$W.back" 80 24
# Lessons learned are required.
has "$W.nolessons" "Close incident #1"
has "$W.nolessons" "! required"
has "$W.closed" "critical, closed, account-compromise r1"
has "$W.closed" "Closed: lessons learned"
has "$W.closed" "Block legacy authentication for everyone"
has "$W.closedrefused" "Incident #1 is closed: it cannot be changed"
has "$W.rform" "Post-incident report of incident #1"
has "$W.rform" "< md >"
has "$W.rform" "./incident-1-report.md"
has "$W.written" "Written: $W.report.md ("
has "$W.written" "Report written to $W.report.md"
has "$W.written" "executive report"
has "$W.written" "not built yet"
has "$W.closedlist" "Open (0)"
has "$W.closedlist" "Closed (1)"
hasre "$W.closedlist" "1 Impossible travel.* +critical +account-c.* +29/29"

# The report: the timeline in order, with the right user, the reasons and lessons.
R=$W.report.md
if [ ! -f "$R" ]; then
	fail "the report was not written"
else
	has "$R" "# Post-incident report: \\#1 Impossible travel for eve"
	hasre "$R" "\| Time to contain \| [0-9]+s \(at "
	hasre "$R" "\| Time to recover \| [0-9]+s \(at "
	# Timeline rows: | n | time | who | where | what |
	s22="| $ME | 2.2 Disable the account while you work | Step marked:"
	a=$(line_of "$R" "| $ME | incident | Activated: account-compromise revision 1, severity critical")
	b=$(line_of "$R" "| $ME | 1.1 Read the alert and identify the account | Assigned to: $ME")
	c=$(line_of "$R" "$s22 blocked: Helpdesk unreachable")
	d=$(line_of "$R" "$s22 done")
	e=$(line_of "$R" "| $ME | 2.3 Reset the password | Step marked: skipped: Password already reset")
	f=$(line_of "$R" "| $ME | Containment (phase) | Assigned to: bob")
	g=$(line_of "$R" "| $ME | 5.5 Hold the lessons-learned review and close | Step marked: done")
	h=$(line_of "$R" "| $ME | incident | Closed: 29 of 29 steps finished")
	[ "$a" -gt 0 ] && [ "$a" -lt "$b" ] && [ "$b" -lt "$c" ] && [ "$c" -lt "$d" ] &&
		[ "$d" -lt "$e" ] && [ "$e" -lt "$f" ] && [ "$f" -lt "$g" ] && [ "$g" -lt "$h" ] ||
		fail "report timeline out of order or incomplete: $a $b $c $d $e $f $g $h"
	has "$R" "| 2.3 | Reset the password | skipped | - |"
	has "$R" "Password already reset by the user |"
	has "$R" "Sign-ins from 203.0.113.7 in two countries"
	has "$R" "Disable before calling the user"
	l=$(line_of "$R" "## Lessons learned")
	[ "$l" -gt 0 ] && sed -n "$((l + 1)),\$p" "$R" |
		grep -qF "Block legacy authentication for everyone" ||
		fail "lessons learned missing from the report"
	[ "$(stat -c %a "$R")" = 600 ] || fail "the report is not mode 0600"
fi
"$TATER_BIN" --store "$T/db" db verify > "$T/verify.out" 2>&1 ||
	fail "db verify: $(cat "$T/verify.out")"

# ---- the library: copy, edit steps, save a draft, approval, diff, owner, files ----
printf '{"format": "tater-playbook/1", "slug": "bad-one", "name": "Bad", "incident_type": "x",
 "phases": [{"phase": "Detection & Analysis", "steps": [{"title": "a"}]},
  {"phase": "Containment", "steps": [{"title": "b"}]},
  {"phase": "Eradication", "steps": [{"title": "c"}, {"detail": "no title"}]},
  {"phase": "Recovery", "steps": [{"title": "d"}]},
  {"phase": "Post-Incident", "steps": [{"title": "e"}]}]}\n' > "$T/bad.json"
run library << S
key 4
wait-idle
keys /account
key Enter
key e
dump @builtin
key c
key C-u
keys ac-acme
key Tab
keys Account compromise (Acme)
key Tab
key Enter
wait-idle
dump @copied
key a
dump @draftactivate
key e
key Down
key Down
key a
keys Page the on-call identity admin
key Tab
keys Call the number in the rota.
key Tab
key Tab
key Enter
dump @added
key Down
key d
key Up
key J
dump @edited
key w
keys Add the paging step
key Enter
wait-idle
dump @saved
key H
dump @history
key A
wait-idle
dump @refused
key Enter
key d
dump @diff
key q
key q
key o
keys alice
key Tab
keys 2020-01-31
key Tab
key Enter
wait-idle
key q
key Esc
dump @owner
keys /acme
key Enter
key x
key C-u
keys $T/ac-acme.json
key Tab
key Enter
wait-idle
dump @exported
key i
keys bad.json
key Tab
key Enter
wait-idle
dump @bad
key Enter
key Esc
key Tab
key Enter
dump @after
S
L=$T/library
has "$L.builtin" "is pre-built and not changed in place: press c to copy it"
has "$L.copied" "Account compromise (Acme)  (ac-acme, custom)"
has "$L.copied" "Revision 1 of 1 (draft)"
has "$L.draftactivate" "ac-acme has no approved revision"
hasnt "$L.draftactivate" "Activate playbook: open an incident"
has "$L.added" "Editing ac-acme - unsaved changes"
has "$L.added" "1. Detection & Analysis  (8 steps)"
has "$L.added" "1.3 Page the on-call identity admin"
# 1.4 (was 1.3, Confirm with the user) removed; the new step moved down to 1.4.
has "$L.edited" "1.3 Check the audit log for what the account did"
has "$L.edited" "1.4 Page the on-call identity admin"
hasnt "$L.edited" "Confirm with the user over a separate channel"
has "$L.saved" "Saved revision 2 of ac-acme as a draft"
has "$L.saved" "Revision 2 of 2 (draft)"
hasre "$L.history" "2 draft +$ME .* +- +Add the paging step"
hasre "$L.history" "1 draft +$ME .*copied from account-com"
has "$L.refused" "Refused"
has "$L.refused" "$ME wrote revision 2 of 'ac-acme' and cannot review it:"
has "$L.diff" "revision 1 -> revision 2"
has "$L.diff" "+ * Page the on-call identity admin"
has "$L.diff" "- * Confirm with the user over a separate channel"
hasre "$L.owner" "Account compromise .* +account_compromise +alice +2 draft +2020-01-31 OVERDUE"
has "$L.owner" "6 playbooks, 1 draft, 1 overdue"
has "$L.exported" "Exported ac-acme to $T/ac-acme.json"
grep -q '"title": "Page the on-call identity admin"' "$T/ac-acme.json" ||
	fail "the exported file lacks the new step"
has "$L.bad" "Not done: nothing changed"
has "$L.bad" "bad.json: nothing imported: phase 3 step 2: title is missing"
has "$L.after" "6 playbooks, 1 draft, 1 overdue"
hasnt "$L.after" "Bad"
"$TATER_BIN" --store "$T/db" playbook history ac-acme > "$T/history.out" 2>&1
grep -q "^2 *draft *$ME" "$T/history.out" || fail "CLI history: revision 2 is not a draft by $ME"
"$TATER_BIN" --store "$T/db" db verify > "$T/verify.out" 2>&1 ||
	fail "db verify: $(cat "$T/verify.out")"

# ---- read-only: changes are refused at the chokepoint ----
run readonly --readonly << 'S'
key 4
key a
dump @activate
key 5
key ]
key Enter
key u
dump @reopen
S
has "$T/readonly.activate" "Read-only mode"
hasnt "$T/readonly.activate" "Activate playbook: open an incident"
has "$T/readonly.reopen" "Read-only mode"

if [ $fails -ne 0 ]; then
	echo "$fails failure(s)"
	exit 1
fi
echo "all playbook end-to-end checks passed"
