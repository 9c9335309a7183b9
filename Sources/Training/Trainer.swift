import Foundation
import KVTrace
import TinyTransformer

/// Trains a decoder-only model of kvtrace's kind: forward, backward by hand, AdamW.
///
/// One trainer is one run. ``trainStep(_:)`` takes a batch of token sequences, runs every
/// sequence forward through the model exactly as inference computes it (embedding, RMSNorm,
/// projections, RoPE, causal attention, SwiGLU, classifier), measures the cross-entropy of
/// each next token, runs the chain rule backward through every operation to get the
/// gradient of that loss for every weight, and moves the weights a small step against it.
///
/// The same recipe and batches give the same weights bit for bit whatever `threads` is: each
/// sequence of a batch is one fixed piece of work with its own gradient buffer, and the
/// buffers are summed in sequence order; threads only decide who computes which piece.
///
/// ```swift
/// let trainer = try Trainer(recipe: .default(vocabularySize: 1000), threads: 2)
/// for step in 0..<trainer.recipe.steps {
///   let report = trainer.trainStep(corpus.batch(step: step, size: 16, length: 64))
///   print(TrainingLog.line(report))
/// }
/// try trainer.checkpointData().write(to: url)  // llama2.c's format
/// ```
public final class Trainer {
  /// The run's recipe.
  public let recipe: TrainingRecipe
  /// How many threads compute the sequences of a batch.
  public let threads: Int
  /// How many optimizer steps have been taken.
  public internal(set) var step: Int = 0
  /// Where each tensor sits in the buffers.
  let layout: ParameterLayout
  /// The weights, in llama2.c's order.
  var parameters: [Float]
  /// AdamW's state.
  var optimizer: AdamW
  /// The passes and gradient buffers of a batch's sequences, reused from step to step.
  let workspace: TrainingWorkspace<SequencePass<Float>>

  /// A trainer whose initial weights are drawn from `SplitMix64(recipe.seed)`.
  ///
  /// Matrices are uniform in `±1/√columns` (the spread PyTorch's `Linear` starts from), the
  /// two projections that write into the residual stream (`Wo`, `W2`) shrunk by `1/√(2 ×
  /// layers)` so the stream does not grow with depth, the token embedding uniform with unit
  /// variance, the norms' gains one. Tensors are drawn in buffer order.
  ///
  /// - Parameters:
  ///   - recipe: The run; checked first.
  ///   - threads: How many threads to use (any number gives the same bits).
  /// - Throws: ``TrainingError`` naming the first problem with the recipe.
  public init(recipe: TrainingRecipe, threads: Int) throws(TrainingError) {
    try Self.check(recipe, threads: threads)
    self.recipe = recipe
    self.threads = threads
    layout = ParameterLayout(config: recipe.config)
    parameters = Self.initialWeights(layout, seed: recipe.seed)
    optimizer = AdamW(count: layout.count)
    let config = recipe.config
    workspace = TrainingWorkspace(parameters: layout.count) {
      SequencePass(config: config, rows: $0)
    }
  }

  /// Checks a recipe before anything is allocated.
  static func check(_ r: TrainingRecipe, threads: Int) throws(TrainingError) {
    do { try r.config.validate() } catch { throw TrainingError(error.description) }
    let checks: [(Bool, String)] = [
      (threads >= 1, "threads must be at least 1, got \(threads)"),
      (r.steps >= 1, "steps must be at least 1, got \(r.steps)"),
      (r.batchSize >= 1, "the batch size must be at least 1, got \(r.batchSize)"),
      (
        (1...r.config.contextLength).contains(r.sequenceLength),
        "the sequence length must be in 1...\(r.config.contextLength) (the context length), "
          + "got \(r.sequenceLength)"
      ),
      (r.learningRate > 0 && r.learningRate.isFinite, "the learning rate must be positive"),
      (
        r.minimumLearningRate >= 0 && r.minimumLearningRate <= r.learningRate,
        "the minimum learning rate must be in 0...\(r.learningRate)"
      ),
      (r.warmupSteps >= 0, "warmup steps must be at least 0, got \(r.warmupSteps)"),
      (r.weightDecay >= 0 && r.weightDecay.isFinite, "weight decay must be at least 0"),
      (r.gradientClip > 0 && r.gradientClip.isFinite, "the gradient clip must be positive"),
    ]
    for (passes, message) in checks where !passes { throw TrainingError(message) }
  }

  /// The initial weights: see ``init(recipe:threads:)``.
  static func initialWeights(_ layout: ParameterLayout, seed: UInt64) -> [Float] {
    var generator = SplitMix64(seed: seed)
    var weights = [Float](repeating: 1, count: layout.count)
    let residualScale = 1 / Float(2 * layout.config.layers).squareRoot()
    for tensor in layout.tensors where !tensor.isNorm {
      var bound = 1 / Float(tensor.columns).squareRoot()
      if tensor.offset == layout.embedding { bound = Float(3).squareRoot() }
      if tensor.offset == layout.wo || tensor.offset == layout.w2 { bound *= residualScale }
      for i in tensor.offset..<(tensor.offset + tensor.rows * tensor.columns) {
        weights[i] = generator.nextSignedFloat() * bound
      }
    }
    return weights
  }

  /// The llama2.c checkpoint of the current weights.
  ///
  /// The legacy format: seven little-endian `int32` (`dim`, `hidden_dim`, `n_layers`,
  /// `n_heads`, `n_kv_heads`, `vocab_size`, `seq_len`) with `vocab_size` negated because the
  /// classifier is a tensor of its own; then every weight as `float32` in llama2.c's order,
  /// with RoPE's cosine and sine tables (`[seq_len, headSize / 2]` each, which llama2.c's
  /// `run.c` skips) between the final norm and the classifier. `Checkpoint` reads it back,
  /// and so does `run.c`.
  public func checkpointData() -> Data {
    let c = recipe.config
    let header = [
      c.dim, c.mlpDim, c.layers, c.heads, c.kvHeads, -c.vocabularySize, c.contextLength,
    ]
    let table = RopeTable<Float>(headSize: c.headSize, positions: c.contextLength)
    let pairs = 0..<(c.headSize / 2)
    let positions = 0..<c.contextLength
    let cosines = positions.flatMap { p in pairs.map { table.sinCos(position: p, pair: $0).1 } }
    let sines = positions.flatMap { p in pairs.map { table.sinCos(position: p, pair: $0).0 } }
    let floats =
      parameters[..<layout.classifier] + cosines + sines + parameters[layout.classifier...]
    var data = Data(capacity: 28 + 4 * floats.count)
    for field in header {
      withUnsafeBytes(of: Int32(field).littleEndian) { data.append(contentsOf: $0) }
    }
    for weight in floats {
      withUnsafeBytes(of: weight.bitPattern.littleEndian) { data.append(contentsOf: $0) }
    }
    return data
  }
}
