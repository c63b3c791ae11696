#!/bin/sh
# check_scripts.sh - the remediation scripts agree with their headers, the catalog and the
# Exchange delegation rule. POSIX sh + awk + grep -E; PowerShell is not needed (when pwsh is
# installed, every .ps1 is also parsed with it).
#
#   TATER_SRC=/path/to/checkout sh tests/runbooks/check_scripts.sh
#
# Checks, for every runbooks/scripts/<area>/<id>.ps1:
#   - the .TATER header parses (strict format, see doc/remediation-setup.md);
#   - id is unique, equals the file name, starts with its area's prefix; area equals the folder;
#   - runtime is valid; teams scripts are guidance; idempotent is true;
#   - every control exists, either in catalog/controls/<id>.sql or (a control still to be
#     written) in the table of catalog/remediation-controls.md, not both; every control of
#     that table is fixed by some script;
#   - every declared parameter is well formed and appears in the script's param() block;
#   - the script matches a pattern of runbooks/exo-cmdlet-patterns.txt if and only if it
#     declares runtime exo (the delegation rule and the header agree);
#   - no script or runbook holds a literal secret-looking string;
# and overall: the per-area counts, the pattern file's dialect, the runbooks' prefix table.
# Prints "N passed, M failed"; exits non-zero on any failure.
set -u

SRC=${TATER_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
RB="$SRC/runbooks"
SCRIPTS="$RB/scripts"
PATTERNS="$RB/exo-cmdlet-patterns.txt"
CATALOG="$SRC/catalog/controls"
TABLE="$SRC/catalog/remediation-controls.md"

# area:prefix:count. The per-area counts are those of the product card; keep in step with
# the AreaByPrefix table of both runbooks.
AREAS="defender:defender:11 exchange:exo:6 sharepoint:spo:5 entra:entra:9 powerbi:powerbi:2 purview:purview:1 scuba:scuba:17 teams:teams:2"
RUNTIMES="graph spo powerbi exo guidance"

pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); printf 'FAIL: %s\n' "$*"; }

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

# --- the pattern file ------------------------------------------------------------------------
if [ -r "$PATTERNS" ]; then ok; else bad "missing $PATTERNS"; fi
grep -v '^#' "$PATTERNS" 2>/dev/null | grep -v '^[[:space:]]*$' > "$tmp/patterns"
if [ -s "$tmp/patterns" ]; then ok; else bad "exo-cmdlet-patterns.txt holds no pattern"; fi
# The shared dialect: no backslash, no POSIX classes, no intervals (see the file's comment).
if grep -n -e '\\' -e '\[\[:' -e '{' "$tmp/patterns" > "$tmp/dialect"; then
	bad "exo-cmdlet-patterns.txt uses syntax outside the shared dialect: $(head -1 "$tmp/dialect")"
else ok; fi
echo probe | grep -E -i -f "$tmp/patterns" > /dev/null 2>&1
if [ $? -le 1 ]; then ok; else bad "exo-cmdlet-patterns.txt does not compile as ERE"; fi
# Known cmdlets on both sides of the rule.
for probe in 'Set-TransportConfig -SmtpClientAuthenticationDisabled $true' 'Get-SafeLinksPolicy' \
	'New-DlpCompliancePolicy -Name x' 'Set-ProtectionAlert -Identity x'; do
	if printf '%s\n' "$probe" | grep -E -i -q -f "$tmp/patterns"; then ok; else bad "no pattern matches '$probe'"; fi
done
for probe in 'Invoke-MgGraphRequest -Method GET' 'Set-PnPTenant -DisallowInfectedFileDownload $true' \
	'Set-CsTeamsMeetingPolicy -Identity Global' 'Set-TransportConfigX' 'xGet-Mailbox'; do
	if printf '%s\n' "$probe" | grep -E -i -q -f "$tmp/patterns"; then bad "a pattern wrongly matches '$probe'"; else ok; fi
done

# --- the runbooks' prefix table agrees with ours -------------------------------------------------
for rb in Run-Remediation.ps1 Run-Remediation-EXO.ps1; do
	[ -r "$RB/$rb" ] || { bad "missing runbooks/$rb"; continue; }
	for a in $AREAS; do
		area=${a%%:*}; rest=${a#*:}; prefix=${rest%%:*}
		if grep -q "'$prefix' = '$area'" "$RB/$rb"; then ok; else bad "$rb: AreaByPrefix lacks '$prefix' = '$area'"; fi
	done
done

# --- the remediation control table -----------------------------------------------------------
# Control ids are the first cell of table rows: | `exo.smtp-auth-disabled` | ...
if [ -r "$TABLE" ]; then
	ok
	sed -n 's/^| *`\([a-z0-9][a-z0-9._-]*\)` *|.*/\1/p' "$TABLE" | sort > "$tmp/table_ids"
	if [ "$(sort -u "$tmp/table_ids" | wc -l)" -eq "$(wc -l < "$tmp/table_ids")" ]; then ok; else bad "remediation-controls.md lists a control twice"; fi
else
	bad "missing catalog/remediation-controls.md"
	: > "$tmp/table_ids"
fi

# --- every script -------------------------------------------------------------------------------
find "$SCRIPTS" -type f -name '*.ps1' | sort > "$tmp/files"
: > "$tmp/ids"
: > "$tmp/fixed"

while IFS= read -r f; do
	rel=${f#"$SRC"/}
	name=$(basename "$f" .ps1)
	dir=$(basename "$(dirname "$f")")
	# Parse the header: prints "K key value" for fields, "P name|type|default|desc" for
	# parameters and "E message" for errors.
	awk '
	function err(m) { print "E line " NR ": " m; bad = 1 }
	NR == 1 { sub(/\r$/, ""); if ($0 != "<#") err("first line must be <#"); next }
	NR == 2 { sub(/\r$/, ""); if ($0 != ".TATER") err("second line must be .TATER"); next }
	done { next }
	{
		sub(/\r$/, "")
		if ($0 == "#>") { done = 1; next }
		i = index($0, ": ")
		if (i < 2) { err("not a key: value line"); next }
		k = substr($0, 1, i - 1); v = substr($0, i + 2)
		if (k !~ /^[a-z]+$/) { err("bad key " k); next }
		if (v ~ /^[ \t]/ || v ~ /[ \t]$/ || v == "") { err(k ": value empty or padded"); next }
		if (v ~ /\t/) { err(k ": tab in value"); next }
		if (k == "parameter") {
			n = split(v, p, "|")
			if (n != 4) { err("parameter needs 4 fields separated by |"); next }
			for (j = 1; j <= 4; j++) { gsub(/^ +| +$/, "", p[j]) }
			if (p[1] !~ /^[A-Z][A-Za-z0-9]*$/) err("parameter name " p[1])
			if (p[2] != "bool" && p[2] != "int" && p[2] != "string" && p[2] != "string[]") err("parameter type " p[2])
			if (p[2] == "bool" && p[3] != "true" && p[3] != "false") err("bool default must be true or false")
			if (p[2] == "int" && p[3] !~ /^-?[0-9]+$/) err("int default must be a whole number")
			if (p[4] == "") err("parameter " p[1] " has no description")
			if (seenp[p[1]]++) err("parameter " p[1] " declared twice")
			print "P " p[1] "|" p[2] "|" p[3]
			next
		}
		if (k != "id" && k != "title" && k != "area" && k != "controls" && k != "runtime" && k != "idempotent" && k != "description") { err("unknown key " k); next }
		if (seen[k]++) { err(k " given twice"); next }
		print "K " k " " v
	}
	END {
		if (NR < 2) print "E empty file"
		if (!done) print "E header not closed with #>"
		split("id title area controls runtime idempotent description", req, " ")
		for (j = 1; j <= 7; j++) if (!seen[req[j]]) print "E header lacks " req[j]
	}' "$f" > "$tmp/h" 2>&1

	if grep -q '^E ' "$tmp/h"; then
		bad "$rel: header: $(grep '^E ' "$tmp/h" | sed 's/^E //' | tr '\n' ';')"
		continue
	fi
	ok
	field() { sed -n "s/^K $1 //p" "$tmp/h"; }
	id=$(field id); area=$(field area); runtime=$(field runtime); controls=$(field controls)
	title=$(field title); desc=$(field description); idem=$(field idempotent)

	# id: pattern, unique, file name, prefix
	if printf '%s\n' "$id" | grep -Eq '^[a-z][a-z0-9]*(-[a-z0-9]+)+$' && [ ${#id} -le 64 ]; then ok; else bad "$rel: id '$id' is not lower-case words joined by dashes (64 characters at most)"; fi
	if grep -qx "$id" "$tmp/ids"; then bad "$rel: id '$id' is used twice"; else ok; fi
	echo "$id" >> "$tmp/ids"
	if [ "$id" = "$name" ]; then ok; else bad "$rel: id '$id' differs from the file name"; fi
	if [ "$area" = "$dir" ]; then ok; else bad "$rel: area '$area' differs from the folder '$dir'"; fi
	known=""
	for a in $AREAS; do
		ar=${a%%:*}; rest=${a#*:}; prefix=${rest%%:*}
		if [ "$ar" = "$area" ]; then
			known=1
			case "$id" in "$prefix"-*) ok ;; *) bad "$rel: id '$id' must start with '$prefix-' in area $area" ;; esac
		fi
	done
	[ -n "$known" ] && ok || bad "$rel: unknown area '$area'"

	# runtime, idempotent, lengths
	case " $RUNTIMES " in *" $runtime "*) ok ;; *) bad "$rel: runtime '$runtime' is not one of $RUNTIMES" ;; esac
	if [ "$area" = teams ]; then
		if [ "$runtime" = guidance ]; then ok; else bad "$rel: teams scripts must be runtime guidance"; fi
	fi
	if [ "$idem" = true ]; then ok; else bad "$rel: idempotent must be true"; fi
	if [ ${#title} -le 100 ] && [ ${#desc} -le 400 ]; then ok; else bad "$rel: title over 100 or description over 400 characters"; fi

	# controls
	cbad=""
	for c in $(printf '%s\n' "$controls" | tr ',' ' '); do
		if ! printf '%s\n' "$c" | grep -Eq '^(aad|exo|defender|spo|powerbi|purview|teams)\.[a-z0-9][a-z0-9-]*$'; then
			cbad="$cbad malformed:$c"; continue
		fi
		if [ -r "$CATALOG/$c.sql" ]; then
			! grep -qx "$c" "$tmp/table_ids" || cbad="$cbad in-both-catalog-and-table:$c"
		else
			grep -qx "$c" "$tmp/table_ids" || cbad="$cbad not-in-catalog/controls-nor-remediation-controls.md:$c"
		fi
		echo "$c" >> "$tmp/fixed"
	done
	if [ -z "$cbad" ]; then ok; else bad "$rel: controls:$cbad"; fi
	if printf '%s\n' "$controls" | grep -Eq '^[a-z0-9.-]+(, [a-z0-9.-]+)*$'; then ok; else bad "$rel: controls must be ids separated by ', '"; fi

	# parameters appear in the param() block, and nothing else does
	pbad=""
	awk '/^param\(/ { on = 1 } on { print } on && /^\)/ { exit } on && /^param\(\)$/ { exit }' "$f" > "$tmp/param"
	[ -s "$tmp/param" ] || pbad=" no param() block"
	for p in $(sed -n 's/^P \([A-Za-z0-9]*\)|.*/\1/p' "$tmp/h"); do
		grep -Eq "\\\$$p([^A-Za-z0-9_]|\$)" "$tmp/param" || pbad="$pbad $p-not-in-param()"
	done
	for v in $(sed -n 's/.*\] *\$\([A-Za-z0-9]*\).*/\1/p' "$tmp/param"); do
		grep -q "^P $v|" "$tmp/h" || pbad="$pbad \$$v-not-declared"
	done
	if [ -z "$pbad" ]; then ok; else bad "$rel: parameters:$pbad"; fi

	# the delegation rule and the header agree
	if grep -E -i -q -f "$tmp/patterns" "$f"; then matched=yes; else matched=no; fi
	if [ "$runtime" = exo ] && [ $matched = no ]; then
		bad "$rel: runtime exo but no pattern of exo-cmdlet-patterns.txt matches"
	elif [ "$runtime" != exo ] && [ $matched = yes ]; then
		bad "$rel: runtime $runtime but it uses Exchange cmdlets: $(grep -E -i -n -f "$tmp/patterns" "$f" | head -1)"
	else ok; fi
done < "$tmp/files"

# --- counts ---------------------------------------------------------------------------------------
total=0
for a in $AREAS; do
	area=${a%%:*}; want=${a##*:}
	total=$((total + want))
	got=$(grep -c "^$SCRIPTS/$area/" "$tmp/files")
	if [ "$got" -eq "$want" ]; then ok; else bad "area $area has $got scripts, expected $want"; fi
done
got=$(wc -l < "$tmp/files")
if [ "$got" -eq "$total" ]; then ok; else bad "$got scripts in all, expected $total"; fi
stray=$(find "$SCRIPTS" -type f ! -name '*.ps1' | head -1)
if [ -z "$stray" ]; then ok; else bad "stray file under runbooks/scripts: ${stray#"$SRC"/}"; fi

# --- every control of the table is fixed by some script ----------------------------------------
sort -u "$tmp/fixed" > "$tmp/fixed_u"
while IFS= read -r c; do
	if grep -qx "$c" "$tmp/fixed_u"; then ok; else bad "remediation-controls.md lists $c, which no script fixes"; fi
done < "$tmp/table_ids"

# --- no literal secrets ---------------------------------------------------------------------------
cat > "$tmp/secrets" <<'EOF'
-----BEGIN [A-Z ]*PRIVATE KEY-----
eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}
[?&](sig|token|code)=[A-Za-z0-9%+/=_-]{8,}
AccountKey=[A-Za-z0-9+/]
[A-Za-z0-9+/]{86}==
(client_?secret|password|passwd|pwd)[[:space:]]*[:=][[:space:]]*['"][^'"$]{6,}['"]
(^|[^0-9A-Fa-f])[0-9A-Fa-f]{40}([^0-9A-Fa-f]|$)
ConvertTo-SecureString[^|]*-AsPlainText
AKIA[0-9A-Z]{16}
AIza[0-9A-Za-z_-]{35}
xox[abprs]-[0-9A-Za-z-]{10,}
EOF
for f in $(cat "$tmp/files") "$RB/Run-Remediation.ps1" "$RB/Run-Remediation-EXO.ps1" "$PATTERNS"; do
	[ -r "$f" ] || continue
	if hit=$(grep -E -i -n -f "$tmp/secrets" "$f" | head -1) && [ -n "$hit" ]; then
		bad "${f#"$SRC"/}: secret-looking string at line ${hit%%:*}"
	else ok; fi
done

# --- PowerShell's own parser, when it is there --------------------------------------------------
if command -v pwsh > /dev/null 2>&1; then
	for f in $(cat "$tmp/files") "$RB/Run-Remediation.ps1" "$RB/Run-Remediation-EXO.ps1"; do
		out=$(pwsh -NoLogo -NoProfile -NonInteractive -Command '$t=$null;$e=$null;[void][System.Management.Automation.Language.Parser]::ParseFile($args[0],[ref]$t,[ref]$e);if($e){$e|ForEach-Object{"$($_.Extent.StartLineNumber): $($_.Message)"};exit 1}' "$f" 2>&1)
		if [ $? -eq 0 ]; then ok; else bad "${f#"$SRC"/}: pwsh parse: $(printf '%s' "$out" | head -1)"; fi
	done
else
	echo "note: pwsh not installed, PowerShell syntax not checked"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
