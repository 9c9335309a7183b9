import Foundation
import KVTrace
import Testing

@testable import TinyTransformer

/// One query's attention shared among threads by heads (a decode step's, on `--threads 2`)
/// gives the bits one thread gives: the outputs, the weights left in the scores buffer, and
/// every recorded event, for grouped-query shapes whose parts start on a KV head, T5's
/// scoring with a bias, and rows stored out of order.
@Suite(.tags(.unit)) struct AttentionThreadsTests {
  struct Shape: Sendable, CustomStringConvertible {
    var heads: Int
    var kvHeads: Int
    var headSize: Int
    var description: String { "\(heads) heads, \(kvHeads) KV heads of \(headSize)" }
  }

  static let shapes = [
    Shape(heads: 6, kvHeads: 6, headSize: 48),  // llama2.c's 15M model
    Shape(heads: 6, kvHeads: 2, headSize: 32),  // three query heads per KV head
    Shape(heads: 8, kvHeads: 8, headSize: 16),
    Shape(heads: 4, kvHeads: 1, headSize: 64),  // one KV head: a single part
    Shape(heads: 5, kvHeads: 5, headSize: 24),  // an odd head count: unequal parts
  ]

  /// Runs `Attention.attend` over `count` rows on `threads` threads; returns the outputs,
  /// the scores buffer (the weights, after the softmax) and the events.
  static func attend(
    _ shape: Shape, count: Int, threads: Int, bias: Bool, detail: TraceDetail
  ) -> (out: [Float], scores: [Float], events: [AttentionEvent]) {
    let c = ModelConfig(
      layers: 1, heads: shape.heads, kvHeads: shape.kvHeads, dim: shape.heads * shape.headSize,
      mlpDim: 8, contextLength: count, vocabularySize: 16)
    let seed = UInt64(shape.heads * 100 + shape.kvHeads * 10 + shape.headSize)
    let q = KernelVariantTests.random(c.dim, seed: seed)
    let keys = KernelVariantTests.random(count * c.kvDim, seed: seed + 1)
    let values = KernelVariantTests.random(count * c.kvDim, seed: seed + 2)
    let positionBias = KernelVariantTests.random(c.heads * count, seed: seed + 3, scale: 2)
    let offsets = (0..<count).map { ((5 * $0) % count) * c.kvDim }  // rows out of order
    var scores = [Float](repeating: 0, count: c.heads * count)
    var out = [Float](repeating: 7, count: c.dim)
    var report: AttentionReport? = AttentionReport(step: 3, detail: detail)
    let event = AttentionEvent(
      step: 3, layer: 0, head: 0, kvHead: 0, query: count - 1, keys: PositionSet())
    positionBias.withUnsafeBufferPointer { biasBuffer in
      let rows = Attention.Rows(keys: keys, values: values, offsets: offsets, count: count)
      let scoring: Attention.Scoring = bias ? .t5(bias: biasBuffer.baseAddress) : .scaled
      Attention.attend(
        q, over: rows, config: c, scores: &scores, out: &out, event: event, report: &report,
        scoring: scoring, threads: threads)
    }
    return (out, scores, report?.events ?? [])
  }

  @Test(arguments: shapes)
  func headsSharedAmongThreadsGiveTheSameBits(shape: Shape) {
    let count = 161
    // Enough work for the pool (otherwise the caller does every head alone).
    #expect(count * shape.heads * shape.headSize * 2 >= Parallel.minimumWork)
    for bias in [false, true] {
      for detail in [TraceDetail.summary, .full, .vectors] {
        let one = Self.attend(shape, count: count, threads: 1, bias: bias, detail: detail)
        for threads in [2, 3, 8] {
          let many = Self.attend(shape, count: count, threads: threads, bias: bias, detail: detail)
          let label = "\(shape), \(threads) threads, bias \(bias), \(detail)"
          #expect(KernelVariantTests.bits(many.out) == KernelVariantTests.bits(one.out), "\(label)")
          #expect(
            KernelVariantTests.bits(many.scores) == KernelVariantTests.bits(one.scores), "\(label)")
          #expect(many.events == one.events, "\(label)")
          #expect(many.events.count == shape.heads)
        }
        #expect(one.events.map(\.head) == Array(0..<shape.heads))
        #expect(one.events.allSatisfy { ($0.scores != nil) == (detail != .summary) })
      }
    }
  }

  /// The parts' answer against a plain loop in `Double` (so that equal bits are also right
  /// bits): each head's output is its softmax-weighted sum of its KV head's values.
  @Test func theSharedHeadsMatchAPlainComputation() {
    let shape = Shape(heads: 6, kvHeads: 2, headSize: 32)
    let count = 97
    let many = Self.attend(shape, count: count, threads: 2, bias: false, detail: .full)
    let c = ModelConfig(
      layers: 1, heads: 6, kvHeads: 2, dim: 192, mlpDim: 8, contextLength: count,
      vocabularySize: 16)
    let seed = UInt64(6 * 100 + 2 * 10 + 32)
    let q = KernelVariantTests.random(c.dim, seed: seed)
    let keys = KernelVariantTests.random(count * c.kvDim, seed: seed + 1)
    let values = KernelVariantTests.random(count * c.kvDim, seed: seed + 2)
    let offsets = (0..<count).map { ((5 * $0) % count) * c.kvDim }
    for head in 0..<c.heads {
      let kv = c.kvHead(forQueryHead: head) * c.headSize
      let logits = (0..<count).map { t in
        (0..<c.headSize).reduce(0.0) {
          $0 + Double(q[head * c.headSize + $1]) * Double(keys[offsets[t] + kv + $1])
        } / Double(c.headSize).squareRoot()
      }
      let top = logits.max() ?? 0
      let exps = logits.map { Foundation.exp($0 - top) }
      let total = exps.reduce(0, +)
      for i in 0..<c.headSize {
        let expected = (0..<count).reduce(0.0) {
          $0 + exps[$1] / total * Double(values[offsets[$1] + kv + i])
        }
        #expect(abs(Double(many.out[head * c.headSize + i]) - expected) < 1e-4, "head \(head)")
      }
    }
  }
}
