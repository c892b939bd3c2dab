#!/usr/bin/env bash
# Black-box tests of `embargo goods screen`: the order fixtures (tests/fixtures/goods) in every
# output format, one record per input line in input order, the risk of each kind of line, bad
# lines reported (record and stderr, file:line: field) while the rest are screened, exit
# statuses, party lists from files and from the store, the components file options, tables
# from a folder, threads, and the part-number measurement (tools/eval-parts) on the
# hand-labelled samples. Needs EMBARGO, EM_SHARED_DIR, EM_FIXTURES_DIR and EM_BUILD_DIR.
set -u
. "$(dirname "$0")/lib/harness.sh"
: "${EM_FIXTURES_DIR:?}" "${EM_BUILD_DIR:?}"
F=$EM_FIXTURES_DIR/goods
DATA=$EM_FIXTURES_DIR/../../data/goods
unset EMBARGO_COMPONENTS

# risk DESC FILE LINE_ID WANTED: the JSON lines record of that line has that risk
risk() { same "$1" "$(jq -r --arg id "$3" 'select(.line_id == $id) | .risk' "$2")" "$4"; }
# flagged DESC FILE LINE_ID CODE: the record has a flag with that code
flagged() {
	if jq -e -s --arg id "$3" --arg c "$4" 'any(.[] | select(.line_id == $id) | .flags[]; .code == $c)' "$2" >/dev/null; then
		ok "$1"
	else bad "$1 (no $4 on $3)"; fi
}

# --- usage ---
expect "goods alone is a usage error" 2 "$EMBARGO" goods
expect "goods screen without orders is a usage error" 2 "$EMBARGO" goods screen --no-parties
expect "unknown option is a usage error" 2 "$EMBARGO" goods screen --frobnicate "$F/orders.csv"
expect "unknown format is a usage error" 2 "$EMBARGO" goods screen --no-parties --format xml "$F/orders.csv"
expect "--fail-on none is a usage error" 2 "$EMBARGO" goods screen --no-parties --fail-on none "$F/orders.csv"
expect "--no-parties with --list is a usage error" 2 "$EMBARGO" goods screen --no-parties --list "$F/parties.ftm.json" "$F/orders.csv"
expect "goods screen --help" 0 "$EMBARGO" goods screen --help
has "help names the columns" "$work/out" "destination_country"
expect "no list and an empty store fails" 1 "$EMBARGO" goods screen "$F/orders.csv"
has "... and says how to give lists" "$work/err" "--list FILE"
expect "a missing orders file fails" 1 "$EMBARGO" goods screen --no-parties "$work/none.csv"

# --- the CSV fixture as JSON lines ---
expect "orders.csv with bad lines exits 1" 1 "$EMBARGO" goods screen --list "$F/parties.ftm.json" --format jsonl "$F/orders.csv"
J=$work/orders.jsonl
cp "$work/out" "$J"
cp "$work/err" "$work/orders.err"
same "one record per input line" "$(wc -l <"$J")" 32
same "records in input order" "$(jq -r .line "$J" | tr '\n' ' ')" "$(seq 2 33 | tr '\n' ' ')"
same "every record is JSON with line_id, risk and flags" "$(jq -c 'has("line_id") and has("risk") and (has("flags") or has("error"))' "$J" | sort -u)" "true"
risk "harmless goods to France: none" "$J" harmless none
same "harmless goods: no flag" "$(jq -r 'select(.line_id == "harmless") | .flags | length' "$J")" 0
risk "CHPL tier 1 to Germany: medium" "$J" chpl1 medium
flagged "... HS_CHPL_TIER1" "$J" chpl1 HS_CHPL_TIER1
flagged "CHPL tier 2" "$J" chpl2 HS_CHPL_TIER2
risk "CHPL tier 3 to Spain: low" "$J" chpl3 low
flagged "... HS_CHPL_TIER3" "$J" chpl3 HS_CHPL_TIER3
flagged "CHPL tier 4" "$J" chpl4 HS_CHPL_TIER4
flagged "aircraft engine: Iran UAV category" "$J" iran_uav HS_IRAN_UAV
flagged "STM32F405RGT6TR in part_number: found in weapons" "$J" part_pn PART_IN_WEAPON
same "... with the weapons and the GUR address" \
	"$(jq -r 'select(.line_id == "part_pn") | .flags[0] | [(.weapons | length > 2), (.components[0].source_url | startswith("https://war-sanctions.gur.gov.ua/"))] | all' "$J")" true
same "TMS320 F28335PGFA in the description, no HS code" \
	"$(jq -r 'select(.line_id == "part_desc") | .flags[] | select(.code == "PART_IN_WEAPON") | .field + " " + .value + " " + .match' "$J")" \
	"description TMS320F28335PGFA exact"
risk "chips to Russia (written in Cyrillic): prohibited" "$J" embargoed prohibited
flagged "... DEST_EMBARGOED" "$J" embargoed DEST_EMBARGOED
risk "toys to Crimea: high" "$J" occupied high
flagged "... DEST_OCCUPIED" "$J" occupied DEST_OCCUPIED
risk "processors to Kazakhstan: high" "$J" transship high
same "... the alert named" "$(jq -r 'select(.line_id == "transship") | .flags[] | select(.code == "DEST_TRANSSHIPMENT") | .source.date' "$J")" 2022-06-28
flagged "capacitors routed through the UAE" "$J" route ROUTE_TRANSSHIPMENT
flagged "servers routed through Russia" "$J" route_emb ROUTE_EMBARGOED
flagged "payment from Switzerland for France" "$J" payer PAYER_COUNTRY
risk "capacitors to Turkey paid from Russia: high" "$J" payer_emb high
flagged "... PAYER_EMBARGOED" "$J" payer_emb PAYER_EMBARGOED
flagged "a freight forwarder as consignee" "$J" forwarder FORWARDER_CONSIGNEE
flagged "a logistics firm as end user" "$J" fwd_user FORWARDER_END_USER
flagged "no end user" "$J" no_user NO_END_USER
flagged "end user TBD" "$J" vague_user NO_END_USER
flagged "no end use" "$J" no_use NO_END_USE
flagged "end use 'for resale'" "$J" vague_use NO_END_USE
risk "listed consignee in the UAE: high" "$J" party high
same "... the listed entity" "$(jq -r 'select(.line_id == "party") | .flags[] | select(.code == "PARTY_LISTED") | .party.source_id' "$J")" gt-org-1
risk "listed end user in Russia: prohibited" "$J" party_emb prohibited
same "every flag has a code, reason and source" \
	"$(jq -c '[.flags[]? | (.code != null and .reason != null and .source.name != null)] | all' "$J" | sort -u)" true
same "versions in every screened record" "$(jq -c 'select(.error == null) | [.versions[].name] | (index("chpl") != null and index("gur-components") != null and index("opensanctions") != null)' "$J" | sort -u)" true
# bad lines: their own record, and stderr, with file:line: field
same "bad HS code reported" "$(jq -r 'select(.line_id == "bad_hs") | .error' "$J")" \
	"$F/orders.csv:25: field 'hs_code': '85423' is not an HS code (6, 8 or 10 digits; dots and spaces allowed)"
same "bad lines have no risk" "$(jq -c 'select(.error != null) | .risk' "$J" | sort -u)" null
same "seven bad lines" "$(jq -c 'select(.error != null)' "$J" | wc -l)" 7
has "unknown country on stderr" "$work/orders.err" "orders.csv:26: field 'destination_country': 'Narnia'"
has "bad quantity on stderr" "$work/orders.err" "orders.csv:27: field 'quantity'"
has "short line on stderr" "$work/orders.err" "orders.csv:28: expected 14 fields"
has "open quote on stderr" "$work/orders.err" "orders.csv:29: .*never closed"
has "missing line_id on stderr" "$work/orders.err" "orders.csv:31: field 'line_id': missing"
has "bad UTF-8 on stderr" "$work/orders.err" "orders.csv:32: field 'description': not valid UTF-8"
risk "the line after the open quote is screened" "$J" after_quote none
risk "the last line is screened" "$J" last none
has "summary counts" "$work/orders.err" "screened 25 lines .* prohibited 2, high [0-9]+, .*; 7 bad lines"

# --- other formats ---
expect "json format" 1 "$EMBARGO" goods screen --list "$F/parties.ftm.json" --format json "$F/orders.csv"
same "json is one array of 32" "$(jq 'length' "$work/out")" 32
same "json and jsonl agree" "$(jq -c '.[]' "$work/out" | md5sum)" "$(jq -c . "$J" | md5sum)"
expect "csv format" 1 "$EMBARGO" goods screen --list "$F/parties.ftm.json" --format csv "$F/orders.csv"
has "csv header" "$work/out" "^line,line_id,risk,risk_rule,hs6,destination,flags,weapons,parties,reasons,error$"
same "csv: one row per line" "$(python3 -c 'import csv,sys; print(sum(1 for _ in csv.reader(open(sys.argv[1]))) - 1)' "$work/out")" 32
has "csv: the prohibited line" "$work/out" "^10,embargoed,prohibited,"
expect "text format" 1 "$EMBARGO" goods screen --list "$F/parties.ftm.json" "$F/orders.csv"
has "text: versions first" "$work/out" "^# versions: goods-tables .*chpl 2024-02-23"
has "text: risk in capitals with its rule" "$work/out" "^embargoed  line 10: PROHIBITED  \(R2"
has "text: the error of a bad line" "$work/out" "^bad_hs  line 25: ERROR .*field 'hs_code'"

# --- JSON lines input, stdin ---
expect "JSON lines from stdin" 1 "$EMBARGO" goods screen --list "$F/parties.ftm.json" --format jsonl - <"$F/orders.jsonl"
same "jsonl input: one record per line" "$(wc -l <"$work/out")" 9
same "a numeric line_id is text" "$(jq -r 'select(.line == 2) | .line_id' "$work/out")" 42
same "NEO-M8N-0 to Iran with a listed consignee: prohibited" "$(jq -r 'select(.line == 2) | .risk' "$work/out")" prohibited
same "... its flags" "$(jq -r 'select(.line == 2) | [.flags[].code] | unique | join(" ")' "$work/out")" \
	"DEST_EMBARGOED HS_CHPL_TIER1 HS_IRAN_UAV PARTY_LISTED PART_IN_WEAPON ROUTE_TRANSSHIPMENT"
has "stdin is named in errors" "$work/err" "^embargo goods screen: stdin:7: expected a JSON object"

# --- exit statuses on a file without bad lines ---
expect "semicolon CSV, header aliases" 0 "$EMBARGO" goods screen --no-parties --format jsonl "$F/orders-semicolon.csv"
same "semicolon CSV: STM32F405 to Serbia is high" "$(jq -r 'select(.line_id == "s1") | .risk' "$work/out")" high
expect "--fail-on high reached" 3 "$EMBARGO" goods screen --no-parties --fail-on high "$F/orders-semicolon.csv"
expect "--fail-on prohibited not reached" 0 "$EMBARGO" goods screen --no-parties --fail-on prohibited "$F/orders-semicolon.csv"

# --- the components file ---
expect "--no-components" 0 "$EMBARGO" goods screen --no-parties --no-components --format jsonl "$F/orders-semicolon.csv"
same "... no part flag" "$(jq -r 'select(.line_id == "s1") | [.flags[].code] | index("PART_IN_WEAPON")' "$work/out")" null
same "... and says so in the versions" "$(jq -r 'select(.line_id == "s1") | .versions[] | select(.name == "gur-components") | .version' "$work/out")" "not used"
expect "EMBARGO_COMPONENTS names a missing file" 1 env EMBARGO_COMPONENTS="$work/none.csv" "$EMBARGO" goods screen --no-parties "$F/orders-semicolon.csv"
has "... and the error says where it came from" "$work/err" "components .*none.csv"
expect "--components FILE" 0 "$EMBARGO" goods screen --no-parties --components "$EM_SHARED_DIR/goods/weapon-components-gur.csv" --format jsonl "$F/orders-semicolon.csv"
flagged "... finds the part" "$work/out" s1 PART_IN_WEAPON

# --- tables from a folder give the same results as the built-in ones ---
expect "--data DIR" 1 "$EMBARGO" goods screen --list "$F/parties.ftm.json" --data "$DATA" --format jsonl "$F/orders.csv"
same "same records with the tables from data/goods" "$(jq -c 'del(.versions)' "$work/out" | md5sum)" "$(jq -c 'del(.versions)' "$J" | md5sum)"
expect "--data with a missing folder fails" 1 "$EMBARGO" goods screen --no-parties --data "$work/nothing" "$F/orders.csv"

# --- threads ---
expect "one thread" 1 "$EMBARGO" goods screen --list "$F/parties.ftm.json" -j 1 --format jsonl "$F/orders.csv"
same "one thread gives the same records as many" "$(md5sum <"$work/out")" "$(md5sum <"$J")"

# --- parties from the store, and a real list ---
expect "import the party list into the store" 0 "$EMBARGO" lists import "$F/parties.ftm.json"
expect "parties from the store's active lists" 1 "$EMBARGO" goods screen --format jsonl "$F/orders.csv"
same "... the same records" "$(jq -c 'del(.versions)' "$work/out" | md5sum)" "$(jq -c 'del(.versions)' "$J" | md5sum)"
printf 'line_id,destination_country,consignee,end_user,end_use,hs_code\nr1,RU,ACTIVEBUSINESSCOLLECTION LLC,ACTIVEBUSINESSCOLLECTION LLC,office supplies,9503.00\n' >"$work/real.csv"
expect "a consignee on the US Consolidated Screening List" 0 "$EMBARGO" goods screen --list "$EM_SHARED_DIR/data/us-csl/csl-sample.csv" --format jsonl "$work/real.csv"
same "... is listed, and Russia makes it prohibited" "$(jq -r '[.risk, (.flags[] | select(.code == "PARTY_LISTED") | .party.name)] | join(" ")' "$work/out")" \
	"prohibited ACTIVEBUSINESSCOLLECTION LIMITED LIABILITY COMPANY"

# --- part-number matching measured on the hand-labelled samples ---
EVAL=$EM_BUILD_DIR/tools/eval-parts
expect "eval-parts on the labelled sample" 0 "$EVAL" --json --labels "$F/labelled-parts.tsv"
cp "$work/out" "$work/eval.json"
same "the components file: 8326 rows" "$(jq .component_rows "$work/eval.json")" 8326
same "most named components yield a part number" "$(jq '.components_with_part > 0.8 * .components_named' "$work/eval.json")" true
same "precision at least 0.95" "$(jq '.precision >= 0.95' "$work/eval.json")" true
same "recall at least 0.9" "$(jq '.recall >= 0.9' "$work/eval.json")" true
same "exact and suffix matches all right" "$(jq '.by_kind.exact.returned == .by_kind.exact.correct and .by_kind.suffix.returned == .by_kind.suffix.correct' "$work/eval.json")" true
same "every negative query matches nothing" "$(jq '.negatives == .negatives_clean and .negatives > 10' "$work/eval.json")" true
expect "eval-parts on the held-out sample" 0 "$EVAL" --json --labels "$F/labelled-parts-heldout.tsv"
same "held-out precision at least 0.95 and recall at least 0.9" "$(jq '.precision >= 0.95 and .recall >= 0.9' "$work/out")" true

finish
