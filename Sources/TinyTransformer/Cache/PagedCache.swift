import KVTrace

/// A paged cache (vLLM's PagedAttention): every row is kept, stored in blocks of
/// `blockSize` positions found through a block table.
///
/// Before each step the policy reserves the blocks the step's new positions need
/// (a new block exactly when a position is the first of its block); the model then
/// writes each row into its block's slot, and attention reads each key back through
/// the table. Which physical block holds a position changes nothing a query
/// computes, so the policy is **exact**: the same rows as ``FullCache``, in other
/// places. What it changes is memory: the cache holds whole blocks, so up to
/// `blockSize - 1` slots of the last one are allocated but empty (internal
/// fragmentation).
public struct PagedCache: CachePolicy, Equatable {
  /// Positions per block, at least 1.
  public var blockSize: Int

  /// Creates the policy; `blockSize` must be at least 1.
  public init(blockSize: Int) { self.blockSize = max(1, blockSize) }

  /// `paged:B`, exact.
  public var info: CachePolicyInfo { CachePolicyKind.paged(blockSize: blockSize).info }

  /// A cache whose rows live in a pool of blocks.
  public func makeCache(config: ModelConfig) -> KVCache {
    KVCache(config: config, blockSize: blockSize)
  }

  /// The positions the cache does not hold yet, after reserving their blocks.
  public func positionsToCompute(sequenceLength: Int, cache: KVCache) -> Range<Int> {
    cache.reserve(length: sequenceLength)
    return min(cache.length, sequenceLength)..<sequenceLength
  }

  /// Keeps everything.
  public func retain(in cache: KVCache, sequenceLength: Int) -> Range<Int> { 0..<0 }
}
