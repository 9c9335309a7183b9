import KVTrace

/// An encoder-decoder step told in words: what the encoder did, once; what each
/// decoder step computed and reused, self and cross apart.
///
/// The sentences say what the common explanations get wrong (M8 in
/// TEACHING.md): the encoder runs once and never again, even without a cache,
/// because its output is the decoder's input and not a cache; the
/// cross-attention rows number the source length at every step, and are either
/// kept from the first step or projected again, never grown.
enum EncoderDecoderSummary {
  /// The sentence of `record`, a step of an encoder-decoder trace.
  static func sentence(_ record: StepRecord, in trace: Trace, style: RenderStyle) -> String {
    record.began.phase == .encode
      ? encode(record, in: trace, style: style) : decode(record, in: trace, style: style)
  }

  private static func count(_ n: Int, _ noun: String) -> String { StepSummary.count(n, noun) }

  /// `(13 source positions × 2 layers × 4 KV heads)`.
  private static func shape(_ positions: Int, _ noun: String, _ c: ModelConfig, _ x: String)
    -> String
  {
    "(\(count(positions, noun)) \(x) \(count(c.layers, "layer")) \(x) "
      + "\(count(c.kvHeads, "KV head")))"
  }

  /// "step 0 (encode): the encoder ran once, over all 13 source tokens together: …"
  static func encode(_ record: StepRecord, in trace: Trace, style: RenderStyle) -> String {
    let c = trace.header.model
    let length = trace.sourceTokens.count
    let computed = record.rows.reduce(0) { $0 + $1.fresh.count }
    let x = style.glyphs.times
    return
      "step \(record.step) (encode): the encoder ran once, over all "
      + "\(count(length, "source token")) together: computed \(count(computed, "K/V row")) "
      + "\(shape(length, "position", c, x)) for its bidirectional self-attention, where each "
      + "token reads every other, later ones too. These rows are not cached: the decoder keeps "
      + "the encoder output instead (\(length) vectors of \(c.dim) numbers, "
      + "\(TextLayout.bytes(length * c.dim * MemoryLayout<Float>.size))), and the encoder never "
      + "runs again."
  }

  /// "step 2 (decode): computed 8 new self-attention K/V rows for 'x' (…) and
  /// reused 8; reused all 104 cross-attention rows, projected once at step 1. …"
  static func decode(_ record: StepRecord, in trace: Trace, style: RenderStyle) -> String {
    let c = trace.header.model
    let x = style.glyphs.times
    let n = record.began.sequenceLength
    let sourceLength = trace.sourceTokens.count
    let perPosition = c.layers * c.kvHeads
    func total(_ kind: AttentionKind, _ part: KeyPath<RowsEvent, PositionSet>) -> Int {
      record.rows.reduce(0) { $0 + ($1.kind == kind ? $1[keyPath: part].count : 0) }
    }
    let (selfComputed, selfReused) = (total(.self, \.fresh), total(.self, \.reused))
    let crossComputed = total(.cross, \.fresh)
    let positions = perPosition > 0 ? selfComputed / perPosition : 0
    let tokens = trace.tokens
    let newest = TextLayout.quoted(
      n > 0 && n <= tokens.count ? tokens[n - 1].text : "", unicode: style.unicode)
    // A step keeps nothing without a cache, and in the no-cache view of a step.
    let keepsNothing = (record.counters?.cacheBytes ?? 1) == 0
    var text = "step \(record.step) (decode): "
    if n == 1 {
      text +=
        "the decoder starts from \(newest) at position 0: computed "
        + "\(count(selfComputed, "self-attention K/V row")) \(shape(1, "position", c, x))"
    } else if positions == 1 {
      text +=
        "computed \(count(selfComputed, "new self-attention K/V row")) for \(newest) "
        + "\(shape(1, "position", c, x)) and reused \(selfReused)"
    } else {
      text +=
        "computed \(count(selfComputed, "self-attention K/V row")) "
        + "\(shape(positions, "position", c, x)), \((positions - 1) * perPosition) of them again "
        + "because nothing was cached"
    }
    text += cross(
      record, in: trace, computed: crossComputed, reused: total(.cross, \.reused),
      keepsNothing: keepsNothing, shape: shape(sourceLength, "source position", c, x))
    if keepsNothing {
      text +=
        " The encoder did not run again: its output is the decoder's input, not a cache, and "
        + "is kept even without one."
    } else {
      text += " The encoder did not run again."
      if selfComputed < n * perPosition || crossComputed < sourceLength * perPosition {
        text +=
          " Without a cache: \(n * perPosition) self and \(sourceLength * perPosition) cross "
          + "rows."
      }
    }
    let own = record.attention.last { $0.kind == .self }
    if n > 1, let own, let other = record.attention.last(where: { $0.kind == .cross }) {
      text +=
        " The newest query read \(own.keys.count) self and \(count(other.keys.count, "cross key"))."
    }
    return text + copySentence(record, in: trace, style: style)
  }

  /// The cross-attention part of a decoder step's sentence, from its joining word
  /// to its full stop.
  private static func cross(
    _ record: StepRecord, in trace: Trace, computed: Int, reused: Int, keepsNothing: Bool,
    shape: String
  ) -> String {
    let earlier = firstCrossProjection(before: record.step, in: trace)
    if computed > 0, reused == 0 {
      guard let earlier else {
        let kept =
          keepsNothing
          ? "; nothing is kept"
          : trace.header.source?.crossAttention == .recompute
            ? ", which --cross recompute drops after each step"
            : ", which --cross once keeps for every later step"
        return ", and projected \(count(computed, "cross-attention K/V row")) from the encoder "
          + "output \(shape)\(kept)."
      }
      return "; projected all \(computed) cross-attention rows again from the stored encoder "
        + "output, the same numbers as at step \(earlier)."
    }
    if computed == 0, reused > 0 {
      let when = earlier.map { "once at step \($0)" } ?? "at an earlier step"
      return "; reused all \(reused) cross-attention rows, projected \(when)."
    }
    return "; computed \(computed) cross-attention rows and reused \(reused)."
  }

  /// The first step before `step` that projected cross-attention rows.
  private static func firstCrossProjection(before step: Int, in trace: Trace) -> Int? {
    for case .rows(let rows) in trace.events
    where rows.kind == .cross && rows.step < step && !rows.fresh.isEmpty {
      return rows.step
    }
    return nil
  }
}
