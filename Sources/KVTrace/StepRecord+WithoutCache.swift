extension StepRecord {
  /// The same step as a run without a cache would have done it, derived from this record.
  ///
  /// Without a cache nothing survives from one step to the next, so every position
  /// of the sequence is run through every layer again: every self-attention row of
  /// positions `0..<sequenceLength` is fresh and none is reused. Cross-attention
  /// rows (encoder-decoder) are recomputed from the encoder output, so the rows a
  /// cache served become fresh too. The attention of the step's queries is kept as
  /// recorded: an exact cache gives the newest query the same keys, scores and
  /// weights a recomputation would.
  ///
  /// The counters follow: every row counted as computed, none reused, the step's
  /// FLOPs are its `flopsWithoutCache`, and the cache holds nothing.
  ///
  /// - Returns: A record whose rows and counters describe the no-cache step.
  public func withoutCache() -> StepRecord {
    var record = StepRecord(began: began)
    let everyPosition = PositionSet(0..<began.sequenceLength)
    record.rows = rows.map { rows in
      var recomputed = rows
      switch rows.kind {
      case .self: recomputed.fresh = everyPosition
      case .cross: recomputed.fresh = PositionSet(ranges: rows.fresh.ranges + rows.reused.ranges)
      }
      recomputed.reused = PositionSet()
      recomputed.evicted = PositionSet()
      return recomputed
    }
    record.attention = attention
    record.token = token
    if let counters {
      record.counters = StepCounters(
        step: counters.step, rowsComputed: record.rows.reduce(0) { $0 + $1.fresh.count },
        rowsReused: 0, flops: counters.flopsWithoutCache,
        flopsWithoutCache: counters.flopsWithoutCache, cacheBytes: 0,
        crossRowsComputed: record.rows.reduce(0) { $0 + ($1.kind == .cross ? $1.fresh.count : 0) })
    }
    return record
  }
}
