import KVTrace

/// A small decoder-only, Llama-style transformer that reports every attention it
/// computes.
///
/// Per layer (pre-norm): `x += Wo · attention(RoPE(Wq·n), RoPE(Wk·n), Wv·n)` with
/// `n = rmsnorm(x)`, then `x += W2 · (silu(W1·n) ⊙ W3·n)` with `n = rmsnorm(x)`.
/// After the last layer, `logits = classifier · rmsnorm(x)`. Keys and values are
/// computed for every position at every layer; the cache stores them so later
/// steps need not compute them again.
public struct TinyTransformer: Sendable {
  /// The model's shape.
  public let config: ModelConfig
  /// The tokenizer that turns text into the model's tokens and back.
  public let tokenizer: Tokenizer
  /// The seed the weights were drawn from (for a random model) and of sampling.
  public let seed: UInt64
  /// How many threads the large matrix products use; results are identical for any count.
  public var threads: Int = 1
  /// Whether a step that runs several positions (the prefill; every step without a cache)
  /// runs them through each layer together, reading each weight row once for all of them
  /// (the default), or one position at a time. Results are the same bits either way.
  public var prefillsInBatches = true
  /// Where the weights came from, as the trace header records it: `random, seed 0`,
  /// `checkpoint stories15M.bin`, or the training of ``trainedDefault(seed:)``.
  ///
  /// Only the trace reads it, never the arithmetic, so a caller may add why these weights
  /// were chosen (`kvtrace` notes which option made it fall back to random weights).
  public var weightsSource: String
  /// Which kvtrace, weights and tokenizer these are, as the trace header records them:
  /// a checkpoint's and a tokenizer file's SHA-256, or `random seed S`.
  public var identity: TraceIdentity
  let weights: DecoderWeights
  /// RoPE's base and pairing.
  let rotary: RotaryTable
  /// The ε of every RMSNorm: 1e-5 unless a model file says otherwise.
  var normEpsilon: Float = 1e-5

  /// Builds a model with weights drawn from `SplitMix64(seed)`.
  ///
  /// - Parameters:
  ///   - config: The shape; its vocabulary size must match the tokenizer's.
  ///   - seed: The same seed gives the same weights, bit for bit, on every machine.
  ///   - tokenizer: The tokenizer (the demo vocabulary by default).
  /// - Throws: ``ModelConfigError`` if the shape cannot run.
  public init(config: ModelConfig, seed: UInt64, tokenizer: Tokenizer = .demo)
    throws(ModelConfigError)
  {
    try config.validate(for: tokenizer)
    self.config = config
    self.tokenizer = tokenizer
    self.seed = seed
    weightsSource = "random, seed \(seed)"
    identity = TraceIdentity(
      weights: "random seed \(seed)", tokenizer: tokenizer.identityName,
      tokenizerSHA256: tokenizer.fileSHA256)
    weights = .flat(
      Weights(config: config, seed: seed, rareTokens: tokenizer.piecesNotBeginningAWord))
    rotary = RotaryTable(headSize: config.headSize)
  }

  /// Builds a model of any shape with random weights, for measuring speed.
  ///
  /// Unlike ``init(config:seed:tokenizer:)`` the vocabulary need not match a
  /// tokenizer: `kvtrace bench` builds the 32000-token shape of llama2.c's
  /// stories15M this way. Token ids beyond the demo vocabulary have no text.
  ///
  /// - Throws: ``ModelConfigError`` if the shape cannot run.
  public init(randomWeightsFor config: ModelConfig, seed: UInt64) throws(ModelConfigError) {
    try config.validate()
    self.config = config
    tokenizer = .demo
    self.seed = seed
    weightsSource = "random, seed \(seed)"
    identity = TraceIdentity(weights: "random seed \(seed)", tokenizer: "demo vocabulary")
    weights = .flat(Weights(config: config, seed: seed))
    rotary = RotaryTable(headSize: config.headSize)
  }

  /// The bytes of weights one decode step reads, as stored: every layer's matrices and
  /// norms, the final norm and the classifier (one embedding row is negligible). When the
  /// token embedding doubles as the classifier it is read whole, once.
  public var weightBytesPerToken: Int { weights.bytesPerToken }

  /// Whether a piece starts a new word: a space, then something more (" quick").
  static func beginsAWord(_ piece: String) -> Bool { piece.count > 1 && piece.hasPrefix(" ") }

  /// The demo model with random weights: `ModelConfig.demo(vocabularySize:)` with the demo
  /// tokenizer, every weight drawn from `seed`.
  ///
  /// The same shape as ``trainedDefault(seed:)``, the model `kvtrace` runs by default, but
  /// untrained: the cache works exactly the same, while the words it writes and where its
  /// heads look are arbitrary. It needs no resource and cannot fail.
  public static func demo(seed: UInt64 = 0) -> TinyTransformer {
    // The demo shape is valid by construction, so this cannot throw.
    (try? TinyTransformer(
      config: .demo(vocabularySize: Tokenizer.demo.vocabularySize), seed: seed))!
  }

  /// How many parameters the model has.
  public var parameterCount: Int { weights.parameterCount }
}

/// Scratch buffers for one forward pass, allocated once and reused at every step.
final class Scratch {
  // A class: it owns raw buffers that must be freed exactly once.
  let x: UnsafeMutablePointer<Float>  // [dim]      the residual stream
  // xb, xb2 and q are max(dim, heads × headSize) wide: T5's heads × d_kv may exceed dim.
  let xb: UnsafeMutablePointer<Float>  // [dim]     normalized input / attention output
  let xb2: UnsafeMutablePointer<Float>  // [dim]    projection output
  let q: UnsafeMutablePointer<Float>  // [dim]      queries of all heads
  let gate: UnsafeMutablePointer<Float>  // [mlpDim]
  let up: UnsafeMutablePointer<Float>  // [mlpDim]
  let scores: UnsafeMutablePointer<Float>  // [heads, contextLength] every head's scores
  let logits: UnsafeMutablePointer<Float>  // [vocab]
  let probabilities: UnsafeMutablePointer<Float>  // [vocab]
  let sines: UnsafeMutablePointer<Float>  // [headSize / 2]  RoPE's angles at one position
  let cosines: UnsafeMutablePointer<Float>  // [headSize / 2]
  /// The position whose angles `sines` and `cosines` hold, if any.
  private var anglesPosition: Int?
  private let buffers: [UnsafeMutablePointer<Float>]

  /// Buffers for a run of `c.contextLength` positions: pass the run's length, not the
  /// model's whole context, and a model of 8192 positions decoding 40 allocates for 40.
  init(config c: ModelConfig) {
    let wide = max(c.dim, c.attentionDim)  // T5's heads × d_kv may exceed dim
    let pairs = max(c.headSize / 2, 1)
    let sizes = [
      c.dim, wide, wide, wide, c.mlpDim, c.mlpDim, c.heads * c.contextLength, c.vocabularySize,
      c.vocabularySize, pairs, pairs,
    ]
    buffers = sizes.map { AlignedFloats.zeroed($0).baseAddress! }
    (x, xb, xb2, q) = (buffers[0], buffers[1], buffers[2], buffers[3])
    (gate, up, scores, logits) = (buffers[4], buffers[5], buffers[6], buffers[7])
    (probabilities, sines, cosines) = (buffers[8], buffers[9], buffers[10])
  }

  /// RoPE's angles at `position`: computed on the first layer, reused by the others.
  func angles(at position: Int, _ rotary: RotaryTable) -> RotaryTable.Angles {
    if anglesPosition != position {
      rotary.fill(position: position, sines: sines, cosines: cosines)
      anglesPosition = position
    }
    return (UnsafePointer(sines), UnsafePointer(cosines))
  }

  deinit { buffers.forEach { $0.deallocate() } }
}
