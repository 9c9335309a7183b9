import Foundation

// Reading a Hugging Face tokenizer.json of model type BPE (byte-level), with the
// tokenizer_config.json beside it.

extension BytePairVocabulary {
  /// The regular expressions of the `Split` pre-tokenizers kvtrace recognizes, as the
  /// models' files spell them.
  static let splitPatterns: [String: ByteLevelPreTokenizer] = [
    #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#: .gpt2,
    #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#:
      .llama3,
    #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#:
      .qwen2,
  ]

  /// The vocabulary of a `tokenizer.json` whose model is `BPE`, its root already parsed.
  init(tokenizerJSON root: JSONFields, config: JSONFields?) throws(TokenizerFileProblem) {
    let model = try root.object("model")
    for key in ["continuing_subword_prefix", "end_of_word_suffix", "dropout"] {
      if let value = model.field(key), !(value is NSNull), (value as? String) != "" {
        throw .invalidModel(.tokenizerJSON, "its BPE model sets \(key), which kvtrace does not use")
      }
    }
    if try model.optionalBool("byte_fallback") == true {
      throw .invalidModel(.tokenizerJSON, "its BPE model uses byte_fallback (not byte-level)")
    }
    let (spellings, special, added) = try Self.tokens(root, model)
    let merges = try Self.mergePairs(model)
    func id(_ name: String?) -> Int? { name.flatMap { n in spellings.firstIndex(of: n) } }
    let processor = try Self.beginningFromPostProcessor(root.field("post_processor"))
    let beginning =
      try id(config?.tokenName("bos_token")) ?? processor.flatMap(id)
      ?? id(added.first { ["<|begin_of_text|>", "<s>"].contains($0) })
    let endNames = ["<|im_end|>", "<|eot_id|>", "<|end_of_text|>", "<|endoftext|>", "</s>"]
    let end = try id(config?.tokenName("eos_token")) ?? id(endNames.first(where: added.contains))
    let options = Options(
      preTokenizer: try Self.preTokenizer(root.field("pre_tokenizer")),
      specials: SpecialTokens(
        padding: try id(config?.tokenName("pad_token")), beginning: beginning, end: end,
        unknown: try id(model.optionalString("unk_token"))),
      addsBeginning: try config?.optionalBool("add_bos_token") ?? (processor != nil),
      ignoresMerges: try model.optionalBool("ignore_merges") ?? false,
      addsPrefixSpace: try Self.addsPrefixSpace(root.field("pre_tokenizer")),
      composesText: try Self.composesText(root.field("normalizer")),
      chatTemplate: try config.flatMap(Self.chatTemplate))
    try self.init(
      spellings: spellings, special: special, merges: merges, options: options,
      format: .tokenizerJSON)
  }

  /// Every token's spelling by id (the model's vocab and the added tokens) and which are
  /// added tokens (found whole in the text).
  private static func tokens(_ root: JSONFields, _ model: JSONFields)
    throws(TokenizerFileProblem) -> ([String], [Bool], Set<String>)
  {
    guard let vocab = model.field("vocab") as? [String: Any] else {
      throw .invalidJSON("\"vocab\" of the model is not an object of pieces and ids")
    }
    var byID: [Int: String] = [:]
    var special = Set<Int>()
    var added = Set<String>()
    for (piece, value) in vocab {
      guard let number = value as? NSNumber, let id = Int(exactly: number.doubleValue),
        (0..<Tokenizer.maxByteLevelTokens).contains(id)
      else { throw .invalidModel(.tokenizerJSON, "the id of \(escaped(piece)) is not usable") }
      byID[id] = piece
    }
    for entry in try root.optionalArray("added_tokens") ?? [] {
      let token = try JSONFields(entry, "an added token")
      let id = try token.int("id")
      let content = try token.string("content")
      guard (0..<Tokenizer.maxByteLevelTokens).contains(id), !content.isEmpty else {
        throw .invalidModel(.tokenizerJSON, "added token \(escaped(content)) is not usable")
      }
      byID[id] = content
      special.insert(id)
      added.insert(content)
    }
    let count = (byID.keys.max() ?? -1) + 1
    guard byID.count == count else {
      throw .invalidModel(
        .tokenizerJSON, "its ids are not 0..<\(count) without gaps (\(byID.count) tokens)")
    }
    let spellings = (0..<count).map { byID[$0] ?? "" }
    return (spellings, spellings.indices.map(special.contains), added)
  }

  /// The merges, as `"left right"` strings or `[left, right]` arrays.
  private static func mergePairs(_ model: JSONFields) throws(TokenizerFileProblem)
    -> [(String, String)]
  {
    try model.array("merges").enumerated().map {
      (rank, entry) throws(TokenizerFileProblem) -> (String, String) in
      if let pair = entry as? [String], pair.count == 2 { return (pair[0], pair[1]) }
      if let text = entry as? String {
        let parts = text.split(separator: " ", omittingEmptySubsequences: false)
        if parts.count == 2 { return (String(parts[0]), String(parts[1])) }
      }
      throw .invalidJSON("merge \(rank) is neither \"left right\" nor [left, right]")
    }
  }

  /// The pre-tokenizer a `pre_tokenizer` value amounts to: `ByteLevel` with its own regex
  /// (GPT-2), `Digits` then `ByteLevel` (SmolLM), or a `Split` by a known pattern then
  /// `ByteLevel` without one (Llama 3, Qwen2).
  static func preTokenizer(_ value: Any?) throws(TokenizerFileProblem) -> ByteLevelPreTokenizer {
    let steps = try preTokenizerSteps(value)
    let types = try steps.map { (step) throws(TokenizerFileProblem) in try step.string("type") }
    let last = steps.last
    let regex = try last?.optionalBool("use_regex") ?? true
    switch (types, regex) {
    case (["ByteLevel"], true):
      return .gpt2
    case (["Digits", "ByteLevel"], true) where try steps[0].optionalBool("individual_digits") == true:
      return .smollm
    case (["Split", "ByteLevel"], false):
      let split = steps[0]
      let pattern = try split.object("pattern").optionalString("Regex") ?? ""
      guard let kind = splitPatterns[pattern], try split.optionalBool("invert") != true,
        try split.optionalString("behavior") == "Isolated"
      else { throw .unsupportedPreTokenizer(.tokenizerJSON, "Split " + pattern) }
      return kind
    default:
      throw .unsupportedPreTokenizer(.tokenizerJSON, types.joined(separator: ", "))
    }
  }

  /// The steps of a `pre_tokenizer` (one, or a `Sequence`).
  private static func preTokenizerSteps(_ value: Any?) throws(TokenizerFileProblem) -> [JSONFields]
  {
    guard let value, !(value is NSNull) else { return [] }
    let step = try JSONFields(value, "the pre-tokenizer")
    guard try step.string("type") == "Sequence" else { return [step] }
    var steps: [JSONFields] = []
    for inner in try step.array("pretokenizers") { steps += try preTokenizerSteps(inner) }
    return steps
  }

  /// Whether the `ByteLevel` step puts a space before the text (`add_prefix_space`); only
  /// a lone `ByteLevel` may.
  private static func addsPrefixSpace(_ value: Any?) throws(TokenizerFileProblem) -> Bool {
    let steps = try preTokenizerSteps(value)
    let prefix = try steps.last?.optionalBool("add_prefix_space") ?? false
    if prefix && steps.count > 1 {
      throw .unsupportedPreTokenizer(.tokenizerJSON, "ByteLevel add_prefix_space in a Sequence")
    }
    return prefix
  }

  /// Whether the normalizer is NFC (Qwen2); none is fine, any other is refused.
  private static func composesText(_ value: Any?) throws(TokenizerFileProblem) -> Bool {
    guard let value, !(value is NSNull) else { return false }
    let type = try JSONFields(value, "the normalizer").string("type")
    guard type == "NFC" else {
      throw .invalidModel(.tokenizerJSON, "its normalizer \(escaped(type)) is not supported")
    }
    return true
  }

  /// The token a `TemplateProcessing` post-processor puts first (Llama 3's
  /// `<|begin_of_text|>`), or `nil`.
  private static func beginningFromPostProcessor(_ value: Any?) throws(TokenizerFileProblem)
    -> String?
  {
    guard let value, !(value is NSNull) else { return nil }
    let processor = try JSONFields(value, "the post-processor")
    switch try processor.string("type") {
    case "Sequence":
      for inner in try processor.array("processors") {
        if let name = try beginningFromPostProcessor(inner) { return name }
      }
      return nil
    case "TemplateProcessing":
      guard let first = try processor.array("single").first as? [String: Any],
        let special = first["SpecialToken"] as? [String: Any]
      else { return nil }
      return special["id"] as? String
    default:
      return nil
    }
  }

  /// The `chat_template` of a tokenizer_config.json: a string, or a list of named
  /// templates of which the one named `default` is taken.
  private static func chatTemplate(_ config: JSONFields) throws(TokenizerFileProblem) -> String? {
    if let text = config.field("chat_template") as? String { return text }
    guard let named = config.field("chat_template") as? [[String: Any]] else { return nil }
    return named.first { $0["name"] as? String == "default" }?["template"] as? String
  }

  static func escaped(_ text: String) -> String { UnigramVocabulary.escaped(text) }
}

extension JSONFields {
  /// A token named in a tokenizer_config.json: a string, or an object with `content`.
  func tokenName(_ key: String) throws(TokenizerFileProblem) -> String? {
    if let text = try? optionalString(key) { return text }
    return (field(key) as? [String: Any])?["content"] as? String
  }
}
