#!/usr/bin/env bash
# Black-box tests of the audit trail, alerts and re-screening from the command line. Two
# versions of a small OFAC-format list (tests/fixtures/audit): v2 changes entry 1004 (a
# passport added) and adds 1009. Customers screened with `screen --batch` (a customer_ref
# column) are recorded and open alerts; decisions are made with `embargo alerts decide`;
# `embargo rescreen` after importing v2 must open alerts only for the changed entry and the
# new one, and leave decided false positives and unchanged matches alone. `audit export`
# gives every screening as JSON lines or CSV for a date range.
set -u
. "$(dirname "$0")/lib/harness.sh"
: "${EM_FIXTURES_DIR:?set EM_FIXTURES_DIR}"
V1=$EM_FIXTURES_DIR/audit/v1/sdn.csv
V2=$EM_FIXTURES_DIR/audit/v2/sdn.csv
cat >"$work/customers.csv" <<'EOF'
name,customer_ref,type
Reza Ahmad Karimi,C-KARIMI,person
Sollers Finance,C-SOLLERS,organization
Ivan Sergeyevich Petrov,C-PETROV,person
Nova Trading FZE,C-NOVA,organization
Quentin Zebulon,C-NONE,person
Ocean Star Shipping,C-OCEAN,organization
EOF
# alert_of CUSTOMER [STATUS]: the newest alert id of a customer
alert_of() { "$EMBARGO" alerts --customer "$1" --status "${2:-all}" --json | jq -r '.[0].id // empty'; }
count_alerts() { "$EMBARGO" alerts --status "$1" --json | jq length; }

expect "import v1" 0 "$EMBARGO" lists import "$V1"
v1=$("$EMBARGO" lists --json | jq -r '.[0].id')

# --- a batch is recorded, its matches open alerts ---
expect "screen the customers" 0 "$EMBARGO" screen --batch "$work/customers.csv" --format jsonl
same "six records out" "$(wc -l <"$work/out")" 6
has "the summary counts the alerts" "$work/err" '^recorded in the audit trail of sqlite:.*: 4 alerts opened$'
same "four open alerts" "$(count_alerts open)" 4
expect "export JSON lines" 0 "$EMBARGO" audit export --format jsonl
cp "$work/out" "$work/trail.jsonl"
same "six screenings in the trail" "$(wc -l <"$work/trail.jsonl")" 6
same "who and channel: cli" "$(jq -r '.who + "/" + .channel' "$work/trail.jsonl" | sort -u)" "cli/cli"
same "customer references kept" "$(jq -r .customer_ref "$work/trail.jsonl" | sort | tr '\n' ' ')" \
	"C-KARIMI C-NONE C-NOVA C-OCEAN C-PETROV C-SOLLERS "
same "the query as asked" "$(jq -c 'select(.customer_ref == "C-SOLLERS") | .query' "$work/trail.jsonl")" \
	'{"name":"Sollers Finance","type":"organization"}'
same "the list version used" "$(jq -r '.lists[0].source + "@" + (.lists[0].version_id|tostring)' "$work/trail.jsonl" | sort -u)" "ofac-sdn@$v1"
same "the results" "$(jq -r 'select(.customer_ref == "C-PETROV") | .results[0].source_id + " " + (.results[0].score|tostring)' "$work/trail.jsonl")" "1004 1"
same "a node is named" "$(jq -r '.node | length > 0' "$work/trail.jsonl" | sort -u)" true
expect "export CSV" 0 "$EMBARGO" audit export --format csv
same "CSV: a header and six rows" "$(python3 -c 'import csv,sys; r=list(csv.reader(open(sys.argv[1]))); print(len(r), r[0][:3], len(set(map(len, r))))' "$work/out")" \
	"7 ['id', 'screened_at', 'who'] 1"
same "CSV: the best match of C-PETROV" "$(python3 -c 'import csv,sys; print([r["best_source_id"] for r in csv.DictReader(open(sys.argv[1])) if r["customer_ref"] == "C-PETROV"][0])' "$work/out")" 1004
today=$(date -u +%F)
expect "export today" 0 "$EMBARGO" audit export --from "$today" --to "$today"
same "today holds all six" "$(wc -l <"$work/out")" 6
expect "export a day long past" 0 "$EMBARGO" audit export --from 2001-01-01 --to 2001-01-02
same "nothing then" "$(wc -l <"$work/out")" 0
expect "export from a time in the future" 0 "$EMBARGO" audit export --from 2999-01-01T00:00:00Z
same "nothing from the future" "$(wc -l <"$work/out")" 0
expect "a bad date is a usage error" 2 "$EMBARGO" audit export --from yesterday
has "it says what a date looks like" "$work/err" "2024-05-03"
expect "from after to is a usage error" 2 "$EMBARGO" audit export --from 2024-05-04 --to 2024-05-03
expect "a bad format is a usage error" 2 "$EMBARGO" audit export --format xml

# --- one name from the command line is recorded too ---
expect "screen one name with a customer reference" 0 "$EMBARGO" screen "Reza Ahmad Karimi" --customer-ref C-KARIMI
same "the open alert absorbs it" "$(count_alerts open)" 4
same "seven screenings" "$("$EMBARGO" audit export 2>/dev/null | wc -l)" 7

# --- decisions ---
karimi=$(alert_of C-KARIMI)
petrov=$(alert_of C-PETROV)
sollers=$(alert_of C-SOLLERS)
expect "a false positive needs a reason" 2 "$EMBARGO" alerts decide "$karimi" false_positive
expect "decide KARIMI: false positive" 0 "$EMBARGO" alerts decide "$karimi" false_positive --reason "born 1980" --by ana
expect "decide PETROV: false positive" 0 "$EMBARGO" alerts decide "$petrov" false_positive --reason "other person" --by ana
expect "decide SOLLERS: true match" 0 "$EMBARGO" alerts decide "$sollers" true_match --by ana
expect "a second decision is refused" 1 "$EMBARGO" alerts decide "$sollers" false_positive --reason x
expect "an unknown alert" 1 "$EMBARGO" alerts decide 999999 true_match
same "one open alert left (OCEAN)" "$("$EMBARGO" alerts --json | jq -r '.[].customer_ref')" C-OCEAN
"$EMBARGO" alerts --status false_positive --json >"$work/fp.json"
same "decisions record who and why" "$(jq -r '[.[] | .decided_by + ":" + .reason] | sort | join(",")' "$work/fp.json")" "ana:born 1980,ana:other person"
expect "screening KARIMI again" 0 "$EMBARGO" screen "Reza Ahmad Karimi" --customer-ref C-KARIMI
same "a decided false positive is not raised again" "$(alert_of C-KARIMI)" "$karimi"

# --- re-screening ---
expect "rescreen with nothing new" 0 "$EMBARGO" rescreen
has "nothing new: no alert" "$work/out" '^re-screened 6 customers against ofac-sdn@[0-9]+ in .*: 4 with matches; 0 alerts opened'
expect "import v2" 0 "$EMBARGO" lists import "$V2"
expect "rescreen after v2" 0 "$EMBARGO" rescreen -j 2
has "v2: two alerts opened (the changed entry, the new one), three unchanged" "$work/out" \
	'with matches; 2 alerts opened \(new or changed matches\), 0 already open, 3 unchanged'
new_petrov=$(alert_of C-PETROV)
check_new() { if [ -n "$2" ] && [ "$2" != "$3" ]; then ok "$1"; else bad "$1 ('$2' vs '$3')"; fi; }
check_new "PETROV: the changed entry re-opens the decided false positive" "$new_petrov" "$petrov"
same "PETROV's new alert is open on the changed entry" "$("$EMBARGO" alerts --customer C-PETROV --json | jq -r '.[0].status + " " + .[0].source_id')" "open 1004"
same "NOVA: the new listing alerts" "$("$EMBARGO" alerts --customer C-NOVA --json | jq -r '.[0].source_id')" 1009
same "KARIMI: still only the decided alert" "$(alert_of C-KARIMI)" "$karimi"
same "SOLLERS: still only the decided alert" "$(alert_of C-SOLLERS)" "$sollers"
same "no customer gained a second open alert" "$("$EMBARGO" alerts --json | jq -r '[.[].customer_ref] | sort | join(",")')" "C-NOVA,C-OCEAN,C-PETROV"
expect "rescreen again" 0 "$EMBARGO" rescreen
has "again: nothing new" "$work/out" 'with matches; 0 alerts opened'
"$EMBARGO" audit export >"$work/trail.jsonl" 2>/dev/null
same "re-screenings are in the trail" "$(jq -r 'select(.channel == "rescreen") | .customer_ref' "$work/trail.jsonl" | wc -l)" 18
same "the last ones name v2" "$(tail -n 1 "$work/trail.jsonl" | jq -r '.lists[0].version_id')" "$("$EMBARGO" lists --json | jq -r '.[0].id')"
expect "rescreen: a bad option" 2 "$EMBARGO" rescreen --frobnicate
# --- goods screenings are recorded too (kind "goods") ---
open_before=$(count_alerts open)
party_before=$("$EMBARGO" audit export 2>/dev/null | wc -l)
expect "goods screen (some lines bad)" 1 "$EMBARGO" goods screen --format jsonl "$EM_FIXTURES_DIR/goods/orders.jsonl"
cp "$work/out" "$work/goods.jsonl"
screened=$(jq -r 'select(.risk != null) | .line_id' "$work/goods.jsonl" | wc -l)
has "the goods run says it recorded them" "$work/err" "^recorded in the audit trail of sqlite:.*: $screened goods screenings$"
"$EMBARGO" audit export >"$work/trail.jsonl" 2>/dev/null
jq -c 'select(.kind == "goods")' "$work/trail.jsonl" >"$work/goods-trail.jsonl"
same "one goods record per screened line (bad lines are not screenings)" "$(wc -l <"$work/goods-trail.jsonl")" "$screened"
same "nothing else was added" "$(wc -l <"$work/trail.jsonl")" "$((party_before + screened))"
same "the party screenings say party" "$(jq -r 'select(.kind != "goods") | .kind' "$work/trail.jsonl" | sort -u)" party
same "goods: who and channel" "$(jq -r '.who + "/" + .channel' "$work/goods-trail.jsonl" | sort -u)" "cli/cli"
same "goods: the order line is the query" \
	"$(jq -r 'select(.query.line_id == "j-harmless") | .query.hs_code + " " + .query.destination_country' "$work/goods-trail.jsonl")" "9503.00 BE"
same "goods: the route is kept" \
	"$(jq -r 'select(.query.line_id == "42") | .query.intermediate_countries | join(",")' "$work/goods-trail.jsonl")" "Turkey,Armenia"
same "goods: the party list version first" "$(jq -r '.lists[0].source + "@" + (.lists[0].version_id|tostring)' "$work/goods-trail.jsonl" | sort -u)" \
	"ofac-sdn@$("$EMBARGO" lists --json | jq -r '.[0].id')"
same "goods: the embedded tables by SHA-256" \
	"$(jq -r '.lists[] | select(.source == "goods-tables") | .version | test("^sha256:[0-9a-f]{64}, built in")' "$work/goods-trail.jsonl" | sort -u)" true
same "goods: the CHPL by date" "$(jq -r '.lists[] | select(.source == "chpl") | .version' "$work/goods-trail.jsonl" | sort -u)" 2024-02-23
same "goods: each recorded risk is the risk given" \
	"$(jq -r 'select(.risk != null) | .line_id + "=" + .risk' "$work/goods.jsonl" | sort | tr '\n' ' ')" \
	"$(jq -r '.results.line_id + "=" + .results.risk' "$work/goods-trail.jsonl" | sort | tr '\n' ' ')"
same "goods: the rules fired are kept" \
	"$(jq -r 'select(.risk != null) | .line_id + ":" + ([.flags[].code] | join(","))' "$work/goods.jsonl" | sort | tr '\n' ' ')" \
	"$(jq -r '.results.line_id + ":" + ([.results.flags[].code] | join(","))' "$work/goods-trail.jsonl" | sort | tr '\n' ' ')"
same "goods: match_count is the number of flags" "$(jq -r '.match_count == (.results.flags | length)' "$work/goods-trail.jsonl" | sort -u)" true
same "goods: at least one line is prohibited" "$(jq -r 'select(.results.risk == "prohibited") | .kind' "$work/goods-trail.jsonl" | head -n 1)" goods
same "goods open no alerts" "$(count_alerts open)" "$open_before"
expect "export CSV with goods" 0 "$EMBARGO" audit export --format csv
same "CSV: kind and risk of the goods rows" \
	"$(python3 -c 'import csv,sys; print(sorted({(r["kind"], r["risk"]) for r in csv.DictReader(open(sys.argv[1])) if r["query_name"] == "j-harmless"}))' "$work/out")" \
	"[('goods', 'none')]"
same "CSV: party rows say party" \
	"$(python3 -c 'import csv,sys; print(sorted({r["kind"] for r in csv.DictReader(open(sys.argv[1])) if r["customer_ref"]}))' "$work/out")" "['party']"
finish
