#!/usr/bin/env bash
# Bulk import: N generated story files (plain text with chapters, POV banners, notes) with
# `flourish import`, into a new SQLite archive and into a new PostgreSQL database, then the
# PostgreSQL archive exported (`flourish export --all`) and read back whole into a second
# new PostgreSQL database with `flourish import --archive`. Prints works/s for each; the
# goal is 1,000 works/s (issue 19).
#
#   bash bench/import.sh [FILES]
#
# PostgreSQL is the machine's (PG_URL, default postgres://postgres@127.0.0.1:5432); two
# scratch databases are made there and dropped at the end.
set -euo pipefail
FILES=${1:-10000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d /tmp/flourish-import.XXXXXX)
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432}
FIRST=flourish_import_bench
SECOND=flourish_import_bench_archive
psql_admin() { psql -q "$PG_URL/postgres" -v ON_ERROR_STOP=1 -c "$1" >/dev/null; }
cleanup() {
  cd /
  psql_admin "DROP DATABASE IF EXISTS $FIRST" || true
  psql_admin "DROP DATABASE IF EXISTS $SECOND" || true
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "--- building flourish (release)"
(cd "$ROOT" && cargo build --release -q -p flourish)
BIN="$ROOT/target/release/flourish"

echo "--- writing $FILES story files"
python3 - "$WORK/files" "$FILES" <<'PY'
import os, random, sys
out, n = sys.argv[1], int(sys.argv[2])
os.makedirs(out)
rng = random.Random(7)
words = "the lantern quiet letter tower said and she he walked into rain morning smiled book shop corner war after before green eyes owl tea".split()
for i in range(n):
    parts = [f"Story Number {i}", ""]
    for c in range(1, rng.randint(1, 3) + 1):
        parts += [f"Chapter {c}: Part {c}", "", "*Draco's Point of View*", ""]
        for _ in range(rng.randint(3, 12)):
            parts += [" ".join(rng.choice(words) for _ in range(60)).capitalize() + ".", ""]
    parts += ["A/N: Thanks for reading!"]
    with open(os.path.join(out, f"story-{i:05}.txt"), "w") as f:
        f.write("\n".join(parts))
PY
du -sh "$WORK/files" | sed 's/^/size: /'
cd "$WORK"

# Runs a command, then prints its label, works and works/s.
timed() { # LABEL COMMAND...
  local label=$1 start secs
  shift
  start=$(date +%s.%N)
  "$@" > "$WORK/out.txt"
  secs=$(awk "BEGIN {print $(date +%s.%N) - $start}")
  awk -v l="$label" -v s="$secs" -v n="$FILES" 'BEGIN {printf "%-44s %6d works in %6.1f s: %6.0f works/s\n", l, n, s, n / s}'
}

echo "--- importing"
timed "import files (SQLite)" env FLOURISH_LOG=warn FLOURISH_DATA_DIR="$WORK/sqlite" \
  "$BIN" import --pseud bench --fandom "Harry Potter - J. K. Rowling" files/
tail -n 1 "$WORK/out.txt"

psql_admin "DROP DATABASE IF EXISTS $FIRST"
psql_admin "CREATE DATABASE $FIRST"
timed "import files (PostgreSQL)" env FLOURISH_LOG=warn FLOURISH_DATABASE_URL="$PG_URL/$FIRST" \
  "$BIN" import --pseud bench --fandom "Harry Potter - J. K. Rowling" files/
tail -n 1 "$WORK/out.txt"

FLOURISH_LOG=warn FLOURISH_DATABASE_URL="$PG_URL/$FIRST" "$BIN" export --all "$WORK/export" >/dev/null
psql_admin "DROP DATABASE IF EXISTS $SECOND"
psql_admin "CREATE DATABASE $SECOND"
timed "import --archive (PostgreSQL to PostgreSQL)" env FLOURISH_LOG=warn FLOURISH_DATABASE_URL="$PG_URL/$SECOND" \
  "$BIN" import --archive "$WORK/export"
tail -n 1 "$WORK/out.txt"
