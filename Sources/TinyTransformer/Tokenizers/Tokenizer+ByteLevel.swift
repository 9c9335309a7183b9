import Foundation

extension Tokenizer {
  /// The most tokens a byte-level vocabulary may have (the largest published ones, Gemma's
  /// and Llama 3's, have 256,000 and 128,256).
  public static let maxByteLevelTokens = 1 << 20

  /// Builds a byte-level BPE tokenizer (GPT-2's kind: SmolLM2, Llama 3, Qwen2) from the
  /// arrays a GGUF file stores under `tokenizer.ggml.*`.
  ///
  /// Every piece is spelled in GPT-2's byte alphabet, where each of the 256 byte values has
  /// a printable character (`Ġ` is the space, `Ċ` the newline), so `Ġquick` is the token for
  /// `" quick"`. Encoding finds the special tokens (types control and user-defined, such as
  /// `<|im_start|>`) whole in the text, cuts the rest into words with the pre-tokenizer, and
  /// merges each word's bytes pair by pair in the order of `merges` (the article "Byte-level
  /// BPE" walks through an example).
  ///
  /// - Parameters:
  ///   - tokens: `tokenizer.ggml.tokens`: every piece in id order, in the byte alphabet.
  ///   - merges: `tokenizer.ggml.merges`: `"left right"` pairs, best (rank 0) first.
  ///   - tokenTypes: `tokenizer.ggml.token_type` (1 normal, 2 unknown, 3 control, 4 user
  ///     defined, 5 unused, 6 byte), or `nil` when the file has none (then only the four
  ///     named ids below are special).
  ///   - preTokenizer: `tokenizer.ggml.pre` (`gpt2`, `smollm`, `llama-bpe`, `qwen2`), or
  ///     `nil` for GPT-2's own pattern.
  ///   - beginningOfSequence: `tokenizer.ggml.bos_token_id`, if any.
  ///   - endOfSequence: `tokenizer.ggml.eos_token_id`, if any: where generation stops.
  ///   - unknown: `tokenizer.ggml.unknown_token_id`, if any.
  ///   - padding: `tokenizer.ggml.padding_token_id`, if any.
  ///   - addsBeginningOfSequence: `tokenizer.ggml.add_bos_token`: whether ``encode(_:)``
  ///     puts `beginningOfSequence` in front (Llama 3 does, SmolLM2 does not).
  ///   - chatTemplate: `tokenizer.chat_template`, if any (see ``chatTemplate``).
  ///   - fileSHA256: The SHA-256 of the file the arrays came from, for the trace header.
  /// - Throws: ``TokenizerError/unusableModelFile(_:)`` naming the problem: an unknown
  ///   pre-tokenizer, a merge of pieces not in the vocabulary, an id out of range.
  public init(
    byteLevelTokens tokens: [String], merges: [String], tokenTypes: [Int]? = nil,
    preTokenizer: String?, beginningOfSequence: Int?, endOfSequence: Int?,
    unknown: Int? = nil, padding: Int? = nil, addsBeginningOfSequence: Bool,
    chatTemplate: String? = nil, fileSHA256: String? = nil
  ) throws(TokenizerError) {
    do throws(TokenizerFileProblem) {
      guard tokens.count <= Self.maxByteLevelTokens else {
        throw TokenizerFileProblem.invalidModel(
          .gguf, "it has \(tokens.count) tokens, more than \(Self.maxByteLevelTokens)")
      }
      let kind = try preTokenizer.map { (name) throws(TokenizerFileProblem) in
        guard let kind = ByteLevelPreTokenizer(ggufName: name) else {
          throw .unsupportedPreTokenizer(.gguf, name)
        }
        return kind
      }
      if let tokenTypes, tokenTypes.count != tokens.count {
        throw TokenizerFileProblem.invalidModel(
          .gguf, "it has \(tokens.count) tokens but \(tokenTypes.count) token types")
      }
      let named = Set([beginningOfSequence, endOfSequence, unknown, padding].compactMap { $0 })
      let special = tokens.indices.map { id in
        tokenTypes.map { $0[id] == 3 || $0[id] == 4 } ?? named.contains(id)
      }
      let pairs = try merges.enumerated().map {
        (rank, merge) throws(TokenizerFileProblem) -> (String, String) in
        let parts = merge.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
          throw .invalidModel(
            .gguf, "merge \(rank) is not two pieces: \(UnigramVocabulary.escaped(merge))")
        }
        return (String(parts[0]), String(parts[1]))
      }
      let options = BytePairVocabulary.Options(
        preTokenizer: kind ?? .gpt2,
        specials: .init(
          padding: padding, beginning: beginningOfSequence, end: endOfSequence,
          unknown: unknown),
        addsBeginning: addsBeginningOfSequence,
        // llama.cpp takes a word that is itself a token whole for Llama 3, as its
        // tokenizer.json's `ignore_merges` says.
        ignoresMerges: kind == .llama3, chatTemplate: chatTemplate)
      let vocabulary = try BytePairVocabulary(
        spellings: tokens, special: special, merges: pairs, options: options, format: .gguf)
      self.init(kind: .bytePair(vocabulary), fileSHA256: fileSHA256)
    } catch {
      throw .unusableModelFile(error)
    }
  }

  /// Loads a Hugging Face `tokenizer.json` together with the `tokenizer_config.json` beside
  /// it, which holds the chat template and the `add_bos_token` flag.
  ///
  /// - Parameters:
  ///   - data: The whole `tokenizer.json`.
  ///   - tokenizerConfig: The whole `tokenizer_config.json`, or `nil` when the folder has none.
  /// - Throws: ``TokenizerError/unusableModelFile(_:)`` as ``init(tokenizerJSON:)`` does.
  public init(tokenizerJSON data: Data, tokenizerConfig: Data?) throws(TokenizerError) {
    for bytes in [data.count, tokenizerConfig?.count ?? 0] where bytes > Self.maxModelFileBytes {
      throw .unusableModelFile(
        .fileTooLarge(.tokenizerJSON, byteCount: bytes, limit: Self.maxModelFileBytes))
    }
    do throws(TokenizerFileProblem) {
      let root = try JSONFields(parsing: data)
      let type = try root.object("model").string("type")
      switch type {
      case "BPE":
        let config = try tokenizerConfig.map { (data) throws(TokenizerFileProblem) in
          try JSONFields(parsing: data)
        }
        self.init(
          kind: .bytePair(try BytePairVocabulary(tokenizerJSON: root, config: config)),
          fileSHA256: SHA256.hex(data))
      case "Unigram":
        self.init(
          kind: .unigram(try UnigramVocabulary(tokenizerJSON: root)),
          fileSHA256: SHA256.hex(data))
      default:
        throw TokenizerFileProblem.unsupportedModelType(.tokenizerJSON, type)
      }
    } catch {
      throw .unusableModelFile(error)
    }
  }

  /// The chat template the model was trained with (its Jinja text), or `nil` when the
  /// tokenizer carries none (the demo vocabulary, llama2.c, T5).
  ///
  /// ``ChatTemplate`` recognizes the common formats in it and wraps a prompt as the model
  /// expects a user's turn.
  public var chatTemplate: String? {
    if case .bytePair(let bytePair) = kind { return bytePair.chatTemplate }
    return nil
  }
}
