import KVTrace

/// Every parameter of the encoder-decoder model, in one flat `Float` buffer.
///
/// Drawn tensor by tensor, in the order below, from `SplitMix64(seed)`:
/// the token embedding (shared by the encoder's and the decoder's input, as in
/// T5); the encoder's self-attention and MLP blocks and its final norm; the
/// decoder's self-attention, cross-attention and MLP blocks; the final norm and
/// the classifier. Every block is stacked over the layers: `wq` of layer `l`
/// starts `l × dim × dim` floats in.
final class EncoderDecoderWeights: @unchecked Sendable {
  // @unchecked: the buffer is written once in init and only read afterwards.

  /// One attention block (norm and projections), stacked over layers.
  struct AttentionBlock {
    let norm: UnsafePointer<Float>  // [layers, dim]
    let wq: UnsafePointer<Float>  // [layers, dim, dim]
    let wk: UnsafePointer<Float>  // [layers, kvDim, dim]
    let wv: UnsafePointer<Float>  // [layers, kvDim, dim]
    let wo: UnsafePointer<Float>  // [layers, dim, dim]

    /// The tensors of one layer.
    func layer(_ l: Int, _ c: ModelConfig) -> AttentionBlock {
      AttentionBlock(
        norm: norm + l * c.dim, wq: wq + l * c.dim * c.dim, wk: wk + l * c.kvDim * c.dim,
        wv: wv + l * c.kvDim * c.dim, wo: wo + l * c.dim * c.dim)
    }
  }

  /// One SwiGLU feed-forward block, stacked over layers.
  struct MLPBlock {
    let norm: UnsafePointer<Float>  // [layers, dim]
    let w1: UnsafePointer<Float>  // [layers, mlpDim, dim]  (gate)
    let w2: UnsafePointer<Float>  // [layers, dim, mlpDim]  (down)
    let w3: UnsafePointer<Float>  // [layers, mlpDim, dim]  (up)

    /// The tensors of one layer.
    func layer(_ l: Int, _ c: ModelConfig) -> MLPBlock {
      MLPBlock(
        norm: norm + l * c.dim, w1: w1 + l * c.mlpDim * c.dim, w2: w2 + l * c.dim * c.mlpDim,
        w3: w3 + l * c.mlpDim * c.dim)
    }
  }

  let config: ModelConfig
  private let storage: UnsafeMutableBufferPointer<Float>

  let tokenEmbedding: UnsafePointer<Float>  // [vocab, dim]
  let encoderAttention: AttentionBlock
  let encoderMLP: MLPBlock
  let encoderFinalNorm: UnsafePointer<Float>  // [dim]
  let selfAttention: AttentionBlock
  let crossAttention: AttentionBlock
  let decoderMLP: MLPBlock
  let finalNorm: UnsafePointer<Float>  // [dim]
  let classifier: UnsafePointer<Float>  // [vocab, dim]

  /// Hands out consecutive tensors of the buffer, each filled from the generator.
  private struct Drawer {
    var next: UnsafeMutablePointer<Float>
    var generator: SplitMix64

    /// A tensor of `count` floats uniform in `±scale`, or of ones when `scale` is 0 (a norm).
    mutating func tensor(_ count: Int, scale: Float) -> UnsafeMutablePointer<Float> {
      let base = next
      for i in 0..<count { base[i] = scale == 0 ? 1 : generator.nextSignedFloat() * scale }
      next += count
      return base
    }
  }

  /// How many floats the model has.
  static func parameterCount(_ c: ModelConfig) -> Int {
    let attention = c.layers * (2 * c.dim * c.dim + 2 * c.kvDim * c.dim + c.dim)
    let mlp = c.layers * (3 * c.mlpDim * c.dim + c.dim)
    return 2 * c.vocabularySize * c.dim + 3 * attention + 2 * mlp + 2 * c.dim
  }

  /// Draws every weight from `SplitMix64(seed)`.
  ///
  /// Scales as in the decoder-only model: `±1/√fan-in`, queries and keys 2.5
  /// times that (sharper attention, so random heads show structure), norms 1.
  /// The classifier rows of `rareTokens` are drawn at a tenth of the scale: the
  /// same prior on word starts as the decoder-only demo, so the random decoder
  /// writes words rather than bytes.
  init(config c: ModelConfig, seed: UInt64, rareTokens: Set<Int>) {
    config = c
    storage = .allocate(capacity: Self.parameterCount(c))
    var draw = Drawer(next: storage.baseAddress!, generator: SplitMix64(seed: seed))
    func fanIn(_ n: Int) -> Float { 1 / Float(n).squareRoot() }
    let (l, d, kv, m) = (c.layers, c.dim, c.kvDim, c.mlpDim)
    func attention() -> AttentionBlock {
      AttentionBlock(
        norm: draw.tensor(l * d, scale: 0), wq: draw.tensor(l * d * d, scale: 2.5 * fanIn(d)),
        wk: draw.tensor(l * kv * d, scale: 2.5 * fanIn(d)),
        wv: draw.tensor(l * kv * d, scale: fanIn(d)), wo: draw.tensor(l * d * d, scale: fanIn(d)))
    }
    func mlp() -> MLPBlock {
      MLPBlock(
        norm: draw.tensor(l * d, scale: 0), w1: draw.tensor(l * m * d, scale: fanIn(d)),
        w2: draw.tensor(l * d * m, scale: fanIn(m)), w3: draw.tensor(l * m * d, scale: fanIn(d)))
    }
    tokenEmbedding = UnsafePointer(draw.tensor(c.vocabularySize * d, scale: 1))
    encoderAttention = attention()
    encoderMLP = mlp()
    encoderFinalNorm = UnsafePointer(draw.tensor(d, scale: 0))
    selfAttention = attention()
    crossAttention = attention()
    decoderMLP = mlp()
    finalNorm = UnsafePointer(draw.tensor(d, scale: 0))
    let classifier = draw.tensor(c.vocabularySize * d, scale: 2 * fanIn(d))
    for token in rareTokens.sorted() where token < c.vocabularySize {
      for j in 0..<d { classifier[token * d + j] *= 0.1 }
    }
    self.classifier = UnsafePointer(classifier)
  }

  deinit { storage.deallocate() }

  /// How many parameters the model has.
  var parameterCount: Int { storage.count }
}
