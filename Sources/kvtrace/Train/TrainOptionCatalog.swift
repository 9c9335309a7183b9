import TinyTransformer
import Training

/// The options of `kvtrace train`, each declared once: name, placeholder, default, help.
///
/// The defaults are the default recipe's (``Training/TrainingRecipe/default(vocabularySize:)``),
/// read from it rather than copied, so `kvtrace help train` cannot drift from what trains.
/// Options that `run` has too (`--steps`, `--seed`, the shape) are declared again here
/// because their defaults differ: `run` decodes 6 steps, `train` trains thousands.
enum TrainOptionCatalog {
  /// The recipe `kvtrace train` starts from.
  static let recipe = TrainingRecipe.default(vocabularySize: Tokenizer.demo.vocabularySize)

  static let steps = IntOption("steps", default: recipe.steps, range: 1...10_000_000) {
    "optimizer steps (default \($0))"
  }
  static let batch = IntOption("batch", default: recipe.batchSize, range: 1...4096) {
    "sequences per step, each \(recipe.sequenceLength) tokens long (default \($0))"
  }
  static let learningRate = ValueOption(
    "learning-rate", placeholder: "X", default: recipe.learningRate
  ) {
    "the peak learning rate, reached after \(recipe.warmupSteps) warmup steps; it then decays "
      + "to a tenth along a cosine (default \(TrainLearningRate.text($0)))"
  }
  static let seed = IntOption("seed", default: Int(recipe.seed), range: 0...Int(Int32.max)) {
    "seed of the initial weights and of the corpus (default \($0))"
  }
  static let layers = IntOption("layers", default: recipe.config.layers, range: 1...16) {
    "transformer layers (default \($0))"
  }
  static let heads = IntOption("heads", default: recipe.config.heads, range: 1...32) {
    "query heads per layer (default \($0))"
  }
  static let dim = IntOption("dim", default: recipe.config.dim, range: 2...1024) { _ in
    "model width, a multiple of --heads; the feed-forward block is "
      + "\(recipe.config.mlpDim / recipe.config.dim) times as wide (default: the demo model's "
      + "width)"
  }
  static let context = IntOption(
    "context", default: recipe.config.contextLength, range: 2...4096
  ) {
    "positions the model holds; training sequences are \(recipe.sequenceLength) tokens, or "
      + "this many if fewer (default \($0))"
  }
  static let out = ValueOption("out", placeholder: "DIR", default: "kvtrace-train") {
    "the folder for model.bin, tokenizer.bin, recipe.json and training-log.txt, created if "
      + "missing (default \($0))"
  }
  static let checkpointEvery = IntOption(
    "checkpoint-every", default: 500, range: 0...Int.max
  ) { "write model.bin every N steps and at the end; 0: at the end only (default \($0))" }
  static let validateEvery = IntOption("validate-every", default: 100, range: 1...Int.max) {
    "measure the validation loss every N steps; without a terminal, print a line then "
      + "(default \($0))"
  }
  static let threads = IntOption(
    "threads", range: 1...256,
    help: "threads that share each batch's sequences; the weights are identical for any N "
      + "(default: the number of cores)")
  static let svg = fileOption("svg", "also draw the loss curve as an SVG file")
  static let tokens = fileOption(
    "tokens", "also write the token ids of every batch to FILE, one step per line")
  static let resume = fileOption(
    "resume", "start from the weights of a model.bin of the same shape instead of fresh ones")

  /// An option whose value is a file's path.
  private static func fileOption(_ name: String, _ help: String) -> OptionSpec {
    OptionSpec(name: name, kind: .value(placeholder: "FILE"), help: help)
  }

  /// Every option of `train`, in the order `--help` lists them.
  static var specs: [OptionSpec] {
    typealias O = OptionCatalog
    return [
      steps.spec, batch.spec, learningRate.spec, seed.spec, layers.spec, heads.spec,
      O.kvHeads.spec, dim.spec, context.spec, threads.spec, out.spec, checkpointEvery.spec,
      validateEvery.spec, svg, tokens, resume, O.arch.spec, O.ascii,
    ]
  }
}

/// Reading and printing `--learning-rate`.
enum TrainLearningRate {
  /// The largest learning rate accepted: beyond it AdamW's steps throw the weights about.
  static let limit: Float = 1

  /// The value of `--learning-rate`, or the recipe's.
  ///
  /// - Throws: ``UsageError`` for anything but a number in (0, 1].
  static func parse(_ arguments: ParsedArguments) throws(UsageError) -> Float {
    let option = TrainOptionCatalog.learningRate
    guard let raw = arguments.last(option.spec.name) else { return option.defaultValue }
    guard let value = Float(raw), value.isFinite, value > 0, value <= limit else {
      throw UsageError(
        "--learning-rate expects a number above 0 and at most \(text(limit)), got '\(raw)'",
        fix: "for example --learning-rate \(text(option.defaultValue))")
    }
    return value
  }

  /// `0.003`: a learning rate as people write it (Swift's shortest exact form).
  static func text(_ value: Float) -> String { "\(value)" }
}
