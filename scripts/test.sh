#!/usr/bin/env bash
# Runs every test: a normal build with warnings as errors, the same tests under AddressSanitizer
# and UndefinedBehaviorSanitizer, and each libFuzzer target briefly on its seed corpus. The last
# lines printed are ctest's summary (of the sanitizer run, then of the normal run), so CI can
# read the result there; the exit status is non-zero when any stage fails.
# FUZZ_SECONDS (default 15) sets the time per fuzz target; SKIP_SANITIZE=1 / SKIP_FUZZ=1 skip those stages.
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=$(nproc)
start=$(date +%s)

# run_ctest DIR: the tests of one build, their output kept in DIR/ctest.log for the summary.
run_ctest() {
	ctest --test-dir "$1" --output-on-failure -j"$JOBS" 2>&1 | tee "$1/ctest.log"
}

echo "== build (warnings as errors) and test"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEM_WERROR=ON >/dev/null
cmake --build build -j"$JOBS"
run_ctest build

if [ "${SKIP_SANITIZE:-0}" != 1 ]; then
	echo "== build and test under ASan + UBSan"
	CC=clang cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DEM_SANITIZE=ON -DEM_WERROR=ON >/dev/null
	cmake --build build-asan -j"$JOBS"
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		EM_SANITIZED=1 run_ctest build-asan
fi

if [ "${SKIP_FUZZ:-0}" != 1 ]; then
	echo "== fuzz targets on their seed corpora"
	CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DEM_FUZZ=ON -DEM_WERROR=ON >/dev/null
	cmake --build build-fuzz -j"$JOBS"
	n=0
	for f in build-fuzz/fuzz/fuzz_*; do
		[ -x "$f" ] || continue
		name=$(basename "$f")
		corpus=fuzz/corpus/$name
		work=$(mktemp -d)
		[ -d "$corpus" ] && cp -r "$corpus"/. "$work"/
		log=build-fuzz/$name.log
		# A crash leaves its input as build-fuzz/NAME-crash-*; the log's end says what happened.
		if ! "$f" -max_total_time="${FUZZ_SECONDS:-15}" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
			-print_final_stats=0 -artifact_prefix="build-fuzz/$name-" "$work" >"$log" 2>&1; then
			echo "FAIL $name (see $log)"
			tail -n 40 "$log"
			rm -rf "$work"
			exit 1
		fi
		echo "ok   $name: $(grep -E '^Done [0-9]+ runs' "$log" | tail -n 1)"
		rm -rf "$work"
		n=$((n + 1))
	done
	echo "fuzz: $n targets ran without a crash"
fi

echo "== all stages passed in $(($(date +%s) - start)) s; ctest summaries:"
for dir in build-asan build; do
	if [ -f "$dir/ctest.log" ] && [ "$dir" = build -o "${SKIP_SANITIZE:-0}" != 1 ]; then
		echo "-- $dir"
		sed -n '/tests passed/,$p' "$dir/ctest.log"
	fi
done
