// The size estimate behind the warning before a large full-detail export.

import KVTrace
import Testing
import TinyTransformer

@testable import kvtrace

@Suite(.tags(.unit)) struct ExportSizeTests {
  static func options(_ arguments: [String]) throws -> RunOptions {
    guard case .run(let parsed) = try CommandSpecs.parser.parse(arguments) else {
      throw UsageError("not a run", fix: "")
    }
    return try RunOptions(parsed, environment: [:], stdoutIsTerminal: false)
  }

  /// The estimate is within 15% of the real size of the file.
  @Test(arguments: [
    [], ["--cache", "none", "--steps", "3"], ["--layers", "3", "--heads", "8", "--kv-heads", "2"],
    ["--prompt", "Once upon a time there was a fox and a dog and a cat.", "--steps", "30"],
  ])
  func theEstimateIsCloseToTheRealSize(_ arguments: [String]) throws {
    let options = try Self.options(arguments)
    let model = try options.model()
    var log = TraceLog(detail: .full)
    _ = try model.generate(
      prompt: options.prompt, steps: options.steps, policy: options.policy, recorder: &log)
    let actual = TraceEncoder.encode(try #require(log.trace), as: .json).count
    let estimate = Exporter.estimatedBytes(
      config: options.config, promptTokens: model.tokenizer.encode(options.prompt).count,
      steps: options.steps, recomputesEveryPosition: options.policy.info.name == "none")
    #expect(
      abs(Double(estimate) / Double(actual) - 1) < 0.15, "estimate \(estimate), real \(actual)")
  }

  @Test func onlyALargeFullDetailTraceWarns() throws {
    func warnings(_ arguments: [String]) throws -> [String] {
      let options = try Self.options(arguments)
      var lines: [String] = []
      let export = try #require(options.export)
      Exporter.warnIfLarge(
        export, path: export.path, options, model: try options.model(),
        policy: options.policy
      ) { lines.append($0) }
      return lines
    }
    let large = ["--cache", "none", "--steps", "500", "--context", "512", "--export", "big.json"]
    let warned = try warnings(large)
    #expect(warned.count == 1)
    #expect(warned.first?.hasPrefix("kvtrace: warning: 'big.json' will be about ") == true)
    #expect(
      warned.first?.hasSuffix(
        " GB at full detail; --detail summary keeps every row and drops the scores and weights\n")
        == true)
    #expect(try warnings(large + ["--detail", "summary"]).isEmpty)
    #expect(try warnings(large + ["--format", "chrome"]).isEmpty)
    #expect(try warnings(["--export", "small.json"]).isEmpty)
  }

  /// At vectors detail the estimate counts q, outputs, K/V rows and logits, and stays
  /// within 15% of the real size of the file.
  @Test(arguments: [
    [], ["--cache", "none", "--steps", "3"], ["--layers", "3", "--heads", "8", "--kv-heads", "2"],
  ])
  func theVectorsEstimateIsCloseToTheRealSize(_ arguments: [String]) throws {
    let options = try Self.options(arguments)
    let model = try options.model()
    var log = TraceLog(detail: .vectors)
    _ = try model.generate(
      prompt: options.prompt, steps: options.steps, policy: options.policy, recorder: &log)
    let actual = TraceEncoder.encode(try #require(log.trace), as: .json).count
    let estimate = Exporter.estimatedBytes(
      config: options.config, promptTokens: model.tokenizer.encode(options.prompt).count,
      steps: options.steps, recomputesEveryPosition: options.policy.info.name == "none",
      logitsKept: 0)
    #expect(
      abs(Double(estimate) / Double(actual) - 1) < 0.15, "estimate \(estimate), real \(actual)")
  }

  /// An int8 cache records how it rounded every row; at vectors detail also each row's
  /// int8 codes and the values read back. The estimate counts them: its int8 share is
  /// within 20% of what the quantization events really take, and the whole within 15%.
  @Test(arguments: [
    [], ["--layers", "3", "--heads", "8", "--kv-heads", "2"],
    ["--prompt", "Once upon a time there was a fox and a dog and a cat.", "--steps", "30"],
  ])
  func theInt8EstimateCountsTheCodes(_ arguments: [String]) throws {
    let options = try Self.options(arguments + ["--cache", "int8"])
    let model = try options.model()
    let promptTokens = model.tokenizer.encode(options.prompt).count
    for detail in [TraceDetail.full, .vectors] {
      var log = TraceLog(detail: detail)
      _ = try model.generate(
        prompt: options.prompt, steps: options.steps, policy: options.policy, recorder: &log)
      let trace = try #require(log.trace)
      let actual = Double(TraceEncoder.encode(trace, as: .json).count)
      var unquantized = trace
      unquantized.events.removeAll {
        if case .quantization = $0 { return true } else { return false }
      }
      let events = actual - Double(TraceEncoder.encode(unquantized, as: .json).count)
      func estimate(int8: Bool) -> Double {
        Double(
          Exporter.estimatedBytes(
            config: options.config, promptTokens: promptTokens, steps: options.steps,
            recomputesEveryPosition: false, logitsKept: detail == .vectors ? 0 : nil, int8: int8))
      }
      let share = estimate(int8: true) - estimate(int8: false)
      #expect(abs(share / events - 1) < 0.2, "\(detail): int8 share \(share), real \(events)")
      #expect(
        abs(estimate(int8: true) / actual - 1) < 0.15,
        "\(detail): \(estimate(int8: true)), real \(actual)")
    }
  }

  /// A run whose full-detail file stays small but whose vectors make it large warns.
  @Test func aLargeVectorsTraceWarns() throws {
    let wide = [
      "--layers", "16", "--heads", "1", "--dim", "256", "--context", "512", "--steps", "500",
      "--export", "wide.json",
    ]
    func warnings(_ arguments: [String]) throws -> [String] {
      let options = try Self.options(arguments)
      var lines: [String] = []
      let export = try #require(options.export)
      Exporter.warnIfLarge(
        export, path: export.path, options, model: try options.model(), policy: options.policy
      ) { lines.append($0) }
      return lines
    }
    #expect(try warnings(wide).isEmpty, "at full detail the file stays under 100 MB")
    let warned = try warnings(wide + ["--detail", "vectors"])
    #expect(warned.count == 1)
    #expect(warned.first?.hasPrefix("kvtrace: warning: 'wide.json' will be about ") == true)
    #expect(
      warned.first?.hasSuffix(
        " MB at vectors detail; --detail full drops the vectors, --detail summary the scores "
          + "too\n") == true, "\(warned)")
  }

  @Test func sizesReadAsMegabytesOrGigabytes() {
    #expect(Exporter.megabytes(230_400_000) == "230 MB")
    #expect(Exporter.megabytes(4_612_000_000) == "4.6 GB")
    #expect(Exporter.megabytes(999_600_000) == "1.0 GB")
    #expect(Exporter.megabytes(51_158) == "0 MB")
  }
}
