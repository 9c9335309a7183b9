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
    var sumOfSquares = 0.0
    for g in gradient { sumOfSquares += Double(g) * Double(g) }
    let norm = Float(sumOfSquares.squareRoot())
    if norm > recipe.gradientClip {
      let shrink = recipe.gradientClip / norm
      for i in gradient.indices { gradient[i] *= shrink }
    }
    optimizer.update(
      &parameters, gradient: gradient, learningRate: learningRate,
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
    workspace.prepare(sequences: batch.count, rows: rows, gradients: withGradient)
    let space = workspace
    let scale = 1 / Float(batch.count * rows)
    parameters.withUnsafeBufferPointer { w in
      transposed.withUnsafeBufferPointer { t in
        let network = Network(layout: layout, weights: w.baseAddress!, transposed: t.baseAddress!)
        Parallel.forEachBand(rows: batch.count, work: Int.max, threads: threads) { band in
          for i in band {
            space.results[i] = BatchGradient.sequence(
              batch[i], pass: space.passes[i], network: network,
              gradient: withGradient ? space.gradient(i) : nil, scale: scale)
          }
        }
      }
    }
    let results = UnsafeBufferPointer(start: space.results, count: batch.count)
    let loss = results.reduce(0.0) { $0 + $1.loss }
    let correct = results.reduce(0) { $0 + $1.correct }
    let total = Double(batch.count * rows)
    let gradient =
      withGradient ? space.summedGradient(sequences: batch.count, threads: threads) : []
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

/// The trainer's working memory: one pass and one gradient buffer per sequence of a batch.
final class TrainingWorkspace: @unchecked Sendable {
  // @unchecked: during a step, thread k touches only passes[i], results[i] and gradient(i)
  // of the sequences i of its band; the caller reads them after every band has finished.
  let layout: ParameterLayout
  private(set) var passes: [SequencePass<Float>] = []
  /// Each sequence's summed loss and correct count (a buffer, not an array: threads write
  /// its elements at the same time).
  private(set) var results = UnsafeMutablePointer<(loss: Double, correct: Int)>.allocate(
    capacity: 0)
  private var gradients: UnsafeMutablePointer<Float>?
  private var gradientCount = 0

  init(layout: ParameterLayout) { self.layout = layout }

  deinit {
    gradients?.deallocate()
    results.deallocate()
  }

  /// Makes room for `sequences` sequences of `rows` positions, zeroing the gradients.
  func prepare(sequences: Int, rows: Int, gradients wanted: Bool) {
    if passes.count < sequences || passes.first?.rows != rows {
      passes = (0..<sequences).map { _ in SequencePass(config: layout.config, rows: rows) }
    }
    results.deallocate()
    results = .allocate(capacity: sequences)
    results.initialize(repeating: (0, 0), count: sequences)
    guard wanted else { return }
    if gradientCount < sequences * layout.count {
      gradients?.deallocate()
      gradientCount = sequences * layout.count
      gradients = .allocate(capacity: gradientCount)
    }
    gradients!.initialize(repeating: 0, count: sequences * layout.count)
  }

  /// Sequence `i`'s gradient buffer.
  func gradient(_ i: Int) -> UnsafeMutablePointer<Float> { gradients! + i * layout.count }

  /// The sum of the first `sequences` gradient buffers, in sequence order for every element;
  /// fixed chunks of elements are shared among threads.
  func summedGradient(sequences: Int, threads: Int) -> [Float] {
    var sum = [Float](repeating: 0, count: layout.count)
    let (count, chunks) = (layout.count, 64)
    let source = gradients!
    sum.withUnsafeMutableBufferPointer { out in
      let target = out.baseAddress!
      Parallel.forEachBand(rows: chunks, work: count * sequences, threads: threads) { band in
        for chunk in band {
          for i in (count * chunk / chunks)..<(count * (chunk + 1) / chunks) {
            var total: Float = 0
            for s in 0..<sequences { total += source[s * count + i] }
            target[i] = total
          }
        }
      }
    }
    return sum
  }
}
