// The tutorials (Tutorials/KVTrace.docc) cannot drift from the program:
// - every code file in the catalog's Resources is its Examples file, byte for byte;
// - every output file listed in Tutorials/outputs.txt starts with the command that
//   made it (`$ swift run kvtrace ARGS` or `$ swift run EXAMPLE ARGS`) and holds
//   exactly what that command prints now;
// - every ```text block of an article (the workshop guide) that starts with such a command
//   shows what it prints now, a `…` line standing for lines left out;
// - every image (Tutorials/Images) is one step of the walk-through as kvtrace draws it
//   (`--format svg --frame STEP`, images.txt gives the command), its PNG of the same size;
// - no two resources share a name (docc would silently pick one).
// Re-record outputs and SVGs with: KVTRACE_RECORD=1 swift test --filter TutorialTests
// or run Tutorials/make-images.sh, which writes the SVGs and the PNGs the catalog shows.

import Foundation
import GoldenFiles
import Testing

@Suite struct TutorialTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
  static let tutorials = root.appendingPathComponent("Tutorials")
  static let resources = tutorials.appendingPathComponent("KVTrace.docc/Resources")
  static let examples = ["quick-brown-fox", "export-trace", "custom-recorder", "cache-policies"]
  static var recording: Bool { GoldenFiles.recording }

  /// The non-comment, non-blank lines of a manifest under Tutorials/.
  static func manifest(_ name: String) throws -> [String] {
    let text = try String(
      contentsOf: tutorials.appendingPathComponent(name), encoding: .utf8)
    return text.components(separatedBy: "\n").filter { !$0.isEmpty && !$0.hasPrefix("#") }
  }

  static func resourceNames() throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: resources.path).sorted()
  }

  /// Splits a command line on spaces, keeping "double-quoted words" together.
  static func words(_ line: String) -> [String] {
    var words: [String] = []
    var current = ""
    var quoted = false
    var inWord = false
    for character in line {
      if character == "\"" {
        quoted.toggle()
        inWord = true
      } else if character == " " && !quoted {
        if inWord { words.append(current) }
        current = ""
        inWord = false
      } else {
        current.append(character)
        inWord = true
      }
    }
    if inWord { words.append(current) }
    return words
  }

  /// Runs the command on an output file's first line; returns the file's expected text.
  static func currentText(ofCommand commandLine: String) throws -> String {
    let words = words(String(commandLine.dropFirst("$ swift run ".count)))
    guard let program = words.first else { return "" }
    let result = try runProgram(program, Array(words.dropFirst()))
    #expect(result.status == 0, "\(commandLine) exited \(result.status): \(result.error)")
    return commandLine + "\n" + result.output
  }

  static func runProgram(_ program: String, _ arguments: [String]) throws -> ProcessResult {
    if program == "kvtrace" { return try runKVTrace(arguments) }
    return try runProduct(productsDirectory.appendingPathComponent(program), arguments)
  }

  @Test(.tags(.golden)) func everyCodeFileIsItsExamplesFile() throws {
    let code = try Self.resourceNames().filter { $0.hasSuffix(".swift") }
    #expect(!code.isEmpty)
    for name in code {
      let example = String(name.dropLast(".swift".count))
      let source = Self.root.appendingPathComponent("Examples/\(example)/main.swift")
      let shown = try Data(contentsOf: Self.resources.appendingPathComponent(name))
      let actual = try Data(contentsOf: source)
      #expect(shown == actual, "Resources/\(name) differs from Examples/\(example)/main.swift")
    }
  }

  @Test(.tags(.endToEnd, .golden)) func everyShownOutputIsCurrent() throws {
    let listed = try Self.manifest("outputs.txt")
    #expect(listed.count >= 8)
    let onDisk = try Self.resourceNames().filter { $0.hasSuffix(".txt") }
    #expect(Set(onDisk) == Set(listed), "Tutorials/outputs.txt must list every .txt resource")
    for name in listed {
      let file = Self.resources.appendingPathComponent(name)
      let shown = try String(contentsOf: file, encoding: .utf8)
      let command = shown.components(separatedBy: "\n")[0]
      #expect(command.hasPrefix("$ swift run "), "\(name) must start with its command")
      guard command.hasPrefix("$ swift run ") else { continue }
      let current = try Self.currentText(ofCommand: command)
      if Self.recording && shown != current {
        try GoldenFiles.recordBaseline(current, at: file)
        continue
      }
      #expect(shown == current, "\(name) is not what `\(command.dropFirst(2))` prints now")
    }
  }

  /// Every figure is one step of the walk-through as kvtrace itself draws it (`--format svg
  /// --frame STEP` on the screen images.txt gives), and its PNG has the SVG's size.
  @Test(.tags(.endToEnd, .golden)) func everyImageIsAFrameKVTraceDraws() throws {
    let images = try Self.manifest("images.txt")
    #expect(images.count >= 4)
    for entry in images {
      let parts = Self.words(entry)
      try #require(
        parts.count > 3 && Int(parts[1]) != nil && Int(parts[2]) != nil,
        "images.txt: 'NAME COLUMNS LINES ARGUMENTS' expected, got '\(entry)'")
      let result = try runKVTrace(
        Array(parts.dropFirst(3)) + ["--export", "-", "--format", "svg"],
        environment: testEnvironment(["COLUMNS": parts[1], "LINES": parts[2]]))
      #expect(result.status == 0, "\(entry): \(result.error)")
      let svg = result.output
      let file = Self.tutorials.appendingPathComponent("Images/\(parts[0]).svg")
      let shown = try? String(contentsOf: file, encoding: .utf8)
      if Self.recording && shown != svg {
        try GoldenFiles.recordBaseline(svg, at: file)
      } else {
        #expect(shown == svg, "Images/\(parts[0]).svg is not what kvtrace draws now")
      }
      let png = FileManager.default.contents(
        atPath: Self.resources.appendingPathComponent("\(parts[0]).png").path)
      let bytes = [UInt8](png ?? Data())
      #expect(
        bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) && bytes.count > 24,
        "Resources/\(parts[0]).png is missing or not a PNG: run Tutorials/make-images.sh")
      guard bytes.count > 24 else { continue }
      // The PNG's width and height (its IHDR) are the SVG's: drawn from this frame's size.
      let number = { (at: Int) in bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
      #expect(
        svg.contains(#"width="\#(number(16))" height="\#(number(20))""#),
        "Resources/\(parts[0]).png is \(number(16))×\(number(20)): run Tutorials/make-images.sh")
    }
  }

  /// Whether `output`'s lines hold `block`'s: a `…` line stands for any number of lines;
  /// without one at either end, the block must match the output's first or last lines.
  static func matches(_ block: [String], _ output: [String]) -> Bool {
    let segments = block.split(separator: "…", omittingEmptySubsequences: false).map(Array.init)
    var start = 0
    for (index, segment) in segments.enumerated() where !segment.isEmpty {
      let last = index == segments.count - 1
      let candidates = index == 0 ? [0] : Array(start...max(start, output.count - segment.count))
      guard
        let found = candidates.first(where: { at in
          at + segment.count <= output.count
            && Array(output[at..<at + segment.count]) == segment
            && (!last || at + segment.count == output.count)
        })
      else { return false }
      start = found + segment.count
    }
    return true
  }

  @Test(.tags(.endToEnd, .golden)) func everyCommandInTheArticlesShowsCurrentOutput() throws {
    let catalog = Self.tutorials.appendingPathComponent("KVTrace.docc")
    let articles = try FileManager.default.contentsOfDirectory(atPath: catalog.path)
      .filter { $0.hasSuffix(".md") || $0.hasSuffix(".tutorial") }.sorted()
    var checked = 0
    for article in articles {
      let text = try String(
        contentsOf: catalog.appendingPathComponent(article), encoding: .utf8)
      let blocks = text.components(separatedBy: "```text\n").dropFirst().compactMap {
        $0.components(separatedBy: "\n```").first
      }
      for block in blocks {
        let lines = block.components(separatedBy: "\n")
        guard let command = lines.first, command.hasPrefix("$ swift run ") else { continue }
        var output = try Self.currentText(ofCommand: command).components(separatedBy: "\n")
        if output.last == "" { output.removeLast() }
        let shown = Self.matches(Array(lines.dropFirst()), Array(output.dropFirst()))
        #expect(
          shown,
          "\(article): the output shown for `\(command.dropFirst(2))` is not what it prints now")
        checked += 1
      }
    }
    #expect(checked >= 5)
  }

  /// The workshop guide maps every misconception of ../shared/TEACHING.md (M1–M15) to the
  /// tutorial that corrects it, each naming a tutorial page.
  @Test(.tags(.unit)) func everyMisconceptionIsMappedToATutorial() throws {
    let guide = try String(
      contentsOf: Self.tutorials.appendingPathComponent("KVTrace.docc/WorkshopGuide.tutorial"),
      encoding: .utf8)
    let rows = guide.components(separatedBy: "\n")
    for number in 1...15 {
      let row = rows.first { $0.hasPrefix("| M\(number) |") }
      #expect(row?.contains("<doc:") == true, "M\(number) has no tutorial in the workshop guide")
    }
  }

  @Test(.tags(.unit)) func noTwoResourcesShareAName() throws {
    let catalog = Self.tutorials.appendingPathComponent("KVTrace.docc")
    var seen: [String: String] = [:]
    let files = FileManager.default.enumerator(atPath: catalog.path)?.allObjects as? [String] ?? []
    // Skipped: tutorial and article sources, and hidden folders (a `docc preview` build).
    for path in files
    where !path.hasSuffix(".tutorial") && !path.hasSuffix(".md") && !path.hasPrefix(".")
      && !path.contains("/.")
    {
      let name = URL(fileURLWithPath: path).lastPathComponent
      guard name.contains(".") else { continue }
      // docc names an asset by its file name without extension (and @2x, ~dark variants).
      let asset = String(name.prefix { $0 != "." && $0 != "@" && $0 != "~" }).lowercased()
      #expect(seen[asset] == nil, "\(path) and \(seen[asset] ?? "") share the name \(asset)")
      seen[asset] = path
    }
  }

  @Test(.tags(.endToEnd, .golden), arguments: examples) func exampleRunsAndPrintsItsGolden(
    _ example: String
  ) throws {
    let result = try runProduct(productsDirectory.appendingPathComponent(example), [])
    #expect(result.status == 0, "\(example) exited \(result.status): \(result.error)")
    try golden.check(result.output, named: "example-\(example).txt")
  }

  @Test(.tags(.endToEnd)) func exportTraceReadsBackWhatItWrote() throws {
    let file = FileManager.default.temporaryDirectory
      .appendingPathComponent("kvtrace-export-\(getpid()).json")
    defer { try? FileManager.default.removeItem(at: file) }
    let result = try runProduct(
      productsDirectory.appendingPathComponent("export-trace"), [file.path])
    #expect(result.status == 0)
    #expect(result.output.contains("identical: true"))
    // The file it wrote is a trace kvtrace itself replays.
    let replay = try runKVTrace(["replay", file.path])
    #expect(replay.status == 0, "\(replay.error)")
    // The example decodes `TinyTransformer.trainedDefault()`: the default model.
    let run = try runKVTrace(["--steps", "2"])
    #expect(replay.output == run.output)
  }

  @Test(.tags(.endToEnd)) func cachePoliciesSaysEveryExactPolicyMatches() throws {
    let result = try runProduct(productsDirectory.appendingPathComponent("cache-policies"), [])
    let lines = result.output.components(separatedBy: "\n").filter { $0.contains("(exact)") }
    #expect(lines.count >= 2)
    for line in lines { #expect(line.contains("same tokens as no cache: yes"), "\(line)") }
  }
}
