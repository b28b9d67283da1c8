#!/usr/bin/env bash
# Chapter-page throughput: Flourish serving a chapter of a 10,000-work archive (SQLite),
# beside nginx serving the same page's bytes as a static file, in the same run, with the
# same load generator (wrk) on loopback. Prints requests/s and p50/p99 latency for each,
# and for a second Flourish node with its page cache off (every request rendered).
#
#   bash bench/chapter-page.sh [WORKS] [SECONDS] [CONNECTIONS]
#
# Needs: wrk and nginx (Debian: wrk, nginx-light); installs them when run as root.
set -euo pipefail
WORKS=${1:-10000}
SECONDS_PER_RUN=${2:-15}
CONNECTIONS=${3:-32}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d /tmp/flourish-bench.XXXXXX)
chmod 755 "$WORK"  # nginx's workers (www-data) must read the static copy
FLOURISH_PORT=18181
NGINX_PORT=18182
UNCACHED_PORT=18183
cleanup() {
  kill $(jobs -p) 2>/dev/null || true
  [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  sleep 0.5
  rm -rf "$WORK"
}
trap cleanup EXIT

for tool in wrk nginx; do
  if ! command -v $tool >/dev/null; then
    [ "$(id -u)" = 0 ] || { echo "please install $tool" >&2; exit 1; }
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx-light >/dev/null
  fi
done

echo "--- building flourish (release)"
(cd "$ROOT" && cargo build --release -q -p flourish)
BIN="$ROOT/target/release/flourish"

echo "--- generating $WORKS works"
(cd "$WORK" && FLOURISH_LOG=warn "$BIN" dev gen-corpus --works "$WORKS" --seed 7)

# The per-address request limit is off: every request comes from one address here.
export FLOURISH_RATE_LIMIT_REQUESTS=0
(cd "$WORK" && FLOURISH_LOG=warn "$BIN" serve --listen 127.0.0.1:$FLOURISH_PORT) &
# A second node on the same database with the page cache off: what rendering costs. Like
# any second node it has a data directory of its own (its search index), and names the
# shared database by URL.
mkdir -p "$WORK/node2"
(cd "$WORK" && FLOURISH_LOG=warn FLOURISH_PAGE_CACHE_MB=0 FLOURISH_DATA_DIR="$WORK/node2" \
  FLOURISH_DATABASE_URL="sqlite://$WORK/data/flourish.db" "$BIN" serve --listen 127.0.0.1:$UNCACHED_PORT) &
for port in $FLOURISH_PORT $UNCACHED_PORT; do
  for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
done

# A chapter page from the middle of the archive: the second chapter of a multi-chapter work.
WORK_ID=$((WORKS / 2))
PATH_=""
for id in $(seq $WORK_ID $((WORK_ID + 50))); do
  link=$(curl -sf "http://127.0.0.1:$FLOURISH_PORT/works/$id/navigate" | grep -o "/works/$id/chapters/[0-9]*" | sed -n 2p || true)
  if [ -n "$link" ]; then PATH_=$link; break; fi
done
[ -n "$PATH_" ] || { echo "no multi-chapter work found" >&2; exit 1; }
URL="http://127.0.0.1:$FLOURISH_PORT$PATH_"
mkdir -p "$WORK/static$(dirname "$PATH_")"
curl -sf "$URL" -o "$WORK/static$PATH_"
BYTES=$(stat -c %s "$WORK/static$PATH_")
echo "--- page $PATH_ ($BYTES bytes)"

cat > "$WORK/nginx.conf" <<CONF
worker_processes auto;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  default_type text/html;
  sendfile on;
  keepalive_requests 100000;
  server { listen 127.0.0.1:$NGINX_PORT; root $WORK/static; }
}
CONF
nginx -c "$WORK/nginx.conf"
sleep 0.5
curl -sf "http://127.0.0.1:$NGINX_PORT$PATH_" -o /dev/null

run() { # name url
  wrk -t2 -c"$CONNECTIONS" -d3s "$2" >/dev/null  # warm-up
  wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency "$2" > "$WORK/$1.txt"
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' "$WORK/$1.txt")
  p50=$(awk '$1=="50%" {print $2}' "$WORK/$1.txt")
  p99=$(awk '$1=="99%" {print $2}' "$WORK/$1.txt")
  printf "%-28s %12s req/s   p50 %8s   p99 %8s\n" "$1" "$rps" "$p50" "$p99"
  echo "$rps" > "$WORK/$1.rps"
}

echo "--- wrk: 2 threads, $CONNECTIONS connections, ${SECONDS_PER_RUN}s each, archive of $WORKS works"
run "flourish chapter page" "$URL"
run "flourish, page cache off" "http://127.0.0.1:$UNCACHED_PORT$PATH_"
run "nginx same bytes (static)" "http://127.0.0.1:$NGINX_PORT$PATH_"
awk -v a="$(cat "$WORK/flourish chapter page.rps")" -v b="$(cat "$WORK/nginx same bytes (static).rps")" \
  'BEGIN { printf "flourish / nginx throughput: %.2f (goal: at least 0.50)\n", a / b }'
