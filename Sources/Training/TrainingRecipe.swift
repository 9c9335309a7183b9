import KVTrace
import TinyTransformer

/// Everything that decides a training run: the model's shape, how long it trains, on what
/// batches, and how fast it learns.
///
/// Two runs of the same recipe on the same data give the same weights bit for bit, for any
/// number of threads: the recipe is the whole story of a trained model, which is why a
/// checkpoint's header can name it and a test can retrain its first steps.
///
/// The learning rate follows a *warmup* then a *cosine decay*: it climbs linearly from
/// `learningRate / warmupSteps` to `learningRate` over the first `warmupSteps` steps (Adam's
/// moment estimates are noisy at first, and a full step on them can throw the weights far
/// off), then falls along half a cosine to `minimumLearningRate` at the last step.
public struct TrainingRecipe: Sendable, Equatable, Codable {
  /// The shape of the model trained; `contextLength` must be at least `sequenceLength`.
  public var config: ModelConfig
  /// How many optimizer steps the run takes.
  public var steps: Int
  /// How many sequences each step averages its gradient over.
  public var batchSize: Int
  /// How many positions each training sequence has (it holds one token more: the targets).
  public var sequenceLength: Int
  /// The peak learning rate, reached at the end of the warmup.
  public var learningRate: Float
  /// The learning rate at the last step, where the cosine decay ends.
  public var minimumLearningRate: Float
  /// How many steps the learning rate takes to climb to its peak.
  public var warmupSteps: Int
  /// AdamW's decoupled weight decay, applied to the matrices (embedding, projections,
  /// classifier) and never to the norms' gains.
  public var weightDecay: Float
  /// The largest global gradient norm a step uses; a larger gradient is scaled down to it.
  public var gradientClip: Float
  /// The seed of the initial weights (and of the corpus that feeds the run).
  public var seed: UInt64

  /// Creates a recipe; ``Trainer`` checks it before training.
  public init(
    config: ModelConfig, steps: Int, batchSize: Int, sequenceLength: Int, learningRate: Float,
    minimumLearningRate: Float, warmupSteps: Int, weightDecay: Float, gradientClip: Float,
    seed: UInt64
  ) {
    (self.config, self.steps, self.batchSize, self.sequenceLength) =
      (config, steps, batchSize, sequenceLength)
    (self.learningRate, self.minimumLearningRate, self.warmupSteps) =
      (learningRate, minimumLearningRate, warmupSteps)
    (self.weightDecay, self.gradientClip, self.seed) = (weightDecay, gradientClip, seed)
  }

  /// The recipe of kvtrace's trained demo model: the demo shape, 10,000 steps of 16
  /// sequences of 64 tokens, a peak learning rate of 6e-3 decaying to 6e-4 (at 3e-3 the induction
  /// head had not formed by step 4,000; at 6e-3 it forms inside the curriculum). With 8,000
  /// steps the model copied 87% of the repeat prompts' tokens; with 10,000 (and more of the
  /// runs opening their document) it copies 95%.
  ///
  /// - Parameter vocabularySize: The tokenizer's vocabulary size.
  public static func `default`(vocabularySize: Int) -> TrainingRecipe {
    TrainingRecipe(
      config: .demo(vocabularySize: vocabularySize), steps: 10000, batchSize: 16,
      sequenceLength: 64, learningRate: 6e-3, minimumLearningRate: 6e-4, warmupSteps: 100,
      weightDecay: 0.01, gradientClip: 1.0, seed: 1)
  }
}

/// Where a trainer's batches come from.
///
/// The corpus implements it. A batch must be a pure function of the data and the step, so a
/// run can be repeated (and resumed) exactly.
public protocol TrainingData: Sendable {
  /// `size` token sequences of `length + 1` ids each, a pure function of (self, step).
  ///
  /// The first `length` ids of a sequence are the model's inputs; the last `length` its
  /// targets (each input's next token).
  func batch(step: Int, size: Int, length: Int) -> [[Int]]
}

/// What one optimizer step did.
public struct TrainingStepReport: Sendable, Equatable {
  /// The step's number, from 0.
  public var step: Int
  /// The mean cross-entropy of the batch's targets, in nats, before the update.
  public var loss: Float
  /// The learning rate the update used.
  public var learningRate: Float
  /// The global norm of the gradient, before clipping.
  public var gradientNorm: Float

  /// Creates a report.
  public init(step: Int, loss: Float, learningRate: Float, gradientNorm: Float) {
    self.step = step
    self.loss = loss
    self.learningRate = learningRate
    self.gradientNorm = gradientNorm
  }
}

/// Why a training run cannot start.
public struct TrainingError: Error, Equatable, CustomStringConvertible {
  /// What is wrong and how to fix it, in one line.
  public var description: String

  /// An error saying `description`.
  public init(_ description: String) { self.description = description }
}
