import TinyTransformer

/// Everything that decides an encoder-decoder training run: the model's shape, the longest
/// source and target it trains on, how long it trains and how fast it learns.
///
/// As with ``TrainingRecipe``, the same recipe and batches give the same weights bit for bit
/// for any thread count, and the learning rate warms up linearly and then decays along half
/// a cosine (``TrainingRecipe/learningRate(atStep:)`` explains why).
public struct T5TrainingRecipe: Sendable, Equatable, Codable {
  /// The shape of the model trained.
  public var config: T5TrainingConfig
  /// The most source tokens (the end token included) and target tokens (without start or
  /// end token) an example may have; the passes are allocated for them.
  public var sourceLength, targetLength: Int
  /// How many optimizer steps the run takes.
  public var steps: Int
  /// How many (source, target) pairs each step averages its gradient over.
  public var batchSize: Int
  /// The peak learning rate, reached at the end of the warmup, and the one at the last step.
  public var learningRate, minimumLearningRate: Float
  /// How many steps the learning rate takes to climb to its peak.
  public var warmupSteps: Int
  /// AdamW's decoupled weight decay, spared by the norms' scales and the position biases.
  public var weightDecay: Float
  /// The largest global gradient norm a step uses.
  public var gradientClip: Float
  /// The seed of the initial weights and of the corpus.
  public var seed: UInt64

  /// Creates a recipe; ``T5Trainer`` checks it before training.
  public init(
    config: T5TrainingConfig, sourceLength: Int, targetLength: Int, steps: Int, batchSize: Int,
    learningRate: Float, minimumLearningRate: Float, warmupSteps: Int, weightDecay: Float,
    gradientClip: Float, seed: UInt64
  ) {
    (self.config, self.sourceLength, self.targetLength) = (config, sourceLength, targetLength)
    (self.steps, self.batchSize, self.learningRate, self.minimumLearningRate) =
      (steps, batchSize, learningRate, minimumLearningRate)
    (self.warmupSteps, self.weightDecay, self.gradientClip, self.seed) =
      (warmupSteps, weightDecay, gradientClip, seed)
  }

  /// The recipe of kvtrace's T5 default, the summarizer: T5 v1.0 (ReLU, tied embeddings,
  /// like the `t5-small` of the seed's example), 2 encoder and 2 decoder layers, 4 heads of
  /// 16, `d_model` 64, `d_ff` 256, T5's 32 buckets up to distance 128, on
  /// ``TinyTransformer/Tokenizer/summaries``; 1,000 steps of 16 pairs, a peak learning rate
  /// of 3e-3 decaying to 3e-4.
  ///
  /// Why this size: the summaries are copies, so the model needs attention that finds the
  /// next source word to copy, not knowledge; two layers per stack give the decoder one
  /// layer to locate its place and one to read the word, and 64 wide keeps every number
  /// of a trace small enough to read while training in minutes on two cores. Tied
  /// embeddings halve the parameters of a model whose vocabulary dominates them.
  ///
  /// Measured (2 threads on a shared 2-core machine: 33 s at 9,800 tokens a second when it
  /// was quiet, 88 s at 3,600 when busy, the same bits both times): the validation loss
  /// falls from 7.12 to 1.96 at step 100, 0.17 at 200, 0.006 at 600 and 0.0001 at step
  /// 1,000; greedy summaries of 500 validation pairs then match exactly (token F1 1.0,
  /// against 0.58 for copying the sentence), the seed sentence gives "My friends eat too
  /// many carbs.", and head 3 of decoder layer 1 puts 73% of its cross-attention on the
  /// source word being copied.
  public static func summarizer(vocabularySize: Int) -> T5TrainingRecipe {
    T5TrainingRecipe(
      config: T5TrainingConfig(
        vocabularySize: vocabularySize, dModel: 64, dKV: 16, heads: 4, dFF: 256,
        encoderLayers: 2, decoderLayers: 2),
      sourceLength: 24, targetLength: 10, steps: 1000, batchSize: 16, learningRate: 3e-3,
      minimumLearningRate: 3e-4, warmupSteps: 100, weightDecay: 0.01, gradientClip: 1,
      seed: 1)
  }

  /// The learning rate of step `step` (from 0).
  public func learningRate(atStep step: Int) -> Float {
    TrainingRecipe.learningRate(
      atStep: step, steps: steps, warmupSteps: warmupSteps, peak: learningRate,
      minimum: minimumLearningRate)
  }

  /// The first problem with the recipe, if any.
  func problem(threads: Int) -> String? {
    if let problem = config.problem() { return problem }
    let checks: [(Bool, String)] = [
      (threads >= 1, "threads must be at least 1, got \(threads)"),
      (steps >= 1, "steps must be at least 1, got \(steps)"),
      (batchSize >= 1, "the batch size must be at least 1, got \(batchSize)"),
      ((1...4096).contains(sourceLength), "the source length must be in 1...4096"),
      ((1...4096).contains(targetLength), "the target length must be in 1...4096"),
      (config.vocabularySize > Tokenizer.startToken, "the vocabulary must hold the start token"),
      (learningRate > 0 && learningRate.isFinite, "the learning rate must be positive"),
      (
        minimumLearningRate >= 0 && minimumLearningRate <= learningRate,
        "the minimum learning rate must be in 0...\(learningRate)"
      ),
      (warmupSteps >= 0, "warmup steps must be at least 0, got \(warmupSteps)"),
      (weightDecay >= 0 && weightDecay.isFinite, "weight decay must be at least 0"),
      (gradientClip > 0 && gradientClip.isFinite, "the gradient clip must be positive"),
    ]
    return checks.first { !$0.0 }?.1
  }
}
