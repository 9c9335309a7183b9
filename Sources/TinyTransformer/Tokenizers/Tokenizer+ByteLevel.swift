import Foundation

extension Tokenizer {
  /// Builds a byte-level BPE tokenizer (GPT-2's kind: SmolLM2, Llama 3, Qwen2) from the
  /// arrays a GGUF file stores under `tokenizer.ggml.*`.
  ///
  /// - Parameters:
  ///   - tokens: `tokenizer.ggml.tokens`: every piece in id order, spelled in GPT-2's byte
  ///     alphabet (`Ġquick` for `" quick"`).
  ///   - merges: `tokenizer.ggml.merges`: `"left right"` pairs, best (rank 0) first.
  ///   - tokenTypes: `tokenizer.ggml.token_type` (1 normal, 2 unknown, 3 control, 4 user
  ///     defined, 5 unused, 6 byte), or `nil` when the file has none.
  ///   - preTokenizer: `tokenizer.ggml.pre` (`gpt2`, `smollm`, `llama-bpe`, `qwen2`…), or
  ///     `nil` for GPT-2's own pattern.
  ///   - beginningOfSequence: `tokenizer.ggml.bos_token_id`, if any.
  ///   - endOfSequence: `tokenizer.ggml.eos_token_id`, if any.
  ///   - unknown: `tokenizer.ggml.unknown_token_id`, if any.
  ///   - padding: `tokenizer.ggml.padding_token_id`, if any.
  ///   - addsBeginningOfSequence: `tokenizer.ggml.add_bos_token`: whether ``encode(_:)``
  ///     puts the beginning-of-sequence id in front.
  ///   - chatTemplate: `tokenizer.chat_template`, if any (see ``chatTemplate``).
  ///   - fileSHA256: The SHA-256 of the file the arrays came from, for the trace header.
  /// - Throws: ``TokenizerError/unusableModelFile(_:)`` naming the problem: an unknown
  ///   pre-tokenizer, a merge that names no piece, an id out of range.
  public init(
    byteLevelTokens tokens: [String], merges: [String], tokenTypes: [Int]? = nil,
    preTokenizer: String?, beginningOfSequence: Int?, endOfSequence: Int?,
    unknown: Int? = nil, padding: Int? = nil, addsBeginningOfSequence: Bool,
    chatTemplate: String? = nil, fileSHA256: String? = nil
  ) throws(TokenizerError) {
    throw .unusableModelFile(.invalidModel(.gguf, "byte-level BPE is not implemented yet"))
  }

  /// Loads a Hugging Face `tokenizer.json` together with the `tokenizer_config.json` beside
  /// it, which holds the chat template and the `add_bos_token` flag.
  ///
  /// - Parameters:
  ///   - data: The whole `tokenizer.json`.
  ///   - tokenizerConfig: The whole `tokenizer_config.json`, or `nil` when the folder has none.
  /// - Throws: ``TokenizerError/unusableModelFile(_:)`` as ``init(tokenizerJSON:)`` does.
  public init(tokenizerJSON data: Data, tokenizerConfig: Data?) throws(TokenizerError) {
    try self.init(tokenizerJSON: data)
  }

  /// The chat template the model was trained with (a Jinja text), or `nil` when the
  /// tokenizer carries none (the demo vocabulary, llama2.c, T5).
  ///
  /// ``ChatTemplate`` recognizes the common formats in it and wraps a prompt as the model
  /// expects a user's turn.
  public var chatTemplate: String? { nil }
}
