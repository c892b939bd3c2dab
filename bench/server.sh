#!/usr/bin/env bash
# Benchmarks `embargo serve` with wrk on loopback: requests a second and p50/p90/p99 latency
# for single screenings (POST /v1/screen, each request a different name) against the full OFAC
# SDN of 2024-05-03 from the store, and, in the same run, a baseline that does no screening
# (GET /healthz) to show what HTTP alone costs on this machine. Every screening is recorded in
# the audit trail before its response is sent, as in production, and the run reports how many
# were recorded. The screenings are measured twice: with the default audit_fsync = on (each
# commit flushed to the disk) and with audit_fsync = off (commits survive a server crash, not a
# machine crash).
#
# The names are a fixed mix from ../shared/eval: ordinary names of the negatives (13 locales,
# several scripts) and perturbed listed names of the positives (most of them match), nine to
# one; a second run sends only the plain-ASCII names of the mix. The server and wrk share the
# machine: the figures are what both together get. "server CPU" (user + system time of the
# server process per request) does not depend on what else the machine runs. Last, batches of
# 1,000 queries one at a time, screened on one thread and on the batch pool (--batch-threads).
#
# usage: bench/server.sh [--seconds N] [--connections N] [--threads N] [--wrk-threads N]
#   BUILD_DIR (default build-rel, a release build is made), EM_SHARED_DIR (default ../shared)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build-rel}
SHARED=${EM_SHARED_DIR:-../shared}
seconds=10 connections=16 threads=2 wrk_threads=1
while [ $# -gt 0 ]; do
	case $1 in
	--seconds) seconds=$2; shift ;;
	--connections) connections=$2; shift ;;
	--threads) threads=$2; shift ;;
	--wrk-threads) wrk_threads=$2; shift ;;
	*) echo "usage: bench/server.sh [--seconds N] [--connections N] [--threads N] [--wrk-threads N]" >&2; exit 2 ;;
	esac
	shift
done
command -v wrk >/dev/null || { echo "bench/server.sh: wrk is not installed (scripts/install-deps.sh)" >&2; exit 1; }
SDN=$SHARED/data/ofac/sdn-history/sdn-2024-05-03.csv
[ -f "$SDN" ] || { echo "bench/server.sh: no $SDN" >&2; exit 1; }

cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEM_SANITIZE=OFF >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)" --target embargo_cli >/dev/null
EMBARGO=$BUILD_DIR/embargo

. tests/cli/lib/server.sh
server_sandbox
"$EMBARGO" lists import "$SDN" >/dev/null 2>&1

# 2700 ordinary names and 300 listed ones, in a fixed interleaved order
awk -F'\t' 'NR % 17 == 0 && NF >= 3 && n < 2700 {print $3; n++}' "$SHARED/eval/negatives.tsv" >"$work/neg"
awk -F'\t' 'NR % 5 == 0 && n < 300 {print $1; n++}' "$SHARED/eval/positives.tsv" >"$work/pos"
awk 'FNR == NR {pos[n++] = $0; next} {print; if (FNR % 9 == 0 && m < n) print pos[m++]}' \
	"$work/pos" "$work/neg" >"$work/names"

# start_server ARGS...: a server on a free port; sets pid and url
start_server() {
	server_start "$work/server.log" --threads "$threads" --access-log off "$@" || exit 1
	url=http://127.0.0.1:$SERVER_PORT
	curl -s -o /dev/null -H 'Content-Type: application/json' -d '{"name":"warm up"}' "$url/v1/screen"
}
metric() { curl -s "$url/metrics" | awk -v m="$1" '$1 == m {print $2}'; }

# server_cpu: CPU seconds the server has used (user + system)
server_cpu() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$SERVER_PID/stat"; }

# run NAME URL [NAMES]: one wrk run; prints a result line and sets last_requests
run() {
	local name=$1 target=$2 cpu0
	cpu0=$(server_cpu)
	NAMES=${3:-} wrk -t"$wrk_threads" -c"$connections" -d"${seconds}s" --latency -s bench/server.lua "$target" \
		>"$work/run.out" 2>&1
	local r
	r=$(grep '^RESULT' "$work/run.out") || { cat "$work/run.out" >&2; exit 1; }
	echo "$r" | awk -v name="$name" -v cpu="$(echo "$(server_cpu) $cpu0" | awk '{print $1 - $2}')" '{
		for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		printf "%-22s %8.0f req/s   p50 %6.2f ms   p90 %6.2f ms   p99 %6.2f ms   max %7.2f ms   server CPU %5.1f us/request\n",
			name, v["requests"] / v["seconds"], v["p50_us"] / 1000, v["p90_us"] / 1000, v["p99_us"] / 1000,
			v["max_us"] / 1000, cpu * 1e6 / v["requests"]
		printf "%-22s (%d requests, %d non-2xx, %d socket errors; %.0f requests per second of server CPU)\n",
			"", v["requests"], v["non2xx"], v["errors"], v["requests"] / cpu }'
	last_requests=$(echo "$r" | sed -E 's/.*requests=([0-9]+).*/\1/')
}

start_server
entities=$(metric embargo_index_entities)
echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# server: $threads worker threads, $entities entities (OFAC SDN 2024-05-03); wrk: $wrk_threads thread, $connections connections, ${seconds} s per run"
run "baseline GET /healthz" "$url/healthz"
# audit_report: what the audit trail holds after a run
audit_report() {
	local recorded=$(($(metric embargo_audit_records_total) - $1)) commits=$(($(metric embargo_audit_commits_total) - $2))
	echo "#   audit trail: $recorded screenings recorded in $commits commits for $last_requests responses counted by wrk (requests in flight when wrk stops are recorded too)"
}
r0=$(metric embargo_audit_records_total) c0=$(metric embargo_audit_commits_total)
run "POST /v1/screen" "$url/v1/screen" "$work/names"
audit_report "$r0" "$c0"
LC_ALL=C grep -v '[^ -~]' "$work/names" >"$work/latin" || true
run "  Latin-script names" "$url/v1/screen" "$work/latin"
echo "#   ($(wc -l <"$work/latin") of the $(wc -l <"$work/names") names are plain ASCII; the others need ICU transliteration)"
server_stop
start_server --audit-fsync off
r0=$(metric embargo_audit_records_total) c0=$(metric embargo_audit_commits_total)
run "  with audit-fsync off" "$url/v1/screen" "$work/names"
audit_report "$r0" "$c0"
server_stop

# Batches: POST /v1/screen/batch with 1,000 of the names, one request at a time (one client),
# five times; queries a second over the whole. With --batch-threads 1 a batch is screened on
# its request's thread alone (as before the batch pool); by default on every core.
head -n 1000 "$work/names" | jq -R '{name: .}' | jq -s '{queries: .}' >"$work/batch.json"
batch_run() {
	local name=$1 total=0 t
	shift
	start_server "$@"
	for _ in 1 2 3 4 5; do
		t=$(curl -s -o "$work/batch.out" -w '%{time_total}' -H 'Content-Type: application/json' \
			--data-binary @"$work/batch.json" "$url/v1/screen/batch")
		[ "$(jq '.results | length' "$work/batch.out")" = 1000 ] || { head -c 300 "$work/batch.out" >&2; exit 1; }
		total=$(echo "$total $t" | awk '{print $1 + $2}')
	done
	awk -v name="$name" -v t="$total" 'BEGIN {printf "%-22s %8.0f queries/s   %6.0f ms per batch of 1000 (5 batches, one at a time)\n", name, 5000 / t, t * 200}'
	server_stop
}
batch_run "batch 1 thread" --batch-threads 1
batch_run "batch pool" --batch-threads 0
echo "# load at the end $(cut -d' ' -f1-3 /proc/loadavg)"
