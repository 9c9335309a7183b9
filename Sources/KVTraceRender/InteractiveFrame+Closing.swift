import KVTrace

extension InteractiveFrame {
  /// The screen after the last step: what the whole run did, as `kvtrace run`
  /// ends, with the tokens counted and the cache's largest size.
  ///
  /// ```
  /// ━━ done
  /// text     The quick brown fox jumps over the lazy dog. The dog
  /// tokens   10 in the prompt, 6 decoded
  /// rows     computed 128, reused 656
  /// FLOPs    1.2 M; without a cache 3.4 M (2.80×)
  /// cache    at most 7.5 KiB, after step 6
  /// ```
  func closing(style: RenderStyle) -> [String] {
    var narrower = style  // the lines are indented by one column
    narrower.width = max(1, style.width - 1)
    var lines = RunRenderer.totals(trace, style: narrower)
    let rows = lines.firstIndex { $0.hasPrefix("rows ") } ?? lines.count
    lines.insert(contentsOf: tokenLines(), at: rows)
    if let peak = peakCache() {
      lines.append("cache    at most \(TextLayout.bytes(peak.bytes)), after step \(peak.step)")
    }
    let back = "\(style.glyphs.keys.left) goes back to the last step"
    return [""] + lines.map { " " + $0 } + ["", Paint.dim.apply(" " + back, style.color)]
  }

  /// `tokens   10 in the prompt, 6 decoded`, a line per sequence for two prompts.
  private func tokenLines() -> [String] {
    sequences.indices.map { sequence in
      let steps = sequences[sequence]
      let prompt = steps.first.map { $0.began.queries.count } ?? 0
      let decoded = steps.filter { $0.began.phase == .decode }.count
      let name = sequences.count > 1 ? "tokens \(sequence) " : "tokens   "
      return name + "\(prompt) in the prompt, \(decoded) decoded"
    }
  }

  /// The most bytes the cache held after any step, and the first step it held them.
  private func peakCache() -> (bytes: Int, step: Int)? {
    var peak: (bytes: Int, step: Int)?
    for case .counters(let c) in trace.events where c.cacheBytes > (peak?.bytes ?? 0) {
      peak = (c.cacheBytes, c.step)
    }
    return peak
  }
}
