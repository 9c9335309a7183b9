/// A SentencePiece Unigram vocabulary, as T5 uses it: pieces with log-probability scores,
/// a normalizer, and segmentation by Viterbi.
///
/// A Unigram model treats a text as a sequence of independent pieces, each with a learned
/// score (its log probability). Of all the ways to cut the normalized text into pieces of
/// the vocabulary, encoding picks the one whose scores add up highest; Viterbi's dynamic
/// programme finds it in one pass, keeping for every byte position the best path that ends
/// there. It is read from SentencePiece's `spiece.model` or from a Hugging Face
/// `tokenizer.json` of model type `Unigram`; the two differ in small, documented ways (the
/// arithmetic of the scores, the normalizer's grapheme handling), kept in ``flavor``.
struct UnigramVocabulary: Sendable, Equatable {
  typealias PieceType = SentencePieceModelFile.PieceType

  /// Which library's behaviour encoding reproduces.
  enum Flavor: Sendable, Equatable {
    /// sentencepiece: scores summed in `Float`, only normal pieces set the unknown score.
    case sentencePiece(SentencePieceNormalizer)
    /// Hugging Face `tokenizers`: scores in `Double`, every piece in the lattice.
    case huggingFace(HuggingFacePipeline)
  }

  /// Every piece's UTF-8 bytes, with `▁` for a space, indexed by id.
  let pieces: [[UInt8]]
  let scores: [Float]
  let types: [PieceType]
  /// The pieces the segmentation may choose, by their bytes.
  let matchable: [ArraySlice<UInt8>: Int]
  /// The longest matchable piece, in bytes.
  let longestPiece: Int
  /// The score an unknown character costs: the lowest piece score minus 10.
  let unknownScore: Double
  let byteFallback: Bool
  /// The id of byte `b`'s piece `<0xBB>`, where the vocabulary has one.
  let byteIDs: [UInt8: Int]
  let specials: SpecialTokens
  /// What the unknown piece decodes to: sentencepiece's " ⁇ ", or "" for Hugging Face.
  let unknownSurface: String
  /// When decoding drops the space that encoding put before the text.
  let leadingSpace: LeadingSpace
  let flavor: Flavor

  /// The special ids a file names (absent ones are `nil`).
  struct SpecialTokens: Sendable, Equatable {
    var padding: Int?
    var beginning: Int?
    var end: Int?
    var unknown: Int
  }

  /// The number of ids.
  var count: Int { pieces.count }

  /// A vocabulary from checked parts; `matchable` is every piece of the given types.
  init(
    pieces: [(text: String, score: Float, type: PieceType)], specials: SpecialTokens,
    byteFallback: Bool, unknownSurface: String, leadingSpace: LeadingSpace, flavor: Flavor
  ) {
    self.pieces = pieces.map { Array($0.text.utf8) }
    scores = pieces.map(\.score)
    types = pieces.map(\.type)
    var matchable: [ArraySlice<UInt8>: Int] = [:]
    var byteIDs: [UInt8: Int] = [:]
    for (id, piece) in self.pieces.enumerated() {
      if Self.isMatchable(types[id], flavor), matchable[piece[...]] == nil {
        matchable[piece[...]] = id
      }
      if let byte = Self.byteValue(of: pieces[id].text), byteIDs[byte] == nil,
        types[id] == .byte || { if case .huggingFace = flavor { true } else { false } }()
      {
        byteIDs[byte] = id
      }
    }
    self.matchable = matchable
    self.byteIDs = byteIDs
    longestPiece = matchable.keys.map(\.count).max() ?? 0
    let scoring = zip(scores, types).filter { Self.setsUnknownScore($0.1, flavor) }.map(\.0)
    unknownScore = Self.unknownScore(minimum: scoring.min(), flavor)
    self.specials = specials
    self.byteFallback = byteFallback
    self.unknownSurface = unknownSurface
    self.leadingSpace = leadingSpace
    self.flavor = flavor
  }

  /// sentencepiece puts normal, user-defined and unused pieces in its trie (unused ones are
  /// then never chosen); Hugging Face puts every piece.
  private static func isMatchable(_ type: PieceType, _ flavor: Flavor) -> Bool {
    switch flavor {
    case .sentencePiece: type == .normal || type == .userDefined
    case .huggingFace: true
    }
  }

  /// sentencepiece takes the lowest score of the normal pieces; Hugging Face of all.
  private static func setsUnknownScore(_ type: PieceType, _ flavor: Flavor) -> Bool {
    if case .sentencePiece = flavor { type == .normal } else { true }
  }

  /// The lowest score minus sentencepiece's unknown penalty of 10, in each library's type.
  private static func unknownScore(minimum: Float?, _ flavor: Flavor) -> Double {
    switch flavor {
    case .sentencePiece: Double((minimum ?? Float.greatestFiniteMagnitude) - Float(10))
    case .huggingFace: Double(minimum ?? 0) - 10
    }
  }

  /// The byte a piece named like `<0x41>` stands for.
  static func byteValue(of piece: String) -> UInt8? {
    let scalars = Array(piece.utf8)
    guard scalars.count == 6, piece.hasPrefix("<0x"), piece.hasSuffix(">"),
      scalars[3..<5].allSatisfy({ Character(Unicode.Scalar($0)).isHexDigit })
    else { return nil }
    return UInt8(String(decoding: scalars[3..<5], as: UTF8.self), radix: 16)
  }
}
