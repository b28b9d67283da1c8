#!/usr/bin/env bash
# The API contract, at length: schemathesis against a demo archive with a real token,
# every phase and every check. CI runs the same with 25 examples per operation and seed 1
# (crates/flourish/tests/it/api_contract.rs); this runs as many as you like.
#
#   bench/api-contract.sh [EXAMPLES [SEED]]     (defaults: 200, random)
#
# Needs schemathesis: pip install schemathesis (or .ci/run's /opt/schemathesis).
set -euo pipefail
cd "$(dirname "$0")/.."
examples=${1:-200}
seed=${2:-$RANDOM}
st=${FLOURISH_SCHEMATHESIS:-$(command -v schemathesis || echo /opt/schemathesis/bin/schemathesis)}
cargo build --release -q -p flourish
bin=$PWD/target/release/flourish
dir=$(mktemp -d)
trap 'kill $(cat "$dir/pid" 2>/dev/null) 2>/dev/null || true; rm -rf "$dir"' EXIT
cd "$dir"
printf '[rate_limit]\nrequests = 0\n' > flourish.toml
"$bin" dev add-accounts --count 1 --prefix scripter --joined-days-ago 30 \
  --password "mandrakes remember everything" --tokens tokens.txt > /dev/null
"$bin" serve --demo --listen 127.0.0.1:18091 > serve.log 2>&1 &
echo $! > pid
for _ in $(seq 1 50); do curl -sf http://127.0.0.1:18091/healthz > /dev/null && break; sleep 0.2; done
"$st" --config-file "$OLDPWD/bench/schemathesis.toml" run http://127.0.0.1:18091/api/v1/openapi.json \
  --header "Authorization: Bearer $(head -1 tokens.txt)" \
  --phases examples,coverage,fuzzing,stateful --checks all \
  --max-examples "$examples" --seed "$seed" --no-color
