import KVTrace
import KVTraceRender
import Testing
import TinyTransformer

/// Text a crafted file can carry: CSI (clear the screen), OSC (set the window title), the
/// one-character CSI U+009B, BEL, BS, NUL, DEL, CR, a tab and a newline.
private let hostile = "x\u{1B}[2J\u{1B}]0;title\u{07}\u{9B}31m\u{08}\u{00}\u{7F}\r\t\n\u{85}y"

/// `trace` with the hostile text in every free-text field and every token's text; the
/// policy name too unless `policyName` is false (a file's policy name must name a
/// policy, which the decoder checks, so a trace that round-trips keeps a real one).
private func poisoned(_ trace: Trace, policyName: Bool = true) -> Trace {
  var t = trace
  t.header.weights = hostile
  let policy = t.header.policy
  t.header.policy = CachePolicyInfo(
    kind: policy.kind, name: policy.name + (policyName ? hostile : ""), exact: policy.exact,
    summary: hostile)
  t.header.prompt = hostile
  t.header.promptTokens = t.header.promptTokens.map { TraceToken(id: $0.id, text: hostile) }
  if var second = t.header.secondPrompt {
    second.text = hostile
    second.tokens = second.tokens.map { TraceToken(id: $0.id, text: hostile) }
    t.header.secondPrompt = second
  }
  t.events = t.events.map { event in
    guard case .token(var token) = event else { return event }
    token.chosen.text = hostile
    token.candidates = token.candidates.map {
      var c = $0; c.text = hostile; return c
    }
    return .token(token)
  }
  return t
}

/// The control characters in `text` other than the newlines that end lines.
private func controls(_ text: String) -> [String] {
  text.unicodeScalars.filter { TerminalText.isControl($0) && $0 != "\n" }.map {
    TerminalText.name(of: $0)
  }
}

/// With `--color never` nothing but `\n` reaches the terminal, whatever the file's text holds.
@Suite(.tags(.unit)) struct EscapeInjectionTests {
  static let styles = [RenderStyle.plain, RenderStyle(width: 60, unicode: false)]

  @Test func runTextShowsFileTextEscaped() throws {
    let trace = poisoned(try RunRendererGoldenTests.trace(prompt: "The quick fox", steps: 2))
    for style in Self.styles {
      let text = RunRenderer.render(trace, focus: RenderFocus(), style: style)
      #expect(controls(text) == [])
      #expect(text.contains("<0x1B>[2J<0x1B>]0;title<0x07>"))
    }
    #expect(RunRenderer.render(trace, focus: RenderFocus(), style: .plain).contains("<U+009B>"))
  }

  @Test func interactiveFramesShowFileTextEscaped() throws {
    let trace = poisoned(try RunRendererGoldenTests.trace(prompt: "The quick fox", steps: 2))
    let frame = InteractiveFrame(trace: trace)
    for view in CacheView.allCases {
      for values in [AttentionValues.weights, .scores] {
        for step in 0..<frame.stepCounts[0] {
          let state = InteractiveState(step: step, view: view, values: values)
          let lines = frame.lines(state, size: FrameSize(columns: 100, rows: 40), style: .plain)
          #expect(controls(lines.joined(separator: "\n")) == [])
        }
      }
    }
  }

  @Test func comparisonShowsFileTextEscaped() throws {
    let trace = poisoned(try RunRendererGoldenTests.trace(prompt: "The quick fox", steps: 2))
    let verdict = ComparisonRenderer.Verdict(
      maxLogitDifference: 0, tolerance: 1e-3, accountingProblems: [])
    let text = ComparisonRenderer.render(
      trace, trace, verdict: verdict, focus: RenderFocus(), style: .plain)
    #expect(controls(text) == [])
  }

  @Test func decoderMessagesShowFileTextEscaped() throws {
    let trace = try RunRendererGoldenTests.trace(prompt: "The quick fox", steps: 2)
    let text = String(decoding: TraceEncoder.encode(trace, as: .json), as: UTF8.self)
    let bytes = Array(
      text.replacingOccurrences(
        of: "\"detail\":\"full\"", with: "\"detail\":\"\\u001b]0;title\\u0007\\u009b\""
      ).utf8)
    do {
      _ = try TraceDecoder.decode(bytes)
      Issue.record("a trace with an unknown field decoded")
    } catch {
      #expect(controls(error.description) == [])
      #expect(error.description.contains("<0x1B>]0;title<0x07><U+009B>"))
    }
  }

  /// JSON keeps the exact text, with every control character written as a `\u` escape.
  @Test func jsonKeepsTheTextWithoutRawControlCharacters() throws {
    let trace = poisoned(
      try RunRendererGoldenTests.trace(prompt: "The quick fox", steps: 2), policyName: false)
    for format in TraceFileFormat.allCases {
      let bytes = TraceEncoder.encode(trace, as: format)
      #expect(controls(String(decoding: bytes, as: UTF8.self)) == [])
      #expect(try TraceDecoder.decode(bytes) == trace)
    }
    let chrome = String(decoding: ChromeTraceRenderer.render(trace), as: UTF8.self)
    #expect(controls(chrome) == [])
    #expect(chrome.contains("\\u001b]0;title\\u0007\\u009b31m"))
  }
}
