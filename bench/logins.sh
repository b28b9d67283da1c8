#!/usr/bin/env bash
# Logins: the argon2id parameters and what one login costs, then a chapter page's p50/p99
# under steady reading alone and again during a burst of 100 concurrent logins, in one run
# against one release server (SQLite, 1,000 generated works).
#
#   bash bench/logins.sh [SECONDS] [READERS]
#
# Needs: wrk (Debian: wrk); installs it when run as root.
set -euo pipefail
SECONDS_PER_RUN=${1:-10}
READERS=${2:-8}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d /tmp/flourish-logins.XXXXXX)
PORT=18191
PASSWORD="a long benchmark passphrase"
cleanup() { kill $(jobs -p) 2>/dev/null || true; sleep 0.5; rm -rf "$WORK"; }
trap cleanup EXIT

if ! command -v wrk >/dev/null; then
  [ "$(id -u)" = 0 ] || { echo "please install wrk" >&2; exit 1; }
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi

echo "--- building flourish (release)"
(cd "$ROOT" && cargo build --release -q -p flourish)
BIN="$ROOT/target/release/flourish"
cd "$WORK"
export FLOURISH_LOG=warn
# Every request comes from one address here: the per-address request limit is off.
export FLOURISH_RATE_LIMIT_REQUESTS=0

echo "--- one password, in process"
"$BIN" dev bench-password --iterations 40

"$BIN" dev gen-corpus --works 1000 --seed 3 >/dev/null
"$BIN" dev add-accounts --count 100 --prefix reader --password "$PASSWORD"
"$BIN" serve --listen 127.0.0.1:$PORT >/dev/null &
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done

CHAPTER=""
for id in $(seq 500 600); do
  CHAPTER=$(curl -sf "http://127.0.0.1:$PORT/works/$id/navigate" | grep -o "/works/$id/chapters/[0-9]*" | sed -n 2p || true)
  [ -n "$CHAPTER" ] && break
done
[ -n "$CHAPTER" ] || { echo "no multi-chapter work found" >&2; exit 1; }
URL="http://127.0.0.1:$PORT$CHAPTER"

# Each login posts its own account's name; the CSRF token is the browser's own cookie,
# echoed in the form (what the double-submit check compares).
TOKEN=$(printf 'b%.0s' $(seq 1 64))
cat > login.lua <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "flourish_csrf=$TOKEN"
local n = 0
request = function()
  n = n + 1
  local body = "csrf=$TOKEN&login=reader" .. ((n % 100) + 1) .. "&password=$(echo "$PASSWORD" | sed 's/ /+/g')"
  return wrk.format(nil, "/login", nil, body)
end
LUA

p() { # label, wrk output: p50 and p99 and rate
  awk -v label="$1" '/^ +50%/ {p50=$2} /^ +99%/ {p99=$2} /^Requests\/sec/ {rps=$2} /Non-2xx/ {bad=$NF}
    END {printf "%-44s p50 %8s  p99 %8s  %9s req/s%s\n", label, p50, p99, rps, (bad ? "  non-2xx/3xx: " bad : "")}'
}

echo "--- over HTTP ($SECONDS_PER_RUN s each, chapter $CHAPTER, $READERS reading connections)"
wrk -t1 -c1 -d5s --latency -s login.lua "http://127.0.0.1:$PORT" | p "one login at a time"
wrk -t2 -c"$READERS" -d"${SECONDS_PER_RUN}s" --latency "$URL" | p "chapter page, no logins"
wrk -t1 -c100 -d"$((SECONDS_PER_RUN + 4))s" --latency -s login.lua "http://127.0.0.1:$PORT" > burst.txt &
sleep 2
wrk -t2 -c"$READERS" -d"${SECONDS_PER_RUN}s" --latency "$URL" | p "chapter page, during 100 concurrent logins"
wait %?wrk 2>/dev/null || true
sleep 3
p "the 100 concurrent logins themselves" < burst.txt
