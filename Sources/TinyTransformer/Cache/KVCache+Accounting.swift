import KVTrace

extension KVCache {
  /// Makes room for positions `0..<length` before the model runs them: a paged
  /// cache allocates the blocks they need and do not have yet, the way a paged
  /// engine's scheduler reserves slots; preallocated storage has room already.
  func reserve(length: Int) {
    storage.reserve(length: length)
  }

  /// The block table after `step` (or `nil` without one), with the blocks
  /// allocated and copied since the last call, which starts afresh.
  func takeBlocksEvent(step: Int, sequence: Int = 0) -> BlocksEvent? {
    storage.takeBlocksEvent(step: step, sequence: sequence)
  }

  /// The scales and rounding errors of the rows at `positions` of one (layer, KV
  /// head), when the storage rounds its rows (``Int8Cache``); `nil` otherwise.
  func quantizationEvent(step: Int, layer: Int, kvHead: Int, positions: PositionSet)
    -> QuantizationEvent?
  {
    storage.quantizationEvent(step: step, layer: layer, kvHead: kvHead, positions: positions)
  }

  /// How many positions, from 0, this sequence shares with another: rows it holds
  /// but never computed (see ``sharePrefix(_:of:)``).
  var sharedPrefix: Int { ledger.sharedPrefix }

  /// Takes over the first `length` positions of `other` (a paged cache over the same
  /// pool): shares its whole blocks, copies the block where they part, and holds
  /// those rows in every layer without computing them.
  func sharePrefix(_ length: Int, of other: KVCache) {
    guard let mine = storage as? PagedRows, let theirs = other.storage as? PagedRows, length > 0
    else { return }
    mine.table.share(length, of: theirs.table)
    ledger.markShared(length)
  }

  /// One rows event per (layer, KV head); see
  /// ``RowLedger/rowsEvents(step:length:kind:computed:evicted:)``.
  func rowsEvents(
    step: Int, length: Int, kind: AttentionKind = .self, computed: Range<Int> = 0..<0,
    evicted: PositionSet = PositionSet()
  ) -> [RowsEvent] {
    ledger.rowsEvents(step: step, length: length, kind: kind, computed: computed, evicted: evicted)
  }
}
