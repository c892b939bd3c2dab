#!/usr/bin/env bash
# Benchmarks the shared store side by side on SQLite and PostgreSQL (a throwaway cluster made
# by tests/lib/pg_cluster.sh, fsync on): re-screening N stored customers (default 1,000,000)
# against the OFAC SDN of 2024-05-03 through the work queue with one `embargo worker`, then
# with two at once (each worker one screening thread, chunks of 1,000); and audit writes a
# second from two `embargo serve` on the same store, both loaded with wrk at once (every
# screening recorded before its response, audit_fsync on).
#
# The customers are written straight into the store with SQL (names of the evaluation
# negatives, cycled; references B0000001...), so that seeding does not cost a screening pass.
# A first re-screening (one worker) finds every match new: it writes the customers' matches
# and opens their alerts. The two timed passes that follow, one worker then two, find them
# unchanged, as a re-screening after a list update mostly does; every pass writes one audit
# record per customer.
#
# usage: bench/nodes.sh [--customers N] [--seconds S] [--backends "sqlite pg"]
#   BUILD_DIR (default build-rel, a release build is made) or EMBARGO (a binary to use),
#   EM_SHARED_DIR (default ../shared)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build-rel}
SHARED=${EM_SHARED_DIR:-../shared}
customers=1000000 seconds=10 backends="sqlite pg"
while [ $# -gt 0 ]; do
	case $1 in
	--customers) customers=$2; shift ;;
	--seconds) seconds=$2; shift ;;
	--backends) backends=$2; shift ;;
	*) echo "usage: bench/nodes.sh [--customers N] [--seconds S] [--backends \"sqlite pg\"]" >&2; exit 2 ;;
	esac
	shift
done
command -v wrk >/dev/null || { echo "bench/nodes.sh: wrk is not installed (scripts/install-deps.sh)" >&2; exit 1; }
SDN=$SHARED/data/ofac/sdn-history/sdn-2024-05-03.csv
if [ -z "${EMBARGO:-}" ]; then # EMBARGO names a binary to use as it is (bench/smoke.sh)
	cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEM_SANITIZE=OFF >/dev/null
	cmake --build "$BUILD_DIR" -j"$(nproc)" --target embargo_cli >/dev/null
	EMBARGO=$(cd "$BUILD_DIR" && pwd)/embargo
fi

. tests/cli/lib/server.sh
. tests/lib/pg_cluster.sh
work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; pg_cluster_stop; rm -rf "$work"' EXIT

# the customers as tab-separated rows: ref, name, ids, first and last screened
awk -F'\t' -v n="$customers" 'NF >= 3 { gsub(/[\\"\t]/, "", $3); if ($3 != "") names[m++] = $3 }
	END { for (i = 1; i <= n; i++) printf "B%07d\t%s\t[]\t2026-01-01T00:00:00.000Z\t2026-01-01T00:00:00.000Z\n", i, names[i % m] }' \
	"$SHARED/eval/negatives.tsv" >"$work/customers.tsv"

seed() { # seed BACKEND URL
	if [ "$1" = sqlite ]; then
		sqlite3 "${2#sqlite:}" <<-EOF
			CREATE TEMP TABLE c5 (ref, name, ids, f, l);
			.mode tabs
			.import $work/customers.tsv c5
			INSERT INTO customers (ref, name, ids, first_screened_at, last_screened_at) SELECT * FROM c5;
		EOF
	else
		"$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 "$2" \
			-c "\\copy customers (ref, name, ids, first_screened_at, last_screened_at) FROM '$work/customers.tsv'"
	fi
}
count() { # count BACKEND URL SQL
	if [ "$1" = sqlite ]; then sqlite3 "${2#sqlite:}" "$3"; else "$PG_BIN/psql" -X -At "$2" -c "$3"; fi
}
now() { date +%s.%N; }
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%8.0f customers/s   %7.1f s", n / (b - a), b - a }'; }

echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $customers customers, OFAC SDN 2024-05-03; workers: 1 screening thread each, chunks of 1000"
for backend in $backends; do
	if [ "$backend" = sqlite ]; then
		url=sqlite:$work/bench.db
	else
		PG_FSYNC=on pg_cluster_start embargo_bench >/dev/null
		url=$PG_URL
	fi
	"$EMBARGO" lists import --store "$url" "$SDN" >/dev/null 2>&1
	t0=$(now)
	seed "$backend" "$url" >/dev/null
	t1=$(now)
	echo "$backend: seeded $(count "$backend" "$url" "SELECT count(*) FROM customers") customers in $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}') s"

	# the first pass, then one worker
	t0=$(now)
	"$EMBARGO" worker --store "$url" --rescreen --chunk 1000 -j 1 >"$work/w0.out" 2>"$work/w0.err"
	t1=$(now)
	echo "$backend  first rescreen (every match new), 1 worker: $(rate "$customers" "$t0" "$t1")"
	t0=$(now)
	"$EMBARGO" worker --store "$url" --rescreen --chunk 1000 -j 1 >"$work/w1.out" 2>"$work/w1.err"
	t1=$(now)
	echo "$backend  rescreen, 1 worker:  $(rate "$customers" "$t0" "$t1")"
	# two workers on one job
	t0=$(now)
	"$EMBARGO" worker --store "$url" --rescreen --chunk 1000 -j 1 >"$work/w2a.out" 2>"$work/w2a.err" &
	wa=$!
	job=
	for _ in $(seq 600); do
		job=$(sed -n 's/^job \([0-9]*\):.*/\1/p' "$work/w2a.out" | head -n 1)
		[ -n "$job" ] && break
		sleep 0.1
	done
	"$EMBARGO" worker --store "$url" --job "$job" -j 1 >/dev/null 2>"$work/w2b.err"
	wait "$wa"
	t1=$(now)
	echo "$backend  rescreen, 2 workers: $(rate "$customers" "$t0" "$t1")   (chunks: $(grep -c '^chunk' "$work/w2a.err") + $(grep -c '^chunk' "$work/w2b.err"))"
	recorded=$(count "$backend" "$url" "SELECT count(*) FROM screenings WHERE channel = 'rescreen'")
	echo "$backend    audit records of the three passes: $recorded (expected $((3 * customers)))"

	# audit writes from two nodes at once
	server_start "$work/a.log" --store "$url" --threads 1 --node bench-a --access-log off || exit 1
	pa=$SERVER_PORT
	pids+=("$SERVER_PID")
	server_start "$work/b.log" --store "$url" --threads 1 --node bench-b --access-log off || exit 1
	pb=$SERVER_PORT
	pids+=("$SERVER_PID")
	awk -F'\t' 'NR % 17 == 0 && n < 3000 {print $3; n++}' "$SHARED/eval/negatives.tsv" >"$work/names"
	before=$(count "$backend" "$url" "SELECT count(*) FROM screenings")
	NAMES=$work/names wrk -t1 -c8 -d"${seconds}s" -s bench/server.lua "http://127.0.0.1:$pa/v1/screen" >"$work/wa" 2>&1 &
	la=$!
	NAMES=$work/names wrk -t1 -c8 -d"${seconds}s" -s bench/server.lua "http://127.0.0.1:$pb/v1/screen" >"$work/wb" 2>&1
	wait "$la"
	after=$(count "$backend" "$url" "SELECT count(*) FROM screenings")
	by_node=$(count "$backend" "$url" "SELECT node || '=' || count(*) FROM screenings WHERE node LIKE 'bench-%' GROUP BY node ORDER BY node" | tr '\n' ' ')
	non2xx=$(cat "$work/wa" "$work/wb" | sed -n 's/.*non2xx=\([0-9]*\).*/\1/p' | awk '{s += $1} END {print s + 0}')
	echo "$backend  audit writes, 2 nodes: $(awk -v n=$((after - before)) -v s="$seconds" 'BEGIN {printf "%8.0f records/s", n / s}')   ($((after - before)) in ${seconds} s: $by_node; $non2xx non-2xx)"
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null || true; done
	pids=()
	[ "$backend" = pg ] && pg_cluster_stop
done
echo "# load at the end $(cut -d' ' -f1-3 /proc/loadavg)"
