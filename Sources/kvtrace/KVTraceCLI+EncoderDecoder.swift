import KVTrace
import TinyTransformer

extension RunOptions {
  /// The model these options describe: `--arch` picks the decoder-only model
  /// (random weights, or a `--checkpoint`'s) or the T5 encoder-decoder (the shipped trained
  /// summarizer, random weights, or a `--model` folder's).
  ///
  /// - Throws: ``CommandFailure``: a usage error, or model files that are missing or bad.
  func commandModel() throws(CommandFailure) -> any CommandModel {
    guard architecture.architecture == .encoderDecoder else { return try model() }
    return try encoderDecoderModel()
  }

  /// The encoder-decoder model these options describe.
  func encoderDecoderModel() throws(CommandFailure) -> EncoderDecoderTransformer {
    if let folder {
      var model = try folder.load(seed: seed)
      model.threads = threads
      try checkFocus(layers: model.config.layers, heads: model.config.heads)
      return model
    }
    if weights == .trained {
      var model = try trainedT5()
      model.threads = threads
      try checkFocus(layers: model.config.layers, heads: model.config.heads)
      return model
    }
    do {
      var model = try EncoderDecoderTransformer(config: config, seed: seed)
      model.threads = threads
      return model
    } catch {
      throw CommandFailure(UsageError(error.description, fix: "see 'kvtrace run --help'"))
    }
  }
}

extension RunOptions {
  /// The shipped trained T5, or one line and the exit code of what is wrong with it.
  func trainedT5() throws(CommandFailure) -> EncoderDecoderTransformer {
    do {
      return try EncoderDecoderTransformer.trainedDefault(seed: seed)
    } catch {
      let code: ExitCode =
        switch error {
        case .bundleMissing, .fileMissing, .unreadable: .noInput
        default: .dataError
        }
      throw CommandFailure("\(error) (or run with --weights random)", code)
    }
  }
}
