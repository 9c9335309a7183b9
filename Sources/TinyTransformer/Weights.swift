import KVTrace

/// Every parameter of a decoder-only model, in one flat `Float` buffer.
///
/// The tensors follow llama2.c's order and layout: token embedding, then per
/// layer the attention norm, `Wq`, `Wk`, `Wv`, `Wo`, the MLP norm, `W1`, `W2`,
/// `W3`, then the final norm and the classifier. A matrix `[d, n]` maps an
/// `n`-vector to a `d`-vector. Training would have learned these numbers; kvtrace
/// draws them from a seeded generator, which is enough to make the caching real.
final class Weights: @unchecked Sendable {
  // @unchecked: the buffer is written once in init and only read afterwards.
  let config: ModelConfig
  private let storage: UnsafeMutableBufferPointer<Float>

  let tokenEmbedding: UnsafePointer<Float>  // [vocab, dim]
  let attentionNorm: UnsafePointer<Float>  // [layers, dim]
  let wq: UnsafePointer<Float>  // [layers, dim, dim]
  let wk: UnsafePointer<Float>  // [layers, kvDim, dim]
  let wv: UnsafePointer<Float>  // [layers, kvDim, dim]
  let wo: UnsafePointer<Float>  // [layers, dim, dim]
  let mlpNorm: UnsafePointer<Float>  // [layers, dim]
  let w1: UnsafePointer<Float>  // [layers, mlpDim, dim]  (gate)
  let w2: UnsafePointer<Float>  // [layers, dim, mlpDim]  (down)
  let w3: UnsafePointer<Float>  // [layers, mlpDim, dim]  (up)
  let finalNorm: UnsafePointer<Float>  // [dim]
  let classifier: UnsafePointer<Float>  // [vocab, dim]

  /// The tensors in file order with their element counts and initial scale.
  private static func layout(_ c: ModelConfig) -> [(count: Int, scale: Float)] {
    let l = c.layers
    let d = c.dim
    let qkGain: Float = 2.5  // sharper attention, so random heads show structure
    func fanIn(_ n: Int) -> Float { 1 / Float(n).squareRoot() }
    return [
      (c.vocabularySize * d, 1),  // token embedding
      (l * d, 0),  // attention norm (ones)
      (l * d * d, qkGain * fanIn(d)),  // wq
      (l * c.kvDim * d, qkGain * fanIn(d)),  // wk
      (l * c.kvDim * d, fanIn(d)),  // wv
      (l * d * d, fanIn(d)),  // wo
      (l * d, 0),  // mlp norm (ones)
      (l * c.mlpDim * d, fanIn(d)),  // w1
      (l * d * c.mlpDim, fanIn(c.mlpDim)),  // w2
      (l * c.mlpDim * d, fanIn(d)),  // w3
      (d, 0),  // final norm (ones)
      (c.vocabularySize * d, 2 * fanIn(d)),  // classifier
    ]
  }

  /// Draws every weight from `SplitMix64(seed)`, tensor by tensor in file order.
  ///
  /// Matrices are uniform in `±scale` with `scale ∝ 1/√fan-in`; norm weights are 1.
  ///
  /// The classifier rows of `rareTokens` are drawn at a tenth of the scale. The
  /// demo marks every piece that does not begin a new word (specials, raw bytes,
  /// word pieces without a leading space): a trained model learns that English
  /// words follow spaces, and without this prior a random model spells bytes and
  /// glued fragments. It shapes which words appear, not how the cache works.
  init(config: ModelConfig, seed: UInt64, rareTokens: Set<Int> = []) {
    self.config = config
    let layout = Self.layout(config)
    storage = .allocate(capacity: layout.reduce(0) { $0 + $1.count })
    var generator = SplitMix64(seed: seed)
    var offset = 0
    var bases: [UnsafePointer<Float>] = []
    for (index, (count, scale)) in layout.enumerated() {
      let base = storage.baseAddress! + offset
      for i in 0..<count {
        base[i] = scale == 0 ? 1 : generator.nextSignedFloat() * scale
      }
      if index == layout.count - 1 {  // the classifier [vocab, dim]
        for token in rareTokens.sorted() where token < config.vocabularySize {
          for j in 0..<config.dim { base[token * config.dim + j] *= 0.1 }
        }
      }
      bases.append(UnsafePointer(base))
      offset += count
    }
    tokenEmbedding = bases[0]
    attentionNorm = bases[1]
    wq = bases[2]
    wk = bases[3]
    wv = bases[4]
    wo = bases[5]
    mlpNorm = bases[6]
    w1 = bases[7]
    w2 = bases[8]
    w3 = bases[9]
    finalNorm = bases[10]
    classifier = bases[11]
  }

  deinit { storage.deallocate() }

  /// How many parameters the model has.
  var parameterCount: Int { storage.count }
}
