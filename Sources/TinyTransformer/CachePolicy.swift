import KVTrace

/// Decides what the model computes at each step and what the cache keeps after it.
///
/// The model asks the policy which positions to run (everything the cache does
/// not already hold), runs them, and hands the cache back to the policy to
/// trim. Two policies ship with this version: ``NoCache`` (the "before"
/// picture: recompute everything) and ``FullCache`` (keep every row).
public protocol CachePolicy: Sendable {
  /// The policy's name, exactness and one-line summary, as the trace records it.
  var info: CachePolicyInfo { get }
  /// The positions to run through the model at this step, given the sequence
  /// length and what the cache holds.
  func positionsToCompute(sequenceLength: Int, cache: KVCache) -> Range<Int>
  /// Trims the cache after a step; returns the positions it evicted.
  func retain(in cache: KVCache, sequenceLength: Int) -> Range<Int>
}

/// No cache: every step recomputes the keys and values of every position.
///
/// This is what a transformer does if nobody adds a cache (picoGPT's `generate`):
/// step `t` runs all `P + t` positions through every layer again, although only
/// the newest one is new. It is exact, and wasteful.
public struct NoCache: CachePolicy {
  /// Creates the policy.
  public init() {}
  /// `none`, exact.
  public var info: CachePolicyInfo {
    CachePolicyInfo(
      name: "none", exact: true,
      summary: "every step recomputes K and V for every position")
  }
  /// All positions, every step.
  public func positionsToCompute(sequenceLength: Int, cache: KVCache) -> Range<Int> {
    0..<sequenceLength
  }
  /// Forgets everything: nothing is kept between steps.
  public func retain(in cache: KVCache, sequenceLength: Int) -> Range<Int> {
    cache.removeAll()
    return 0..<0
  }
}

/// A full cache: every row computed once, kept, and read back at every later step.
///
/// After the prefill, each decode step computes the keys and values of the one
/// new position per layer and KV head, and reuses all earlier rows. It is exact:
/// a cached row is bit for bit the row a recomputation would produce.
public struct FullCache: CachePolicy {
  /// Creates the policy.
  public init() {}
  /// `full`, exact.
  public var info: CachePolicyInfo {
    CachePolicyInfo(
      name: "full", exact: true,
      summary: "each row is computed once and reused at every later step")
  }
  /// Only the positions the cache does not hold yet.
  public func positionsToCompute(sequenceLength: Int, cache: KVCache) -> Range<Int> {
    min(cache.length, sequenceLength)..<sequenceLength
  }
  /// Keeps everything.
  public func retain(in cache: KVCache, sequenceLength: Int) -> Range<Int> { 0..<0 }
}

/// Looks up a policy by its `--cache` name.
public enum CachePolicies {
  /// The names `--cache` accepts, with one line each.
  public static let all: [(name: String, summary: String)] = [
    (NoCache().info.name, NoCache().info.summary),
    (FullCache().info.name, FullCache().info.summary),
  ]

  /// The policy called `name`, or `nil` if there is none.
  public static func named(_ name: String) -> (any CachePolicy)? {
    switch name {
    case "none": NoCache()
    case "full": FullCache()
    default: nil
    }
  }
}
