import KVTrace

/// The decoder's state between steps: its two KV caches and the encoder output.
///
/// This is what Flax T5's `init_cache(batch_size, max_length, encoder_outputs)`
/// prepares and what its `decode(…, past_key_values=…)` carries from step to
/// step, and what Hugging Face's PyTorch models keep in `past_key_values`:
///
/// - the **self-attention cache**, `[layers, maxLength, kvDim]` for keys and
///   again for values, preallocated, filled one row per layer and KV head at
///   each step (the new position), read back at every later step;
/// - the **cross-attention cache**, `[layers, sourceLength, kvDim]`: projections
///   of the encoder output. Its length is the source length, from the first
///   step to the last: it never grows. With ``KVTrace/CrossAttentionMode/once`` its rows
///   are projected at the first step and reused; with
///   ``KVTrace/CrossAttentionMode/recompute`` they are projected again at every step
///   and dropped after it;
/// - the **encoder output** itself, which is not a cache but the decoder's
///   input: the encoder ran once, before this state was made.
///
/// Make one with ``EncoderDecoderTransformer/makeDecoderCache(encoderOutput:maxLength:policy:crossAttention:)``
/// and feed it to ``EncoderDecoderTransformer/decode(token:cache:)``.
public final class DecoderCache {
  // A class: it owns the caches' buffers and is updated in place at every step.
  /// What the encoder produced; read at every step.
  public let encoderOutput: EncoderOutput
  /// Whether cross-attention K/V are kept after the first step.
  public let crossAttention: CrossAttentionMode
  /// What the self-attention cache keeps (and, with ``KVTrace/CrossAttentionMode/once``,
  /// the cross-attention cache): ``FullCache`` or ``NoCache``.
  public let policy: any CachePolicy
  /// The decoder tokens fed so far, one per position: the start token first.
  public private(set) var tokens: [Int] = []
  /// The index the next step will have in a trace: step 0 is the encoder's.
  public private(set) var nextStep = 1
  let selfRows: KVCache  // [layers, maxLength, kvDim] keys and values
  let crossRows: KVCache  // [layers, sourceLength, kvDim] keys and values
  let scratch: Scratch

  init(
    encoderOutput: EncoderOutput, policy: any CachePolicy, crossAttention: CrossAttentionMode,
    selfRows: KVCache, crossRows: KVCache, scratch: Scratch
  ) {
    self.encoderOutput = encoderOutput
    self.policy = policy
    self.crossAttention = crossAttention
    self.selfRows = selfRows
    self.crossRows = crossRows
    self.scratch = scratch
  }

  /// The most positions the decoder may fill.
  public var maxLength: Int { selfRows.config.contextLength }

  /// Bytes of keys and values held between steps, self and cross.
  public var bytesHeld: Int { selfRows.bytesHeld + crossRows.bytesHeld }

  /// Appends the token of the step about to run; returns its position.
  func append(_ token: Int) -> Int {
    tokens.append(token)
    return tokens.count - 1
  }

  /// Marks the step done.
  func finishStep() { nextStep += 1 }
}
