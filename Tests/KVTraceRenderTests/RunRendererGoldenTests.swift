import KVTrace
import KVTraceRender
import Testing
import TinyTransformer

/// Golden frames: what a person sees, byte for byte.
@Suite(.tags(.golden)) struct RunRendererGoldenTests {
  static let pangram = "The quick brown fox jumps over the lazy dog."

  static func trace(
    config: ModelConfig = .demo(vocabularySize: Tokenizer.demo.vocabularySize),
    prompt: String = pangram, steps: Int = 6, policy: some CachePolicy = FullCache(),
    detail: TraceDetail = .full
  ) throws -> Trace {
    let model = try TinyTransformer(config: config, seed: 0)
    var log = TraceLog(detail: detail)
    _ = try model.generate(prompt: prompt, steps: steps, policy: policy, recorder: &log)
    return try #require(log.trace)
  }

  @Test func defaultDemo() throws {
    let text = RunRenderer.render(try Self.trace(), focus: RenderFocus(), style: .plain)
    try golden.check(text, named: "default-demo.txt")
  }

  /// Steps drawn on several threads join into the very text one thread draws: the golden
  /// file, for 1 to 4 threads, a sliding window's evictions and two prompts included.
  @Test func anyNumberOfThreadsDrawsTheSameText() throws {
    let trace = try Self.trace()
    let roles = try? HeadRoles(trace)
    for threads in 1...4 {
      let text = RunRenderer.render(
        trace, focus: RenderFocus(), style: .plain, roles: roles, threads: threads)
      try golden.check(text, named: "default-demo.txt")
    }
    for other in [
      try Self.trace(steps: 9, policy: SlidingWindow(window: 4)),
      try Self.trace(steps: 0),
    ] {
      let one = RunRenderer.render(other, focus: RenderFocus(), style: .plain, roles: nil)
      for threads in [2, 3, 16] {
        #expect(
          RunRenderer.render(
            other, focus: RenderFocus(), style: .plain, roles: nil, threads: threads) == one)
      }
    }
  }

  @Test func defaultDemoASCII() throws {
    let style = RenderStyle(unicode: false)
    let text = RunRenderer.render(try Self.trace(), focus: RenderFocus(), style: style)
    #expect(text.utf8.allSatisfy { $0 < 0x80 })
    try golden.check(text, named: "default-demo-ascii.txt")
  }

  @Test func noCache() throws {
    let trace = try Self.trace(steps: 2, policy: NoCache())
    let text = RunRenderer.render(trace, focus: RenderFocus(layer: 1, head: 2), style: .plain)
    try golden.check(text, named: "no-cache.txt")
  }

  @Test func slidingWindow() throws {
    let trace = try Self.trace(steps: 3, policy: SlidingWindow(window: 4))
    let text = RunRenderer.render(trace, focus: RenderFocus(), style: .plain)
    try golden.check(text, named: "window-4.txt")
  }

  @Test func attentionSinksASCII() throws {
    let trace = try Self.trace(steps: 3, policy: SlidingWindow(sinks: 2, window: 4))
    let text = RunRenderer.render(trace, focus: RenderFocus(), style: RenderStyle(unicode: false))
    #expect(text.utf8.allSatisfy { $0 < 0x80 })
    try golden.check(text, named: "sinks-2-window-4-ascii.txt")
  }

  @Test func int8Cache() throws {
    let trace = try Self.trace(steps: 2, policy: Int8Cache())
    let text = RunRenderer.render(trace, focus: RenderFocus(), style: .plain)
    #expect(text.contains("cache    int8 (approximate)"))
    #expect(text.contains("memory   int8 holds 3.8 KiB where float rows would take 12.0 KiB"))
    try golden.check(text, named: "int8.txt")
  }

  /// `kvtrace compare --cache int8`: full against int8, ≈ where they may differ.
  @Test func int8ComparedWithFull() throws {
    let model = try TinyTransformer(
      config: .demo(vocabularySize: Tokenizer.demo.vocabularySize), seed: 0)
    let report = try Oracle.check(
      model: model, promptTokens: model.tokenizer.encode(Self.pangram),
      promptText: Self.pangram, steps: 6, policy: Int8Cache(), against: FullCache())
    let verdict = ComparisonRenderer.Verdict(
      maxLogitDifference: report.maxLogitDifference, tolerance: OracleReport.tolerance,
      accountingProblems: report.accountingProblems)
    let text = ComparisonRenderer.render(
      report.reference, report.cached, verdict: verdict, focus: RenderFocus(), style: .plain)
    #expect(text.contains("memory   at the end cache int8 held 5.0 KiB, cache full 16.0 KiB"))
    #expect(!text.contains("✗"))
    try golden.check(text, named: "compare-int8.txt")
  }

  @Test func pagedBlocks() throws {
    let trace = try Self.trace(policy: PagedCache(blockSize: 4))
    let text = RunRenderer.render(trace, focus: RenderFocus(), style: .plain)
    try golden.check(text, named: "paged-4.txt")
  }

  @Test func pagedBlocksASCII() throws {
    let trace = try Self.trace(steps: 3, policy: PagedCache(blockSize: 3))
    let text = RunRenderer.render(trace, focus: RenderFocus(), style: RenderStyle(unicode: false))
    #expect(text.utf8.allSatisfy { $0 < 0x80 })
    try golden.check(text, named: "paged-3-ascii.txt")
  }

  /// The pangram and `The quick brown fox jumps over a cat.` decoded together over
  /// paged blocks of 4: the first 6 positions shared.
  static func twoPromptTrace(steps: Int = 2) throws -> Trace {
    let model = try TinyTransformer(
      config: .demo(vocabularySize: Tokenizer.demo.vocabularySize), seed: 0)
    let second = "The quick brown fox jumps over a cat."
    var log = TraceLog(detail: .full)
    _ = try model.generate(
      promptTokens: model.tokenizer.encode(Self.pangram),
      secondPromptTokens: model.tokenizer.encode(second), promptTexts: (Self.pangram, second),
      steps: steps, recorder: &log)
    return try #require(log.trace)
  }

  @Test func twoPromptsShareAPrefix() throws {
    let trace = try Self.twoPromptTrace()
    try golden.check(
      RunRenderer.render(trace, focus: RenderFocus(), style: .plain), named: "two-prompts.txt")
    let ascii = RunRenderer.render(trace, focus: RenderFocus(), style: RenderStyle(unicode: false))
    #expect(ascii.utf8.allSatisfy { $0 < 0x80 })
    try golden.check(ascii, named: "two-prompts-ascii.txt")
  }

  @Test func groupedQuerySummaryDetail() throws {
    let config = ModelConfig(
      layers: 3, heads: 8, kvHeads: 2, dim: 32, mlpDim: 64, contextLength: 64,
      vocabularySize: Tokenizer.demo.vocabularySize)
    let trace = try Self.trace(config: config, steps: 2, detail: .summary)
    let text = RunRenderer.render(trace, focus: RenderFocus(layer: 2, head: 7), style: .plain)
    try golden.check(text, named: "gqa-summary.txt")
  }

  @Test func wideModelCollapsesToLayersAndLongSequenceElidesRows() throws {
    let config = ModelConfig(
      layers: 6, heads: 6, kvHeads: 6, dim: 48, mlpDim: 96, contextLength: 64,
      vocabularySize: Tokenizer.demo.vocabularySize)
    let prompt = String(repeating: "Once upon a time there was a fox. ", count: 4)
    let trace = try Self.trace(config: config, prompt: prompt, steps: 1)
    let text = RunRenderer.render(trace, focus: RenderFocus(), style: .plain)
    #expect(text.contains(" pos  token    [0]1 2 3 4 5   query"), "layer 0 bracketed")
    #expect(text.contains(" rows · ") && text.contains(" of the weight\n"))
    try golden.check(text, named: "wide-long.txt")
  }

  @Test func colorOutputDiffersOnlyByEscapes() throws {
    let trace = try Self.trace()
    let plain = RunRenderer.render(trace, focus: RenderFocus(), style: .plain)
    let colored = RunRenderer.render(
      trace, focus: RenderFocus(), style: RenderStyle(color: .ansi16))
    #expect(colored.contains("\u{1B}[32m"))
    #expect(Self.stripEscapes(colored) == plain)
  }

  @Test func everyLineFitsTheWidth() throws {
    for width in [80, 100] {
      let style = RenderStyle(width: width)
      let text = RunRenderer.render(try Self.trace(), focus: RenderFocus(), style: style)
      for line in text.split(separator: "\n") {
        #expect(line.unicodeScalars.count <= width, "too wide: \(line)")
      }
    }
  }

  static func stripEscapes(_ text: String) -> String {
    var out = ""
    var inEscape = false
    for scalar in text.unicodeScalars {
      if inEscape {
        if scalar == "m" { inEscape = false }
      } else if scalar == "\u{1B}" {
        inEscape = true
      } else {
        out.unicodeScalars.append(scalar)
      }
    }
    return out
  }
}
