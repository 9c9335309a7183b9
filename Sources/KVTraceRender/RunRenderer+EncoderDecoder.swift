import KVTrace

extension RunRenderer {
  /// What ran, for an encoder-decoder trace: the model, the cache and the
  /// cross-attention mode, the source, the decoder's start, and the legend.
  static func encoderDecoderHeader(_ trace: Trace, style: RenderStyle) -> [String] {
    let h = trace.header
    let g = style.glyphs
    let indent = "         "
    func wrap(_ text: String) -> [String] {
      TextLayout.wrap(text, width: style.width, indent: indent)
    }
    var lines = title(trace, style: style)
    // Random weights write arbitrary words; trained ones (the shipped summarizer, a
    // --model folder) write their own.
    lines += wrap(
      "weights  \(h.weights): "
        + (h.weights.hasPrefix("random") ? "the words are arbitrary, but " : "")
        + "every row below was really computed, or really read back from a cache")
    lines += wrap(
      "cache    \(h.policy.name) (\(h.policy.exact ? "exact" : "approximate")): "
        + "\(h.policy.summary)")
    lines += wrap("cross    " + crossLine(h))
    let source = TextLayout.display("\"\(h.prompt)\"", unicode: style.unicode)
    lines += wrap("source   " + source)
    let labels = trace.sourceTokens.map { TextLayout.label($0.text, unicode: style.unicode) }
    lines += wrap("tokens   \(labels.count): " + labels.joined(separator: " | "))
    let start = h.promptTokens.first.map {
      TextLayout.quoted($0.text, unicode: style.unicode) + " (id \($0.id))"
    }
    lines += wrap(
      "decoder  starts from \(start ?? "nothing"), the decoder start token, and feeds each "
        + "chosen token back")
    lines += wrap(
      "steps    the encoder runs once (step 0), then \(h.decodeSteps) decoder "
        + "\(h.decodeSteps == 1 ? "step" : "steps")")
    lines += [
      "legend   " + Paint.fresh.apply(g.fresh, style.color)
        + " fresh: K and V computed at this step",
      indent + Paint.reused.apply(g.reused, style.color) + " reused: read back from the cache   "
        + Paint.notCached.apply(g.notCached, style.color) + " not cached",
    ]
    lines += TextLayout.wrap(
      "self rows: one per decoder position; cross rows: one per source token",
      width: style.width - indent.count
    ).map { indent + $0 }
    return lines.map { $0.trimmingTrailingSpaces() }
  }

  /// What the cross-attention K/V do in this run, in one sentence.
  private static func crossLine(_ h: TraceHeader) -> String {
    switch h.policy.kind {
    case .full, .window, .paged, .int8: break
    case .none:
      return "\(h.source?.crossAttention.rawValue ?? "once"), but cache none keeps nothing: "
        + "the cross-attention K/V are projected from the encoder output at every step"
    }
    switch h.source?.crossAttention ?? .once {
    case .once:
      return "once: cross-attention K/V are projected from the encoder output at the first "
        + "decoder step and reused after, as Hugging Face's PyTorch models do"
    case .recompute:
      return "recompute: cross-attention K/V are projected again from the stored encoder "
        + "output at every decoder step, as Flax T5 and t5x do"
    }
  }

  /// The run's totals: the output, the rows of the encoder, of self- and of
  /// cross-attention, and the work.
  static func encoderDecoderTotals(_ trace: Trace, style: RenderStyle) -> [String] {
    var encoder = 0
    var own = (computed: 0, reused: 0)
    var cross = (computed: 0, reused: 0)
    var flops = 0
    var flopsWithoutCache = 0
    let encodeSteps = Set(trace.steps.filter { $0.began.phase == .encode }.map(\.step))
    for case .counters(let c) in trace.events {
      flops = TextLayout.sum(flops, c.flops)
      flopsWithoutCache = TextLayout.sum(flopsWithoutCache, c.flopsWithoutCache)
      if encodeSteps.contains(c.step) {
        encoder += c.rowsComputed
        continue
      }
      own.computed += c.rowsComputed - c.crossRowsComputed
      own.reused += c.rowsReused - c.crossRowsReused
      cross.computed += c.crossRowsComputed
      cross.reused += c.crossRowsReused
    }
    let text = String(trace.generatedTokens.map(\.text).joined().drop { $0 == Character(" ") })
    var lines = [
      Paint.bold.apply(String(repeating: style.glyphs.rule, count: 2) + " done", style.color)
    ]
    lines += TextLayout.wrap(
      "output   " + TextLayout.display(flatten(text), unicode: style.unicode), width: style.width,
      indent: "         ")
    lines += TextLayout.wrap(
      "rows     encoder: computed \(encoder), once; decoder self-attention: computed "
        + "\(own.computed), reused \(own.reused); cross-attention: computed \(cross.computed), "
        + "reused \(cross.reused)", width: style.width, indent: "         ")
    lines.append(costLine(flops: flops, flopsWithoutCache: flopsWithoutCache, style: style))
    return lines
  }
}
