import TinyTransformer

/// A seeded, endless supply of summarization pairs in the spirit of the seed sentence:
/// "summarize: My friends are cool but they eat too many carbs." → "My friends eat too many
/// carbs."
///
/// Pair `i` of a split is written from its own generator, `SplitMix64` seeded with a mix of
/// the corpus seed, the split and `i`, so any pair can be made alone, in any order, on any
/// machine, with the same words. The training split (``Split/training``) and the held-out
/// validation split (``Split/validation``) come from the same templates and word lists with
/// different seeds: the validation loss measures how well the model learned the *rule*
/// (copy the subject and the fact, drop the rest), since it has almost never seen the exact
/// sentence. Nothing is downloaded.
///
/// Every summary is a subsequence of its sentence's words: the model never has to invent a
/// word, only to decide which source word comes next, which is what makes its
/// cross-attention point at the word it copies.
public struct SummaryCorpus: Sendable {
  /// Which half of the data a pair belongs to.
  public enum Split: UInt64, Sendable {
    /// The pairs the model trains on.
    case training = 1
    /// Held-out pairs for measuring the model.
    case validation = 2
  }

  /// The seed every pair's generator is derived from.
  public let seed: UInt64
  /// The half of the data this corpus writes.
  public let split: Split

  /// A corpus of the pairs of `split` under `seed`.
  public init(seed: UInt64, split: Split) {
    self.seed = seed
    self.split = split
  }

  /// Pair number `index` (from 0) of the split.
  public func pair(_ index: Int) -> SummaryPair {
    var mixer = SplitMix64(seed: seed ^ (split.rawValue &* 0x9E37_79B9_7F4A_7C15))
    var generator = SplitMix64(seed: mixer.next() &+ UInt64(index) &* 0xBF58_476D_1CE4_E5B9)
    return SummaryWriter.write(SummaryWriter.draw(&generator))
  }

  /// The pairs of training step `step`: `size` consecutive pairs, `step × size` onward.
  public func pairs(step: Int, size: Int) -> [SummaryPair] {
    (0..<size).map { pair(step * size + $0) }
  }

  /// The token ids of a pair as an encoder-decoder trains on them with `tokenizer`.
  ///
  /// The source is the encoded `summarize: …` sentence followed by the end-of-sequence token
  /// (T5 appends `</s>` to every input); the target is the encoded summary, to which the
  /// trainer adds the start token in front (the decoder's inputs) and the end-of-sequence
  /// token behind (its labels).
  public static func tokens(
    of pair: SummaryPair, tokenizer: Tokenizer
  ) -> TokenPair {
    TokenPair(
      source: tokenizer.encode(pair.source) + [Tokenizer.eosToken],
      target: tokenizer.encode(pair.summary))
  }
}

/// A source and a target as token ids: one training example of an encoder-decoder.
public struct TokenPair: Sendable, Equatable {
  /// What the encoder reads, ending with the end-of-sequence token.
  public var source: [Int]
  /// What the decoder learns to write, without start or end token.
  public var target: [Int]

  /// A pair of `source` and `target` ids.
  public init(source: [Int], target: [Int]) {
    self.source = source
    self.target = target
  }
}
