/// The parts of a SentencePiece `ModelProto` (`spiece.model`) that encoding and decoding need.
///
/// The file is protobuf (``ProtobufReader``): field 1 repeats one `SentencePiece` per id
/// (its text, score and type), field 2 is the `TrainerSpec` (the model type, the special ids,
/// byte fallback), field 3 the `NormalizerSpec` (the precompiled normalization map and the
/// whitespace rules). Everything else, such as the training options, is skipped. Field
/// numbers and defaults are those of sentencepiece's `sentencepiece_model.proto`.
struct SentencePieceModelFile: Sendable, Equatable {
  /// What a piece is for, SentencePiece's `SentencePiece.Type`.
  enum PieceType: Int, Sendable, Equatable {
    /// Ordinary text, chosen by the segmentation by its score.
    case normal = 1
    /// The unknown piece (`<unk>`), which stands for text no piece covers.
    case unknown = 2
    /// A control symbol such as `<s>` or `</s>`: never produced from text, decodes to "".
    case control = 3
    /// A piece the user asked for, always kept whole (T5 has none).
    case userDefined = 4
    /// A piece reserved but never used by the segmentation.
    case unused = 5
    /// A byte piece `<0x41>` of byte fallback.
    case byte = 6
  }

  /// One vocabulary entry.
  struct Piece: Sendable, Equatable {
    var text: String
    var score: Float
    var type: PieceType
  }

  /// The normalization rules (`NormalizerSpec`).
  struct Normalization: Sendable, Equatable {
    /// The rule set's name, e.g. `nmt_nfkc` (for display only; the map below is the rule).
    var name = ""
    /// The precompiled character map: a double-array trie and its replacement strings.
    var charsmap: [UInt8] = []
    /// Whether a "▁" is put before the text, so the first word looks like every other.
    var addDummyPrefix = true
    /// Whether leading, trailing and repeated spaces are dropped.
    var removeExtraWhitespaces = true
    /// Whether a space is written as "▁" (U+2581).
    var escapeWhitespaces = true
  }

  /// `TrainerSpec.ModelType.UNIGRAM`, the only model type read here.
  static let unigramModelType = 1

  var pieces: [Piece] = []
  /// `TrainerSpec.model_type`: 1 Unigram, 2 BPE, 3 word, 4 char.
  var modelType = unigramModelType
  var unknownID = 0
  var beginningID = 1
  var endID = 2
  var paddingID = -1
  var byteFallback = false
  /// What `<unk>` decodes to (sentencepiece's default is " ⁇ ").
  var unknownSurface = " \u{2047} "
  var treatWhitespaceAsSuffix = false
  var normalization = Normalization()

  /// Parses a whole `spiece.model`.
  init(_ bytes: [UInt8]) throws(TokenizerFileProblem) {
    var reader = ProtobufReader(bytes)
    while !reader.isAtEnd {
      let key = try reader.key()
      switch key.number {
      case 1:
        let range = try Self.message(&reader, key, "piece \(pieces.count)")
        pieces.append(try Self.piece(ProtobufReader(bytes: bytes, range: range), pieces.count))
      case 2:
        var trainer = ProtobufReader(
          bytes: bytes, range: try Self.message(&reader, key, "the trainer spec"))
        try readTrainerSpec(&trainer)
      case 3:
        var normalizer = ProtobufReader(
          bytes: bytes, range: try Self.message(&reader, key, "the normalizer spec"))
        normalization = try Self.normalization(&normalizer)
      default:
        try reader.skip(key)
      }
    }
  }

  /// The range of a nested message, after checking the field is length-delimited.
  static func message(
    _ reader: inout ProtobufReader, _ key: ProtobufReader.Key, _ name: String
  ) throws(TokenizerFileProblem) -> Range<Int> {
    try expect(key, wireType: 2)
    return try reader.lengthDelimited(field: name)
  }

  /// Throws unless `key` has the wire type its field is declared with.
  static func expect(_ key: ProtobufReader.Key, wireType: Int) throws(TokenizerFileProblem) {
    guard key.wireType == wireType else {
      throw .invalidWireType(key.wireType, offset: key.offset)
    }
  }

  /// A varint field read as a protobuf `int32` (negative values are sign-extended).
  static func int32(
    _ reader: inout ProtobufReader, _ key: ProtobufReader.Key, _ name: String
  ) throws(TokenizerFileProblem) -> Int {
    try expect(key, wireType: 0)
    return Int(Int32(truncatingIfNeeded: try reader.varint(field: name)))
  }

  /// One `SentencePiece` message: 1 piece, 2 score, 3 type.
  private static func piece(
    _ message: ProtobufReader, _ index: Int
  ) throws(TokenizerFileProblem) -> Piece {
    var reader = message
    var piece = Piece(text: "", score: 0, type: .normal)
    while !reader.isAtEnd {
      let key = try reader.key()
      switch key.number {
      case 1:
        try expect(key, wireType: 2)
        piece.text = try reader.string(field: "the text of piece \(index)")
      case 2:
        try expect(key, wireType: 5)
        piece.score = try reader.float(field: "the score of piece \(index)")
      case 3:
        let raw = try int32(&reader, key, "the type of piece \(index)")
        guard let type = PieceType(rawValue: raw) else {
          throw .invalidModel(.sentencePieceModel, "piece \(index) has type \(raw), not 1...6")
        }
        piece.type = type
      default:
        try reader.skip(key)
      }
    }
    return piece
  }
}
