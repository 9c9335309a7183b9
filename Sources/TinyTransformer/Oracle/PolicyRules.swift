import KVTrace

/// What one cache policy promises about a run's rows, blocks and bytes: the oracle's one
/// rule set per policy.
///
/// The rules are chosen by an exhaustive `switch` over ``KVTrace/CachePolicyKind``, so a
/// new policy does not compile until the oracle knows what it promises. They are written
/// from the policy's definition, not from the cache's code: the oracle holds a run to what
/// the policy says, whatever the cache did.
struct PolicyRules: Equatable {
  /// Which rows a step keeps, computes and evicts.
  enum Rows: Equatable {
    /// Every step computes every row of the sequence and keeps none (`none`).
    case recomputeAll
    /// Every row is computed once and kept (`full`, `paged:B`, `int8`).
    case keepAll
    /// The first `sinks` and the last `window` rows are kept; the rows between are evicted.
    case window(sinks: Int, window: Int)
  }

  /// The rows rule.
  let rows: Rows
  /// The block size of a paged cache, whose block table the oracle checks too.
  let blockSize: Int?
  /// Whether every fresh row is rounded to int8, with its scales and errors recorded.
  let quantizes: Bool

  /// The rules of `kind` in a decoder-only model.
  init(_ kind: CachePolicyKind) {
    switch kind {
    case .none: (rows, blockSize, quantizes) = (.recomputeAll, nil, false)
    case .full: (rows, blockSize, quantizes) = (.keepAll, nil, false)
    case .window(let sinks, let window):
      (rows, blockSize, quantizes) = (.window(sinks: sinks, window: window), nil, false)
    case .paged(let blockSize): (rows, self.blockSize, quantizes) = (.keepAll, blockSize, false)
    case .int8: (rows, blockSize, quantizes) = (.keepAll, nil, true)
    }
  }

  /// The rules of `kind` in the encoder-decoder's decoder, or `nil` for a policy it does
  /// not support: it keeps its self-attention rows by the exact, contiguous rules only.
  static func encoderDecoder(_ kind: CachePolicyKind) -> PolicyRules? {
    Architecture.encoderDecoder.supports(kind) ? PolicyRules(kind) : nil
  }

  /// The rows a step of a sequence of `n` positions must compute, reuse, evict and share.
  ///
  /// - Parameters:
  ///   - first: Whether this is the sequence's first step (its prefill).
  ///   - n: The sequence's length at this step.
  ///   - sharedPrefix: How many leading rows the sequence took from another one (prefix
  ///     sharing): its first step computes only the rows after them, and reuses them.
  func expected(first: Bool, length n: Int, sharedPrefix: Int = 0) -> ExpectedRows {
    let shared = PositionSet(0..<sharedPrefix)
    switch rows {
    case .recomputeAll:
      return ExpectedRows(fresh: PositionSet(0..<n))
    case .keepAll:
      let start = first ? sharedPrefix : n - 1
      return ExpectedRows(
        fresh: PositionSet(start..<n), reused: PositionSet(0..<start), shared: shared)
    case .window(let sinks, let window):
      let held = Self.held(sinks: sinks, window: window, length: n)
      guard !first else {
        let all = PositionSet(0..<n)
        return ExpectedRows(fresh: all, evicted: PositionSet(all.filter { !held.contains($0) }))
      }
      let before = Self.held(sinks: sinks, window: window, length: n - 1)
      return ExpectedRows(
        fresh: PositionSet((n - 1)..<n), reused: PositionSet(held.filter { $0 != n - 1 }),
        evicted: PositionSet(before.filter { !held.contains($0) }))
    }
  }

  /// The rows a window holds once the sequence has `n` positions: the first `sinks` and
  /// the last `window`.
  static func held(sinks: Int, window: Int, length n: Int) -> PositionSet {
    let pinned = 0..<min(sinks, n)
    let recent = max(pinned.upperBound, n - window)..<max(pinned.upperBound, n)
    return PositionSet(ranges: [pinned, recent].filter { !$0.isEmpty })
  }
}

/// The rows one rows event must hold.
struct ExpectedRows: Equatable {
  var fresh: PositionSet
  var reused = PositionSet()
  var evicted = PositionSet()
  var shared = PositionSet()

  /// A problem when `rows` is missing or differs, naming it by `label`.
  ///
  /// Evicted and shared rows are named only when either side has some, so a message shows
  /// what the policy is about.
  func mismatch(_ rows: RowsEvent?, _ label: String) -> String? {
    guard let rows else { return "\(label): no rows" }
    let actual = ExpectedRows(
      fresh: rows.fresh, reused: rows.reused, evicted: rows.evicted, shared: rows.shared)
    guard actual != self else { return nil }
    return "\(label): \(actual.listed(like: self)), expected \(listed(like: actual))"
  }

  /// `fresh [..] reused [..]`, then `evicted` and `shared` when either side has any.
  private func listed(like other: ExpectedRows) -> String {
    var parts = ["fresh \(Array(fresh))", "reused \(Array(reused))"]
    if !evicted.isEmpty || !other.evicted.isEmpty { parts.append("evicted \(Array(evicted))") }
    if !shared.isEmpty || !other.shared.isEmpty { parts.append("shared \(Array(shared))") }
    return parts.joined(separator: " ")
  }
}
