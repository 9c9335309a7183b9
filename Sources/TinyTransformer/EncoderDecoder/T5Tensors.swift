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
    let root = Float(c.dim).squareRoot()
    var list = [
      Entry(name: "shared.weight", shape: [c.vocabularySize, c.dim], randomStandardDeviation: 1)
    ]
    for l in 0..<c.layers {
      let block = "encoder.block.\(l)"
      list += attention(block + ".layer.0.SelfAttention", bias: l == 0, c, t5)
      list.append(norm(block + ".layer.0.layer_norm.weight", c))
      list += feedForward(block + ".layer.1", c, t5)
    }
    list.append(norm("encoder.final_layer_norm.weight", c))
    for l in 0..<c.layers {
      let block = "decoder.block.\(l)"
      list += attention(block + ".layer.0.SelfAttention", bias: l == 0, c, t5)
      list.append(norm(block + ".layer.0.layer_norm.weight", c))
      list += attention(block + ".layer.1.EncDecAttention", bias: false, c, t5)
      list.append(norm(block + ".layer.1.layer_norm.weight", c))
      list += feedForward(block + ".layer.2", c, t5)
    }
    list.append(norm("decoder.final_layer_norm.weight", c))
    if !t5.tiedEmbeddings {
      list.append(
        Entry(
          name: "lm_head.weight", shape: [c.vocabularySize, c.dim],
          randomStandardDeviation: 1 / root))
    }
    return list
  }

  /// One attention block's projections, and the bias table in a stack's first layer.
  private static func attention(_ prefix: String, bias: Bool, _ c: ModelConfig, _ t5: T5Config)
    -> [Entry]
  {
    let (d, inner, kv) = (c.dim, c.attentionDim, c.kvDim)
    let root = Float(d).squareRoot()
    let list = [
      Entry(
        name: prefix + ".q.weight", shape: [inner, d],
        randomStandardDeviation: 1 / (Float(d * c.headSize)).squareRoot()),
      Entry(name: prefix + ".k.weight", shape: [kv, d], randomStandardDeviation: 1 / root),
      Entry(name: prefix + ".v.weight", shape: [kv, d], randomStandardDeviation: 1 / root),
      Entry(
        name: prefix + ".o.weight", shape: [d, inner],
        randomStandardDeviation: 1 / Float(inner).squareRoot()),
    ]
    guard bias else { return list }
    return list + [
      Entry(
        name: prefix + ".relative_attention_bias.weight", shape: [t5.relativeBuckets, c.heads],
        randomStandardDeviation: 1 / root)
    ]
  }

  /// A layer norm's scale.
  private static func norm(_ name: String, _ c: ModelConfig) -> Entry {
    Entry(name: name, shape: [c.dim], randomStandardDeviation: nil)
  }

  /// One feed-forward block: `wi` or `wi_0` and `wi_1`, `wo`, and its norm.
  private static func feedForward(_ prefix: String, _ c: ModelConfig, _ t5: T5Config) -> [Entry] {
    let wi = t5.feedForward == .relu ? ["wi"] : ["wi_0", "wi_1"]
    return wi.map {
      Entry(
        name: "\(prefix).DenseReluDense.\($0).weight", shape: [c.mlpDim, c.dim],
        randomStandardDeviation: 1 / Float(c.dim).squareRoot())
    } + [
      Entry(
        name: "\(prefix).DenseReluDense.wo.weight", shape: [c.dim, c.mlpDim],
        randomStandardDeviation: 1 / Float(c.mlpDim).squareRoot()),
      norm(prefix + ".layer_norm.weight", c),
    ]
  }
}
