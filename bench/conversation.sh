#!/usr/bin/env bash
# The conversation layer under load, on a generated SQLite archive, in one run:
#
#  1. A chapter page rendered with the page cache off: first with no comments, then with
#     1,000 comments in 200 threads (the page shows 25 threads of them), p50/p99.
#  2. Kudos from 64 concurrent API clients, every one a new (account, work) pair, paced to
#     a little over 2,000/s, while a reader loads a chapter page (rendered) every 10 ms; the
#     reader's p99 alone and during the kudos. Then the kudos flat out, for the ceiling.
#  3. Posting comments through the API from 4 clients at once, and from one, p50/p99.
#
# One node serves it all, page cache off, on the machine that runs the load generator.
#
#   bash bench/conversation.sh [WORKS] [SECONDS]
#
# Needs: wrk (Debian: wrk); installs it when run as root. Prints figures, asserts none.
set -euo pipefail
WORKS=${1:-5000}
SECONDS_PER_RUN=${2:-15}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d /tmp/flourish-bench.XXXXXX)
PORT=18191
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
export LUA_DIR="$ROOT/bench/lua" WORKS

echo "--- generating $WORKS works and 1,000 reader accounts with API tokens"
cd "$WORK"
FLOURISH_LOG=warn "$BIN" dev gen-corpus --works "$WORKS" --seed 7 >/dev/null
# Readers who joined a month ago: the limits on brand-new accounts are not measured here.
FLOURISH_LOG=warn "$BIN" dev add-accounts --count 1000 --prefix reader --password "bench passphrase" \
  --tokens "$WORK/tokens.txt" --joined-days-ago 30 >/dev/null
export TOKENS="$WORK/tokens.txt"

# One node, its page cache off: every page is rendered (the figures asked for are of
# rendering), and the readers' pages compete with the writes for the same two cores. The
# per-address request limit is off: every request comes from one address here.
export FLOURISH_RATE_LIMIT_REQUESTS=0
FLOURISH_LOG=error FLOURISH_PAGE_CACHE_MB=0 "$BIN" serve --listen 127.0.0.1:$PORT &
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done

# Writes leave work behind them (the search index follows the outbox, mail jobs queue):
# each phase starts once the last one's has been done, so it measures itself.
settle() { sleep 20; }

last_chapter() { # work id -> path of its last chapter
  curl -sf "http://127.0.0.1:$PORT/works/$1/navigate" | grep -o "/works/$1/chapters/[0-9]*" | tail -1
}
THREADED=$((WORKS / 2))
READER_WORK=$((WORKS / 3))
THREADED_PATH=$(last_chapter $THREADED)
READER_PATH=$(last_chapter $READER_WORK)
[ -n "$THREADED_PATH" ] && [ -n "$READER_PATH" ] || { echo "no chapters found" >&2; exit 1; }
PAGES="http://127.0.0.1:$PORT"

get() { # label url connections seconds
  LABEL="$1" wrk -t1 -c"$3" -d"$4s" --latency -s "$LUA_DIR/get.lua" "$2" | grep -E "req/s" || true
}

echo "--- 1. chapter page, page cache off, 4 connections, ${SECONDS_PER_RUN}s each"
get "warm-up" "$PAGES$THREADED_PATH" 4 3 >/dev/null
get "chapter page, no comments" "$PAGES$THREADED_PATH" 4 "$SECONDS_PER_RUN"
FLOURISH_LOG=warn "$BIN" dev seed-comments --work $THREADED --comments 1000 --threads 200 --prefix reader
BYTES_WITH=$(curl -sf "$PAGES$THREADED_PATH" | wc -c)
SHOWN=$(curl -sf "$PAGES$THREADED_PATH" | grep -o 'class="comment' | wc -l)
get "warm-up" "$PAGES$THREADED_PATH" 4 3 >/dev/null
get "chapter page, 1,000 comments in 200 threads" "$PAGES$THREADED_PATH" 4 "$SECONDS_PER_RUN"
echo "    (the page with comments: $BYTES_WITH bytes, $SHOWN comments shown: 25 threads and their replies)"

settle
# The reader reads one chapter page every 10 ms (about 90 a second, far more than a
# person): a probe of what readers feel, not a second flood competing for the cores.
echo "--- 2. kudos from 64 API clients, beside a reader (a chapter page every 10 ms)"
ALONE=$(PACE_MS=10 get "reader alone" "$PAGES$READER_PATH" 1 "$SECONDS_PER_RUN")
echo "$ALONE"
PACE_MS=10 get "reader during the kudos" "$PAGES$READER_PATH" 1 "$SECONDS_PER_RUN" > "$WORK/during" &
READER=$!
# 64 clients, each pausing 24 ms between kudos: an offered load a little over the 2,000
# kudos/s asked for, held for the whole run.
PACE_MS=24 THREADS=2 LABEL="kudos, 64 clients, paced" wrk -t2 -c64 -d"${SECONDS_PER_RUN}s" --latency \
  -s "$LUA_DIR/kudos.lua" "http://127.0.0.1:$PORT" | grep -E "req/s"
wait $READER
cat "$WORK/during"
p99() { sed -n 's/.*p99 *\([0-9.]*\) ms.*/\1/p'; }
awk -v a="$(echo "$ALONE" | p99)" -v d="$(p99 < "$WORK/during")" \
  'BEGIN { printf "    (the reader'"'"'s p99 during the kudos is %.2f times its p99 alone)\n", d / a }'
settle
# And as fast as they can go, for the ceiling.
OFFSET=1000000 THREADS=2 LABEL="kudos, 64 clients, flat out" wrk -t2 -c64 -d"${SECONDS_PER_RUN}s" --latency -s "$LUA_DIR/kudos.lua" \
  "http://127.0.0.1:$PORT" | grep -E "req/s"
echo "    (every kudos is new: a repeat would be a 409, counted as not 2xx)"

settle
echo "--- 3. posting comments through the API"
RUN=a THREADS=1 LABEL="comment posts, 4 clients" wrk -t1 -c4 -d"${SECONDS_PER_RUN}s" --latency -s "$LUA_DIR/comment.lua" \
  "http://127.0.0.1:$PORT" | grep -E "req/s"
RUN=b THREADS=1 LABEL="comment posts, 1 client" wrk -t1 -c1 -d"${SECONDS_PER_RUN}s" --latency -s "$LUA_DIR/comment.lua" \
  "http://127.0.0.1:$PORT" | grep -E "req/s"
echo "    (a 429 (the per-account limit) or 422 (a refusal) would count as not 2xx)"
