#!/usr/bin/env bash
# Runs every test: a normal build with warnings as errors, the same tests under AddressSanitizer
# and UndefinedBehaviorSanitizer, and each libFuzzer target briefly on its seed corpus.
# FUZZ_SECONDS (default 15) sets the time per fuzz target; SKIP_SANITIZE=1 / SKIP_FUZZ=1 skip those stages.
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=$(nproc)

echo "== build (warnings as errors) and test"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEM_WERROR=ON >/dev/null
cmake --build build -j"$JOBS"
ctest --test-dir build --output-on-failure -j"$JOBS"

if [ "${SKIP_SANITIZE:-0}" != 1 ]; then
  echo "== build and test under ASan + UBSan"
  CC=clang cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DEM_SANITIZE=ON -DEM_WERROR=ON >/dev/null
  cmake --build build-asan -j"$JOBS"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    EM_SANITIZED=1 ctest --test-dir build-asan --output-on-failure -j"$JOBS"
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
    echo "-- $name"
    "$f" -max_total_time="${FUZZ_SECONDS:-15}" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
      -print_final_stats=0 "$work" 2>&1 | tail -n 2
    rm -rf "$work"
    n=$((n + 1))
  done
  echo "fuzz: $n targets ran without a crash"
fi
