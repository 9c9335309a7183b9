import KVTrace

/// Where a cache keeps the numbers of its K/V rows: the one place that says where
/// a row is written and where a query reads it back.
///
/// Three kinds of storage keep the same rows in three layouts, and the model sees
/// none of the difference:
/// - ``ContiguousRows``: llama2.c's `key_cache[layer][position][kvDim]`, a row
///   at a fixed offset per position (``FullCache``, ``NoCache``, ``SlidingWindow``,
///   and the encoder-decoder's self- and cross-attention caches);
/// - ``PagedRows``: rows in blocks of a pool, found through a block table
///   (``PagedCache``);
/// - ``Int8Rows``: rows rounded to bytes and a scale per KV head (``Int8Cache``).
///
/// The model computes a fresh row straight into ``slots(layer:position:)`` (after
/// rotating the key), then calls ``store(layer:position:)``; attention reads the
/// rows a query may see through ``rows(layer:held:)``, which hands back one
/// ``Attention/Rows`` value: a base pointer and a table of row offsets. Which rows
/// are held, and which step wrote them, is not the storage's business but the
/// ``RowLedger``'s.
///
/// Each call serves a whole row (all KV heads of one layer and position), never a
/// single number: attention's inner loop reads plain pointers, whatever the storage.
protocol KVStorage: AnyObject {
  /// Where the model writes the fresh key and value rows of `(layer, position)`,
  /// `[kvDim]` each: their slots in the storage, or a staging row to be rounded.
  func slots(layer: Int, position: Int) -> (
    key: UnsafeMutablePointer<Float>, value: UnsafeMutablePointer<Float>
  )
  /// Keeps the rows just written into ``slots(layer:position:)``.
  func store(layer: Int, position: Int)
  /// The rows of `layer` at the `held` positions, where attention reads them.
  func rows(layer: Int, held: HeldRows) -> Attention.Rows
  /// The bytes the storage holds when the ledger counts `rowsHeld` (layer, position) rows.
  func bytesHeld(rowsHeld: Int) -> Int
  /// Makes room for positions `0..<length` before the model runs them.
  func reserve(length: Int)
  /// The scales and rounding errors of the rows at `positions` of one (layer, KV
  /// head), if the storage rounds its rows.
  func quantizationEvent(step: Int, layer: Int, kvHead: Int, positions: PositionSet)
    -> QuantizationEvent?
  /// The block table after `step`, if the storage has one, with the blocks
  /// allocated and copied since the last call, which starts afresh.
  func takeBlocksEvent(step: Int, sequence: Int) -> BlocksEvent?
}

extension KVStorage {
  /// Float rows are kept as written.
  func store(layer: Int, position: Int) {}
  /// Preallocated storage has room for every position.
  func reserve(length: Int) {}
  /// Float rows are not rounded.
  func quantizationEvent(step: Int, layer: Int, kvHead: Int, positions: PositionSet)
    -> QuantizationEvent?
  { nil }
  /// No block table.
  func takeBlocksEvent(step: Int, sequence: Int) -> BlocksEvent? { nil }
}
