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

  @Test func theMemoryEstimateCountsTheVectors() throws {
    let options = try ExportSizeTests.options(["--context", "32768", "--steps", "32000"])
    func bytes(_ logitsKept: Int?) -> Int {
      Exporter.estimatedMemoryBytes(
        config: options.config, promptTokens: 5, steps: 32_000, recomputesEveryPosition: false,
        logitsKept: logitsKept)
    }
    let c = options.config
    // A Float each: per position and layer q, outputs, K and V rows; per step the logits.
    let vectors = 32_005 * c.layers * 2 * (c.dim + c.kvDim) + 32_001 * c.vocabularySize
    #expect(bytes(0) - bytes(nil) == 4 * vectors)
    #expect(bytes(8) < bytes(0) && bytes(8) > bytes(nil))
  }

  /// The warnings `kvtrace compare` gives before it decodes; `--steps` equal to the context
  /// leaves no room for the prompt, so it then stops at once (64) instead of decoding.
  static func compareWarnings(_ extra: [String]) -> (lines: [String], result: CommandResult) {
    var lines: [String] = []
    let result = KVTraceCLI.run(
      arguments: ["compare", "--context", "32768", "--steps", "32768"] + extra, environment: [:],
      stdoutIsTerminal: false
    ) { lines.append($0) }
    return (lines, result)
  }

  @Test func compareWithoutExportWarnsOfItsTwoTraces() throws {
    let (warned, result) = Self.compareWarnings([])
    #expect(result.code == .usage, "\(result.error)")
    #expect(warned.count == 1, "\(warned)")
    let line = try #require(warned.first)
    #expect(line.hasPrefix("kvtrace: warning: this run's 2 traces will take about "))
    #expect(
      line.hasSuffix(
        " GB of memory at full detail; --detail summary keeps every row and drops the scores and weights\n"
      ))
    // The reference (no cache) recomputes every position, so the two hold far more than one.
    let gigabytes = Double(line.split(separator: " ")[9]) ?? 0
    #expect(gigabytes > 1_000, "\(line)")
    #expect(Self.compareWarnings(["--detail", "summary"]).lines.isEmpty)
  }
}
