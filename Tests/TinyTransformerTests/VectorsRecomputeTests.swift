import Foundation
import KVTrace
import Testing

@testable import TinyTransformer

/// A `--detail vectors` trace holds enough to redo attention: every score and weight
/// from the recorded q and K, every head's output from the weights and V, bit for bit.
///
/// The trace goes through its JSON bytes first, so the numbers checked are the ones a
/// file carries. The recomputation uses the model's own kernels (the same order of
/// operations, the same deterministic `exp`): that is what "exactly" can mean for floats.
/// An independent sum in `Double` checks those kernels compute what the names say.
@Suite(.tags(.oracle)) struct VectorsRecomputeTests {
  /// The rows a checker knows so far: per (sequence, layer, KV head, position), the key
  /// and value attention reads.
  struct Rows {
    var keys: [[Int]: [Float]] = [:]
    var values: [[Int]: [Float]] = [:]
  }

  static func vectorsTrace(_ policy: String, steps: Int = 5) throws -> Trace {
    let model = try TinyTransformer(
      config: ModelConfig(
        layers: 2, heads: 4, kvHeads: 2, dim: 40, mlpDim: 64, contextLength: 32,
        vocabularySize: Tokenizer.demo.vocabularySize), seed: 7)
    var log = TraceLog(detail: .vectors)
    _ = try model.generate(
      prompt: "The quick brown fox jumps over the lazy dog.", steps: steps,
      policy: CachePolicies.parse(policy), recorder: &log)
    let trace = try #require(log.trace)
    let decoded = try TraceDecoder.decode(TraceEncoder.encode(trace, as: .json))
    #expect(decoded == trace, "the JSON round trip keeps every vector")
    return decoded
  }

  @Test(arguments: ["full", "none", "window:4", "sinks:2,window:4", "paged:4", "int8"])
  func everyScoreWeightAndOutputRecomputes(policy: String) throws {
    let trace = try Self.vectorsTrace(policy)
    let headSize = trace.header.model.headSize
    var rows = Rows()
    var checked = 0
    for step in trace.steps {
      try Self.learnRows(of: step, into: &rows, headSize: headSize)
      for event in step.attention {
        try Self.recompute(event, rows: rows, headSize: headSize)
        checked += 1
      }
      let token = try #require(step.token)
      let logits = try #require(token.logits)
      #expect(logits.count == trace.header.model.vocabularySize && token.logitTokens == nil)
      #expect(logits.indices.max { logits[$0] < logits[$1] } == token.chosen.token)  // greedy
    }
    #expect(
      checked == trace.events.filter { if case .attention = $0 { true } else { false } }.count)
    #expect(checked > 100)
  }

  /// Recording vectors changes nothing the model computes or the trace says otherwise:
  /// the same tokens and logits as with no recorder, and with the vectors taken out, the
  /// events of a full-detail trace.
  @Test(arguments: ["full", "int8", "window:4"])
  func vectorsChangeNothingElse(policy: String) throws {
    let model = try TinyTransformer.trainedDefault()
    let prompt = "The quick brown fox jumps over the lazy dog."
    let plain = try model.generate(
      prompt: prompt, steps: 4, policy: CachePolicies.parse(policy), collectLogits: true)
    var vectors = TraceLog(detail: .vectors)
    var full = TraceLog(detail: .full)
    let recorded = try model.generate(
      prompt: prompt, steps: 4, policy: CachePolicies.parse(policy), collectLogits: true,
      recorder: &vectors)
    _ = try model.generate(
      prompt: prompt, steps: 4, policy: CachePolicies.parse(policy), recorder: &full)
    #expect(recorded == plain)
    let stripped = vectors.events.map { event -> TraceEvent in
      switch event {
      case .attention(var e): (e.q, e.output) = (nil, nil); return .attention(e)
      case .rows(var e): (e.keys, e.values) = (nil, nil); return .rows(e)
      case .token(var e): (e.logits, e.logitTokens) = (nil, nil); return .token(e)
      case .quantization(var e):
        (e.keyCodes, e.keysRead, e.valueCodes, e.valuesRead) = (nil, nil, nil, nil)
        return .quantization(e)
      default: return event
      }
    }
    #expect(stripped == full.events)
    #expect(stripped != vectors.events)
  }

  /// Files the step's fresh rows; under int8, the rows read back, after checking they are
  /// `code × scale` and within half a scale of the float rows.
  static func learnRows(of step: StepRecord, into rows: inout Rows, headSize: Int) throws {
    for event in step.rows where !event.fresh.isEmpty {
      let keys = try #require(event.keys)
      let values = try #require(event.values)
      var read = (keys, values)
      if let rounded = step.quantization.first(where: {
        $0.layer == event.layer && $0.kvHead == event.kvHead
      }) {
        read = try readBack(rounded, computed: (keys, values), headSize: headSize)
      }
      for (row, position) in event.fresh.enumerated() {
        let at = [event.sequence, event.layer, event.kvHead, position]
        let slice = row * headSize..<(row + 1) * headSize
        rows.keys[at] = Array(read.0[slice])
        rows.values[at] = Array(read.1[slice])
      }
    }
  }

  static func readBack(
    _ e: QuantizationEvent, computed: ([Float], [Float]), headSize: Int
  ) throws -> ([Float], [Float]) {
    let keyCodes = try #require(e.keyCodes)
    let valueCodes = try #require(e.valueCodes)
    let keysRead = try #require(e.keysRead)
    let valuesRead = try #require(e.valuesRead)
    for index in keyCodes.indices {
      let row = index / headSize
      #expect(keysRead[index] == Float(keyCodes[index]) * e.keyScales[row])
      #expect(valuesRead[index] == Float(valueCodes[index]) * e.valueScales[row])
      #expect(abs(keysRead[index] - computed.0[index]) <= e.keyScales[row] / 2 * 1.0001)
      #expect(abs(valuesRead[index] - computed.1[index]) <= e.valueScales[row] / 2 * 1.0001)
    }
    return (keysRead, valuesRead)
  }

  /// Recomputes one attention event's scores, weights and output from its q and the rows.
  static func recompute(_ e: AttentionEvent, rows: Rows, headSize: Int) throws {
    let q = try #require(e.q)
    let output = try #require(e.output)
    let (scores, weights) = (try #require(e.scores), try #require(e.weights))
    let keys = try e.keys.map { try #require(rows.keys[[e.sequence, e.layer, e.kvHead, $0]]) }
    let values = try e.keys.map { try #require(rows.values[[e.sequence, e.layer, e.kvHead, $0]]) }
    let scale = 1 / Float(headSize).squareRoot()
    var mine = keys.map { Kernels.dot(q, $0, n: headSize) * scale }
    #expect(mine == scores, "scores of head \(e.head), query \(e.query) at step \(e.step)")
    for (k, score) in zip(keys, scores) {  // independently, in Double
      let exact = zip(q, k).reduce(0.0) { $0 + Double($1.0) * Double($1.1) } * Double(scale)
      #expect(abs(exact - Double(score)) <= 1e-5 * max(1, abs(exact)))
    }
    Kernels.softmax(&mine, n: mine.count)
    #expect(mine == weights, "weights of head \(e.head), query \(e.query) at step \(e.step)")
    var out = [Float](repeating: 0, count: headSize)
    for (weight, v) in zip(weights, values) { Kernels.addScaled(&out, weight, v, n: headSize) }
    #expect(out == output, "output of head \(e.head), query \(e.query) at step \(e.step)")
  }
}
