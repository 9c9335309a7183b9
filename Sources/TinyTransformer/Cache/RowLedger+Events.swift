import KVTrace

extension RowLedger {
  /// One rows event per (layer, KV head), read from the ledger: written at `step` →
  /// fresh; earlier → reused. Rows of a prefix shared with another sequence are
  /// reused, and marked shared: this sequence never computed them.
  ///
  /// A row a window computed and then evicted within the same step (an early prompt
  /// position, during a long prefill) was computed all the same: it is fresh *and*
  /// evicted, so the rows computed still count every prompt token (M6).
  ///
  /// - Parameters:
  ///   - step: The step being recorded.
  ///   - length: How many positions, from 0, the step's attention could read.
  ///   - kind: Which attention the rows serve.
  ///   - computed: The positions this step ran.
  ///   - evicted: The positions evicted during this step, before its queries.
  func rowsEvents(
    step: Int, length: Int, kind: AttentionKind = .self, computed: Range<Int> = 0..<0,
    evicted: PositionSet = PositionSet()
  ) -> [RowsEvent] {
    var events: [RowsEvent] = []
    for layer in 0..<layers {
      var fresh = PositionSet()
      for position in evicted where computed.contains(position) {
        fresh.insert(position)
      }
      var reused = PositionSet()
      for position in 0..<length {
        guard let written = self.step(wroteLayer: layer, position: position) else { continue }
        if written == step, position >= sharedPrefix {
          fresh.insert(position)
        } else {
          reused.insert(position)
        }
      }
      let shared = PositionSet(0..<min(sharedPrefix, length))  // another sequence computed these
      for kvHead in 0..<kvHeads {
        events.append(
          RowsEvent(
            step: step, layer: layer, kind: kind, kvHead: kvHead, fresh: fresh, reused: reused,
            shared: shared))
      }
    }
    return events
  }
}
