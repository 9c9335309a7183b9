import Foundation
import KVTrace
import KVTraceRender
import Testing
import TinyTransformer

#if canImport(FoundationXML)
  import FoundationXML  // XMLParser lives here on Linux
#endif

/// An SVG frame (`--format svg`) is the walk-through's screen as an image with real text:
/// well-formed XML whose rows, read as text, are the terminal frame's lines.
@Suite(.tags(.unit)) struct SVGFrameTests {
  /// The `<text>` rows of an SVG, as an XML parser reads them, with each `<tspan>`'s text
  /// and fill.
  final class Reader: NSObject, XMLParserDelegate {
    var rows: [String] = []
    var runs: [(text: String, fill: String?)] = []
    var root: String?
    private var inRow = false

    func parser(
      _ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
      qualifiedName: String?, attributes: [String: String] = [:]
    ) {
      if root == nil { root = name }
      if name == "text" {
        rows.append("")
        inRow = true
      }
      if name == "tspan" { runs.append(("", attributes["fill"])) }
    }

    func parser(
      _ parser: XMLParser, didEndElement name: String, namespaceURI: String?,
      qualifiedName: String?
    ) {
      if name == "text" { inRow = false }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
      guard inRow else { return }
      rows[rows.count - 1] += string
      if !runs.isEmpty { runs[runs.count - 1].text += string }
    }
  }

  /// Parses `svg`; fails the test when the XML parser refuses it.
  static func read(_ svg: String) throws -> Reader {
    let parser = XMLParser(data: Data(svg.utf8))
    let reader = Reader()
    parser.delegate = reader
    let parsed = parser.parse()
    #expect(parsed, "not well-formed: \(String(describing: parser.parserError))")
    try #require(parsed)
    #expect(reader.root == "svg")
    return reader
  }

  /// `line` without its color escapes (`ESC [ … m`), as the terminal shows it.
  static func visible(_ line: String) -> String {
    var out = String.UnicodeScalarView()
    var inEscape = false
    for scalar in line.unicodeScalars {
      if inEscape {
        inEscape = scalar != "m"
      } else if scalar == "\u{1B}" {
        inEscape = true
      } else {
        out.append(scalar)
      }
    }
    return String(out)
  }

  static let colored = RenderStyle(width: 80, color: .truecolor, unicode: true)

  @Test(arguments: [
    (0, FrameSize(columns: 80, rows: 24)), (1, FrameSize(columns: 80, rows: 24)),
    (3, FrameSize(columns: 120, rows: 40)), (6, FrameSize(columns: 60, rows: 16)),
  ])
  func theTextIsTheTerminalFramesLineByLine(step: Int, size: FrameSize) throws {
    let frame = InteractiveFrame(trace: try RunRendererGoldenTests.trace())
    let state = InteractiveState(step: step, focus: RenderFocus(layer: 1, head: 2))
    let lines = frame.lines(state, size: size, style: Self.colored)
    let svg = SVGFrame.render(frame, state: state, size: size, style: Self.colored)
    let reader = try Self.read(svg)
    #expect(reader.rows.count == size.rows)
    #expect(reader.rows == lines.map(Self.visible))
    #expect(reader.rows.first?.contains("step \(step) of 6") == true)
  }

  @Test func colorsAreFillsAndNeverOnlyOnStyleNone() throws {
    let frame = InteractiveFrame(trace: try RunRendererGoldenTests.trace())
    let state = InteractiveState(step: 1)
    let size = FrameSize(columns: 80, rows: 24)
    let colored = try Self.read(
      SVGFrame.render(frame, state: state, size: size, style: Self.colored))
    // The newest row's fresh marks are green (SGR 32), the reused ones cyan (36).
    let fills = Dictionary(
      grouping: colored.runs, by: { $0.text.trimmingCharacters(in: .whitespaces) })
    #expect(fills["■"]?.contains { $0.fill == "#0dbc79" } == true)
    #expect(fills["□"]?.contains { $0.fill == "#11a8cd" } == true)
    var plain = Self.colored
    plain.color = .none
    let svg = SVGFrame.render(frame, state: state, size: size, style: plain)
    let reader = try Self.read(svg)
    #expect(reader.runs.allSatisfy { $0.fill == nil })
    #expect(reader.rows == colored.rows)  // the same text, color or not
  }

  @Test func hostileTextStaysTextAndNoControlCharacterReachesTheFile() throws {
    var trace = try RunRendererGoldenTests.trace(prompt: "The quick fox", steps: 2)
    let hostile = "\u{1B}[2J</text><script>alert(1)</script>&amp;\u{7}\u{9B}31m<![CDATA[x]]>"
    for index in trace.header.promptTokens.indices {
      trace.header.promptTokens[index].text = hostile
    }
    trace.header.prompt = hostile
    let frame = InteractiveFrame(trace: trace)
    let state = InteractiveState(step: 1)
    let size = FrameSize(columns: 100, rows: 24)
    let svg = SVGFrame.render(frame, state: state, size: size, style: Self.colored)
    let reader = try Self.read(svg)
    #expect(!svg.contains("<script") && !svg.contains("<![CDATA"))
    let controls = svg.unicodeScalars.filter { TerminalText.isControl($0) && $0 != "\n" }
    #expect(controls.isEmpty, "control characters in the SVG: \(controls.map(\.value))")
    // The tokens are shown as the terminal shows them: their control characters named.
    #expect(reader.rows.contains { $0.contains("<0x1B>") })
    #expect(reader.rows == frame.lines(state, size: size, style: Self.colored).map(Self.visible))
  }

  @Test func theImageIsTheFramesSize() throws {
    let frame = InteractiveFrame(trace: try RunRendererGoldenTests.trace(steps: 1))
    let small = SVGFrame.render(
      frame, state: InteractiveState(), size: FrameSize(columns: 80, rows: 24), style: .plain)
    let large = SVGFrame.render(
      frame, state: InteractiveState(), size: FrameSize(columns: 160, rows: 48), style: .plain)
    #expect(small.contains(#"width="699" height="432""#))  // 80 × 8.43 + 24, 24 × 17 + 24
    #expect(large.contains(#"width="1373" height="840""#))
  }
}
