import KVTrace

/// A sliding window, optionally with attention sinks: the cache keeps the first
/// `sinks` positions forever and the last `window` positions, and forgets the rest.
///
/// `window:N` is a ring buffer of the last N positions (Mistral's sliding window);
/// `sinks:S,window:N` also pins the first S positions (StreamingLLM's *attention
/// sinks*: the first tokens soak up much of every head's attention, so dropping them
/// hurts more than dropping any other old row). Before the query at position `p`
/// attends, every row older than `p - N + 1` that is not a sink leaves the cache,
/// and the query attends only to the rows the cache still holds. That is what makes
/// the policy **approximate** (M15): the query no longer sees every earlier key,
/// so its attention, its logits and perhaps its token differ from a full cache's.
///
/// The cache keeps *absolute* positions: a key was rotated by its true position
/// (RoPE) before it was stored, and stays so after its neighbours leave. Nothing is
/// re-rotated or shifted; a window only forgets.
public struct SlidingWindow: CachePolicy, Equatable {
  /// How many of the first positions are pinned (0 for a plain window).
  public var sinks: Int
  /// How many of the newest positions are kept, the query's own included.
  public var window: Int

  /// Creates the policy; `window` must be at least 1 and `sinks` at least 0.
  public init(sinks: Int = 0, window: Int) {
    self.sinks = max(0, sinks)
    self.window = max(1, window)
  }

  /// `window:N` or `sinks:S,window:N`, approximate.
  public var info: CachePolicyInfo { CachePolicyKind.window(sinks: sinks, window: window).info }

  /// The positions a sequence of `length` keeps after its newest query: the sinks
  /// and the window.
  public func held(length: Int) -> PositionSet {
    let pinned = 0..<min(sinks, length)
    let recent = max(pinned.upperBound, length - window)..<max(pinned.upperBound, length)
    return PositionSet(ranges: [pinned, recent].filter { !$0.isEmpty })
  }

  /// The positions after the newest one the cache has seen.
  public func positionsToCompute(sequenceLength: Int, cache: KVCache) -> Range<Int> {
    min(cache.extent, sequenceLength)..<sequenceLength
  }

  /// Evicts the rows the query at `position` must not see: those outside the sinks
  /// and outside the window that ends at `position`.
  public func evict(before position: Int, in cache: KVCache) -> PositionSet {
    let keep = held(length: position + 1)
    var gone = PositionSet()
    for old in 0..<min(position, cache.extent) where !keep.contains(old) {
      if cache.holds(layer: 0, position: old) { gone.insert(old) }
    }
    for range in gone.ranges { cache.evict(range) }
    return gone
  }

  /// Keeps what is held: eviction happens before each query, not after the step.
  public func retain(in cache: KVCache, sequenceLength: Int) -> Range<Int> { 0..<0 }
}
