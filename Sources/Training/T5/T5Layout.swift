/// Where each tensor of a T5 encoder-decoder sits in one flat buffer, named as Hugging Face
/// names it.
///
/// The parameters, their gradients and Adam's moments share this layout. Tensors are laid
/// out in the order ``tensors`` lists them, each `[rows, columns]` row-major exactly as the
/// `model.safetensors` of a `transformers` T5 stores it (a linear layer's weight is `[out,
/// in]`), so a checkpoint is a copy of slices of the buffer.
struct T5Layout: Sendable, Equatable {
  /// One named tensor.
  struct Tensor: Sendable, Equatable {
    let name: String
    let offset: Int
    let rows: Int
    let columns: Int
    /// A layer norm's scale, or the position bias table: spared by weight decay, never
    /// transposed.
    let isVector: Bool
  }

  /// The four projections of one attention block.
  struct Attention: Sendable, Equatable {
    let q, k, v, o: Int
  }

  /// The tensors of one layer: self-attention, cross-attention (decoder only), feed-forward.
  struct Block: Sendable, Equatable {
    let selfNorm: Int
    let selfAttention: Attention
    let crossNorm: Int
    let crossAttention: Attention?
    let feedForwardNorm: Int
    /// `wi` (ReLU) or `wi_0` (the gated GELU's gate).
    let wi0: Int
    /// `wi_1`, the gated GELU's linear half; `nil` for ReLU.
    let wi1: Int?
    let wo: Int
  }

  let config: T5TrainingConfig
  let shared: Int
  let encoderBias, decoderBias: Int
  let encoder, decoder: [Block]
  let encoderFinalNorm, decoderFinalNorm: Int
  /// The untied classifier, or `shared` when the embeddings are tied.
  let lmHead: Int
  let tensors: [Tensor]
  /// How many numbers the buffer holds.
  let count: Int
  /// For every number, whether it belongs to a vector tensor (see ``Tensor/isVector``).
  private let vectorMask: [Bool]

  init(config c: T5TrainingConfig) {
    config = c
    var b = Builder(config: c)
    shared = b.add("shared.weight", c.vocabularySize, c.dModel)
    var biases: [Int] = []
    func stack(_ name: String, _ layers: Int) -> [Block] {
      (0..<layers).map { i in
        let (block, bias) = b.block(name, i)
        if let bias { biases.append(bias) }
        return block
      }
    }
    encoder = stack("encoder", c.encoderLayers)
    encoderFinalNorm = b.add("encoder.final_layer_norm.weight", 1, c.dModel, vector: true)
    decoder = stack("decoder", c.decoderLayers)
    decoderFinalNorm = b.add("decoder.final_layer_norm.weight", 1, c.dModel, vector: true)
    lmHead = c.tiedEmbeddings ? shared : b.add("lm_head.weight", c.vocabularySize, c.dModel)
    (encoderBias, decoderBias) = (biases[0], biases[1])
    (tensors, count) = (b.tensors, b.next)
    var mask = [Bool](repeating: false, count: b.next)
    for t in b.tensors where t.isVector {
      for i in t.offset..<(t.offset + t.rows * t.columns) { mask[i] = true }
    }
    vectorMask = mask
  }

  /// Lays tensors out one after the other, in the order Hugging Face lists them.
  private struct Builder {
    let config: T5TrainingConfig
    var tensors: [Tensor] = []
    var next = 0

    /// Appends a tensor and returns its offset.
    mutating func add(_ name: String, _ rows: Int, _ columns: Int, vector: Bool = false) -> Int {
      tensors.append(
        Tensor(name: name, offset: next, rows: rows, columns: columns, isVector: vector))
      defer { next += rows * columns }
      return next
    }

    mutating func attention(_ prefix: String) -> Attention {
      let c = config
      return Attention(
        q: add(prefix + ".q.weight", c.inner, c.dModel),
        k: add(prefix + ".k.weight", c.inner, c.dModel),
        v: add(prefix + ".v.weight", c.inner, c.dModel),
        o: add(prefix + ".o.weight", c.dModel, c.inner))
    }

    /// Layer `i` of `stack` (`encoder` or `decoder`), and its position bias table if it is
    /// the first layer.
    mutating func block(_ stack: String, _ i: Int) -> (Block, Int?) {
      let c = config
      let prefix = "\(stack).block.\(i).layer."
      let selfAttention = attention(prefix + "0.SelfAttention")
      let bias =
        i == 0
        ? add(
          prefix + "0.SelfAttention.relative_attention_bias.weight", c.buckets, c.heads,
          vector: true) : nil
      let selfNorm = add(prefix + "0.layer_norm.weight", 1, c.dModel, vector: true)
      let isDecoder = stack == "decoder"
      let cross = isDecoder ? attention(prefix + "1.EncDecAttention") : nil
      let crossNorm =
        isDecoder ? add(prefix + "1.layer_norm.weight", 1, c.dModel, vector: true) : 0
      let f = prefix + (isDecoder ? "2" : "1") + "."
      let gated = c.feedForward == .gatedGELU
      let wi0 = add(f + "DenseReluDense." + (gated ? "wi_0" : "wi") + ".weight", c.dFF, c.dModel)
      let wi1 = gated ? add(f + "DenseReluDense.wi_1.weight", c.dFF, c.dModel) : nil
      let wo = add(f + "DenseReluDense.wo.weight", c.dModel, c.dFF)
      let norm = add(f + "layer_norm.weight", 1, c.dModel, vector: true)
      let block = Block(
        selfNorm: selfNorm, selfAttention: selfAttention, crossNorm: crossNorm,
        crossAttention: cross, feedForwardNorm: norm, wi0: wi0, wi1: wi1, wo: wo)
      return (block, bias)
    }
  }
}

extension T5Layout: DecayExemptions {
  /// Whether the number at `index` is a norm's scale or a position bias (spared by decay).
  func isExempt(_ index: Int) -> Bool {
    vectorMask[index]
  }
}
