extension T5Trainer {
  /// How much of each head's cross-attention, in decoder layer `layer`, falls on the source
  /// token the decoder is copying: one share per head, averaged over every copied word of
  /// `pairs`.
  ///
  /// Teacher-forced, the decoder at position `t` predicts target word `t`; when that word
  /// occurs in the source after the previous copied word's source position, its first such
  /// position is the one being copied, and the share is that key's attention weight. A head
  /// that reads the word it copies scores near 1; uniform attention scores `1 / source
  /// length`. Words that do not occur in the source are left out.
  public func crossAttentionShare(on pairs: [TokenPair], layer: Int) -> [Float] {
    let c = recipe.config
    precondition((0..<c.decoderLayers).contains(layer), "layer must be in 0..<\(c.decoderLayers)")
    var (sums, count) = ([Double](repeating: 0, count: c.heads), 0)
    let transposed = T5Network.transpose(parameters, layout: layout)
    parameters.withUnsafeBufferPointer { w in
      transposed.withUnsafeBufferPointer { t in
        let network = T5Network(layout: layout, weights: w.baseAddress!, transposed: t.baseAddress!)
        for pair in pairs {
          let inputs = T5BatchGradient.decoderInputs(pair)
          let pass = T5Pass<Float>(
            config: c, sourceRows: pair.source.count, targetRows: inputs.count)
          pass.forward(source: pair.source, decoderInputs: inputs, network: network)
          let probs = pass.decoder[layer].crossAttention!.probs
          var from = 0
          for (position, word) in pair.target.enumerated() {
            guard let p = pair.source[from...].firstIndex(of: word) else { continue }
            for h in 0..<c.heads {
              sums[h] += Double(probs[(h * inputs.count + position) * pair.source.count + p])
            }
            (from, count) = (p + 1, count + 1)
          }
        }
      }
    }
    return sums.map { Float($0 / Double(max(1, count))) }
  }
}
