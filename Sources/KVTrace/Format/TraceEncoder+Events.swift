/// The event objects, one function per event type.
extension TraceEncoder {
  /// A `stepBegan` event after its `"type":`, the fields in ``EventFields``' order.
  static func writeStepBegan(_ e: StepBegan, _ w: inout JSONWriter) {
    w.string("stepBegan")
    w.field("step", e.step)
    sequence(e.sequence, &w)
    w.field("phase", e.phase.rawValue)
    w.key("queries")
    w.beginArray()
    w.int(e.queries.lowerBound)
    w.int(e.queries.upperBound)
    w.endArray()
    w.field("sequenceLength", e.sequenceLength)
  }

  /// A `rows` event after its `"type":`, the fields in ``EventFields``' order.
  static func writeRows(_ e: RowsEvent, _ w: inout JSONWriter) {
    w.string("rows")
    layerCoordinates(e.step, e.sequence, e.layer, e.kind, &w)
    w.field("kvHead", e.kvHead)
    positions("fresh", e.fresh, &w)
    positions("reused", e.reused, &w)
    positions("evicted", e.evicted, &w)
    if !e.shared.isEmpty { positions("shared", e.shared, &w) }  // another sequence's rows
    if let keys = e.keys { floats("keys", keys, &w) }  // vectors detail: [fresh, headSize]
    if let values = e.values { floats("values", values, &w) }
  }

  /// An `attention` event after its `"type":`, the fields in ``EventFields``' order.
  static func writeAttention(_ e: AttentionEvent, _ w: inout JSONWriter) {
    w.string("attention")
    layerCoordinates(e.step, e.sequence, e.layer, e.kind, &w)
    w.field("head", e.head)
    w.field("kvHead", e.kvHead)
    w.field("query", e.query)
    positions("keys", e.keys, &w)
    if let scores = e.scores { floats("scores", scores, &w) }
    if let weights = e.weights { floats("weights", weights, &w) }
    if let q = e.q { floats("q", q, &w) }  // vectors detail: [headSize] each
    if let output = e.output { floats("output", output, &w) }
  }

  /// A `token` event after its `"type":`, the fields in ``EventFields``' order.
  static func writeToken(_ e: TokenEvent, _ w: inout JSONWriter) {
    w.string("token")
    w.field("step", e.step)
    sequence(e.sequence, &w)
    w.field("position", e.position)
    w.key("chosen")
    candidate(e.chosen, &w)
    w.key("candidates")
    w.beginArray()
    for c in e.candidates { candidate(c, &w) }
    w.endArray()
    if let logits = e.logits { floats("logits", logits, &w) }  // vectors detail
    if let tokens = e.logitTokens { ints("logitTokens", tokens, &w) }  // when only the top K
  }

  /// A `counters` event after its `"type":`, the fields in ``EventFields``' order.
  static func writeCounters(_ e: StepCounters, _ w: inout JSONWriter) {
    w.string("counters")
    w.field("step", e.step)
    sequence(e.sequence, &w)
    w.field("rowsComputed", e.rowsComputed)
    w.field("rowsReused", e.rowsReused)
    w.field("flops", e.flops)
    w.field("flopsWithoutCache", e.flopsWithoutCache)
    w.field("cacheBytes", e.cacheBytes)
    if e.crossRowsComputed != 0 || e.crossRowsReused != 0 {  // an encoder-decoder's decoder
      w.field("crossRowsComputed", e.crossRowsComputed)
      w.field("crossRowsReused", e.crossRowsReused)
    }
  }

  /// A `quantization` event after its `"type":`, the fields in ``EventFields``' order.
  static func writeQuantization(_ e: QuantizationEvent, _ w: inout JSONWriter) {
    w.string("quantization")
    w.field("step", e.step)
    w.field("layer", e.layer)
    w.field("kvHead", e.kvHead)
    positions("positions", e.positions, &w)
    floats("keyScales", e.keyScales, &w)
    floats("keyErrors", e.keyErrors, &w)
    floats("valueScales", e.valueScales, &w)
    floats("valueErrors", e.valueErrors, &w)
    if let codes = e.keyCodes { ints("keyCodes", codes.map(Int.init), &w) }  // vectors detail
    if let read = e.keysRead { floats("keysRead", read, &w) }
    if let codes = e.valueCodes { ints("valueCodes", codes.map(Int.init), &w) }
    if let read = e.valuesRead { floats("valuesRead", read, &w) }
  }

  /// A `blocks` event after its `"type":`, the fields in ``EventFields``' order.
  static func writeBlocks(_ e: BlocksEvent, _ w: inout JSONWriter) {
    w.string("blocks")
    w.field("step", e.step)
    sequence(e.sequence, &w)
    w.field("blockSize", e.blockSize)
    ints("table", e.table, &w)
    ints("allocated", e.allocated, &w)
    w.field("blocksInUse", e.blocksInUse)
    w.field("capacity", e.capacity)
    ints("references", e.references, &w)
    if let copy = e.copy {  // copy on write, where two prompts part
      w.key("copy")
      w.beginObject()
      w.field("from", copy.from)
      w.field("to", copy.to)
      w.key("positions")
      w.beginArray()
      w.int(copy.positions.lowerBound)
      w.int(copy.positions.upperBound)
      w.endArray()
      w.endObject()
    }
  }

  /// `step`, `sequence` (when not 0), `layer` and `kind`: where a rows or an
  /// attention event belongs.
  private static func layerCoordinates(
    _ step: Int, _ sequence: Int, _ layer: Int, _ kind: AttentionKind, _ w: inout JSONWriter
  ) {
    w.field("step", step)
    self.sequence(sequence, &w)
    w.field("layer", layer)
    w.field("kind", kind.rawValue)
  }
}
