import KVTrace

/// The tensors of a T5, by their Hugging Face names, with the shape each must have.
///
/// One list serves a random model (drawn tensor by tensor in this order) and a
/// loaded one (every name looked up in the safetensors file, every shape
/// checked). PyTorch stores a linear layer's weight as `[out, in]`, the layout the
/// kernels read (`y = W · x`).
struct T5Tensors {
  /// One tensor: its name and shape.
  struct Entry: Equatable {
    var name: String
    var shape: [Int]
    /// How a random model fills it (``T5Weights/init(random:t5:seed:)``).
    var randomStandardDeviation: Float?  // nil: a norm's scale, all ones
    /// The floats it holds.
    var count: Int { shape.reduce(1, *) }
  }

  /// Every tensor of `config`'s shape, in the order a random model draws them.
  static func entries(_ c: ModelConfig, _ t5: T5Config) -> [Entry] {
    let (d, inner, kv, ff) = (c.dim, c.attentionDim, c.kvDim, c.mlpDim)
    let root = Float(d).squareRoot()
    var list = [
      Entry(name: "shared.weight", shape: [c.vocabularySize, d], randomStandardDeviation: 1)
    ]
    func attention(_ prefix: String, bias: Bool) {
      list += [
        Entry(
          name: prefix + ".q.weight", shape: [inner, d],
          randomStandardDeviation: 1 / (Float(d * c.headSize)).squareRoot()),
        Entry(name: prefix + ".k.weight", shape: [kv, d], randomStandardDeviation: 1 / root),
        Entry(name: prefix + ".v.weight", shape: [kv, d], randomStandardDeviation: 1 / root),
        Entry(
          name: prefix + ".o.weight", shape: [d, inner],
          randomStandardDeviation: 1 / Float(inner).squareRoot()),
      ]
      if bias {
        list.append(
          Entry(
            name: prefix + ".relative_attention_bias.weight", shape: [t5.relativeBuckets, c.heads],
            randomStandardDeviation: 1 / root))
      }
    }
    func norm(_ name: String) {
      list.append(Entry(name: name, shape: [d], randomStandardDeviation: nil))
    }
    func feedForward(_ prefix: String) {
      let wi = t5.feedForward == .relu ? ["wi"] : ["wi_0", "wi_1"]
      for name in wi {
        list.append(
          Entry(
            name: "\(prefix).DenseReluDense.\(name).weight", shape: [ff, d],
            randomStandardDeviation: 1 / root))
      }
      list.append(
        Entry(
          name: "\(prefix).DenseReluDense.wo.weight", shape: [d, ff],
          randomStandardDeviation: 1 / Float(ff).squareRoot()))
      norm(prefix + ".layer_norm.weight")
    }
    for l in 0..<c.layers {
      let block = "encoder.block.\(l)"
      attention(block + ".layer.0.SelfAttention", bias: l == 0)
      norm(block + ".layer.0.layer_norm.weight")
      feedForward(block + ".layer.1")
    }
    norm("encoder.final_layer_norm.weight")
    for l in 0..<c.layers {
      let block = "decoder.block.\(l)"
      attention(block + ".layer.0.SelfAttention", bias: l == 0)
      norm(block + ".layer.0.layer_norm.weight")
      attention(block + ".layer.1.EncDecAttention", bias: false)
      norm(block + ".layer.1.layer_norm.weight")
      feedForward(block + ".layer.2")
    }
    norm("decoder.final_layer_norm.weight")
    if !t5.tiedEmbeddings {
      list.append(
        Entry(
          name: "lm_head.weight", shape: [c.vocabularySize, d], randomStandardDeviation: 1 / root))
    }
    return list
  }
}
