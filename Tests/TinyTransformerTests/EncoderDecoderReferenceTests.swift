import Foundation
import KVTrace
import Testing

@testable import TinyTransformer

/// A plain, uncached T5 forward pass in `Double`, written from the definitions in
/// `EncoderDecoderTransformer`'s documentation and reading the model's weights: no
/// kernels, no caches, no scratch buffers, libm's `exp`, `tanh` and `log`. The encoder
/// runs over the whole source; the decoder runs over every decoder position again.
private struct ReferenceT5 {
  let c: ModelConfig
  let t5: T5Config
  let w: T5Weights

  init(_ model: EncoderDecoderTransformer) {
    c = model.config
    t5 = model.t5
    w = model.weights
  }

  func project(_ base: UnsafePointer<Float>, rows: Int, _ x: [Double]) -> [Double] {
    ReferenceMath.project(base, rows: rows, x)
  }

  func norm(_ x: [Double], _ weight: UnsafePointer<Float>) -> [Double] {
    let scale = 1 / (x.reduce(0) { $0 + $1 * $1 } / Double(x.count) + 1e-6).squareRoot()
    return x.indices.map { Double(weight[$0]) * x[$0] * scale }
  }

  /// T5's bucket, from its definition, with libm's `log`.
  func bucket(_ offset: Int, bidirectional: Bool) -> Int {
    var (count, base, n) = (t5.relativeBuckets, 0, max(0, -offset))
    if bidirectional {
      count /= 2
      base = offset > 0 ? count : 0
      n = abs(offset)
    }
    let exact = count / 2
    guard n >= exact else { return base + n }
    let large =
      exact
      + Int(
        log(Double(n) / Double(exact)) / log(Double(t5.relativeMaxDistance) / Double(exact))
          * Double(count - exact) + 1e-9)
    return base + min(large, count - 1)
  }

  /// `softmax(q·k + bias) · v` per head, unscaled; `bias` nil for cross-attention.
  func attention(
    _ q: [Double], _ k: [[Double]], _ v: [[Double]], bias: ((Int, Int) -> Double)?
  ) -> [Double] {
    let hs = c.headSize
    var out = [Double](repeating: 0, count: c.attentionDim)
    for h in 0..<c.heads {
      let g = h / (c.heads / c.kvHeads)
      let scores = k.indices.map { t in
        (0..<hs).reduce(0.0) { $0 + q[h * hs + $1] * k[t][g * hs + $1] } + (bias?(h, t) ?? 0)
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

  func feedForward(_ x: [Double], _ f: T5Weights.FeedForwardBlock) -> [Double] {
    let n = norm(x, f.norm)
    let a = project(f.wi, rows: c.mlpDim, n)
    let hidden: [Double]
    if let wiLinear = f.wiLinear {
      let up = project(wiLinear, rows: c.mlpDim, n)
      hidden = a.indices.map {
        0.5 * a[$0] * (1 + tanh((2 / Double.pi).squareRoot() * (a[$0] + 0.044715 * pow(a[$0], 3))))
          * up[$0]
      }
    } else {
      hidden = a.map { max(0, $0) }
    }
    let down = project(f.wo, rows: c.dim, hidden)
    return x.indices.map { x[$0] + down[$0] }
  }

  func embed(_ tokens: [Int]) -> [[Double]] {
    tokens.map { t in (0..<c.dim).map { Double(w.shared[t * c.dim + $0]) } }
  }

  /// Self-attention of every position of `x` (all keys, or causal), added to `x`.
  func selfAttention(
    _ x: [[Double]], _ a: T5Weights.AttentionBlock, table: UnsafePointer<Float>, causal: Bool
  ) -> [[Double]] {
    let n = x.map { norm($0, a.norm) }
    let (q, k, v) = (
      n.map { project(a.wq, rows: c.attentionDim, $0) }, n.map { project(a.wk, rows: c.kvDim, $0) },
      n.map { project(a.wv, rows: c.kvDim, $0) }
    )
    return x.indices.map { p in
      let keys = causal ? 0...p : 0...(x.count - 1)
      let o = project(
        a.wo, rows: c.dim,
        attention(q[p], Array(k[keys]), Array(v[keys])) { h, t in
          Double(table[bucket(t - p, bidirectional: !causal) * c.heads + h])
        })
      return x[p].indices.map { x[p][$0] + o[$0] }
    }
  }

  /// The encoder output.
  func encode(_ source: [Int]) -> [[Double]] {
    var x = embed(source)
    for l in 0..<c.layers {
      x = selfAttention(x, w.encoderSelf[l], table: w.encoderBias, causal: false)
      x = x.map { feedForward($0, w.encoderFeedForward[l]) }
    }
    return x.map { norm($0, w.encoderFinalNorm) }
  }

  /// The logits after the last decoder token.
  func logits(source: [Int], decoder tokens: [Int]) -> [Double] {
    let e = encode(source)
    var x = embed(tokens)
    for l in 0..<c.layers {
      x = selfAttention(x, w.decoderSelf[l], table: w.decoderBias, causal: true)
      let cross = w.decoderCross[l]
      let (ck, cv) = (
        e.map { project(cross.wk, rows: c.kvDim, $0) },
        e.map { project(cross.wv, rows: c.kvDim, $0) }
      )
      x = x.map { h in
        let cq = project(cross.wq, rows: c.attentionDim, norm(h, cross.norm))
        let co = project(cross.wo, rows: c.dim, attention(cq, ck, cv, bias: nil))  // no positions
        return feedForward(h.indices.map { h[$0] + co[$0] }, w.decoderFeedForward[l])
      }
    }
    var last = norm(x[x.count - 1], w.decoderFinalNorm)
    if t5.tiedEmbeddings { last = last.map { $0 / Double(c.dim).squareRoot() } }
    return project(w.classifier, rows: c.vocabularySize, last)
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
  let reference = ReferenceT5(model)
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
