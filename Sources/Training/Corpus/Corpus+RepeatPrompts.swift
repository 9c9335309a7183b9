import TinyTransformer

extension Corpus {
  /// Prompts that test copying: a run of random words, immediately repeated.
  ///
  /// Prompt `i` is the token ids of `"w1 w2 … wn w1 w2 … wn"` exactly as
  /// ``TinyTransformer/Tokenizer/demo`` encodes that text (the first word bare, every other
  /// with its leading space), with `n` drawn from `lengths` and the words distinct, drawn
  /// from every word of the corpus. Greedy accuracy over the second half measures the
  /// induction head: no grammar predicts the next random word, only the first copy does. Score
  /// it from the repeat's second word on: its first word follows an unrelated one, and its
  /// token (`" w1"`) differs from the bare `"w1"` that opens the prompt.
  ///
  /// - Parameters:
  ///   - count: How many prompts (none if not positive).
  ///   - seed: Their seed; the same seed gives the same prompts.
  ///   - lengths: How many words a run has; clamped to `1...` the number of corpus words.
  /// - Returns: `count` prompts of `2n` tokens each.
  public static func repeatPrompts(count: Int, seed: UInt64, lengths: ClosedRange<Int> = 10...20)
    -> [[Int]]
  {
    let pool = Lexicon.runPool
    let shortest = min(max(1, lengths.lowerBound), pool.count)
    let longest = min(max(shortest, lengths.upperBound), pool.count)
    var generator = SplitMix64(seed: seed ^ 0x5245_5045_4154)  // "REPEAT"
    return (0..<max(0, count)).map { _ in
      let words = generator.distinct(generator.int(in: shortest...longest), of: pool)
      let run = words.joined(separator: " ")
      return Tokenizer.demo.encode(run + " " + run)
    }
  }
}
