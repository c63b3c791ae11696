#!/bin/sh
# The man page's key list is the program's action table, word for word.
set -eu
want=$(mktemp)
"$TATER_BIN" --keys-man > "$want"
got=$(mktemp)
awk '/^\.\\" BEGIN KEYS/ { on = 1; next } /^\.\\" END KEYS/ { on = 0 } on' \
	"$TATER_SRC/doc/tater.1" > "$got"
if ! diff -u "$got" "$want"; then
	echo "doc/tater.1 is out of date: run tools/gen-man BUILD_DIR" >&2
	exit 1
fi
# And the page renders.
man -l "$TATER_SRC/doc/tater.1" > /dev/null 2>&1 || { echo "man -l doc/tater.1 failed" >&2; exit 1; }
rm -f "$want" "$got"
echo "1 passed, 0 failed"
