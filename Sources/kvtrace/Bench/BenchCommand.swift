import Foundation
import KVTrace
import TinyTransformer

/// `kvtrace bench`: what the cache saves, measured, and how close decoding gets to
/// the machine's limit.
///
/// Everything is timed in one run of the program (these machines are noisy, so
/// only ratios measured together mean much), as medians of several runs.
enum BenchCommand {
  struct Options {
    var runs = 5
    var tokens = 256
    var noCacheTokens = 64
    var threads = Platform.processorCount
    var shapes = BenchShape.all
    var json = false
  }

  static func run(_ options: Options) throws -> CommandResult {
    var report = BenchReport(
      runs: options.runs, noCacheRuns: min(options.runs, 3), threads: options.threads)
    for shape in options.shapes {
      report.shapes.append(try measure(shape, options: options))
    }
    report.peakMemoryBytes = Platform.peakMemoryBytes
    report.bandwidthBytes = report.shapes.map(\.bandwidthBytes).max() ?? 0
    report.bandwidth = Stopwatch.median(report.shapes.map(\.bandwidth))
    var result = CommandResult(output: options.json ? report.json() : report.text())
    #if DEBUG
      result.error =
        "kvtrace: this is a debug build, so the speeds are far below what the code can do; "
        + "use 'swift run -c release kvtrace bench'\n"
    #endif
    return result
  }

  /// Bytes of a full-detail trace, and how fast it encodes as JSON and JSON Lines (bytes/s).
  static func exportSpeed(
    _ model: TinyTransformer, tokens: Int, runs: Int
  ) throws -> (Int, Double, Double) {
    var log = TraceLog(detail: .full)
    _ = try model.generate(
      promptTokens: [Tokenizer.bosToken + 260], steps: tokens - 1, recorder: &log)
    guard let trace = log.trace else { return (0, 0, 0) }
    var size = 0
    var json: [Double] = []
    var jsonLines: [Double] = []
    for _ in 0..<runs {  // taking turns, like the decoding runs
      json.append(Stopwatch.seconds { size = TraceEncoder.encode(trace, as: .json).count })
      jsonLines.append(Stopwatch.seconds { size = TraceEncoder.encode(trace, as: .jsonl).count })
    }
    return (size, Double(size) / Stopwatch.median(json), Double(size) / Stopwatch.median(jsonLines))
  }

  static func measure(_ shape: BenchShape, options: Options) throws -> BenchReport.Shape {
    let model = try TinyTransformer(randomWeightsFor: shape.config, seed: 0)
    let run = DecodeRun(model: model, tokens: options.tokens)
    func rate(
      _ run: DecodeRun, runs: Int, policy: some CachePolicy = FullCache(),
      recorder: some TraceRecorder = NoRecorder()
    ) throws -> Double {
      var recorder = recorder
      let seconds = try (0..<runs).map { _ in try run.seconds(policy: policy, recorder: &recorder) }
      return Double(run.tokens) / Stopwatch.median(seconds)
    }
    var result = BenchReport.Shape(
      name: shape.name, config: shape.config, tokens: options.tokens,
      weightBytesPerToken: model.weightBytesPerToken)
    // The same 256 tokens decoded four ways take turns, round after round, so a
    // change in the machine's load touches all of them alike; each gets its median.
    // (The probe stays allocated to the end: its buffer counts in the peak memory.)
    var threadedModel = model
    threadedModel.threads = options.threads
    let threadedRun = DecodeRun(model: threadedModel, tokens: options.tokens)
    // Between rounds, one pass over as many bytes as the model reads per token (at
    // least 64 MB, far more than any cache holds): the bound, under the same load.
    let probe = BandwidthProbe(bytes: max(64 << 20, model.weightBytesPerToken))
    var passes: [Double] = []
    var together: [Double] = []
    var off = NoRecorder()
    var summary = TraceLog(detail: .summary)
    // Full detail streams to an exporter: JSON Lines bytes into a sink that drops them.
    var streaming = JSONLinesRecorder(detail: .full) { _ in }
    var seconds: (off: [Double], summary: [Double], full: [Double], threaded: [Double])
    seconds = ([], [], [], [])
    for _ in 0..<options.runs {
      seconds.off.append(try run.seconds(policy: FullCache(), recorder: &off))
      seconds.summary.append(try run.seconds(policy: FullCache(), recorder: &summary))
      seconds.full.append(try run.seconds(policy: FullCache(), recorder: &streaming))
      if options.threads > 1 {
        seconds.threaded.append(try threadedRun.seconds(policy: FullCache(), recorder: &off))
      }
      passes.append(probe.measure())
      if options.threads > 1 { together.append(probe.measureTogether(threads: options.threads)) }
    }
    result.bandwidth = passes.max() ?? 0  // the bound: memory at its best, not a slow pass
    result.bandwidthTogether = options.threads > 1 ? together.max() : nil
    result.bandwidthBytes = probe.bytes
    func rate(_ times: [Double]) -> Double { Double(options.tokens) / Stopwatch.median(times) }
    result.tracingOff = rate(seconds.off)
    result.tracingSummary = rate(seconds.summary)
    result.tracingFull = rate(seconds.full)
    result.threaded = options.threads > 1 ? rate(seconds.threaded) : nil
    (result.exportBytes, result.exportJSON, result.exportJSONLines) = try exportSpeed(
      model, tokens: options.tokens, runs: options.runs)
    result.add(try BenchPrefill.measure(model, options))
    let short = DecodeRun(model: model, tokens: min(options.noCacheTokens, options.tokens))
    result.noCacheTokens = short.tokens
    result.shortFull = try rate(short, runs: options.runs)
    result.shortNone = try rate(short, runs: min(options.runs, 3), policy: NoCache())
    result.predictedSaving = Double(short.flops(cached: false)) / Double(short.flops(cached: true))
    return result
  }
}
