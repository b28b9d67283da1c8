#!/usr/bin/env bash
# Bulk import: N generated story files (plain text with chapters, POV banners, notes) into
# a new SQLite archive with `flourish import`. Prints files/s; the goal is 1,000 works/s.
#
#   bash bench/import.sh [FILES]
set -euo pipefail
FILES=${1:-10000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d /tmp/flourish-import.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

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

echo "--- importing"
cd "$WORK"
FLOURISH_LOG=warn "$BIN" import --pseud bench --fandom "Harry Potter - J. K. Rowling" files/*.txt | tail -n 1
