#!/bin/sh
# e2e_tmux.sh - the console in a real terminal: tmux runs it in a pty, we
# send keys and read the pane back (capture-pane), colours included (-e).
# Needs $TATER_BIN, $E2E_SEED and tmux.
set -u
if ! command -v tmux > /dev/null 2>&1; then
	echo "tmux is not installed: skipping"
	exit 77
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/tater-tmux.XXXXXX")
SOCK="tater-e2e-$$"
cleanup() {
	tmux -L "$SOCK" kill-server > /dev/null 2>&1
	rm -rf "$T"
}
trap cleanup EXIT
export HOME="$T/home" XDG_CONFIG_HOME="$T/config" XDG_DATA_HOME="$T/data"
mkdir -p "$HOME" "$XDG_CONFIG_HOME"
unset NO_COLOR TATER_KEY_FILE LC_ALL TMUX
export SHELL=/bin/sh # tmux runs the window commands with it
fails=0

fail() {
	printf 'FAIL: %s\n' "$*"
	fails=$((fails + 1))
}

tm() {
	tmux -L "$SOCK" -f /dev/null "$@"
}

# start NAME TERM [env assignments...]: tater in its own window of 80x24
start() {
	name=$1
	term=$2
	shift 2
	printf '%s\n' "#!/bin/sh" "export LANG=C.UTF-8 TERM=$term $*" \
		"exec \"$TATER_BIN\" --store \"$T/db\"" > "$T/$name.sh"
	chmod +x "$T/$name.sh"
	if tm has-session 2> /dev/null; then
		tm new-window -d -n "$name" "$T/$name.sh; echo \$? > $T/$name.rc; sleep 30"
	else
		tm new-session -d -s e2e -n "$name" -x 80 -y 24 "$T/$name.sh; echo \$? > $T/$name.rc; sleep 30"
		tm set-option -g remain-on-exit off > /dev/null
	fi
}

capture() { # capture NAME [-e]
	tm capture-pane -p ${2:-} -t "e2e:$1"
}

wait_for() { # wait_for NAME TEXT: up to 10 s
	i=0
	while [ $i -lt 100 ]; do
		capture "$1" | grep -qF -- "$2" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	fail "$1: \"$2\" never appeared; the screen was:"
	capture "$1"
	return 1
}

keys() { # keys NAME KEY...
	n=$1
	shift
	tm send-keys -t "e2e:$n" "$@"
}

"$E2E_SEED" "$T/db" 5 || fail "seeding the store"

# ---- colour, TERM=xterm-256color ----
start colour xterm-256color
wait_for colour "1 Dashboard"
keys colour 0
wait_for colour "Hash chain: verified"
capture colour > "$T/colour.txt"
grep -qF 'evil\e]0;x' "$T/colour.txt" || fail "hostile name not shown escaped"
title=$(tm display-message -p -t e2e:colour '#{pane_title}')
[ "$title" != "x" ] && [ "$title" != "pwned" ] || fail "a stored name changed the terminal title"
capture colour -e > "$T/colour.sgr"
# SGR sequences that set a colour (30-38, 40-48, 90-97, 100-107); 39 and 49
# only restore the terminal's own default and are no colour.
colour_sgr='\[([0-9;]*;)?(3[0-8]|4[0-8]|9[0-7]|10[0-7])(;[0-9;]*)?m'
grep -Eq "$colour_sgr" "$T/colour.sgr" || fail "the colour console shows no colour (the check below could not fail)"

# resize to 60x15 and back
tm resize-window -t e2e:colour -x 60 -y 15
wait_for colour "Terminal too small: 60x15"
tm resize-window -t e2e:colour -x 80 -y 24
wait_for colour "Activity log"

# Ctrl-C asks; Tab to Quit, Enter quits with status 0
keys colour C-c
wait_for colour "Quit tater?"
keys colour Tab Enter
i=0
while [ ! -s "$T/colour.rc" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ "$(cat "$T/colour.rc" 2> /dev/null)" = "0" ] || fail "quitting did not exit 0"

# ---- NO_COLOR: no colour at all ----
start mono xterm-256color NO_COLOR=1
wait_for mono "1 Dashboard"
keys mono 0
wait_for mono "Hash chain: verified"
keys mono ?
wait_for mono "What it does"
capture mono -e > "$T/mono.sgr"
if grep -Eq "$colour_sgr" "$T/mono.sgr"; then
	fail "NO_COLOR output carries colour:"
	grep -Eo "$colour_sgr" "$T/mono.sgr" | sort -u | head
fi
keys mono C-c
wait_for mono "Quit tater?"
keys mono y

# ---- the selection: a full-width bar, or with TATER_ARROW_CURSOR an arrow ----
# The bar paints the selected row's background; the arrow cursor leaves every row's
# background alone and marks the selected row with '>' in a two-cell margin.
painted='\[([0-9;]*;)?46(;[0-9;]*)?m[^[:cntrl:]]*[0-9]{4}-[0-9]{2}-[0-9]{2}'
marked='^> [0-9]{4}-'
poll() { # poll NAME CAPTURE-OPTION REGEX: up to 10 s for a line of the pane to match
	i=0
	while [ $i -lt 100 ]; do
		capture "$1" $2 | grep -Eq -- "$3" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
start bar xterm-256color
wait_for bar "1 Dashboard"
keys bar 0
wait_for bar "Hash chain: verified"
poll bar -e "$painted" ||
	fail "the bar does not paint the selected row (the arrow check below could not fail)"
keys bar C-c
wait_for bar "Quit tater?"
keys bar y
start arrow xterm-256color TATER_ARROW_CURSOR=1
wait_for arrow "1 Dashboard"
keys arrow 0
wait_for arrow "Hash chain: verified"
poll arrow "" "$marked" || fail "no row marked with '>'"
capture arrow > "$T/arrow1.txt"
capture arrow -e | grep -Eq -- "$painted" && fail "the arrow cursor still paints a row"
[ "$(grep -cE "$marked" "$T/arrow1.txt")" = 1 ] || fail "not exactly one row marked with '>':
$(cat "$T/arrow1.txt")"
sel1=$(grep -E "$marked" "$T/arrow1.txt")
keys arrow j
i=0
while [ $i -lt 100 ]; do
	sel2=$(capture arrow | grep -E "$marked")
	[ -n "$sel2" ] && [ "$sel2" != "$sel1" ] && break
	sleep 0.1
	i=$((i + 1))
done
[ -n "$sel2" ] && [ "$sel2" != "$sel1" ] || fail "j did not move the arrow"
capture arrow | grep -qF -- "  ${sel1#> }" || fail "the row the arrow left is not shown unmarked"
keys arrow C-c
wait_for arrow "Quit tater?"
keys arrow y

# ---- other terminal types draw the frame ----
for term in screen-256color tmux-256color vt100; do
	name=$(echo "$term" | tr -c 'a-z0-9\n' '_')
	start "$name" "$term"
	wait_for "$name" "1 Dashboard"
	keys "$name" -
	wait_for "$name" "Tenants"
	keys "$name" a
	wait_for "$name" "Add a tenant"
	keys "$name" Escape
	wait_for "$name" "No tenants yet"
	keys "$name" C-c
	wait_for "$name" "Quit tater?"
	keys "$name" y
done

if [ $fails -ne 0 ]; then
	echo "$fails failure(s)"
	exit 1
fi
echo "all tmux checks passed"
