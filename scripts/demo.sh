#!/usr/bin/env bash
# The first thing to run on a fresh Debian machine: installs the packages that are missing,
# builds embargo (release build in build-rel/), imports the real lists from ../shared/data into a
# store (or, without ../shared, downloads the official lists with `embargo lists update`), shows
# the active lists and screens a few names, as readable text and as JSON lines.
#
# EMBARGO_HOME: the store's folder; a new temporary folder unless set.
# EM_SHARED_DIR: where the shared list files are (default ../shared beside the source tree).
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=$(nproc)

echo "== packages"
bash scripts/install-deps.sh

echo "== build (build-rel/)"
cmake -S . -B build-rel -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-rel -j"$JOBS" >/dev/null
EMBARGO=$PWD/build-rel/embargo
"$EMBARGO" version

if [ -z "${EMBARGO_HOME:-}" ]; then
	EMBARGO_HOME=$(mktemp -d "${TMPDIR:-/tmp}/embargo-demo.XXXXXX")
fi
export EMBARGO_HOME
unset EMBARGO_STORE
echo "== store in EMBARGO_HOME=$EMBARGO_HOME"

SHARED=${EM_SHARED_DIR:-../shared}
D=$SHARED/data
if [ -f "$D/ofac/sdn-history/sdn-2024-05-03.csv" ]; then
	echo "== import the lists in $D"
	# The SDN snapshot of 2024-05-03, the UN Consolidated List, OFAC's non-SDN list (its
	# cons_alt/cons_add/cons_comments files are read from beside cons_prim.csv), a sample of
	# the US Consolidated Screening List and the BIS Denied Persons List.
	"$EMBARGO" lists import \
		"$D/ofac/sdn-history/sdn-2024-05-03.csv" \
		"$D/un/consolidated.xml" \
		"$D/ofac/non-sdn/cons_prim.csv" \
		"$D/us-csl/csl-sample.csv" \
		"$D/bis/dpl.txt"
else
	echo "== no $D: download the official lists (data/sources.conf)"
	# A source that fails is reported and skipped; the demo goes on with the others.
	"$EMBARGO" lists update || echo "(some lists could not be downloaded; going on with the rest)"
	if [ "$("$EMBARGO" lists --json | jq length)" -eq 0 ]; then
		echo "demo: no list could be downloaded (is the machine online?)" >&2
		exit 1
	fi
fi

echo "== the active lists"
"$EMBARGO" lists

echo "== screen one name at a time (text)"
for name in "Ayman al-Zawahiri" "Sberbank of Russia" "Банк ВТБ" "Laura Bianchi"; do
	"$EMBARGO" screen "$name"
	echo
done

echo "== screen a batch (JSON lines, one record per input line, in order)"
printf '%s\n' "Mahan Air" "Kim Jong Un" "Peter Meier" "Rosneft" |
	"$EMBARGO" screen --batch - --format jsonl --limit 3 |
	jq -c '{query, matches: [.matches[] | {source, source_id, name, score}]}'

echo
echo "The store stays in $EMBARGO_HOME; to go on using it:"
echo "  export EMBARGO_HOME=$EMBARGO_HOME; build-rel/embargo screen \"NAME\""
