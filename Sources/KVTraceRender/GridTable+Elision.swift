import KVTrace

extension GridTable {
  /// The positions to draw, with `nil` where rows are elided, never more than
  /// `maxRows` entries: all of them when they fit, else the first two, the marker
  /// and the newest ones (the newest rows are where a step's news is).
  ///
  /// This is the rule when no weights say where the attention went (a trace at
  /// summary detail); ``visibleRows(length:maxRows:weights:)`` is the rule when they do.
  static func visibleRows(length: Int, maxRows: Int) -> [Int?] {
    guard length > maxRows else { return Array(0..<length) }
    guard maxRows >= 4 else {
      guard maxRows >= 2 else { return maxRows == 1 ? [length - 1] : [] }
      return [nil] + Array((length - maxRows + 1)..<length)
    }
    let tail = maxRows - 3
    return [0, 1, nil] + Array((length - tail)..<length)
  }

  /// The positions to draw when not all fit, chosen by the attention they carry:
  /// the rows with the largest weights stay, and every gap between them is one
  /// marker (`nil`). Never more than `maxRows` entries, markers included.
  ///
  /// Hiding rows must never hide where the query looked: a row left out carries
  /// no more weight than any row shown. Among equal weights (rows the query did
  /// not read count as below zero) the newer row stays.
  ///
  /// - Parameters:
  ///   - weights: The newest query's weight on each key position it read; `nil`
  ///     when the step recorded none, and the first-and-newest rule applies.
  static func visibleRows(length: Int, maxRows: Int, weights: [Int: Double]?) -> [Int?] {
    guard length > maxRows else { return Array(0..<length) }
    guard let weights, !weights.isEmpty else {
      return visibleRows(length: length, maxRows: maxRows)
    }
    let weight = (0..<length).map { weights[$0] ?? -1 }  // looked up once, not per comparison
    let ranked = (0..<length).sorted { a, b in
      let (wa, wb) = (weight[a], weight[b])
      return wa != wb ? wa > wb : a > b
    }
    var kept = max(0, maxRows)
    while kept > 0 {
      let rows = withMarkers(ranked.prefix(kept).sorted(), length: length)
      if rows.count <= maxRows { return rows }
      kept -= 1
    }
    return []
  }

  /// `rows` in order, with a marker before, between and after them wherever
  /// positions of `0..<length` are left out.
  static func withMarkers(_ rows: [Int], length: Int) -> [Int?] {
    var entries: [Int?] = []
    var next = 0
    for row in rows {
      if row > next { entries.append(nil) }
      entries.append(row)
      next = row + 1
    }
    if next < length { entries.append(nil) }
    return entries
  }

  /// The newest query's weight on each key it read, by position: what
  /// ``visibleRows(length:maxRows:weights:)`` keeps rows by.
  static func weights(of attention: AttentionEvent?) -> [Int: Double]? {
    guard let attention, let weights = attention.weights else { return nil }
    var byKey: [Int: Double] = [:]
    for (index, key) in attention.keys.enumerated() where index < weights.count {
      byKey[key] = Double(weights[index])
    }
    return byKey
  }
}

extension GridTable {
  /// The positions a table draws, with what each gap between them hides.
  struct Rows: Equatable {
    /// A run of rows left out, as its marker tells it.
    struct Gap: Equatable {
      /// How many rows.
      var count: Int
      /// Their share of the drawn query's weight; `nil` when the step kept no weights.
      var weight: Double?
    }

    /// The positions drawn in order, `nil` where rows are left out.
    var positions: [Int?]
    /// How many rows the table has in all.
    var length: Int
    /// The drawn query's weight on each key it read, if recorded.
    var weights: [Int: Double]?

    /// The rows `positions` draws of a table of `length` rows.
    init(positions: [Int?], length: Int, weights: [Int: Double]? = nil) {
      self.positions = positions
      self.length = length
      self.weights = weights
    }

    /// At most `maxRows` entries of a table of `length` rows: the rows carrying the
    /// most of `weights` when there are weights, else the first and the newest.
    init(length: Int, maxRows: Int, weights: [Int: Double]?) {
      self.init(
        positions: GridTable.visibleRows(length: length, maxRows: maxRows, weights: weights),
        length: length, weights: weights)
    }

    /// The rows the marker at `index` of ``positions`` stands for: those between the
    /// positions drawn before and after it.
    func gap(at index: Int) -> Gap {
      let before = positions[..<index].last { $0 != nil }.flatMap { $0 } ?? -1
      let after =
        positions[(index + 1)...].first { $0 != nil }.flatMap { $0 } ?? length
      let hidden = (before + 1)..<max(before + 1, after)
      return Gap(
        count: hidden.count,
        weight: weights.map { weights in hidden.reduce(0) { $0 + max(0, weights[$1] ?? 0) } })
    }
  }
}
