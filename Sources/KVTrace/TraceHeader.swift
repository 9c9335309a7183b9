/// A token of the prompt, with its id and text.
public struct TraceToken: Sendable, Equatable, Hashable, Codable {
  /// The token id.
  public var id: Int
  /// The text the token stands for, leading space included.
  public var text: String

  /// Creates the token.
  public init(id: Int, text: String) {
    self.id = id
    self.text = text
  }
}

/// How the next token is picked from the logits.
public struct Sampling: Sendable, Equatable, Hashable, Codable {
  /// 0 picks the most probable token (greedy); above 0 samples from softmax(logits / T).
  public var temperature: Float
  /// When above 0, sample only among the `topK` most probable tokens.
  public var topK: Int

  /// Greedy decoding: always the most probable token.
  public static let greedy = Sampling(temperature: 0, topK: 0)

  /// Creates a sampling rule.
  public init(temperature: Float, topK: Int) {
    self.temperature = temperature
    self.topK = topK
  }
}

/// Everything a renderer needs besides the events: what ran, on what input.
public struct TraceHeader: Sendable, Equatable, Hashable, Codable {
  /// The name of the file format.
  public static let formatName = "kvtrace"
  /// The version of the file format this library writes.
  public static let currentVersion = 1

  /// The model's shape.
  public var model: ModelConfig
  /// Where the weights came from, e.g. `random, seed 0` or a checkpoint file name.
  public var weights: String
  /// The cache policy.
  public var policy: CachePolicyInfo
  /// The seed of the weights and of sampling.
  public var seed: UInt64
  /// How tokens are picked.
  public var sampling: Sampling
  /// The prompt text.
  public var prompt: String
  /// The prompt's tokens.
  public var promptTokens: [TraceToken]
  /// How many decode steps follow the prefill (or the encoder's step).
  public var decodeSteps: Int
  /// What the trace records.
  public var detail: TraceDetail
  /// The encoder's source, for an encoder-decoder run; `nil` for a decoder-only one.
  ///
  /// With a source, `prompt` is the source text, `promptTokens` the decoder start
  /// token, and ``architecture`` is ``Architecture/encoderDecoder``.
  public var source: EncoderSource?
  /// The second prompt, when two are decoded together with a shared prefix; its
  /// events carry `sequence` 1.
  public var secondPrompt: TracePrompt?
  /// Which kvtrace, weights and tokenizer made the trace; `nil` in files from before it
  /// was recorded.
  public var identity: TraceIdentity?

  /// Creates a header.
  public init(
    model: ModelConfig, weights: String, policy: CachePolicyInfo, seed: UInt64,
    sampling: Sampling, prompt: String, promptTokens: [TraceToken], decodeSteps: Int,
    detail: TraceDetail, source: EncoderSource? = nil, secondPrompt: TracePrompt? = nil,
    identity: TraceIdentity? = nil
  ) {
    self.identity = identity
    self.secondPrompt = secondPrompt
    self.model = model
    self.weights = weights
    self.policy = policy
    self.seed = seed
    self.sampling = sampling
    self.prompt = prompt
    self.promptTokens = promptTokens
    self.decodeSteps = decodeSteps
    self.detail = detail
    self.source = source
  }
}

/// A prompt and its tokens: the second of two prompts decoded together.
public struct TracePrompt: Sendable, Equatable, Hashable, Codable {
  /// The text.
  public var text: String
  /// Its tokens.
  public var tokens: [TraceToken]

  /// Creates the prompt.
  public init(text: String, tokens: [TraceToken]) {
    self.text = text
    self.tokens = tokens
  }
}

extension TraceHeader {
  /// How many sequences the trace decodes: 2 with a second prompt, else 1.
  public var sequenceCount: Int { secondPrompt == nil ? 1 : 2 }

  /// The prompt tokens of `sequence`.
  public func promptTokens(sequence: Int) -> [TraceToken] {
    sequence == 1 ? secondPrompt?.tokens ?? [] : promptTokens
  }
}
