import KVTrace

/// Where each position's row starts, counted in floats from its layer's first row,
/// and the scratch a query with holes reads through.
///
/// Attention reads row `i` at `keys + offsets[i]`: a plain table, so its inner loop
/// is the same for every storage. Contiguous rows sit at `position × kvDim`; paged
/// rows wherever their block is; a window's holes leave a shorter list, gathered
/// here once per query.
final class RowOffsets {
  // A class: it owns two raw tables, freed exactly once.
  /// `slot[p]`: where position `p`'s row starts, in floats from the layer's base.
  let slot: UnsafeMutablePointer<Int>  // [capacity]
  private let gathered: UnsafeMutablePointer<Int>  // [capacity], a query's rows when holes
  let capacity: Int

  /// Offsets for `capacity` positions, `p × kvDim` each (rows one after another).
  init(capacity: Int, kvDim: Int) {
    self.capacity = max(1, capacity)
    slot = .allocate(capacity: self.capacity)
    gathered = .allocate(capacity: self.capacity)
    for p in 0..<self.capacity { slot[p] = p * kvDim }
    gathered.initialize(repeating: 0, count: self.capacity)
  }

  deinit {
    slot.deallocate()
    gathered.deallocate()
  }

  /// The rows at `held`, for a layer whose rows count from `keys` and `values`.
  func rows(keys: UnsafePointer<Float>, values: UnsafePointer<Float>, held: HeldRows)
    -> Attention.Rows
  {
    switch held {
    case .first(let count):
      return Attention.Rows(keys: keys, values: values, offsets: slot, count: count)
    case .only(let positions):
      for (i, p) in positions.enumerated() { gathered[i] = slot[p] }
      return Attention.Rows(
        keys: keys, values: values, offsets: gathered, count: positions.count,
        positions: positions)
    }
  }
}
