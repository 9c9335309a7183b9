import TinyTransformer

extension Corpus {
  /// The loss and accuracy of the simplest model that ignores context: token frequencies.
  ///
  /// A model that never looks back still learns how often each token occurs; its loss is the
  /// bar a transformer must clear before its attention earns anything. Every token of the
  /// training sequences is counted; each probability is `(count + 1) / (total + V)` (add-one
  /// smoothing, so an unseen token costs a finite amount). The validation sequences are scored
  /// as the trainer scores them: every token but the first is a target.
  ///
  /// - Parameters:
  ///   - train: The sequences the frequencies are counted on.
  ///   - validation: The sequences scored.
  ///   - vocabularySize: `V`, the number of token ids; ids outside `0..<V` are skipped.
  /// - Returns: The mean cross-entropy in nats per target, and the share of targets equal to
  ///   the most frequent training token (the smallest id among ties); zeros if no target.
  public static func unigramCrossEntropy(
    train: [[Int]], validation: [[Int]], vocabularySize: Int
  ) -> (loss: Double, accuracy: Double) {
    let size = max(0, vocabularySize)
    var counts = [Int](repeating: 0, count: size)
    for token in train.joined() where 0 <= token && token < size { counts[token] += 1 }
    let total = counts.reduce(0, +)
    let best = counts.indices.max {
      counts[$0] < counts[$1] || (counts[$0] == counts[$1] && $0 > $1)
    }
    var loss = 0.0
    var right = 0
    var targets = 0
    for sequence in validation {
      for token in sequence.dropFirst() where 0 <= token && token < size {
        let probability = Double(counts[token] + 1) / Double(total + size)
        loss -= DeterministicMath.log(probability)
        if token == best { right += 1 }
        targets += 1
      }
    }
    guard targets > 0 else { return (0, 0) }
    return (loss / Double(targets), Double(right) / Double(targets))
  }
}
