import KVTrace

/// Decides what the model computes at each step and what the cache keeps after it.
///
/// The model asks the policy which positions to run (everything the cache does
/// not already hold), runs them, and hands the cache back to the policy to
/// trim. ``NoCache`` is the "before" picture (recompute everything),
/// ``FullCache`` keeps every row, and ``PagedCache`` keeps every row in blocks found
/// through a block table; all three are **exact**. ``SlidingWindow`` (a window,
/// optionally with attention sinks) forgets old rows before a query reads them, and
/// is **approximate**: it may change the tokens (M15); so is ``Int8Cache``, which
/// keeps every row but rounds it to bytes.
public protocol CachePolicy: Sendable {
  /// The policy's name, exactness and one-line summary, as the trace records it.
  var info: CachePolicyInfo { get }
  /// The positions to run through the model at this step, given the sequence
  /// length and what the cache holds.
  func positionsToCompute(sequenceLength: Int, cache: KVCache) -> Range<Int>
  /// Trims the cache after a step; returns the positions it evicted.
  func retain(in cache: KVCache, sequenceLength: Int) -> Range<Int>
  /// Drops the rows the query at `position` must not see, before it is computed;
  /// returns the positions dropped. Only approximate policies drop anything here.
  func evict(before position: Int, in cache: KVCache) -> PositionSet
  /// An empty cache laid out for this policy: contiguous float rows, blocks
  /// (``PagedCache``) or int8 rows (``Int8Cache``).
  func makeCache(config: ModelConfig) -> KVCache
}

extension CachePolicy {
  /// Contiguous rows, llama2.c's layout.
  public func makeCache(config: ModelConfig) -> KVCache { KVCache(config: config) }

  /// Drops nothing: an exact policy lets every query see every earlier key.
  public func evict(before position: Int, in cache: KVCache) -> PositionSet { PositionSet() }
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
  public var info: CachePolicyInfo { CachePolicyKind.none.info }
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
  public var info: CachePolicyInfo { CachePolicyKind.full.info }
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
  public static let all: [(name: String, summary: String)] = CachePolicyKind.catalog

  /// The policy called `name`, or `nil` if there is none.
  public static func named(_ name: String) -> (any CachePolicy)? {
    try? parse(name)
  }

  /// The policy called `name`.
  ///
  /// - Throws: ``KVTrace/CachePolicyError`` naming what is wrong with `name` and a value that works.
  public static func parse(_ name: String) throws(CachePolicyError) -> any CachePolicy {
    make(try CachePolicyKind(parsing: name))
  }

  /// The policy a kind names.
  public static func make(_ kind: CachePolicyKind) -> any CachePolicy {
    switch kind {
    case .none: NoCache()
    case .full: FullCache()
    case .window(let sinks, let window): SlidingWindow(sinks: sinks, window: window)
    case .paged(let blockSize): PagedCache(blockSize: blockSize)
    case .int8: Int8Cache()
    }
  }
}
