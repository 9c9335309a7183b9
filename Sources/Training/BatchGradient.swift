import KVTrace
import TinyTransformer

/// The loss and gradient of a batch, one sequence at a time, in any precision: the
/// definition the trainer's sharded `Float` computation is tested against.
enum BatchGradient {
  /// Runs one sequence forward (and backward, when `gradient` is given), with the loss of
  /// each target scaled by `scale` in the gradient. Returns the summed loss and how many
  /// targets the model ranked first.
  static func sequence<T: TrainingScalar>(
    _ tokens: [Int], pass: SequencePass<T>, network: Network<T>,
    gradient: UnsafeMutablePointer<T>?, scale: T
  ) -> (loss: Double, correct: Int) {
    let inputs = tokens[0..<(tokens.count - 1)]
    pass.forward(tokens: inputs, network: network)
    let result = Ops.crossEntropy(
      pass.logits, targets: tokens[1...], vocabulary: pass.config.vocabularySize, scale: scale)
    if let gradient { pass.backward(tokens: inputs, network: network, gradient: gradient) }
    return result
  }

  /// The mean loss of `batch` under `weights` and its gradient, single-threaded.
  static func compute<T: TrainingScalar>(
    _ weights: [T], layout: ParameterLayout, batch: [[Int]]
  ) -> (loss: Double, gradient: [T]) {
    let transposed = Network.transpose(weights, layout: layout)
    let rows = batch[0].count - 1
    let pass = SequencePass<T>(config: layout.config, rows: rows)
    var gradient = [T](repeating: 0, count: layout.count)
    var loss = 0.0
    weights.withUnsafeBufferPointer { w in
      transposed.withUnsafeBufferPointer { t in
        gradient.withUnsafeMutableBufferPointer { g in
          let network = Network(layout: layout, weights: w.baseAddress!, transposed: t.baseAddress!)
          for tokens in batch {
            loss +=
              sequence(
                tokens, pass: pass, network: network, gradient: g.baseAddress!,
                scale: 1 / T(batch.count * rows)
              ).loss
          }
        }
      }
    }
    return (loss / Double(batch.count * rows), gradient)
  }
}
