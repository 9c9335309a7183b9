/// The encoder's side of an encoder-decoder run: what it read, and how the
/// decoder treats the cross-attention rows projected from its output.
///
/// In an encoder-decoder trace the header's `prompt` is the source text and its
/// `promptTokens` are the *decoder's* input before it writes anything: the
/// decoder start token alone (T5's `decoder_start_token_id`). The source tokens
/// live here, because they label different rows: the decoder's self-attention
/// rows are decoder positions (the start token, then each token written), the
/// cross-attention rows are source positions.
public struct EncoderSource: Sendable, Equatable, Hashable, Codable {
  /// The source tokens the encoder read, one cross-attention row each.
  public var tokens: [TraceToken]
  /// Whether cross-attention K/V are projected once or at every step.
  public var crossAttention: CrossAttentionMode

  /// Creates the description.
  public init(tokens: [TraceToken], crossAttention: CrossAttentionMode) {
    self.tokens = tokens
    self.crossAttention = crossAttention
  }
}

extension TraceHeader {
  /// The architecture of the model: encoder-decoder when the header has a source.
  public var architecture: Architecture { source == nil ? .decoder : .encoderDecoder }
}

extension Trace {
  /// The source tokens of an encoder-decoder trace; empty for a decoder-only one.
  public var sourceTokens: [TraceToken] { header.source?.tokens ?? [] }
}
