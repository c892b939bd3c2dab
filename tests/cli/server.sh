#!/usr/bin/env bash
# Black-box tests of `embargo serve`: the real server on 127.0.0.1 (a free port it picks and
# logs), driven with curl. Screening and batches against the OFAC SDN of 2024-04-26 from the
# store, entities and lists, every kind of bad input (the server must answer 4xx with a JSON
# error and keep serving), alerts and decisions, API keys and roles, rate limits, metrics,
# the OpenAPI document and the web page, concurrent requests, and the index swapped to the
# 2024-05-03 list while requests keep coming (none may fail). A second server reads a config
# file and list files and has per-key rate limits; a third polls the store for new versions.
# Ends with clean stops (exit 0; under the sanitizers, no leak).
set -u
. "$(dirname "$0")/lib/harness.sh"
: "${EM_FIXTURES_DIR:?set EM_FIXTURES_DIR}"
H=$EM_SHARED_DIR/data/ofac/sdn-history
A=$H/sdn-2024-04-26.csv
B=$H/sdn-2024-05-03.csv
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

check() { if eval "$2"; then ok "$1"; else bad "$1 ($2)"; fi; }

. "$(dirname "$0")/lib/server.sh"
# start_server NAME ARGS...: a server with its log in $work/NAME.log; sets PORT and PID
start_server() {
	local name=$1
	shift
	server_start "$work/$name.log" --threads 4 "$@" || return 1
	PID=$SERVER_PID PORT=$SERVER_PORT
	pids+=("$PID")
}

# req METHOD PATH [BODY [CURL ARGS...]]: status in $STATUS, body in $work/out
req() {
	local method=$1 path=$2 body=${3-}
	shift 3 2>/dev/null || shift $#
	if [ -n "$body" ]; then
		STATUS=$(curl -s -o "$work/out" -w '%{http_code}' -X "$method" -H 'Content-Type: application/json' \
			--data-binary "$body" "$@" "http://127.0.0.1:$PORT$path")
	else
		STATUS=$(curl -s -o "$work/out" -w '%{http_code}' -X "$method" "$@" "http://127.0.0.1:$PORT$path")
	fi
}
j() { jq -r "$1" "$work/out" 2>/dev/null; }
# expect_error DESC STATUS CODE METHOD PATH BODY [CURL ARGS]: a JSON error with this code
expect_error() {
	local desc=$1 want=$2 code=$3
	shift 3
	req "$@"
	if [ "$STATUS" = "$want" ] && [ "$(j .error.code)" = "$code" ] && [ -n "$(j .error.message)" ]; then
		ok "$desc"
	else
		bad "$desc (status $STATUS, wanted $want $code: $(head -c 200 "$work/out"))"
	fi
}

"$EMBARGO" lists import "$A" >/dev/null 2>&1 || { echo "import failed"; exit 1; }
version_a=$("$EMBARGO" lists --json | jq -r '.[0].id')
start_server main --max-body 64k --max-batch 50 --keys-refresh 1 || exit 1
main_pid=$PID

# --- health, open mode, screening ---
req GET /healthz
same "healthz is 200" "$STATUS" 200
same "healthz says ok" "$(j .status)" ok
same "the active list's entities are served" "$(j .entities)" "$("$EMBARGO" lists --json | jq '.[0].entities')"
req GET /v1/me
same "no key in the store: open, as admin" "$(j '.auth + " " + .role')" "open admin"

req POST /v1/screen '{"name":"Kim Jong Un","customer_ref":"C-1"}'
same "screen: 200" "$STATUS" 200
same "screen: best match is KIM Jong Un (20157)" "$(j '.matches[0].source + ":" + .matches[0].source_id')" "ofac-sdn:20157"
same "screen: score 1" "$(j '.matches[0].score')" 1
check "screen: explanation aligns the tokens" '[ "$(j "[.matches[0].explanation.tokens[].how] | unique | join(\",\")")" = exact ]'
same "screen: record has query and matched_name" "$(j '.query + " / " + .matches[0].matched_name')" "Kim Jong Un / KIM, Jong Un"
same "screen: the list version used" "$(j '.lists[0].version_id')" "$version_a"
same "screen: an alert opened" "$(j '.alerts[0].outcome')" opened
check "screen: a screening id" '[ "$(j .screening_id)" -gt 0 ]'
first_alert=$(j '.alerts[0].alert_id')
req POST /v1/screen '{"name":"Kim Jong Un","customer_ref":"C-1"}'
same "same customer again: the open alert is pending" "$(j '.alerts[0].outcome + " " + (.alerts[0].alert_id|tostring)')" "pending $first_alert"
req POST /v1/screen '{"name":"Rocky Schowalter"}'
same "an ordinary name: no match" "$(j '.matches | length')" 0
same "an ordinary name: no alert" "$(j '.alerts | length')" 0
req POST /v1/screen '{"name":"Kim Jong Un","type":"person","dob":"1984","country":"KP","ids":["X1"],"threshold":0.9,"limit":1}'
same "all optional fields: 200" "$STATUS" 200
same "limit 1: one match" "$(j '.matches | length')" 1
same "threshold echoed" "$(j .threshold)" 0.9
req POST /v1/screen '{"name":"Kim Jong Un","type":"organization"}'
check "type organization lowers a person's score" '[ "$(j ".matches[0].score // 0 | . < 1")" = true ]'

# --- batch ---
req POST /v1/screen/batch '{"queries":[{"name":"Kim Jong Un"},{"name":"Rocky Schowalter"},{"name":"Vladimir Putin","type":"person"}]}'
same "batch: 200" "$STATUS" 200
same "batch: three results in order" "$(j '[.results[].query] | join("|")')" "Kim Jong Un|Rocky Schowalter|Vladimir Putin"
same "batch: matches per query" "$(j '[.results[].matches | length > 0] | map(tostring) | join(",")')" "true,false,true"
check "batch: each has its own screening id" '[ "$(j "[.results[].screening_id] | unique | length")" = 3 ]'
# Goods screening: one order line, several with a bad one among them, bad bodies.
req POST /v1/goods/screen '{"line_id":"g1","hs_code":"8542.31.00","description":"STM32F405RGT6","destination_country":"RU","consignee":"Kim Jong Un"}'
check "goods: 200" '[ "$STATUS" = 200 ]'
check "goods: an MCU to Russia for a listed consignee is prohibited" '[ "$(j ".results[0].risk")" = prohibited ]'
check "goods: the flags name the CHPL tier, the part, the destination and the party" \
	'[ "$(j "[.results[0].flags[].code] | (index(\"HS_CHPL_TIER1\") != null) and (index(\"PART_IN_WEAPON\") != null) and (index(\"DEST_EMBARGOED\") != null) and (index(\"PARTY_LISTED\") != null)")" = true ]'
check "goods: the list versions used" '[ "$(j ".lists | length")" -ge 1 ]'
req POST /v1/goods/screen '{"lines":[{"line_id":"a","hs_code":"0901.21","description":"roasted coffee","destination_country":"FR","consignee":"Cafe Paris","end_user":"Cafe Paris","end_use":"hotel breakfast service"},{"line_id":"b"},{"line_id":"c","hs_code":"8526.91","destination_country":"IR"}]}'
check "goods: one record per line, in order" '[ "$(j "[.results[] | (.line_id // \"?\")] | join(\",\")")" = "a,b,c" ]'
check "goods: coffee to France raises nothing serious" '[ "$(j ".results[0].risk")" = none ] || [ "$(j ".results[0].risk")" = low ]'
check "goods: a bad line has its error, the others are screened" '[ -n "$(j ".results[1].error")" ] && [ "$(j ".results[2].risk")" = prohibited ]'
expect_error "goods: lines not an array" 400 invalid_field POST /v1/goods/screen '{"lines":7}'
expect_error "goods: not an object" 400 invalid_field POST /v1/goods/screen '["x"]'
expect_error "goods: no lines" 400 invalid_field POST /v1/goods/screen '{"lines":[]}'
# Goods screenings are in the audit trail (kind goods) before the answer goes out.
req POST /v1/goods/screen '{"lines":[{"line_id":"ga","hs_code":"8542.31","destination_country":"RU","consignee":"Kim Jong Un"},{"line_id":"gb"},{"line_id":"gc","hs_code":"0901.21","destination_country":"FR","consignee":"Cafe Paris","end_user":"Cafe Paris","end_use":"retail"}]}'
cp "$work/out" "$work/goods-answer.json"
check "goods: the screened lines carry their screening id, the bad one none" \
	'[ "$(j "[.results[] | (.screening_id // 0) > 0] | map(tostring) | join(\",\")")" = true,false,true ]'
"$EMBARGO" audit export --format jsonl >"$work/audit.jsonl" 2>/dev/null
for id in $(jq -r '.results[] | select(.screening_id) | .screening_id' "$work/goods-answer.json"); do
	rec=$(jq -c --argjson id "$id" 'select(.id == $id)' "$work/audit.jsonl")
	line=$(jq -r --argjson id "$id" '.results[] | select(.screening_id == $id) | .line_id' "$work/goods-answer.json")
	same "goods audit $line: kind, channel, the line" "$(jq -r '.kind + " " + .channel + " " + .query.line_id' <<<"$rec")" "goods api $line"
	same "goods audit $line: the risk and flags answered" \
		"$(jq -r '.results.risk + ":" + ([.results.flags[].code] | join(","))' <<<"$rec")" \
		"$(jq -r --argjson id "$id" '.results[] | select(.screening_id == $id) | .risk + ":" + ([.flags[].code] | join(","))' "$work/goods-answer.json")"
	same "goods audit $line: the party list version, then the goods tables" \
		"$(jq -r '[.lists[0].version_id, (.lists[] | select(.source == "goods-tables") | .version | test("^sha256:[0-9a-f]{64}"))] | map(tostring) | join(" ")' <<<"$rec")" "$version_a true"
done
same "goods audit: exactly the two screened lines" "$(jq -r 'select(.kind == "goods" and (.query.line_id == "ga" or .query.line_id == "gb" or .query.line_id == "gc")) | .query.line_id' "$work/audit.jsonl" | sort | tr '\n' ' ')" "ga gc "

expect_error "batch: 51 queries is too many" 413 batch_too_large POST /v1/screen/batch \
	"{\"queries\":[$(for i in $(seq 51); do printf '{"name":"n%d"},' "$i"; done | sed 's/,$//')]}"
expect_error "batch: empty queries" 400 invalid_field POST /v1/screen/batch '{"queries":[]}'
expect_error "batch: queries missing" 400 missing_field POST /v1/screen/batch '{}'
expect_error "batch: another field" 400 unknown_field POST /v1/screen/batch '{"queries":[{"name":"a"}],"query":1}'
expect_error "batch: a bad query is named" 400 invalid_field POST /v1/screen/batch '{"queries":[{"name":"a"},{"name":7}]}'
check "batch: the message names queries[1].name" 'grep -q "queries\[1\].name" "$work/out"'

# --- bad input: 4xx with a JSON error, and the server keeps serving ---
expect_error "invalid JSON" 400 invalid_json POST /v1/screen '{"name": "x",'
expect_error "JSON that is not an object" 400 invalid_field POST /v1/screen '["Kim Jong Un"]'
expect_error "duplicate keys" 400 invalid_json POST /v1/screen '{"name":"a","name":"b"}'
printf '{"name":"\xff\xfe"}' >"$work/bad-utf8"
expect_error "invalid UTF-8" 400 invalid_utf8 POST /v1/screen "@$work/bad-utf8"
printf '{"name":"a\0b"}' >"$work/nul"
expect_error "a NUL byte" 400 invalid_json POST /v1/screen "@$work/nul"
deep=$(printf '[%.0s' $(seq 40))$(printf ']%.0s' $(seq 40))
expect_error "JSON nested 40 deep" 400 json_too_deep POST /v1/screen "{\"name\":\"a\",\"x\":$deep}"
head -c 70000 /dev/zero | tr '\0' 'a' | sed 's/^/{"name":"/; s/$/"}/' >"$work/big"
expect_error "a body over max_body" 413 body_too_large POST /v1/screen "@$work/big"
expect_error "a chunked body over max_body" 413 body_too_large POST /v1/screen "@$work/big" -H 'Transfer-Encoding: chunked'
expect_error "name of the wrong type" 400 invalid_field POST /v1/screen '{"name":42}'
expect_error "name missing" 400 missing_field POST /v1/screen '{"dob":"1960"}'
expect_error "name empty" 400 invalid_field POST /v1/screen '{"name":"   "}'
expect_error "an unknown field" 400 unknown_field POST /v1/screen '{"name":"a","nmae":"b"}'
expect_error "an unknown type" 400 invalid_field POST /v1/screen '{"name":"a","type":"spaceship"}'
expect_error "ids not an array" 400 invalid_field POST /v1/screen '{"name":"a","ids":"X1"}'
expect_error "ids with a number" 400 invalid_field POST /v1/screen '{"name":"a","ids":[1]}'
expect_error "threshold above 1" 400 invalid_field POST /v1/screen '{"name":"a","threshold":2}'
expect_error "threshold as text" 400 invalid_field POST /v1/screen '{"name":"a","threshold":"0.9"}'
expect_error "limit 0" 400 invalid_field POST /v1/screen '{"name":"a","limit":0}'
expect_error "limit a fraction" 400 invalid_field POST /v1/screen '{"name":"a","limit":1.5}'
expect_error "an empty body" 400 invalid_json POST /v1/screen ''
STATUS=$(curl -s -o "$work/out" -w '%{http_code}' -d '{"name":"a"}' "http://127.0.0.1:$PORT/v1/screen")
same "a form body is 415" "$STATUS $(j .error.code)" "415 unsupported_media_type"
expect_error "GET on a POST endpoint" 405 method_not_allowed GET /v1/screen
expect_error "an unknown path" 404 not_found GET /v1/nothing
expect_error "an unknown entity" 404 not_found GET /v1/entities/ofac-sdn/999999999
expect_error "an unknown list" 404 not_found GET /v1/entities/no-such-list/1
expect_error "an unknown alert" 404 not_found GET /v1/alerts/999999
expect_error "a bad alerts filter" 400 invalid_field GET '/v1/alerts?status=maybe'
req GET /healthz
same "still serving after the bad input" "$STATUS" 200

# --- entities and lists ---
req GET /v1/entities/ofac-sdn/20157
same "entity: 200" "$STATUS" 200
same "entity: its canonical JSON" "$(j '.entity.names[0].name')" "KIM, Jong Un"
same "entity: its programs" "$(j '.entity.programs | join(",")')" DPRK3
req GET /v1/lists
same "lists: the served version" "$(j '.lists[0].source + "@" + (.lists[0].version_id|tostring)')" "ofac-sdn@$version_a"
same "lists: generation 1" "$(j .generation)" 1

# --- alerts and decisions ---
req GET /v1/alerts
check "alerts: the open queue holds the alert" '[ "$(j "[.alerts[].id] | index($first_alert) != null")" = true ]'
expect_error "false positive without a reason" 400 missing_field POST "/v1/alerts/$first_alert/decision" '{"decision":"false_positive"}'
expect_error "an unknown decision" 400 invalid_field POST "/v1/alerts/$first_alert/decision" '{"decision":"maybe"}'
req POST "/v1/alerts/$first_alert/decision" '{"decision":"false_positive","reason":"born 1990, other person"}'
same "decision: 200" "$STATUS" 200
same "decision: recorded" "$(j '.alert.status + " by " + .alert.decided_by')" "false_positive by anonymous"
expect_error "deciding twice" 409 conflict POST "/v1/alerts/$first_alert/decision" '{"decision":"true_match"}'
expect_error "deciding an unknown alert" 404 not_found POST /v1/alerts/999999/decision '{"decision":"true_match"}'
req POST /v1/screen '{"name":"Kim Jong Un","customer_ref":"C-1"}'
same "a decided false positive is suppressed" "$(j '.alerts[0].outcome')" suppressed
req POST /v1/screen '{"name":"Kim Jong Un","customer_ref":"C-2"}'
same "another customer gets its own alert" "$(j '.alerts[0].outcome')" opened

# --- metrics, OpenAPI, web page ---
req GET /metrics
check "metrics: requests by endpoint and status" 'grep -Eq "^embargo_http_requests_total\{endpoint=\"screen\",status=\"200\"\} [0-9]+$" "$work/out"'
check "metrics: 400s counted" 'grep -Eq "^embargo_http_requests_total\{endpoint=\"screen\",status=\"400\"\} [0-9]+$" "$work/out"'
check "metrics: latency histogram" 'grep -q "embargo_http_request_duration_seconds_bucket{endpoint=\"screen\",le=\"+Inf\"}" "$work/out"'
check "metrics: index generation and entities" 'grep -q "^embargo_index_generation 1$" "$work/out" && grep -q "^embargo_index_entities [1-9]" "$work/out"'
check "metrics: list version" 'grep -q "^embargo_list_version{source=\"ofac-sdn\",sha256=\"[0-9a-f]*\"} $version_a$" "$work/out"'
req GET /openapi.json
same "openapi: 200" "$STATUS" 200
check "openapi: an OpenAPI 3 document" '[ "$(j ".openapi | startswith(\"3.\")")" = true ]'
check "openapi: describes every endpoint" '[ "$(j "[.paths | keys[]] | contains([\"/v1/screen\",\"/v1/screen/batch\",\"/v1/entities/{source}/{id}\",\"/v1/lists\",\"/healthz\",\"/metrics\",\"/v1/alerts/{id}/decision\"])")" = true ]'
check "openapi: every \$ref resolves" '[ "$(jq -r "[.. | objects | .\"\$ref\"? // empty | select(startswith(\"#/components/schemas/\")) | ltrimstr(\"#/components/schemas/\")] - (.components.schemas | keys) | length" "$work/out")" = 0 ]'
check "openapi: every operation has responses and an id" '[ "$(jq "[.paths[][] | select(.responses == null or .operationId == null)] | length" "$work/out")" = 0 ]'
req GET /
same "web page: 200" "$STATUS" 200
check "web page: HTML" 'grep -qi "<!doctype html>" "$work/out"'

# --- concurrent requests ---
before=$(curl -s "http://127.0.0.1:$PORT/metrics" | awk '/^embargo_audit_records_total/ {print $2}')
seq 200 | xargs -P 16 -I{} curl -s -o /dev/null -w '%{http_code}\n' -H 'Content-Type: application/json' \
	--data-binary '{"name":"Kim Jong Un {}"}' "http://127.0.0.1:$PORT/v1/screen" >"$work/codes"
same "200 concurrent screenings all 200" "$(sort "$work/codes" | uniq -c | awk '{print $2 ":" $1}' | tr '\n' ' ')" "200:200 "
after=$(curl -s "http://127.0.0.1:$PORT/metrics" | awk '/^embargo_audit_records_total/ {print $2}')
same "each of them is in the audit trail" "$((after - before))" 200

# --- the index swapped during load ---
req POST /v1/screen '{"name":"Wuhan Global Sensor Technology Co., Ltd."}'
same "a company listed on 2024-05-03 is not in the 2024-04-26 list" "$(j '[.matches[].source_id] | index("46633")')" null
(seq 600 | xargs -P 8 -I{} curl -s -o /dev/null -w '%{http_code}\n' -H 'Content-Type: application/json' \
	--data-binary '{"name":"Wuhan Global Sensor Technology {}"}' "http://127.0.0.1:$PORT/v1/screen" >"$work/swap-codes") &
load=$!
"$EMBARGO" lists import "$B" >/dev/null 2>&1 || bad "importing the new list"
version_b=$("$EMBARGO" lists --json | jq -r '.[0].id')
req POST /v1/admin/reload
same "reload: 200" "$STATUS" 200
same "reload: generation 2" "$(j .generation)" 2
same "reload: the new version" "$(j '.lists[0].version_id')" "$version_b"
kill -HUP "$PID"
wait "$load"
same "600 screenings during two swaps: all 200" "$(sort "$work/swap-codes" | uniq -c | awk '{print $2 ":" $1}' | tr '\n' ' ')" "200:600 "
for _ in $(seq 100); do req GET /healthz; [ "$(j .generation)" = 3 ] && break; sleep 0.1; done
same "SIGHUP swapped again: generation 3" "$(j .generation)" 3
req POST /v1/admin/reload
same "reload with nothing new: unchanged" "$(j '.unchanged')" true
req POST /v1/screen '{"name":"Wuhan Global Sensor Technology Co., Ltd."}'
same "after the swap the new entry matches" "$(j '.matches[0].source_id')" 46633
same "and the screening names the new version" "$(j '.lists[0].version_id')" "$version_b"
req GET /v1/lists
same "lists: the new version in service" "$(j '.lists[0].version_id')" "$version_b"

# --- API keys and roles ---
ks=$("$EMBARGO" keys add screener --role screen 2>/dev/null)
ka=$("$EMBARGO" keys add analyst1 --role analyst 2>/dev/null)
kd=$("$EMBARGO" keys add admin1 --role admin 2>/dev/null)
check "three keys made" '[ -n "$ks" ] && [ -n "$ka" ] && [ -n "$kd" ]'
sleep 1.5 # keys_refresh is 1 s
expect_error "with keys: no key is 401" 401 unauthorized POST /v1/screen '{"name":"Kim Jong Un"}'
expect_error "a wrong key is 401" 401 invalid_key POST /v1/screen '{"name":"Kim Jong Un"}' -H "Authorization: Bearer ${ks}x"
expect_error "a Basic header is 401" 401 unauthorized POST /v1/screen '{"name":"a"}' -H 'Authorization: Basic YTpi'
expect_error "metrics need a key" 401 unauthorized GET /metrics
req POST /v1/screen '{"name":"Kim Jong Un"}' -H "Authorization: Bearer $ks"
same "the screen key with Bearer: 200" "$STATUS" 200
req POST /v1/screen '{"name":"Kim Jong Un"}' -H "X-API-Key: $ks"
same "the screen key with X-API-Key: 200" "$STATUS" 200
expect_error "the screen key on alerts: 403" 403 forbidden GET /v1/alerts '' -H "X-API-Key: $ks"
req GET /v1/alerts '' -H "X-API-Key: $ka"
same "the analyst key on alerts: 200" "$STATUS" 200
expect_error "the analyst key on reload: 403" 403 forbidden POST /v1/admin/reload '' -H "X-API-Key: $ka"
req POST /v1/admin/reload '' -H "X-API-Key: $kd"
same "the admin key on reload: 200" "$STATUS" 200
# rolling a list back through the API, then forward again (admin only)
expect_error "the analyst key on activate: 403" 403 forbidden POST "/v1/admin/lists/$version_a/activate" '' -H "X-API-Key: $ka"
expect_error "activating a version that does not exist: 404" 404 not_found POST /v1/admin/lists/999999/activate '' -H "X-API-Key: $kd"
req POST "/v1/admin/lists/$version_a/activate" '' -H "X-API-Key: $kd"
same "activate the older version: 200" "$STATUS" 200
same "activate: served at once" "$(j '.lists[0].version_id')" "$version_a"
same "the store's active version follows" "$("$EMBARGO" lists --json | jq -r '[.[] | select(.active)][0].id')" "$version_a"
req POST /v1/screen '{"name":"Wuhan Global Sensor Technology Co., Ltd."}' -H "X-API-Key: $ks"
same "rolled back: the entry of 2024-05-03 no longer matches" "$(j '[.matches[].source_id] | index("46633")')" null
req POST "/v1/admin/lists/$version_b/activate" '' -H "X-API-Key: $kd"
same "activate the newer version again" "$(j '.lists[0].version_id')" "$version_b"
req GET /healthz
same "healthz needs no key" "$STATUS" 200
req GET / 
same "the web page needs no key" "$STATUS" 200
req GET /v1/me '' -H "X-API-Key: $ka"
same "me: the analyst" "$(j '.name + " " + .role')" "analyst1 analyst"
"$EMBARGO" keys revoke screener 2>/dev/null
sleep 1.5
expect_error "a revoked key is 401" 401 invalid_key POST /v1/screen '{"name":"a"}' -H "X-API-Key: $ks"
"$EMBARGO" audit export --format jsonl >"$work/audit.jsonl" 2>/dev/null
check "the audit trail names the key" 'jq -r .who "$work/audit.jsonl" | grep -qx screener'

# --- a large batch is spread over the batch pool and answers as single calls do ---
# 1,000 queries (positives and negatives of the evaluation set) in one batch and one by one on a
# server of its own (open, same store); the answers must be equal but for the screening and
# alert ids, in input order.
EMBARGO_HOME=$work/home5 "$EMBARGO" lists import "$A" >/dev/null 2>&1
EMBARGO_HOME=$work/home5 start_server batch --max-batch 1000 --batch-threads 3 --access-log off || exit 1
python3 - "$PORT" "$EM_SHARED_DIR/eval" "$work/batch-cmp.txt" <<'PY'
import http.client, json, sys
port, evaldir, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
names = [l.split("\t")[0] for l in open(evaldir + "/positives.tsv", encoding="utf-8") if l.strip()][:500]
names += [l.rstrip("\n").split("\t")[2] for l in open(evaldir + "/negatives.tsv", encoding="utf-8") if l.strip()][:500]
queries = [{"name": n} if i % 3 else {"name": n, "type": "person", "limit": 3} for i, n in enumerate(names)]
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
def post(path, body):
    conn.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
    r = conn.getresponse()
    return r.status, json.loads(r.read())
def strip(res):
    res = dict(res)
    del res["screening_id"]
    res["alerts"] = [{k: v for k, v in a.items() if k != "alert_id"} for a in res["alerts"]]
    return res
status, batch = post("/v1/screen/batch", {"queries": queries})
singles = [post("/v1/screen", q) for q in queries]
with open(out, "w") as f:
    f.write("batch %d %d\n" % (status, len(batch.get("results", []))))
    f.write("singles %s\n" % ",".join(sorted({str(s) for s, _ in singles})))
    bad = [i for i, (r, (_, s)) in enumerate(zip(batch.get("results", []), singles)) if strip(r) != strip(s)]
    f.write("differ %d %s\n" % (len(bad), bad[:5]))
    f.write("with matches %d\n" % sum(1 for r in batch.get("results", []) if r["matches"]))
    f.write("ids %d\n" % len({r["screening_id"] for r in batch.get("results", [])}))
PY
same "batch of 1000: 200 and 1000 results" "$(sed -n 's/^batch //p' "$work/batch-cmp.txt")" "200 1000"
same "1000 single calls: all 200" "$(sed -n 's/^singles //p' "$work/batch-cmp.txt")" 200
same "batch of 1000 = 1000 single calls, in order" "$(sed -n 's/^differ //p' "$work/batch-cmp.txt")" "0 []"
check "the comparison covers matches (at least 400 queries with one)" '[ "$(sed -n "s/^with matches //p" "$work/batch-cmp.txt")" -ge 400 ]'
same "each batch query has its own audit record" "$(sed -n 's/^ids //p' "$work/batch-cmp.txt")" 1000
kill -TERM "$PID"
wait "$PID"
same "batch server (its pool stopped): exit 0" "$?" 0

# --- a second server: config file, rate limits per key, list files ---
printf '# test config\nrate_limit = 2\nrate_burst = 3\nlist = %s\naccess_log = off\nkeys_refresh = 1\n' \
	"$EM_SHARED_DIR/data/bis/dpl.txt" >"$work/server.conf"
k1=$(EMBARGO_HOME=$work/home2 "$EMBARGO" keys add first --role screen 2>/dev/null)
k2=$(EMBARGO_HOME=$work/home2 "$EMBARGO" keys add second --role screen 2>/dev/null)
EMBARGO_HOME=$work/home2 start_server rated --config "$work/server.conf" || exit 1
codes=""
for _ in 1 2 3 4 5 6; do req GET /v1/lists '' -H "X-API-Key: $k1"; codes="$codes$STATUS "; done
same "rate limit: a burst of 3, then 429" "$codes" "200 200 200 429 429 429 "
same "429 says why" "$(j .error.code)" rate_limited
curl -s -D "$work/headers" -o /dev/null -H "X-API-Key: $k1" "http://127.0.0.1:$PORT/v1/lists"
check "429 has Retry-After" 'grep -qi "^Retry-After: [0-9]" "$work/headers"'
req GET /v1/lists '' -H "X-API-Key: $k2"
same "another key has a bucket of its own" "$STATUS" 200
sleep 1.2
req GET /v1/lists '' -H "X-API-Key: $k1"
same "the bucket refills" "$STATUS" 200
same "list file: version id null, source bis-dpl" "$(j '.lists[0].source + " " + (.lists[0].version_id|tostring)')" "bis-dpl null"
req GET /metrics '' -H "X-API-Key: $k2"
check "metrics count the refusals" 'grep -Eq "^embargo_rate_limited_total [4-9]" "$work/out"'
rated_pid=$PID

# --- a server with nothing to screen against says so ---
EMBARGO_HOME=$work/home4 start_server empty --access-log off || exit 1
req GET /healthz
same "no lists: healthz is 503 no_lists" "$STATUS $(j .status)" "503 no_lists"
expect_error "no lists: screening is 503" 503 no_lists POST /v1/screen '{"name":"Kim Jong Un"}'
kill -TERM "$PID"
wait "$PID"
same "empty server: exit 0" "$?" 0

# --- a third server polls the store for newly activated lists ---
EMBARGO_HOME=$work/home3 "$EMBARGO" lists import "$EM_FIXTURES_DIR/audit/v1/sdn.csv" >/dev/null 2>&1
EMBARGO_HOME=$work/home3 start_server poll --reload-poll 1 --access-log off || exit 1
req GET /v1/lists
v1=$(j '.lists[0].version_id')
EMBARGO_HOME=$work/home3 "$EMBARGO" lists import "$EM_FIXTURES_DIR/audit/v2/sdn.csv" >/dev/null 2>&1
for _ in $(seq 50); do req GET /v1/lists; [ "$(j '.lists[0].version_id')" != "$v1" ] && break; sleep 0.2; done
same "reload_poll: the new version is served within seconds" "$(j '.generation') $(j '.lists[0].entity_count')" "2 9"
kill -TERM "$PID"
wait "$PID"
same "poll server: exit 0" "$?" 0
PID=$rated_pid
printf 'listen = 127.0.0.1:0\nmax_batch = lots\n' >"$work/bad.conf"
"$EMBARGO" serve --config "$work/bad.conf" 2>"$work/bad.err"
same "a bad config value is a usage error" "$?" 2
check "it names the file and line" 'grep -q "bad.conf:2: max_batch" "$work/bad.err"'
"$EMBARGO" serve --listen 127.0.0.1:0 --frobnicate 1 2>"$work/bad.err"
same "an unknown flag is a usage error" "$?" 2

# --- clean stops (under the sanitizers, also free of leaks) ---
kill -TERM "$PID"
wait "$PID"
same "SIGTERM: exit 0" "$?" 0
check "SIGTERM: logged stopped" 'grep -q "\"msg\":\"stopped\"" "$work/rated.log"'
kill -INT "$main_pid"
wait "$main_pid"
same "SIGINT after all the above: exit 0" "$?" 0
check "every log line is JSON" 'jq -e . "$work/main.log" >/dev/null'

if [ "$fail" -gt 0 ]; then
	for log in "$work"/*.log; do
		echo "--- last lines of $(basename "$log") that are not request logs:"
		grep -v '"msg":"request"' "$log" | tail -n 30
	done
fi
finish
