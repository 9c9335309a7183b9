import KVTrace

extension EncoderDecoderSummary {
  /// " Cross-attention layer 1 head 0 reads 'friends' (0.81), the source word this step
  /// writes.": what the head that reads the copy (`CopyAttention.best(in:)`, the
  /// head drawn by default) did at this step; empty when no head reads the copy (random
  /// weights) or the step writes no source word.
  static func copySentence(_ record: StepRecord, in trace: Trace, style: RenderStyle) -> String {
    guard let best = CopyAttention.best(in: trace),
      let found = CopyAttention.share(
        in: record, source: trace.sourceTokens, layer: best.layer, head: best.head)
    else { return "" }
    let word = TextLayout.quoted(trace.sourceTokens[found.position].text, unicode: style.unicode)
    let weight = TextLayout.fixed(found.weight, 2)
    let head = "Cross-attention layer \(best.layer) head \(best.head)"
    return found.weight >= CopyAttention.minimumShare
      ? " \(head) reads \(word) (\(weight)), the source word this step writes."
      : " \(head) puts only \(weight) on \(word), the source word this step writes."
  }
}
