#!/usr/bin/env bash
# The work queue end to end, on a throwaway PostgreSQL (tests/lib/pg_cluster.sh) and on SQLite.
# 3,000 customers are stored; a re-screening job is queued in chunks; one worker is killed
# (kill -9) while it holds a chunk, another finishes the job after the dead one's lease expires:
# every customer is re-screened exactly once (rows counted). `embargo rescreen` on PostgreSQL
# queues, works and reports progress by itself. On SQLite two workers share a job the same way.
# Exit 77 (skipped) only without the PostgreSQL binaries.
set -u
. "$(dirname "$0")/lib/harness.sh"
. "$(dirname "$0")/../lib/pg_cluster.sh"
A=$EM_SHARED_DIR/data/ofac/sdn-history/sdn-2024-04-26.csv
pg_cluster_for_test

check() { if eval "$2"; then ok "$1"; else bad "$1 ($2)"; fi; }
sql() { pg_cluster_psql "$1"; }

# customers: N names of the evaluation negatives (and a few listed names), each with a reference
make_customers() {
	{
		echo "name,customer_ref"
		awk -F'\t' -v n="$1" 'NR <= n { gsub(/"/, "", $3); printf "\"%s\",C%05d\n", $3, NR }' \
			"$EM_SHARED_DIR/eval/negatives.tsv"
		echo '"Kim Jong Un",K00001'
		echo '"Vladimir Putin",K00002'
	} >"$2"
}

# --- PostgreSQL: a worker dies holding a chunk, another finishes the job ---
"$EMBARGO" lists import "$A" >/dev/null 2>&1 || { echo "import failed"; exit 1; }
make_customers 2998 "$work/customers.csv"
"$EMBARGO" screen --batch "$work/customers.csv" --format csv >/dev/null 2>"$work/batch.err"
same "3,000 customers stored" "$(sql "SELECT count(*) FROM customers")" 3000

"$EMBARGO" worker --rescreen --chunk 250 --no-work >"$work/progress" 2>&1 &
progress_pid=$!
check "the job is queued" 'wait_for 20 "grep -q \"^job 1: re-screening 3000 customers in 12 chunks\" \"$work/progress\""'
"$EMBARGO" worker --name doomed --lease 3 --delay-ms 800 -j 1 >/dev/null 2>"$work/doomed.err" &
doomed=$!
pids+=("$doomed")
check "the doomed worker finishes a chunk and holds the next" \
	'wait_for 30 "[ \"\$(sql \"SELECT count(*) FROM work_chunks WHERE status = '"'"'done'"'"'\")\" -ge 1 ] && [ \"\$(sql \"SELECT count(*) FROM work_chunks WHERE status = '"'"'claimed'"'"' AND lease_owner = '"'"'doomed'"'"'\")\" = 1 ]"'
# freeze it while it holds a chunk (it may be between two), then kill it there
held=
for _ in $(seq 20); do
	kill -STOP "$doomed"
	held=$(sql "SELECT id FROM work_chunks WHERE status = 'claimed' AND lease_owner = 'doomed'")
	[ -n "$held" ] && break
	kill -CONT "$doomed"
	sleep 0.2
done
kill -9 "$doomed"
wait "$doomed" 2>/dev/null
check "killed while holding chunk $held" '[ -n "$held" ]'
"$EMBARGO" worker --name survivor --lease 3 --job 1 -j 2 >"$work/survivor.out" 2>"$work/survivor.err"
same "the surviving worker finished the job" "$?" 0
has "it took over the dead worker's chunk after its lease expired" "$work/survivor.err" "^chunk $held of job 1: .*claimed again after a lease expired"
wait "$progress_pid"
same "the progress reporter ends well" "$?" 0
has "progress was reported" "$work/progress" '^job 1: [0-9]+ of 12 chunks done'
has "and the end" "$work/progress" '^re-screened 3000 customers \(job 1\)'
same "every chunk done" "$(sql "SELECT count(*) FROM work_chunks WHERE job_id = 1 AND status = 'done'")" 12
same "the re-screening recorded 3,000 screenings" "$(sql "SELECT count(*) FROM screenings WHERE channel = 'rescreen'")" 3000
same "of 3,000 different customers: none missed, none twice" \
	"$(sql "SELECT count(DISTINCT customer_ref) FROM screenings WHERE channel = 'rescreen'")" 3000
same "the killed chunk was claimed twice" "$(sql "SELECT attempts FROM work_chunks WHERE id = $held")" 2
check "both workers did chunks" '[ "$(sql "SELECT count(DISTINCT lease_owner) FROM work_chunks WHERE job_id = 1")" = 2 ]'

# --- `embargo rescreen` on PostgreSQL queues and works by itself ---
"$EMBARGO" rescreen -j 2 >"$work/rescreen.out" 2>"$work/rescreen.err"
same "rescreen: exit 0" "$?" 0
has "rescreen: queued as a job" "$work/rescreen.out" '^job 2: re-screening 3000 customers in 3 chunks'
has "rescreen: summary" "$work/rescreen.out" '^re-screened 3000 customers \(job 2\) .* this process did 3 chunks, 3000 customers'
same "rescreen: 3,000 more screenings" "$(sql "SELECT count(*) FROM screenings WHERE channel = 'rescreen'")" 6000

# --- SQLite: the same queue, two workers at once ---
unset EMBARGO_STORE
db=$work/queue.db
"$EMBARGO" lists import --store "sqlite:$db" "$A" >/dev/null 2>&1 || bad "importing into SQLite"
make_customers 598 "$work/small.csv"
"$EMBARGO" screen --store "sqlite:$db" --batch "$work/small.csv" --format csv >/dev/null 2>&1
"$EMBARGO" worker --store "sqlite:$db" --rescreen --chunk 20 -j 1 >"$work/sq1.out" 2>&1 &
w1=$!
pids+=("$w1")
check "sqlite: the job is queued" 'wait_for 20 "grep -q \"^job 1:\" \"$work/sq1.out\""'
"$EMBARGO" worker --store "sqlite:$db" --job 1 -j 1 >/dev/null 2>"$work/sq2.err"
same "sqlite: the second worker ends with the job" "$?" 0
wait "$w1"
same "sqlite: the first worker ends with the job" "$?" 0
q() { sqlite3 "$db" "$1"; }
same "sqlite: 30 chunks done" "$(q "SELECT count(*) FROM work_chunks WHERE status = 'done'")" 30
same "sqlite: 600 customers re-screened once each" \
	"$(q "SELECT count(*) || ' ' || count(DISTINCT customer_ref) FROM screenings WHERE channel = 'rescreen'")" "600 600"
check "sqlite: both workers took chunks" '[ "$(q "SELECT count(DISTINCT lease_owner) FROM work_chunks")" = 2 ]'
pids=()
finish
