#!/usr/bin/env bash
# The subscriptions figure, in one run: 100,000 accounts follow one work of a generated
# SQLite archive; a chapter is posted and delivered the way every node's worker does it
# (chunks of 1,000 followers, one short transaction each) while two readers read the
# work's first chapter; then the digest round queues the digest emails. Prints how long
# composing and queueing took, and the readers' latency alone and during delivery.
#
#   bash bench/followers.sh [FOLLOWERS] [WORKS] [-- extra bench-followers flags]
#
# With --compare, it also runs other chunk sizes and pauses, each on a fresh archive.
#
# Prints figures, asserts none.
set -euo pipefail
FOLLOWERS=${1:-100000}
WORKS=${2:-1000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d /tmp/flourish-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

echo "--- building flourish (release)"
(cd "$ROOT" && cargo build --release -q -p flourish)
BIN="$ROOT/target/release/flourish"
cd "$WORK"
echo "--- generating $WORKS works"
FLOURISH_LOG=warn "$BIN" dev gen-corpus --works "$WORKS" --seed 7 >/dev/null
echo "--- $FOLLOWERS followers of work 1"
FLOURISH_LOG=warn "$BIN" dev bench-followers --work 1 --followers "$FOLLOWERS"
if [ "${3:-}" = "--compare" ]; then
  for setting in "1000 5" "250 40" "100 20"; do
    set -- $setting
    rm -rf data && FLOURISH_LOG=warn "$BIN" dev gen-corpus --works "$WORKS" --seed 7 >/dev/null
    echo "--- chunk $1, pause $2 ms"
    FLOURISH_LOG=warn "$BIN" dev bench-followers --work 1 --followers "$FOLLOWERS" --chunk "$1" --pause-ms "$2"
  done
fi
