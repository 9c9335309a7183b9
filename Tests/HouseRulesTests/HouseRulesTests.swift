// The house rules of ../shared/STYLE.md and issue 14's "Done when", checked on Sources/:
// - no source file over 300 lines;
// - no function (func, init, deinit, subscript) over 60 lines, from its keyword through
//   its closing brace;
// - the module import graph: KVTrace imports only Foundation; TinyTransformer only
//   Foundation, KVTrace, the toolchain's Synchronization and its own C kernels
//   (FastKernelsC, GGUFKernelsC); KVTraceRender only Foundation
//   and KVTrace; Training only Foundation, KVTrace and TinyTransformer; Glibc and Darwin
//   only in Sources/kvtrace, the command line.
// - every test in Tests/ declares its level (.unit, .oracle, .golden, .endToEnd), itself or
//   through its suite (Tests/GoldenFiles/TestLevels.swift).
// Each check reports every offender in one message, longest first.
import Foundation
import GoldenFiles
import Testing

@Suite(.tags(.unit)) struct HouseRulesTests {
  static let maximumFileLines = 300
  static let maximumFunctionLines = 60

  /// What each library module may import; a module not listed here is reported.
  static let allowedImports: [String: Set<String>] = [
    "KVTrace": ["Foundation"],
    "TinyTransformer": [
      "Foundation", "KVTrace", "Synchronization", "FastKernelsC", "GGUFKernelsC",
    ],
    "KVTraceRender": ["Foundation", "KVTrace"],
    "Training": ["Foundation", "KVTrace", "TinyTransformer"],
  ]
  /// The command line imports what it needs; it alone may touch the platform.
  static let commandLineModule = "kvtrace"
  static let platformModules: Set = ["Glibc", "Darwin", "Musl", "WinSDK", "ucrt", "Bionic"]

  /// The package root: three folders above this file (Tests/HouseRulesTests/…).
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  /// Every Swift file under Sources/, with its module (the folder below Sources/).
  static func sources() throws -> [(module: String, source: SwiftSource)] {
    let sources = root.appendingPathComponent("Sources")
    let paths =
      FileManager.default.enumerator(atPath: sources.path)?
      .compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }.sorted() ?? []
    return try paths.map { path in
      let text = try String(
        contentsOf: sources.appendingPathComponent(path), encoding: .utf8)
      let module = String(path.prefix(while: { $0 != "/" }))
      return (module, SwiftSource(path: "Sources/\(path)", text: text))
    }
  }

  /// Every Swift file under Tests/ (the test targets and their support).
  static func tests() throws -> [SwiftSource] {
    let tests = root.appendingPathComponent("Tests")
    let paths =
      FileManager.default.enumerator(atPath: tests.path)?
      .compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }.sorted() ?? []
    return try paths.map { path in
      let text = try String(contentsOf: tests.appendingPathComponent(path), encoding: .utf8)
      return SwiftSource(path: "Tests/\(path)", text: text)
    }
  }

  @Test func everyTestDeclaresItsLevel() throws {
    let sources = try Self.tests()
    #expect(sources.contains { !$0.testAttributes.isEmpty })
    let offenders = sources.flatMap { source in
      source.testsWithoutALevel.map { "\(source.path):\($0.line): \($0.attribute)" }
    }
    #expect(
      offenders.isEmpty,
      """
      \(offenders.count) test(s) or suite(s) without a level; tag each (or its suite) with \
      .tags(.unit), .tags(.oracle), .tags(.golden) or .tags(.endToEnd):
      \(offenders.joined(separator: "\n"))
      """)
  }

  @Test func theSourcesAreFound() throws {
    let modules = Set(try Self.sources().map(\.module))
    #expect(modules.isSuperset(of: ["KVTrace", "TinyTransformer", "KVTraceRender", "kvtrace"]))
  }

  @Test func noSourceFileIsOver300Lines() throws {
    let offenders = try Self.sources().map(\.source)
      .filter { $0.lineCount > Self.maximumFileLines }
      .sorted { $0.lineCount > $1.lineCount }
      .map { "\($0.path): \($0.lineCount) lines" }
    #expect(
      offenders.isEmpty,
      """
      \(offenders.count) source file(s) over \(Self.maximumFileLines) lines; split each by role:
      \(offenders.joined(separator: "\n"))
      """)
  }

  @Test func noFunctionIsOver60Lines() throws {
    let offenders = try Self.sources().map(\.source).flatMap { source in
      source.functions.filter { $0.lineCount > Self.maximumFunctionLines }.map { (source, $0) }
    }
    .sorted { $0.1.lineCount > $1.1.lineCount }
    .map { source, function in
      "\(source.path):\(function.firstLine): \(function.name), \(function.lineCount) lines"
    }
    #expect(
      offenders.isEmpty,
      """
      \(offenders.count) function(s) over \(Self.maximumFunctionLines) lines \
      (keyword through closing brace); give each step its own function:
      \(offenders.joined(separator: "\n"))
      """)
  }

  @Test func theModuleImportGraphIsUnchanged() throws {
    var offenders: [String] = []
    for (module, source) in try Self.sources() {
      for imported in source.imports {
        if Self.platformModules.contains(imported) && module != Self.commandLineModule {
          offenders.append("\(source.path) imports \(imported): only Sources/kvtrace may")
        } else if module != Self.commandLineModule,
          !(Self.allowedImports[module]?.contains(imported) ?? false)
        {
          let allowed = Self.allowedImports[module]?.sorted().joined(separator: ", ")
          offenders.append(
            "\(source.path) imports \(imported): \(module) may import only "
              + (allowed ?? "what HouseRulesTests.allowedImports lists (it lists no \(module))"))
        }
      }
    }
    #expect(
      offenders.isEmpty,
      """
      the module import graph changed (\(offenders.count) import(s)):
      \(offenders.joined(separator: "\n"))
      """)
  }
}
