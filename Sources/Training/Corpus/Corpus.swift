import TinyTransformer

/// The text kvtrace trains its demo model on, written by a program instead of downloaded.
///
/// A transformer learns to predict the next token; what it learns depends on what pays off in
/// its data. This corpus is built so that *copying from context* pays:
///
/// - short stories in the spirit of TinyStories, from templates and word lists, in which the
///   same names and phrases come back ("Lily", "the red ball", a line said twice), so the
///   best guess is often a word seen earlier in the same text;
/// - the pangram "The quick brown fox jumps over the lazy dog." and variants of it, which
///   kvtrace's demo uses as its prompt;
/// - in (by default) every sample, a *run* of 8–20 random words that comes back verbatim later
///   in the text. Random words cannot be guessed from grammar, only copied: to predict the
///   second occurrence, the model must find the earlier copy of the current word in its cache
///   and read the word that followed it. The two attention heads that learn this (one that
///   looks at the previous token, and an *induction head* that uses it) are the lesson the
///   trained model teaches; the training notes measure how the share of repeats and the size
///   of the run words' pool decide how soon they form.
///
/// Every word is one whole-word token of ``TinyTransformer/Tokenizer/demo``. No text is
/// downloaded, so there is nothing to license and the same seed gives the same bytes on every
/// machine: a sample is a pure function of (seed, split, options, step, index, length).
///
/// **Seeds.** The training batches use ``Split/training`` and the held-out batches
/// ``Split/validation`` of the same seed: two different streams of the same generator (each
/// sample's own seed mixes in the split, 1 or 2), so no validation document is a training one
/// except by chance.
public struct Corpus: TrainingData, Equatable {
  /// Which of the corpus's two streams of documents to draw from.
  public enum Split: UInt64, Sendable, Equatable, Codable {
    /// The documents the model learns from (stream 1).
    case training = 1
    /// The held-out documents its loss is measured on (stream 2). Their runs always draw
    /// from every word, whatever the step: the curriculum only eases training.
    case validation = 2
  }

  /// The seed of every document (the training recipe's seed).
  public let seed: UInt64
  /// The stream the documents come from.
  public let split: Split
  /// The knobs: repeats, run lengths, curriculum, pangrams.
  public let options: CorpusOptions

  /// A corpus of the given seed and split.
  public init(seed: UInt64, split: Split = .training, options: CorpusOptions = CorpusOptions()) {
    self.seed = seed
    self.split = split
    self.options = options
  }

  /// Every distinct word the corpus uses, in the order the curriculum adds them to the pool
  /// of run words (the stories use some of them far more often than others).
  public static var words: [String] { Lexicon.runPool }

  /// `size` documents, each cut to its first `length + 1` tokens.
  ///
  /// Each sequence is the start of a fresh document (no `<bos>`: kvtrace does not prepend one
  /// when it decodes), so the model learns to read a prompt from its first token. Sample `i`
  /// does not depend on `size`: a larger batch only adds documents.
  ///
  /// - Parameters:
  ///   - step: The training step; it picks the documents and, with a curriculum, the pool.
  ///   - size: How many sequences (none if not positive).
  ///   - length: The trainer's sequence length; each sequence has `length + 1` tokens.
  /// - Returns: Token ids of ``TinyTransformer/Tokenizer/demo``.
  public func batch(step: Int, size: Int, length: Int) -> [[Int]] {
    (0..<max(0, size)).map { sample(step: step, index: $0, length: length) }
  }

  /// One sequence of a batch: `length + 1` tokens (at least one) of document `index`.
  public func sample(step: Int, index: Int, length: Int) -> [Int] {
    document(step: step, index: index, length: length).tokens
  }

  /// The text of one sample, for people to read: ``sample(step:index:length:)`` decoded.
  public func text(step: Int, index: Int, length: Int) -> String {
    Tokenizer.demo.decode(sample(step: step, index: index, length: length))
  }

  /// The seed of one document: the corpus seed, split, step and index, each mixed in by a
  /// full SplitMix64 round, so that neighboring steps or indices give unrelated documents.
  static func documentSeed(seed: UInt64, split: Split, step: Int, index: Int) -> UInt64 {
    var mixed = seed
    for part in [split.rawValue, UInt64(bitPattern: Int64(step)), UInt64(bitPattern: Int64(index))]
    {
      var generator = SplitMix64(seed: mixed ^ part)
      mixed = generator.next()
    }
    return mixed
  }
}
