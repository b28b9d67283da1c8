#!/usr/bin/env bash
# The soak (issue 18): mixed traffic (bench/lua/mixed.lua) against a generated archive
# for MINUTES (default 30) at 70% of the capacity measured first, in one-minute slices.
# Each minute prints throughput, p50, p99 and answers that were not 2xx/3xx, with the
# server's resident memory (anonymous and file-backed), open file descriptors and
# database connections; the end compares means of minutes 6-10 and of the last five.
#
#   bench/soak.sh [MINUTES] [WORKS] [CONNECTIONS]
#
# Needs wrk (Debian: wrk; installed when run as root).
set -euo pipefail
MINUTES=${1:-30}
WORKS=${2:-100000}
CONNECTIONS=${3:-16}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${SOAK_DIR:-/tmp/flourish-soak-$WORKS}
PORT=18191
source "$ROOT/bench/archive.sh"
need_tools wrk:wrk
build_flourish
# Enough accounts that none passes the comment limit (20 in 15 minutes): comments are 3%
# of the mix, about 9 an account in 15 minutes at 700 requests/s.
archive_with_accounts "$WORKS" 2000 soak
serve_archive "$PORT"

export LUA_DIR="$ROOT/bench/lua" TOKENS="$WORK/tokens.txt" WORKS THREADS=2
RUN=$(date +%s)
# Each soak on the same archive takes its own range of request numbers (32 runs of
# 400,000: capacity, 30 minutes, calibration), so a second soak does not repeat the first
# one's kudos and bookmarks either: 2,000 accounts times 100,000 works make 15 soaks'
# worth before the archive is spent.
SOAK_NUMBER=$(( $(cat soaks 2>/dev/null || echo 0) + 1 ))
echo "$SOAK_NUMBER" > soaks
BASE=$(( (SOAK_NUMBER - 1) * 32 ))
# Each run's writes start at their own OFFSET, so no (account, work) pair and no comment
# text repeats from one run to the next (a repeat is a refusal, not a write): with 2,000
# accounts each run moves 200 works on, so 30 runs fit in 100,000 works many times over.
# Passed in, not kept in a variable: the runs happen in subshells.
mixed() { # LABEL SECONDS RUN_NUMBER [PACE_MS]
  LABEL="$1" OFFSET=$(( (BASE + $3) * 400000 )) RUN="$RUN-$3-" PACE_MS="${4:-}" wrk -t2 -c"$CONNECTIONS" -d"$2"s --latency \
    -s "$LUA_DIR/mixed.lua" "http://127.0.0.1:$PORT" | tail -1
}
sample() {
  local fds db
  fds=$(ls /proc/$SERVER/fd | wc -l)
  db=$(ls -l /proc/$SERVER/fd 2>/dev/null | grep -c 'flourish.db$' || true)
  echo "$(server_memory), fds ${fds}, database connections ${db}"
}

echo "--- capacity (30 s, unpaced)"
line=$(mixed "capacity" 30 0)
echo "$line"
capacity=$(echo "$line" | awk '{for (i = 1; i <= NF; i++) if ($i == "req/s") print int($(i-1))}')
target=$(( capacity * 7 / 10 ))
# wrk waits PACE_MS before each request and then for the answer, so a connection's cycle
# is the pace plus the answer's time: one paced run measures that time, and the pace
# leaves it out (without this the soak reached 57% of capacity, not 70%).
pace=$(( CONNECTIONS * 1000 / target ))
line=$(mixed "calibration" 20 31 "$pace")
reached=$(echo "$line" | awk '{for (i = 1; i <= NF; i++) if ($i == "req/s") print int($(i-1))}')
answer_ms=$(( CONNECTIONS * 1000 / reached - pace ))
pace=$(( CONNECTIONS * 1000 / target - answer_ms ))
[ "$pace" -ge 1 ] || pace=1
echo "--- soak: $MINUTES minutes at 70% of $capacity req/s = $target req/s ($CONNECTIONS connections, each waiting ${pace} ms, answers taking about ${answer_ms} ms)"
for minute in $(seq 1 "$MINUTES"); do
  echo "minute $minute: $(mixed "" 60 "$minute" "$pace" | sed 's/^ *//')   $(sample)"
done | tee soak.log
# One sample a minute is noisy (a rebuild of the tag autocomplete holds its old and new copy
# for a moment), so the trend compares five-minute means: minutes 6-10, after the bounded
# caches have filled, against the last five.
echo "--- the trend: minutes 6-10 against the last five (means)"
awk -v last="$MINUTES" '
  { m = $2 + 0; for (i = 1; i <= NF; i++) { if ($i == "p99") p = $(i + 1); if ($i == "anon") a = $(i + 1); if ($i == "fds") f = $(i + 1) + 0; if ($i == "connections") c = $(i + 1) + 0 } }
  m >= 6 && m <= 10 { n1++; p1 += p; a1 += a; if (f > f1) f1 = f; if (c > c1) c1 = c }
  m > last - 5 { n2++; p2 += p; a2 += a; if (f > f2) f2 = f; if (c > c2) c2 = c }
  END { if (n1 && n2) printf "p99 %.1f -> %.1f ms, anonymous %.0f -> %.0f MiB (%+.1f%%), most fds %d -> %d, database connections %d -> %d\n",
          p1 / n1, p2 / n2, a1 / n1, a2 / n2, 100 * (a2 / n2 - a1 / n1) / (a1 / n1), f1, f2, c1, c2 }' soak.log
