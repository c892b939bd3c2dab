#!/usr/bin/env bash
# Many nodes on one PostgreSQL (tests/lib/pg_cluster.sh starts a throwaway cluster): two
# `embargo serve` on the same database. A version imported from the command line, or activated
# through one node's API, reaches both within seconds (NOTIFY); an alert decided on one is suppressed on the other; audit
# records written by both at once are all kept, each with its node. Then the database goes
# away: both keep answering from their index, /healthz and /metrics say the store is
# unreachable, screenings made meanwhile wait and are recorded once it is back; a restart under
# load fails no request; both reconnect by themselves. Exit 77 (skipped) only without the
# PostgreSQL binaries.
set -u
. "$(dirname "$0")/lib/harness.sh"
. "$(dirname "$0")/lib/server.sh"
. "$(dirname "$0")/../lib/pg_cluster.sh"
H=$EM_SHARED_DIR/data/ofac/sdn-history
A=$H/sdn-2024-04-26.csv
B=$H/sdn-2024-05-03.csv
pg_cluster_for_test

check() { if eval "$2"; then ok "$1"; else bad "$1 ($2)"; fi; }
# start NAME ARGS: a node with its log in $work/NAME.log; its port in PORT_NAME
start() {
	local name=$1
	shift
	server_start "$work/$name.log" --threads 2 --node "$name" "$@" || exit 1
	pids+=("$SERVER_PID")
	eval "PORT_$name=$SERVER_PORT"
}
# req NODE METHOD PATH [BODY]: status in $STATUS, body in $work/out
req() {
	local port
	eval "port=\$PORT_$1"
	if [ -n "${4-}" ]; then
		STATUS=$(curl -s -o "$work/out" -w '%{http_code}' -X "$2" -H 'Content-Type: application/json' \
			--data-binary "$4" "http://127.0.0.1:$port$3")
	else
		STATUS=$(curl -s -o "$work/out" -w '%{http_code}' -X "$2" "http://127.0.0.1:$port$3")
	fi
}
j() { jq -r "$1" "$work/out" 2>/dev/null; }
served_version() { req "$1" GET /v1/lists; j '.lists[0].version_id'; }
store_state() { req "$1" GET /healthz; j .store; }

"$EMBARGO" lists import "$A" >/dev/null 2>&1 || { echo "import failed"; exit 1; }
va=$("$EMBARGO" lists --json | jq -r '.[0].id')
start node_a
start node_b
same "node a serves version $va" "$(served_version node_a)" "$va"
same "node b serves version $va" "$(served_version node_b)" "$va"

# --- a version imported elsewhere reaches both nodes ---
t0=$(date +%s.%N)
"$EMBARGO" lists import "$B" >/dev/null 2>&1 || bad "importing the new version"
vb=$("$EMBARGO" lists --json | jq -r '[.[] | select(.active)][0].id')
check "the new version is another one" '[ "$vb" != "$va" ]'
check "node a serves the new version within 20 s (no polling: that is every 60 s)" 'wait_for 20 "[ \"\$(served_version node_a)\" = $vb ]"'
check "node b serves the new version within 20 s" 'wait_for 20 "[ \"\$(served_version node_b)\" = $vb ]"'
echo "     both nodes serve version $vb $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.2f", b - a}') s after the import began"
has "node a logged the reload" "$work/node_a.log" '"msg":"lists loaded".*"generation":2'

# --- a version activated through the API of one node reaches the other ---
req node_a POST "/v1/admin/lists/$va/activate"
same "node a: activating the older version through the API: 200" "$STATUS" 200
same "node a serves it at once" "$(j '.lists[0].version_id')" "$va"
check "node b serves it within 20 s" 'wait_for 20 "[ \"\$(served_version node_b)\" = $va ]"'
req node_b POST "/v1/admin/lists/$vb/activate"
check "and back through node b: node a serves the newer one within 20 s" 'wait_for 20 "[ \"\$(served_version node_a)\" = $vb ]"'

# --- an alert decided on one node is suppressed on the other ---
req node_a POST /v1/screen '{"name":"Kim Jong Un","customer_ref":"C-1"}'
same "node a: an alert opens" "$(j '.alerts[0].outcome')" opened
alert=$(j '.alerts[0].alert_id')
req node_b POST /v1/screen '{"name":"Kim Jong Un","customer_ref":"C-1"}'
same "node b: the same customer joins the open alert" "$(j '.alerts[0].outcome + " " + (.alerts[0].alert_id|tostring)')" "pending $alert"
req node_a POST "/v1/alerts/$alert/decision" '{"decision":"false_positive","reason":"born 1990, other person"}'
same "node a: decided" "$STATUS" 200
req node_b POST "/v1/alerts/$alert/decision" '{"decision":"true_match"}'
same "node b: the decision made on node a stands" "$STATUS" 409
req node_b POST /v1/screen '{"name":"Kim Jong Un","customer_ref":"C-1"}'
same "node b: the decided false positive is suppressed" "$(j '.alerts[0].outcome')" suppressed

# load NODE COUNT PARALLEL NAME REF_PREFIX OUT: COUNT screenings of NAME, customers
# REF_PREFIX1..., PARALLEL at a time, their HTTP statuses into OUT
load() {
	local port
	eval "port=\$PORT_$1"
	seq "$2" | xargs -P "$3" -I{} curl -s -o /dev/null -w '%{http_code}\n' -H 'Content-Type: application/json' \
		--data-binary "{\"name\":\"$4\",\"customer_ref\":\"$5{}\"}" "http://127.0.0.1:$port/v1/screen" >"$6"
}

# --- audit records from both nodes at once are all kept ---
before=$(pg_cluster_psql "SELECT count(*) FROM screenings")
load node_a 150 6 "Kim Jong Un" L- "$work/load_a" &
la=$!
load node_b 150 6 "Kim Jong Un" L- "$work/load_b"
wait "$la"
same "300 concurrent screenings on two nodes: all 200" "$(grep -c '^200$' "$work"/load_a "$work"/load_b | awk -F: '{s += $2} END {print s}')" 300
same "all 300 recorded" "$(pg_cluster_psql "SELECT count(*) - $before FROM screenings")" 300
same "each with the node that wrote it" "$(pg_cluster_psql "SELECT string_agg(node || '=' || n, ',' ORDER BY node) FROM (SELECT node, count(*) AS n FROM screenings WHERE customer_ref LIKE 'L-%' GROUP BY node) x")" "node_a=150,node_b=150"
same "one alert per customer although both nodes screened each" "$(pg_cluster_psql "SELECT count(*) FROM (SELECT customer_ref FROM alerts WHERE customer_ref LIKE 'L-%' GROUP BY customer_ref, source_id HAVING count(*) > 1) x")" 0

# --- the database goes away and comes back ---
pg_cluster_ctl stop || bad "stopping PostgreSQL"
check "node a: /healthz says the store is unreachable" 'wait_for 5 "[ \"\$(store_state node_a)\" = unreachable ]"'
same "node a: /healthz still 200 (it screens on its index)" "$STATUS" 200
req node_a GET /metrics
has "node a: /metrics embargo_store_up 0" "$work/out" '^embargo_store_up 0$'
req node_b GET /v1/lists
same "node b: lists still served" "$(j '.lists[0].version_id')" "$vb"
# screenings made during the outage wait for the store, then are recorded
load node_b 20 4 "Kim Jong Un" OUT- "$work/outage" &
outage_pid=$!
sleep 2
pg_cluster_ctl start || bad "starting PostgreSQL again"
wait "$outage_pid"
same "screenings during the outage: all answered 200 once it ended" "$(grep -c '^200$' "$work/outage")" 20
same "and all recorded" "$(pg_cluster_psql "SELECT count(*) FROM screenings WHERE customer_ref LIKE 'OUT-%'")" 20
check "node a reconnects by itself" 'wait_for 10 "[ \"\$(store_state node_a)\" = ok ]"'
check "node b reconnects by itself" 'wait_for 10 "[ \"\$(store_state node_b)\" = ok ]"'
req node_b GET /metrics
has "node b: /metrics embargo_store_up 1" "$work/out" '^embargo_store_up 1$'

# --- a restart under load fails no request ---
before=$(pg_cluster_psql "SELECT count(*) FROM screenings")
load node_a 400 4 "Vladimir Putin" R- "$work/restart" &
load_pid=$!
sleep 0.5
pg_cluster_ctl restart || bad "restarting PostgreSQL"
wait "$load_pid"
same "400 screenings across a restart: all 200" "$(grep -c '^200$' "$work/restart")" 400
same "all 400 recorded" "$(pg_cluster_psql "SELECT count(*) - $before FROM screenings")" 400
req node_a POST /v1/alerts/999999/decision '{"decision":"true_match"}'
same "node a: its request connection is back too (404, not 503)" "$STATUS" 404

for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
for p in "${pids[@]}"; do wait "$p" 2>/dev/null || bad "a node did not stop cleanly"; done
pids=()
finish
