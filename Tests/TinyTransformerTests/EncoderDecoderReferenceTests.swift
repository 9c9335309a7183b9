import Foundation
import KVTrace
import Testing

@testable import TinyTransformer

/// A plain, uncached encoder-decoder forward pass in `Double`, written from the
/// definitions in `EncoderDecoderTransformer`'s documentation and reading the
/// model's weights: no kernels, no caches, no scratch buffers. The encoder runs
/// over the whole source; the decoder runs over every decoder position again.
private struct ReferenceEncoderDecoder {
  let c: ModelConfig
  let w: EncoderDecoderWeights

  init(_ model: EncoderDecoderTransformer) {
    c = model.config
    w = model.weights
  }

  func project(_ base: UnsafePointer<Float>, rows: Int, _ x: [Double]) -> [Double] {
    ReferenceMath.project(base, rows: rows, x)
  }

  func rmsnorm(_ x: [Double], _ weight: UnsafePointer<Float>) -> [Double] {
    ReferenceMath.rmsnorm(x, weight)
  }

  /// Queries, keys and values of every position of `x`, the queries and keys rotated.
  func selfAttentionInputs(_ x: [[Double]], _ a: EncoderDecoderWeights.AttentionBlock) -> (
    q: [[Double]], k: [[Double]], v: [[Double]]
  ) {
    let n = x.map { rmsnorm($0, a.norm) }
    func rope(_ v: [Double], _ p: Int) -> [Double] {
      ReferenceMath.rope(v, position: p, headSize: c.headSize)
    }
    return (
      n.indices.map { rope(project(a.wq, rows: c.dim, n[$0]), $0) },
      n.indices.map { rope(project(a.wk, rows: c.kvDim, n[$0]), $0) },
      n.map { project(a.wv, rows: c.kvDim, $0) }
    )
  }

  /// Softmax attention of `q` (all heads) over `k`/`v` rows, heads side by side.
  func attention(_ q: [Double], _ k: [[Double]], _ v: [[Double]]) -> [Double] {
    let hs = c.headSize
    var out = [Double](repeating: 0, count: c.dim)
    for h in 0..<c.heads {
      let g = h / (c.heads / c.kvHeads)
      let scores = k.map { key in
        (0..<hs).reduce(0.0) { $0 + q[h * hs + $1] * key[g * hs + $1] } / Double(hs).squareRoot()
      }
      let top = scores.max()!
      let e = scores.map { exp($0 - top) }
      let total = e.reduce(0, +)
      for t in k.indices {
        for i in 0..<hs { out[h * hs + i] += e[t] / total * v[t][g * hs + i] }
      }
    }
    return out
  }

  func mlp(_ x: [Double], _ m: EncoderDecoderWeights.MLPBlock) -> [Double] {
    let n = rmsnorm(x, m.norm)
    let gate = project(m.w1, rows: c.mlpDim, n)
    let up = project(m.w3, rows: c.mlpDim, n)
    let hidden = gate.indices.map { gate[$0] / (1 + exp(-gate[$0])) * up[$0] }
    let down = project(m.w2, rows: c.dim, hidden)
    return x.indices.map { x[$0] + down[$0] }
  }

  func embed(_ tokens: [Int]) -> [[Double]] {
    tokens.map { t in (0..<c.dim).map { Double(w.tokenEmbedding[t * c.dim + $0]) } }
  }

  /// The encoder output: bidirectional self-attention over every source position.
  func encode(_ source: [Int]) -> [[Double]] {
    var x = embed(source)
    for l in 0..<c.layers {
      let a = w.encoderAttention.layer(l, c)
      let (q, k, v) = selfAttentionInputs(x, a)
      for p in x.indices {
        let o = project(a.wo, rows: c.dim, attention(q[p], k, v))  // every key, later ones too
        x[p] = mlp(x[p].indices.map { x[p][$0] + o[$0] }, w.encoderMLP.layer(l, c))
      }
    }
    return x.map { rmsnorm($0, w.encoderFinalNorm) }
  }

  /// The logits after the last decoder token.
  func logits(source: [Int], decoder tokens: [Int]) -> [Double] {
    let e = encode(source)
    var x = embed(tokens)
    for l in 0..<c.layers {
      let a = w.selfAttention.layer(l, c)
      let (q, k, v) = selfAttentionInputs(x, a)
      let x2 = w.crossAttention.layer(l, c)
      let ck = e.map { project(x2.wk, rows: c.kvDim, $0) }  // no positions
      let cv = e.map { project(x2.wv, rows: c.kvDim, $0) }
      for p in x.indices {
        let o = project(
          a.wo, rows: c.dim, attention(q[p], Array(k[0...p]), Array(v[0...p])))  // causal
        var h = x[p].indices.map { x[p][$0] + o[$0] }
        let cq = project(x2.wq, rows: c.dim, rmsnorm(h, x2.norm))
        let co = project(x2.wo, rows: c.dim, attention(cq, ck, cv))
        h = h.indices.map { h[$0] + co[$0] }
        x[p] = mlp(h, w.decoderMLP.layer(l, c))
      }
    }
    return project(w.classifier, rows: c.vocabularySize, rmsnorm(x[x.count - 1], w.finalNorm))
  }
}

private func shape(layers: Int, heads: Int, kvHeads: Int, dim: Int, context: Int) -> ModelConfig {
  ModelConfig(
    layers: layers, heads: heads, kvHeads: kvHeads, dim: dim, mlpDim: dim + 4,
    contextLength: context, vocabularySize: Tokenizer.demo.vocabularySize)
}

@Test(
  .tags(.oracle),
  arguments: [
    (shape(layers: 1, heads: 1, kvHeads: 1, dim: 4, context: 8), "summarize: cats", 3),
    (shape(layers: 2, heads: 4, kvHeads: 2, dim: 16, context: 16), "translate: the dog", 5),
    (shape(layers: 2, heads: 4, kvHeads: 1, dim: 32, context: 20), "My friends are cool.", 6),
    (shape(layers: 3, heads: 2, kvHeads: 2, dim: 8, context: 12), "a", 4),
  ])
func encoderDecoderLogitsMatchAReferenceForwardPass(
  config: ModelConfig, source: String, steps: Int
) throws {
  let model = try EncoderDecoderTransformer(config: config, seed: UInt64(config.dim + steps))
  let reference = ReferenceEncoderDecoder(model)
  let sourceTokens = model.tokenizer.encode(source)
  for mode in CrossAttentionMode.allCases {
    for policy in [FullCache() as any CachePolicy, NoCache()] {
      let run = try model.generate(
        source: source, steps: steps, policy: policy, crossAttention: mode, collectLogits: true)
      #expect(run.promptTokens == [EncoderDecoderTransformer.decoderStartToken])
      let decoder = run.promptTokens + run.tokens
      for step in 0..<steps {
        let expected = reference.logits(source: sourceTokens, decoder: Array(decoder[0...step]))
        let worst = zip(run.logits[step], expected).reduce(0.0) {
          max($0, abs(Double($1.0) - $1.1))
        }
        #expect(worst <= 1e-4, "\(mode) \(policy.info.name) step \(step + 1): \(worst)")
      }
    }
  }
}

@Test(.tags(.oracle)) func encoderAttentionIsBidirectionalAndDecoderSelfAttentionCausal() throws {
  let model = try EncoderDecoderTransformer(
    config: shape(layers: 2, heads: 2, kvHeads: 1, dim: 8, context: 16), seed: 3)
  var log = TraceLog(detail: .full)
  _ = try model.generate(source: "summarize: the cat sat", steps: 4, recorder: &log)
  let trace = try #require(log.trace)
  let length = trace.sourceTokens.count
  var counts: [String: Int] = [:]
  for case .attention(let event) in trace.events {
    let weights = try #require(event.weights)
    #expect(abs(weights.reduce(0, +) - 1) <= 1e-5)
    switch (event.step, event.kind) {
    case (0, .self):  // the encoder: every query reads every source position
      #expect(event.keys == PositionSet(0..<length))
      counts["encoder", default: 0] += 1
    case (_, .self):  // the decoder: causal
      #expect(event.keys == PositionSet(0..<(event.query + 1)))
      counts["self", default: 0] += 1
    case (_, .cross):  // the decoder reading the encoder output: always the whole source
      #expect(event.step > 0 && event.keys == PositionSet(0..<length))
      counts["cross", default: 0] += 1
    }
  }
  #expect(counts == ["encoder": 2 * 2 * length, "self": 2 * 2 * 4, "cross": 2 * 2 * 4])
}
