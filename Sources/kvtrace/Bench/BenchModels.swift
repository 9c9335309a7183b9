import KVTrace
import TinyTransformer

/// A model shape `kvtrace bench` measures, with random weights built in memory.
struct BenchShape: Sendable {
  var name: String
  var config: ModelConfig

  /// The demo model's shape, with a context long enough for 256 tokens.
  static let demo = BenchShape(
    name: "demo",
    config: ModelConfig(
      layers: 2, heads: 4, kvHeads: 4, dim: 32, mlpDim: 64, contextLength: 256,
      vocabularySize: Tokenizer.demo.vocabularySize))

  /// llama2.c's stories15M: dim 288, 6 layers, 6 heads, MLP 768, 32000 tokens.
  static let stories15M = BenchShape(
    name: "15M",
    config: ModelConfig(
      layers: 6, heads: 6, kvHeads: 6, dim: 288, mlpDim: 768, contextLength: 256,
      vocabularySize: 32000))

  static let all = [demo, stories15M]
}

/// Decoding runs to time: one prompt token, then enough decode steps for `tokens` tokens.
struct DecodeRun {
  var model: TinyTransformer
  var tokens: Int

  /// Seconds to decode `tokens` tokens with `policy`, recording into `recorder`.
  func seconds(policy: some CachePolicy, recorder: inout some TraceRecorder) throws -> Double {
    var recorder = recorder
    return try Stopwatch.seconds {
      _ = try model.generate(
        promptTokens: [Tokenizer.bosToken + 260], steps: tokens - 1, policy: policy,
        recorder: &recorder)
    }
  }

  /// The FLOPs such a run spends with `policy`: the ratio is what the count predicts.
  func flops(cached: Bool) -> Int {
    (0..<tokens).reduce(0) { sum, step in
      let length = step + 1
      let positions = cached && step > 0 ? (length - 1)..<length : 0..<length
      return sum + FLOPCount.step(positions: positions, config: model.config)
    }
  }
}
