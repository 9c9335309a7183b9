import KVTrace
import Testing
import TinyTransformer

/// A trace of two prompts decoded together: sequence 1's events carry `"sequence":1`,
/// and the strict decoder holds them to the order and the rules of sharing.
@Suite(.tags(.unit)) struct TwoPromptTraceTests {
  static let pangram = "The quick brown fox jumps over the lazy dog."
  static let cat = "The quick brown fox jumps over a cat."

  /// Summary detail, 6 steps, as JSON Lines (each line's path is `$`): line 94 begins sequence 1's prefill, 119
  /// is its first rows event, 127 its blocks, 130 step 1 of sequence 0.
  static let lines: [String] = {
    let model = TinyTransformer.demo()
    var log = TraceLog(detail: .summary)
    _ = try? model.generate(
      promptTokens: model.tokenizer.encode(pangram),
      secondPromptTokens: model.tokenizer.encode(cat), promptTexts: (pangram, cat), steps: 6,
      recorder: &log)
    guard let trace = log.trace else { return [] }
    let text = String(decoding: TraceEncoder.encode(trace, as: .jsonl), as: UTF8.self)
    return text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
  }()

  static func damaged(line: Int, _ old: String, _ new: String) -> [UInt8] {
    var copy = lines
    copy[line - 1] = copy[line - 1].replacingOccurrences(of: old, with: new)
    return Array(copy.joined(separator: "\n").utf8)
  }

  @Test func theLinesAreWhereTheCasesExpectThem() throws {
    #expect(Self.lines[93].hasPrefix(#"{"type":"stepBegan","step":0,"sequence":1,"#))
    #expect(Self.lines[118].hasSuffix(#""shared":[[0,6]]}"#))
    #expect(
      Self.lines[126].hasSuffix(
        #""references":[2,1,1],"copy":{"from":6,"to":4,"positions":[4,6]}}"#))
    #expect(Self.lines[129].hasPrefix(#"{"type":"stepBegan","step":1,"phase""#))
    let trace = try TraceDecoder.decode(Array(Self.lines.joined(separator: "\n").utf8))
    #expect(trace.header.secondPrompt?.text == Self.cat)
    #expect(trace.steps.count == 14)  // 7 steps × 2 sequences
    for sequence in 0..<2 {
      let steps = trace.steps(sequence: sequence)
      #expect(steps.map(\.began.step) == Array(0..<7))
      #expect(steps.allSatisfy { $0.sequence == sequence })
    }
    #expect(trace.tokens(sequence: 1).prefix(9).map(\.text).joined() == Self.cat)
  }

  @Test(arguments: [
    (94, #""sequence":1,"#, "", "$.sequence", "sequence 0 begins where sequence 1 should"),
    (119, #""sequence":1,"#, "", "$", "missing field 'sequence'"),
    (
      119, #""shared":[[0,6]]"#, #""shared":[[0,7]]"#, "$.shared",
      "position 6 is shared but not reused"
    ),
    (
      127, #""references":[2,1,1]"#, #""references":[3,1,1]"#, "$.references[0]",
      "reference count 3 is out of range"
    ),
    (127, #""to":4"#, #""to":7"#, "$.copy", "a copy goes from one block to another"),
    // Sequence 1's prompt has 9 tokens: its step 1 cannot be 11 long.
    (
      130, #""step":1,"#, #""step":1,"sequence":1,"#, "$.sequenceLength",
      "at step 1 the sequence has at most 10 tokens (the prompt's 9"
    ),
  ])
  func aDamagedTwoPromptTraceIsRefused(
    _ line: Int, _ old: String, _ new: String, _ path: String, _ words: String
  ) throws {
    let error = try #require(decodingError(Self.damaged(line: line, old, new)))
    #expect(error.line == line, "\(error)")
    #expect(error.path == path, "\(error)")
    #expect(error.description.contains(words), "\(error)")
  }
}
