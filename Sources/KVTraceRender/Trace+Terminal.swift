import KVTrace

// Where a trace's free text enters a renderer: every public entry that shows the header's
// words takes the trace through `escapedForTerminal` first. Token texts are escaped where they
// are shown (`TextLayout.label`, `TextLayout.display`, `RunRenderer.flatten`), since their
// newlines and tabs get symbols there.

extension Trace {
  /// The trace with its header's free text escaped by ``TerminalText/escaped(_:)``: the
  /// weights, the policy's name and summary, and the prompts. Events are shared, not copied.
  var escapedForTerminal: Trace {
    let h = header
    let e = TerminalText.escaped
    let texts = [h.weights, h.policy.name, h.policy.summary, h.prompt, h.secondPrompt?.text ?? ""]
    guard texts.contains(where: { e($0) != $0 }) else { return self }
    var trace = self
    trace.header.weights = e(h.weights)
    trace.header.policy = CachePolicyInfo(
      kind: h.policy.kind, name: e(h.policy.name), exact: h.policy.exact,
      summary: e(h.policy.summary))
    trace.header.prompt = e(h.prompt)
    trace.header.secondPrompt?.text = e(h.secondPrompt?.text ?? "")
    return trace
  }
}
