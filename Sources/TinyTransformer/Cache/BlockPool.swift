import KVTrace

/// The pool a paged cache takes its blocks from: the K/V storage of every block, a
/// free list, and a reference count per block.
///
/// A block holds `blockSize` positions of every layer: physical block `b` of layer
/// `l` starts at `(l · capacity + b) · blockSize · kvDim` in ``keys`` and ``values``.
/// Two sequences may hold the same block (a shared prompt prefix); its reference
/// count says how many do, and a block is free again only when none does.
///
/// The pool hands out blocks from the *end* of its free list, as a stack (vLLM's
/// first block allocator popped its free list the same way), so the first block a
/// sequence gets is the highest-numbered. Any order would do (that is the point of a
/// block table); this one is deterministic, and it keeps the indirection visible:
/// logical never equals physical by accident.
final class BlockPool {
  // A class: two sequences share one pool, and it owns the storage, freed exactly once.
  /// Positions per block.
  let blockSize: Int
  /// Blocks in the pool.
  let capacity: Int
  let keys: UnsafeMutableBufferPointer<Float>  // [layers, capacity, blockSize, kvDim]
  let values: UnsafeMutableBufferPointer<Float>  // [layers, capacity, blockSize, kvDim]
  /// How many sequences hold each physical block (0: free).
  private(set) var references: [Int]  // [capacity]
  private var free: [Int]
  private let layers: Int
  private let kvDim: Int

  /// A pool of `capacity` free blocks of `blockSize` positions for a model's layers.
  init(blockSize: Int, capacity: Int, config: ModelConfig) {
    self.blockSize = max(1, blockSize)
    self.capacity = max(1, capacity)
    layers = config.layers
    kvDim = config.kvDim
    let count = max(1, config.layers * self.capacity * self.blockSize * config.kvDim)
    keys = AlignedFloats.zeroed(count)  // rows on cache-line boundaries
    values = AlignedFloats.zeroed(count)
    references = Array(repeating: 0, count: self.capacity)
    free = Array(0..<self.capacity)
  }

  deinit {
    keys.deallocate()
    values.deallocate()
  }

  /// Blocks held by at least one sequence.
  var inUse: Int { capacity - free.count }

  /// Takes a free block (the last of the free list), held once; `nil` when none is left.
  func allocate() -> Int? {
    guard let block = free.popLast() else { return nil }
    references[block] = 1
    return block
  }

  /// One more sequence holds `block`.
  func share(_ block: Int) { references[block] += 1 }

  /// The offset of `slot` of physical `block` in `layer`.
  func offset(layer: Int, block: Int, slot: Int) -> Int {
    ((layer * capacity + block) * blockSize + slot) * kvDim
  }

  /// Copies the first `slots` rows of block `from` into block `to`, keys and values,
  /// in every layer: the common rows of a block two sequences part in.
  func copy(from: Int, to: Int, slots: Int) {
    for layer in 0..<layers {
      let source = offset(layer: layer, block: from, slot: 0)
      let target = offset(layer: layer, block: to, slot: 0)
      let count = slots * kvDim  // [slots, kvDim]
      (keys.baseAddress! + target).update(from: keys.baseAddress! + source, count: count)
      (values.baseAddress! + target).update(from: values.baseAddress! + source, count: count)
    }
  }
}
