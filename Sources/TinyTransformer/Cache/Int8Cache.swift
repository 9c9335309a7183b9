import KVTrace

/// A full cache whose rows are stored as int8: one byte per value and a 4-byte
/// scale per row, instead of four bytes per value.
///
/// It keeps and reuses rows exactly as ``FullCache`` does (one fresh row per layer
/// and KV head per decode step), but a row is rounded when it is stored (see
/// ``Int8Quantization``), and every later query reads the rounded row back. The
/// scores, the weights and so the logits move a little; the token may change.
/// That makes it **approximate** (M15), unlike ``FullCache``: a smaller cache is
/// not free. With head size 8 a row takes 8 + 4 bytes instead of 32.
public struct Int8Cache: CachePolicy, Equatable {
  /// Creates the policy.
  public init() {}

  /// `int8`, approximate.
  public var info: CachePolicyInfo { CachePolicyKind.int8.info }

  /// A cache that stores rows as bytes and a scale.
  public func makeCache(config: ModelConfig) -> KVCache { KVCache(config: config, quantized: true) }

  /// Only the positions the cache does not hold yet, as ``FullCache``.
  public func positionsToCompute(sequenceLength: Int, cache: KVCache) -> Range<Int> {
    min(cache.length, sequenceLength)..<sequenceLength
  }

  /// Keeps everything.
  public func retain(in cache: KVCache, sequenceLength: Int) -> Range<Int> { 0..<0 }
}
