import KVTrace
import TinyTransformer

extension RunOptions {
  /// The model these options describe: `--arch` picks the decoder-only model
  /// (random weights, or a `--checkpoint`'s) or the T5-style encoder-decoder.
  ///
  /// - Throws: ``CommandFailure``: a usage error, or model files that are missing or bad.
  func commandModel() throws(CommandFailure) -> any CommandModel {
    guard architecture.architecture == .encoderDecoder else { return try model() }
    do {
      return try encoderDecoderModel()
    } catch {
      throw CommandFailure(error)
    }
  }

  /// The encoder-decoder model these options describe.
  func encoderDecoderModel() throws(UsageError) -> EncoderDecoderTransformer {
    do {
      var model = try EncoderDecoderTransformer(config: config, seed: seed)
      model.threads = threads
      return model
    } catch {
      throw UsageError(error.description, fix: "see 'kvtrace run --help'")
    }
  }
}
