import TinyTransformer

/// The loss and gradient of a batch of (source, target) pairs, one pair at a time, in any
/// precision: the definition the ``T5Trainer``'s threaded `Float` computation is tested
/// against.
enum T5BatchGradient {
  /// Teacher forcing: the decoder reads the start token and the target, and learns to write
  /// the target and the end token, `[start, y1, …, yn] → [y1, …, yn, eos]`.
  static func decoderInputs(_ pair: TokenPair) -> [Int] { [Tokenizer.startToken] + pair.target }

  /// The labels of ``decoderInputs(_:)``: the target, then the end-of-sequence token.
  static func labels(_ pair: TokenPair) -> [Int] { pair.target + [Tokenizer.eosToken] }

  /// How many target positions (labels) `pairs` hold: the loss's denominator.
  static func labelCount(_ pairs: [TokenPair]) -> Int {
    pairs.reduce(0) { $0 + $1.target.count + 1 }
  }

  /// Runs one pair forward (and backward, when `gradient` is given), each label's loss
  /// scaled by `scale` in the gradient. Returns the summed loss and how many labels the model
  /// ranked first.
  static func pair<T: TrainingScalar>(
    _ pair: TokenPair, pass: T5Pass<T>, network: T5Network<T>,
    gradient: UnsafeMutablePointer<T>?, scale: T
  ) -> (loss: Double, correct: Int) {
    let inputs = decoderInputs(pair)
    pass.forward(source: pair.source, decoderInputs: inputs, network: network)
    let result = Ops.crossEntropy(
      pass.logits, targets: labels(pair)[...], vocabulary: pass.config.vocabularySize,
      scale: scale)
    if let gradient {
      pass.backward(
        source: pair.source, decoderInputs: inputs, network: network, gradient: gradient)
    }
    return result
  }

  /// The mean loss per label of `pairs` under `weights`, and its gradient, single-threaded.
  static func compute<T: TrainingScalar>(
    _ weights: [T], layout: T5Layout, pairs: [TokenPair]
  ) -> (loss: Double, gradient: [T]) {
    let transposed = T5Network.transpose(weights, layout: layout)
    let pass = T5Pass<T>(
      config: layout.config, sourceRows: pairs.map(\.source.count).max() ?? 1,
      targetRows: (pairs.map(\.target.count).max() ?? 0) + 1)
    var gradient = [T](repeating: 0, count: layout.count)
    let labels = labelCount(pairs)
    var loss = 0.0
    weights.withUnsafeBufferPointer { w in
      transposed.withUnsafeBufferPointer { t in
        gradient.withUnsafeMutableBufferPointer { g in
          let network = T5Network(
            layout: layout, weights: w.baseAddress!, transposed: t.baseAddress!)
          for p in pairs {
            loss +=
              pair(p, pass: pass, network: network, gradient: g.baseAddress!, scale: 1 / T(labels))
              .loss
          }
        }
      }
    }
    return (loss / Double(labels), gradient)
  }
}
