// The built kvtrace writing one step of the walk-through as an SVG image.

import Foundation
import Testing

#if canImport(FoundationXML)
  import FoundationXML  // XMLParser lives here on Linux
#endif

/// `--format svg` and `--frame STEP`.
@Suite(.tags(.endToEnd)) struct SVGFrameEndToEndTests {
  /// The rows of an SVG frame: the text of each `<text>`, as an XML parser reads it.
  final class Rows: NSObject, XMLParserDelegate {
    var rows: [String] = []
    private var inRow = false

    func parser(
      _ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
      qualifiedName: String?, attributes: [String: String] = [:]
    ) {
      if name == "text" {
        rows.append("")
        inRow = true
      }
    }

    func parser(
      _ parser: XMLParser, didEndElement name: String, namespaceURI: String?,
      qualifiedName: String?
    ) {
      if name == "text" { inRow = false }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
      if inRow { rows[rows.count - 1] += string }
    }
  }

  static func rows(_ svg: Data) throws -> [String] {
    let parser = XMLParser(data: svg)
    let rows = Rows()
    parser.delegate = rows
    try #require(parser.parse(), "not well-formed: \(String(describing: parser.parserError))")
    return rows.rows
  }

  /// The screen a walk-through painted on a terminal: each line as last painted
  /// (`ESC [ row ; 1 H`, `ESC [ 0 m`, `ESC [ 2 K`, then the line).
  static func screen(_ output: String, rows: Int) -> [String] {
    var screen = Array(repeating: "", count: rows)
    let parts = output.components(separatedBy: "\u{1B}[")
    var index = 0
    while index < parts.count {
      let part = parts[index]
      if let h = part.firstIndex(of: "H"), let row = Int(part[..<h].split(separator: ";")[0]),
        part.hasSuffix(";1H"), index + 2 < parts.count, parts[index + 1] == "0m",
        parts[index + 2].hasPrefix("2K"), row >= 1, row <= rows
      {
        screen[row - 1] = String(parts[index + 2].dropFirst(2))
        index += 3
        continue
      }
      index += 1
    }
    return screen
  }

  /// What `kvtrace step --start 2` shows on an 80×24 terminal is what the SVG of step 2
  /// holds, line by line, in an 80×24 frame (COLUMNS and LINES).
  @Test func theSVGsTextIsWhatTheTerminalShows() throws {
    let run = try PseudoTerminalRun(
      ["step", "--start", "2", "--steps", "4"], environment: ["NO_COLOR": "1"])
    run.waitFor("step 2") { $0.contains("step 2 of 4") && $0.contains("q quit") }
    let shown = Self.screen(String(decoding: run.output, as: UTF8.self), rows: 24)
    run.press("q")
    #expect(run.waitForExit() == 0)
    let svg = try runKVTrace(
      ["--steps", "4", "--export", "-", "--format", "svg", "--frame", "2"],
      environment: testEnvironment(["COLUMNS": "80", "LINES": "24"]))
    #expect(svg.status == 0, "\(svg.error)")
    #expect(try Self.rows(svg.stdout) == shown)
  }

  /// Without --frame the image is the prefill (step 0), where `kvtrace step` opens; the
  /// screen is COLUMNS × LINES, else 80×24; run and replay draw the same bytes.
  @Test func theDefaultFrameIsThePrefillAndReplayDrawsTheSame() throws {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("kvtrace-svg-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = { (name: String) in folder.appendingPathComponent(name).path }
    let plain = try runKVTrace(["--steps", "3"])
    let first = try runKVTrace(["--steps", "3", "--export", path("default.svg")])
    #expect(first.status == 0 && first.stderr.isEmpty, "\(first.error)")
    #expect(first.stdout == plain.stdout)  // the image is written beside the usual output
    _ = try runKVTrace(["--steps", "3", "--export", path("zero.svg"), "--frame", "0"])
    let image = try Data(contentsOf: URL(fileURLWithPath: path("default.svg")))
    #expect(image == (try Data(contentsOf: URL(fileURLWithPath: path("zero.svg")))))
    let rows = try Self.rows(image)
    #expect(rows.count == 24 && rows[0].hasPrefix(" step 0 of 3 · prefill"))
    _ = try runKVTrace(["--steps", "3", "--export", path("t.json")])
    let replay = try runKVTrace(
      ["replay", path("t.json"), "--export", path("replay.svg"), "--frame", "0"])
    #expect(replay.status == 0, "\(replay.error)")
    #expect(image == (try Data(contentsOf: URL(fileURLWithPath: path("replay.svg")))))
    let tall = try runKVTrace(
      ["--steps", "3", "--export", "-", "--format", "svg", "--frame", "3", "--layer", "1"],
      environment: testEnvironment(["COLUMNS": "120", "LINES": "40"]))
    let tallRows = try Self.rows(tall.stdout)
    #expect(tallRows.count == 40 && tallRows[0].count == 120)
    #expect(tallRows[0].hasPrefix(" step 3 of 3 · decode · cache full · layer 1 · head 0"))
  }

  /// A bad --frame is a usage error on one line, and no file is written.
  @Test(arguments: [
    (["--frame", "7"], "--frame 7 is past the last step: this run has steps 0 to 3"),
    (["--frame", "-1"], "--frame must be between 0 and"),
    (["--frame", "two"], "--frame expects a whole number"),
    (["--frame", "1", "--format", "html"], "--frame picks the step of an SVG image"),
  ])
  func aBadFrameIsOneLineAndNoFile(extra: [String], message: String) throws {
    let file = FileManager.default.temporaryDirectory
      .appendingPathComponent("kvtrace-bad-frame-\(UUID().uuidString).svg")
    defer { try? FileManager.default.removeItem(at: file) }
    let result = try runKVTrace(["--steps", "3", "--export", file.path] + extra)
    #expect(result.status == 64)
    #expect(isOneErrorLine(result.error) && result.error.contains(message), "\(result.error)")
    #expect(result.stdout.isEmpty)
    #expect(!FileManager.default.fileExists(atPath: file.path))
    let alone = try runKVTrace(["--frame", "1"])
    #expect(alone.status == 64 && alone.error.contains("--frame needs --export FILE --format svg"))
  }
}
