import KVTrace

/// Why a prompt cannot be decoded.
public enum DecodeError: Error, Equatable, CustomStringConvertible {
  /// The prompt has no tokens.
  case emptyPrompt
  /// The prompt and the decode steps need more positions than the model has.
  case exceedsContext(promptTokens: Int, steps: Int, contextLength: Int)
  /// The prompt's text makes at least `atLeast` tokens, more than the context's positions:
  /// found from its length alone, before the tokenizer ran (see
  /// ``Tokenizer/encode(_:fitting:)``).
  case promptTooLong(atLeast: Int, contextLength: Int)
  /// A token id outside the vocabulary.
  case tokenOutOfRange(token: Int, vocabularySize: Int)
  /// An encoder-decoder run was asked for no decoder step: nothing would be written.
  case noDecoderSteps
  /// The decoder's cache holds `maxLength` positions and all are filled.
  case decoderCacheFull(maxLength: Int)
  /// An encoder output of another model's width.
  case encoderOutputMismatch(dim: Int, length: Int, config: ModelConfig)
  /// A cache policy this architecture does not implement (see
  /// ``KVTrace/Architecture/supports(_:)``); the run would not be what its header says.
  case unsupportedPolicy(_ policy: String, architecture: Architecture)
  /// The model's logits at `step`, choosing the token at `position`, hold a value that is not
  /// a finite number (an overflow to infinity, or NaN), so no probability can be computed.
  case nonFiniteLogit(step: Int, position: Int)

  /// One line: what is wrong and how to fix it.
  public var description: String {
    switch self {
    case .emptyPrompt:
      "the prompt is empty; give some text with --prompt \"...\""
    case .exceedsContext(0, let steps, let context):
      "\(steps) decoder steps need \(steps) positions but the context holds \(context); use "
        + "--steps \(context) or fewer"
    case .exceedsContext(let prompt, _, let context) where prompt > context:
      "the prompt has \(prompt) tokens but the context holds \(context) positions; "
        + "use a prompt of at most \(context) tokens"
    case .exceedsContext(let prompt, let steps, let context):
      "the prompt (\(prompt) tokens) plus \(steps) decode \(steps == 1 ? "step" : "steps") "
        + "needs \(prompt + steps) positions but the context holds \(context); use "
        + "--steps \(context - prompt) or a shorter prompt"
    case .promptTooLong(let tokens, let context):
      "the prompt is too long: it makes at least \(tokens) tokens but the context holds "
        + "\(context) positions; use a prompt of at most \(context) tokens"
    case .tokenOutOfRange(let token, let size):
      "token \(token) is outside the vocabulary (0..<\(size))"
    case .noDecoderSteps:
      "an encoder-decoder run needs at least one decoder step to write anything; use --steps 1 "
        + "or more"
    case .decoderCacheFull(let maxLength):
      "the decoder cache holds \(maxLength) positions and all are filled; make the cache with a "
        + "larger maxLength (at most the context length)"
    case .encoderOutputMismatch(let dim, let length, let config):
      "the encoder output (\(length) × \(dim)) does not fit this model (dim \(config.dim), "
        + "context \(config.contextLength)); encode the source with the model that decodes it"
    case .unsupportedPolicy(let policy, let architecture):
      "the \(architecture.rawValue) model does not implement the cache policy \(policy); "
        + "use one of: \(Self.supportedNames(architecture))"
    case .nonFiniteLogit(let step, let position):
      "step \(step) (position \(position)) computed a logit that is not a finite number: the "
        + "weights overflow, so the checkpoint is probably damaged; use an intact checkpoint"
    }
  }

  /// The `--cache` names of the policies `architecture` runs, for the fix.
  private static func supportedNames(_ architecture: Architecture) -> String {
    let kinds: [CachePolicyKind] = [
      .none, .full, .window(sinks: 0, window: 4), .paged(blockSize: 4), .int8,
    ]
    return architecture.supported(among: kinds).map(\.name).joined(separator: ", ")
  }
}

extension ModelConfig {
  /// Checks that `tokens` can be decoded for `steps` more positions: not empty,
  /// within the context, every id in the vocabulary. Both architectures check
  /// their input here (the encoder's source with no steps).
  func check(tokens: [Int], steps: Int) throws(DecodeError) {
    guard !tokens.isEmpty else { throw .emptyPrompt }
    guard steps >= 0, tokens.count + steps <= contextLength else {
      throw .exceedsContext(promptTokens: tokens.count, steps: steps, contextLength: contextLength)
    }
    if let bad = tokens.first(where: { !(0..<vocabularySize).contains($0) }) {
      throw .tokenOutOfRange(token: bad, vocabularySize: vocabularySize)
    }
  }
}
