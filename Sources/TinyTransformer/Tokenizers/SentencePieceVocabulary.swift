/// A llama2.c vocabulary: SentencePiece pieces with scores, encoded as llama2.c's `run.c` does.
///
/// The layout is fixed by SentencePiece with byte fallback: id 0 is `<unk>`, 1 is `<s>`
/// (beginning of sequence), 2 is `</s>`, ids 3…258 are the byte tokens `<0x00>`…`<0xFF>`
/// (byte `b` has id `b + 3`), and the rest are text pieces such as `" Once"` or `"ing"`.
///
/// Encoding is *greedy merging by score*: start from one token per character and repeatedly
/// merge the adjacent pair whose concatenation is the best-scoring piece. The scores were
/// learned with the vocabulary (roughly: how often the piece occurred), so common words end up
/// as one token and rare ones as several.
struct SentencePieceVocabulary: Sendable, Equatable {
  /// The names of ids 0, 1 and 2, which stand for no text.
  static let specialPieces = ["<unk>", "<s>", "</s>"]
  /// The id of byte 0's token; byte `b` has id `firstByteToken + b`.
  static let firstByteToken = 3
  /// The id after the last byte token.
  static let firstTextToken = firstByteToken + 256
  /// The score no merge can beat: llama2.c starts its search for the best pair here.
  static let worstMergeScore: Float = -1e10

  /// The stored bytes of every piece, indexed by id, exactly as in the file.
  let pieces: [[UInt8]]
  /// The score of every piece; a higher score merges first.
  let scores: [Float]
  /// Piece bytes to id; where two ids share a piece, the lower id.
  let ids: [PieceKey: Int]
  /// The most bytes any piece stores (at least 1): what bounds a text's token count.
  let longestPiece: Int

  /// A vocabulary from pieces and scores already checked by the loader.
  init(pieces: [[UInt8]], scores: [Float]) {
    var ids: [PieceKey: Int] = [:]
    ids.reserveCapacity(pieces.count)  // one table, never grown and rehashed as it fills
    var longest = 1
    for (id, piece) in pieces.enumerated().reversed() {  // a lower id overwrites a higher
      longest = max(longest, piece.count)
      ids[PieceKey(piece)] = id
    }
    self.pieces = pieces
    self.scores = scores
    self.ids = ids
    longestPiece = longest
  }

  /// The number of token ids.
  var count: Int { pieces.count }

  /// `<s>`, the dummy-prefix space, one token per character (or per byte), then merges.
  func encode(_ text: String) -> [Int] {
    var tokens = [Tokenizer.bosToken]
    if !text.isEmpty {
      // SentencePiece's dummy prefix: the first word gets a space like every other word.
      tokens.append(ids[PieceKey([0x20])] ?? Self.firstByteToken + 0x20)
    }
    var character: [UInt8] = []
    for scalar in text.unicodeScalars {
      character.removeAll(keepingCapacity: true)
      UTF8.encode(scalar) { character.append($0) }
      if let id = ids[PieceKey(character)] {
        tokens.append(id)
      } else {
        // Byte fallback: a character the vocabulary lacks becomes its UTF-8 bytes.
        tokens += character.map { Self.firstByteToken + Int($0) }
      }
    }
    mergeBestPairs(&tokens)
    return tokens
  }

  /// The pieces' bytes joined: specials add nothing, byte tokens add their byte, and a piece
  /// right after `<s>` loses its leading space (the dummy prefix).
  func decode(_ tokens: [Int]) -> String {
    var bytes: [UInt8] = []
    var previous: Int?
    for token in tokens {
      defer { previous = token }
      if let byte = byte(of: token) {
        bytes.append(byte)
        continue
      }
      guard (Self.firstTextToken..<count).contains(token) else { continue }
      var piece = pieces[token][...]
      if previous == Tokenizer.bosToken, piece.first == 0x20 { piece = piece.dropFirst() }
      bytes += piece
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// The byte a byte token stands for, or `nil` for any other id.
  func byte(of token: Int) -> UInt8? {
    guard (Self.firstByteToken..<Self.firstTextToken).contains(token) else { return nil }
    return UInt8(token - Self.firstByteToken)
  }

  /// The piece as text; see ``Tokenizer/piece(of:)``.
  func piece(of token: Int) -> String {
    if let byte = byte(of: token) { return Tokenizer.byteText(byte) }
    switch token {
    case 0..<Self.firstByteToken: return Self.specialPieces[token]
    case Self.firstTextToken..<count: return String(decoding: pieces[token], as: UTF8.self)
    default: return Tokenizer.unknownPiece(token)
    }
  }

  /// A label for a screen; see ``Tokenizer/label(of:ascii:)``.
  func label(of token: Int, ascii: Bool) -> String {
    if let byte = byte(of: token) { return Tokenizer.byteLabel(byte, ascii: ascii) }
    switch token {
    case 0..<Self.firstByteToken: return Self.specialPieces[token]
    case Self.firstTextToken..<count: return Tokenizer.pieceLabel(piece(of: token), ascii: ascii)
    default: return Tokenizer.unknownPiece(token)
    }
  }
}

/// A piece's bytes as a dictionary key, hashed in one pass over the bytes.
///
/// `[UInt8]` hashes its elements one by one, a call per byte; loading a 32,000-piece
/// vocabulary spent nearly as long hashing its pieces as reading the file.
struct PieceKey: Hashable, Sendable {
  /// The piece's bytes.
  let bytes: [UInt8]

  init(_ bytes: [UInt8]) { self.bytes = bytes }

  func hash(into hasher: inout Hasher) {
    bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
  }
}
