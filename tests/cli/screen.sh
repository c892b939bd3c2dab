#!/usr/bin/env bash
# Black-box tests of `embargo screen` against the real lists in $EM_SHARED_DIR (the OFAC SDN
# snapshot of 2024-05-03 and the UN list): one name and batches (plain lines, and CSV with a
# header whose extra columns are carried through), every output format checked with jq (CSV with
# python3's csv module), input order kept whatever the thread count, bad lines reported with
# their line number while the rest are screened, --threshold and --limit, usage errors, and
# screening the active lists of a store in a temporary EMBARGO_HOME.
set -u
. "$(dirname "$0")/lib/harness.sh"
SDN=$EM_SHARED_DIR/data/ofac/sdn-history/sdn-2024-05-03.csv
UN=$EM_SHARED_DIR/data/un/consolidated.xml
# truthy DESC FILE JQ: the jq program prints true for the (JSON lines or JSON) file
truthy() {
	local got
	got=$(jq -s "$3" "$2" 2>&1)
	if [ "$got" = true ]; then ok "$1"; else bad "$1 (jq says: $(echo "$got" | head -c 200))"; fi
}
screen() { "$EMBARGO" screen "$@"; }

# The default threshold as the command states it, so the test follows the matcher's tuning.
default_threshold=$(screen --help | sed -nE 's/.*--threshold X.*\(default ([0-9.]+)\).*/\1/p')
[ -n "$default_threshold" ] && ok "help states the default threshold ($default_threshold)" ||
	bad "help states the default threshold"

# Every record of a JSON lines file: the documented keys, matches best first and each at or
# above the threshold, each with an explanation of its tokens and adjustments.
RECORD_SHAPE='all(.[]; (.query | type) == "string" and (.matches | type) == "array"
	and all(.matches[]; (.source | type) == "string" and (.source_id | type) == "string"
		and (.name | type) == "string" and (.matched_name | type) == "string"
		and (.score | type) == "number" and .score <= 1
		and (.explanation.tokens | type) == "array" and (.explanation.adjustments | type) == "array")
	and ([.matches[].score] == ([.matches[].score] | sort | reverse)))'
above() { echo "all(.[]; all(.matches[]; .score >= $1))"; }

# --- one name, against a list file ---
expect "a listed company, as text" 0 screen --list "$SDN" "Aerocaribbean Airlines"
same "text: the query comes first" "$(head -n 1 "$work/out")" "Aerocaribbean Airlines"
has "text: score, source, id, listed name and type" "$work/out" '^  (0\.[0-9]{3}|1\.000)  ofac-sdn 36  AEROCARIBBEAN AIRLINES \(organization\)$'
has "text: programs" "$work/out" '^ +programs: CUBA$'
has "text: the token alignment" "$work/out" '^ +tokens: \[aerocaribbean=aerocaribbean exact 1\.00\]'
expect "a listed person, reordered, with a dropped title" 0 screen --list "$SDN" "Ayman al-Zawahiri"
has "AL ZAWAHIRI, Dr. Ayman is found" "$work/out" '^  [01]\.[0-9]{3}  ofac-sdn 2676  AL ZAWAHIRI, Dr\. Ayman \(person\)$'
expect "an ordinary name" 0 screen --list "$SDN" "Peter Meier"
same "text: no match" "$(cat "$work/out")" "$(printf 'Peter Meier\n  no match')"
expect "--fail-on-alert with a match exits 3" 3 screen --list "$SDN" --fail-on-alert "Mahan Air"
expect "--fail-on-alert without a match exits 0" 0 screen --list "$SDN" --fail-on-alert "Peter Meier"
expect "a vessel by IMO number only" 0 screen --list "$SDN" "Unknown Vessel" --type vessel --id 7406784 --format jsonl
same "the IMO finds EBANO" "$(jq -r '.matches[0].source_id' "$work/out")" 4243
expect "several lists at once" 0 screen --list "$SDN" --list "$UN" "Eric Badege" --format jsonl
same "a UN individual from the UN list (and his SDN entry)" "$(jq -r '[.matches[] | .source + " " + .source_id] | sort | join(",")' "$work/out")" "ofac-sdn 15718,un CDi.001"

for fmt in json jsonl; do
	expect "one name as $fmt" 0 screen --list "$SDN" "Mahan Air" --format "$fmt"
	cp "$work/out" "$work/one.$fmt"
done
same "json is an array of one record" "$(jq -c 'length' "$work/one.json")" 1
same "jsonl is one line" "$(wc -l <"$work/one.jsonl")" 1
same "json and jsonl hold the same record" "$(jq -c '.[0]' "$work/one.json")" "$(jq -c . "$work/one.jsonl")"
truthy "jsonl: the record shape" "$work/one.jsonl" "$RECORD_SHAPE"
same "jsonl: query and best match" "$(jq -r '[.query, .matches[0].source, .matches[0].source_id, .matches[0].name, .matches[0].matched_name] | join("|")' "$work/one.jsonl")" \
	"Mahan Air|ofac-sdn|12927|MAHAN AIR|MAHAN AIR"
expect "one name as csv" 0 screen --list "$SDN" "Mahan Air" --format csv
same "csv: header and one row" "$(wc -l <"$work/out")" 2
has "csv: the row" "$work/out" '^1,Mahan Air,yes,[0-9]+,ofac-sdn,12927,MAHAN AIR,MAHAN AIR,[01]\.[0-9]{4},'

# --- a batch of plain lines: listed and ordinary names ---
cat >"$work/names.txt" <<'EOF'
Ayman al-Zawahiri
John Smith
Sberbank of Russia
Mahan Air
Aerocaribbean Airlines
Laura Bianchi
Banco Nacional de Cuba
Peter Meier
Kim Chol
Abdul Rahman
Islamic Revolutionary Guard Corps
Hans Gruber
EOF
n=$(wc -l <"$work/names.txt")
expect "plain batch, -j 1" 0 screen --list "$SDN" --batch "$work/names.txt" --format jsonl -j 1
cp "$work/out" "$work/plain1.jsonl"
has "summary on stderr" "$work/err" "^screened $n queries in .*, 0 bad lines$"
if grep -q $'\r' "$work/err"; then bad "no progress bar when stderr is not a terminal"; else ok "no progress bar when stderr is not a terminal"; fi
same "one record per line" "$(wc -l <"$work/plain1.jsonl")" "$n"
same "records in input order" "$(jq -r .query "$work/plain1.jsonl")" "$(cat "$work/names.txt")"
same "line numbers" "$(jq -r .line "$work/plain1.jsonl" | tr '\n' ' ')" "$(seq 1 "$n" | tr '\n' ' ')"
truthy "batch: the record shape" "$work/plain1.jsonl" "$RECORD_SHAPE"
truthy "batch: every match at or above the default threshold" "$work/plain1.jsonl" "$(above "$default_threshold")"
same "listed names found (best match)" \
	"$(jq -r 'select(.matches | length > 0) | .query + "=" + .matches[0].source_id' "$work/plain1.jsonl" | grep -E '^(Ayman|Sberbank|Mahan|Aerocaribbean|Banco)' | tr '\n' ' ')" \
	"Ayman al-Zawahiri=2676 Sberbank of Russia=17018 Mahan Air=12927 Aerocaribbean Airlines=36 Banco Nacional de Cuba=306 "
same "ordinary names not found" \
	"$(jq -r 'select(.query | test("^(John Smith|Laura Bianchi|Peter Meier|Hans Gruber)$")) | .matches | length' "$work/plain1.jsonl" | tr '\n' ' ')" "0 0 0 0 "
for fmt in jsonl text csv json; do
	screen --list "$SDN" --batch "$work/names.txt" --format "$fmt" -j 1 >"$work/j1.$fmt" 2>/dev/null
	screen --list "$SDN" --batch "$work/names.txt" --format "$fmt" -j 4 >"$work/j4.$fmt" 2>/dev/null
	if [ -s "$work/j1.$fmt" ] && cmp -s "$work/j1.$fmt" "$work/j4.$fmt"; then ok "$fmt: -j 1 and -j 4 identical"; else bad "$fmt: -j 1 and -j 4 identical"; fi
done
same "json: an array of the jsonl records" "$(jq -c '.[]' "$work/j1.json")" "$(jq -c . "$work/plain1.jsonl")"
same "text: each query starts a record, in order" "$(grep -v '^ ' "$work/j1.text")" "$(cat "$work/names.txt")"
expect "batch from stdin" 0 screen --list "$SDN" --batch - --format jsonl -j 2 <"$work/names.txt"
same "stdin gives the same records" "$(cat "$work/out")" "$(cat "$work/plain1.jsonl")"

# CSV output: parsed with a real CSV reader, one row per input, the alert column agreeing with jsonl
csv_rows() { python3 -c 'import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
for r in rows: print(len(r), "|".join(r[:4]), "|".join(r[-2:]), sep="\t")' "$1"; }
csv_rows "$work/j1.csv" >"$work/csv.txt"
same "csv: header" "$(head -n 1 "$work/j1.csv")" "line,query,alert,matches,source,source_id,name,matched_name,score,all_matches,error"
same "csv: a row per input, each with 11 fields" "$(cut -f1 "$work/csv.txt" | sort | uniq -c | awk '{print $1 "x" $2}')" "$((n + 1))x11"
same "csv: alert agrees with jsonl" "$(tail -n +2 "$work/csv.txt" | cut -f2 | cut -d'|' -f3 | tr '\n' ' ')" \
	"$(jq -r 'if (.matches | length) > 0 then "yes" else "no" end' "$work/plain1.jsonl" | tr '\n' ' ')"

# --- --threshold and --limit ---
expect "a low threshold gives many candidates" 0 screen --list "$SDN" "Kim Chol" --threshold 0.5 --limit 50 --format jsonl
cp "$work/out" "$work/wide.jsonl"
nwide=$(jq '.matches | length' "$work/wide.jsonl")
[ "$nwide" -ge 3 ] && ok "at least three matches at 0.5 ($nwide)" || bad "at least three matches at 0.5 ($nwide)"
truthy "all at or above 0.5" "$work/wide.jsonl" "$(above 0.5)"
expect "--limit 2" 0 screen --list "$SDN" "Kim Chol" --threshold 0.5 --limit 2 --format jsonl
same "--limit 2 keeps the two best" "$(jq -c '[.matches[].source_id]' "$work/out")" "$(jq -c '[.matches[:2][].source_id]' "$work/wide.jsonl")"
# a threshold half way between the second and third scores keeps exactly the first two
mid=$(jq -r '(.matches[1].score + .matches[2].score) / 2' "$work/wide.jsonl")
if jq -e '.matches[1].score - .matches[2].score > 0.001' "$work/wide.jsonl" >/dev/null; then
	expect "--threshold between two scores" 0 screen --list "$SDN" "Kim Chol" --threshold "$mid" --format jsonl
	same "--threshold $mid keeps the matches above it" "$(jq -c '[.matches[].source_id]' "$work/out")" \
		"$(jq -c --argjson t "$mid" '[.matches[] | select(.score >= $t) | .source_id]' "$work/wide.jsonl")"
else
	ok "--threshold between two scores (second and third scores tie; skipped)"
fi
expect "--threshold 1 keeps only perfect matches" 0 screen --list "$SDN" --batch "$work/names.txt" --threshold 1 --format jsonl
truthy "every score is 1" "$work/out" "$(above 1)"
expect "default limit is 10" 0 screen --list "$SDN" "Kim Chol" --threshold 0.3 --limit 1000 --format jsonl
if [ "$(jq '.matches | length' "$work/out")" -gt 10 ]; then
	screen --list "$SDN" "Kim Chol" --threshold 0.3 --format jsonl >"$work/out" 2>/dev/null
	same "default limit keeps 10" "$(jq '.matches | length' "$work/out")" 10
else
	bad "more than 10 matches at 0.3 to test the default limit"
fi

# --- a CSV batch with a header: the known columns are used, the others carried through ---
cat >"$work/customers.csv" <<'EOF'
name,type,dob,country,id,customer_ref
Ayman al-Zawahiri,person,1951,Egypt,,C-001
"Sberbank of Russia",organization,,Russia,,C-002
John Smith,person,1970-01-01,United States,,C-003
Some Ship,vessel,,,7406784,"C-004, urgent"
Laura Bianchi,,,,,C-005
EOF
expect "CSV batch" 0 screen --list "$SDN" --batch "$work/customers.csv" --format jsonl -j 2
cp "$work/out" "$work/customers.jsonl"
same "one record per data line" "$(wc -l <"$work/customers.jsonl")" 5
same "lines counted from the header" "$(jq -r .line "$work/customers.jsonl" | tr '\n' ' ')" "2 3 4 5 6 "
same "queries are the name column" "$(jq -r .query "$work/customers.jsonl" | tr '\n' '|')" \
	"Ayman al-Zawahiri|Sberbank of Russia|John Smith|Some Ship|Laura Bianchi|"
same "extra column carried through" "$(jq -r .input.customer_ref "$work/customers.jsonl" | tr '\n' '|')" \
	"C-001|C-002|C-003|C-004, urgent|C-005|"
same "known columns are not carried" "$(jq -c '[.input | keys[]] | unique' "$work/customers.jsonl" | sort -u)" '["customer_ref"]'
same "best matches (the id column finds the vessel)" "$(jq -r '.matches[0].source_id // "-"' "$work/customers.jsonl" | tr '\n' ' ')" \
	"2676 17018 - 4243 - "
truthy "CSV batch: the record shape" "$work/customers.jsonl" "$RECORD_SHAPE"
expect "CSV batch as csv" 0 screen --list "$SDN" --batch "$work/customers.csv" --format csv
cp "$work/out" "$work/customers.out.csv"
same "csv: the carried column ends the header" "$(head -n 1 "$work/customers.out.csv" | awk -F, '{print $NF}')" customer_ref
same "csv: carried values" "$(csv_rows "$work/customers.out.csv" | tail -n +2 | cut -f3 | cut -d'|' -f2 | tr '\n' '|')" \
	"C-001|C-002|C-003|C-004, urgent|C-005|"
printf '\xef\xbb\xbfname,customer_ref\nMahan Air,C-1\n' >"$work/bom.csv"
expect "a CSV header after a byte order mark (as spreadsheets write it)" 0 screen --list "$SDN" --batch "$work/bom.csv" --format jsonl
same "is still a header" "$(jq -c '[.line, .query, .input.customer_ref, .matches[0].source_id]' "$work/out")" '[2,"Mahan Air","C-1","12927"]'
printf ' name , customer_ref\nMahan Air,C-1\n' >"$work/spaced.csv"
expect "a CSV header with spaces around the column names" 0 screen --list "$SDN" --batch "$work/spaced.csv" --format csv
same "columns found, the carried one named without spaces" "$(head -n 1 "$work/out" | awk -F, '{print $NF}')" customer_ref

# --- bad lines: reported on stderr with their line number, each still gets a record ---
printf 'Mahan Air\n\xff\xfe broken\nJohn Smith\nAerocaribbean Airlines\n' >"$work/bad.txt"
expect "a plain batch with invalid UTF-8 is still screened" 0 screen --list "$SDN" --batch "$work/bad.txt" --format jsonl -j 2
cp "$work/out" "$work/bad.jsonl"
has "stderr names the file and line" "$work/err" "bad\.txt:2: not valid UTF-8"
has "summary counts the bad line" "$work/err" '^screened 3 queries .*, 1 bad lines$'
same "four records" "$(wc -l <"$work/bad.jsonl")" 4
same "the bad line's record has the error and no match" "$(jq -c 'select(.line == 2) | [.error, (.matches | length), (.query | type)]' "$work/bad.jsonl")" \
	'["not valid UTF-8",0,"string"]'
same "the rest are screened" "$(jq -r 'select(.line != 2) | .matches[0].source_id // "-"' "$work/bad.jsonl" | tr '\n' ' ')" "12927 - 36 "
for fmt in csv text json; do
	screen --list "$SDN" --batch "$work/bad.txt" --format "$fmt" >"$work/bad.$fmt" 2>/dev/null
	if iconv -f UTF-8 -t UTF-8 "$work/bad.$fmt" >/dev/null 2>&1; then ok "$fmt output is valid UTF-8 even for the bad line"; else bad "$fmt output is valid UTF-8 even for the bad line"; fi
done
jq -e 'length == 4' "$work/bad.json" >/dev/null && ok "json output parses, four records" || bad "json output parses, four records"
has "text: the error under the bad line" "$work/bad.text" '^  error: not valid UTF-8$'
cat >"$work/badcsv.csv" <<'EOF'
name,type,dob,country,id,customer_ref
only,two
Mahan Air,organization,,,,C-2
"unterminated,x,,,,C-3
Banco Nacional de Cuba,organization,,Cuba,,C-4
EOF
printf 'Hans \xc3\x28 Gruber,person,,,,C-5\n' >>"$work/badcsv.csv"
expect "a CSV batch with bad lines is still screened" 0 screen --list "$SDN" --batch "$work/badcsv.csv" --format jsonl
cp "$work/out" "$work/badcsv.jsonl"
has "wrong field count: file, line, counts" "$work/err" 'badcsv\.csv:2: expected 6 fields as in the header, found 2'
has "unterminated quote: file and line" "$work/err" 'badcsv\.csv:4: malformed CSV'
has "invalid UTF-8: file and line" "$work/err" 'badcsv\.csv:6: not valid UTF-8'
same "a record for every line" "$(jq -r '.line' "$work/badcsv.jsonl" | tr '\n' ' ')" "2 3 4 5 6 "
same "errors on the bad lines only" "$(jq -r 'if .error then "E" else "-" end' "$work/badcsv.jsonl" | tr '\n' ' ')" "E - E - E "
same "good lines screened" "$(jq -r 'select(.error | not) | .matches[0].source_id' "$work/badcsv.jsonl" | tr '\n' ' ')" "12927 306 "
expect "the same as csv" 0 screen --list "$SDN" --batch "$work/badcsv.csv" --format csv
same "csv: every row has the header's 12 fields, bad lines too" "$(csv_rows "$work/out" | cut -f1 | sort -u)" 12
expect "an unknown type is a bad line" 0 screen --list "$SDN" --batch - --format jsonl <<'EOF'
name,type
Mahan Air,spaceship
EOF
has "unknown type reported" "$work/err" ':2: field .type.'

# --- usage errors exit 2, failures 1 ---
expect "no arguments" 2 "$EMBARGO" screen
expect "a name and --batch" 2 screen --list "$SDN" --batch "$work/names.txt" "Mahan Air"
expect "two names" 2 screen --list "$SDN" Mahan Air
expect "unknown format" 2 screen --list "$SDN" --format xml "Mahan Air"
expect "threshold 0" 2 screen --list "$SDN" --threshold 0 "Mahan Air"
expect "threshold above 1" 2 screen --list "$SDN" --threshold 1.5 "Mahan Air"
expect "threshold not a number" 2 screen --list "$SDN" --threshold high "Mahan Air"
expect "limit 0" 2 screen --list "$SDN" --limit 0 "Mahan Air"
expect "limit not a number" 2 screen --list "$SDN" --limit 5x "Mahan Air"
expect "-j 0" 2 screen --list "$SDN" -j 0 --batch "$work/names.txt"
expect "-j 65" 2 screen --list "$SDN" -j 65 --batch "$work/names.txt"
expect "unknown option" 2 screen --list "$SDN" --frobnicate 1 "Mahan Air"
expect "option without its value" 2 screen "Mahan Air" --list
expect "a name that is not UTF-8" 2 screen --list "$SDN" $'\xff\xfe'
expect "an empty name" 2 screen --list "$SDN" ""
expect "an unknown --type" 2 screen --list "$SDN" "Mahan Air" --type spaceship
expect "a list file that does not exist" 1 screen --list "$work/nothing.csv" "Mahan Air"
expect "a batch file that does not exist" 1 screen --list "$SDN" --batch "$work/nothing.txt"
expect "help" 0 screen --help
has "help shows both forms" "$work/out" '^  embargo screen --batch FILE'

# --- against the store: the active lists, no --list ---
expect "an empty store has nothing to screen against" 1 screen "Mahan Air"
has "and says how to fix it" "$work/err" 'lists import'
expect "import the SDN and UN lists" 0 "$EMBARGO" lists import "$SDN" "$UN"
expect "a listed name against the store" 0 screen "Aerocaribbean Airlines"
has "found in the store's SDN version" "$work/out" '^  [01]\.[0-9]{3}  ofac-sdn 36  AEROCARIBBEAN AIRLINES \(organization\)$'
expect "a UN name against the store" 0 screen "Eric Badege" --format jsonl
same "found in the store's UN version" "$(jq -r '[.matches[] | .source + " " + .source_id] | sort | join(",")' "$work/out")" "ofac-sdn 15718,un CDi.001"
expect "the batch against the store" 0 screen --batch "$work/names.txt" --format jsonl -j 2
cp "$work/out" "$work/store.jsonl"
screen --list "$SDN" --list "$UN" --batch "$work/names.txt" --format jsonl -j 2 >"$work/files.jsonl" 2>/dev/null
# (equal scores may come in either order: the store lists its versions newest first)
matchset='[.query, ([.matches[] | .source + ":" + .source_id + ":" + (.score | tostring)] | sort)]'
same "the store gives the same matches as the files it was imported from" \
	"$(jq -c "$matchset" "$work/store.jsonl")" "$(jq -c "$matchset" "$work/files.jsonl")"
expect "--store names another store" 1 screen --store "sqlite:$work/empty.db" "Mahan Air"

finish
