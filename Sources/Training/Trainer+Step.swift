import KVTrace
import TinyTransformer

extension Trainer {
  /// Takes one optimizer step on `batch` and returns its loss, learning rate and gradient
  /// norm.
  ///
  /// Every sequence must hold the same number of tokens, 2 to `contextLength + 1`, each a
  /// valid id; the first `count − 1` are the inputs and each input's target is the token
  /// after it. The gradient is the mean over every target of the batch; it is clipped to a
  /// global norm of ``TrainingRecipe/gradientClip`` before AdamW uses it.
  public func trainStep(_ batch: [[Int]]) -> TrainingStepReport {
    let learningRate = recipe.learningRate(atStep: step)
    var (loss, _, gradient) = evaluate(batch, withGradient: true)
    let norm = optimizer.clipAndUpdate(
      &parameters, gradient: &gradient, clip: recipe.gradientClip, learningRate: learningRate,
      weightDecay: recipe.weightDecay, layout: layout)
    let report = TrainingStepReport(
      step: step, loss: loss, learningRate: learningRate, gradientNorm: norm)
    step += 1
    return report
  }

  /// The mean loss of `batch` and the share of its targets the model ranks first, without
  /// changing anything (the same rules for `batch` as ``trainStep(_:)``).
  public func loss(on batch: [[Int]]) -> (loss: Float, accuracy: Float) {
    let (loss, accuracy, _) = evaluate(batch, withGradient: false)
    return (loss, accuracy)
  }

  /// The mean loss, accuracy and (if asked) gradient of `batch`.
  ///
  /// Sequence `i` is computed by one thread into its own gradient buffer; the buffers are
  /// then summed in sequence order, element by element. Which thread computed which
  /// sequence changes nothing.
  func evaluate(_ batch: [[Int]], withGradient: Bool) -> (Float, Float, [Float]) {
    let rows = checked(batch)
    let transposed = Network.transpose(parameters, layout: layout)
    let scale = 1 / Float(batch.count * rows)
    let (loss, correct, gradient) = parameters.withUnsafeBufferPointer { w in
      transposed.withUnsafeBufferPointer { t in
        let network = Network(layout: layout, weights: w.baseAddress!, transposed: t.baseAddress!)
        return workspace.run(
          examples: batch.count, shape: rows, threads: threads, withGradient: withGradient
        ) { i, pass, gradient in
          BatchGradient.sequence(
            batch[i], pass: pass, network: network, gradient: gradient, scale: scale)
        }
      }
    }
    let total = Double(batch.count * rows)
    return (Float(loss / total), Float(Double(correct) / total), gradient)
  }

  /// The length of `batch`'s sequences, after checking the batch.
  private func checked(_ batch: [[Int]]) -> Int {
    let c = recipe.config
    let count = batch.first?.count ?? 0
    precondition(
      (2...(c.contextLength + 1)).contains(count) && batch.allSatisfy { $0.count == count },
      "a batch holds sequences of one length in 2...\(c.contextLength + 1)")
    precondition(
      batch.allSatisfy { $0.allSatisfy { (0..<c.vocabularySize).contains($0) } },
      "a batch holds token ids in 0..<\(c.vocabularySize)")
    return count - 1
  }
}
