import Testing
import TinyTransformer

@testable import kvtrace

// `--cache window:N` and `sinks:S,window:N` on the command line, and `compare --against`.

@Test(.tags(.unit)) func compareOfAWindowReportsTheDivergenceAndExitsZero() {
  // Random weights: where a window first parts from full depends on the weights.
  let result = runCLI(["compare", "--cache", "window:4", "--steps", "20", "--weights", "random"])
  #expect(result.code == .ok)
  #expect(result.output.contains("compare  cache full against cache window:4"))
  #expect(
    result.output.contains(
      "tokens   ≈ first differ at step 1, as an approximate policy may"))
  #expect(
    result.output.contains(" through step 1, while both read the same text"),
    "steps 0 and 1 read the same text; step 1 chose differently")
  #expect(result.output.contains("later steps read different texts and are not compared"))
  #expect(
    result.output.contains("teacher-forced: window:4 fed full's tokens, so both read the same text")
  )
  #expect(result.output.contains("forced   ≈ fed full's tokens, window:4: max |Δlogit| = "))
  #expect(!result.output.contains("✗"))
  #expect(result.output.contains("APPROXIMATE: window:4 differs from full at step 1"))
  #expect(result.output.contains("memory   at the end cache window:4 held 4.0 KiB, cache full"))
  #expect(!result.output.contains("PASS"))
}

@Test(.tags(.unit)) func compareOfSinksNamesThemAndExitsZero() {
  let result = runCLI(["compare", "--cache", "sinks:2,window:4", "--steps", "20"])
  #expect(result.code == .ok)
  #expect(result.output.contains("APPROXIMATE: sinks:2,window:4 differs from full"))
}

@Test(.tags(.unit)) func compareAgainstAnotherPolicy() {
  let result = runCLI(["compare", "--cache", "full", "--against", "none", "--steps", "3"])
  #expect(result.code == .ok)
  #expect(result.output.contains("PASS"))
  let windows = runCLI([
    "compare", "--cache", "sinks:2,window:4", "--against", "window:6", "--steps", "3",
  ])
  #expect(windows.code == .ok)
  #expect(windows.output.contains("compare  cache window:6 against cache sinks:2,window:4"))
}

@Test(.tags(.unit)) func runLabelsAWindowApproximateAndMarksEvictions() {
  let result = runCLI(["run", "--cache", "sinks:2,window:4", "--steps", "2", "--ascii"])
  #expect(result.code == .ok)
  #expect(result.output.contains("cache    sinks:2,window:4 (approximate)"))
  #expect(result.output.contains("- evicted at this step"))
  #expect(result.output.contains("* pinned sink"))
  #expect(result.output.contains("   6  the       - - - -  - - - -"))
  #expect(result.output.contains("(10 positions x 2 layers x 4 KV heads)"))  // x is only "times"
  #expect(result.output.contains("policy evicted position 6"))
}

@Test(
  .tags(.unit),
  arguments: [
    ("window:0", "in --cache window:0, window must be a whole number of at least 1"),
    ("window:four", "in --cache window:four, window must be a whole number"),
    (
      "sinks:2",
      "--cache expects one of none, full, window:N, sinks:S,window:N, paged:B, int8, got 'sinks:2'"
    ),
    ("lru", "got 'lru'; for example --cache window:4"),
    ("paged:0", "in --cache paged:0, the block size must be a whole number of at least 1, got '0'"),
    (
      "paged:",
      "the block size must be a whole number of at least 1, got ''; for example --cache paged:4"
    ),
    ("paged:2.5", "in --cache paged:2.5, the block size must be a whole number"),
  ])
func badCacheValuesAreUsageErrors(_ value: String, _ message: String) {
  let result = runCLI(["run", "--cache", value])
  #expect(result.code == .usage)
  #expect(result.error.contains(message), "\(result.error)")
}

@Test(.tags(.unit)) func aBadAgainstNamesItsOption() {
  let result = runCLI(["compare", "--against", "window:-1"])
  #expect(result.code == .usage)
  #expect(result.error.contains("in --against window:-1"))
}

// One row each, laid out as the options are: the description from the option column on.
@Test(.tags(.unit)) func helpListsEveryPolicy() {
  let help = runCLI(["run", "--help"]).output.split(separator: "\n").map(String.init)
  for policy in CachePolicies.all {
    let row = help.first { $0.hasPrefix("  \(policy.name) ") }
    #expect(row?.count ?? 0 <= HelpLayout.width, "\(policy.name)")
    #expect(row?.dropFirst(HelpLayout.column).hasPrefix(policy.summary.prefix(8)) == true)
  }
  #expect(runCLI(["compare", "--help"]).output.contains("--against POLICY"))
}

// The encoder-decoder's decoder keeps its rows by the exact rules only: a window
// there is refused, not silently run as a full cache.
@Test(
  .tags(.unit),
  arguments: [
    ["run", "--arch", "encoder-decoder", "--cache", "window:4"],
    ["step", "--arch", "encoder-decoder", "--cache", "sinks:1,window:2"],
    ["compare", "--arch", "encoder-decoder", "--cache", "window:4"],
    ["compare", "--arch", "encoder-decoder", "--against", "sinks:2,window:4"],
    ["run", "--arch", "encoder-decoder", "--cache", "paged:4"],
  ])
func aWindowOnTheEncoderDecoderIsAUsageError(_ arguments: [String]) {
  let result = runCLI(arguments)
  #expect(result.code == .usage)
  #expect(result.code.rawValue == 64)
  #expect(result.error.contains("--arch encoder-decoder takes the exact policies none and full"))
  #expect(result.error.contains("or leave out --arch encoder-decoder"), "\(result.error)")
}

@Test(.tags(.unit)) func compareOfTheEncoderDecoderTakesAnExactReference() {
  let result = runCLI([
    "compare", "--arch", "encoder-decoder", "--cache", "full", "--against", "full", "--steps", "3",
  ])
  #expect(result.code == .ok)
  #expect(result.output.contains("compare  cache full against cache full, --cross once"))
  #expect(result.output.contains("PASS"))
}

// `--cache int8`: approximate, compared with full by default, a usage error with a number.

@Test(.tags(.unit)) func compareOfInt8ReportsTokensLogitsAndBytesAndExitsZero() {
  let result = runCLI(["compare", "--cache", "int8"])
  #expect(result.code == .ok)
  #expect(result.output.contains("compare  cache full against cache int8"))
  #expect(
    result.output.contains("memory   at the end cache int8 held 5.0 KiB, cache full 16.0 KiB"))
  #expect(result.output.contains("V row in 20 bytes (a byte per value and a 4-byte scale)"))
  #expect(result.output.contains("APPROXIMATE: int8"))
  #expect(!result.output.contains("PASS") && !result.output.contains("FAIL"))
}

@Test(.tags(.unit), arguments: ["int8:3", "int8:", "int8,window:4"])
func int8TakesNoNumber(_ value: String) {
  let result = runCLI(["run", "--cache", value])
  #expect(result.code == .usage)
  #expect(result.code.rawValue == 64)
  #expect(result.error.contains("got '\(value)'"), "\(result.error)")
  #expect(result.error.contains("int8 takes no number: use --cache int8"), "\(result.error)")
  #expect(result.error.split(separator: "\n").count == 1)
}

@Test(
  .tags(.unit),
  arguments: [
    ["run", "--arch", "encoder-decoder", "--cache", "int8"],
    ["compare", "--arch", "encoder-decoder", "--against", "int8"],
  ])
func int8OnTheEncoderDecoderIsAUsageError(_ arguments: [String]) {
  let result = runCLI(arguments)
  #expect(result.code == .usage)
  #expect(result.error.contains("int8 is an int8 cache, which kvtrace runs on the decoder-only"))
}

@Test(.tags(.unit)) func compareOfPagedPassesAgainstFullAndNone() {
  for against in ["full", "none"] {
    let result = runCLI(["compare", "--cache", "paged:4", "--against", against])
    #expect(result.code == .ok)
    #expect(result.output.contains("compare  cache \(against) against cache paged:4"))
    #expect(result.output.contains("tokens   ✓ identical at all 7 steps"))
    #expect(result.output.contains("logits   ✓ max |Δlogit| = 0 "))
    #expect(result.output.contains("held ceil(n / B) blocks"))
    #expect(result.output.contains("PASS"))
  }
  // Four blocks of 4 for 16 positions: 16 rows, the same bytes as full here.
  let full = runCLI(["compare", "--cache", "paged:4", "--against", "full"]).output
  #expect(full.contains("memory   at the end cache paged:4 held 16.0 KiB, cache full 16.0 KiB"))
  // Blocks of 7 round 16 positions up to 21 slots: fragmentation is memory held.
  let seven = runCLI(["compare", "--cache", "paged:7", "--against", "full"]).output
  #expect(seven.contains("memory   at the end cache paged:7 held 21.0 KiB, cache full 16.0 KiB"))
}

@Test(.tags(.unit)) func runDrawsTheBlockTable() {
  // Random weights: the tokens decide where the step summary's lines wrap.
  let result = runCLI([
    "run", "--cache", "paged:4", "--steps", "3", "--ascii", "--weights", "random",
  ])
  #expect(result.code == .ok)
  #expect(result.output.contains("cache    paged:4 (exact)"))
  #expect(result.output.contains("   0  The       # # # #  # # # #   0 -> #3 new"))
  #expect(result.output.contains("   8  dog       o o o o  o o o o   2 -> #1"))
  #expect(result.output.contains("none (position 10 fit in block 2)"))
  #expect(result.output.contains("allocated\n#0; 3 slots of the last block are unused"))
}
