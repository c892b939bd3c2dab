#!/usr/bin/env bash
# Re-screening after list updates: `embargo lists update` against the fixture HTTP server (on
# 127.0.0.1, started here with a bounded lifetime) serving the two versions of the small list
# of tests/fixtures/audit (v2 adds entry 1009, NOVA TRADING FZE, and changes 1004, which no
# customer here matches). Customers are stored by a first screening; an update that activates
# v2 with re-screening on (the sources file's rescreen_after_update, --rescreen, or
# $EMBARGO_RESCREEN_AFTER_UPDATE) must open exactly the one new alert; an unchanged update
# (304) and --no-rescreen must not re-screen. Needs EMBARGO, EM_FIXTURES_DIR and EM_BUILD_DIR.
set -u
. "$(dirname "$0")/lib/harness.sh"
: "${EM_FIXTURES_DIR:?}" "${EM_BUILD_DIR:?}"
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY EMBARGO_RESCREEN_AFTER_UPDATE
export no_proxy='*'

# The served files: v1, v2, and v1 again under another address (whose validators the store
# has not seen, so going back to v1 downloads it instead of getting 304).
mkdir -p "$work/root/v1" "$work/root/v2" "$work/root/v1again"
cp "$EM_FIXTURES_DIR/audit/v1/sdn.csv" "$work/root/v1/"
cp "$EM_FIXTURES_DIR/audit/v2/sdn.csv" "$work/root/v2/"
cp "$EM_FIXTURES_DIR/audit/v1/sdn.csv" "$work/root/v1again/"
"$EM_BUILD_DIR/tests/http_fixture_server" "$work/root" 120 >"$work/port" &
srv_pid=$!
trap 'kill "$srv_pid" 2>/dev/null; wait "$srv_pid" 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do
	[ -s "$work/port" ] && break
	sleep 0.05
done
port=$(head -n 1 "$work/port")
[ -n "$port" ] || { echo "FAIL the fixture server did not start"; echo "0 passed, 1 failed"; exit 1; }

# conf FILE DIR [yes|no]: a sources file with ofac-sdn at /files/DIR/sdn.csv, and the
# rescreen_after_update setting when given.
conf() {
	{
		[ -n "${3:-}" ] && echo "rescreen_after_update = $3"
		printf '[ofac-sdn]\nformat = ofac-csv\nfile = sdn.csv http://127.0.0.1:%s/files/%s/sdn.csv\n' "$port" "$2"
	} >"$1"
}
lacks() { if grep -Eq -- "$3" "$2"; then bad "$1 (/$3/ in $2)"; else ok "$1"; fi; }
count_alerts() { "$EMBARGO" alerts --status "$1" --json | jq length; }
rescreens() { "$EMBARGO" audit export 2>/dev/null | jq -r 'select(.channel == "rescreen") | .customer_ref' | wc -l; }

conf "$work/off-v1.conf" v1
conf "$work/on-v1.conf" v1 yes
conf "$work/on-v2.conf" v2 yes
conf "$work/on-v1again.conf" v1again yes
conf "$work/off-v2.conf" v2 no

# --- the first version, the customers screened against it ---
expect "update to v1 (setting absent)" 0 "$EMBARGO" lists update --config "$work/off-v1.conf"
has "v1 imported" "$work/out" '^ofac-sdn: updated: version [0-9]+, 8 entities'
lacks "no re-screening when it is not asked for" "$work/out" '^re-screened'
cat >"$work/customers.csv" <<'EOF'
name,customer_ref,type
Reza Ahmad Karimi,C-KARIMI,person
Sollers Finance,C-SOLLERS,organization
Nova Trading FZE,C-NOVA,organization
Quentin Zebulon,C-NONE,person
EOF
expect "screen the customers" 0 "$EMBARGO" screen --batch "$work/customers.csv" --format jsonl
same "two open alerts (KARIMI, SOLLERS)" "$(count_alerts open)" 2

# --- unchanged: the server answers 304, nothing is re-screened ---
expect "update again with re-screening on" 0 "$EMBARGO" lists update --config "$work/on-v1.conf"
has "unchanged" "$work/out" '^ofac-sdn: unchanged: not modified since'
lacks "an unchanged list is not re-screened" "$work/out" '^re-screened'
same "no re-screening in the trail" "$(rescreens)" 0

# --- v2 adds NOVA TRADING FZE: exactly its alert opens ---
expect "update to v2 with rescreen_after_update = yes" 0 "$EMBARGO" lists update --config "$work/on-v2.conf"
has "v2 imported" "$work/out" '^ofac-sdn: updated: version [0-9]+, 9 entities \(was 8\)'
has "the four customers re-screened, one alert opened" "$work/out" \
	'^re-screened 4 customers against ofac-sdn@[0-9]+ in .*: 3 with matches; 1 alerts opened \(new or changed matches\), 0 already open, 2 unchanged'
same "three open alerts" "$(count_alerts open)" 3
same "the new one is NOVA's, on entry 1009" \
	"$("$EMBARGO" alerts --status open --json | jq -r 'max_by(.id) | .customer_ref + " " + .source_id')" "C-NOVA 1009"
same "four re-screenings in the trail" "$(rescreens)" 4
v2=$("$EMBARGO" lists --json | jq -r '.[0].id')
same "they name v2" "$("$EMBARGO" audit export 2>/dev/null | jq -r 'select(.channel == "rescreen") | .lists[0].version_id' | sort -u)" "$v2"

expect "v2 again" 0 "$EMBARGO" lists update --config "$work/on-v2.conf"
has "unchanged again" "$work/out" '^ofac-sdn: unchanged:'
lacks "unchanged: no re-screening" "$work/out" '^re-screened'
same "still four re-screenings" "$(rescreens)" 4

# --- the flag and the environment win over the file ---
expect "back to v1 with --no-rescreen" 0 "$EMBARGO" lists update --config "$work/on-v1again.conf" --no-rescreen
has "v1 active again" "$work/out" '^ofac-sdn: updated: version [0-9]+, 8 entities \(was 9\)'
lacks "--no-rescreen: none" "$work/out" '^re-screened'
same "--no-rescreen: none in the trail" "$(rescreens)" 4
EMBARGO_RESCREEN_AFTER_UPDATE=1 expect "v2 with the file saying no and the environment yes" 0 \
	"$EMBARGO" lists update --config "$work/off-v2.conf"
has "the environment turns it on" "$work/out" '^re-screened 4 customers .*: 3 with matches; 0 alerts opened'
same "NOVA's alert is still the only new one" "$(count_alerts open)" 3

# --- lists import --rescreen ---
expect "import v1 with --rescreen" 0 "$EMBARGO" lists import --rescreen "$EM_FIXTURES_DIR/audit/v1/sdn.csv"
has "import: re-screened" "$work/out" '^re-screened 4 customers .*: 2 with matches; 0 alerts opened'
expect "import v1 again: unchanged" 0 "$EMBARGO" lists import --rescreen "$EM_FIXTURES_DIR/audit/v1/sdn.csv"
lacks "import unchanged: no re-screening" "$work/out" '^re-screened'

# --- a bad setting is named ---
printf 'rescreen_after_update = maybe\n[ofac-sdn]\nfile = sdn.csv http://127.0.0.1:1/x\n' >"$work/bad.conf"
expect "a bad setting fails" 1 "$EMBARGO" lists update --config "$work/bad.conf"
has "file, line and key named" "$work/err" "bad.conf:1: key 'rescreen_after_update'"
finish
