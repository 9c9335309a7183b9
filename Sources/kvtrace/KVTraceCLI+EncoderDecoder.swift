import KVTrace
import KVTraceRender
import TinyTransformer

/// `run`, `step` and `compare` with `--arch encoder-decoder`: the same commands,
/// the T5-style model.
extension KVTraceCLI {
  /// Encodes the prompt once and decodes it as the options say; returns the trace.
  static func decodeEncoderDecoder(_ options: RunOptions) throws(UsageError) -> Trace {
    let model = try options.encoderDecoderModel()
    var log = TraceLog(detail: options.detail)
    do {
      _ = try model.generate(
        source: options.prompt, steps: options.steps, policy: options.policy,
        crossAttention: options.architecture.crossAttention, sampling: options.sampling,
        recorder: &log)
    } catch {
      throw UsageError(error.description, fix: "see 'kvtrace run --help'")
    }
    guard let trace = log.trace else {
      throw UsageError("nothing was decoded", fix: "give a non-empty --prompt")
    }
    return trace
  }

  /// Decodes without a cache and with the policy and cross mode under test, and compares.
  static func compareEncoderDecoder(_ options: RunOptions) throws(UsageError) -> CommandResult {
    let model = try options.encoderDecoderModel()
    do {
      let report = try Oracle.check(
        model: model, sourceTokens: model.tokenizer.encode(options.prompt),
        sourceText: options.prompt, steps: options.steps, policy: options.policy,
        crossAttention: options.architecture.crossAttention, sampling: options.sampling,
        detail: options.detail)
      return comparison(report, options)
    } catch {
      throw UsageError(error.description, fix: "see 'kvtrace compare --help'")
    }
  }
}

extension RunOptions {
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
