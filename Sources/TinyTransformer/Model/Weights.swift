import Foundation
import KVTrace

/// Every parameter of a decoder-only model, in one flat `Float32` buffer in llama2.c's order.
///
/// The tensors follow llama2.c's order and layout (see ``WeightLayout``). A matrix `[d, n]`
/// maps an `n`-vector to a `d`-vector. The buffer is a `Data`: for a random model, memory
/// this type filled from a seeded generator; for a checkpoint, the file's own bytes, which
/// the command line maps into memory, so the weights are never copied. The operating system
/// reads a mapped page from disk the first time the model touches it, and a model's memory is
/// about the size of its file.
///
/// Raw pointers into a `Data` are valid only inside `withUnsafeBytes`, so the tensors are
/// handed out by ``withTensors(_:)`` for the length of one computation and never stored.
struct Weights: Sendable {
  /// Where each tensor sits in the buffer.
  let layout: WeightLayout
  /// The buffer: little-endian `Float32`s from byte `start` on.
  private let storage: Data
  /// The byte offset of the first tensor in `storage` (after a checkpoint's header).
  private let start: Int

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
    let layout = WeightLayout(config: config, includesRotaryTables: false, sharesClassifier: false)
    var storage = Data(count: layout.floatCount * MemoryLayout<Float>.size)
    storage.withUnsafeMutableBytes { raw in
      let floats = raw.bindMemory(to: Float.self)
      var generator = SplitMix64(seed: seed)
      for (tensor, scale) in Self.randomScales(config) {
        let base = layout.offset(of: tensor)
        for i in 0..<WeightLayout.count(of: tensor, config) {
          floats[base + i] = scale == 0 ? 1 : generator.nextSignedFloat() * scale
        }
      }
      let classifier = layout.offset(of: .classifier)
      for token in rareTokens.sorted() where (0..<config.vocabularySize).contains(token) {
        for j in 0..<config.dim { floats[classifier + token * config.dim + j] *= 0.1 }
      }
    }
    self.layout = layout
    self.storage = storage
    start = 0
  }

  /// The weights of a checkpoint, read in place from its bytes.
  ///
  /// If the floats are not 4-byte aligned in memory (a `Data` slice at an odd offset; a
  /// mapped file never is), they are copied once into fresh, aligned memory.
  init(checkpoint: Checkpoint) {
    layout = checkpoint.layout
    let data = checkpoint.data
    let aligned = data.withUnsafeBytes { raw in
      raw.baseAddress.map { Int(bitPattern: $0 + Checkpoint.headerByteCount) % 4 == 0 } ?? true
    }
    storage = aligned ? data : data.withUnsafeBytes { Data($0) }
    start = Checkpoint.headerByteCount
  }

  /// Pointers to every tensor, valid only inside `body`.
  struct Tensors {
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
    let classifier: UnsafePointer<Float>  // [vocab, dim], the token embedding when shared
  }

  /// Runs `body` with pointers to every tensor.
  ///
  /// The pointers must not escape `body`: they point into the `Data`'s storage, which is
  /// only pinned for the duration of the call.
  func withTensors<Result>(_ body: (Tensors) -> Result) -> Result {
    storage.withUnsafeBytes { raw in
      // The layout holds at least one float (every dimension is positive), so the buffer is
      // never empty and has a base address.
      let floats = (raw.baseAddress! + start).assumingMemoryBound(to: Float.self)
      func at(_ tensor: WeightLayout.Tensor) -> UnsafePointer<Float> {
        UnsafePointer(floats + layout.offset(of: tensor))
      }
      return body(
        Tensors(
          tokenEmbedding: at(.tokenEmbedding), attentionNorm: at(.attentionNorm), wq: at(.wq),
          wk: at(.wk), wv: at(.wv), wo: at(.wo), mlpNorm: at(.mlpNorm), w1: at(.w1), w2: at(.w2),
          w3: at(.w3), finalNorm: at(.finalNorm), classifier: at(.classifier)))
    }
  }

  /// How many parameters the model has (a shared classifier counted once).
  var parameterCount: Int { layout.parameterCount }

  /// The scale each tensor of a random model is drawn with, in file order; 0 means "all ones".
  private static func randomScales(_ c: ModelConfig) -> [(WeightLayout.Tensor, Float)] {
    let qkGain: Float = 2.5  // sharper attention, so random heads show structure
    func fanIn(_ n: Int) -> Float { 1 / Float(n).squareRoot() }
    return [
      (.tokenEmbedding, 1), (.attentionNorm, 0), (.wq, qkGain * fanIn(c.dim)),
      (.wk, qkGain * fanIn(c.dim)), (.wv, fanIn(c.dim)), (.wo, fanIn(c.dim)), (.mlpNorm, 0),
      (.w1, fanIn(c.dim)), (.w2, fanIn(c.mlpDim)), (.w3, fanIn(c.dim)), (.finalNorm, 0),
      (.classifier, 2 * fanIn(c.dim)),
    ]
  }
}
