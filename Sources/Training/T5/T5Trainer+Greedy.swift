import TinyTransformer

extension T5Trainer {
  /// The model's greedy summary of `source`: the decoder starts from the start token and
  /// appends its most likely next token until it writes the end token or `maxLength` tokens.
  ///
  /// This is a measuring tool, not inference: every step reruns the whole decoder without a
  /// cache (the "before" picture kvtrace's inference improves on), which is cheap at these
  /// sizes and shares the trainer's arithmetic exactly. The result holds neither start nor
  /// end token.
  public func greedySummary(of source: [Int], maxLength: Int) -> [Int] {
    let c = recipe.config
    precondition(
      (1...recipe.sourceLength).contains(source.count)
        && source.allSatisfy { (0..<c.vocabularySize).contains($0) },
      "a source holds 1...\(recipe.sourceLength) ids below \(c.vocabularySize)")
    let length = min(maxLength, recipe.targetLength)
    let pass = T5Pass<Float>(
      config: c, sourceRows: source.count, targetRows: length + 1)
    let transposed = T5Network.transpose(parameters, layout: layout)
    var output: [Int] = []
    parameters.withUnsafeBufferPointer { w in
      transposed.withUnsafeBufferPointer { t in
        let network = T5Network(layout: layout, weights: w.baseAddress!, transposed: t.baseAddress!)
        while output.count < length {
          let inputs = [Tokenizer.startToken] + output
          pass.forward(source: source, decoderInputs: inputs, network: network)
          let row = pass.logits + (inputs.count - 1) * c.vocabularySize
          var best = 0
          for j in 1..<c.vocabularySize where row[j] > row[best] { best = j }
          if best == Tokenizer.eosToken { break }
          output.append(best)
        }
      }
    }
    return output
  }
}
