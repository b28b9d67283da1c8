#!/usr/bin/env bash
# Coverage-guided fuzzing (cargo-fuzz, libFuzzer, nightly) of every target in fuzz/, each
# for SECONDS (default 600), growing its corpus in fuzz/corpus/TARGET. Prints each
# target's executions and crashes; a crash leaves its input in fuzz/artifacts/TARGET/, to
# be fixed and added to the corpus, which CI replays (crates/flourish-fuzz/tests).
#
#   bench/fuzz.sh [SECONDS] [TARGET...]
#
# Needs: rustup toolchain nightly, cargo install cargo-fuzz, a C++ compiler.
set -uo pipefail
cd "$(dirname "$0")/../fuzz"
seconds=${1:-600}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(import_txt import_md import_html import_epub sanitize search epub config api_body)
fi
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
cargo +nightly fuzz build -O || exit 1
printf '%-12s %12s %8s %8s\n' target executions seconds crashes
for t in "${targets[@]}"; do
  log=$(mktemp)
  cargo +nightly fuzz run -O "$t" "corpus/$t" -- -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=30 \
    -print_final_stats=1 > "$log" 2>&1
  status=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  crashes=$(ls "artifacts/$t" 2>/dev/null | wc -l)
  printf '%-12s %12s %8s %8s\n' "$t" "${runs:-?}" "$seconds" "$crashes"
  if [ "$status" -ne 0 ]; then
    echo "--- $t stopped ($status):"; tail -30 "$log"
  fi
  rm -f "$log"
done
