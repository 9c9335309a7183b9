/// Why head roles could not be measured from a trace.
public enum HeadRolesError: Error, Equatable, CustomStringConvertible {
  /// The trace was recorded at `summary` detail: it has no attention weights.
  case summaryDetail
  /// The trace comes from an encoder-decoder, whose self-attention reads decoder tokens
  /// the patterns are not built for.
  case encoderDecoder
  /// Traces of models with different shapes cannot be pooled.
  case shapesDiffer(layers: Int, heads: Int)
  /// No trace was given.
  case noTrace

  /// What went wrong and how to fix it, on one line.
  public var description: String {
    switch self {
    case .summaryDetail:
      "the trace has no attention weights (it was recorded with --detail summary); head roles "
        + "are measured from the weights: record it again with --detail full"
    case .encoderDecoder:
      "head roles are measured on a decoder-only model's self-attention, and this trace comes "
        + "from an encoder-decoder; record a run without --arch encoder-decoder"
    case .shapesDiffer(let layers, let heads):
      "the traces come from models of different shapes (one has \(layers) layers × \(heads) "
        + "heads); measure each model's traces on their own"
    case .noTrace: "there is no trace to measure; give at least one"
    }
  }
}
