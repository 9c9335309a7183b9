import Foundation
import Testing

/// The README and the DocC articles show real output: each captured frame must be what
/// kvtrace prints now.
///
/// A ```text block whose first line is `$ swift run kvtrace ARGS` is compared with
/// the output of `kvtrace ARGS` (a `…` line stands for omitted lines); one whose
/// first line is `$ swift run kvtrace step --weights random` is a screen of the walk-through and is
/// compared with its golden frame; any other ```text block must appear, whole, in
/// the default demo's output. The deep dives that moved out of the README into DocC
/// articles (``articles``) are held to the same rule.
@Suite(.tags(.endToEnd, .golden)) struct ReadmeTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
  static let readme = root.appendingPathComponent("README.md")

  /// The articles of the libraries' DocC catalogs (`Sources/*/*.docc/*.md`) that hold a
  /// captured frame, relative to the package root: found, not listed, so a new one is
  /// checked too.
  static let articles: [String] = {
    let sources = root.appendingPathComponent("Sources")
    let modules = (try? FileManager.default.contentsOfDirectory(atPath: sources.path)) ?? []
    return modules.sorted().flatMap { module -> [String] in
      let catalog = "Sources/\(module)/\(module).docc"
      let files =
        (try? FileManager.default.contentsOfDirectory(
          atPath: root.appendingPathComponent(catalog).path)) ?? []
      return files.sorted().filter { $0.hasSuffix(".md") }.map { "\(catalog)/\($0)" }
    }.filter { (try? textBlocks(in: root.appendingPathComponent($0)))?.isEmpty == false }
  }()

  static func textBlocks(in file: URL = readme) throws -> [String] {
    let text = try String(contentsOf: file, encoding: .utf8)
    return text.components(separatedBy: "```text\n").dropFirst().compactMap {
      $0.components(separatedBy: "\n```").first
    }
  }

  /// The walk-through's first decode step at 80×24, as its golden test keeps it
  /// (KVTraceRenderTests/Snapshots), trailing spaces trimmed.
  static func stepFrame() throws -> String {
    let golden =
      root
      .appendingPathComponent("Tests/KVTraceRenderTests/Snapshots/frame-80x24-step1.txt")
    let text = try String(contentsOf: golden, encoding: .utf8)
    return text.components(separatedBy: "\n").map {
      String($0.reversed().drop { $0 == " " }.reversed())
    }.joined(separator: "\n")
  }

  @Test func everyCapturedFrameIsCurrentOutput() throws {
    let blocks = try Self.textBlocks()
    #expect(blocks.count >= 3)
    try Self.expectCurrentOutput(blocks, in: "README")
  }

  /// The frames that moved from the README to an article: the same check, where they live now.
  @Test func theArticlesThatHoldFramesAreFound() {
    for article in [
      "Sources/TinyTransformer/TinyTransformer.docc/CachePolicyGuide.md",
      "Sources/TinyTransformer/TinyTransformer.docc/EncoderDecoder.md",
      "Sources/KVTraceRender/KVTraceRender.docc/WalkThrough.md",
    ] {
      #expect(Self.articles.contains(article))
    }
  }

  @Test(arguments: articles)
  func everyArticleFrameIsCurrentOutput(article: String) throws {
    let blocks = try Self.textBlocks(in: Self.root.appendingPathComponent(article))
    #expect(!blocks.isEmpty)
    try Self.expectCurrentOutput(blocks, in: article)
  }

  static func expectCurrentOutput(_ blocks: [String], in source: String) throws {
    let demo = String(decoding: try runKVTrace([]).stdout, as: UTF8.self)
    for block in blocks {
      var lines = block.components(separatedBy: "\n")
      var output = demo
      // The walk-through's golden frame is drawn from the random-weights demo.
      if lines.first == "$ swift run kvtrace step --weights random" {
        output = try stepFrame()
        lines.removeFirst()
      } else if let first = lines.first, first.hasPrefix("$ swift run kvtrace") {
        // "Quoted words" stay together, as a shell keeps them.
        let arguments = TutorialTests.words(String(first.dropFirst("$ swift run kvtrace".count)))
        output = String(decoding: try runKVTrace(arguments).stdout, as: UTF8.self)
        lines.removeFirst()
      }
      for part in lines.split(separator: "…") where !part.isEmpty {
        let chunk = part.joined(separator: "\n")
        #expect(output.contains(chunk), "\(source): block is not current output:\n\(chunk)")
      }
    }
  }
}
