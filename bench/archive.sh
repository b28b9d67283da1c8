# Sourced by the whole-archive benchmarks (soak.sh, mixed.sh): a generated archive with
# load-test accounts, served by the release build, and its server's memory. Set ROOT and
# WORK (the archive's folder) first. Sourcing it sets the EXIT trap that stops the server
# and every other job the caller started.

trap 'kill $(jobs -p) 2>/dev/null || true' EXIT

# Installs the Debian package of each TOOL:PACKAGE whose tool is missing (as root), or
# says which to install.
need_tools() { # TOOL:PACKAGE...
  local missing=()
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
  done
  [ ${#missing[@]} = 0 ] && return
  [ "$(id -u)" = 0 ] || { echo "please install ${missing[*]} (Debian packages)" >&2; exit 1; }
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# Readers' shared password, for scripts that sign in.
BENCH_PASSWORD="mandrakes remember everything"

# Builds the release binary into BIN.
build_flourish() {
  (cd "$ROOT" && cargo build --release -q -p flourish)
  BIN="$ROOT/target/release/flourish"
}

# In WORK: WORKS generated works (seed 3), once, and COUNT accounts PREFIX1… a month old
# (so not newcomers to the comment limit), their API tokens in tokens.txt.
archive_with_accounts() { # WORKS COUNT PREFIX
  mkdir -p "$WORK"
  cd "$WORK"
  if [ ! -f data/flourish.db ]; then
    echo "--- generating $1 works"
    FLOURISH_LOG=warn "$BIN" dev gen-corpus --works "$1" --seed 3
  fi
  if [ ! -f tokens.txt ]; then
    FLOURISH_LOG=warn "$BIN" dev add-accounts --count "$2" --prefix "$3" --password "$BENCH_PASSWORD" \
      --tokens tokens.txt --joined-days-ago 30 >/dev/null
  fi
}

# Serves the archive in WORK on PORT with no request limit (all load comes from one
# address), sets SERVER to its pid and STARTUP_SECONDS to how long it took to answer.
serve_archive() { # PORT
  export FLOURISH_RATE_LIMIT_REQUESTS=0
  local start
  start=$(date +%s.%N)
  FLOURISH_LOG=warn "$BIN" serve --listen "127.0.0.1:$1" > "$WORK/serve.log" 2>&1 &
  SERVER=$!
  until curl -sf "http://127.0.0.1:$1/healthz" >/dev/null; do sleep 0.05; done
  STARTUP_SECONDS=$(awk "BEGIN {printf \"%.2f\", $(date +%s.%N) - $start}")
}

# A server's resident memory: anonymous (its own) and file-backed (mapped files); the
# server started by serve_archive unless a PID is given.
server_memory() { # [PID]
  awk '/RssAnon/ {a = int($2 / 1024)} /RssFile/ {f = int($2 / 1024)} END {print "anon " a " MiB, file " f " MiB"}' \
    "/proc/${1:-$SERVER}/status"
}
