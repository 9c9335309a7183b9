import KVTrace

/// The words and marks of prefix sharing: two prompts decoded together, their
/// common prefix computed once.
///
/// Sequence 0 computes the prefix; sequence 1 reads those rows through its block
/// table without computing them. The grid marks them `▣` (`+` in ASCII), and the
/// counters say how many rows two separate runs would have computed.
enum SharedPrefixText {
  /// The mark of a row another sequence computed.
  static func mark(_ style: RenderStyle) -> String { style.unicode ? "▣" : "+" }

  /// The header's prompt lines for two prompts, and the prefix they share.
  static func headerLines(_ h: TraceHeader, style: RenderStyle) -> [String] {
    guard h.secondPrompt != nil else { return [] }
    var lines: [String] = []
    for sequence in 0..<2 {
      lines += TextLayout.wrap(
        "prompt \(sequence) " + quoted(h, sequence: sequence, style: style), width: style.width,
        indent: "         ")
      let labels = h.promptTokens(sequence: sequence).map {
        TextLayout.label($0.text, unicode: style.unicode)
      }
      lines += TextLayout.wrap(
        "tokens   \(labels.count): " + labels.joined(separator: " | "), width: style.width,
        indent: "         ")
    }
    let shared = sharedLength(h)
    lines += TextLayout.wrap(
      "shared   the first \(StepSummary.count(shared, "position")): sequence 0 computes them, "
        + "sequence 1 shares their blocks (a prompt's last token is never shared: its logits "
        + "choose the next token)", width: style.width, indent: "         ")
    return lines
  }

  /// `"The quick brown fox jumps over a cat."`: the prompt of `sequence`, quoted, on one line.
  static func quoted(_ h: TraceHeader, sequence: Int, style: RenderStyle) -> String {
    let text = sequence == 1 ? h.secondPrompt?.text ?? "" : h.prompt
    return TextLayout.display("\"\(text)\"", unicode: style.unicode)
  }

  /// How many leading positions the two prompts share: common tokens, never a last one.
  static func sharedLength(_ h: TraceHeader) -> Int {
    guard let second = h.secondPrompt else { return 0 }
    let common = zip(h.promptTokens, second.tokens).prefix { $0.id == $1.id }.count
    return max(0, min(common, h.promptTokens.count - 1, second.tokens.count - 1))
  }

  /// " 48 of the reused rows were computed by sequence 0 (6 positions × 2 layers × 4 KV
  /// heads): shared, not recomputed."
  static func sentence(_ record: StepRecord, config: ModelConfig, style: RenderStyle) -> String {
    let shared = record.rows.reduce(0) { $0 + $1.shared.count }
    guard shared > 0, record.step == 0 else { return "" }
    let perPosition = config.layers * config.kvHeads
    let positions = perPosition > 0 ? shared / perPosition : 0
    let x = style.glyphs.times
    return " \(shared) of the reused rows were computed by sequence 0 "
      + "(\(StepSummary.count(positions, "shared position")) \(x) "
      + "\(StepSummary.count(config.layers, "layer")) \(x) "
      + "\(StepSummary.count(config.kvHeads, "KV head"))): shared, not recomputed."
  }

  /// `sharing  two separate runs would compute 256 rows; sharing saved 48 (the 6
  /// shared positions, once)`.
  static func savings(_ trace: Trace, computed: Int, style: RenderStyle) -> [String] {
    guard trace.header.secondPrompt != nil else { return [] }
    let m = trace.header.model
    let saved = sharedLength(trace.header) * m.layers * m.kvHeads
    return TextLayout.wrap(
      "sharing  two separate runs would compute \(computed + saved) rows; sharing computed "
        + "\(computed), saving \(saved): the \(StepSummary.count(sharedLength(trace.header), "shared position")) "
        + "\(style.glyphs.times) \(m.layers) layers \(style.glyphs.times) \(m.kvHeads) KV heads, "
        + "computed once instead of twice", width: style.width, indent: "         ")
  }
}
