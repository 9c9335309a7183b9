import Foundation
import KVTrace
import KVTraceRender
import Testing
import TinyTransformer

/// The web page of a trace (`--format html`): whole, self-contained, the trace embedded
/// exactly once and unable to break out of its element. (What the page shows once its
/// script ran is checked in a browser by `.ci/page-in-browser.py`.)
@Suite(.tags(.unit)) struct HTMLPageTests {
  /// Markup a file's text could carry to escape the embedded JSON or start elements.
  static let hostile =
    "</script><script>alert(1)</script><img src=x onerror=alert(2)>&amp;<!--"
    + "\u{2028}</SCRIPT >\u{2029}<style>"

  static func page(_ trace: Trace) -> String {
    String(decoding: HTMLPage.render(trace), as: UTF8.self)
  }

  /// The text between `<script type="application/json" id="ID">` and the next `</script>`.
  static func embedded(_ page: String, id: String) throws -> String {
    let open = #"<script type="application/json" id="\#(id)">"#
    let start = try #require(page.range(of: open)).upperBound
    let end = try #require(page.range(of: "</script>", range: start..<page.endIndex))
    return String(page[start..<end.lowerBound])
  }

  /// How often `needle` occurs in `text`, ignoring case.
  static func count(_ needle: String, in text: String) -> Int {
    text.lowercased().components(separatedBy: needle.lowercased()).count - 1
  }

  @Test func thePageEmbedsTheTraceOnceAndItReadsBackEqual() throws {
    let trace = try RunRendererGoldenTests.trace()
    let page = Self.page(trace)
    #expect(page.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
    #expect(page.hasSuffix("</body>\n</html>\n"))
    let json = try Self.embedded(page, id: "kvtrace-trace")
    #expect(try TraceDecoder.decode(Array(json.utf8)) == trace)
    #expect(Self.count(#"id="kvtrace-trace""#, in: page) == 1)
    let view = try Self.embedded(page, id: "kvtrace-view")
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(view.utf8)) as? [String: Any])
    let sequences = try #require(object["sequences"] as? [[String: Any]])
    #expect((sequences.first?["steps"] as? [Any])?.count == 7)
  }

  @Test func thePageIsWellFormedAndFetchesNothing() throws {
    let page = Self.page(try RunRendererGoldenTests.trace(steps: 2))
    for tag in ["html", "head", "body", "style", "main", "header", "script", "section", "ul"] {
      #expect(
        Self.count("<\(tag)>", in: page) + Self.count("<\(tag) ", in: page)
          == Self.count("</\(tag)>", in: page), "<\(tag)> opened and closed as often")
    }
    // The trace, the view, the runs without a cache, the code.
    #expect(Self.count("<script", in: page) == 4)
    for address in ["http://", "https://", "//fonts", "url(", "@import", "src=", "href="] {
      #expect(!page.contains(address), "the page refers to \(address)")
    }
    #expect(page.contains(#"http-equiv="Content-Security-Policy" content="default-src 'none'"#))
  }

  @Test func aHostileTraceCannotInjectMarkup() throws {
    var trace = try RunRendererGoldenTests.trace(prompt: "The quick fox", steps: 2)
    trace.header.prompt = Self.hostile
    trace.header.weights = Self.hostile
    for index in trace.header.promptTokens.indices {
      trace.header.promptTokens[index].text = Self.hostile
    }
    trace.events = trace.events.map {
      guard case .token(var token) = $0 else { return $0 }
      token.chosen.text = Self.hostile
      return .token(token)
    }
    let page = Self.page(trace)
    #expect(Self.count("<script", in: page) == 4)
    #expect(Self.count("</script", in: page) == 4)
    #expect(!page.contains("<img") && !page.contains("<!--") && !page.contains("<style><"))
    #expect(Self.count("<style>", in: page) == 1)
    #expect(page.contains("<title>kvtrace: &lt;/script&gt;&lt;script&gt;alert(1)"))
    // The embedded text still holds every character of the trace: it reads back the same.
    let json = try Self.embedded(page, id: "kvtrace-trace")
    #expect(try TraceDecoder.decode(Array(json.utf8)) == trace)
    #expect(!json.contains("<") && !json.contains(">") && !json.contains("&"))
  }

  @Test func twoPromptsAndTheEncoderDecoderHaveTheirGridsInTheView() throws {
    let pair = try Self.embedded(
      Self.page(try RunRendererGoldenTests.twoPromptTrace(steps: 1)), id: "kvtrace-view")
    #expect(pair.contains(#""name":"sequence 0: "#) && pair.contains(#""name":"sequence 1: "#))
    #expect(pair.contains(#""columns":["ssssss"#))  // sequence 1 reads the shared prefix
    let encoderDecoder = try EncoderDecoderRenderTests.trace(steps: 2)
    let view = try Self.embedded(Self.page(encoderDecoder), id: "kvtrace-view")
    #expect(view.contains(#""title":"decoder self-attention K/V""#))
    #expect(view.contains(#""title":"cross-attention K/V from the encoder output""#))
    #expect(view.contains(#""kind":"cross""#))
  }

  /// The view's object for `step` of the first sequence.
  static func step(_ page: String, _ step: Int) throws -> [String: Any] {
    let view = try embedded(page, id: "kvtrace-view")
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(view.utf8)) as? [String: Any])
    let sequences = try #require(object["sequences"] as? [[String: Any]])
    let steps = try #require(sequences.first?["steps"] as? [[String: Any]])
    return steps[step]
  }

  /// The `c` views draw the run decoded again without a cache, as `kvtrace step` does: its
  /// counters, its sentence, its grid (every row fresh), its attention embedded.
  @Test func theViewsWithoutACacheDrawTheSecondRun() throws {
    let trace = try RunRendererGoldenTests.trace(steps: 3)
    let plain = try RunRendererGoldenTests.trace(steps: 3, policy: NoCache())
    let page = String(decoding: HTMLPage.render(trace, withoutCache: [plain]), as: UTF8.self)
    let step = try Self.step(page, 3)
    #expect((step["countersWithout"] as? String)?.hasPrefix("rows: 104 fresh, 0 reused") == true)
    #expect((step["countersSplit"] as? String)?.contains("none: 104 fresh") == true)
    let without = try #require(step["without"] as? [String: Any])
    #expect((without["sentence"] as? String)?.contains("because nothing was cached") == true)
    let grids = try #require(without["grids"] as? [[String: Any]])
    #expect((grids.first?["columns"] as? [String]) == [String(repeating: "f", count: 13)])
    let runs = try Self.embedded(page, id: "kvtrace-uncached")
    #expect(try TraceDecoder.decode(Array(runs.dropFirst().dropLast().utf8)) == plain)
    // A page without that run says so in the terminal's words, and embeds no run.
    let alone = Self.page(trace)
    #expect(try Self.step(alone, 3)["without"] == nil)
    #expect(
      (try Self.step(alone, 3)["note"] as? String)?.hasPrefix("no run without a cache") == true)
    #expect(try Self.embedded(alone, id: "kvtrace-uncached") == "[]")
  }

  @Test func aPagedCachesBlockTableAndTheHeadAskedFor() throws {
    let trace = try RunRendererGoldenTests.trace(steps: 3, policy: PagedCache(blockSize: 4))
    let page = String(
      decoding: HTMLPage.render(trace, focus: RenderFocus(layer: 1, head: 2)), as: UTF8.self)
    let blocks = try #require(try Self.step(page, 3)["blocks"] as? [String: Any])
    #expect(blocks["title"] as? String == "block table")
    let cells = try #require(blocks["cells"] as? [String])
    #expect(cells.count == 13)
    #expect(cells[0].hasPrefix("0 → #") && cells[1] == "│" && cells[12].hasSuffix(" new"))
    #expect(try Self.embedded(page, id: "kvtrace-view").contains(#""focus":[1,2]"#))
    #expect(
      try Self.step(Self.page(try RunRendererGoldenTests.trace(steps: 1)), 1)["blocks"] == nil)
  }
}
