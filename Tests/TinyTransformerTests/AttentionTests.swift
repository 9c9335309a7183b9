import Foundation
import KVTrace
import Testing

@testable import TinyTransformer

private let vocabulary = Tokenizer.demo.vocabularySize

private func shape(
  layers: Int, heads: Int, kvHeads: Int, dim: Int, mlpDim: Int, context: Int
) -> ModelConfig {
  ModelConfig(
    layers: layers, heads: heads, kvHeads: kvHeads, dim: dim, mlpDim: mlpDim,
    contextLength: context, vocabularySize: vocabulary)
}

/// A plain, uncached forward pass in `Double`, written from the textbook definition and
/// reading the model's weights: no kernels, no cache, no scratch buffers.
private struct ReferenceModel {
  let c: ModelConfig
  let weights: Weights

  init(_ model: TinyTransformer) {
    c = model.config
    weights = model.weights.flat
  }

  func project(_ base: UnsafePointer<Float>, rows: Int, _ x: [Double]) -> [Double] {
    ReferenceMath.project(base, rows: rows, x)
  }

  func rmsnorm(_ x: [Double], _ weight: UnsafePointer<Float>) -> [Double] {
    ReferenceMath.rmsnorm(x, weight)
  }

  func rope(_ v: [Double], position: Int) -> [Double] {
    ReferenceMath.rope(v, position: position, headSize: c.headSize)
  }

  /// The logits after the last token, and every (layer, head, query) score row.
  func run(_ tokens: [Int]) -> (logits: [Double], scores: [[Int]: [Double]]) {
    weights.withTensors { w in
      let (d, hs, kv) = (c.dim, c.headSize, c.kvDim)
      var x = tokens.map { t in (0..<d).map { Double(w.tokenEmbedding[t * d + $0]) } }
      var allScores: [[Int]: [Double]] = [:]
      for l in 0..<c.layers {
        let n = x.map { rmsnorm($0, w.attentionNorm + l * d) }
        let q = n.indices.map { rope(project(w.wq + l * d * d, rows: d, n[$0]), position: $0) }
        let k = n.indices.map { rope(project(w.wk + l * kv * d, rows: kv, n[$0]), position: $0) }
        let v = n.map { project(w.wv + l * kv * d, rows: kv, $0) }
        for p in x.indices {
          var attended = [Double](repeating: 0, count: d)
          for h in 0..<c.heads {
            let g = h / (c.heads / c.kvHeads)
            let scores = (0...p).map { t in
              (0..<hs).reduce(0.0) { $0 + q[p][h * hs + $1] * k[t][g * hs + $1] }
                / Double(hs).squareRoot()
            }
            allScores[[l, h, p]] = scores
            let top = scores.max()!
            let e = scores.map { exp($0 - top) }
            let total = e.reduce(0, +)
            for t in 0...p {
              for i in 0..<hs { attended[h * hs + i] += e[t] / total * v[t][g * hs + i] }
            }
          }
          let o = project(w.wo + l * d * d, rows: d, attended)
          for i in 0..<d { x[p][i] += o[i] }
          let m = rmsnorm(x[p], w.mlpNorm + l * d)
          let gate = project(w.w1 + l * c.mlpDim * d, rows: c.mlpDim, m)
          let up = project(w.w3 + l * c.mlpDim * d, rows: c.mlpDim, m)
          let hidden = gate.indices.map { gate[$0] / (1 + exp(-gate[$0])) * up[$0] }
          let down = project(w.w2 + l * d * c.mlpDim, rows: d, hidden)
          for i in 0..<d { x[p][i] += down[i] }
        }
      }
      let final = rmsnorm(x[x.count - 1], w.finalNorm)
      return (project(w.classifier, rows: c.vocabularySize, final), allScores)
    }
  }
}

private func maxDifference(_ a: [Float], _ b: [Double]) -> Double {
  zip(a, b).reduce(0) { max($0, abs(Double($1.0) - $1.1)) }
}

@Test(
  .tags(.oracle),
  arguments: [
    (shape(layers: 1, heads: 1, kvHeads: 1, dim: 4, mlpDim: 4, context: 8), "The quick", 5),
    (
      shape(layers: 1, heads: 2, kvHeads: 2, dim: 8, mlpDim: 12, context: 12), "Once upon a time", 6
    ),
    (shape(layers: 2, heads: 4, kvHeads: 2, dim: 16, mlpDim: 24, context: 24), "The cat sat.", 9),
    (shape(layers: 2, heads: 4, kvHeads: 1, dim: 32, mlpDim: 16, context: 20), "a", 12),
    (shape(layers: 3, heads: 8, kvHeads: 2, dim: 32, mlpDim: 24, context: 16), "The fox jumps", 8),
    (shape(layers: 2, heads: 4, kvHeads: 4, dim: 32, mlpDim: 64, context: 64), "dog. The", 7),
  ])
func modelLogitsMatchAReferenceForwardPass(config: ModelConfig, prompt: String, steps: Int)
  throws
{
  let model = try TinyTransformer(config: config, seed: UInt64(config.dim * 31 + steps))
  var cachedLog = TraceLog(detail: .full)
  let cached = try model.generate(
    prompt: prompt, steps: steps, collectLogits: true, recorder: &cachedLog)
  var uncachedLog = NoRecorder()
  let uncached = try model.generate(
    prompt: prompt, steps: steps, policy: NoCache(), collectLogits: true, recorder: &uncachedLog)
  #expect(cached.tokens == uncached.tokens)
  let reference = ReferenceModel(model)
  let sequence = cached.promptTokens + cached.tokens
  try #require(cached.logits.count == steps + 1)
  var lastScores: [[Int]: [Double]] = [:]
  for step in 0...steps {
    let expected = reference.run(Array(sequence.prefix(cached.promptTokens.count + step)))
    #expect(maxDifference(cached.logits[step], expected.logits) <= 1e-4, "step \(step), cached")
    #expect(maxDifference(uncached.logits[step], expected.logits) <= 1e-4, "step \(step), none")
    lastScores = expected.scores
  }
  // Greedy: each chosen token is the argmax of the reference's logits too.
  let final = reference.run(Array(sequence.dropLast()))
  #expect(final.logits.firstIndex(of: final.logits.max()!) == cached.tokens.last)
  // The recorded scores are the ones the reference computes, for every query of the run.
  let trace = try #require(cachedLog.trace)
  var checked = 0
  var worst = 0.0
  for case .attention(let event) in trace.events {
    let scores = try #require(event.scores)
    let expected = try #require(lastScores[[event.layer, event.head, event.query]])
    #expect(scores.count == expected.count)
    worst = max(worst, maxDifference(scores, expected))
    checked += 1
  }
  #expect(worst <= 1e-4)
  #expect(checked == config.layers * config.heads * (sequence.count - 1))
}

private let tiny = shape(layers: 1, heads: 2, kvHeads: 2, dim: 4, mlpDim: 4, context: 8)

@Test(.tags(.unit)) func attentionWeightsAreTheSoftmaxOfTheScores() throws {
  let model = try TinyTransformer(config: tiny, seed: 5)
  var log = TraceLog(detail: .full)
  _ = try model.generate(prompt: "The quick brown", steps: 4, recorder: &log)
  let trace = try #require(log.trace)
  var count = 0
  for case .attention(let event) in trace.events {
    let scores = try #require(event.scores)
    let weights = try #require(event.weights)
    #expect(event.keys == PositionSet(0..<(event.query + 1)))  // causal: 0...query
    #expect(scores.count == event.query + 1 && weights.count == scores.count)
    #expect(event.kvHead == tiny.kvHead(forQueryHead: event.head))
    let top = Double(scores.max()!)
    let e = scores.map { exp(Double($0) - top) }
    let total = e.reduce(0, +)
    for (weight, expected) in zip(weights, e) {
      #expect(abs(Double(weight) - expected / total) <= 1e-6)
    }
    #expect(abs(weights.reduce(0, +) - 1) <= 1e-6)
    count += 1
  }
  // Prefill: 3 queries; then one per decode step; two heads each.
  #expect(count == 2 * (3 + 4))
}

@Test(.tags(.unit)) func summaryDetailDropsScoresButKeepsKeys() throws {
  let model = try TinyTransformer(config: tiny, seed: 5)
  var full = TraceLog(detail: .full)
  var summary = TraceLog(detail: .summary)
  _ = try model.generate(prompt: "The quick brown", steps: 3, recorder: &full)
  _ = try model.generate(prompt: "The quick brown", steps: 3, recorder: &summary)
  let fullEvents = try #require(full.trace).events
  let summaryEvents = try #require(summary.trace).events
  #expect(fullEvents.count == summaryEvents.count)
  var attention = 0
  for (a, b) in zip(fullEvents, summaryEvents) {
    guard case .attention(let withScores) = a, case .attention(let without) = b else {
      #expect(a == b)  // rows, tokens and counters do not depend on the detail
      continue
    }
    #expect(withScores.scores != nil && withScores.weights != nil)
    #expect(without.scores == nil && without.weights == nil)
    #expect(without.keys == withScores.keys && without.query == withScores.query)
    attention += 1
  }
  #expect(attention == 2 * (3 + 3))
}

/// Scaled dot-product attention of one query over `keys`/`values`, in `Double`.
private func referenceAttention(q: [Float], keys: [[Float]], values: [[Float]]) -> [Double] {
  let scale = 1 / Double(q.count).squareRoot()
  let scores = keys.map { k in zip(q, k).reduce(0.0) { $0 + Double($1.0) * Double($1.1) } * scale }
  let top = scores.max()!
  let e = scores.map { exp($0 - top) }
  let total = e.reduce(0, +)
  return (0..<q.count).map { i in
    values.indices.reduce(0.0) { $0 + e[$1] / total * Double(values[$1][i]) }
  }
}

@Test(.tags(.oracle), arguments: [(4, 2, 0), (4, 2, 3), (4, 1, 5), (2, 2, 6)])
func attendMatchesScaledDotProductAttention(heads: Int, kvHeads: Int, position: Int) throws {
  let config = shape(layers: 2, heads: heads, kvHeads: kvHeads, dim: 16, mlpDim: 4, context: 8)
  let model = try TinyTransformer(config: config, seed: 1)
  let cache = KVCache(config: config)
  let storage = try #require(cache.storage as? ContiguousRows)
  let scratch = Scratch(config: config)
  var generator = SplitMix64(seed: UInt64(position + 10 * heads + kvHeads))
  let q = (0..<config.dim).map { _ in generator.nextSignedFloat() * 2 }
  // Fill the whole cache: attend must read only layer 1's rows 0...position of its KV head.
  for i in 0..<storage.keys.count {
    storage.keys[i] = generator.nextSignedFloat()
    storage.values[i] = generator.nextSignedFloat()
  }
  for i in 0..<config.dim { scratch.q[i] = q[i] }
  for p in 0...position { cache.markWritten(layer: 1, position: p, step: 0) }  // held rows
  var report: AttentionReport? = AttentionReport(step: 3, detail: .full)
  model.attend(layer: 1, position: position, cache: cache, scratch: scratch, report: &report)
  let hs = config.headSize
  for head in 0..<heads {
    let g = config.kvHead(forQueryHead: head)
    let rows = (0...position).map { storage.rowOffset(layer: 1, position: $0) + g * hs }
    let expected = referenceAttention(
      q: Array(q[(head * hs)..<((head + 1) * hs)]),
      keys: rows.map { r in (0..<hs).map { storage.keys[r + $0] } },
      values: rows.map { r in (0..<hs).map { storage.values[r + $0] } })
    let got = (0..<hs).map { scratch.xb[head * hs + $0] }
    #expect(maxDifference(got, expected) <= 1e-5, "head \(head)")
  }
  let events = try #require(report?.events)
  #expect(events.map(\.head) == Array(0..<heads))
  #expect(events.allSatisfy { $0.step == 3 && $0.layer == 1 && $0.query == position })
}
