import KVTrace

extension InteractiveFrame {
  /// The text around the grid: status, counters, key hints, help.
  struct Panels {
    var trace: Trace
    var stepCount: Int
    var state: InteractiveState
    var style: RenderStyle
    /// The step as the run without a cache did it, when there is such a run.
    var uncached: StepRecord? = nil
    /// Whether the grid draws a window of the layers, so `<` and `>` are worth a hint.
    var layerWindow = false

    /// `step 1 of 6 · decode · cache full · layer 0 · head 0`, as a
    /// full-width bar; the third part names the view.
    func status(_ record: StepRecord) -> String {
      let config = trace.header.model
      var head = "head \(state.focus.head)"
      if config.kvHeads < config.heads {
        head += " (KV \(config.kvHead(forQueryHead: state.focus.head)))"
      }
      let policy = trace.header.policy
      let approximate = policy.exact ? "" : " (approximate)"  // the exception is worth a word
      let view =
        switch state.view {
        case .cache: "cache \(policy.name)\(approximate)"
        case .withoutCache where uncached == nil: "no cache: not in this trace"
        case .withoutCache: "no cache (the run: \(policy.name))"
        case .split where uncached == nil: "\(policy.name) | no cache: not in this trace"
        case .split: "\(policy.name) | no cache"
        }
      let text = Self.pack(
        [
          "step \(record.step) of \(max(0, stepCount - 1))", record.began.phase.rawValue, view,
          "layer \(state.focus.layer)", head,
        ], width: style.width - 2, separator: " \(dot) ", unicode: style.unicode)
      return Paint.inverse.apply(TextLayout.padRight(" " + text, style.width), style.color)
    }

    /// `sequence 1: "The quick brown fox jumps over a cat."`: for two prompts, the
    /// one shown; nothing for one prompt.
    func sequence() -> [String] {
      guard twoPrompts else { return [] }
      let prompt = SharedPrefixText.quoted(trace.header, sequence: state.sequence, style: style)
      return [" sequence \(state.sequence): " + RunRenderer.flatten(prompt)]
    }

    /// `rows 8 fresh, 80 reused · 104.6 k FLOPs (no cache 528.3 k) · cache holds 5.5 KiB`.
    func counters(_ record: StepRecord) -> String {
      guard let cached = record.counters else { return " no counters recorded for this step" }
      let without = uncached?.counters
      let flops = TextLayout.metric(cached.flops)
      let estimate = TextLayout.metric(cached.flopsWithoutCache)
      let noCacheFlops = without.map { TextLayout.metric($0.flops) } ?? estimate
      let quantized =
        switch trace.header.policy.kind {
        case .int8: " as int8"
        case .none, .full, .window, .paged: ""
        }
      if state.view == .cache || without == nil {
        return cacheCounters(cached, quantized: quantized)
      }
      let segments: [String] =
        switch state.view {
        case .cache: []  // see cacheCounters
        case .withoutCache:
          [
            "rows: \(without?.rowsComputed ?? 0) fresh, \(without?.rowsReused ?? 0) reused",
            "FLOPs: \(noCacheFlops)",
            "cache: nothing kept",
          ]
        case .split:
          [
            "\(trace.header.policy.name): \(cached.rowsComputed) fresh, \(cached.rowsReused) reused, \(flops) FLOPs",
            "none: \(without?.rowsComputed ?? 0) fresh, \(noCacheFlops) FLOPs",
          ]
        }
      return " "
        + Self.pack(segments, width: style.width - 1, separator: " \(dot) ", unicode: style.unicode)
    }

    /// Every key that works on this screen, on one line when it fits, else on
    /// as few as hold them: no key is left out, no hint is cut.
    func hint() -> [String] {
      let rows = KeyBindings.rows(
        sequences: trace.header.sequenceCount, layerWindow: layerWindow
      ).filter {
        !state.showsClosing || $0.onClosing
      }
      let hints = rows.map { $0.hint(style.glyphs.keys, state.values) }
      var lines: [String] = []
      for hint in hints {
        if let last = lines.last, TextLayout.width(last + "  " + hint) <= style.width {
          lines[lines.count - 1] = last + "  " + hint
        } else {
          lines.append(" " + hint)
        }
      }
      return lines.map { Paint.dim.apply($0, style.color) }
    }

    /// The list of keys and the legend.
    func help() -> [String] {
      let keys = KeyBindings.rows(
        sequences: trace.header.sequenceCount, layerWindow: layerWindow
      ).map { row in
        (
          row.listed.map { KeyBindings.label($0.0, style.glyphs.keys) }.joined(separator: " "),
          row.meaning(style.glyphs)
        )
      }
      let width = keys.map { TextLayout.width($0.0) }.max() ?? 0
      var lines = ["", Paint.bold.apply(" keys", style.color)]
      lines += keys.map { "   " + TextLayout.padRight($0.0, width) + "   " + $0.1 }
      lines += ["", Paint.bold.apply(" marks", style.color)]
      // The help lists the grid's marks; the block table beside a paged grid is
      // explained by the run's legend, not here (the help's frames are golden).
      lines += Legend.marks(trace.header).filter { $0 != .blockTable }.map {
        "   " + Legend.entry($0, style: style)
      }
      return lines
    }

    private var twoPrompts: Bool { trace.header.sequenceCount > 1 }

    private var dot: String { style.unicode ? "·" : "-" }

    /// `segments` joined with `separator`, as many as fit in `width` (at least the first).
    static func pack(_ segments: [String], width: Int, separator: String, unicode: Bool) -> String {
      var text = ""
      for segment in segments {
        let candidate = text.isEmpty ? segment : text + separator + segment
        if !text.isEmpty && TextLayout.width(candidate) > width { break }
        text = candidate
      }
      return TextLayout.clip(text, max(0, width), unicode: unicode)
    }

    /// At most `rows` of `lines`; when some are cut, the last shown line says so.
    static func cut(_ lines: [String], rows: Int, style: RenderStyle, marker: Bool = true)
      -> [String]
    {
      guard lines.count > rows else { return lines }
      guard rows > 0 else { return [] }
      var shown = Array(lines.prefix(rows))
      let cut = style.glyphs.cut
      if marker {
        shown[rows - 1] = " \(cut) (\(lines.count - rows + 1) more lines: make the window taller)"
      } else {
        let last = shown[rows - 1]
        shown[rows - 1] = TextLayout.clip(last, max(0, style.width - 2), unicode: style.unicode)
        if !shown[rows - 1].hasSuffix(cut) { shown[rows - 1] += " " + cut }
      }
      return shown
    }

    /// The one line a screen too small for the walk-through gets: the longest
    /// wording that fits.
    static func tooSmall(_ size: FrameSize, style: RenderStyle) -> String {
      let x = style.glyphs.times
      let minimum = InteractiveFrame.minimumSize
      let needed = "\(minimum.columns)\(x)\(minimum.rows)"
      let actual = "\(size.columns)\(x)\(size.rows)"
      let wordings = [
        "kvtrace step needs \(needed) or more; this is \(actual). Enlarge the window, or press q.",
        "kvtrace needs \(needed); this is \(actual). Enlarge it, or press q.",
        "needs \(needed), is \(actual); q quits",
        "too small: \(actual)", "too small",
      ]
      return wordings.first { TextLayout.width($0) <= size.columns } ?? "!"
    }
  }
}
