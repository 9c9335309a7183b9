import KVTrace

extension InteractiveFrame.Panels {
  /// The counters of the cache view, in the longest wording that fits whole:
  /// `rows: 8 fresh, 80 reused · FLOPs: 298.8 k (no cache: 1.97 M) · cache: 11.0 KiB`,
  /// then shorter ones. The cache's bytes stay in every wording, for every
  /// policy: for int8 they are the lesson.
  func cacheCounters(_ c: StepCounters, quantized: String) -> String {
    let flops = TextLayout.metric(c.flops)
    let noCache = TextLayout.metric(c.flopsWithoutCache)
    let bytes = TextLayout.bytes(c.cacheBytes)
    let wordings: [[String]] = [
      [
        "rows: \(c.rowsComputed) fresh, \(c.rowsReused) reused",
        "FLOPs: \(flops) (no cache: \(noCache))", "cache: \(bytes)\(quantized)",
      ],
      [
        "\(c.rowsComputed) fresh, \(c.rowsReused) reused", "\(flops) FLOPs (no cache \(noCache))",
        "cache \(bytes)\(quantized)",
      ],
      ["\(c.rowsComputed) fresh, \(c.rowsReused) reused", "\(flops) FLOPs", "cache \(bytes)"],
      ["\(c.rowsComputed) fresh", "cache \(bytes)"],
    ]
    let separator = " \(style.unicode ? "·" : "-") "
    let fitting = wordings.first {
      TextLayout.width(" " + $0.joined(separator: separator)) <= style.width
    }
    let chosen = fitting ?? wordings[wordings.count - 1]
    return " "
      + Self.pack(chosen, width: style.width - 1, separator: separator, unicode: style.unicode)
  }
}
