import KVTrace

extension TinyTransformer {
  /// The positions of one step run together (see
  /// ``forward(tokens:positions:step:cache:scratch:report:events:)``), recorded exactly as
  /// one at a time records them: the same evictions (none: the policy is exact), the same
  /// FLOP counts, and each position's attention events in position order.
  func runBatch(
    step: Int, tokens: [Int], positions: Range<Int>, policy: some CachePolicy, cache: KVCache,
    scratch: Scratch, account: inout StepAccounting, evicted: inout PositionSet,
    recorder: inout some TraceRecorder
  ) {
    for position in positions {
      for gone in policy.evict(before: position, in: cache) { evicted.insert(gone) }
    }
    var events = [[AttentionEvent]](repeating: [], count: positions.count)
    forward(
      tokens: tokens, positions: positions, step: step, cache: cache, scratch: scratch,
      report: &account.report, events: &events)
    guard account.recording else { return }
    for (i, position) in positions.enumerated() {
      // The rows the query read: those held through it, itself now among them (one at a
      // time counts the held rows before it is written, plus itself: the same number).
      let keys = cache.heldCount(layer: 0, through: position)
      account.flops += FLOPCount.position(position, keys: min(keys, position + 1), config: config)
      account.report?.events = events[i]
      account.flushAttention(to: &recorder)
    }
  }
}
