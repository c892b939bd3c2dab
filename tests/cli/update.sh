#!/usr/bin/env bash
# `embargo lists update` end to end: the fixture HTTP server (started here, on 127.0.0.1, with a
# bounded lifetime, and stopped on exit) serves the shared list files; the sources files written
# here point every source at it. Checks the per-source lines, the exit status, that failures
# leave the active version alone (the next run is still "not modified since" it), and that a
# hanging server fails within --timeout. Expected counts come from `lists inspect` of the same
# files. Needs EMBARGO, EM_SHARED_DIR and EM_BUILD_DIR.
set -u
: "${EMBARGO:?}" "${EM_SHARED_DIR:?}" "${EM_BUILD_DIR:?}"
SERVER="$EM_BUILD_DIR/tests/http_fixture_server"
# libcurl honours proxy variables: make sure nothing but 127.0.0.1 is contacted.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
export no_proxy='*'
DATA="$EM_SHARED_DIR/data"
tmp=$(mktemp -d /tmp/em_cli_update.XXXXXX)
srv_pid=""
passed=0
failed=0

cleanup() {
	if [ -n "$srv_pid" ]; then
		kill "$srv_pid" 2>/dev/null
		wait "$srv_pid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

ok() { passed=$((passed + 1)); echo "ok   $1"; }
bad() { failed=$((failed + 1)); echo "FAIL $1"; [ -f "$tmp/out" ] && sed 's/^/     | /' "$tmp/out"; }
# check NAME COMMAND...: passes when the command succeeds
check() { local name=$1; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }

"$SERVER" "$DATA" 120 >"$tmp/port" &
srv_pid=$!
for _ in $(seq 100); do
	[ -s "$tmp/port" ] && break
	sleep 0.05
done
port=$(head -n 1 "$tmp/port")
if [ -z "$port" ]; then
	echo "FAIL the fixture server did not start"
	echo "0 passed, 1 failed"
	exit 1
fi
B="http://127.0.0.1:$port"
STORE="sqlite:$tmp/embargo.db"

# sources FILE SDN_ROUTE: a sources file with ofac-sdn at SDN_ROUTE, the OFAC consolidated set,
# a UN source that answers 404 and a disabled source that hangs.
sources() {
	cat >"$1" <<EOF
# test sources: everything on the local fixture server
[ofac-sdn]
format = ofac-csv
file = sdn.csv $B$2

[ofac-cons]
format = ofac-csv
file = cons_prim.csv $B/files/ofac/non-sdn/cons_prim.csv
file = cons_alt.csv $B/files/ofac/non-sdn/cons_alt.csv
file = cons_add.csv $B/files/ofac/non-sdn/cons_add.csv
file = cons_comments.csv $B/files/ofac/non-sdn/cons_comments.csv

[un]
format = un-xml
file = consolidated.xml $B/status/404/consolidated.xml

[slow]
enabled = no
file = sdn.csv $B/hang/sdn.csv
EOF
}

# entities FILE: the entity count `lists inspect` reports for a shared file.
entities() {
	"$EMBARGO" lists inspect "$1" | sed -n 's/.*, \([0-9]*\) entities.*/\1/p'
}

run() { "$EMBARGO" lists update --store "$STORE" "$@" >"$tmp/out" 2>&1; echo $? >"$tmp/rc"; }
rc() { [ "$(cat "$tmp/rc")" = "$1" ]; }
has() { grep -Eq -- "$1" "$tmp/out"; }
lacks() { ! grep -Eq -- "$1" "$tmp/out"; }

n_a=$(entities "$DATA/ofac/sdn-history/sdn-2024-04-26.csv")
n_b=$(entities "$DATA/ofac/sdn-history/sdn-2024-05-03.csv")
check "inspect gives the expected counts to compare with" test -n "$n_a" -a -n "$n_b" -a "$n_a" != "$n_b"

# 1. First update: two lists imported, the 404 reported, the disabled source skipped.
sources "$tmp/a.conf" /files/ofac/sdn-history/sdn-2024-04-26.csv
run --config "$tmp/a.conf"
check "a failed source makes the exit status 1" rc 1
check "ofac-sdn updated with the file's entity count" has "^ofac-sdn: updated: version [0-9]+, $n_a entities \(was 0\)"
check "ofac-cons (four files) updated" has "^ofac-cons: updated: version [0-9]+, [0-9]+ entities"
check "un failed with the HTTP status" has "^un: failed: .*HTTP 404"
check "disabled source skipped" lacks "^slow:"
check "summary line" has "^2 updated, 0 unchanged, 1 failed$"
v1=$(sed -n 's/^ofac-sdn: updated: version \([0-9]*\),.*/\1/p' "$tmp/out")

# 2. Again, only the working sources: conditional requests answered 304.
run --config "$tmp/a.conf" --source ofac-sdn --source ofac-cons
check "unchanged sources exit 0" rc 0
check "ofac-sdn not modified" has "^ofac-sdn: unchanged: not modified since version $v1, $n_a entities"
check "ofac-cons not modified" has "^ofac-cons: unchanged: not modified since version"
check "--source limits the run" lacks "^un:"

# 3. The newer list, with the sources file named by $EMBARGO_SOURCES.
sources "$tmp/b.conf" /files/ofac/sdn-history/sdn-2024-05-03.csv
EMBARGO_SOURCES="$tmp/b.conf" run --source ofac-sdn
check "newer list imported" rc 0
check "second version active with the new count" has "^ofac-sdn: updated: version [0-9]+, $n_b entities \(was $n_a\)"
v2=$(sed -n 's/^ofac-sdn: updated: version \([0-9]*\),.*/\1/p' "$tmp/out")
check "a new version id" test -n "$v2" -a "$v2" != "$v1"

# 4. Broken downloads fail, and each leaves version v2 active: the next run with the good
#    sources is "not modified since" v2, which needs v2 to be the active version.
for case in "short:/short/ofac/sdn-history/sdn-2024-05-03.csv:ended early" \
	    "cut:/cut/0/ofac/sdn-history/sdn-2024-05-03.csv:" \
	    "garbage:/garbage/sdn.csv:" \
	    "404:/status/404/sdn.csv:HTTP 404"; do
	name=${case%%:*}
	rest=${case#*:}
	route=${rest%%:*}
	why=${rest#*:}
	sources "$tmp/bad.conf" "$route"
	run --config "$tmp/bad.conf" --source ofac-sdn
	check "$name: exit status 1" rc 1
	check "$name: reported as failed" has "^ofac-sdn: failed: .*$why"
	run --config "$tmp/b.conf" --source ofac-sdn
	check "$name: version $v2 still active" has "^ofac-sdn: unchanged: not modified since version $v2,"
done

# 5. A server that accepts and never answers fails within --timeout.
start=$(date +%s%N)
run --config "$tmp/b.conf" --source slow --timeout 1
took_ms=$(( ($(date +%s%N) - start) / 1000000 ))
check "hang: failed" has "^slow: failed: .*timed out"
check "hang: within the timeout (took ${took_ms} ms)" test "$took_ms" -lt 4000

# 6. A much shorter list is refused unless --force.
sources "$tmp/old.conf" /files/ofac/sdn-2021/sdn.csv
run --config "$tmp/old.conf" --source ofac-sdn
check "sharp drop refused" has "^ofac-sdn: failed: "
check "sharp drop: exit 1" rc 1
run --config "$tmp/old.conf" --source ofac-sdn --force
check "--force imports it" has "^ofac-sdn: updated: version [0-9]+, [0-9]+ entities \(was $n_b\)"

# 7. Command-line and configuration errors.
run --config "$tmp/a.conf" --source nosuch
check "unknown source: usage error" rc 2
run --config "$tmp/a.conf" --timeout soon
check "bad timeout: usage error" rc 2
printf '[ofac-sdn]\nfile = sdn.csv %s/files/x\nspeed = fast\n' "$B" >"$tmp/typo.conf"
run --config "$tmp/typo.conf"
check "bad sources file: exit 1" rc 1
check "bad sources file: file, line and key named" has "typo.conf:3: key 'speed'"
run --config "$tmp/missing.conf"
check "missing sources file: exit 1" rc 1

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
