#!/usr/bin/env bash
# The many-node layout of docs/deploy.md on one machine, to try it out: a PostgreSQL primary
# with a streaming replica (pg_basebackup -R), N `embargo serve` nodes and one `embargo
# worker` on the primary, the OFAC SDN imported. Everything lives in a temporary folder and
# is removed on exit. With --check it verifies the layout and exits: the replica streams and
# holds the imported version, every node serves it, a screening on one node is in the store.
#
# usage: deploy/local.sh [--nodes N] [--check]
#   EMBARGO (default build/embargo), EM_SHARED_DIR (default ../shared)
set -euo pipefail
cd "$(dirname "$0")/.."
nodes=2 check=0
while [ $# -gt 0 ]; do
	case $1 in
	--nodes) nodes=$2; shift ;;
	--check) check=1 ;;
	*) echo "usage: deploy/local.sh [--nodes N] [--check]" >&2; exit 2 ;;
	esac
	shift
done
EMBARGO=${EMBARGO:-build/embargo}
SDN=${EM_SHARED_DIR:-../shared}/data/ofac/sdn-history/sdn-2024-05-03.csv
. tests/lib/pg_cluster.sh
. tests/cli/lib/server.sh
pids=()
replica_port=
stop_all() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	[ -n "$replica_port" ] && as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/replica" -w -m fast stop >/dev/null 2>&1
	pg_cluster_stop
}
trap stop_all EXIT

PG_FSYNC=on pg_cluster_start embargo
echo "primary:  $PG_URL"
as_owner "$PG_BIN/pg_basebackup" -h "$PG_SOCKET" -p "$PG_PORT" -U embargo -D "$PG_DIR/replica" -R -X stream -c fast
replica_port=$(pg_free_port)
as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/replica" -l "$PG_DIR/replica.log" -w \
	-o "-p $replica_port -k $PG_SOCKET -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
REPLICA_URL="postgresql://embargo@127.0.0.1:$replica_port/embargo"
echo "replica:  $REPLICA_URL (hot standby, streaming)"

export EMBARGO_STORE=$PG_URL
"$EMBARGO" lists import "$SDN" >/dev/null
version=$("$EMBARGO" lists --json | jq -r '.[0].id')
work=$PG_DIR
for i in $(seq "$nodes"); do
	server_start "$work/node$i.log" --config deploy/serve.conf.example --listen 127.0.0.1:0 --node "node$i" \
		--access-log off
	pids+=("$SERVER_PID")
	eval "port$i=$SERVER_PORT"
	echo "node$i:    http://127.0.0.1:$SERVER_PORT  (log $work/node$i.log)"
done
"$EMBARGO" worker --name local-worker 2>"$work/worker.log" &
pids+=($!)
echo "worker:   local-worker (log $work/worker.log)"

if [ "$check" = 1 ]; then
	fail=0
	say() { if [ "$2" = "$3" ]; then echo "ok   $1"; else echo "FAIL $1 ('$2' != '$3')"; fail=1; fi; }
	say "the replica streams from the primary" \
		"$("$PG_BIN/psql" -X -At "$PG_URL" -c "SELECT state FROM pg_stat_replication")" streaming
	say "the replica is a standby" "$("$PG_BIN/psql" -X -At "$REPLICA_URL" -c "SELECT pg_is_in_recovery()")" t
	for _ in $(seq 50); do
		got=$("$PG_BIN/psql" -X -At "$REPLICA_URL" -c "SELECT count(*) FROM list_versions WHERE id = $version" 2>/dev/null || true)
		[ "$got" = 1 ] && break
		sleep 0.1
	done
	say "the replica holds the imported version" "$got" 1
	for i in $(seq "$nodes"); do
		eval "p=\$port$i"
		say "node$i serves version $version" \
			"$(curl -s "http://127.0.0.1:$p/v1/lists" | jq -r '.lists[0].version_id')" "$version"
	done
	curl -s -o /dev/null -H 'Content-Type: application/json' -d '{"name":"Kim Jong Un","customer_ref":"D-1"}' \
		"http://127.0.0.1:$port1/v1/screen"
	sleep 1
	say "a screening on node1 reached the replica" \
		"$("$PG_BIN/psql" -X -At "$REPLICA_URL" -c "SELECT node FROM screenings WHERE customer_ref = 'D-1'")" node1
	exit "$fail"
fi
echo "running; Ctrl-C stops everything and removes $PG_DIR"
while sleep 3600; do :; done
