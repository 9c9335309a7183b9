import Foundation

extension SentencePieceVocabulary {
  /// Parses a llama2.c `tokenizer.bin` that must hold exactly `vocabularySize` tokens.
  ///
  /// Layout: `int32 maxTokenLength`, then per token `float32 score`, `int32 length`, and
  /// `length` bytes. The file does not store its token count; llama2.c takes it from the
  /// checkpoint and ignores anything after. kvtrace reads on to the end instead, to tell a
  /// tokenizer made for another model (a different number of tokens) from a damaged file.
  /// Nothing is allocated beyond what the file's own bytes can hold.
  init(_ data: Data, vocabularySize: Int) throws(TokenizerError) {
    var reader = ByteReader(data)
    guard let maxTokenLength = reader.int32() else {
      throw .truncatedHeader(byteCount: data.count)
    }
    guard (1...TokenizerError.maxTokenLengthLimit).contains(maxTokenLength) else {
      throw .invalidMaxTokenLength(maxTokenLength)
    }
    var pieces: [[UInt8]] = []
    var scores: [Float] = []
    // Every entry takes at least 8 bytes, which bounds what the file can really hold.
    pieces.reserveCapacity(min(max(vocabularySize, 0), reader.remaining / 8))
    scores.reserveCapacity(pieces.capacity)
    var found = 0
    var endOfVocabulary = vocabularySize == 0 ? reader.offset : nil
    while reader.remaining > 0 {
      let entry = Self.readEntry(&reader, maxTokenLength: maxTokenLength)
      switch entry {
      case .piece(let piece, let score):
        if found < vocabularySize {
          pieces.append(piece)
          scores.append(score)
        }
        found += 1
        if found == vocabularySize { endOfVocabulary = reader.offset }
      case .truncated, .invalidLength:
        if let end = endOfVocabulary {
          throw .trailingBytes(count: data.count - end, vocabularySize: vocabularySize)
        }
        if case .invalidLength(let length) = entry {
          throw .invalidPieceLength(
            token: found, length: length, maxTokenLength: maxTokenLength)
        }
        throw .truncated(token: found, vocabularySize: vocabularySize)
      }
    }
    guard found == vocabularySize else {
      throw .vocabularyMismatch(tokenizer: found, checkpoint: vocabularySize)
    }
    try Self.checkByteTokens(pieces)
    self.init(pieces: pieces, scores: scores)
  }

  /// What one entry of the file turned out to be.
  private enum Entry {
    case piece([UInt8], score: Float)
    case truncated
    case invalidLength(Int)
  }

  /// Reads a score, a length and that many bytes.
  private static func readEntry(_ reader: inout ByteReader, maxTokenLength: Int) -> Entry {
    guard let score = reader.float32(), let length = reader.int32() else { return .truncated }
    guard (0...maxTokenLength).contains(length) else { return .invalidLength(length) }
    guard let piece = reader.bytes(length) else { return .truncated }
    return .piece(piece, score: score)
  }

  /// Checks that ids 3…258 are the byte tokens `<0x00>`…`<0xFF>`, which byte fallback
  /// (id = byte + 3, as llama2.c computes it) relies on.
  private static func checkByteTokens(_ pieces: [[UInt8]]) throws(TokenizerError) {
    guard pieces.count >= firstTextToken else { throw .tooFewTokens(pieces.count) }
    for byte in 0...255 {
      let id = firstByteToken + byte
      let expected = Array(Tokenizer.hexName(of: UInt8(byte)).utf8)
      guard pieces[id] == expected else {
        let found = String(decoding: pieces[id].prefix(24), as: UTF8.self)
        throw .missingByteToken(id: id, found: found)
      }
    }
  }
}
