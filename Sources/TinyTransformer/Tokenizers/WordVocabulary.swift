/// The demo's word-level vocabulary, whose tokens read well on screen.
///
/// A transformer never sees text, only integer token ids. This vocabulary turns text into ids
/// the way production tokenizers do in spirit, but small enough to read:
///
/// - ids `0...3` are special tokens (`<pad>`, `<bos>`, `<eos>`, `<start>`) that mark
///   sequence structure and stand for no text at all;
/// - ids `4...259` are the 256 *byte tokens*: byte `b` has id `4 + b`. They guarantee that
///   any text can be encoded, even words, scripts and emoji the word list has never seen;
/// - the remaining ids are *word pieces* such as `" quick"` or `"ing"`, taken from a fixed,
///   hand-written list, so common words cost one token each.
///
/// A leading space belongs to the word that follows it: `" quick"` is one piece. That is how
/// GPT-style tokenizers work too; it halves the token count of ordinary prose and makes
/// decoding a plain concatenation of pieces, so `decode(encode(s)) == s` holds exactly.
struct WordVocabulary: Sendable, Equatable {
  static let specialPieces = ["<pad>", "<bos>", "<eos>", "<start>"]
  static let firstByteToken = 4
  static let firstWordToken = 260

  /// The UTF-8 bytes of each word piece; token `firstWordToken + i` stands for `wordPieces[i]`.
  let wordPieces: [[UInt8]]
  /// Word piece bytes to token id; keyed by slices so lookups never copy the input.
  let idsByPiece: [ArraySlice<UInt8>: Int]
  /// The byte length of the longest word piece, which bounds every prefix search.
  let longestPiece: Int

  /// Builds a vocabulary from words (each added as `"word"` and `" word"`) and starters.
  ///
  /// Single-byte pieces such as `"a"` or `"."` are skipped: their byte tokens already stand
  /// for them, and two ids for the same text would make decoding ambiguous.
  init(words: [String], starters: [String]) {
    var pieces: [[UInt8]] = []
    for word in words + starters {
      for variant in [word, " " + word] where variant.utf8.count > 1 {
        pieces.append(Array(variant.utf8))
      }
    }
    var ids: [ArraySlice<UInt8>: Int] = [:]
    for (offset, piece) in pieces.enumerated() where ids[piece[...]] == nil {
      ids[piece[...]] = Self.firstWordToken + offset
    }
    wordPieces = pieces
    idsByPiece = ids
    longestPiece = pieces.map(\.count).max() ?? 1
  }

  /// The number of distinct token ids, specials and byte tokens included.
  var count: Int { Self.firstWordToken + wordPieces.count }

  /// Cuts the text into chunks (a word with the one space before it, or one other
  /// character) and covers each chunk with pieces; see ``Tokenizer/encode(_:)``.
  func encode(_ text: String) -> [Int] {
    var tokens: [Int] = []
    for chunk in Self.chunks(of: text) {
      appendTokens(for: chunk, to: &tokens)
    }
    return tokens
  }

  /// Concatenates the bytes of each piece; specials and unknown ids add nothing.
  func decode(_ tokens: [Int]) -> String {
    var bytes: [UInt8] = []
    for token in tokens {
      bytes.append(contentsOf: self.bytes(of: token))
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// The raw piece a token stands for; see ``Tokenizer/piece(of:)``.
  func piece(of token: Int) -> String {
    switch token {
    case 0..<Self.firstByteToken:
      return Self.specialPieces[token]
    case Self.firstByteToken..<Self.firstWordToken:
      return Tokenizer.byteText(UInt8(token - Self.firstByteToken))
    case Self.firstWordToken..<count:
      return String(decoding: wordPieces[token - Self.firstWordToken], as: UTF8.self)
    default:
      return Tokenizer.unknownPiece(token)
    }
  }

  /// A short label for a screen; see ``Tokenizer/label(of:ascii:)``.
  func label(of token: Int, ascii: Bool) -> String {
    switch token {
    case 0..<Self.firstByteToken:
      return Self.specialPieces[token]
    case Self.firstByteToken..<Self.firstWordToken:
      return Tokenizer.byteLabel(UInt8(token - Self.firstByteToken), ascii: ascii)
    case Self.firstWordToken..<count:
      return Tokenizer.pieceLabel(piece(of: token), ascii: ascii)
    default:
      return Tokenizer.unknownPiece(token)
    }
  }

  // MARK: - Helpers

  /// The UTF-8 bytes a token decodes to; specials and unknown ids have none.
  func bytes(of token: Int) -> [UInt8] {
    switch token {
    case Self.firstByteToken..<Self.firstWordToken:
      return [UInt8(token - Self.firstByteToken)]
    case Self.firstWordToken..<count:
      return wordPieces[token - Self.firstWordToken]
    default:
      return []
    }
  }

  /// Encodes one chunk: the whole chunk if it is a piece, else greedy longest-prefix matching.
  func appendTokens(for chunk: [UInt8], to tokens: inout [Int]) {
    if chunk.count > 1, let id = idsByPiece[chunk[...]] {
      tokens.append(id)
      return
    }
    var start = 0
    while start < chunk.count {
      var length = min(longestPiece, chunk.count - start)
      var match: Int?
      while length > 1, match == nil {
        match = idsByPiece[chunk[start..<start + length]]
        if match == nil { length -= 1 }
      }
      if let match {
        tokens.append(match)
        start += length
      } else {
        tokens.append(Self.firstByteToken + Int(chunk[start]))
        start += 1
      }
    }
  }

  /// Cuts text into the chunks that `encode` looks up, as UTF-8 bytes.
  ///
  /// Concatenating the chunks gives back the text exactly, which is what makes the round trip
  /// exact: in a run of spaces before a word, only the last space joins the word.
  static func chunks(of text: String) -> [[UInt8]] {
    let scalars = Array(text.unicodeScalars)
    var chunks: [[UInt8]] = []
    var start = 0
    while start < scalars.count {
      var end = start + 1
      let followedByWord = end < scalars.count && isWordScalar(scalars[end])
      if isWordScalar(scalars[start]) || (scalars[start] == " " && followedByWord) {
        while end < scalars.count, isWordScalar(scalars[end]) { end += 1 }
      }
      var bytes: [UInt8] = []
      for scalar in scalars[start..<end] {
        UTF8.encode(scalar) { bytes.append($0) }
      }
      chunks.append(bytes)
      start = end
    }
    return chunks
  }

  /// Whether a scalar continues a word: any letter or number, or a combining mark.
  ///
  /// Marks count so that a decomposed "é" (e + U+0301) stays inside its word's chunk.
  static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.properties.generalCategory {
    case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
      .decimalNumber, .letterNumber, .otherNumber, .nonspacingMark, .spacingMark,
      .enclosingMark:
      return true
    default:
      return false
    }
  }
}
