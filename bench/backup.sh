#!/usr/bin/env bash
# Backup and restore of a generated SQLite archive (default 1,000,000 works): the time,
# the size and the peak memory of `flourish backup`, then of `flourish restore` into an
# empty data directory.
#
#   bench/backup.sh [WORKS] [ARCHIVE_DIR]
#
# ARCHIVE_DIR keeps the generated archive between runs (generating a million works takes
# about 7 minutes on two cores).
set -euo pipefail
cd "$(dirname "$0")/.."
works=${1:-1000000}
archive=${2:-/tmp/flourish-bench-backup-$works}
cargo build --release -q -p flourish
bin=$PWD/target/release/flourish
if [ ! -f "$archive/data/flourish.db" ]; then
  mkdir -p "$archive"
  echo "--- generating $works works in $archive"
  "$bin" dev gen-corpus --works "$works" --data-dir "$archive/data"
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "--- archive: $(du -h "$archive/data/flourish.db" | cut -f1)"
echo "--- backup"
/usr/bin/time -f "wall %e s, peak resident %M KiB" "$bin" backup "$out/backup" --data-dir "$archive/data"
echo "backup size: $(du -h "$out/backup/flourish.db" | cut -f1)"
echo "--- restore"
/usr/bin/time -f "wall %e s, peak resident %M KiB" "$bin" restore "$out/backup" --data-dir "$out/restored"
