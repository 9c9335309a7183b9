import Foundation
import KVTrace
import TinyTransformer

extension Trainer {
  /// A trainer that continues from a llama2.c checkpoint (one ``checkpointData()`` wrote, or
  /// any legacy llama2.c file of this shape) instead of fresh weights.
  ///
  /// The weights are the checkpoint's; the step count and Adam's moment estimates start
  /// again at zero (a checkpoint holds weights only), so the first steps after a resume are
  /// not bit for bit those of an uninterrupted run, and the warmup runs again. A file whose
  /// classifier is shared with the token embedding gets a classifier of its own, starting
  /// as a copy; the RoPE tables older files carry are skipped.
  ///
  /// - Parameters:
  ///   - recipe: The run; its `config` must be the checkpoint's shape, except that the
  ///     context length may differ.
  ///   - threads: How many threads to use.
  ///   - checkpoint: The file's bytes.
  /// - Throws: ``TrainingError`` for a recipe problem, a damaged file, or another shape.
  public convenience init(
    recipe: TrainingRecipe, threads: Int, resumingFrom checkpoint: Data
  ) throws(TrainingError) {
    let file: Checkpoint
    do { file = try Checkpoint(checkpoint) } catch { throw TrainingError(error.description) }
    var wanted = recipe.config
    wanted.contextLength = file.config.contextLength
    guard wanted == file.config else {
      throw TrainingError(
        "the checkpoint's shape (\(Self.shape(file.config))) is not the recipe's "
          + "(\(Self.shape(recipe.config))); train with the checkpoint's shape")
    }
    try self.init(recipe: recipe, threads: threads)
    parameters = Self.weights(of: checkpoint, layout: layout)
  }

  /// Reads the weights of a checked llama2.c file into the trainer's layout.
  static func weights(of data: Data, layout: ParameterLayout) -> [Float] {
    let c = layout.config
    let floats = (data.count - Checkpoint.headerByteCount) / 4
    var values = [Float](repeating: 0, count: floats)
    data.withUnsafeBytes { raw in
      for i in 0..<floats {
        let bits = raw.loadUnaligned(
          fromByteOffset: Checkpoint.headerByteCount + 4 * i, as: UInt32.self)
        values[i] = Float(bitPattern: UInt32(littleEndian: bits))
      }
    }
    var weights = Array(values[0..<layout.classifier])  // everything up to the final norm
    let rest = floats - layout.classifier
    let tables = c.contextLength * c.headSize  // two tables of [contextLength, headSize / 2]
    let vocabularyFloats = c.vocabularySize * c.dim
    let classifierStart = rest >= tables + vocabularyFloats ? floats - vocabularyFloats : nil
    weights +=
      classifierStart.map { Array(values[$0..<floats]) }
      ?? Array(values[0..<vocabularyFloats])  // shared: the embedding
    return weights
  }

  static func shape(_ c: ModelConfig) -> String {
    "layers \(c.layers), heads \(c.heads), kv-heads \(c.kvHeads), dim \(c.dim), "
      + "mlp \(c.mlpDim), vocabulary \(c.vocabularySize)"
  }
}
