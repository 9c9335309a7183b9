// Building a Unigram vocabulary from a parsed spiece.model, with the checks sentencepiece
// itself makes when it loads one.

extension UnigramVocabulary {
  /// The most pieces a vocabulary may have (T5 has 32,100; the largest published ~256,000).
  static let maxPieces = 1 << 20

  /// The vocabulary of a SentencePiece `ModelProto`.
  init(model: SentencePieceModelFile) throws(TokenizerFileProblem) {
    let format = TokenizerFileProblem.Format.sentencePieceModel
    guard model.modelType == SentencePieceModelFile.unigramModelType else {
      let names = [2: "BPE", 3: "word", 4: "char"]
      throw .unsupportedModelType(format, names[model.modelType] ?? "type \(model.modelType)")
    }
    try Self.checkPieces(model.pieces.map { ($0.text, $0.score) }, format)
    var matched = Set<String>()
    var reserved = Set<String>()
    for (id, piece) in model.pieces.enumerated() {
      let normal = [.normal, .userDefined, .unused].contains(piece.type)
      let inserted =
        normal ? matched.insert(piece.text).inserted : reserved.insert(piece.text).inserted
      guard inserted else {
        throw .invalidModel(format, "piece \(id) repeats an earlier piece")
      }
    }
    let unknowns = model.pieces.indices.filter { model.pieces[$0].type == .unknown }
    guard unknowns.count == 1, let unknown = unknowns.first else {
      throw .invalidModel(format, "it has \(unknowns.count) unknown pieces, not exactly one")
    }
    let specials = SpecialTokens(
      padding: try Self.optionalID(model.paddingID, "pad_id", model.pieces.count, format),
      beginning: try Self.optionalID(model.beginningID, "bos_id", model.pieces.count, format),
      end: try Self.optionalID(model.endID, "eos_id", model.pieces.count, format),
      unknown: unknown)
    let userDefined = Set(
      model.pieces.filter { $0.type == .userDefined }.map { Array($0.text.utf8) })
    let normalizer = try SentencePieceNormalizer(
      spec: model.normalization, treatWhitespaceAsSuffix: model.treatWhitespaceAsSuffix,
      userDefined: userDefined)
    self.init(
      pieces: model.pieces.map { ($0.text, $0.score, $0.type) }, specials: specials,
      byteFallback: model.byteFallback, unknownSurface: model.unknownSurface,
      leadingSpace: model.normalization.removeExtraWhitespaces
        ? .untilText : model.normalization.addDummyPrefix ? .once : .kept,
      flavor: .sentencePiece(normalizer))
  }

  /// Checks the pieces both formats share: some, not too many, none empty, scores finite.
  static func checkPieces(
    _ pieces: [(text: String, score: Float)], _ format: TokenizerFileProblem.Format
  ) throws(TokenizerFileProblem) {
    guard !pieces.isEmpty else { throw .invalidModel(format, "it has no pieces") }
    guard pieces.count <= maxPieces else {
      throw .invalidModel(format, "it has \(pieces.count) pieces, more than \(maxPieces)")
    }
    if let id = pieces.firstIndex(where: { $0.text.isEmpty }) {
      throw .invalidModel(format, "piece \(id) is empty")
    }
    if let id = pieces.firstIndex(where: { !$0.score.isFinite }) {
      throw .invalidModel(format, "piece \(id) has a score that is not a finite number")
    }
  }

  /// A special id from the trainer spec: -1 means "none", anything else must be an id.
  static func optionalID(
    _ id: Int, _ name: String, _ count: Int, _ format: TokenizerFileProblem.Format
  ) throws(TokenizerFileProblem) -> Int? {
    if id == -1 { return nil }
    guard (0..<count).contains(id) else {
      throw .invalidModel(format, "its \(name) is \(id), outside its \(count) pieces")
    }
    return id
  }
}
