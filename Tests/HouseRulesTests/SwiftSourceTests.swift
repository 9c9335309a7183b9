// The scanner behind the house rules: braces and keywords inside comments and strings do
// not count; protocol requirements have no body; nested functions are measured whole.
import GoldenFiles
import Testing

@Suite(.tags(.unit)) struct SwiftSourceTests {
  @Test func commentsAndStringsAreBlankedKeepingNewlines() {
    let text = """
      let a = "{ func" // } init
      /* { /* nested } */ func */ let b = #"raw "{" \\(x) }"#
      let c = "\\(f("}")) {" + \"""
        } func g() {
        \"""
      """
    let code = String(decoding: SwiftSource(path: "t.swift", text: text).code, as: UTF8.self)
    #expect(!code.contains("{") && !code.contains("}") && !code.contains("func"))
    #expect(code.contains("let a") && code.contains("let b") && code.contains("f("))
    #expect(code.split(separator: "\n", omittingEmptySubsequences: false).count == 5)
  }

  @Test func functionsAreMeasuredFromKeywordToClosingBrace() {
    let text = """
      protocol P {
        func required() -> Int
        init(value: Int)
      }
      struct S: P {
        init(value: Int) { self.init() }
        init() {}
        func outer(_ f: () -> Void = { }) -> Int {
          func inner() {
            print("}")
          }
          return [1].map { $0 }.count
        }
      }
      """
    let functions = SwiftSource(path: "t.swift", text: text).functions
    #expect(
      functions == [
        .init(name: "init", firstLine: 6, lastLine: 6),
        .init(name: "init", firstLine: 7, lastLine: 7),
        .init(name: "outer", firstLine: 8, lastLine: 13),
        .init(name: "inner", firstLine: 9, lastLine: 11),
      ])
  }

  @Test func importsAreReadWithAttributesAndKinds() {
    let text = """
      import Foundation
      @testable import KVTrace
      #if canImport(Glibc)
        import Glibc
      #endif
      public import struct Synchronization.Mutex
      // import Darwin
      let s = "import Darwin"
      """
    let imports = SwiftSource(path: "t.swift", text: text).imports
    #expect(imports == ["Foundation", "KVTrace", "Glibc", "Synchronization"])
  }

  @Test func linesAreCountedAsWcDoes() {
    #expect(SwiftSource(path: "a", text: "a\nb\n").lineCount == 2)
    #expect(SwiftSource(path: "a", text: "a\nb").lineCount == 2)
    #expect(SwiftSource(path: "a", text: "").lineCount == 0)
  }
}

@Suite(.tags(.unit)) struct TestLevelScanTests {
  @Test func testsWithoutALevelAreFoundThroughTheirSuites() {
    let text = """
      @Suite(.tags(.unit)) struct A {
        @Test func inherits() {}
        @Test(.tags(.golden)) func addsOne() {}
      }
      @Suite struct Mixed {
        @Test(.tags(.oracle), arguments: [1]) func one(_ x: Int) {}
        @Test(.tags(.endToEnd)) func two() {}
      }
      @Suite struct Bare {
        @Test("a name with .tags(.unit) in it") func missing() {}
      }
      @Test(.tags(.unit)) func loose() {}
      @Test(.serialized, arguments: [1]) func looseMissing(_ x: Int) {}
      """
    let missing = SwiftSource(path: "t.swift", text: text).testsWithoutALevel
    #expect(missing.map(\.line) == [9, 10, 13])
  }
}
