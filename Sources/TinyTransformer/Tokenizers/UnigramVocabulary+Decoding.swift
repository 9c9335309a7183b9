// From ids back to text, and the piece and label of one id.

extension UnigramVocabulary {
  /// When decoding drops the `▁` that encoding put before the text.
  enum LeadingSpace: Sendable, Equatable {
    /// sentencepiece with `remove_extra_whitespaces`: from every piece while no text is out.
    case untilText
    /// sentencepiece with only `add_dummy_prefix`: from the first piece that has one.
    case once
    /// Hugging Face's Metaspace decoder: from the first token decoded.
    case firstToken
    /// Never.
    case kept
  }

  /// The text of `tokens`, as sentencepiece's `DecodeIds` (or Hugging Face's `decode` with
  /// special tokens skipped) writes it.
  ///
  /// Control pieces (`</s>`, `<pad>`) decode to nothing and `<unk>` to the file's unknown
  /// surface (sentencepiece's " ⁇ "). Runs of byte pieces are joined and read as UTF-8, each
  /// byte that starts no valid character becoming U+FFFD. `▁` becomes a space, except the one
  /// at the very start, which encoding added (the dummy prefix). Ids out of range are skipped.
  func decode(_ tokens: [Int]) -> String {
    var text: [UInt8] = []
    var bytes: [UInt8] = []
    var strippedOnce = false
    var decodedAny = false
    for id in tokens where (0..<count).contains(id) {
      if types[id] == .byte, let byte = Self.byteValue(of: pieceText(id)) {
        bytes.append(byte)
        continue
      }
      Self.appendBytes(&bytes, to: &text)
      switch types[id] {
      case .control: continue
      case .unknown:
        text += Array(unknownSurface.utf8)
        continue
      default: break
      }
      var piece = pieces[id][...]
      let strips =
        switch leadingSpace {
        case .untilText: text.isEmpty
        case .once: text.isEmpty && !strippedOnce
        case .firstToken: !decodedAny
        case .kept: false
        }
      if strips, piece.starts(with: SentencePieceNormalizer.spaceSymbol) {
        piece = piece.dropFirst(3)
        strippedOnce = true
      }
      decodedAny = true
      text += Self.unescapingSpaces(piece)
    }
    Self.appendBytes(&bytes, to: &text)
    return String(decoding: text, as: UTF8.self)
  }

  /// `piece` with every `▁` turned back into a space.
  static func unescapingSpaces(_ piece: ArraySlice<UInt8>) -> [UInt8] {
    var out: [UInt8] = []
    var index = piece.startIndex
    while index < piece.endIndex {
      if piece[index...].starts(with: SentencePieceNormalizer.spaceSymbol) {
        out.append(0x20)
        index += 3
      } else {
        out.append(piece[index])
        index += 1
      }
    }
    return out
  }

  /// Appends pending byte pieces as UTF-8, one U+FFFD per byte that starts no valid
  /// character (as sentencepiece does), and empties them.
  static func appendBytes(_ bytes: inout [UInt8], to text: inout [UInt8]) {
    var index = 0
    while index < bytes.count {
      let length = SentencePieceNormalizer.characterLength(bytes[index])
      let end = index + length
      if end <= bytes.count, String(validating: bytes[index..<end], as: UTF8.self) != nil {
        text += bytes[index..<end]
        index = end
      } else {
        text += [0xEF, 0xBF, 0xBD]
        index += 1
      }
    }
    bytes = []
  }

  /// The stored text of a piece (with `▁`).
  func pieceText(_ id: Int) -> String { String(decoding: pieces[id], as: UTF8.self) }

  /// The piece of `token` as text: `▁` shown as a space, a byte piece as its byte (ASCII) or
  /// its hex name, a control piece by its name (`</s>`).
  func piece(of token: Int) -> String {
    guard (0..<count).contains(token) else { return Tokenizer.unknownPiece(token) }
    if types[token] == .byte, let byte = Self.byteValue(of: pieceText(token)) {
      return Tokenizer.byteText(byte)
    }
    if types[token] == .control || types[token] == .unknown { return pieceText(token) }
    return String(decoding: Self.unescapingSpaces(pieces[token][...]), as: UTF8.self)
  }

  /// A short visible label: as ``piece(of:)``, without its leading space, escaped.
  func label(of token: Int, ascii: Bool) -> String {
    guard (0..<count).contains(token) else { return Tokenizer.unknownPiece(token) }
    if types[token] == .byte, let byte = Self.byteValue(of: pieceText(token)) {
      return Tokenizer.byteLabel(byte, ascii: ascii)
    }
    return Tokenizer.pieceLabel(piece(of: token), ascii: ascii)
  }
}
