import KVTrace

/// The encoder-decoder's layers are built from the same pieces as the decoder-only
/// model's (``LayerBlocks``); these hand them this model's tensors.
extension EncoderDecoderTransformer {
  /// The shared layer pieces, working in `scratch`.
  func blocks(_ scratch: Scratch) -> LayerBlocks {
    LayerBlocks(config: config, threads: threads, rotary: rotary, scratch: scratch)
  }

  /// One layer's attention tensors, as the shared pieces read them.
  static func tensors(_ b: EncoderDecoderWeights.AttentionBlock) -> LayerBlocks.AttentionTensors {
    LayerBlocks.AttentionTensors(norm: b.norm, wq: b.wq, wk: b.wk, wv: b.wv, wo: b.wo)
  }

  /// One layer's feed-forward tensors, as the shared pieces read them.
  static func tensors(_ b: EncoderDecoderWeights.MLPBlock) -> LayerBlocks.FeedForwardTensors {
    LayerBlocks.FeedForwardTensors(norm: b.norm, w1: b.w1, w2: b.w2, w3: b.w3)
  }

  /// A cache of `positions` rows per layer, for the encoder or the cross-attention.
  func cache(positions: Int) -> KVCache {
    var shape = config
    shape.contextLength = max(1, positions)
    return KVCache(config: shape)
  }
}
