import KVTrace
import TinyTransformer

/// The prefill of a long prompt, timed two ways: every position through each layer at
/// once (each weight row read once for the whole prompt), and one position at a time
/// (every weight streamed from memory once per position). Same bits either way.
struct BenchPrefill {
  /// The prompt's length: 200 tokens, or what the run's length allows.
  var tokens: Int
  /// Positions per second, all at once and one at a time, on one thread.
  var batched = 0.0
  var single = 0.0
  /// The same on `threads` threads (kvtrace's default is every core), when more than one.
  var threads = 1
  var threadedBatched: Double?
  var threadedSingle: Double?

  /// Times the prefill of a `tokens`-long prompt `runs` times each way, taking turns, on
  /// one thread and on `threads`.
  static func measure(_ model: TinyTransformer, tokens: Int, runs: Int, threads: Int = 1)
    throws -> BenchPrefill
  {
    let vocabulary = model.config.vocabularySize
    let prompt = (0..<tokens).map { ($0 &* 7_919 &+ 1) % vocabulary }  // any ids will do
    var result = BenchPrefill(tokens: tokens, threads: threads)
    let counts = threads > 1 ? [1, threads] : [1]
    var seconds: [Int: (batched: [Double], single: [Double])] = [:]
    for _ in 0..<runs {
      for count in counts {
        for batched in [true, false] {
          var model = model
          model.prefillsInBatches = batched
          model.threads = count
          var off = NoRecorder()
          let time = try Stopwatch.seconds {
            _ = try model.generate(promptTokens: prompt, steps: 0, recorder: &off)
          }
          if batched {
            seconds[count, default: ([], [])].batched.append(time)
          } else {
            seconds[count, default: ([], [])].single.append(time)
          }
        }
      }
    }
    func rate(_ times: [Double]?) -> Double { Double(tokens) / Stopwatch.median(times ?? []) }
    result.batched = rate(seconds[1]?.batched)
    result.single = rate(seconds[1]?.single)
    if threads > 1 {
      result.threadedBatched = rate(seconds[threads]?.batched)
      result.threadedSingle = rate(seconds[threads]?.single)
    }
    return result
  }
}

extension BenchPrefill {
  /// The prefill of a 200-token prompt (or as long as `--tokens` allows), at most three runs
  /// each way, on one thread and on `--threads`.
  static func measure(_ model: TinyTransformer, _ options: BenchCommand.Options) throws
    -> BenchPrefill
  {
    try measure(
      model, tokens: min(200, options.tokens - 1), runs: min(options.runs, 3),
      threads: options.threads)
  }
}

extension BenchReport.Shape {
  /// Keeps a prefill's measurements.
  mutating func add(_ prefill: BenchPrefill) {
    (prefillTokens, prefillBatched, prefillSingle) = (
      prefill.tokens, prefill.batched, prefill.single
    )
    (prefillThreadedBatched, prefillThreadedSingle) = (
      prefill.threadedBatched, prefill.threadedSingle
    )
  }
}
