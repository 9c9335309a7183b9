import TinyTransformer

/// Adam with decoupled weight decay (Loshchilov & Hutter), the optimizer of GPT-2 and llm.c.
///
/// For each weight `w` with gradient `g`, at step `t` (from 1):
///
/// ```
/// m = β1·m + (1 − β1)·g          the running mean of the gradient
/// v = β2·v + (1 − β2)·g²         the running mean of its square
/// m̂ = m / (1 − β1^t), v̂ = v / (1 − β2^t)    corrected for starting at zero
/// w = w − lr·(m̂ / (√v̂ + ε) + λ·w)
/// ```
///
/// Each weight moves by about `lr` whatever the size of its gradient, which suits a model
/// whose layers see gradients of very different sizes. The decay term `λ·w` pulls matrices
/// toward zero; the norms' gains are spared (decaying them would fight the normalization).
struct AdamW {
  static let beta1: Float = 0.9
  static let beta2: Float = 0.95
  static let epsilon: Float = 1e-8
  /// The running means of the gradient and of its square, one per weight.
  var m: [Float]
  var v: [Float]
  /// `β1^t` and `β2^t`, kept as running products (no `pow`, the same bits everywhere).
  var beta1Power: Float = 1
  var beta2Power: Float = 1

  init(count: Int) {
    m = [Float](repeating: 0, count: count)
    v = [Float](repeating: 0, count: count)
  }

  /// Scales `gradient` down to a global norm of `clip` if it is longer, then moves
  /// `weights` one step against it; returns the norm before clipping.
  mutating func clipAndUpdate(
    _ weights: inout [Float], gradient: inout [Float], clip: Float, learningRate: Float,
    weightDecay: Float, layout: some DecayExemptions
  ) -> Float {
    var sumOfSquares = 0.0
    for g in gradient { sumOfSquares += Double(g) * Double(g) }
    let norm = Float(sumOfSquares.squareRoot())
    if norm > clip {
      let shrink = clip / norm
      for i in gradient.indices { gradient[i] *= shrink }
    }
    update(
      &weights, gradient: gradient, learningRate: learningRate, weightDecay: weightDecay,
      layout: layout)
    return norm
  }

  /// Moves `weights` one step against `gradient` (already clipped).
  mutating func update(
    _ weights: inout [Float], gradient: [Float], learningRate lr: Float, weightDecay: Float,
    layout: some DecayExemptions
  ) {
    beta1Power *= Self.beta1
    beta2Power *= Self.beta2
    let (b1, b2) = (Self.beta1, Self.beta2)
    let correction1 = 1 - beta1Power
    let correction2 = 1 - beta2Power
    for i in 0..<weights.count {
      let g = gradient[i]
      m[i] = b1 * m[i] + (1 - b1) * g
      v[i] = b2 * v[i] + (1 - b2) * (g * g)
      let mHat = m[i] / correction1
      let vHat = v[i] / correction2
      let decay = layout.isExempt(i) ? 0 : weightDecay * weights[i]
      weights[i] -= lr * (mHat / (vHat.squareRoot() + Self.epsilon) + decay)
    }
  }
}

/// A parameter layout as AdamW sees it: which numbers weight decay spares.
protocol DecayExemptions {
  /// Whether the number at `index` is spared by weight decay (a norm's gain, a bias).
  func isExempt(_ index: Int) -> Bool
}

extension ParameterLayout: DecayExemptions {
  func isExempt(_ index: Int) -> Bool { isNorm(index) }
}

extension TrainingRecipe {
  /// The learning rate of step `step` (from 0): a linear warmup to ``learningRate``, then a
  /// cosine decay to ``minimumLearningRate`` at the last step.
  public func learningRate(atStep step: Int) -> Float {
    Self.learningRate(
      atStep: step, steps: steps, warmupSteps: warmupSteps, peak: learningRate,
      minimum: minimumLearningRate)
  }

  /// The warmup-then-cosine schedule of ``learningRate(atStep:)`` for any run.
  static func learningRate(
    atStep step: Int, steps: Int, warmupSteps: Int, peak learningRate: Float,
    minimum minimumLearningRate: Float
  ) -> Float {
    if step < warmupSteps { return learningRate * Float(step + 1) / Float(warmupSteps) }
    let decaySteps = max(1, steps - 1 - warmupSteps)
    let progress = min(1, Double(step - warmupSteps) / Double(decaySteps))
    let cosine = DeterministicMath.sinCos(Double.pi * progress).cos
    let blend = Float(0.5 * (1 + cosine))
    return minimumLearningRate + blend * (learningRate - minimumLearningRate)
  }
}
