/// A small word-level tokenizer whose tokens read well on screen.
///
/// A transformer never sees text, only integer token ids. This tokenizer turns text into ids
/// the way production tokenizers do in spirit, but with a vocabulary small enough to read:
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
public struct Tokenizer: Sendable, Equatable {
  /// The padding token, id 0.
  ///
  /// Padding fills unused positions when sequences of different lengths share a batch; it
  /// decodes to the empty string.
  public static let padToken = 0

  /// The beginning-of-sequence token, id 1.
  ///
  /// Decoder-only models usually see it first, so the very first real token still has a
  /// position to attend from. It decodes to the empty string.
  public static let bosToken = 1

  /// The end-of-sequence token, id 2.
  ///
  /// A model emits it to say "I am done"; generation loops stop when they sample it. It
  /// decodes to the empty string.
  public static let eosToken = 2

  /// The decoder start token for encoder-decoder models, id 3.
  ///
  /// In a T5-style model the decoder has no prompt of its own, so generation begins from this
  /// token while cross-attention reads the encoder's output. It decodes to the empty string.
  public static let startToken = 3

  /// The built-in vocabulary used by kvtrace's demo model.
  ///
  /// It holds the specials, the 256 byte tokens, and a few hundred common English words in
  /// both their bare and space-prefixed forms, so prompts such as
  /// "The quick brown fox jumps over the lazy dog." encode one word per token.
  public static let demo = Tokenizer(words: demoWords, starters: demoStarters)

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
  ///
  /// Valid ids are `0..<vocabularySize`; a model's embedding table and output layer need
  /// exactly this many rows.
  public var vocabularySize: Int { Self.firstWordToken + wordPieces.count }

  /// Splits text into token ids. Never fails for any String.
  ///
  /// The text is first cut into chunks: a run of letters, digits and combining marks together
  /// with at most one space right before it (`" quick"`), each other character on its own
  /// (punctuation, symbols, newlines, tabs, and any space not followed by a word). A chunk
  /// that is a vocabulary piece becomes one token. Otherwise the chunk's UTF-8 bytes are
  /// covered greedily by the longest matching piece (`" jumping"` becomes `" jump"`, `"ing"`),
  /// and a byte no piece starts with becomes its byte token. Text in other scripts, emoji and
  /// rare words therefore still encode, just in more tokens. The empty string gives `[]`.
  public func encode(_ text: String) -> [Int] {
    var tokens: [Int] = []
    for chunk in Self.chunks(of: text) {
      appendTokens(for: chunk, to: &tokens)
    }
    return tokens
  }

  /// Joins tokens back into text. `decode(encode(s)) == s` for every String s.
  ///
  /// Decoding concatenates the bytes of each piece, so the round trip is exact, byte for byte.
  /// Special tokens decode to `""` and ids outside `0..<vocabularySize` are skipped. An
  /// arbitrary sequence of byte tokens (say, a model sampling `<0xE2>` alone) may not be valid
  /// UTF-8; such bytes are repaired to U+FFFD rather than crashing.
  public func decode(_ tokens: [Int]) -> String {
    var bytes: [UInt8] = []
    for token in tokens {
      bytes.append(contentsOf: self.bytes(of: token))
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// The raw piece a token stands for, e.g. `" quick"` with its leading space.
  ///
  /// Specials give their name (`"<bos>"`). A byte token gives its byte as a one-character
  /// string if it is ASCII (`"."`, `"\n"`), otherwise a hex name such as `"<0xE2>"`, since
  /// half of a UTF-8 character is not text on its own. Ids out of range give `"<unk:ID>"`.
  public func piece(of token: Int) -> String {
    switch token {
    case 0..<Self.firstByteToken:
      return Self.specialPieces[token]
    case Self.firstByteToken..<Self.firstWordToken:
      let byte = UInt8(token - Self.firstByteToken)
      return byte < 0x80 ? String(Unicode.Scalar(byte)) : Self.hexName(of: byte)
    case Self.firstWordToken..<vocabularySize:
      return String(decoding: wordPieces[token - Self.firstWordToken], as: UTF8.self)
    default:
      return "<unk:\(token)>"
    }
  }

  /// A short label for a screen, such as `"quick"` for the piece `" quick"`.
  ///
  /// The leading space is dropped because a table of tokens already separates them visually.
  /// Whitespace-only pieces would be invisible, so they get symbols: `"␣"` for a space,
  /// `"↵"` for a newline and `"⇥"` for a tab; other control bytes and non-ASCII bytes show as
  /// `"<0xNN>"`. With `ascii: true` the result is pure ASCII for terminals that need it:
  /// `"_"`, `"\\n"` and `"\\t"`, and any non-ASCII character becomes `"<U+00E9>"`-style.
  /// Ids out of range give `"<unk:ID>"`.
  public func label(of token: Int, ascii: Bool = false) -> String {
    switch token {
    case 0..<Self.firstByteToken:
      return Self.specialPieces[token]
    case Self.firstByteToken..<Self.firstWordToken:
      let byte = UInt8(token - Self.firstByteToken)
      if byte >= 0x80 { return Self.hexName(of: byte) }
      return Self.visible(Unicode.Scalar(byte), ascii: ascii)
    case Self.firstWordToken..<vocabularySize:
      var shown = Substring(piece(of: token))
      if shown.first == " ", !shown.allSatisfy(\.isWhitespace) { shown = shown.dropFirst() }
      return shown.unicodeScalars.map { Self.visible($0, ascii: ascii) }.joined()
    default:
      return "<unk:\(token)>"
    }
  }

  // MARK: - Helpers

  /// The UTF-8 bytes a token decodes to; specials and unknown ids have none.
  func bytes(of token: Int) -> [UInt8] {
    switch token {
    case Self.firstByteToken..<Self.firstWordToken:
      return [UInt8(token - Self.firstByteToken)]
    case Self.firstWordToken..<vocabularySize:
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

  /// A printable stand-in for one scalar of a label.
  static func visible(_ scalar: Unicode.Scalar, ascii: Bool) -> String {
    switch scalar {
    case " ": return ascii ? "_" : "␣"
    case "\n": return ascii ? "\\n" : "↵"
    case "\t": return ascii ? "\\t" : "⇥"
    default: break
    }
    if scalar.value < 0x20 || scalar.value == 0x7F {
      return hexName(of: UInt8(scalar.value))
    }
    if ascii && !scalar.isASCII {
      return "<U+" + hex(scalar.value, width: 4) + ">"
    }
    return String(scalar)
  }

  /// The name of a byte token, e.g. `"<0xE2>"`.
  static func hexName(of byte: UInt8) -> String {
    "<0x" + hex(UInt32(byte), width: 2) + ">"
  }

  /// Uppercase hexadecimal, zero-padded to at least `width` digits.
  static func hex(_ value: UInt32, width: Int) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
  }
}
