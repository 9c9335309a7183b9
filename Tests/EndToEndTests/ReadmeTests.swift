import Foundation
import Testing

/// The README shows real output: each captured frame must be what kvtrace prints now.
///
/// A ```text block whose first line is `$ swift run kvtrace ARGS` is compared with
/// the output of `kvtrace ARGS` (a `…` line stands for omitted lines); one whose
/// first line is `$ swift run kvtrace step` is a screen of the walk-through and is
/// compared with its golden frame; any other ```text block must appear, whole, in
/// the default demo's output.
@Suite(.tags(.endToEnd, .golden)) struct ReadmeTests {
  static let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("README.md")

  static func textBlocks() throws -> [String] {
    let text = try String(contentsOf: readme, encoding: .utf8)
    return text.components(separatedBy: "```text\n").dropFirst().compactMap {
      $0.components(separatedBy: "\n```").first
    }
  }

  /// The walk-through's first decode step at 80×24, as its golden test keeps it
  /// (KVTraceRenderTests/Snapshots), trailing spaces trimmed.
  static func stepFrame() throws -> String {
    let golden = readme.deletingLastPathComponent()
      .appendingPathComponent("Tests/KVTraceRenderTests/Snapshots/frame-80x24-step1.txt")
    let text = try String(contentsOf: golden, encoding: .utf8)
    return text.components(separatedBy: "\n").map {
      String($0.reversed().drop { $0 == " " }.reversed())
    }.joined(separator: "\n")
  }

  @Test func everyCapturedFrameIsCurrentOutput() throws {
    let blocks = try Self.textBlocks()
    #expect(blocks.count >= 3)
    let demo = String(decoding: try runKVTrace([]).stdout, as: UTF8.self)
    for block in blocks {
      var lines = block.components(separatedBy: "\n")
      var output = demo
      if lines.first == "$ swift run kvtrace step" {
        output = try Self.stepFrame()
        lines.removeFirst()
      } else if let first = lines.first, first.hasPrefix("$ swift run kvtrace") {
        // "Quoted words" stay together, as a shell keeps them.
        let arguments = TutorialTests.words(String(first.dropFirst("$ swift run kvtrace".count)))
        output = String(decoding: try runKVTrace(arguments).stdout, as: UTF8.self)
        lines.removeFirst()
      }
      for part in lines.split(separator: "…") where !part.isEmpty {
        let chunk = part.joined(separator: "\n")
        #expect(output.contains(chunk), "README block is not current output:\n\(chunk)")
      }
    }
  }
}
