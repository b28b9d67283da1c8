#!/usr/bin/env bash
# What holds the server's memory under mixed traffic (issue 19): the release build with
# jemalloc's heap profiler (feature heap-profiling) serves a generated archive under
# bench/lua/mixed.lua at a steady pace for MINUTES; jemalloc writes a heap profile every
# 1 GiB allocated. Prints the live heap by function at the last profile, and what grew
# between the profile after the first minute and the last.
#
#   bench/heap-profile.sh [MINUTES] [WORKS]
#
# Needs wrk and jeprof (Debian: wrk, libjemalloc-dev; installed when run as root).
set -euo pipefail
MINUTES=${1:-8}
WORKS=${2:-100000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${HEAP_DIR:-/tmp/flourish-heap-$WORKS}
PORT=18193
source "$ROOT/bench/archive.sh"
need_tools wrk:wrk jeprof:libjemalloc-dev
# The profiling build is copied aside: the next plain build takes target/release back.
(cd "$ROOT" && cargo build --release -q -p flourish --features heap-profiling)
mkdir -p "$WORK"
cp "$ROOT/target/release/flourish" "$WORK/flourish-heap-profiling"
BIN="$WORK/flourish-heap-profiling"
archive_with_accounts "$WORKS" 2000 heap
rm -rf "$WORK/profiles" && mkdir -p "$WORK/profiles"
# One sample per 512 KiB allocated on average; a profile per 2^30 bytes allocated.
export _RJEM_MALLOC_CONF="prof:true,lg_prof_sample:19,lg_prof_interval:30,prof_prefix:$WORK/profiles/heap"
serve_archive "$PORT"
unset _RJEM_MALLOC_CONF

export LUA_DIR="$ROOT/bench/lua" TOKENS="$WORK/tokens.txt" WORKS THREADS=2
RUNS=$(( $(cat runs 2>/dev/null || echo 0) + 1 ))
echo "$RUNS" > runs
for minute in $(seq 1 "$MINUTES"); do
  # Each minute writes its own (account, work) pairs, as in soak.sh.
  LABEL="minute $minute" OFFSET=$(( (RUNS * 64 + minute) * 400000 )) RUN="heap-$RUNS-$minute-" PACE_MS=25 \
    wrk -t2 -c16 -d60s --latency -s "$LUA_DIR/mixed.lua" "http://127.0.0.1:$PORT" | tail -1
  echo "    $(server_memory)"
  if [ "$minute" = 1 ]; then BASE=$(ls -t "$WORK"/profiles/*.heap | head -1); fi
done
LAST=$(ls -t "$WORK"/profiles/*.heap | head -1)
echo "--- live heap at the end ($(basename "$LAST")), by function"
jeprof --text "$BIN" "$LAST" 2>/dev/null | head -30
echo "--- grown since the first minute ($(basename "$BASE"))"
jeprof --text --base="$BASE" "$BIN" "$LAST" 2>/dev/null | head -30
