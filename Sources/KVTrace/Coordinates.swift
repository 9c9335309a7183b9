/// The part of decoding a step belongs to.
///
/// *Prefill* runs every prompt position through every layer at once (there is
/// no shortcut: layer l+1's keys for a prompt token depend on layer l's attention
/// output for that token). *Decode* then processes one new position per step.
/// *Encode* is the encoder of an encoder-decoder model, which runs once.
public enum Phase: String, Sendable, Equatable, Hashable, Codable, CaseIterable {
  case encode
  case prefill
  case decode
}

/// Which attention a key/value row serves.
///
/// Decoder-only models have only self-attention. An encoder-decoder decoder layer
/// has two caches: self-attention rows that grow by one per step, and
/// cross-attention rows projected from the encoder output, whose count is fixed
/// at the source length.
public enum AttentionKind: String, Sendable, Equatable, Hashable, Codable, CaseIterable {
  case `self`
  case cross
}

/// How much a trace records.
///
/// `summary` keeps every fact about which rows were computed or reused, and
/// drops the per-key scores and weights; `full` keeps those too; `vectors` keeps
/// also the numbers a checker needs to redo the arithmetic: each query's `q` and
/// attention output, the fresh K and V rows (and an int8 cache's codes and the rows
/// read back), and each step's logits.
public enum TraceDetail: String, Sendable, Equatable, Hashable, Codable, CaseIterable {
  case summary
  case full
  case vectors

  /// Whether attention events carry their scores and weights (`full` and `vectors`).
  public var keepsScores: Bool { self != .summary }
  /// Whether the trace keeps the vectors: q, outputs, K/V rows, logits (`vectors`).
  public var keepsVectors: Bool { self == .vectors }
}

/// Where a key/value row came from at one step, as the renderer draws it.
public enum RowSource: String, Sendable, Equatable, Hashable, Codable, CaseIterable {
  /// Computed at this step by projecting this position's hidden state.
  case fresh
  /// Read back from the cache: computed at an earlier step.
  case reused
  /// Part of the sequence, but the cache holds no row for it (evicted earlier, or never kept).
  case notCached
  /// Left the cache at this step: a window forgot it, so no later query can read it.
  case evicted
}
