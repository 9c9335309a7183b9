#!/usr/bin/env bash
# Runs one level of kvtrace's tests, or lists the tests that have none.
#
#   Tests/level.sh unit        # one function or type, in process (fast)
#   Tests/level.sh oracle      # cached == uncached, fast == plain, model == reference
#   Tests/level.sh golden      # output compared byte for byte with a file in the repository
#   Tests/level.sh endToEnd    # the built kvtrace and examples run as child processes
#   Tests/level.sh untagged    # lists every test without a level tag: prints nothing when all have one
#   Tests/level.sh unit --parallel   # more arguments go to `swift test`
#
# The levels are Swift Testing tags (Tests/GoldenFiles/TestLevels.swift). Swift Testing 6.3
# on Linux cannot select tags from the command line (`swift test --filter tag:unit` runs no
# test), so this lists the tests with their tags (the testing library's event stream) and
# runs `swift test --filter` with the suites and functions of the level. A test in a tagged
# suite has the suite's level.
set -euo pipefail
cd "$(dirname "$0")/.."

level=${1:-}
case "$level" in
  unit | oracle | golden | endToEnd | untagged) shift ;;
  *)
    echo "usage: Tests/level.sh unit|oracle|golden|endToEnd|untagged [swift test options]" >&2
    exit 64
    ;;
esac

swift build --build-tests > /dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$(swift build --show-bin-path)/kvtracePackageTests.xctest" --testing-library swift-testing \
  --list-tests --event-stream-version 0 --event-stream-output-path "$work/tests.jsonl" > /dev/null

# One line per suite or function: its kind, its ID (without the source location of a
# function) and its tags, tab-separated.
sed -E -e 's#\\/#/#g' \
  -e 's#.*"payload":\{("_tags":\[([^]]*)\],)?"id":"([^"]*)".*"kind":"(suite|function)".*#\4\t\3\t\2#' \
  "$work/tests.jsonl" | grep -E '^(suite|function)	' \
  | sed -E 's#^(function	[^	]*)/[^/	]*\.swift:[0-9]+:[0-9]+	#\1	#' > "$work/tests.tsv"

if [ "$level" = untagged ]; then
  # A function is untagged when neither it nor a suite it is in carries a level.
  awk -F '\t' '
    { kind[NR] = $1; id[NR] = $2; tagged[$2] = ($3 ~ /"\.(unit|oracle|golden|endToEnd)"/) }
    END {
      for (n = 1; n <= NR; n++) {
        if (kind[n] != "function" || tagged[id[n]]) continue
        path = id[n]; found = 0
        while (!found && sub(/\/[^\/]*$/, "", path)) found = tagged[path]
        if (!found) print id[n]
      }
    }' "$work/tests.tsv"
  exit 0
fi

pattern=$(awk -F '\t' -v level="\".${level}\"" '
  index($3, level) {
    gsub(/[][\\.()*+?{}|^$]/, "\\\\&", $2)
    printf "%s%s", (count++ ? "|" : ""), $2
  }' "$work/tests.tsv")
if [ -z "$pattern" ]; then
  echo "no test is tagged .$level" >&2
  exit 1
fi
swift test --skip-build --filter "^($pattern)(/|\$)" "$@"
