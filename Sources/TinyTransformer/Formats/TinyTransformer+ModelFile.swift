import Foundation
import KVTrace

/// What a Llama-family model file says beyond its shape: how RoPE turns, the norms' ε, and
/// whether q, k and v have biases (Qwen2).
struct LlamaSettings: Sendable, Equatable {
  /// RoPE's base θ (10000 for Llama 2, 100000 for SmolLM2, 500000 for Llama 3).
  var ropeBase: Double
  /// Which elements RoPE pairs; goes with how the file stores `Wq` and `Wk`.
  var pairing: RotaryTable.Pairing
  /// The ε of every RMSNorm.
  var normEpsilon: Float
  /// Whether q, k and v have biases.
  var biases: Bool
  /// Whether the classifier is the token embedding.
  var tied: Bool
}

extension TinyTransformer {
  /// A model of a file's tensors, read where they are.
  init(
    config: ModelConfig, settings: LlamaSettings, weights: StoredWeights, tokenizer: Tokenizer,
    source: String, identity: TraceIdentity, seed: UInt64
  ) {
    self.config = config
    self.tokenizer = tokenizer
    self.seed = seed
    weightsSource = source
    self.identity = identity
    self.weights = .stored(weights)
    rotary = RotaryTable(
      headSize: config.headSize, base: settings.ropeBase, pairing: settings.pairing)
    normEpsilon = settings.normEpsilon
  }

  /// The number formats of the model's matrices, most common first (`Q4_1 ×210, Q8_0 ×1`);
  /// `F32` for kvtrace's own weights.
  public var storedFormats: String {
    guard case .stored(let stored) = weights else { return "F32" }
    return stored.encodings.map { "\($0.0) ×\($0.1)" }.joined(separator: ", ")
  }

  /// A model file's context, clipped to what kvtrace runs (the trace records the clipped
  /// value; a run never needs more).
  static func runnableContext(_ context: Int) -> Int {
    min(max(context, 1), ModelConfig.Limits.contextLength.upperBound)
  }
}
