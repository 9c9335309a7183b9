import KVTrace

/// How many bytes a cache holds: every storage's formula, in one place.
///
/// The trace's `cacheBytes` counter is one of these, per step. Keys and values
/// count alike, so each formula has a factor 2.
enum CacheBytes {
  /// Float rows: 2 × rows × kvDim × 4, one row being one (layer, position).
  static func floatRows(_ rows: Int, config c: ModelConfig) -> Int {
    rows * 2 * c.kvDim * MemoryLayout<Float>.size
  }

  /// Int8 rows: for K and V, each KV head's `headSize` bytes and its 4-byte scale,
  /// 2 × rows × kvHeads × (headSize + 4).
  static func int8Rows(_ rows: Int, config c: ModelConfig) -> Int {
    rows * 2 * c.kvHeads * (c.headSize + MemoryLayout<Float>.size)
  }

  /// Paged blocks: whole blocks, empty slots of the last one included (internal
  /// fragmentation), 2 × blocks × blockSize × layers × kvDim × 4. With two
  /// sequences over one pool, that is the pool's memory, each shared block once.
  static func pagedBlocks(_ blocks: Int, blockSize: Int, config c: ModelConfig) -> Int {
    blocks * blockSize * c.layers * 2 * c.kvDim * MemoryLayout<Float>.size
  }
}
