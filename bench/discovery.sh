#!/usr/bin/env bash
# Discovery at scale: a generated archive of WORKS works (default 1,000,000, SQLite), its
# search index built from scratch, then the queries of issue 4:
#   (a) a fandom listing sorted by kudos, with sidebar counts;
#   (b) 3 included and 3 excluded tags and a word range, with counts;
#   (c) free text for a common word, with counts;
#   (d) tag autocomplete for a two-letter prefix;
#   (e) the unfiltered listing under a filter profile muting 50 tags and 20 creators,
#       beside the same listing without it (in process, counted afresh);
# and (a)-(c) again through the JSON API (/api/v1/works, /api/v1/search), each right
# after its HTML listing.
# Prints: index build time and size; p50/p99 in process for the index and for the SQL
# baseline (FTS5 + GROUP BY) in the same run; p50/p99 over HTTP with one connection
# (wrk); the server's resident memory.
#
#   bash bench/discovery.sh [WORKS] [SECONDS]
#
# The generated archive is kept in bench/work/discovery-WORKS (generating a million works
# takes a while); delete it to start over. Needs wrk (installed when run as root).
set -euo pipefail
WORKS=${1:-1000000}
SECONDS_PER_RUN=${2:-10}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DATA="$ROOT/bench/work/discovery-$WORKS"
PORT=18191
cleanup() { kill $(jobs -p) 2>/dev/null || true; }
trap cleanup EXIT

if ! command -v wrk >/dev/null; then
  [ "$(id -u)" = 0 ] || { echo "please install wrk" >&2; exit 1; }
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi

echo "--- building flourish (release)"
(cd "$ROOT" && cargo build --release -q -p flourish)
BIN="$ROOT/target/release/flourish"
export FLOURISH_LOG=warn,sqlx=error
# The per-address request limit is off: every request comes from one address here.
export FLOURISH_RATE_LIMIT_REQUESTS=0

mkdir -p "$DATA"
if [ ! -f "$DATA/generated" ]; then
  echo "--- generating $WORKS works"
  rm -rf "$DATA"/*
  "$BIN" dev gen-corpus --works "$WORKS" --seed 1 --data-dir "$DATA"
  touch "$DATA/generated"
fi
echo "--- database: $(du -sh "$DATA/flourish.db" | cut -f1)"

echo "--- building the index from scratch"
"$BIN" reindex --data-dir "$DATA"

echo "--- in process: search index vs SQL baseline"
"$BIN" dev bench-queries --data-dir "$DATA" --paths "$DATA/paths.txt"

echo "--- over HTTP, one connection, ${SECONDS_PER_RUN}s each"
"$BIN" serve --data-dir "$DATA" --listen 127.0.0.1:$PORT &
SERVER=$!
for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.5; done
names=("(a) fandom by kudos" "(b) 3 in, 3 out, words" "(c) text \"night\"" "(d) autocomplete \"si\"")
i=0
while read -r path; do
  curl -sf "http://127.0.0.1:$PORT$path" -o /dev/null
  out=$(wrk -t1 -c1 -d"${SECONDS_PER_RUN}s" --latency "http://127.0.0.1:$PORT$path")
  p50=$(echo "$out" | awk '$1=="50%"{print $2}')
  p99=$(echo "$out" | awk '$1=="99%"{print $2}')
  rps=$(echo "$out" | awk '/Requests\/sec/{print $2}')
  printf '%-26s p50 %-9s p99 %-9s %s req/s   %s\n' "${names[$i]}" "$p50" "$p99" "$rps" "$path"
  # The same listing as JSON, straight after, so both see the same machine.
  api=$(echo "$path" | sed -e 's|^/works/search|/api/v1/search|' -e 's|^/works|/api/v1/works|')
  if [ "$api" != "$path" ]; then
    curl -sf "http://127.0.0.1:$PORT$api" -o /dev/null
    out=$(wrk -t1 -c1 -d"${SECONDS_PER_RUN}s" --latency "http://127.0.0.1:$PORT$api")
    p50=$(echo "$out" | awk '$1=="50%"{print $2}')
    p99=$(echo "$out" | awk '$1=="99%"{print $2}')
    rps=$(echo "$out" | awk '/Requests\/sec/{print $2}')
    printf '%-26s p50 %-9s p99 %-9s %s req/s   %s\n' "  same, API (JSON)" "$p50" "$p99" "$rps" "$api"
  fi
  i=$((i + 1))
done < "$DATA/paths.txt"
echo "--- server resident memory: $(awk '/VmRSS/{printf "%.0f MiB", $2/1024}' /proc/$SERVER/status)"
