/// Which cache policy a run used, as a value every module can switch on.
///
/// A trace file stores a policy as its `--cache` name (`full`, `window:4`,
/// `sinks:2,window:4`, `paged:4`, `int8`); this enum is that name parsed once.
/// The model builds its policy from it, the trace header carries it, and the
/// renderers and the oracle `switch` over it without a `default:` case, so a new
/// policy does not compile until every place that must treat it does.
public enum CachePolicyKind: Sendable, Hashable {
  /// No cache: every step recomputes every position (exact).
  case none
  /// Every row computed once and kept (exact).
  case full
  /// The last `window` positions, and the first `sinks` pinned (approximate).
  case window(sinks: Int, window: Int)
  /// Every row, in blocks of `blockSize` positions found through a block table (exact).
  case paged(blockSize: Int)
  /// Every row, rounded to int8 bytes with one float scale per row (approximate).
  case int8

  /// The name `--cache` takes and a trace records, e.g. `sinks:2,window:4`.
  public var name: String {
    switch self {
    case .none: "none"
    case .full: "full"
    case .window(0, let window): "window:\(window)"
    case .window(let sinks, let window): "sinks:\(sinks),window:\(window)"
    case .paged(let blockSize): "paged:\(blockSize)"
    case .int8: "int8"
    }
  }

  /// Whether the policy gives the same tokens as no cache at all.
  public var isExact: Bool {
    switch self {
    case .none, .full, .paged: true
    case .window, .int8: false
    }
  }

  /// One sentence on what the policy keeps, as the trace header records it.
  public var summary: String {
    switch self {
    case .none: "every step recomputes K and V for every position"
    case .full: "each row is computed once and reused at every later step"
    case .window(0, let window):
      "keeps the last \(window) positions; older rows are evicted and no longer attended"
    case .window(let sinks, let window):
      "pins the first \(sinks) positions (attention sinks) and keeps the last \(window); the "
        + "rows between are evicted"
    case .paged(let blockSize):
      "keeps every row, in blocks of \(blockSize) \(blockSize == 1 ? "position" : "positions") "
        + "allocated on demand from a pool and found through a block table"
    case .int8:
      "each row is computed once, stored as int8 bytes with one float scale per row, and read "
        + "back rounded"
    }
  }

  /// The name, exactness and summary the trace header records.
  public var info: CachePolicyInfo {
    CachePolicyInfo(kind: self, exact: isExact, summary: summary)
  }
}
