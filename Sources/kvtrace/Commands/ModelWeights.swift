import KVTrace
import TinyTransformer

/// `--weights`: the trained model kvtrace ships, or random weights drawn from `--seed`.
enum WeightsChoice: String, CaseIterable, Sendable {
  case trained, random
}

/// The weights a run decodes with, decided once from `--weights`, the shape options,
/// `--arch` and `--checkpoint`.
///
/// The trained model has one shape, `ModelConfig.demo`'s. A shape option that asks for
/// another (`--dim 32`) cannot be served by it, so it switches to random weights and says
/// why in the trace header, unless `--weights trained` insisted, which is a usage error.
/// The encoder-decoder has one trained model, the shipped T5 summarizer; a `--checkpoint`
/// brings its own.
enum ModelWeights: Sendable, Equatable {
  /// The demo shape trained by `kvtrace train` (``TinyTransformer/trainedDefault(seed:)``).
  case trained
  /// Weights drawn from `--seed`; `reason` says why when the command line did not ask for
  /// them by name (`--dim 32 differs from the trained model's 64`).
  case random(reason: String?)
  /// A llama2.c checkpoint's.
  case checkpoint(ModelFiles)

  /// `--checkpoint`'s files, if the weights are theirs.
  var files: ModelFiles? {
    guard case .checkpoint(let files) = self else { return nil }
    return files
  }

  /// The weights the options ask for.
  ///
  /// - Parameter config: The shape the shape options describe.
  /// - Throws: ``UsageError`` when `--weights` contradicts another option.
  static func parse(
    _ arguments: ParsedArguments, config: ModelConfig, architecture: Architecture
  ) throws(UsageError) -> ModelWeights {
    let explicit = arguments.has(OptionCatalog.weights.spec.name)
    let choice = try arguments.choice(OptionCatalog.weights)
    if let files = try ModelFiles.parse(arguments) {
      guard !explicit else {
        throw UsageError(
          "--weights chooses between kvtrace's trained model and random weights, and "
            + "--checkpoint brings weights of its own", fix: "drop --weights")
      }
      return .checkpoint(files)
    }
    if architecture == .encoderDecoder {
      // The trained T5 has one shape: a shape option asks for a random T5 of its own.
      let shape = ModelFiles.shapeOptions.first(where: arguments.has)
      if explicit, choice == .trained, let shape {
        throw UsageError(
          "--\(shape) changes the shape, and the trained T5 has only its own",
          fix: "drop --\(shape), or use --weights random")
      }
      return choice == .trained && (explicit || shape == nil) ? .trained : .random(reason: nil)
    }
    guard choice == .trained else { return .random(reason: nil) }
    guard let difference = shapeDifference(config) else { return .trained }
    guard !explicit else {
      throw UsageError(
        "\(difference), and --weights trained has only that shape",
        fix: "drop the shape option, or use --weights random")
    }
    return .random(reason: difference)
  }

  /// The first shape option whose value the trained model does not have, as a header
  /// says it: `--dim 32 differs from the trained model's 64`.
  static func shapeDifference(_ config: ModelConfig) -> String? {
    let trained = ModelConfig.demo(vocabularySize: Tokenizer.demo.vocabularySize)
    let shape = [
      ("layers", config.layers, trained.layers), ("heads", config.heads, trained.heads),
      ("kv-heads", config.kvHeads, trained.kvHeads), ("dim", config.dim, trained.dim),
      ("context", config.contextLength, trained.contextLength),
    ]
    // The shape options' defaults are the trained shape and the derived ones (--kv-heads,
    // --dim) follow --heads, so the first difference is always an option that was given.
    guard let (name, value, wanted) = shape.first(where: { $0.1 != $0.2 }) else { return nil }
    return "--\(name) \(value) differs from the trained model's \(wanted)"
  }

  /// The decoder-only model of these weights.
  ///
  /// - Throws: ``CommandFailure``: a random shape that cannot run (64), a shipped model
  ///   that is missing (66) or damaged (65), or a checkpoint's files' failures.
  func model(config: ModelConfig, seed: UInt64, threads: Int = 1, digest: Bool = true)
    throws(CommandFailure) -> TinyTransformer
  {
    switch self {
    case .trained:
      do {
        return try TinyTransformer.trainedDefault(seed: seed)
      } catch {
        let code: ExitCode =
          switch error {
          case .bundleMissing, .fileMissing, .unreadable: .noInput
          case .damagedCheckpoint, .damagedProvenance, .wrongShape, .damagedT5: .dataError
          }
        throw CommandFailure("\(error) (or run with --weights random)", code)
      }
    case .random(let reason):
      do {
        var model = try TinyTransformer(config: config, seed: seed)
        if let reason { model.weightsSource += " (\(reason))" }
        return model
      } catch {
        throw CommandFailure(UsageError(error.description, fix: "see 'kvtrace run --help'"))
      }
    case .checkpoint(let files):
      return try files.load(seed: seed, threads: threads, digest: digest)
    }
  }
}
