/// Why a llama2.c checkpoint cannot be used.
///
/// Each description is one line: what is wrong with the file, then how to fix it. Header
/// fields are named as in llama2.c's `Config` struct (`dim`, `n_layers`, …) so they can be
/// checked against its source.
public enum CheckpointError: Error, Equatable, CustomStringConvertible {
  /// The file is shorter than the 28-byte header.
  case truncatedHeader(byteCount: Int)
  /// The file starts with the magic number of llama2.c's newer, versioned export.
  case versionedExport(version: Int)
  /// A header field that must be positive is not.
  case nonPositive(field: String, value: Int)
  /// A header field is larger than any model kvtrace can run.
  case tooLarge(field: String, value: Int, limit: Int)
  /// `n_heads` does not divide `dim`, so the heads cannot split the width evenly.
  case headsDoNotDivideDim(dim: Int, heads: Int)
  /// `n_kv_heads` does not divide `n_heads`, so query heads cannot share KV heads in groups.
  case kvHeadsDoNotDivideHeads(heads: Int, kvHeads: Int)
  /// The head size is odd, but RoPE rotates pairs of numbers.
  case oddHeadSize(Int)
  /// The header's shape needs `expected` bytes but the file has `actual`.
  case sizeMismatch(expected: Int, actual: Int, shape: String)
  /// A weight the model reads is NaN or infinite (its tensor named as in llama2.c).
  case nonFiniteWeight(tensor: String, index: Int)
  /// The tokenizer's vocabulary is not the checkpoint's.
  case vocabularyMismatch(checkpoint: Int, tokenizer: Int)

  private static let fix = "use a checkpoint written by llama2.c's export (e.g. stories15M.bin)"

  /// One line: what is wrong and how to fix it.
  public var description: String {
    switch self {
    case .truncatedHeader(let count):
      "the checkpoint has \(count) bytes, fewer than its 28-byte header: it is truncated or "
        + "not a llama2.c checkpoint; \(Self.fix)"
    case .versionedExport(let version):
      "the checkpoint is llama2.c's versioned export (magic 'ak42', version \(version)), but "
        + "kvtrace reads the original format; export it again with export.py --version 0"
    case .nonPositive(let field, let value):
      "the checkpoint header gives \(field) = \(value), but it must be positive: this is not a "
        + "llama2.c checkpoint, or it is damaged; \(Self.fix)"
    case .tooLarge(let field, let value, let limit):
      "the checkpoint header gives \(field) = \(value), above kvtrace's limit of \(limit): this "
        + "is not a llama2.c checkpoint, or it is damaged; \(Self.fix)"
    case .headsDoNotDivideDim(let dim, let heads):
      "the checkpoint header gives dim = \(dim) and n_heads = \(heads), but the heads must "
        + "divide the width; the file is damaged: \(Self.fix)"
    case .kvHeadsDoNotDivideHeads(let heads, let kvHeads):
      "the checkpoint header gives n_heads = \(heads) and n_kv_heads = \(kvHeads), but the KV "
        + "heads must divide the heads; the file is damaged: \(Self.fix)"
    case .oddHeadSize(let size):
      "the checkpoint's head size (dim / n_heads) is \(size), but RoPE needs it even; "
        + "the file is damaged: \(Self.fix)"
    case .sizeMismatch(let expected, let actual, let shape):
      "the checkpoint header (\(shape)) needs \(expected) bytes but the file has \(actual): "
        + (actual < expected
          ? "it is truncated; download it again"
          : "\(actual - expected) bytes too many; \(Self.fix)")
    case .nonFiniteWeight(let tensor, let index):
      "the checkpoint's tensor \(tensor) holds a weight that is not a finite number (NaN or "
        + "infinite) at element \(index): the file is damaged; \(Self.fix)"
    case .vocabularyMismatch(let checkpoint, let tokenizer):
      "the checkpoint's vocabulary has \(checkpoint) tokens but the tokenizer has "
        + "\(tokenizer); use the tokenizer the checkpoint was trained with"
    }
  }
}
