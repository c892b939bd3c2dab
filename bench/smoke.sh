#!/usr/bin/env bash
# Smoke test of the benchmarks (ctest bench_smoke): runs each with --quick, tiny counts and
# --json, and checks that it completes and that its figures are sane: present, finite, positive,
# consistent with each other (p50 <= p99, the threads find what one thread finds, every list
# is loaded back with its entities). No timing is judged: the machine is shared and noisy.
set -u
: "${BENCH_DIR:?set BENCH_DIR to the folder with bench_lists and bench_screen}" "${EM_SHARED_DIR:?set EM_SHARED_DIR}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
# run DESC OUT CMD...: runs CMD with stdout in OUT, and expects exit 0 and JSON on stdout
run() {
	local desc=$1 out=$2
	shift 2
	if "$@" >"$out" 2>"$work/err" && jq -e . "$out" >/dev/null 2>&1; then ok "$desc"; else
		bad "$desc (exit or output)"
		sed 's/^/     /' "$work/err" | tail -n 5
	fi
}
# check DESC FILE JQ: the jq expression is true of the JSON in FILE
check() { if jq -e "$3" "$2" >/dev/null 2>&1; then ok "$1"; else bad "$1 ($3)"; fi; }

# Every number in the document is finite and not negative.
sane='[.. | numbers] | all(. >= 0 and . < 1e300)'

L=$work/lists.json
run "bench_lists --quick completes" "$L" "$BENCH_DIR/bench_lists" --quick --runs 1 --json --shared "$EM_SHARED_DIR" \
	--only bis/,non-sdn/,sdn-2021/,un/,us-csl/
check "lists: every number finite and >= 0" "$L" "$sane"
check "lists: only the files asked for" "$L" '[.files[].file] | length == 5 and all(startswith("ofac/sdn-history") | not)'
check "lists: every format of the shared data read" "$L" \
	'[.files[].format] as $f | all("ofac-csv", "un-xml", "csl-csv", "bis-dpl"; . as $x | any($f[]; . == $x))'
check "lists: the OFAC companions grouped with their list" "$L" \
	'[.files[] | select(.file == "ofac/sdn-2021/sdn.csv") | .companions] == [3]'
check "lists: entities and bytes counted" "$L" 'all(.files[]; .entities > 0 and .bytes > 0)'
check "lists: every phase timed (best <= median, > 0)" "$L" \
	'all(.files[]; all(.floor, .read, .import, .load; .best_ms > 0 and .best_ms <= .median_ms and .runs == 1))'
check "lists: peak RSS of every phase above the idle child" "$L" \
	'.idle_rss_kb > 0 and (.idle_rss_kb as $i | all(.files[]; all(.floor, .read, .import, .load; .peak_rss_kb >= $i)))'
check "lists: rates follow from the times" "$L" \
	'all(.files[]; (.read_entities_per_s * .read.best_ms / 1000 - .entities | fabs) < 0.01 * .entities + 1)'
check "lists: companion files are not reported as skipped" "$L" '.skipped == []'

S=$work/screen.json
run "bench_screen --quick completes" "$S" "$BENCH_DIR/bench_screen" --quick --queries 60 --baseline-queries 3 \
	--threads 2 --runs 1 --json --shared "$EM_SHARED_DIR"
check "screen: every number finite and >= 0" "$S" "$sane"
check "screen: both list sets measured" "$S" '[.sets[].name] == ["sdn-2024-05-03", "all sources"]'
check "screen: query mix as asked" "$S" '.queries.count == 60 and .queries.positives > 0 and .queries.positives < 60'
check "screen: the index holds every entity, at least one name each" "$S" \
	'all(.sets[]; .index.entities > 0 and .index.names >= .index.entities and .index.vocabulary > 0 and .index.memory_bytes > 0)'
check "screen: all lists hold more than the SDN snapshot" "$S" '.sets[1].index.entities > .sets[0].index.entities'
check "screen: loads timed, totals add up" "$S" \
	'all(.sets[]; .load_cold.read_ms > 0 and .load_cold.build_ms > 0 and ((.load_cold.read_ms + .load_cold.build_ms - .load_cold.total_ms) | fabs) < 0.01 and .store_cold.load_ms > 0 and .store_warm.total_ms > .store_warm.load_best_ms)'
check "screen: latency percentiles ordered" "$S" \
	'all(.sets[]; .single.p50_us > 0 and .single.p50_us <= .single.p99_us and .multi.p50_us <= .multi.p99_us)'
check "screen: throughput measured on 1 and 2 threads" "$S" \
	'all(.sets[]; .single.qps > 0 and .single.qps_per_cpu_second > 0 and .multi.qps > 0 and .multi.qps_per_cpu_second > 0 and .multi.threads == 2)'
check "screen: query time broken down" "$S" \
	'all(.sets[]; .single.candidates_per_query > 0 and (.single.slowest | length) == 3 and .single.slowest[0].ms >= .single.slowest[2].ms and .single.mean_us_ascii > 0)'
check "screen: threads find what one thread finds" "$S" 'all(.sets[]; .single.hits == .multi.hits)'
check "screen: listed names in the mix are found" "$S" 'all(.sets[]; .single.hits_positive > 0)'
check "screen: baseline timed on 3 queries" "$S" \
	'all(.sets[]; .baseline.queries == 3 and .baseline.ms_per_query > 0 and .baseline.engine_ms_per_query > 0 and .baseline.speedup > 0 and .baseline.speedup_cpu > 0 and .baseline.speedup_mix_cpu > 0 and .baseline.names >= .index.entities)'
check "screen: peak RSS covers the lists" "$S" \
	'all(.sets[]; .load_cold.peak_rss_kb >= .load_cold.lists_peak_rss_kb and .load_cold.lists_peak_rss_kb > 0)'
check "screen: targets reported" "$S" 'all(.sets[]; .targets | has("qps_per_core") and has("speedup") and has("index_load_cold"))'
check "screen: memory target for all lists" "$S" '.sets[1].targets | has("all_lists_memory")'

G=$work/goods.json
run "bench_goods --quick completes" "$G" "$BENCH_DIR/bench_goods" --quick --json --no-parties
check "goods: every number finite and >= 0" "$G" "$sane"
check "goods: the baseline and the screening phase" "$G" '[.phases[].name] == ["parse", "goods"]'
check "goods: every generated line read and none bad" "$G" 'all(.phases[]; .lines == 5000 and .bad_lines == 0)'
check "goods: every screened line has one risk level" "$G" '.phases[1].risk | add == 5000'
check "goods: the mix has every level" "$G" 'all(.phases[1].risk[]; . > 0)'

A=$work/ais_analyze.json
run "bench_ais_analyze --quick completes" "$A" "$BENCH_DIR/bench_ais_analyze" --quick --json
check "ais analyze: every number finite and >= 0" "$A" "$sane"
check "ais analyze: every synthetic position kept" "$A" '.positions == 200000 and .kept == .positions and .vessels == 200'
check "ais analyze: throughput and both baselines timed" "$A" \
	'.positions_per_s > 0 and .run_positions_per_s >= .positions_per_s and .baseline.sort_s > 0 and .baseline.naive_pairs == 1225'
check "ais analyze: the planted meetings are found" "$A" '.events.encounter == 10 and .events.gap > 0 and .events.loitering > 0'
check "ais analyze: no jump in a world without teleports" "$A" '.events.spoofing == 0'

# bench/nodes.sh with 2,000 customers and 2-second loads, on PostgreSQL too when it is installed
N=$work/nodes.txt
backends=sqlite
(. "$(dirname "$0")/../tests/lib/pg_cluster.sh" && pg_cluster_bin) && backends="sqlite pg"
if EMBARGO=${EMBARGO:?set EMBARGO to the embargo binary} bash "$(dirname "$0")/nodes.sh" --customers 2000 --seconds 2 \
	--backends "$backends" >"$N" 2>"$work/err"; then ok "nodes.sh completes ($backends)"; else
	bad "nodes.sh completes"
	tail -n 5 "$work/err" "$N" | sed 's/^/     /'
fi
for b in $backends; do
	if grep -Eq "^$b  rescreen, 1 worker: +[0-9]+ customers/s" "$N" && grep -Eq "^$b  rescreen, 2 workers: +[0-9]+ customers/s" "$N"; then
		ok "nodes: $b re-screening timed with 1 and 2 workers"; else bad "nodes: $b re-screening timed"; fi
	if grep -q "^$b    audit records of the three passes: 6000 (expected 6000)" "$N"; then
		ok "nodes: $b recorded every customer once per pass"; else bad "nodes: $b records per pass"; fi
	if grep -Eq "^$b  audit writes, 2 nodes: +[0-9]+ records/s .*bench-a=[0-9]+ bench-b=[0-9]+ ; 0 non-2xx" "$N"; then
		ok "nodes: $b audit writes from both nodes, none refused"; else
		bad "nodes: $b audit writes: $(grep "^$b  audit writes" "$N" || echo 'no figures')"; fi
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
