import KVTrace

/// `--arch` and `--cross`: which model decodes, and what an encoder-decoder does
/// with its cross-attention K/V.
struct ArchitectureOptions: Sendable, Equatable {
  /// Decoder-only (the default) or encoder-decoder.
  var architecture: Architecture
  /// Cross-attention K/V projected once (the default) or at every step.
  var crossAttention: CrossAttentionMode

  /// The prompt of the classic encoder-decoder example, and `--arch encoder-decoder`'s default.
  static let encoderDecoderPrompt = "summarize: My friends are cool but they eat too many carbs."

  /// The options as `--help` lists them.
  /// `--model` is among them: its folder says the architecture (T5: the encoder-decoder).
  static let specs = [OptionCatalog.arch.spec, OptionCatalog.cross.spec, OptionCatalog.model]

  /// Decodes the options.
  ///
  /// `--cross` without `--arch encoder-decoder` is an error rather than ignored:
  /// a decoder-only model has no cross-attention, and a learner who asked for a
  /// mode should not be left believing it changed something. So is
  /// `--arch encoder-decoder` with a llama2.c `--checkpoint`, a decoder-only model.
  init(_ arguments: ParsedArguments) throws(UsageError) {
    architecture = try arguments.choice(OptionCatalog.arch)
    if let path = arguments.last(OptionCatalog.model.name) {  // the files say which
      architecture = ModelFolder(path: path).architecture
    }
    crossAttention = try arguments.choice(OptionCatalog.cross)
    if architecture == .encoderDecoder, arguments.has("checkpoint") || arguments.has("tokenizer") {
      throw UsageError(
        "--checkpoint and --tokenizer load a llama2.c model, which is decoder-only; "
          + "--arch encoder-decoder builds a T5",
        fix: "leave out --arch encoder-decoder, or the model files")
    }
    if arguments.has("cross"), architecture == .decoder {
      throw UsageError(
        "--cross applies to the cross-attention of an encoder-decoder model, and this model is "
          + "decoder-only", fix: "add --arch encoder-decoder, or leave out --cross")
    }
  }

  /// The prompt to decode when `--prompt` is not given.
  var defaultPrompt: String {
    architecture == .encoderDecoder ? Self.encoderDecoderPrompt : OptionCatalog.prompt.defaultValue
  }
}
