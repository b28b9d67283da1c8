#!/usr/bin/env bash
# Hit counting's cost, in one run: a guest chapter page from the page cache (the common
# case) with 1,000 visitors reading it again and again, the same with a new visitor every
# request (every request a new hit to write: a flood no archive sees), and the page
# rendered (cache off) with 1,000 visitors; each with hit counting off and on. The server is
# restarted for each setting; the runs alternate off, on three times. Per case it prints the
# ratio on/off of the best runs (this shared machine now and then runs a whole run several
# times slower; the best run is the least disturbed) and of all runs summed. Prints figures, asserts none.
#
#   bash bench/hits.sh [WORKS] [SECONDS]
#
# Needs: wrk (Debian: wrk); installs it when run as root.
set -euo pipefail
WORKS=${1:-5000}
SECONDS_PER_RUN=${2:-10}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d /tmp/flourish-bench.XXXXXX)
PORT=18195
cleanup() {
  kill $(jobs -p) 2>/dev/null || true
  sleep 0.5
  rm -rf "$WORK"
}
trap cleanup EXIT
if ! command -v wrk >/dev/null; then
  [ "$(id -u)" = 0 ] || { echo "please install wrk" >&2; exit 1; }
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
echo "--- building flourish (release)"
(cd "$ROOT" && cargo build --release -q -p flourish)
BIN="$ROOT/target/release/flourish"
export LUA_DIR="$ROOT/bench/lua" FLOURISH_RATE_LIMIT_REQUESTS=0
cd "$WORK"
echo "--- generating $WORKS works"
FLOURISH_LOG=warn "$BIN" dev gen-corpus --works "$WORKS" --seed 7 >/dev/null

serve() { # count_hits page_cache_mb
  FLOURISH_LOG=warn FLOURISH_COUNT_HITS=$1 FLOURISH_PAGE_CACHE_MB=$2 "$BIN" serve --listen 127.0.0.1:$PORT &
  SERVER=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && return; sleep 0.1; done
  echo "server did not start" >&2; exit 1
}
stop() { kill $SERVER; wait $SERVER 2>/dev/null || true; }

serve false 64
WORK_ID=$((WORKS / 2))
PAGE=""
for id in $(seq $WORK_ID $((WORK_ID + 50))); do
  PAGE=$(curl -sf "http://127.0.0.1:$PORT/works/$id/navigate" | grep -o "/works/$id/chapters/[0-9]*" | sed -n 2p || true)
  [ -n "$PAGE" ] && break
done
stop
echo "--- page $PAGE, every request a new visitor, ${SECONDS_PER_RUN}s a run"

declare -A RPS BEST
for case in "64 1000" "64 0" "0 1000"; do
  set -- $case
  cache=$1 visitors=$2
  for round in 1 2 3; do
    for hits in false true; do
      serve $hits $cache
      # A started server settles (its indexer's catch-up, autocomplete) before it is timed.
      wrk -t2 -c32 -d5s "http://127.0.0.1:$PORT$PAGE" >/dev/null
      LABEL="cache=${cache}MB visitors=$visitors hits=$hits round $round" THREADS=2 VISITORS=$visitors \
        wrk -t2 -c32 -d"${SECONDS_PER_RUN}s" -s "$LUA_DIR/visitors.lua" "http://127.0.0.1:$PORT$PAGE" | tee "$WORK/out.txt" | grep -E "req/s|rps" || cat "$WORK/out.txt"
      rps=$(grep -oE "[0-9.]+ req/s" "$WORK/out.txt" | head -1 | cut -d' ' -f1)
      RPS[$case,$hits]=$(awk -v a="${RPS[$case,$hits]:-0}" -v b="${rps:-0}" 'BEGIN { print a + b }')
      BEST[$case,$hits]=$(awk -v a="${BEST[$case,$hits]:-0}" -v b="${rps:-0}" 'BEGIN { print (b > a ? b : a) }')
      stop
    done
  done
  echo "cache=${cache}MB, visitors=${visitors/#0/a new one each request}: throughput with hit counting / without = $(awk -v a="${BEST[$case,true]}" -v b="${BEST[$case,false]}" 'BEGIN { printf "%.3f", a / b }') best runs, $(awk -v a="${RPS[$case,true]}" -v b="${RPS[$case,false]}" 'BEGIN { printf "%.3f", a / b }') all runs"
done
