/// Which program, weights and tokenizer made a trace: what a checker needs to rerun it.
///
/// A file name says little (`model.bin` can be any model); a SHA-256 digest names the
/// exact bytes. The weights are a checkpoint file (`file stories15M.bin` and its digest),
/// kvtrace's trained default (`trained default …` and the digest its provenance records)
/// or random (`random seed 0`, no file, so no digest: the seed and kvtrace's version make
/// them again). The tokenizer is a `tokenizer.bin` (`file tokenizer.bin` and its digest) or
/// kvtrace's built-in `demo vocabulary`. Traces written before these fields existed have
/// none (``TraceHeader/identity`` is `nil`) and still read and replay.
public struct TraceIdentity: Sendable, Equatable, Hashable, Codable {
  /// The version of the kvtrace that wrote the trace, e.g. `0.1.0`.
  public var kvtrace: String
  /// Where the weights came from: `file NAME`, `trained default (…)` or `random seed S`.
  public var weights: String
  /// The SHA-256 of the weights file (64 hex digits), when the weights came from one.
  public var weightsSHA256: String?
  /// Where the tokenizer came from: `file NAME` or `demo vocabulary`.
  public var tokenizer: String
  /// The SHA-256 of the tokenizer file, when the tokenizer came from one.
  public var tokenizerSHA256: String?

  /// The version of this kvtrace, as a trace records it.
  public static let currentVersion = "0.1.0"

  /// Creates an identity; `kvtrace` defaults to this library's version.
  public init(
    weights: String, weightsSHA256: String? = nil, tokenizer: String,
    tokenizerSHA256: String? = nil, kvtrace: String = TraceIdentity.currentVersion
  ) {
    self.kvtrace = kvtrace
    self.weights = weights
    self.weightsSHA256 = weightsSHA256
    self.tokenizer = tokenizer
    self.tokenizerSHA256 = tokenizerSHA256
  }
}
