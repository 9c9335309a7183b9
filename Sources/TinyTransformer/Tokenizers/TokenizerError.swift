/// Why a tokenizer file cannot be used: a llama2.c `tokenizer.bin`, a SentencePiece
/// `spiece.model` or a Hugging Face `tokenizer.json`.
///
/// Each description is one line: what is wrong with the file, then how to fix it.
public enum TokenizerError: Error, Equatable, CustomStringConvertible {
  /// The file is shorter than its 4-byte header (the maximum piece length).
  case truncatedHeader(byteCount: Int)
  /// The header's maximum piece length is zero, negative or absurd.
  case invalidMaxTokenLength(Int)
  /// The file ends inside the entry of `token`, before all `vocabularySize` tokens.
  case truncated(token: Int, vocabularySize: Int)
  /// A piece claims a negative length, or one above the header's maximum.
  case invalidPieceLength(token: Int, length: Int, maxTokenLength: Int)
  /// The file holds a whole number of tokens, but not as many as the checkpoint has.
  case vocabularyMismatch(tokenizer: Int, checkpoint: Int)
  /// After the checkpoint's `vocabularySize` tokens come `count` bytes that are no tokens.
  case trailingBytes(count: Int, vocabularySize: Int)
  /// The vocabulary is too small to hold the specials and the 256 byte tokens.
  case tooFewTokens(Int)
  /// Id `id` should be a byte token such as `<0x41>` but holds `found`.
  case missingByteToken(id: Int, found: String)
  /// A SentencePiece `spiece.model` or a Hugging Face `tokenizer.json` is damaged or of a
  /// kind kvtrace does not read; the problem says which.
  case unusableModelFile(TokenizerFileProblem)

  /// The most bytes a piece may claim in the header; real vocabularies stay below 100.
  public static let maxTokenLengthLimit = 65_536

  private static let fix =
    "use the tokenizer.bin that goes with the checkpoint (the stories models use the one in "
    + "the llama2.c repository)"

  /// One line: what is wrong and how to fix it.
  public var description: String {
    switch self {
    case .truncatedHeader(let count):
      "the tokenizer file has \(count) bytes, too few for the 4-byte header of a llama2.c "
        + "tokenizer.bin; \(Self.fix)"
    case .invalidMaxTokenLength(let length):
      "the tokenizer header gives a maximum piece length of \(length), not in "
        + "1...\(Self.maxTokenLengthLimit), so this is not a llama2.c tokenizer.bin; \(Self.fix)"
    case .truncated(let token, let size):
      "the tokenizer file ends inside token \(token) of \(size): it is truncated; "
        + "download it again, or \(Self.fix)"
    case .invalidPieceLength(let token, let length, let max):
      "token \(token) of the tokenizer claims \(length) bytes, outside 0...\(max) (the header's "
        + "maximum): the file is damaged or not a tokenizer.bin; \(Self.fix)"
    case .vocabularyMismatch(let tokenizer, let checkpoint):
      "the tokenizer has \(tokenizer) tokens but the checkpoint's vocabulary has \(checkpoint); "
        + Self.fix
    case .trailingBytes(let count, let size):
      "the tokenizer file has \(count) unexpected bytes after its \(size) tokens; \(Self.fix)"
    case .tooFewTokens(let count):
      "a llama2.c vocabulary holds <unk>, <s>, </s> and 256 byte tokens, at least 259, but "
        + "this one has \(count); \(Self.fix)"
    case .missingByteToken(let id, let found):
      "tokenizer id \(id) should be the byte token "
        + "\(Tokenizer.hexName(of: UInt8(truncatingIfNeeded: id - 3))) but is "
        + "'\(Tokenizer.pieceLabel(found, ascii: true))'; \(Self.fix)"
    case .unusableModelFile(let problem):
      problem.description
    }
  }
}
