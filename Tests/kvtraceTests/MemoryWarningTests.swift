// Issue 15, finding 9: a long run at full detail holds its whole trace in memory (scores and
// weights of every query), so without --export it warns first, as an export warns of its size.

import Testing

@testable import kvtrace

@Suite(.tags(.unit)) struct MemoryWarningTests {
  static func warnings(_ arguments: [String]) throws -> [String] {
    let options = try ExportSizeTests.options(arguments)
    var lines: [String] = []
    Exporter.warnIfLarge(
      options.export, path: nil, options, model: try options.model(), policy: options.policy
    ) { lines.append($0) }
    return lines
  }

  @Test func aLongFullDetailRunWarnsOfItsMemory() throws {
    let long = ["--context", "32768", "--steps", "32000"]
    let warned = try Self.warnings(long)
    #expect(warned.count == 1)
    #expect(warned.first?.hasPrefix("kvtrace: warning: this run's trace will take about ") == true)
    #expect(
      warned.first?.hasSuffix(
        " GB of memory at full detail; --detail summary keeps every row and drops the scores "
          + "and weights\n") == true, "\(warned)")
    #expect(try Self.warnings(long + ["--detail", "summary"]).isEmpty)
    #expect(try Self.warnings([]).isEmpty)
    #expect(try Self.warnings(["--context", "512", "--steps", "400"]).isEmpty)
  }

  @Test func theMemoryEstimateCountsEveryScoreAndWeight() throws {
    let options = try ExportSizeTests.options(["--context", "32768", "--steps", "32000"])
    let bytes = Exporter.estimatedMemoryBytes(
      config: options.config, promptTokens: 5, steps: 32_000, recomputesEveryPosition: false)
    // 2 layers × 4 heads read about 32,000² / 2 keys each, a Float score and weight per key.
    #expect(bytes > 8 * 8 * 32_000 * 32_000 / 2)
    #expect(bytes < 2 * 8 * 8 * 32_000 * 32_000 / 2)
  }
}
