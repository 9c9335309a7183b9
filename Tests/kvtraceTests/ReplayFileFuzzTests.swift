// `kvtrace replay` on damaged files of every trace kind: whatever the bytes, exit 0 or 65
// with at most one line on standard error, and no control character from the file on
// standard output. The decoder's and the renderers' own fuzz tests (FuzzTests,
// ReplayFuzzTests) use one kind of trace and call the libraries; this one goes through the
// command, as a person replaying a crafted file would.

import Foundation
import Testing

@testable import kvtrace

/// A small seeded generator (SplitMix64), so a failing mutant reproduces exactly.
struct Seeded {
  var state: UInt64

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

@Suite(.tags(.endToEnd)) struct ReplayFileFuzzTests {
  /// One small run of each kind: decoder-only, two prompts, encoder-decoder, paged, int8.
  static let kinds: [[String]] = [
    ["--prompt", "The quick fox"],
    ["--prompt", "The quick fox", "--prompt", "The quick dog"],
    ["--arch", "encoder-decoder", "--prompt", "summarize: the fox"],
    ["--prompt", "The quick fox", "--cache", "paged:2"],
    ["--prompt", "The quick fox", "--cache", "int8"],
  ]

  /// Replacements that reach the corners: huge and odd numbers, escapes inside strings,
  /// structure, and raw control bytes.
  static let splices: [String] = [
    "9223372036854775807", "-9223372036854775808", "1e20", "-1e20", "1e39", "0", "-1", "0.5",
    "2", "\\u001b]0;title\\u0007", "\\u009b2J", "\\u0000", "\\n", "\u{1B}[2J", "\u{07}", "\"",
    "{", "}", "[", "]", ",", ":", "null", "true", "\"\"", "18446744073709551616",
  ]

  static func mutate(_ bytes: inout [UInt8], _ random: inout Seeded) {
    let at = random.below(bytes.count)
    switch random.below(4) {
    case 0:  // a number's digit
      if (48...57).contains(bytes[at]) { bytes[at] = 48 + UInt8(random.below(10)) }
    case 1:  // a splice over a few bytes
      let end = min(bytes.count, at + random.below(4))
      bytes.replaceSubrange(at..<end, with: Array(splices[random.below(splices.count)].utf8))
    case 2:  // a whole number replaced
      var end = at
      while end < bytes.count, (48...57).contains(bytes[end]) || bytes[end] == 46 { end += 1 }
      bytes.replaceSubrange(at..<end, with: Array(splices[random.below(9)].utf8))
    default:  // a deletion
      bytes.removeSubrange(at..<min(bytes.count, at + 1 + random.below(3)))
    }
  }

  @Test(arguments: kinds.indices)
  func damagedFilesExitCleanly(_ kind: Int) throws {
    let directory = try TemporaryDirectory()
    let source = directory.path("t.jsonl")
    let base = ["--layers", "1", "--heads", "2", "--dim", "8", "--steps", "2"]
    #expect(runCLI(Self.kinds[kind] + base + ["--export", source]).code == .ok)
    let original = try #require(directory.contents("t.jsonl"))
    var random = Seeded(state: UInt64(kind) &+ 15)
    var outcomes = (replayed: 0, refused: 0)
    let file = directory.path("m.jsonl")
    for round in 0..<1_500 {
      var bytes = original
      for _ in 0...(round % 3) { Self.mutate(&bytes, &random) }
      try Data(bytes).write(to: URL(fileURLWithPath: file))
      let result = runCLI(["replay", file, "--color", "never"])
      #expect(result.code == .ok || result.code == .dataError, "round \(round): \(result.error)")
      #expect(lines(of: result.error).count <= 2 && !result.error.dropLast().contains("\n"))
      let controls = (result.output + result.error).unicodeScalars.filter {
        $0 != "\n" && ($0.value < 0x20 || (0x7F...0x9F).contains($0.value))
      }
      #expect(controls.isEmpty, "round \(round)")
      if result.code == .ok { outcomes.replayed += 1 } else { outcomes.refused += 1 }
    }
    #expect(outcomes.replayed > 100)
    #expect(outcomes.refused > 100)
  }
}
