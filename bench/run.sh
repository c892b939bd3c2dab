#!/usr/bin/env bash
# Builds a release tree (build-rel, RelWithDebInfo: never benchmark the Debug or sanitizer
# builds) and runs the list, screening and AIS analysis benchmarks, printing their figures.
# Arguments after `--` go to bench_screen (e.g. bench/run.sh -- --queries 5000); BENCH_LISTS_ARGS
# to bench_lists. BUILD_DIR overrides the tree; --json prints the figures as JSON from each.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build-rel}
json=()
screen_args=()
while [ $# -gt 0 ]; do
	case $1 in
	--json) json=(--json) ;;
	--) shift; screen_args=("$@"); break ;;
	*) echo "usage: bench/run.sh [--json] [-- bench_screen options]" >&2; exit 2 ;;
	esac
	shift
done

cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEM_SANITIZE=OFF >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)" --target bench_lists bench_screen bench_ais_analyze >/dev/null
type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$BUILD_DIR/CMakeCache.txt")
case $type in
Release | RelWithDebInfo) ;;
*) echo "bench/run.sh: $BUILD_DIR is a $type build; benchmark a release build" >&2; exit 1 ;;
esac

echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs, $(uname -m), build $type ($BUILD_DIR)" >&2
# shellcheck disable=SC2086
"$BUILD_DIR/bench/bench_lists" "${json[@]}" ${BENCH_LISTS_ARGS:-}
echo
"$BUILD_DIR/bench/bench_screen" "${json[@]}" "${screen_args[@]}"
echo
"$BUILD_DIR/bench/bench_ais_analyze" "${json[@]}"
