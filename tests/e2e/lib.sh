# lib.sh - what the end-to-end scripts share.  Sourced after `set -u`:
#	. "$(dirname "$0")/lib.sh"
#	e2e_init NAME
# E2E_KEEP=1 keeps the directory of a run (its screen dumps and logs).

# e2e_init NAME: $T, a fresh directory (symlinks resolved: the path the console shows),
# removed on exit with the simulator and any background job ($SIM_PID, $BG_PID); a home and
# configuration of its own; a UTF-8 xterm; nothing from the caller's colour, key-file or CA
# settings.  fails counts the failures.
e2e_init() {
	T=$(mktemp -d "${TMPDIR:-/tmp}/tater-$1.XXXXXX")
	T=$(cd "$T" && pwd -P)
	SIM_PID=
	BG_PID=
	trap e2e_cleanup EXIT
	export HOME="$T/home" XDG_CONFIG_HOME="$T/config" XDG_DATA_HOME="$T/data"
	export LANG=C.UTF-8 TERM=xterm-256color
	unset NO_COLOR TATER_KEY_FILE LC_ALL TATER_CA_FILE
	mkdir -p "$HOME" "$XDG_CONFIG_HOME"
	fails=0
}

e2e_cleanup() {
	[ -n "$BG_PID" ] && kill "$BG_PID" 2> /dev/null && wait "$BG_PID" 2> /dev/null
	[ -n "$SIM_PID" ] && kill "$SIM_PID" 2> /dev/null && wait "$SIM_PID" 2> /dev/null
	[ -n "${E2E_KEEP:-}" ] || rm -rf "$T"
}

fail() {
	printf 'FAIL: %s\n' "$*"
	fails=$((fails + 1))
}

has() { # has FILE TEXT
	grep -qF -- "$2" "$1" || fail "$(basename "$1"): expected \"$2\" on screen"
}

hasnt() { # hasnt FILE TEXT
	! grep -qF -- "$2" "$1" || fail "$(basename "$1"): \"$2\" must not be on screen"
}

# run NAME [tater options...] < script: the console with the store's key file, keys from the
# script ("@" names files of this run: "dump @x" writes $T/NAME.x); output in $T/NAME.out/err.
run() {
	name=$1
	shift
	sed "s#@#$T/$name.#g" > "$T/$name.script"
	"$TATER_BIN" --store "$T/db" --key-file "$T/key" "$@" --script "$T/$name.script" \
		> "$T/$name.out" 2> "$T/$name.err"
	rc=$?
	[ $rc -eq 0 ] || fail "$name: tater exited $rc: $(cat "$T/$name.err")"
}

tater() { "$TATER_BIN" --store "$T/db" --key-file "$T/key" "$@"; }

q() { sqlite3 "$T/db" "$1"; }

# sim_start FLAGS...: tater-sim on a free loopback port; sets $PORT and $BASE, its log in
# $T/sim.log.  A simulator that does not come up ends the test.
sim_start() {
	"$TATER_SIM" --port 0 --port-file "$T/port" "$@" 2> "$T/sim.log" &
	SIM_PID=$!
	i=0
	while [ ! -s "$T/port" ] && [ $i -lt 200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	PORT=$(cat "$T/port" 2> /dev/null)
	if [ -z "$PORT" ]; then
		echo "FAIL: tater-sim did not start: $(cat "$T/sim.log")"
		exit 1
	fi
	BASE="http://127.0.0.1:$PORT"
}

# e2e_done NAME: the closing line, and the exit status.
e2e_done() {
	if [ $fails -ne 0 ]; then
		echo "$1: $fails failure(s); E2E_KEEP=1 keeps the screens and logs"
		exit 1
	fi
	echo "$1: all checks passed"
	exit 0
}
