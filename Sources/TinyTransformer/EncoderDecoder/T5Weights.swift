import KVTrace

/// Every parameter of a T5, in one buffer, with a pointer to each tensor the
/// forward pass reads.
///
/// Filled either at random (``init(random:t5:seed:)``) or from a Hugging Face
/// checkpoint (``EncoderDecoderTransformer/init(huggingFace:weights:tokenizer:name:seed:)``); either way the tensors are the ones
/// ``T5Tensors`` lists, by their Hugging Face names. The object owns its floats,
/// so the pointers stay valid as long as it lives.
final class T5Weights: @unchecked Sendable {
  // @unchecked: the buffer is written once in init and only read afterwards.

  /// One attention block of one layer.
  struct AttentionBlock {
    let norm: UnsafePointer<Float>  // [dim], the layer norm before the block
    let wq: UnsafePointer<Float>  // [heads × headSize, dim]
    let wk: UnsafePointer<Float>  // [kvDim, dim]
    let wv: UnsafePointer<Float>  // [kvDim, dim]
    let wo: UnsafePointer<Float>  // [dim, heads × headSize]
  }

  /// One feed-forward block of one layer: `wi` (ReLU) or `wi_0` and `wi_1` (gated GELU).
  struct FeedForwardBlock {
    let norm: UnsafePointer<Float>  // [dim]
    let wi: UnsafePointer<Float>  // [mlpDim, dim]: wi (ReLU) or wi_0 (the GELU gate)
    let wiLinear: UnsafePointer<Float>?  // [mlpDim, dim]: wi_1, gated GELU only
    let wo: UnsafePointer<Float>  // [dim, mlpDim]
  }

  let config: ModelConfig
  let t5: T5Config
  private let storage: UnsafeMutablePointer<Float>
  /// How many floats the model has.
  let parameterCount: Int

  let shared: UnsafePointer<Float>  // [vocab, dim], both stacks' input embedding
  let encoderBias: UnsafePointer<Float>  // [buckets, heads], layer 0's, shared by the stack
  let decoderBias: UnsafePointer<Float>  // [buckets, heads]
  let encoderSelf: [AttentionBlock]
  let encoderFeedForward: [FeedForwardBlock]
  let encoderFinalNorm: UnsafePointer<Float>  // [dim]
  let decoderSelf: [AttentionBlock]
  let decoderCross: [AttentionBlock]
  let decoderFeedForward: [FeedForwardBlock]
  let decoderFinalNorm: UnsafePointer<Float>  // [dim]
  let classifier: UnsafePointer<Float>  // [vocab, dim]: `shared` when tied, else lm_head

  /// Lays out `config`'s tensors and lets `fill` write each (in ``T5Tensors`` order).
  init<Failure: Error>(
    config c: ModelConfig, t5: T5Config,
    fill: (T5Tensors.Entry, UnsafeMutableBufferPointer<Float>) throws(Failure) -> Void
  ) throws(Failure) {
    config = c
    self.t5 = t5
    let entries = T5Tensors.entries(c, t5)
    var offsets: [String: Int] = [:]
    var total = 0
    for entry in entries {
      offsets[entry.name] = total
      total += entry.count
    }
    let buffer = AlignedFloats.zeroed(total).baseAddress!
    do {
      for entry in entries {
        try fill(
          entry,
          UnsafeMutableBufferPointer(start: buffer + offsets[entry.name]!, count: entry.count))
      }
    } catch {
      buffer.deallocate()  // deinit does not run for an init that throws
      throw error
    }
    storage = buffer
    parameterCount = total
    let p: (String) -> UnsafePointer<Float> = { [storage] in UnsafePointer(storage + offsets[$0]!) }
    shared = p("shared.weight")
    encoderBias = p("encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight")
    decoderBias = p("decoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight")
    func attention(_ block: String, _ index: Int, _ name: String) -> AttentionBlock {
      let prefix = "\(block).layer.\(index).\(name)"
      return AttentionBlock(
        norm: p("\(block).layer.\(index).layer_norm.weight"), wq: p(prefix + ".q.weight"),
        wk: p(prefix + ".k.weight"), wv: p(prefix + ".v.weight"), wo: p(prefix + ".o.weight"))
    }
    func feedForward(_ block: String, _ index: Int) -> FeedForwardBlock {
      let prefix = "\(block).layer.\(index).DenseReluDense"
      let gated = t5.feedForward == .gatedGELU
      return FeedForwardBlock(
        norm: p("\(block).layer.\(index).layer_norm.weight"),
        wi: p(prefix + (gated ? ".wi_0.weight" : ".wi.weight")),
        wiLinear: gated ? p(prefix + ".wi_1.weight") : nil, wo: p(prefix + ".wo.weight"))
    }
    let layers = 0..<c.layers
    encoderSelf = layers.map { attention("encoder.block.\($0)", 0, "SelfAttention") }
    encoderFeedForward = layers.map { feedForward("encoder.block.\($0)", 1) }
    encoderFinalNorm = p("encoder.final_layer_norm.weight")
    decoderSelf = layers.map { attention("decoder.block.\($0)", 0, "SelfAttention") }
    decoderCross = layers.map { attention("decoder.block.\($0)", 1, "EncDecAttention") }
    decoderFeedForward = layers.map { feedForward("decoder.block.\($0)", 2) }
    decoderFinalNorm = p("decoder.final_layer_norm.weight")
    classifier = t5.tiedEmbeddings ? shared : p("lm_head.weight")
  }

  deinit { storage.deallocate() }
}
