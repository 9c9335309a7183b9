import KVTrace
import Testing
import TinyTransformer

/// No input may crash the decoder: every damaged trace gives a clean error or a valid trace.
///
/// The mutations are seeded, so a failure reproduces exactly. Each decode either
/// throws a `TraceFileError` (the compiler guarantees no other error escapes) whose
/// place lies inside the file, or returns a trace that encodes and decodes again to
/// itself.
@Suite(.tags(.unit)) struct FuzzTests {
  /// A small real trace: 2 prompt tokens and 2 decode steps, at full detail (about 5 KB).
  static let trace = Result { try Demo.trace(prompt: "The fox", steps: 2) }

  /// Bytes that steer mutations into JSON's structure as well as its values.
  static let interesting =
    Array("{}[],:\"\\-.0123456789eE+tfn \n\r\t".utf8) + [0x00, 0x80, 0xC3, 0xFF]

  @Test(arguments: TraceFileFormat.allCases)
  func seededMutationsNeverCrash(_ format: TraceFileFormat) throws {
    let original = TraceEncoder.encode(try Self.trace.get(), as: format)
    var random = SplitMix64(seed: format == .json ? 1 : 2)
    var outcomes = (errors: 0, traces: 0)
    for round in 0..<600 {
      var bytes = original
      for _ in 0...(round % 3) { Self.mutate(&bytes, &random) }
      if Self.check(bytes) { outcomes.traces += 1 } else { outcomes.errors += 1 }
    }
    // The mutations must reach both outcomes, or the test is not testing much.
    #expect(outcomes.errors > 300)
    #expect(outcomes.traces > 0)
  }

  @Test(arguments: TraceFileFormat.allCases)
  func everyTruncationIsACleanCut(_ format: TraceFileFormat) throws {
    let trace = try Self.trace.get()
    let original = TraceEncoder.encode(trace, as: format)
    for length in stride(from: 1, to: original.count - 1, by: 13) {
      let cut = Array(original[..<length])
      let error = try #require(decodingError(cut))
      #expect(
        error.kind == .cutShort || String(decoding: cut, as: UTF8.self).allSatisfy(\.isWhitespace))
      #expect(Self.isInside(error, cut))
      if let prefix = error.wholePrefix {
        #expect(trace.events.starts(with: prefix.events))
        #expect(prefix.steps.allSatisfy { $0.counters != nil && $0.token != nil })
      }
    }
    // Without only its final newline, the file is whole.
    #expect(try TraceDecoder.decode(Array(original.dropLast())) == trace)
  }

  /// Decodes `bytes`: true for a trace (which must round-trip), false for a clean error.
  static func check(_ bytes: [UInt8]) -> Bool {
    do {
      let trace = try TraceDecoder.decode(bytes)
      let again = try TraceDecoder.decode(TraceEncoder.encode(trace, as: .jsonl))
      #expect(again == trace)
      return true
    } catch {
      #expect(isInside(error, bytes), "\(error)")
      #expect(!error.description.contains("\n"))
      return false
    }
  }

  /// Whether the error's line and column point into the file.
  static func isInside(_ error: TraceFileError, _ bytes: [UInt8]) -> Bool {
    let lines = bytes.split(separator: 10, omittingEmptySubsequences: false)
    guard error.line >= 1, error.line <= lines.count, error.column >= 1 else { return false }
    return error.column <= lines[error.line - 1].count + 1
  }

  static func mutate(_ bytes: inout [UInt8], _ random: inout SplitMix64) {
    guard !bytes.isEmpty else { return }
    let at = Int(random.next() % UInt64(bytes.count))
    let byte =
      random.next() % 3 == 0
      ? UInt8(truncatingIfNeeded: random.next())
      : interesting[Int(random.next() % UInt64(interesting.count))]
    switch random.next() % 5 {
    case 0: bytes[at] = byte
    case 1: bytes.removeSubrange(at..<min(bytes.count, at + 1 + Int(random.next() % 8)))
    case 2: bytes.insert(byte, at: at)
    case 3:  // a digit changed: keeps the JSON valid, tests the range checks
      if let digit = bytes[at...].firstIndex(where: { (48...57).contains($0) }) {
        bytes[digit] = 48 + UInt8(random.next() % 10)
      }
    default:  // a line repeated or dropped: tests the order checks
      let lines = bytes.split(separator: 10, omittingEmptySubsequences: false)
      var shuffled = Array(lines)
      let line = Int(random.next() % UInt64(lines.count))
      if random.next() % 2 == 0 {
        shuffled.insert(lines[line], at: line)
      } else {
        shuffled.remove(at: line)
      }
      bytes = Array(shuffled.joined(separator: [10]))
    }
  }
}
