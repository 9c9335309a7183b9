import Foundation

/// A byte-level BPE vocabulary, GPT-2's kind, as SmolLM2, Llama 3 and Qwen2 use it.
///
/// Text is cut into words by a pre-tokenizer, each word is written as UTF-8 bytes, and each
/// byte starts as its own token (every byte has one, so nothing is ever unknown). Then the
/// *merges*, a ranked list of pairs learned in training, are applied: again and again the
/// adjacent pair with the best (lowest) rank becomes the one token that spells both, until
/// no adjacent pair is in the list. Special tokens (`<|im_start|>`) are found whole in the
/// text first and never merged.
struct BytePairVocabulary: Sendable, Equatable {
  /// What a merge of two adjacent tokens gives: its rank (0 is merged first) and its id.
  struct Merge: Sendable, Equatable {
    var rank: Int32
    var id: Int32
  }

  /// The special ids a file names (absent ones are `nil`).
  struct SpecialTokens: Sendable, Equatable {
    var padding: Int?
    var beginning: Int?
    var end: Int?
    var unknown: Int?
  }

  /// Every token's bytes, indexed by id: the bytes its alphabet spelling stands for, or the
  /// UTF-8 text of a special token.
  let pieces: [[UInt8]]
  /// Whether each token is special: found whole in the text, shown as its text.
  let isSpecial: [Bool]
  /// The id of each byte value's single-byte token, or `nil` where the vocabulary has none.
  let byteIDs: [Int?]
  /// The merges, keyed by the two ids (`left << 32 | right`).
  let merges: [UInt64: Merge]
  /// Every ordinary token's id by its bytes, for vocabularies that take a whole word when
  /// it is a token (``ignoresMerges``).
  let wholeWords: [[UInt8]: Int]
  let preTokenizer: ByteLevelPreTokenizer
  /// Llama 3's `ignore_merges`: a word that is itself a token becomes that token at once.
  let ignoresMerges: Bool
  /// A space put before each stretch of text (`add_prefix_space`).
  let addsPrefixSpace: Bool
  /// Text put in Unicode normal form C first (Qwen2's `tokenizer.json` normalizer).
  let composesText: Bool
  let specials: SpecialTokens
  /// Whether encoding puts ``SpecialTokens/beginning`` first (`add_bos_token`).
  let addsBeginning: Bool
  /// The special tokens as the added-token matcher wants them.
  let splitter: HuggingFacePipeline
  let chatTemplate: String?
  /// The longest piece, in bytes.
  let longestPiece: Int
  /// The file the vocabulary was read from.
  let format: TokenizerFileProblem.Format

  /// What a trace header calls it: `GGUF byte-level BPE` or `tokenizer.json byte-level BPE`.
  var identityName: String {
    (format == .gguf ? "GGUF" : format.rawValue) + " byte-level BPE"
  }

  /// The number of ids.
  var count: Int { pieces.count }

  /// The key of a pair in ``merges``.
  static func key(_ left: Int, _ right: Int) -> UInt64 {
    UInt64(UInt32(truncatingIfNeeded: left)) << 32 | UInt64(UInt32(truncatingIfNeeded: right))
  }

  /// The options that are not arrays.
  struct Options: Sendable, Equatable {
    var preTokenizer: ByteLevelPreTokenizer
    var specials: SpecialTokens
    var addsBeginning = false
    var ignoresMerges = false
    var addsPrefixSpace = false
    var composesText = false
    var chatTemplate: String?
  }

  /// A vocabulary from its pieces in alphabet spelling, which of them are special, and the
  /// merges as pairs of spellings, best first.
  init(
    spellings: [String], special: [Bool], merges: [(String, String)], options: Options,
    format: TokenizerFileProblem.Format
  ) throws(TokenizerFileProblem) {
    guard !spellings.isEmpty else { throw .invalidModel(format, "it has no tokens") }
    var pieces: [[UInt8]] = []
    var ids: [String: Int] = [:]
    var wholeWords: [[UInt8]: Int] = [:]
    var byteIDs = [Int?](repeating: nil, count: 256)
    for (id, spelling) in spellings.enumerated() {
      let bytes = special[id] ? nil : ByteLevelAlphabet.bytes(of: spelling)
      pieces.append(bytes ?? Array(spelling.utf8))
      guard let bytes else { continue }
      if ids[spelling] == nil { ids[spelling] = id }
      if wholeWords[bytes] == nil { wholeWords[bytes] = id }
      if bytes.count == 1, byteIDs[Int(bytes[0])] == nil { byteIDs[Int(bytes[0])] = id }
    }
    var table: [UInt64: Merge] = [:]
    table.reserveCapacity(merges.count)
    for (rank, (left, right)) in merges.enumerated() {
      guard let a = ids[left], let b = ids[right], let merged = ids[left + right] else {
        throw .invalidModel(
          format, "merge \(rank) joins pieces that are not in its vocabulary: "
            + UnigramVocabulary.escaped(left + " " + right))
      }
      let key = Self.key(a, b)
      if table[key] == nil { table[key] = Merge(rank: Int32(rank), id: Int32(merged)) }
    }
    for id in [options.specials.beginning, options.specials.end, options.specials.unknown,
      options.specials.padding].compactMap({ $0 })
    where !(0..<spellings.count).contains(id) {
      throw .invalidModel(format, "special token id \(id) is outside its \(spellings.count) tokens")
    }
    self.pieces = pieces
    isSpecial = special
    self.byteIDs = byteIDs
    self.merges = table
    self.wholeWords = wholeWords
    preTokenizer = options.preTokenizer
    ignoresMerges = options.ignoresMerges
    addsPrefixSpace = options.addsPrefixSpace
    composesText = options.composesText
    specials = options.specials
    addsBeginning = options.addsBeginning && options.specials.beginning != nil
    splitter = HuggingFacePipeline(
      addedTokens: spellings.indices.filter { special[$0] && !spellings[$0].isEmpty }
        .map { HuggingFacePipeline.AddedToken(content: spellings[$0], id: $0) })
    chatTemplate = options.chatTemplate
    longestPiece = max(pieces.lazy.map(\.count).max() ?? 1, 1)
    self.format = format
  }
}
