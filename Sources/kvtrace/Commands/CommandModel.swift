import KVTrace
import TinyTransformer

/// A model the commands can decode with: the decoder-only transformer, or the
/// T5-style encoder-decoder of `--arch encoder-decoder`.
///
/// `run`, `step` and `compare` (and their exports) need only this much of a
/// model: its shape, its tokenizer, and a way to decode the options' prompt
/// into a recorder.
protocol CommandModel {
  /// The shape.
  var config: ModelConfig { get }
  /// The tokenizer of the prompt.
  var tokenizer: Tokenizer { get }
  /// Decodes the prompt as `options` say, reporting to `recorder`.
  func generate(
    _ options: RunOptions, policy: any CachePolicy, collectLogits: Bool,
    recorder: inout some TraceRecorder
  ) throws(DecodeError) -> Generation
  /// Decodes without a cache and with the options' policy, and compares (the oracle).
  func check(_ options: RunOptions) throws(DecodeError) -> OracleReport
}

extension CommandModel {
  /// The tokens of `text`, refused before encoding when its length alone shows it cannot
  /// fit the context (see ``Tokenizer/encode(_:fitting:)``).
  func promptTokens(_ text: String) throws(DecodeError) -> [Int] {
    try tokenizer.encode(text, fitting: config.contextLength)
  }
}

extension TinyTransformer: CommandModel {
  func generate(
    _ options: RunOptions, policy: any CachePolicy, collectLogits: Bool,
    recorder: inout some TraceRecorder
  ) throws(DecodeError) -> Generation {
    if let second = options.secondPrompt, let paged = policy as? PagedCache {
      // Two prompts, their prefix shared: the first sequence's generation stands for both.
      return try generate(
        promptTokens: promptTokens(options.prompt),
        secondPromptTokens: promptTokens(second), promptTexts: (options.prompt, second),
        steps: options.steps, blockSize: paged.blockSize, sampling: options.sampling,
        collectLogits: collectLogits, recorder: &recorder)[0]
    }
    return try generate(
      promptTokens: promptTokens(options.prompt), promptText: options.prompt,
      steps: options.steps, policy: policy, sampling: options.sampling,
      collectLogits: collectLogits, recorder: &recorder)
  }

  func check(_ options: RunOptions) throws(DecodeError) -> OracleReport {
    try Oracle.check(
      model: self, promptTokens: promptTokens(options.prompt), promptText: options.prompt,
      steps: options.steps, policy: options.policy, against: options.reference,
      sampling: options.sampling, detail: options.detail)
  }
}

extension EncoderDecoderTransformer: CommandModel {
  /// The prompt is the source (with T5's `</s>` behind it when the model has one, as T5 was
  /// trained): the encoder reads it once, the decoder writes `--steps` tokens.
  func generate(
    _ options: RunOptions, policy: any CachePolicy, collectLogits: Bool,
    recorder: inout some TraceRecorder
  ) throws(DecodeError) -> Generation {
    try generate(
      sourceTokens: sourceTokens(options.prompt), sourceText: options.prompt,
      steps: options.steps, policy: policy, crossAttention: options.architecture.crossAttention,
      sampling: options.sampling, collectLogits: collectLogits, recorder: &recorder)
  }

  /// The reference policy (`--against`, default none) against the options' policy
  /// and `--cross` mode.
  func check(_ options: RunOptions) throws(DecodeError) -> OracleReport {
    try Oracle.check(
      model: self, sourceTokens: sourceTokens(options.prompt), sourceText: options.prompt,
      steps: options.steps, policy: options.policy, against: options.reference,
      crossAttention: options.architecture.crossAttention, sampling: options.sampling,
      detail: options.detail)
  }
}
