import TinyTransformer

/// Trains a T5 encoder-decoder: teacher-forced forward, backward by hand, AdamW.
///
/// ``trainStep(_:)`` takes a batch of (source, target) token pairs. For each pair the
/// encoder reads the source, the decoder reads the start token and the target (teacher
/// forcing: it always sees the true previous words, not its own guesses), and the loss is
/// the cross-entropy of each target token and of the end token, averaged over every such
/// label of the batch. The chain rule then runs back through the decoder, through
/// cross-attention into the encoder, and through the encoder; AdamW moves the weights.
///
/// The same recipe and batches give the same weights bit for bit whatever `threads` is, as
/// for the decoder's ``Trainer``: each pair is one fixed piece of work with its own gradient
/// buffer, and the buffers are summed in pair order.
public final class T5Trainer {
  /// The run's recipe.
  public let recipe: T5TrainingRecipe
  /// How many threads compute the pairs of a batch.
  public let threads: Int
  /// How many optimizer steps have been taken.
  public internal(set) var step: Int = 0
  let layout: T5Layout
  /// The weights, in ``T5Layout``'s order.
  var parameters: [Float]
  var optimizer: AdamW
  let workspace: TrainingWorkspace<T5Pass<Float>>

  /// A trainer whose initial weights are drawn from `SplitMix64(recipe.seed)`.
  ///
  /// Each matrix is uniform with the standard deviation Hugging Face's T5 starts from:
  /// `shared` 1, `q` `(d_model·d_kv)^-½` (T5 does not divide its scores by `√d_kv`, so the
  /// query starts small instead), `k`, `v`, `wi` and the position biases `d_model^-½`,
  /// `o` `(heads·d_kv)^-½`, `wo` `d_ff^-½`, an untied `lm_head` `d_model^-½`; norm scales 1.
  ///
  /// - Throws: ``TrainingError`` naming the first problem with the recipe.
  public init(recipe: T5TrainingRecipe, threads: Int) throws(TrainingError) {
    if let problem = recipe.problem(threads: threads) { throw TrainingError(problem) }
    self.recipe = recipe
    self.threads = threads
    layout = T5Layout(config: recipe.config)
    parameters = Self.initialWeights(layout, seed: recipe.seed)
    optimizer = AdamW(count: layout.count)
    let (config, s, t) = (recipe.config, recipe.sourceLength, recipe.targetLength + 1)
    workspace = TrainingWorkspace(parameters: layout.count) { _ in
      T5Pass(config: config, sourceRows: s, targetRows: t)
    }
  }

  /// The initial weights: see ``init(recipe:threads:)``.
  static func initialWeights(_ layout: T5Layout, seed: UInt64) -> [Float] {
    var generator = SplitMix64(seed: seed)
    var weights = [Float](repeating: 1, count: layout.count)
    let c = layout.config
    for tensor in layout.tensors
    where !tensor.isVector || tensor.name.hasSuffix("relative_attention_bias.weight") {
      let name = tensor.name
      var variance = 1 / Float(c.dModel)
      if name == "shared.weight" { variance = 1 }
      if name.hasSuffix(".q.weight") { variance = 1 / Float(c.dModel * c.dKV) }
      if name.hasSuffix(".o.weight") { variance = 1 / Float(c.inner) }
      if name.hasSuffix(".wo.weight") { variance = 1 / Float(c.dFF) }
      let bound = (3 * variance).squareRoot()  // uniform(±b) has variance b²/3
      for i in tensor.offset..<(tensor.offset + tensor.rows * tensor.columns) {
        weights[i] = generator.nextSignedFloat() * bound
      }
    }
    return weights
  }

  /// Takes one optimizer step on `pairs` and returns its loss, learning rate and gradient
  /// norm.
  ///
  /// Each pair's source must hold 1 to ``T5TrainingRecipe/sourceLength`` ids and its target
  /// at most ``T5TrainingRecipe/targetLength``, every id below the vocabulary size.
  public func trainStep(_ pairs: [TokenPair]) -> TrainingStepReport {
    let learningRate = recipe.learningRate(atStep: step)
    var (loss, _, gradient) = evaluate(pairs, withGradient: true)
    let norm = optimizer.clipAndUpdate(
      &parameters, gradient: &gradient, clip: recipe.gradientClip, learningRate: learningRate,
      weightDecay: recipe.weightDecay, layout: layout)
    step += 1
    return TrainingStepReport(
      step: step - 1, loss: loss, learningRate: learningRate, gradientNorm: norm)
  }

  /// The mean loss per label of `pairs` and the share of labels the model ranks first,
  /// without changing anything.
  public func loss(on pairs: [TokenPair]) -> (loss: Float, accuracy: Float) {
    let (loss, accuracy, _) = evaluate(pairs, withGradient: false)
    return (loss, accuracy)
  }

  /// The mean loss, accuracy and (if asked) gradient of `pairs`, the pairs shared among
  /// threads.
  func evaluate(_ pairs: [TokenPair], withGradient: Bool) -> (Float, Float, [Float]) {
    check(pairs)
    let transposed = T5Network.transpose(parameters, layout: layout)
    let labels = T5BatchGradient.labelCount(pairs)
    let scale = 1 / Float(labels)
    let (loss, correct, gradient) = parameters.withUnsafeBufferPointer { w in
      transposed.withUnsafeBufferPointer { t in
        let network = T5Network(layout: layout, weights: w.baseAddress!, transposed: t.baseAddress!)
        return workspace.run(
          examples: pairs.count, shape: 0, threads: threads, withGradient: withGradient
        ) { i, pass, gradient in
          T5BatchGradient.pair(
            pairs[i], pass: pass, network: network, gradient: gradient, scale: scale)
        }
      }
    }
    return (Float(loss / Double(labels)), Float(Double(correct) / Double(labels)), gradient)
  }

  private func check(_ pairs: [TokenPair]) {
    let (r, v) = (recipe, recipe.config.vocabularySize)
    precondition(!pairs.isEmpty, "a batch holds at least one pair")
    precondition(
      pairs.allSatisfy {
        (1...r.sourceLength).contains($0.source.count) && $0.target.count <= r.targetLength
      }, "a pair's source holds 1...\(r.sourceLength) ids, its target at most \(r.targetLength)")
    precondition(
      pairs.allSatisfy { ($0.source + $0.target).allSatisfy { (0..<v).contains($0) } },
      "a batch holds token ids in 0..<\(v)")
  }
}
