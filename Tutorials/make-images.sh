#!/usr/bin/env bash
# Draws the tutorials' figures with kvtrace itself: for each line of images.txt, one step of
# the walk-through as an SVG with real text (kvtrace --export Images/NAME.svg --format svg
# --frame STEP on a COLUMNS×LINES screen), then the PNG the catalog shows, rasterized by
# headless chromium at the SVG's own size (rsvg-convert when chromium is missing; it needs
# the DejaVu Sans Mono font). TutorialTests checks that each SVG is what kvtrace writes now.
set -euo pipefail
cd "$(dirname "$0")"
(cd .. && swift build --product kvtrace > /dev/null)
kvtrace="$(cd .. && swift build --show-bin-path)/kvtrace"
grep -v '^#' images.txt | while read -r name columns lines arguments; do
  eval "set -- $arguments"
  svg="Images/$name.svg"
  png="KVTrace.docc/Resources/$name.png"
  COLUMNS=$columns LINES=$lines "$kvtrace" "$@" --export "$svg" --format svg > /dev/null < /dev/null
  size=$(sed -n 's/^<svg [^>]*width="\([0-9]*\)" height="\([0-9]*\)".*/\1,\2/p' "$svg")
  if command -v chromium > /dev/null; then
    chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
      --screenshot="$PWD/$png" --window-size="$size" "file://$PWD/$svg" > /dev/null 2>&1 < /dev/null
  else
    rsvg-convert --format png --output "$png" "$svg"
  fi
  echo "$png ($size) from $svg: kvtrace $arguments"
done
