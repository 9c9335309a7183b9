extension TraceDecoder {
  static let headerFields = [
    "model", "weights", "policy", "seed", "sampling", "prompt", "promptTokens", "decodeSteps",
    "detail", "source", "secondPrompt", "identity",
  ]
  static let modelFields = [
    "layers", "heads", "kvHeads", "dim", "mlpDim", "contextLength", "vocabularySize",
    "architecture", "headSize",
  ]

  /// Reads and checks the header object at `path`.
  ///
  /// Beyond types, the header must describe a model kvtrace could have run:
  /// shapes within ``ModelConfig/Limits``, KV heads that divide the heads, a
  /// prompt that fits the context, and room in the context for every decode step.
  static func header(_ value: JSONValue, path: String, bytes: [UInt8]) throws(TraceProblem)
    -> TraceHeader
  {
    let h = try ObjectReader(value, path: path, bytes: bytes, allowed: headerFields)
    let model = try modelConfig(h.object("model", allowed: modelFields))
    let policy = try self.policy(h.object("policy", allowed: ["name", "exact", "summary"]))
    let sampling = try self.sampling(
      h.object("sampling", allowed: ["temperature", "topK"]), vocabulary: model.vocabularySize)
    let prompt = try tokens(h, "promptTokens", model: model)
    let source = try self.source(h, model: model)
    try checkArchitecture(h.object("model", allowed: modelFields), encoderDecoder: source != nil)
    let second = try secondPrompt(h, model: model)
    let longest = max(prompt.count, second?.tokens.count ?? 0)
    // An encoder-decoder's decoder feeds its start token at the first decoder step.
    let room = model.contextLength - (source == nil ? longest : 0)
    return TraceHeader(
      model: model, weights: try h.string("weights"), policy: policy, seed: try h.uint64("seed"),
      sampling: sampling, prompt: try h.string("prompt"), promptTokens: prompt,
      decodeSteps: try h.int(
        "decodeSteps", in: (source == nil ? 0 : 1)...room,
        source == nil
          ? "the prompt's \(longest) tokens leave room for \(room) in the context of "
            + "\(model.contextLength)"
          : "an encoder-decoder decodes 1 to \(room) steps (the context length)"),
      detail: try h.name("detail", as: TraceDetail.self), source: source, secondPrompt: second,
      identity: try identity(h))
  }

  /// `model.architecture`, when the file has it (older files do not): it must agree with
  /// whether the header has an encoder's `source`.
  private static func checkArchitecture(_ m: ObjectReader, encoderDecoder: Bool)
    throws(TraceProblem)
  {
    guard m.optional("architecture") != nil else { return }
    let found = try m.name("architecture", as: Architecture.self)
    let expected: Architecture = encoderDecoder ? .encoderDecoder : .decoder
    guard found == expected else {
      throw TraceProblem(
        .outOfRange, at: try m.required("architecture").offset, m.path + ".architecture",
        "architecture \"\(found.rawValue)\" but the header \(encoderDecoder ? "has" : "has no") "
          + "encoder source; a \"\(expected.rawValue)\" trace is what this header describes")
    }
  }

  /// Which kvtrace, weights and tokenizer made the trace, if the header says (older files
  /// do not).
  private static func identity(_ h: ObjectReader) throws(TraceProblem) -> TraceIdentity? {
    guard h.optional("identity") != nil else { return nil }
    let i = try h.object(
      "identity",
      allowed: ["kvtrace", "weights", "weightsSHA256", "tokenizer", "tokenizerSHA256"])
    func digest(_ key: String) throws(TraceProblem) -> String? {
      guard i.optional(key) != nil else { return nil }
      let text = try i.string(key)
      guard text.count == 64, text.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else {
        throw TraceProblem(
          .outOfRange, at: try i.required(key).offset, i.path + "." + key,
          "\(key) is a SHA-256 digest: 64 lowercase hex digits, as sha256sum prints it")
      }
      return text
    }
    return TraceIdentity(
      weights: try i.string("weights"), weightsSHA256: try digest("weightsSHA256"),
      tokenizer: try i.string("tokenizer"), tokenizerSHA256: try digest("tokenizerSHA256"),
      kvtrace: try i.string("kvtrace"))
  }

  /// The cache policy, its name parsed into a ``CachePolicyKind``.
  private static func policy(_ p: ObjectReader) throws(TraceProblem) -> CachePolicyInfo {
    let name = try p.string("name")
    guard let kind = try? CachePolicyKind(parsing: name) else {
      let names = CachePolicyKind.catalog.map(\.name).joined(separator: ", ")
      throw TraceProblem(
        .outOfRange, at: try p.required("name").offset, p.path + ".name",
        "policy \"\(name)\" is not a cache policy kvtrace knows; it reads \(names)")
    }
    return CachePolicyInfo(
      kind: kind, name: name, exact: try p.bool("exact"), summary: try p.string("summary"))
  }

  /// The second of two prompts decoded together, if the header has one.
  private static func secondPrompt(_ h: ObjectReader, model: ModelConfig) throws(TraceProblem)
    -> TracePrompt?
  {
    guard h.optional("secondPrompt") != nil else { return nil }
    let p = try h.object("secondPrompt", allowed: ["text", "tokens"])
    return TracePrompt(text: try p.string("text"), tokens: try tokens(p, "tokens", model: model))
  }

  /// The encoder's side of an encoder-decoder header, if the header has one.
  private static func source(_ h: ObjectReader, model: ModelConfig) throws(TraceProblem)
    -> EncoderSource?
  {
    guard h.optional("source") != nil else { return nil }
    let s = try h.object("source", allowed: ["tokens", "crossAttention"])
    return EncoderSource(
      tokens: try tokens(s, "tokens", model: model),
      crossAttention: try s.name("crossAttention", as: CrossAttentionMode.self))
  }

  private static func modelConfig(_ m: ObjectReader) throws(TraceProblem) -> ModelConfig {
    typealias L = ModelConfig.Limits
    func read(_ key: String, _ range: ClosedRange<Int>) throws(TraceProblem) -> Int {
      try m.int(key, in: range, "kvtrace reads \(range.lowerBound)...\(range.upperBound)")
    }
    let heads = try read("heads", L.heads)
    let kvHeads = try read("kvHeads", L.kvHeads)
    guard heads % kvHeads == 0 else {
      throw TraceProblem(
        .outOfRange, at: try m.required("kvHeads").offset, m.path + ".kvHeads",
        "kvHeads \(kvHeads) does not divide heads \(heads); each KV head serves a whole group "
          + "of query heads")
    }
    let dim = try read("dim", L.dim)
    let headSize = m.optional("headSize") == nil ? nil : try read("headSize", L.headSize)
    guard headSize != nil || dim % heads == 0 else {
      throw TraceProblem(
        .outOfRange, at: try m.required("dim").offset, m.path + ".dim",
        "dim \(dim) is not a multiple of heads \(heads)")
    }
    return ModelConfig(
      layers: try read("layers", L.layers), heads: heads, kvHeads: kvHeads, dim: dim,
      mlpDim: try read("mlpDim", L.mlpDim),
      contextLength: try read("contextLength", L.contextLength),
      vocabularySize: try read("vocabularySize", L.vocabularySize), headSize: headSize)
  }

  private static func sampling(_ s: ObjectReader, vocabulary: Int) throws(TraceProblem)
    -> Sampling
  {
    let temperature = try s.float("temperature")
    guard temperature >= 0 else {
      throw TraceProblem(
        .outOfRange, at: try s.required("temperature").offset, s.path + ".temperature",
        "temperature \(temperature) is negative; 0 is greedy, above 0 samples")
    }
    return Sampling(
      temperature: temperature,
      topK: try s.int("topK", in: 0...vocabulary, "0 (all) up to the vocabulary of \(vocabulary)"))
  }

  /// The tokens at `key`: the prompt's, or an encoder-decoder's source.
  private static func tokens(_ h: ObjectReader, _ key: String, model: ModelConfig)
    throws(TraceProblem) -> [TraceToken]
  {
    let elements = try h.array(key)
    guard (1...model.contextLength).contains(elements.count) else {
      throw TraceProblem(
        .outOfRange, at: try h.required(key).offset, h.path + "." + key,
        "the \(key == "tokens" ? "source" : "prompt") has \(elements.count) tokens; it needs 1 "
          + "to \(model.contextLength) (the context length)")
    }
    var tokens: [TraceToken] = []
    for (index, element) in elements.enumerated() {
      let t = try ObjectReader(
        element, path: "\(h.path).\(key)[\(index)]", bytes: h.bytes, allowed: ["id", "text"])
      tokens.append(
        TraceToken(
          id: try t.int(
            "id", in: 0...(model.vocabularySize - 1),
            "the vocabulary has \(model.vocabularySize) tokens"),
          text: try t.string("text")))
    }
    return tokens
  }
}
