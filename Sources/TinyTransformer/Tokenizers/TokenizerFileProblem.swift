/// What is wrong with a SentencePiece `spiece.model` or a Hugging Face `tokenizer.json`.
///
/// Both files come from outside, so every length and offset in them is checked before it is
/// used: a damaged or hostile file gives one of these (inside
/// ``TokenizerError/unusableModelFile(_:)``), never a crash. Each description is one line
/// that names the problem and the fix; text taken from the file is escaped.
public enum TokenizerFileProblem: Error, Sendable, Equatable, CustomStringConvertible {
  /// The two file formats a SentencePiece Unigram tokenizer is read from.
  public enum Format: String, Sendable, Equatable {
    /// SentencePiece's own protobuf `ModelProto` (`spiece.model`, `tokenizer.model`).
    case sentencePieceModel = "spiece.model"
    /// Hugging Face `tokenizers`' JSON file.
    case tokenizerJSON = "tokenizer.json"
    /// The `tokenizer.ggml.*` metadata of a GGUF model file.
    case gguf = "GGUF tokenizer"
  }

  /// The protobuf ends inside `field`, which starts at byte `offset`.
  case truncated(field: String, offset: Int)
  /// The length-delimited `field` at byte `offset` claims `length` bytes, but only
  /// `remaining` are left in its message.
  case lengthPastEnd(field: String, offset: Int, length: UInt64, remaining: Int)
  /// A field at byte `offset` has wire type `wireType`, which no protobuf writer produces
  /// for these messages (3, 4, 6 and 7 are groups or reserved).
  case invalidWireType(Int, offset: Int)
  /// The precompiled normalization map is inconsistent (its trie points outside itself, or
  /// a replacement string is not terminated).
  case invalidCharsmap(String)
  /// The file parses, but what it says is unusable (no pieces, no `<unk>`, a duplicate
  /// piece, an id out of range…).
  case invalidModel(Format, String)
  /// The file is well formed but holds a model kvtrace does not read, e.g. BPE.
  case unsupportedModelType(Format, String)
  /// The tokenizer splits text with a pre-tokenizer kvtrace does not know (its name).
  case unsupportedPreTokenizer(Format, String)
  /// The file is larger than any tokenizer kvtrace reads.
  case fileTooLarge(Format, byteCount: Int, limit: Int)
  /// The `tokenizer.json` is not JSON of the expected shape.
  case invalidJSON(String)

  /// One line: what is wrong and how to fix it.
  public var description: String {
    switch self {
    case .truncated(let field, let offset):
      "the spiece.model ends inside \(field) (which starts at byte \(offset)): it is truncated; "
        + Self.fix(.sentencePieceModel)
    case .lengthPastEnd(let field, let offset, let length, let remaining):
      "\(field) at byte \(offset) of the spiece.model claims \(length) bytes but only "
        + "\(remaining) remain: the file is damaged; \(Self.fix(.sentencePieceModel))"
    case .invalidWireType(let wireType, let offset):
      "the spiece.model has a field of wire type \(wireType) at byte \(offset), which is not "
        + "a SentencePiece model; \(Self.fix(.sentencePieceModel))"
    case .invalidCharsmap(let reason):
      "the precompiled normalization map of the tokenizer is damaged (\(reason)); "
        + Self.fix(nil)
    case .invalidModel(let format, let reason):
      "the \(format.rawValue) is unusable: \(reason); \(Self.fix(format))"
    case .unsupportedModelType(let format, let type):
      "the \(format.rawValue) holds a \(Tokenizer.pieceLabel(type, ascii: true)) model, but "
        + "kvtrace reads only SentencePiece Unigram tokenizers (T5's kind); use a Unigram "
        + "model such as T5's spiece.model"
    case .unsupportedPreTokenizer(let format, let name):
      "the \(format.rawValue) splits text with the pre-tokenizer "
        + "'\(Tokenizer.pieceLabel(String(name.prefix(40)), ascii: true))', which kvtrace does "
        + "not know; it reads gpt2, smollm, llama-bpe (llama3) and qwen2"
    case .fileTooLarge(let format, let count, let limit):
      "the \(format.rawValue) has \(count) bytes, more than the \(limit) any tokenizer needs; "
        + Self.fix(format)
    case .invalidJSON(let reason):
      "the tokenizer.json is not a Hugging Face tokenizer file (\(reason)); "
        + Self.fix(.tokenizerJSON)
    }
  }

  /// The fix common to damaged files.
  private static func fix(_ format: Format?) -> String {
    "use the \(format?.rawValue ?? "tokenizer file") that came with the checkpoint "
      + "(download it again if it was cut short)"
  }
}
