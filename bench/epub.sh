#!/usr/bin/env bash
# EPUB build time for a 150,000-word, 40-chapter work: Flourish (in process, from the
# stored work, median of 20 builds) beside pandoc and calibre's ebook-convert making an
# EPUB from the same text as one HTML file (wall time of each run, median of 3), in one run.
#
#   bash bench/epub.sh [WORDS] [CHAPTERS]
#
# Needs: pandoc and calibre (Debian: pandoc, calibre); installs them when run as root.
set -euo pipefail
WORDS=${1:-150000}
CHAPTERS=${2:-40}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d /tmp/flourish-epub.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

for tool in pandoc ebook-convert; do
  if ! command -v $tool >/dev/null; then
    [ "$(id -u)" = 0 ] || { echo "please install pandoc and calibre" >&2; exit 1; }
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pandoc calibre >/dev/null
  fi
done

echo "--- building flourish (release)"
(cd "$ROOT" && cargo build --release -q -p flourish)
BIN="$ROOT/target/release/flourish"
cd "$WORK"

# The same story for every tool: one HTML file, a heading per chapter, paragraphs of
# generated prose with dialogue, emphasis and scene breaks.
python3 - "$WORDS" "$CHAPTERS" > book.html <<'PY'
import random, sys
words, chapters = int(sys.argv[1]), int(sys.argv[2])
rng = random.Random(7)
vocab = ("the a and of to in was he she said wand owl letter castle corridor stairs lantern "
         "quiet cold winter fire window shadow broom cauldron potion whisper remembered "
         "looked turned smiled Harry Draco Hermione Ron Pansy night morning shop Diagon "
         "Alley never always perhaps again because before after under over through").split()
per = words // chapters
print("<html><head><meta charset='utf-8'><title>The Long Winter</title></head><body>")
print("<h1>The Long Winter</h1>")
for c in range(1, chapters + 1):
    print(f"<h2>Chapter {c}: The {rng.choice(vocab).title()} {rng.choice(vocab).title()}</h2>")
    left = per
    while left > 0:
        n = min(left, rng.randint(30, 90))
        text = " ".join(rng.choice(vocab) for _ in range(n))
        if rng.random() < 0.3:
            text = f"\u201c{text.capitalize()},\u201d she said."
        elif rng.random() < 0.2 and n > 4:
            w = text.split(" ")
            w[3] = f"<em>{w[3]}</em>"
            text = " ".join(w)
        print(f"<p>{text[0].upper()}{text[1:]}.</p>")
        left -= n
        if rng.random() < 0.02:
            print("<hr>")
print("</body></html>")
PY
echo "--- $(wc -c < book.html) bytes of HTML, $WORDS words, $CHAPTERS chapters"

export FLOURISH_LOG=warn
"$BIN" import --pseud bench --fandom "Harry Potter - J. K. Rowling" book.html | tail -n 1
echo "--- Flourish (in process, median of 20)"
"$BIN" dev bench-export --work 1 --iterations 20 | tee flourish.txt
FLOURISH_MS=$(awk '/^EPUB/ {print $3}' flourish.txt)

median3() { # command… → median wall ms of 3 runs
  local times=()
  for _ in 1 2 3; do
    local start end
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n 2p
}
echo "--- pandoc $(pandoc --version | head -n1 | cut -d' ' -f2) (median of 3)"
PANDOC_MS=$(median3 pandoc book.html -o pandoc.epub)
echo "EPUB     ${PANDOC_MS} ms"
echo "--- ebook-convert (calibre $(ebook-convert --version 2>/dev/null | head -n1 | grep -o '[0-9.]*' | head -n1), median of 3)"
CALIBRE_MS=$(median3 ebook-convert book.html calibre.epub)
echo "EPUB     ${CALIBRE_MS} ms"
echo "--- ratios: pandoc / Flourish = $(awk -v a="$PANDOC_MS" -v b="$FLOURISH_MS" 'BEGIN {printf "%.0f", a / b}')x, ebook-convert / Flourish = $(awk -v a="$CALIBRE_MS" -v b="$FLOURISH_MS" 'BEGIN {printf "%.0f", a / b}')x"
