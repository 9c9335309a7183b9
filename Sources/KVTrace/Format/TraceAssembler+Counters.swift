// A step's counters, each bounded by what the model's shape allows.

extension TraceAssembler {
  /// The `counters` event: K/V rows (self and cross) and cache bytes within what a step of
  /// this model can touch, so that no file's count overflows a renderer's sum; FLOPs are only
  /// checked to be non-negative (the renderers add them with saturation).
  func counters(_ o: ObjectReader, _ s: StepBegan) throws(TraceProblem) -> StepCounters {
    /// A cross-attention count: absent (0) except at an encoder-decoder's decoder steps.
    func cross(_ key: String) throws(TraceProblem) -> Int {
      o.optional(key) == nil ? 0 : try rows(key)
    }
    // A step touches each position's K/V row once per layer and head, self and cross at most:
    // bounds that keep every sum a renderer makes far from overflowing.
    let maxRows = 2 * model.contextLength * model.layers * model.heads
    func rows(_ key: String) throws(TraceProblem) -> Int {
      try o.int(
        key, in: 0...maxRows,
        "a step has at most \(maxRows) K/V rows (2 × context × layers × heads)")
    }
    let maxBytes = 16 * maxRows * model.headSize * MemoryLayout<Float>.size
    return StepCounters(
      step: try sameStep(o, s), rowsComputed: try rows("rowsComputed"),
      rowsReused: try rows("rowsReused"), flops: try o.int("flops"),
      flopsWithoutCache: try o.int("flopsWithoutCache"),
      cacheBytes: try o.int(
        "cacheBytes", in: 0...maxBytes, "a cache of this shape holds at most \(maxBytes) bytes"),
      crossRowsComputed: try cross("crossRowsComputed"),
      crossRowsReused: try cross("crossRowsReused"), sequence: s.sequence)
  }
}
