import KVTrace

/// Counts the floating-point operations of a forward pass, a multiply-add as two.
///
/// The count covers what dominates: the q, k, v and output projections, the
/// attention scores and weighted sums, the MLP, and the classifier (run once per
/// step, for the newest position only). Norms, RoPE and softmax are a few
/// operations per element and are left out.
public enum FLOPCount {
  /// The cost of running position `position` through every layer.
  ///
  /// Attention grows with the position: the query reads `position + 1` keys.
  /// That is why a cached decode step is not O(1): it skips recomputing old
  /// rows, but the newest query still attends to all of them. A sliding window
  /// caps the keys read (`keys`), which is where its saving in attention comes from.
  public static func position(_ position: Int, keys: Int? = nil, config c: ModelConfig) -> Int {
    let projections = 2 * c.dim * (2 * c.dim + 2 * c.kvDim)  // Wq, Wo, Wk, Wv
    let attention = c.heads * 2 * 2 * c.headSize * (keys ?? position + 1)  // q·k and Σ w·v
    let mlp = 3 * 2 * c.dim * c.mlpDim  // W1, W3, W2
    return c.layers * (projections + attention + mlp)
  }

  /// The cost of running `positions` and then the classifier.
  public static func step(positions: Range<Int>, config c: ModelConfig) -> Int {
    positions.reduce(0) { $0 + position($1, config: c) } + 2 * c.dim * c.vocabularySize
  }
}
