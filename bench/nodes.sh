#!/usr/bin/env bash
# Several nodes (issue 19): the mixed visitors of bench/load against one node on SQLite,
# then against two nodes sharing one PostgreSQL database behind nginx, on archives of the
# same size generated the same way, in one run. For each: requests/s, p50, p99 and errors
# per kind of request, each node's memory, and the database's own numbers (its
# connections, and transactions/s from pg_stat_database).
#
#   bench/nodes.sh [WORKS] [SECONDS] [LOAD...]
#
# WORKS defaults to 100,000 (generated once into $NODES_DIR and a PostgreSQL database
# flourish_nodes_WORKS, which are kept for the next run); SECONDS per load to 60; LOADs
# are requests/s offered, 0 meaning as fast as it answers (default: 500 0). Everything runs
# on this one machine: the nodes, PostgreSQL, nginx and the load generator share its cores.
set -euo pipefail
WORKS=${1:-100000}
SECONDS_PER_LOAD=${2:-60}
shift 2 2>/dev/null || shift $# 2>/dev/null || true
LOADS=("$@")
[ ${#LOADS[@]} -gt 0 ] || LOADS=(500 0)
USERS=${USERS:-64}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BASE=${NODES_DIR:-/tmp/flourish-nodes-$WORKS}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432}
DB=flourish_nodes_$WORKS
LB_PORT=18220
source "$ROOT/bench/archive.sh"
need_tools nginx:nginx psql:postgresql-client sqlite3:sqlite3

echo "--- building flourish and the load generator (release)"
build_flourish
(cd "$ROOT/bench/load" && CARGO_TARGET_DIR="$ROOT/target/load" cargo build --release -q)
LOAD="$ROOT/target/load/release/flourish-load"

# The SQLite archive, as mixed.sh makes it.
WORK="$BASE/sqlite"
archive_with_accounts "$WORKS" 2000 mixed
[ -f chapters.txt ] || sqlite3 data/flourish.db \
  "SELECT '/works/' || work_id || '/chapters/' || id FROM chapters ORDER BY random() LIMIT 100000" > chapters.txt

# The PostgreSQL archive: the same generator and accounts, in its own database.
PG_DIR="$BASE/postgres"
mkdir -p "$PG_DIR"
cd "$PG_DIR"
export FLOURISH_LOG=warn
if [ ! -f generated ]; then
  psql -q "$PG_URL/postgres" -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
  echo "--- generating $WORKS works on PostgreSQL"
  FLOURISH_DATABASE_URL="$PG_URL/$DB" "$BIN" dev gen-corpus --works "$WORKS" --seed 3
  FLOURISH_DATABASE_URL="$PG_URL/$DB" "$BIN" dev add-accounts --count 2000 --prefix mixed \
    --password "$BENCH_PASSWORD" --tokens tokens.txt --joined-days-ago 30 >/dev/null
  psql -Atq "$PG_URL/$DB" -c \
    "SELECT '/works/' || work_id || '/chapters/' || id FROM chapters ORDER BY random() LIMIT 100000" > chapters.txt
  touch generated
fi

# PostgreSQL's committed and rolled-back transactions so far, and its connections now.
pg_transactions() { psql -Atq "$PG_URL/$DB" -c "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = '$DB'"; }
pg_connections() { psql -Atq "$PG_URL/$DB" -c "SELECT count(*) FROM pg_stat_activity WHERE datname = '$DB'"; }

# Runs every load against http://127.0.0.1:PORT with the archive in DIR; PIDS are the
# nodes whose memory is reported; ON_PG says whether to report the database's numbers.
run_loads() { # DIR PORT ON_PG PID...
  local dir=$1 port=$2 on_pg=$3
  shift 3
  for load in "${LOADS[@]}"; do
    local throttle=() label="as fast as it answers"
    if [ "$load" != 0 ]; then
      throttle=(--throttle-requests "$load")
      label="$load req/s offered"
    fi
    echo "--- $label, $USERS visitors, ${SECONDS_PER_LOAD} s"
    local before start
    [ "$on_pg" = 1 ] && before=$(pg_transactions)
    start=$(date +%s.%N)
    WORKS=$WORKS CHAPTERS="$dir/chapters.txt" TOKENS="$dir/tokens.txt" ACCOUNT_PREFIX=mixed PASSWORD="$BENCH_PASSWORD" \
      "$LOAD" --host "http://127.0.0.1:$port" --users "$USERS" --increase-rate "$USERS" \
      --run-time "${SECONDS_PER_LOAD}s" "${throttle[@]}" --quiet 2>/dev/null
    if [ "$on_pg" = 1 ]; then
      awk -v a="$before" -v b="$(pg_transactions)" -v s="$(awk "BEGIN {print $(date +%s.%N) - $start}")" \
        -v c="$(pg_connections)" 'BEGIN {printf "PostgreSQL: %.0f transactions/s, %d connections at the end\n", (b - a) / s, c}'
    fi
    local n=1
    for pid in "$@"; do
      echo "node $n memory: $(server_memory "$pid")"
      n=$((n + 1))
    done
  done
}

export FLOURISH_RATE_LIMIT_REQUESTS=0

echo "=== one node, SQLite ($WORKS works)"
WORK="$BASE/sqlite"
cd "$WORK"
serve_archive 18221
echo "serving after $STARTUP_SECONDS s"
run_loads "$BASE/sqlite" 18221 0 "$SERVER"
kill "$SERVER"
wait "$SERVER" 2>/dev/null || true

echo "=== two nodes, PostgreSQL, behind nginx ($WORKS works)"
NODES=()
for n in 1 2; do
  mkdir -p "$PG_DIR/node$n"
  FLOURISH_DATABASE_URL="$PG_URL/$DB" FLOURISH_DATA_DIR="$PG_DIR/node$n" \
    "$BIN" serve --listen "127.0.0.1:1822$((n + 1))" > "$PG_DIR/node$n.log" 2>&1 &
  NODES+=($!)
done
for n in 1 2; do
  until curl -sf "http://127.0.0.1:1822$((n + 1))/healthz" >/dev/null; do sleep 0.2; done
done
cat > "$PG_DIR/nginx.conf" <<EOF
worker_processes 1;
pid $PG_DIR/nginx.pid;
error_log $PG_DIR/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $PG_DIR/nginx-body;
  proxy_temp_path $PG_DIR/nginx-proxy;
  upstream flourish {
    server 127.0.0.1:18222;
    server 127.0.0.1:18223;
    keepalive 64;
  }
  server {
    listen 127.0.0.1:$LB_PORT;
    location / {
      proxy_pass http://flourish;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$remote_addr;
    }
  }
}
EOF
nginx -c "$PG_DIR/nginx.conf" -g 'daemon off;' &
NGINX=$!
until curl -sf "http://127.0.0.1:$LB_PORT/healthz" >/dev/null; do sleep 0.1; done
run_loads "$PG_DIR" "$LB_PORT" 1 "${NODES[@]}"
kill "$NGINX" "${NODES[@]}"
wait 2>/dev/null || true
