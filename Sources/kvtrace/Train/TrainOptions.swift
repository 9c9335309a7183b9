import KVTrace
import TinyTransformer
import Training

/// The options of `kvtrace train`, decoded and checked before anything is trained.
struct TrainOptions: Sendable {
  /// What to train: the default recipe with the options' changes.
  var recipe: TrainingRecipe
  var threads: Int
  /// The folder the files go to.
  var folder: String
  /// Steps between checkpoints; 0 writes one at the end only.
  var checkpointEvery: Int
  /// Steps between validation measurements.
  var validateEvery: Int
  /// Where to draw the loss curve as SVG, if anywhere.
  var svg: String?
  /// Where to write the token ids trained on, if anywhere.
  var tokens: String?
  /// The checkpoint whose weights to start from, if any.
  var resume: String?
  var ascii: Bool

  /// The checkpoint's path: `model.bin` in the folder.
  var modelPath: String { file("model.bin") }

  /// `name` inside the output folder.
  func file(_ name: String) -> String {
    folder.hasSuffix("/") ? folder + name : folder + "/" + name
  }

  /// Decodes `arguments`; every bad value becomes a ``UsageError`` naming its fix.
  init(_ arguments: ParsedArguments) throws(UsageError) {
    typealias T = TrainOptionCatalog
    var recipe = T.recipe
    let heads = try arguments.int(T.heads)
    let dim = try arguments.int(T.dim)
    let context = try arguments.int(T.context)
    recipe.config = ModelConfig(
      layers: try arguments.int(T.layers), heads: heads,
      kvHeads: try arguments.int(OptionCatalog.kvHeads, default: heads), dim: dim,
      mlpDim: dim * recipe.config.mlpDim / recipe.config.dim, contextLength: context,
      vocabularySize: recipe.config.vocabularySize)
    do {
      try recipe.config.validate()
    } catch {
      throw UsageError(error.description, fix: "see 'kvtrace help train'")
    }
    recipe.sequenceLength = min(recipe.sequenceLength, context)
    recipe.steps = try arguments.int(T.steps)
    recipe.batchSize = try arguments.int(T.batch)
    let peak = try TrainLearningRate.parse(arguments)
    recipe.minimumLearningRate *= peak / recipe.learningRate
    recipe.learningRate = peak
    recipe.seed = UInt64(try arguments.int(T.seed))
    self.recipe = recipe
    threads = try arguments.int(T.threads, default: Platform.processorCount)
    folder = arguments.value(T.out)
    checkpointEvery = try arguments.int(T.checkpointEvery)
    validateEvery = try arguments.int(T.validateEvery)
    svg = arguments.last(T.svg.name)
    tokens = arguments.last(T.tokens.name)
    resume = arguments.last(T.resume.name)
    ascii = arguments.has(OptionCatalog.ascii.name)
    try checkPaths()
  }

  /// Refuses empty paths and an SVG or token file that would overwrite the run's own files.
  private func checkPaths() throws(UsageError) {
    for (name, path) in [("out", folder), ("svg", svg), ("tokens", tokens), ("resume", resume)] {
      if path?.isEmpty == true {
        throw UsageError("--\(name) needs a path, got ''", fix: "give a file or folder name")
      }
    }
    let own = ["model.bin", "tokenizer.bin", "recipe.json", "training-log.txt"].map(file)
    for (name, path) in [("svg", svg), ("tokens", tokens)] {
      if let path, own.contains(path) {
        throw UsageError(
          "--\(name) \(path) would overwrite a file the run writes itself",
          fix:
            "give another name, e.g. --\(name) \(file(name == "svg" ? "loss.svg" : "tokens.txt"))")
      }
    }
  }
}
