#!/usr/bin/env bash
# Black-box tests of `embargo lists` (import, versions, diff, activate, show) against the real
# OFAC SDN snapshots in $EM_SHARED_DIR, with a store in a temporary EMBARGO_HOME. Expected
# counts come from the published files themselves: consecutive snapshots 2024-04-26 and
# 2024-05-03 differ by 305 entries added and 8 removed; 2023-06-08 and 2023-06-15 by 2 added.
set -u
. "$(dirname "$0")/lib/harness.sh"
H=$EM_SHARED_DIR/data/ofac/sdn-history
A=$H/sdn-2024-04-26.csv
B=$H/sdn-2024-05-03.csv
active_json() { "$EMBARGO" lists --json; }

# --- an empty store, options and usage errors ---
expect "empty store lists nothing" 0 "$EMBARGO" lists --json
same "empty store is []" "$(jq -c . "$work/out")" "[]"
[ -f "$EMBARGO_HOME/embargo.db" ] && ok "store created in EMBARGO_HOME" || bad "store created in EMBARGO_HOME"
expect "--store after lists" 0 "$EMBARGO" lists --store "sqlite:$work/other.db" versions --json
[ -f "$work/other.db" ] && ok "--store names the file" || bad "--store names the file"
expect "EMBARGO_STORE is honoured" 0 env EMBARGO_STORE="sqlite:$work/third.db" "$EMBARGO" lists
[ -f "$work/third.db" ] && ok "EMBARGO_STORE names the file" || bad "EMBARGO_STORE names the file"
expect "bad store URL fails" 1 "$EMBARGO" lists --store "mysql://x" --json
expect "import without files is a usage error" 2 "$EMBARGO" lists import
expect "unknown import option is a usage error" 2 "$EMBARGO" lists import --frobnicate "$A"
expect "diff with one side is a usage error" 2 "$EMBARGO" lists diff "$A"
expect "diff with a bad format is a usage error" 2 "$EMBARGO" lists diff --format xml "$A" "$B"
expect "unknown subcommand is a usage error" 2 "$EMBARGO" lists frobnicate

# --- diffs of files ---
expect "diff 2024-04-26 2024-05-03" 0 "$EMBARGO" lists diff "$A" "$B"
cp "$work/out" "$work/diff-files.txt"
has "summary line: 305 added, 8 removed" "$work/out" '^305 added, 8 removed, [0-9]+ changed$'
same "305 '+' lines" "$(grep -c '^+ ' "$work/out")" 305
same "8 '-' lines" "$(grep -c '^- ' "$work/out")" 8
nchanged=$(head -n 1 "$work/out" | sed -E 's/.* ([0-9]+) changed$/\1/')
same "every changed entity has field lines" \
	"$(grep '^~ ' "$work/out" | cut -d' ' -f2 | sort -u | wc -l)" "$nchanged"
# changed = ids in both files whose record differs (records are single lines in these files)
ids() { cut -d, -f1 "$1" | grep -E '^[0-9]+$' | sort; }
common=$(comm -12 <(ids "$A") <(ids "$B") | wc -l)
identical=$(comm -12 <(sort "$A") <(sort "$B") | grep -c '^[0-9]')
same "changed count agrees with the raw records" "$nchanged" "$((common - identical))"
expect "diff --format json" 0 "$EMBARGO" lists diff --format json "$A" "$B"
cp "$work/out" "$work/diff-files.json"
same "json summary" "$(jq -c .summary "$work/out")" "{\"added\":305,\"removed\":8,\"changed\":$nchanged}"
same "json added ids match the text" "$(jq -r '.added[].id' "$work/out" | sort)" \
	"$(grep '^+ ' "$work/diff-files.txt" | cut -d' ' -f2 | sort)"
same "json old/new are JSON values" "$(jq -r '[.changed[].fields[] | (.old|type), (.new|type)] | map(select(. == "string" or . == "array" or . == "object" or . == "null")) | length' "$work/out")" \
	"$(jq -r '[.changed[].fields[]] | length * 2' "$work/out")"
# field-level changes: two records of a copy get new remarks, one of them too long to print
long=$(printf 'Long remark %.0s' $(seq 1 20))
sed -E "1s/,-0- \r\$/,\"Changed for the test.\"\r/; 2s/,-0- \r\$/,\"${long}end.\"\r/" "$B" >"$work/sdn-mod.csv"
expect "diff against a copy with two new remarks" 0 "$EMBARGO" lists diff "$B" "$work/sdn-mod.csv"
has "0 added, 0 removed, 2 changed" "$work/out" '^0 added, 0 removed, 2 changed$'
has "changed line: id, name, field, old -> new" "$work/out" '^~ 36 AEROCARIBBEAN AIRLINES: remarks: \(none\) -> "Changed for the test\."$'
has "long values are shortened" "$work/out" '^~ 173 [^:]+: remarks: \(none\) -> "Long remark .{40,80}\.\.\.$'
expect "the same as JSON" 0 "$EMBARGO" lists diff --format json "$B" "$work/sdn-mod.csv"
same "JSON keeps the whole new value" "$(jq -r '.changed[1].fields[0].new' "$work/out")" "${long}end."
same "JSON old value is null" "$(jq -c '.changed[0].fields[0].old' "$work/out")" null
expect "diff 2023-06-08 2023-06-15" 0 "$EMBARGO" lists diff --format json "$H/sdn-2023-06-08.csv" "$H/sdn-2023-06-15.csv"
same "2 added in June 2023" "$(jq -c .summary.added "$work/out")" 2
same "the added ids are 43598 and 43616" "$(jq -r '.added[].id' "$work/out" | sort | tr '\n' ' ')" "43598 43616 "

# --- imports, versions, activation ---
expect "import 2024-04-26" 0 "$EMBARGO" lists import "$A"
has "import reports source, version and count" "$work/out" "^$A: ofac-sdn version 1, [0-9]+ entities, new list$"
expect "lists --json" 0 "$EMBARGO" lists --json
same "one active version" "$(jq length "$work/out")" 1
same "sha256 is the file's" "$(jq -r '.[0].sha256' "$work/out")" "$(sha256sum "$A" | cut -d' ' -f1)"
same "path is the file" "$(jq -r '.[0].path' "$work/out")" "$A"
n_a=$(jq -r '.[0].entities' "$work/out")
has "imported_at is ISO 8601 UTC" "$work/out" '"imported_at": "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z"'
expect "text listing" 0 "$EMBARGO" lists
has "text listing shows a short sha256" "$work/out" "^ofac-sdn +1 +$n_a .* $(sha256sum "$A" | cut -c1-12)  $A\$"
expect "import of the same file again" 0 "$EMBARGO" lists import "$A"
has "second import is unchanged" "$work/out" "version 1, $n_a entities, unchanged$"
expect "versions" 0 "$EMBARGO" lists versions --json
same "still one version" "$(jq length "$work/out")" 1

t0=$(date +%s.%N)
expect "import 2024-05-03" 0 "$EMBARGO" lists import "$B"
t1=$(date +%s.%N)
echo "     import of $(basename "$B"): $(awk "BEGIN { printf \"%.2f\", $t1 - $t0 }") s, store $(du -k "$EMBARGO_HOME/embargo.db" | cut -f1) KB (with 2024-04-26)"
has "import reports the count change" "$work/out" "^$B: ofac-sdn version 2, [0-9]+ entities, \\+[0-9]+ against version 1 \\($n_a entities\\)$"
expect "lists --json after the second import" 0 "$EMBARGO" lists --json
same "the second version is active" "$(jq -r '.[0].id' "$work/out")" 2
same "its path is 2024-05-03" "$(jq -r '.[0].path' "$work/out")" "$B"
n_b=$(jq -r '.[0].entities' "$work/out")
same "entity count change is 305 - 8" "$((n_b - n_a))" 297

# --- the same diffs through stored versions ---
expect "diff of two stored versions" 0 "$EMBARGO" lists diff ofac-sdn@1 ofac-sdn@2
if cmp -s "$work/out" "$work/diff-files.txt"; then ok "stored diff = file diff (text)"; else bad "stored diff = file diff (text)"; diff "$work/diff-files.txt" "$work/out" | head -n 5; fi
expect "diff by id and active source, as JSON" 0 "$EMBARGO" lists diff --format json 1 ofac-sdn
if cmp -s "$work/out" "$work/diff-files.json"; then ok "stored diff = file diff (json)"; else bad "stored diff = file diff (json)"; fi
expect "diff of a file against a stored version" 0 "$EMBARGO" lists diff "$A" ofac-sdn
same "file vs stored summary" "$(head -n 1 "$work/out")" "$(head -n 1 "$work/diff-files.txt")"
expect "diff with an unknown version fails" 1 "$EMBARGO" lists diff ofac-sdn@1 ofac-sdn@9
expect "diff with a missing file fails" 1 "$EMBARGO" lists diff "$work/nope.csv" ofac-sdn

# --- show and activate (roll back, roll forward) ---
new_id=$(grep '^+ ' "$work/diff-files.txt" | head -n 1 | cut -d' ' -f2)
expect "show an entity added on 2024-05-03" 0 "$EMBARGO" lists show ofac-sdn "$new_id"
same "show gives its JSON" "$(jq -r .id "$work/out")" "$new_id"
expect "roll back to version 1" 0 "$EMBARGO" lists activate ofac-sdn@1
has "activate says which version" "$work/out" "^ofac-sdn: version 1 is active"
same "version 1 is active" "$(active_json | jq -r '.[0].id')" 1
expect "the new entity is gone after the roll back" 1 "$EMBARGO" lists show ofac-sdn "$new_id"
expect "roll forward by id" 0 "$EMBARGO" lists activate 2
same "version 2 is active again" "$(active_json | jq -r '.[0].id')" 2
expect "activate an unknown version fails" 1 "$EMBARGO" lists activate 99

# --- failures leave the active version alone ---
before=$(active_json)
head -c 2000000 "$B" >"$work/sdn-cut.csv"
expect "a truncated SDN file is not imported" 1 "$EMBARGO" lists import "$work/sdn-cut.csv"
has "the message names the file" "$work/err" "sdn-cut.csv"
same "active version unchanged after the truncated file" "$(active_json)" "$before"
expect "one unreadable file and nothing is imported" 1 "$EMBARGO" lists import "$A" "$work/missing.csv"
same "no version added" "$("$EMBARGO" lists versions --json | jq length)" 2

# 21% of the records removed (more than the 20% allowed), still well formed: ends in 0x1A
records=$(grep -c $'\r$' "$B")
keep=$((records * 79 / 100))
{ head -n "$keep" "$B"; printf '\x1a'; } >"$work/sdn-drop.csv"
expect "a 21% smaller list is refused" 1 "$EMBARGO" lists import "$work/sdn-drop.csv"
has "the refusal gives both counts and --force" "$work/err" "$keep entities.* $n_b .*use --force"
same "active version unchanged after the refusal" "$(active_json)" "$before"
expect "--force imports it" 0 "$EMBARGO" lists import --force "$work/sdn-drop.csv"
same "the forced version is active" "$(active_json | jq -r '.[0].entities')" "$keep"
expect "versions of ofac-sdn" 0 "$EMBARGO" lists versions ofac-sdn --json
same "three versions, newest first" "$(jq -r '[.[].id] | join(",")' "$work/out")" "3,2,1"
expect "versions of another source" 0 "$EMBARGO" lists versions un --json
same "none for another source" "$(jq length "$work/out")" 0

# --- two processes importing into one store at once: both land, one after the other ---
par="sqlite:$work/par.db"
"$EMBARGO" lists --store "$par" import "$A" >"$work/p1" 2>&1 &
p1=$!
"$EMBARGO" lists --store "$par" import "$H/sdn-2023-06-15.csv" >"$work/p2" 2>&1 &
p2=$!
wait $p1 && wait $p2 && ok "concurrent imports both succeed" || { bad "concurrent imports both succeed"; cat "$work/p1" "$work/p2"; }
same "two versions, one active" "$("$EMBARGO" lists --store "$par" versions --json | jq -c '[length, (map(select(.active)) | length)]')" "[2,1]"

finish
