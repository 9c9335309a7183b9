import TinyTransformer
import Training

/// The prompts `kvtrace heads` decodes to show copying: a random run of whole words,
/// then the run's first word again.
///
/// A model that has learned to copy (an induction head reading the rows cached when the
/// run first went by) continues with the rest of the run; one that has not, guesses. The
/// words are drawn without repeats inside a run, so each has exactly one right
/// continuation, with a generator seeded by `--seed`: the same prompts on every machine. With
/// the demo vocabulary they are the words of kvtrace's training corpus (``Corpus/words``, the
/// words the trained model has seen), otherwise the tokenizer's whole-word pieces (a space,
/// then letters).
struct RepeatPrompts: Sendable, CustomStringConvertible {
  /// How many words a run has, at most: 10–20, as the induction figures are measured.
  static let lengths = 10...20

  /// What every prompt starts with: `<s>` for a llama2.c tokenizer, nothing for the demo's
  /// (the tokenizer's encoding of the empty text, as `run` would start).
  let prefix: [Int]
  /// The runs, each of `lengths` words (fewer when the context is short).
  let runs: [[Int]]
  /// The token each prompt opens with: the run's first word, bare (`cake`, not ` cake`) with
  /// the demo vocabulary, as every document the trained model read opens; the repeat then
  /// says it with its space, as running text does.
  let openings: [Int]
  /// The run lengths drawn from.
  let range: ClosedRange<Int>
  let seed: UInt64

  /// Draws `count` runs.
  ///
  /// - Throws: ``UsageError`` when the context cannot hold a run of two words said twice,
  ///   or the vocabulary has too few whole words.
  init(count: Int, seed: UInt64, tokenizer: Tokenizer, contextLength: Int) throws(UsageError) {
    prefix = tokenizer.encode("")
    // A run of n words takes prefix + n + 1 prompt positions and n - 2 decode steps.
    let longest = min(Self.lengths.upperBound, (contextLength - prefix.count + 1) / 2)
    guard longest >= 2 else {
      throw UsageError(
        "the context holds \(contextLength) positions, too few for a run of words said twice",
        fix: "raise --context to at least \(2 * Self.lengths.lowerBound + prefix.count)")
    }
    range = min(Self.lengths.lowerBound, longest)...longest
    let words = Self.words(of: tokenizer)
    guard words.count >= longest else {
      throw UsageError(
        "the tokenizer has \(words.count) whole-word pieces, too few for runs of \(longest) words",
        fix: "give --prompt with a repeated phrase of your own")
    }
    var random = SplitMix64(seed: seed ^ 0x6865_6164_7321)  // "heads!": apart from the weights
    var runs: [[Int]] = []
    for _ in 0..<count {
      let length = range.lowerBound + Int(random.next() % UInt64(range.count))
      var pool = words
      for i in 0..<length {  // a partial Fisher-Yates shuffle: `length` distinct words
        pool.swapAt(i, i + Int(random.next() % UInt64(pool.count - i)))
      }
      runs.append(Array(pool.prefix(length)))
    }
    self.runs = runs
    openings = runs.map { run in
      guard tokenizer == .demo else { return run[0] }
      let bare = tokenizer.encode(String(tokenizer.piece(of: run[0]).dropFirst()))
      return bare.count == 1 ? bare[0] : run[0]
    }
    self.seed = seed
  }

  /// The token ids runs are drawn from: the corpus's words for the demo vocabulary, each
  /// with its leading space; otherwise every whole-word piece.
  static func words(of tokenizer: Tokenizer) -> [Int] {
    if tokenizer == .demo {
      return Corpus.words.compactMap { word in
        let ids = tokenizer.encode(" " + word)
        return ids.count == 1 ? ids[0] : nil
      }
    }
    return (0..<tokenizer.vocabularySize).filter { isWord(tokenizer.piece(of: $0)) }
  }

  /// A piece that is a whole word: a space, then at least two ASCII letters.
  static func isWord(_ piece: String) -> Bool {
    let bytes = Array(piece.utf8)
    return bytes.count >= 3 && bytes[0] == 0x20
      && bytes.dropFirst().allSatisfy { (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }
  }

  /// Prompt `index`: the prefix, the run (opening with ``openings``), then its first word again.
  func prompt(_ index: Int) -> [Int] {
    prefix + [openings[index]] + runs[index].dropFirst() + [runs[index][0]]
  }

  var description: String {
    let words = range.count == 1 ? "\(range.lowerBound)" : "\(range.lowerBound)–\(range.upperBound)"
    return "\(runs.count) \(runs.count == 1 ? "prompt" : "prompts"): a random run of \(words) "
      + "words, then its first word again (seed \(seed))"
  }
}
