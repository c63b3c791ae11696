#!/bin/sh
# e2e_passphrase.sh - the vault passphrase asked on a real terminal (tmux): no echo, asked
# twice for a new vault, a mismatch refused, a wrong one refused and the store untouched.
set -u
T=$(mktemp -d "${TMPDIR:-/tmp}/tater-pass.XXXXXX")
S=tater-pass-$$
trap 'tmux kill-session -t $S 2>/dev/null; rm -rf "$T"' EXIT
unset TATER_KEY_FILE
fails=0
fail() {
	printf 'FAIL: %s\n' "$*"
	fails=$((fails + 1))
}
pane() { tmux capture-pane -p -t $S; }
wait_for() { # wait_for TEXT: up to 10 s
	i=0
	while [ $i -lt 100 ]; do
		pane | grep -qF -- "$1" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	fail "waited for \"$1\"; the screen shows: $(pane | tr -s '\n' ' ')"
	return 1
}
PASS='Tr0ub4dor-and-more'

start() {
	tmux kill-session -t $S 2>/dev/null
	tmux new-session -d -s $S -x 100 -y 20 \
		"$TATER_BIN --store $T/db $*; echo exit=\$?; sleep 30"
}

# A new vault: asked twice, nothing echoed.
start db init
wait_for "New vault passphrase:"
tmux send-keys -t $S -l "$PASS"
tmux send-keys -t $S Enter
wait_for "Repeat the passphrase:"
tmux send-keys -t $S -l "$PASS"
tmux send-keys -t $S Enter
wait_for "exit=0"
pane | grep -qF "Created the store" || fail "db init did not create the store"
pane | grep -qF "$PASS" && fail "the passphrase was echoed"

# A mismatch on a new passphrase is refused.
start --store "$T/other" db init
wait_for "New vault passphrase:"
tmux send-keys -t $S -l "first-passphrase"
tmux send-keys -t $S Enter
wait_for "Repeat the passphrase:"
tmux send-keys -t $S -l "second-passphrase"
tmux send-keys -t $S Enter
wait_for "exit=2"
pane | grep -qF "differ" || fail "a mismatch was not refused"

# A wrong passphrase says so and changes nothing.
before=$(sha256sum "$T/db" | cut -d' ' -f1)
start db passwd
wait_for "Vault passphrase:"
tmux send-keys -t $S -l "not-the-passphrase"
tmux send-keys -t $S Enter
wait_for "exit=2"
pane | grep -qF "wrong passphrase" || fail "a wrong passphrase was not named as such"
[ "$(sha256sum "$T/db" | cut -d' ' -f1)" = "$before" ] || fail "the store changed"

# The right one, then a new one twice: the change is made.
start db passwd
wait_for "Vault passphrase:"
tmux send-keys -t $S -l "$PASS"
tmux send-keys -t $S Enter
wait_for "New vault passphrase:"
tmux send-keys -t $S -l "a-new-passphrase-1"
tmux send-keys -t $S Enter
wait_for "Repeat the passphrase:"
tmux send-keys -t $S -l "a-new-passphrase-1"
tmux send-keys -t $S Enter
wait_for "exit=0"
pane | grep -qF "was changed" || fail "db passwd did not say the passphrase changed"
pane | grep -qF "a-new-passphrase-1" && fail "the new passphrase was echoed"

if [ $fails -eq 0 ]; then
	echo "4 passed, 0 failed"
	exit 0
fi
echo "$fails failed"
exit 1
