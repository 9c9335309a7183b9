// The four levels of kvtrace's tests, declared once for every test target.
//
// Every test carries the levels it exercises, on its suite when all the suite's tests share
// them, else on itself: `@Suite(.tags(.unit))`, `@Test(.tags(.endToEnd, .golden))`.
// HouseRulesTests.everyTestDeclaresItsLevel fails on a test without one.
//
// Running one level: Swift Testing 6.3 on Linux cannot select tags from the command line
// (`swift test --filter tag:unit` selects nothing), so `Tests/level.sh LEVEL` lists the
// tests with their tags and runs `swift test --filter` with the ones of that level:
//   Tests/level.sh unit        # also: oracle, golden, endToEnd; `untagged` lists the rest
// Each test target makes the tags visible in all its files with one `@_exported import
// GoldenFiles` (its TestLevels.swift).
import Testing

extension Tag {
  /// One function or type, in process, checked against values written in the test.
  @Tag public static var unit: Self
  /// A computation checked against an independent one: cached decoding against uncached,
  /// the fast kernels against the plain ones, the model against a reference transcription.
  @Tag public static var oracle: Self
  /// Output compared byte for byte with a file kept in the repository (Snapshots/, the
  /// tutorials' outputs, the README's frames).
  @Tag public static var golden: Self
  /// A built executable (`kvtrace`, an example) run as a child process: its output and exit code.
  @Tag public static var endToEnd: Self
}
