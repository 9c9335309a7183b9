/// The kind of transformer that made a trace.
///
/// A *decoder-only* model (GPT, Llama) reads the prompt and writes the
/// continuation with one stack of layers and one KV cache. An *encoder-decoder*
/// model (T5, with its `summarize:` prompt) reads the source with an encoder that
/// runs once, then writes with a decoder that has two caches per layer: its own
/// self-attention rows, which grow by one per step, and the cross-attention rows
/// projected from the encoder's output, whose count is fixed at the source length.
public enum Architecture: String, Sendable, Equatable, Hashable, Codable, CaseIterable {
  /// One stack of causal layers; the prompt is prefilled, then decoded.
  case decoder
  /// An encoder over the source, then a decoder with self- and cross-attention.
  case encoderDecoder = "encoder-decoder"
}

/// When the decoder of an encoder-decoder model projects its cross-attention K/V.
///
/// Cross-attention keys and values are projections of the encoder output, which
/// does not change while the decoder runs: the same rows come out at every step.
/// Implementations differ in whether they keep them.
public enum CrossAttentionMode: String, Sendable, Equatable, Hashable, Codable, CaseIterable {
  /// Projected at the first decoder step and reused at every later step, as
  /// Hugging Face's PyTorch models do (the cross part of `past_key_values`).
  case once
  /// Re-projected from the stored encoder output at every step, as Flax T5 and
  /// t5x do: the same numbers each time, paid for again.
  case recompute
}
