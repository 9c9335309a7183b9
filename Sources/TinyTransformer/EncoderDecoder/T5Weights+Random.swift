import KVTrace

extension T5Weights {
  /// A random T5 of `config`'s shape, drawn from `SplitMix64(seed)` tensor by tensor
  /// in ``T5Tensors`` order.
  ///
  /// Each weight is uniform in `±√3 σ` (variance `σ²`), with Hugging Face's
  /// `T5PreTrainedModel._init_weights` σ for its tensor: 1 for the embedding,
  /// `(d_model × d_kv)^-½` for `q`, `d_model^-½` for `k`, `v`, `wi` and the bias
  /// table, `(heads × d_kv)^-½` for `o`, `d_ff^-½` for `wo`, `d_model^-½` for an
  /// untied `lm_head`. The norms' scales start at 1. A uniform draw rather than a
  /// normal one keeps the arithmetic integer-exact: the same seed gives the same
  /// bits on every machine.
  ///
  /// As in the random decoder-only model, the `lm_head` rows of `rareTokens` (pieces
  /// that do not begin a word) are then scaled to a tenth, so that the random model
  /// writes words rather than bytes; it shapes which words appear, not how the cache
  /// works.
  convenience init(random config: ModelConfig, t5: T5Config, seed: UInt64, rareTokens: Set<Int>) {
    var random = SplitMix64(seed: seed)
    self.init(config: config, t5: t5) { entry, floats in
      guard let sigma = entry.randomStandardDeviation else {
        floats.update(repeating: 1)
        return
      }
      let scale = sigma * Float(3).squareRoot()
      for i in floats.indices { floats[i] = random.nextSignedFloat() * scale }
      guard entry.name == "lm_head.weight" else { return }
      for token in rareTokens.sorted() where (0..<config.vocabularySize).contains(token) {
        for j in 0..<config.dim { floats[token * config.dim + j] *= 0.1 }
      }
    }
  }
}
