import KVTrace
import TinyTransformer

/// The prefill of a long prompt, timed two ways: every position through each layer at
/// once (each weight row read once for the whole prompt), and one position at a time
/// (every weight streamed from memory once per position). Same bits either way.
struct BenchPrefill {
  /// The prompt's length: 200 tokens, or what the run's length allows.
  var tokens: Int
  /// Positions per second, all at once and one at a time.
  var batched = 0.0
  var single = 0.0

  /// Times the prefill of a `tokens`-long prompt `runs` times each way, taking turns.
  static func measure(_ model: TinyTransformer, tokens: Int, runs: Int) throws -> BenchPrefill {
    let vocabulary = model.config.vocabularySize
    let prompt = (0..<tokens).map { ($0 &* 7_919 &+ 1) % vocabulary }  // any ids will do
    var result = BenchPrefill(tokens: tokens)
    var seconds: (batched: [Double], single: [Double]) = ([], [])
    for _ in 0..<runs {
      for batched in [true, false] {
        var model = model
        model.prefillsInBatches = batched
        var off = NoRecorder()
        let time = try Stopwatch.seconds {
          _ = try model.generate(promptTokens: prompt, steps: 0, recorder: &off)
        }
        if batched { seconds.batched.append(time) } else { seconds.single.append(time) }
      }
    }
    result.batched = Double(tokens) / Stopwatch.median(seconds.batched)
    result.single = Double(tokens) / Stopwatch.median(seconds.single)
    return result
  }
}

extension BenchReport.Shape {
  /// Keeps a prefill's measurements.
  mutating func add(_ prefill: BenchPrefill) {
    (prefillTokens, prefillBatched, prefillSingle) = (
      prefill.tokens, prefill.batched, prefill.single
    )
  }
}
