#!/bin/sh
# e2e_passphrase.sh - the vault passphrase asked on a real terminal (tmux): no echo, asked
# twice for a new vault, a mismatch refused, a wrong one refused and the store untouched.
set -u
if ! command -v tmux > /dev/null 2>&1; then
	echo "tmux is not installed: skipping"
	exit 77
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/tater-pass.XXXXXX")
n=0
S=pass0
# A server of our own, whatever the caller runs in: not the default socket (an enclosing
# tmux's $TMUX would be used), no user config, a shell that exists.
SOCK="tater-pass-$$"
tm() { tmux -L "$SOCK" -f /dev/null "$@"; }
trap 'tm kill-server > /dev/null 2>&1; rm -rf "$T"' EXIT
unset TATER_KEY_FILE TMUX
export SHELL=/bin/sh
fails=0
fail() {
	printf 'FAIL: %s\n' "$*"
	fails=$((fails + 1))
}
pane() { tm capture-pane -p -t $S; }
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
	# A new session each time: killing the last one would take the server down while
	# the next new-session may already be talking to it.
	n=$((n + 1))
	S=pass$n
	tm new-session -d -s $S -x 100 -y 20 \
		"$TATER_BIN --store $T/db $*; echo exit=\$?; sleep 30"
}

# A new vault: asked twice, nothing echoed.
start db init
wait_for "New vault passphrase:"
tm send-keys -t $S -l "$PASS"
tm send-keys -t $S Enter
wait_for "Repeat the passphrase:"
tm send-keys -t $S -l "$PASS"
tm send-keys -t $S Enter
wait_for "exit=0"
pane | grep -qF "Created the store" || fail "db init did not create the store"
pane | grep -qF "$PASS" && fail "the passphrase was echoed"

# A mismatch on a new passphrase is refused.
start --store "$T/other" db init
wait_for "New vault passphrase:"
tm send-keys -t $S -l "first-passphrase"
tm send-keys -t $S Enter
wait_for "Repeat the passphrase:"
tm send-keys -t $S -l "second-passphrase"
tm send-keys -t $S Enter
wait_for "exit=2"
pane | grep -qF "differ" || fail "a mismatch was not refused"

# A wrong passphrase says so and changes nothing.
before=$(sha256sum "$T/db" | cut -d' ' -f1)
start db passwd
wait_for "Vault passphrase:"
tm send-keys -t $S -l "not-the-passphrase"
tm send-keys -t $S Enter
wait_for "exit=2"
pane | grep -qF "wrong passphrase" || fail "a wrong passphrase was not named as such"
[ "$(sha256sum "$T/db" | cut -d' ' -f1)" = "$before" ] || fail "the store changed"

# The right one, then a new one twice: the change is made.
start db passwd
wait_for "Vault passphrase:"
tm send-keys -t $S -l "$PASS"
tm send-keys -t $S Enter
wait_for "New vault passphrase:"
tm send-keys -t $S -l "a-new-passphrase-1"
tm send-keys -t $S Enter
wait_for "Repeat the passphrase:"
tm send-keys -t $S -l "a-new-passphrase-1"
tm send-keys -t $S Enter
wait_for "exit=0"
pane | grep -qF "was changed" || fail "db passwd did not say the passphrase changed"
pane | grep -qF "a-new-passphrase-1" && fail "the new passphrase was echoed"

if [ $fails -eq 0 ]; then
	echo "4 passed, 0 failed"
	exit 0
fi
echo "$fails failed"
exit 1
