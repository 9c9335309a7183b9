import Foundation
import KVTrace
import Testing

@testable import TinyTransformer

/// An encoder-decoder's `--detail vectors` trace holds enough to redo all three kinds of
/// attention: the encoder's (step 0), the decoder's causal self-attention and its
/// cross-attention over K/V projected from the encoder output. Every `rows` event carries
/// its fresh K/V rows, so every score, weight and output recomputes, with T5's convention:
/// `q·k` unscaled, plus, in self-attention, a bias that depends only on the stack, the
/// head and the offset `key − query` (the same for a cached key at every later step).
@Suite(.tags(.oracle)) struct EncoderDecoderVectorsTests {
  static func vectorsTrace(cache: String, cross: CrossAttentionMode) throws -> Trace {
    let model = try EncoderDecoderTransformer(
      config: ModelConfig(
        layers: 2, heads: 4, kvHeads: 2, dim: 40, mlpDim: 64, contextLength: 32,
        vocabularySize: Tokenizer.demo.vocabularySize), seed: 11)
    var log = TraceLog(detail: .vectors)
    _ = try model.generate(
      source: "summarize: the quick brown fox jumps over the lazy dog", steps: 4,
      policy: CachePolicies.parse(cache), crossAttention: cross, recorder: &log)
    let trace = try #require(log.trace)
    let decoded = try TraceDecoder.decode(TraceEncoder.encode(trace, as: .json))
    #expect(decoded == trace, "the JSON round trip keeps every vector")
    return decoded
  }

  @Test(arguments: ["full", "none"], CrossAttentionMode.allCases)
  func everyScoreWeightAndOutputRecomputes(cache: String, cross: CrossAttentionMode) throws {
    let trace = try Self.vectorsTrace(cache: cache, cross: cross)
    let headSize = trace.header.model.headSize
    // Keyed by whether the rows are cross-attention's: the encoder's and the decoder's
    // self-attention rows share positions, and a later step's fresh row replaces the older.
    var rows: [Bool: VectorsRecomputeTests.Rows] = [false: .init(), true: .init()]
    var checked: [Bool: Int] = [:]
    var biases: [[Int]: Float] = [:]  // [decoder?, head, offset] -> the bias seen first
    var rowsWithVectors = 0
    for step in trace.steps {
      for event in step.rows {
        let keys = try #require(event.keys, "rows event at step \(step.step) has no keys")
        let values = try #require(event.values)
        #expect(keys.count == event.fresh.count * headSize && values.count == keys.count)
        for (row, position) in event.fresh.enumerated() {
          let at = [event.sequence, event.layer, event.kvHead, position]
          let slice = row * headSize..<(row + 1) * headSize
          rows[event.kind == .cross, default: .init()].keys[at] = Array(keys[slice])
          rows[event.kind == .cross, default: .init()].values[at] = Array(values[slice])
        }
        rowsWithVectors += event.fresh.isEmpty ? 0 : 1
      }
      for event in step.attention {
        try Self.recompute(
          event, rows: try #require(rows[event.kind == .cross]), headSize: headSize,
          biases: &biases)
        checked[event.kind == .cross, default: 0] += 1
      }
    }
    #expect(checked[false, default: 0] > 50 && checked[true, default: 0] > 20)
    #expect(
      checked.values.reduce(0, +)
        == trace.events.filter { if case .attention = $0 { true } else { false } }.count)
    #expect(rowsWithVectors >= 2 * 2 * 3, "encoder, decoder self and cross rows, 2 layers × 2")
  }

  /// Recomputes one attention event: `q·k` unscaled; the rest of each self-attention
  /// score is the position bias, which must be the same for every (stack, head, offset);
  /// cross-attention scores have none. Then the softmax and the output, bit for bit.
  static func recompute(
    _ e: AttentionEvent, rows: VectorsRecomputeTests.Rows, headSize: Int,
    biases: inout [[Int]: Float]
  ) throws {
    let q = try #require(e.q)
    let (scores, weights) = (try #require(e.scores), try #require(e.weights))
    let keys = try e.keys.map { try #require(rows.keys[[e.sequence, e.layer, e.kvHead, $0]]) }
    let values = try e.keys.map { try #require(rows.values[[e.sequence, e.layer, e.kvHead, $0]]) }
    for ((position, key), score) in zip(zip(e.keys, keys), scores) {
      let dot = Kernels.dot(q, key, n: headSize)
      guard e.kind == .self else {
        #expect(score == dot, "cross-attention has no position bias")
        continue
      }
      let at = [e.step == 0 ? 0 : 1, e.head, position - e.query]
      let bias = score - dot
      let first = biases[at] ?? bias
      biases[at] = first
      #expect(abs(bias - first) <= 1e-5 * max(1, abs(score)), "bias of \(at)")
    }
    var mine = scores
    Kernels.softmax(&mine, n: mine.count)
    #expect(mine == weights, "weights of head \(e.head), query \(e.query) at step \(e.step)")
    var out = [Float](repeating: 0, count: headSize)
    for (weight, v) in zip(weights, values) { Kernels.addScaled(&out, weight, v, n: headSize) }
    #expect(out == e.output, "output of head \(e.head), query \(e.query) at step \(e.step)")
  }

  /// Recording vectors changes nothing the model computes: the same tokens and logits
  /// as with no recorder.
  @Test func vectorsChangeNothingComputed() throws {
    let model = try EncoderDecoderTransformer(
      config: ModelConfig(
        layers: 2, heads: 4, kvHeads: 2, dim: 40, mlpDim: 64, contextLength: 32,
        vocabularySize: Tokenizer.demo.vocabularySize), seed: 11)
    let source = "summarize: the quick brown fox"
    let plain = try model.generate(source: source, steps: 3, collectLogits: true)
    var log = TraceLog(detail: .vectors)
    let recorded = try model.generate(
      source: source, steps: 3, collectLogits: true, recorder: &log)
    #expect(recorded == plain)
  }
}
