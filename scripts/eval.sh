#!/usr/bin/env bash
# Measures party screening on the evaluation sets in ../shared/eval: recall per perturbation kind
# (positives.tsv), cross-script recall (crossscript.tsv) and alerts per 1000 per locale
# (negatives.tsv), at the default threshold unless --threshold X is given. Extra arguments go to
# the tool (--misses N and --alerts N list the failures).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build-rel -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-rel -j"$(nproc)" --target eval-screening >/dev/null
exec build-rel/tools/eval-screening --shared "${EM_SHARED_DIR:-$(pwd)/../shared}" "$@"
