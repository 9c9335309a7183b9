#!/usr/bin/env bash
# Converts the tutorials' SVG figures (drawn from real kvtrace output by TutorialTests,
# re-recorded with KVTRACE_RECORD=1 swift test --filter TutorialTests) into the PNGs the
# catalog shows. Needs rsvg-convert (librsvg2-bin on Debian/Ubuntu, librsvg on Homebrew)
# and the DejaVu Sans Mono font; shrink-png.py (python3) makes them 4-bit grayscale.
set -euo pipefail
cd "$(dirname "$0")"
grep -v '^#' images.txt | while read -r name source; do
  rsvg-convert --format png --output "KVTrace.docc/Resources/$name.png" "Images/$name.svg"
  python3 shrink-png.py "KVTrace.docc/Resources/$name.png"
  echo "KVTrace.docc/Resources/$name.png from $source"
done
