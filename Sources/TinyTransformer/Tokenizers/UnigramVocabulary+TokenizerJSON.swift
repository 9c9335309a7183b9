import Foundation

// Reading a Hugging Face tokenizer.json of model type Unigram.

extension UnigramVocabulary {
  /// The vocabulary of a Hugging Face `tokenizer.json` of model type `Unigram`.
  init(tokenizerJSON data: Data) throws(TokenizerFileProblem) {
    try self.init(tokenizerJSON: JSONFields(parsing: data))
  }

  /// The vocabulary of a parsed `tokenizer.json` of model type `Unigram`.
  init(tokenizerJSON root: JSONFields) throws(TokenizerFileProblem) {
    let model = try root.object("model")
    let type = try model.string("type")
    guard type == "Unigram" else { throw .unsupportedModelType(.tokenizerJSON, type) }
    let vocab = try model.array("vocab").enumerated().map {
      (index, entry) throws(TokenizerFileProblem) -> (text: String, score: Float) in
      guard let pair = entry as? [Any], pair.count == 2, let text = pair[0] as? String,
        let score = (pair[1] as? NSNumber)?.doubleValue
      else { throw .invalidJSON("vocab entry \(index) is not a [piece, score] pair") }
      return (text, Float(score))
    }
    try Self.checkPieces(vocab, .tokenizerJSON)
    let unknown = try model.optionalInt("unk_id")
    guard let unknown, (0..<vocab.count).contains(unknown) else {
      throw .invalidModel(.tokenizerJSON, "its unk_id is missing or outside its vocab")
    }
    let byteFallback = try model.optionalBool("byte_fallback") ?? false
    var pipeline = HuggingFacePipeline()
    var special = Set<Int>()
    for entry in try root.optionalArray("added_tokens") ?? [] {
      let token = try JSONFields(entry, "an added token")
      let id = try token.int("id")
      guard (0..<vocab.count).contains(id) else {
        throw .invalidModel(.tokenizerJSON, "added token id \(id) is outside its vocab")
      }
      let content = try token.string("content")
      guard !content.isEmpty else {
        throw .invalidModel(.tokenizerJSON, "added token \(id) is the empty string")
      }
      pipeline.addedTokens.append(.init(content: content, id: id))
      if try token.optionalBool("special") ?? false { special.insert(id) }
    }
    pipeline.normalizers = try Self.normalizerSteps(root.field("normalizer"))
    pipeline.preTokenizers = try Self.preTokenizerSteps(root.field("pre_tokenizer"))
    let types = vocab.indices.map { id -> PieceType in
      if id == unknown { return .unknown }
      if special.contains(id) { return .control }
      if byteFallback, Self.byteValue(of: vocab[id].text) != nil { return .byte }
      return .normal
    }
    let prepends = pipeline.preTokenizers.contains {
      if case .metaspace(_, let prepend, _) = $0 { prepend != "never" } else { false }
    }
    self.init(
      pieces: vocab.indices.map { (vocab[$0].text, vocab[$0].score, types[$0]) },
      specials: Self.namedSpecials(pipeline.addedTokens, unknown: unknown),
      byteFallback: byteFallback, unknownSurface: "",
      leadingSpace: prepends ? .firstToken : .kept, flavor: .huggingFace(pipeline))
  }

  /// T5's special ids, found by their names among the added tokens.
  private static func namedSpecials(
    _ added: [HuggingFacePipeline.AddedToken], unknown: Int
  ) -> SpecialTokens {
    func id(_ names: [String]) -> Int? { added.first { names.contains($0.content) }?.id }
    return SpecialTokens(
      padding: id(["<pad>"]), beginning: id(["<s>"]), end: id(["</s>"]), unknown: unknown)
  }

  /// The normalizer steps of a `normalizer` value (`null`, one step or a `Sequence`).
  static func normalizerSteps(_ value: Any?) throws(TokenizerFileProblem)
    -> [HuggingFacePipeline.NormalizerStep]
  {
    guard let value, !(value is NSNull) else { return [] }
    let step = try JSONFields(value, "the normalizer")
    switch try step.string("type") {
    case "Sequence":
      var steps: [HuggingFacePipeline.NormalizerStep] = []
      for inner in try step.array("normalizers") { steps += try normalizerSteps(inner) }
      return steps
    case "Precompiled":
      guard let text = try step.optionalString("precompiled_charsmap") else { return [] }
      guard let blob = Data(base64Encoded: text) else {
        throw .invalidJSON("its precompiled_charsmap is not base64")
      }
      return [.precompiled(try PrecompiledCharsmap(Array(blob)))]
    case "Replace":
      let (pattern, run) = try replacePattern(JSONFields(step.field("pattern"), "a pattern"))
      return [.replace(pattern: pattern, minimumRun: run, content: try step.string("content"))]
    case "Strip":
      return [
        .strip(
          left: try step.optionalBool("strip_left") ?? false,
          right: try step.optionalBool("strip_right") ?? false)
      ]
    case let other:
      throw .invalidModel(.tokenizerJSON, "its normalizer \(escaped(other)) is not supported")
    }
  }

  /// A `Replace` pattern: `{"String": s}` (every copy replaced: no minimum run), or
  /// `{"Regex": r}` where `r` is one character, optionally followed by `+` or `{n,}` (each
  /// run of at least 1 or n copies replaced once), the only expressions T5's files use.
  private static func replacePattern(_ pattern: JSONFields) throws(TokenizerFileProblem)
    -> (String, Int?)
  {
    if let literal = try pattern.optionalString("String") { return (literal, nil) }
    let regex = try pattern.string("Regex")
    var scalars = Substring(regex).unicodeScalars[...]
    if scalars.first == "\\" { scalars = scalars.dropFirst() }
    guard let first = scalars.first else { throw unsupportedRegex(regex) }
    let rest = String(String.UnicodeScalarView(scalars.dropFirst()))
    if rest.isEmpty { return (String(first), nil) }
    if rest == "+" { return (String(first), 1) }
    guard rest.hasPrefix("{"), rest.hasSuffix(",}"), let count = Int(rest.dropFirst().dropLast(2)),
      count >= 1
    else { throw unsupportedRegex(regex) }
    return (String(first), count)
  }

  private static func unsupportedRegex(_ regex: String) -> TokenizerFileProblem {
    .invalidModel(.tokenizerJSON, "its Replace pattern \(escaped(regex)) is not supported")
  }

  /// The pre-tokenizer steps of a `pre_tokenizer` value.
  static func preTokenizerSteps(_ value: Any?) throws(TokenizerFileProblem)
    -> [HuggingFacePipeline.PreTokenizerStep]
  {
    guard let value, !(value is NSNull) else { return [] }
    let step = try JSONFields(value, "the pre-tokenizer")
    switch try step.string("type") {
    case "Sequence":
      var steps: [HuggingFacePipeline.PreTokenizerStep] = []
      for inner in try step.array("pretokenizers") { steps += try preTokenizerSteps(inner) }
      return steps
    case "WhitespaceSplit":
      return [.whitespaceSplit]
    case "Metaspace":
      let legacy = try step.optionalBool("add_prefix_space").map { $0 ? "always" : "never" }
      let prepend = try step.optionalString("prepend_scheme") ?? legacy ?? "always"
      guard ["always", "first", "never"].contains(prepend) else {
        throw .invalidModel(.tokenizerJSON, "its prepend_scheme \(escaped(prepend)) is unknown")
      }
      return [
        .metaspace(
          replacement: try step.optionalString("replacement") ?? "\u{2581}", prepend: prepend,
          split: try step.optionalBool("split") ?? true)
      ]
    case let other:
      throw .invalidModel(.tokenizerJSON, "its pre-tokenizer \(escaped(other)) is not supported")
    }
  }

  /// File text made safe for an error line.
  static func escaped(_ text: String) -> String {
    "'" + Tokenizer.pieceLabel(String(text.prefix(40)), ascii: true) + "'"
  }
}
