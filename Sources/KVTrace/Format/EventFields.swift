/// The fields of each event type, in the order kvtrace writes them: the one list
/// the decoder accepts and the encoder, the event structs, the schema and
/// TraceFormat.md are tested against (`EventFieldTests`), so none can drift.
enum EventFields {
  /// An event type: its `type` name, every field in written order, and the fields
  /// left out when empty or 0 (`sequence` for sequence 0, `shared`, `scores`, …).
  struct Entry {
    let type: String
    let fields: [String]
    let optional: Set<String>

    /// The fields every event of this type has.
    var required: [String] { fields.filter { !optional.contains($0) } }
  }

  /// Every event type, in the order of the schema's `oneOf`.
  static let table: [Entry] = [
    Entry(
      type: "stepBegan",
      fields: ["type", "step", "sequence", "phase", "queries", "sequenceLength"],
      optional: ["sequence"]),
    Entry(
      type: "rows",
      fields: [
        "type", "step", "sequence", "layer", "kind", "kvHead", "fresh", "reused", "evicted",
        "shared", "keys", "values",
      ], optional: ["sequence", "shared", "keys", "values"]),
    Entry(
      type: "attention",
      fields: [
        "type", "step", "sequence", "layer", "kind", "head", "kvHead", "query", "keys", "scores",
        "weights", "q", "output",
      ], optional: ["sequence", "scores", "weights", "q", "output"]),
    Entry(
      type: "token",
      fields: [
        "type", "step", "sequence", "position", "chosen", "candidates", "logits", "logitTokens",
      ], optional: ["sequence", "logits", "logitTokens"]),
    Entry(
      type: "counters",
      fields: [
        "type", "step", "sequence", "rowsComputed", "rowsReused", "flops", "flopsWithoutCache",
        "cacheBytes", "crossRowsComputed", "crossRowsReused",
      ], optional: ["sequence", "crossRowsComputed", "crossRowsReused"]),
    Entry(
      type: "quantization",
      fields: [
        "type", "step", "layer", "kvHead", "positions", "keyScales", "keyErrors", "valueScales",
        "valueErrors", "keyCodes", "keysRead", "valueCodes", "valuesRead",
      ], optional: ["keyCodes", "keysRead", "valueCodes", "valuesRead"]),
    Entry(
      type: "blocks",
      fields: [
        "type", "step", "sequence", "blockSize", "table", "allocated", "blocksInUse", "capacity",
        "references", "copy",
      ], optional: ["sequence", "copy"]),
  ]

  /// The fields of the event type `type`.
  private static func fields(_ type: String) -> [String] {
    table.first { $0.type == type }?.fields ?? []
  }

  static let stepBegan = fields("stepBegan")
  static let rows = fields("rows")
  static let attention = fields("attention")
  static let token = fields("token")
  static let counters = fields("counters")
  static let quantization = fields("quantization")
  static let blocks = fields("blocks")
  /// The type names, for an error about an unknown one.
  static let types = table.map(\.type).joined(separator: ", ")
}
