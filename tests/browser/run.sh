#!/usr/bin/env bash
# Runs the browser test (test.js): installs playwright-core here when node_modules is missing
# (npm ci, from package-lock.json), starts `embargo serve` on a free port over the small list in
# tests/fixtures/audit/v1 with an analyst key, runs the test and stops the server. Screenshots
# go to $OUT_DIR (ctest passes a folder in the build tree). Exit 77 (ctest: skipped) only when
# Chromium cannot start; anything else that goes wrong fails.
set -u
: "${EMBARGO:?set EMBARGO to the embargo binary}" "${EM_FIXTURES_DIR:?set EM_FIXTURES_DIR}"
here=$(cd "$(dirname "$0")" && pwd)
OUT_DIR=${OUT_DIR:-$here/output}
command -v node >/dev/null || { echo "FAIL node is not installed (scripts/install-deps.sh installs it)"; exit 1; }
if [ ! -d "$here/node_modules/playwright-core" ]; then
	(cd "$here" && npm ci --no-audit --no-fund >/dev/null) || { echo "FAIL npm ci in $here"; exit 1; }
fi
. "$here/../cli/lib/server.sh"
server_sandbox
"$EMBARGO" lists import "$EM_FIXTURES_DIR/audit/v1/sdn.csv" >/dev/null 2>&1 || { echo "FAIL import"; exit 1; }
key=$("$EMBARGO" keys add browser-analyst --role analyst 2>/dev/null) || { echo "FAIL keys add"; exit 1; }
server_start "$work/server.log" --threads 2 || { echo "FAIL the server did not start"; exit 1; }
mkdir -p "$OUT_DIR"
EMBARGO_URL="http://127.0.0.1:$SERVER_PORT" EMBARGO_KEY="$key" OUT_DIR="$OUT_DIR" node "$here/test.js"
rc=$?
[ "$rc" -eq 1 ] && { echo "--- server log:"; grep -v '"msg":"request"' "$work/server.log" | tail -n 20; }
[ "$rc" -eq 0 ] && echo "screenshots: $OUT_DIR/search.png, result.png, queue.png, alerts.png"
exit "$rc"
