import KVTrace
import KVTraceRender
import TinyTransformer

/// Decodes for `run` and `compare` and writes their traces to files.
///
/// A JSON Lines export of `run` is streamed: each event goes to the file as
/// the model reports it, through a ``JSONLinesRecorder`` beside the in-memory
/// log that the terminal rendering needs. The other formats are written once
/// the run is over. Every file is written beside its target and renamed into
/// place only when complete (see ``OutputFile``); `-` and `/dev/stdout` write to
/// standard output instead, and then the trace *is* the output: the rendering is
/// not printed after it (``ExportRequest/writesToStandardOutput``). A trace that
/// `replay` can read (JSON, JSON Lines) is never written past ``Files/traceLimit``.
enum Exporter {
  /// A full- or vectors-detail export estimated above this many bytes warns before it starts.
  static let largeExportBytes = 100_000_000

  /// Decodes the prompt as `options` say and, when they ask, exports the trace.
  ///
  /// - Parameter warn: Receives a line for standard error before a large export starts.
  static func run(
    _ options: RunOptions, model: any CommandModel, command: String, warn: (String) -> Void
  ) throws(CommandFailure) -> Trace {
    guard let export = options.export else {
      warnIfLarge(nil, path: nil, options, model: model, policy: options.policy, warn: warn)
      var log = TraceLog(detail: options.detail, logitsKept: options.logitsKept)
      try generate(options, model, command, &log)
      return try finished(log)
    }
    warnIfLarge(
      export, path: export.path, options, model: model, policy: options.policy, warn: warn)
    let file = try OutputFile(replacing: export.path, limit: limit(export.format))
    var log = TraceLog(detail: options.detail, logitsKept: options.logitsKept)
    if export.format == .jsonl {
      var tee = TeeRecorder(log, JSONLinesRecorder(detail: options.detail) { file.write($0) })
      try generate(options, model, command, &tee)
      log = tee.first
    } else {
      try generate(options, model, command, &log)
    }
    let trace = try finished(log)
    if export.format != .jsonl {
      // A page's `c` views draw the prompt decoded again without a cache, as `step` does.
      let view = ExportView(
        focus: options.focusIsDefault ? nil : options.focus, style: options.style,
        withoutCache: export.format == .html ? pageUncachedRuns(options, model: model) : [])
      file.write(try bytes(of: trace, as: export, view: view))
    }
    try file.commit()
    return trace
  }

  /// Writes `trace` to `path` as `request` asks (its format, an SVG's step and screen).
  static func write(
    _ trace: Trace, as request: ExportRequest, to path: String, view: ExportView
  ) throws(CommandFailure) {
    let file = try OutputFile(replacing: path, limit: limit(request.format))
    file.write(try bytes(of: trace, as: request, view: view))
    try file.commit()
  }

  /// `compare --export -`: two traces cannot share standard output and stay readable.
  static let twoTracesToOneStream = UsageError(
    "compare exports two traces, so --export cannot be standard output",
    fix: "give a file name such as --export c.json (it writes c.reference.json and c.full.json)")

  /// The most bytes a file in `format` may hold: what `replay` reads, for the formats it reads.
  static func limit(_ format: ExportRequest.Format) -> Int? {
    format == .json || format == .jsonl ? Files.traceLimit : nil
  }

  /// The bytes of `trace` as `request` asks.
  ///
  /// - Throws: ``CommandFailure`` for an SVG's `--frame` past the last step.
  static func bytes(of trace: Trace, as request: ExportRequest, view: ExportView)
    throws(CommandFailure) -> [UInt8]
  {
    switch request.format {
    case .json: return TraceEncoder.encode(trace, as: .json)
    case .jsonl: return TraceEncoder.encode(trace, as: .jsonl)
    case .chrome: return ChromeTraceRenderer.render(trace)
    case .html: return view.page(trace)
    case .svg:
      do { return try view.svg(trace, request) } catch { throw CommandFailure(error) }
    }
  }

  /// About how many bytes a full-detail JSON trace of this run takes.
  ///
  /// Attention events dominate: one per query position, head and layer, each
  /// holding a score and a weight (about 23 bytes) per key it read. `none`
  /// runs every position at every step; other policies run the prompt once,
  /// then one new position per step.
  ///
  /// At `vectors` detail (`logitsKept` not `nil`: 0 for all, else K), add about 12 bytes
  /// per number of ``vectorNumbers(config:positions:steps:logitsKept:)``. An `int8` cache
  /// adds its quantization events (``int8Bytes(config:positions:steps:vectors:)``).
  static func estimatedBytes(
    config: ModelConfig, promptTokens: Int, steps: Int, recomputesEveryPosition: Bool,
    logitsKept: Int? = nil, int8: Bool = false
  ) -> Int {
    let (queries, keys) = attentionWork(config, promptTokens, steps, recomputesEveryPosition)
    let rows = (steps + 1) * config.layers * config.kvHeads
    let positions = queries / (config.heads * config.layers)
    let vectors = logitsKept.map {
      vectorNumbers(config: config, positions: positions, steps: steps, logitsKept: $0)
    }
    let quantized =
      int8
      ? int8Bytes(config: config, positions: positions, steps: steps, vectors: logitsKept != nil)
      : 0
    return 1_000 + 124 * queries + 23 * keys + 105 * rows + 600 * (steps + 1)
      + 12 * (vectors ?? 0) + quantized
  }

  /// About how many bytes an int8 cache's quantization events take in a JSON trace of
  /// `positions` positions run: an event per step, layer and KV head (about 150 bytes);
  /// per row stored, its two scales and two largest errors (about 12 bytes each); and at
  /// `vectors` detail, for every number of every K and V row stored, its int8 code (about
  /// 4 bytes, `-127,`) and the value read back (about 12).
  static func int8Bytes(config: ModelConfig, positions: Int, steps: Int, vectors: Bool) -> Int {
    let events = (steps + 1) * config.layers * config.kvHeads
    let rows = positions * config.layers * config.kvHeads
    let numbers = rows * 2 * config.headSize
    return 150 * events + 48 * rows + (vectors ? 16 * numbers : 0)
  }

  /// How many numbers a `vectors`-detail trace adds for `positions` query positions run:
  /// per position and layer, `q` and the output of every head (`2 × dim`) and the fresh
  /// K and V rows (`2 × kvDim`); per step, the logits kept (the vocabulary, or K).
  static func vectorNumbers(config: ModelConfig, positions: Int, steps: Int, logitsKept: Int)
    -> Int
  {
    let logits =
      logitsKept == 0 ? config.vocabularySize : min(logitsKept, config.vocabularySize) * 2
    return positions * config.layers * 2 * (config.dim + config.kvDim) + (steps + 1) * logits
  }

  /// About how many bytes of memory a full-detail trace of this run holds while it runs:
  /// a `Float` score and weight (8 bytes) per key each query read, and about 100 bytes of
  /// event per query, head and layer. Every run keeps its trace to draw it at the end.
  /// At `vectors` detail (`logitsKept` not `nil`), 4 bytes more per vector number, and for
  /// an `int8` cache 5 per number of a K or V row stored (its code and the value read back).
  static func estimatedMemoryBytes(
    config: ModelConfig, promptTokens: Int, steps: Int, recomputesEveryPosition: Bool,
    logitsKept: Int? = nil, int8: Bool = false
  ) -> Int {
    let (queries, keys) = attentionWork(config, promptTokens, steps, recomputesEveryPosition)
    let positions = queries / (config.heads * config.layers)
    let vectors = logitsKept.map {
      vectorNumbers(config: config, positions: positions, steps: steps, logitsKept: $0)
    }
    let codes = int8 && logitsKept != nil ? positions * config.layers * 2 * config.kvDim : 0
    return 100 * queries + 8 * keys + 4 * (vectors ?? 0) + 5 * codes
  }

  /// How many attention queries (positions × heads × layers) the run computes, and how many
  /// keys they read in all.
  private static func attentionWork(
    _ config: ModelConfig, _ promptTokens: Int, _ steps: Int, _ recomputesEveryPosition: Bool
  ) -> (queries: Int, keys: Int) {
    var queries = 0
    var keys = 0
    for step in 0...max(0, steps) {
      let length = promptTokens + step
      let first = recomputesEveryPosition || step == 0 ? 0 : length - 1
      queries += length - first
      keys += (first + 1 + length) * (length - first) / 2  // Σ (q + 1) for q in first..<length
    }
    let perQuery = config.heads * config.layers
    return (queries * perQuery, keys * perQuery)
  }

  /// Warns (through `warn`) when a full-detail run with `policy` will be large: the file at
  /// `path` when `export` asks for one, else the trace the run holds in memory.
  static func warnIfLarge(
    _ export: ExportRequest?, path: String?, _ options: RunOptions, model: any CommandModel,
    policy: any CachePolicy, warn: (String) -> Void
  ) {
    guard let export else {
      return warnIfLargeInMemory(options, model: model, policies: [policy], warn: warn)
    }
    guard options.detail.keepsScores, export.format != .chrome,
      let work = work(options, model: model, policy: policy)
    else { return }
    let size = estimatedBytes(
      config: work.config, promptTokens: work.promptTokens, steps: work.steps,
      recomputesEveryPosition: work.recomputesEveryPosition,
      logitsKept: options.detail.keepsVectors ? options.logitsKept : nil, int8: work.int8)
    guard size > largeExportBytes else { return }
    warn(
      "kvtrace: warning: '\(path ?? export.path)' will be about \(megabytes(size))"
        + advice(options.detail))
  }

  /// Warns (through `warn`) when the full-detail traces of a run without `--export` will take
  /// more than ``largeMemoryBytes`` together: `run` and `step` hold one trace, `compare` two
  /// (its reference's and its cache policy's).
  static func warnIfLargeInMemory(
    _ options: RunOptions, model: any CommandModel, policies: [any CachePolicy],
    warn: (String) -> Void
  ) {
    guard options.detail.keepsScores else { return }
    var size = 0
    for policy in policies {
      guard let work = work(options, model: model, policy: policy) else { return }
      size += estimatedMemoryBytes(
        config: work.config, promptTokens: work.promptTokens, steps: work.steps,
        recomputesEveryPosition: work.recomputesEveryPosition,
        logitsKept: options.detail.keepsVectors ? options.logitsKept : nil, int8: work.int8)
    }
    guard size > largeMemoryBytes else { return }
    let traces = policies.count == 1 ? "this run's trace" : "this run's \(policies.count) traces"
    warn(
      "kvtrace: warning: \(traces) will take about \(megabytes(size)) of memory"
        + advice(options.detail))
  }

  /// What the size estimates need to know of a run with `policy`, or `nil` for a prompt that
  /// cannot fit (the run refuses it with its own line).
  private static func work(_ options: RunOptions, model: any CommandModel, policy: any CachePolicy)
    -> (
      config: ModelConfig, promptTokens: Int, steps: Int, recomputesEveryPosition: Bool,
      int8: Bool
    )?
  {
    guard let prompt = try? model.promptTokens(options.prompt) else { return nil }
    let int8 =
      switch policy.info.kind {
      case .int8: true
      case .none, .full, .window, .paged: false
      }
    return (
      model.config, prompt.count, options.steps, policy.info.name == NoCache().info.name, int8
    )
  }

  /// How a size warning ends, at `detail`.
  private static func advice(_ detail: TraceDetail) -> String {
    detail.keepsVectors
      ? " at vectors detail; --detail full drops the vectors, --detail summary the scores too\n"
      : " at full detail; --detail summary keeps every row and drops the scores and weights\n"
  }

  /// A full-detail run without `--export` whose trace should take more memory than this warns.
  static let largeMemoryBytes = 1_000_000_000

  /// `4.6 GB`, `230 MB`.
  static func megabytes(_ bytes: Int) -> String {
    let tenths = (bytes + 50_000_000) / 100_000_000
    return bytes >= 999_500_000
      ? "\(tenths / 10).\(tenths % 10) GB" : "\((bytes + 500_000) / 1_000_000) MB"
  }

  private static func generate(
    _ options: RunOptions, _ model: any CommandModel, _ command: String,
    _ recorder: inout some TraceRecorder
  ) throws(CommandFailure) {
    do {
      _ = try model.generate(
        options, policy: options.policy, collectLogits: false, recorder: &recorder)
    } catch {
      throw options.failure(error, command: command)
    }
  }

  private static func finished(_ log: TraceLog) throws(CommandFailure) -> Trace {
    guard let trace = log.trace else {
      throw CommandFailure(UsageError("nothing was decoded", fix: "give a non-empty --prompt"))
    }
    return trace
  }
}

extension ExportRequest {
  /// Whether the trace goes to standard output (`--export -`, `--export /dev/stdout`):
  /// the command then prints nothing else there, so the stream is a trace.
  var writesToStandardOutput: Bool { ExportTarget.standardOutputNames.contains(path) }
}
