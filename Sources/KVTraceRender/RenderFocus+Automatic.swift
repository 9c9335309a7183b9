import KVTrace

extension RenderFocus {
  /// The least induction score (`HeadRoles`) a head needs to be drawn by default.
  ///
  /// Random weights score about one key's share of the attention (0.05–0.1 over a short
  /// prompt); a trained model's copying heads score several times that even on a text that
  /// repeats only a few words.
  public static let minimumInductionScore = 0.25

  /// The head drawn when the person names none (no `--layer`, no `--head`): the trace's
  /// clearest induction head, else layer 0 head 0.
  ///
  /// An induction head is the one whose picture teaches why a cache keeps old rows: its
  /// query reads a row cached many steps ago, the token after an earlier copy of its own.
  /// So a decoder-only trace with weights draws the head of layer 1 or later with the
  /// highest induction score over at least `HeadRoles.minimumQueries` queries, when that
  /// score reaches ``minimumInductionScore``. Layer 0 is never picked: to find the token
  /// *after* an earlier copy, a head needs rows that already say which token came before
  /// them, which only an earlier layer's previous-token head can write. An encoder-decoder
  /// trace draws the decoder head whose cross-attention reads the source word each step
  /// writes (`CopyAttention.best(in:)`). A trace without weights, or one whose
  /// heads do not copy, draws layer 0 head 0. The choice depends on the trace alone, so a
  /// run and the replay of its export draw the same head.
  public static func automatic(for trace: Trace) -> RenderFocus {
    automatic(for: trace, roles: try? HeadRoles(trace))
  }

  /// The head ``automatic(for:)`` draws, from head roles already measured on `trace`, so a
  /// caller that needs them again (the step summaries name the drawn head's role) measures
  /// them once.
  ///
  /// - Parameters:
  ///   - trace: The trace to draw.
  ///   - roles: `HeadRoles(trace)`, or `nil` when they cannot be measured (a trace at
  ///     summary detail, an encoder-decoder's).
  public static func automatic(for trace: Trace, roles: HeadRoles?) -> RenderFocus {
    if trace.header.architecture == .encoderDecoder {
      return CopyAttention.best(in: trace).map { RenderFocus(layer: $0.layer, head: $0.head) }
        ?? RenderFocus()
    }
    guard let roles else { return RenderFocus() }
    var best: (focus: RenderFocus, score: Double)?
    for layer in 1..<max(1, roles.layers) {
      for head in 0..<roles.heads
      where roles.queries(.induction, layer: layer, head: head) >= HeadRoles.minimumQueries {
        guard let score = roles.score(.induction, layer: layer, head: head),
          score >= minimumInductionScore, score > best?.score ?? -1
        else { continue }
        best = (RenderFocus(layer: layer, head: head), score)
      }
    }
    return best?.focus ?? RenderFocus()
  }
}
