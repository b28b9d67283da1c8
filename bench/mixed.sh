#!/usr/bin/env bash
# Mixed traffic (issue 19): goose visitors (bench/load) reading, browsing, searching, using
# the API and writing, against a generated archive on SQLite, at several offered loads up
# to saturation. For each load: requests/s, p50, p99 and errors per kind of request, and
# the server's resident memory, anonymous and file-backed, at the end of the run.
#
#   bench/mixed.sh [WORKS] [SECONDS] [LOAD...]
#
# WORKS defaults to 1,000,000 (generated once into $MIXED_DIR, about seven minutes);
# SECONDS per load to 60; LOADs are requests/s offered, 0 meaning as fast as it answers
# (default: 500 1000 1500 2000 0). Needs python3; goose is built here.
set -euo pipefail
WORKS=${1:-1000000}
SECONDS_PER_LOAD=${2:-60}
shift 2 2>/dev/null || shift $# 2>/dev/null || true
LOADS=("$@")
[ ${#LOADS[@]} -gt 0 ] || LOADS=(500 1000 1500 2000 0)
USERS=${USERS:-64}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${MIXED_DIR:-/tmp/flourish-mixed-$WORKS}
PORT=18201
source "$ROOT/bench/archive.sh"

echo "--- building flourish and the load generator (release)"
build_flourish
(cd "$ROOT/bench/load" && CARGO_TARGET_DIR="$ROOT/target/load" cargo build --release -q)
LOAD="$ROOT/target/load/release/flourish-load"

# Enough accounts that no one passes the comment limit (20 in 15 minutes) at 2,000 req/s.
archive_with_accounts "$WORKS" 2000 mixed
if [ ! -f chapters.txt ]; then
  python3 - <<'EOF'
import sqlite3
db = sqlite3.connect("data/flourish.db")
rows = db.execute("SELECT work_id, id FROM chapters ORDER BY random() LIMIT 100000")
with open("chapters.txt", "w") as f:
    for work, chapter in rows:
        f.write(f"/works/{work}/chapters/{chapter}\n")
EOF
fi

serve_archive "$PORT"
echo "--- serving $WORKS works after $STARTUP_SECONDS s (from \`flourish serve\` to /healthz answering)"
curl -s -o /dev/null -w "first work page after the start: %{time_total} s\n" "http://127.0.0.1:$PORT/works/1"
curl -s -o /dev/null -w "first /works listing after the start: %{time_total} s\n" "http://127.0.0.1:$PORT/works"
echo "server memory at rest: $(server_memory)"

export WORKS CHAPTERS="$WORK/chapters.txt" TOKENS="$WORK/tokens.txt" ACCOUNT_PREFIX=mixed PASSWORD="$BENCH_PASSWORD"
for load in "${LOADS[@]}"; do
  throttle=()
  label="as fast as it answers"
  if [ "$load" != 0 ]; then
    throttle=(--throttle-requests "$load")
    label="$load req/s offered"
  fi
  echo "--- $label, $USERS visitors, ${SECONDS_PER_LOAD} s"
  "$LOAD" --host "http://127.0.0.1:$PORT" --users "$USERS" --increase-rate "$USERS" \
    --run-time "${SECONDS_PER_LOAD}s" "${throttle[@]}" --quiet 2>/dev/null
  echo "server memory: $(server_memory)"
done
