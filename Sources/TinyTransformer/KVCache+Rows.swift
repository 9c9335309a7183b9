import KVTrace

extension KVCache {
  /// One rows event per (layer, KV head), read from the cache's own record of
  /// which step wrote each row: written at `step` → fresh; earlier → reused.
  ///
  /// The trace does not guess where a row came from: a row is fresh exactly when
  /// this step wrote it into the cache.
  ///
  /// - Parameters:
  ///   - step: The step being recorded.
  ///   - length: How many positions, from 0, the step's attention could read.
  ///   - kind: Which attention the rows serve.
  func rowsEvents(step: Int, length: Int, kind: AttentionKind = .self) -> [RowsEvent] {
    var events: [RowsEvent] = []
    for layer in 0..<config.layers {
      var fresh = PositionSet()
      var reused = PositionSet()
      for position in 0..<length {
        guard let written = self.step(wroteLayer: layer, position: position) else { continue }
        if written == step { fresh.insert(position) } else { reused.insert(position) }
      }
      for kvHead in 0..<config.kvHeads {
        events.append(
          RowsEvent(
            step: step, layer: layer, kind: kind, kvHead: kvHead, fresh: fresh, reused: reused))
      }
    }
    return events
  }
}
