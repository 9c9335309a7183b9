import Foundation
import KVTrace

/// Every parameter of a model, in one flat `Float32` buffer laid out by a ``WeightLayout``.
///
/// Both architectures keep their weights this way: the decoder-only model in llama2.c's
/// order, the encoder-decoder in its own (see ``WeightLayout``). A matrix `[d, n]` maps an
/// `n`-vector to a `d`-vector. A random model's weights are drawn here, tensor by tensor in
/// buffer order, by the one table of rules in ``WeightRole/randomFill(_:)``; a checkpoint's
/// are its file's bytes, read in place (see ``WeightBuffer``).
///
/// The tensors are handed out by ``withTensors(_:)`` for the length of one computation and
/// never stored.
struct Weights: Sendable {
  /// Where each tensor sits in the buffer.
  let layout: WeightLayout
  /// The floats.
  let buffer: WeightBuffer

  /// Draws every weight of `layout` from `SplitMix64(seed)`, tensor by tensor in buffer order.
  ///
  /// Each tensor is filled as ``WeightRole/randomFill(_:)`` says: uniform in `±scale`, one
  /// draw per element, or all ones (a norm, which draws nothing). So the same seed gives the
  /// same bits for the same layout on every machine.
  ///
  /// The classifier rows of `rareTokens` are then scaled to a tenth. The demo marks every
  /// piece that does not begin a new word (specials, raw bytes, word pieces without a leading
  /// space): a trained model learns that English words follow spaces, and without this prior
  /// a random model spells bytes and glued fragments. It shapes which words appear, not how
  /// the cache works.
  init(random layout: WeightLayout, seed: UInt64, rareTokens: Set<Int> = []) {
    let c = layout.config
    buffer = WeightBuffer(count: layout.floatCount) { floats in
      var generator = SplitMix64(seed: seed)
      var next = floats
      for role in layout.parts.flatMap(\.roles) {
        let count = role.count(c)
        switch role.randomFill(c) {
        case .ones:
          next.update(repeating: 1, count: count)
        case .uniform(let scale):
          for i in 0..<count { next[i] = generator.nextSignedFloat() * scale }
        }
        next += count
      }
      let classifier = floats + layout.offset(of: .classifier)
      for token in rareTokens.sorted() where (0..<c.vocabularySize).contains(token) {
        for j in 0..<c.dim { classifier[token * c.dim + j] *= 0.1 }
      }
    }
    self.layout = layout
  }

  /// A random decoder-only model of shape `config`: llama2.c's order, no RoPE tables, a
  /// classifier of its own. See ``init(random:seed:rareTokens:)``.
  init(config: ModelConfig, seed: UInt64, rareTokens: Set<Int> = []) {
    let layout = WeightLayout(config: config, includesRotaryTables: false, sharesClassifier: false)
    self.init(random: layout, seed: seed, rareTokens: rareTokens)
  }

  /// The weights of a checkpoint, read in place from its bytes.
  init(checkpoint: Checkpoint) {
    layout = checkpoint.layout
    buffer = WeightBuffer(data: checkpoint.data, start: Checkpoint.headerByteCount)
  }

  /// Pointers to every tensor of a decoder-only model, valid only inside `body`.
  struct Tensors {
    let tokenEmbedding: UnsafePointer<Float>  // [vocab, dim]
    let attention: AttentionWeights  // every layer's norm, Wq, Wk, Wv, Wo
    let feedForward: FeedForwardWeights  // every layer's norm, W1, W2, W3
    let finalNorm: UnsafePointer<Float>  // [dim]
    let classifier: UnsafePointer<Float>  // [vocab, dim], the token embedding when shared

    var attentionNorm: UnsafePointer<Float> { attention.norm }  // [layers, dim]
    var wq: UnsafePointer<Float> { attention.wq }  // [layers, dim, dim]
    var wk: UnsafePointer<Float> { attention.wk }  // [layers, kvDim, dim]
    var wv: UnsafePointer<Float> { attention.wv }  // [layers, kvDim, dim]
    var wo: UnsafePointer<Float> { attention.wo }  // [layers, dim, dim]
    var mlpNorm: UnsafePointer<Float> { feedForward.norm }  // [layers, dim]
    var w1: UnsafePointer<Float> { feedForward.w1 }  // [layers, mlpDim, dim]  (gate)
    var w2: UnsafePointer<Float> { feedForward.w2 }  // [layers, dim, mlpDim]  (down)
    var w3: UnsafePointer<Float> { feedForward.w3 }  // [layers, mlpDim, dim]  (up)
  }

  /// Runs `body` with pointers to every tensor of a decoder-only model.
  ///
  /// The pointers must not escape `body`: a checkpoint's bytes are only pinned for the
  /// duration of the call.
  func withTensors<Result>(_ body: (Tensors) -> Result) -> Result {
    buffer.withFloats { floats in
      let (l, c) = (layout, layout.config)
      return body(
        Tensors(
          tokenEmbedding: floats + l.offset(of: .tokenEmbedding),
          attention: AttentionWeights(at: floats + l.offset(of: .attention), c),
          feedForward: FeedForwardWeights(at: floats + l.offset(of: .feedForward), c),
          finalNorm: floats + l.offset(of: .finalNorm),
          classifier: floats + l.offset(of: .classifier)))
    }
  }

  /// How many parameters the model has (a shared classifier counted once).
  var parameterCount: Int { layout.parameterCount }
}
