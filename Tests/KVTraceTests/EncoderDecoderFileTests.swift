import Testing
import TinyTransformer

@testable import KVTrace

/// Encoder-decoder traces as files: they round-trip, their bytes are golden, and
/// the decoder holds them to the encoder-decoder's rules.
@Suite struct EncoderDecoderFileTests {
  static let summarize = "summarize: My friends are cool but they eat too many carbs."

  static func trace(
    steps: Int = 3, policy: some CachePolicy = FullCache(), cross: CrossAttentionMode = .once,
    detail: TraceDetail = .full, config: ModelConfig? = nil
  ) throws -> Trace {
    let model = try EncoderDecoderTransformer(
      config: config ?? .demo(vocabularySize: Tokenizer.demo.vocabularySize), seed: 0)
    var log = TraceLog(detail: detail)
    _ = try model.generate(
      source: summarize, steps: steps, policy: policy, crossAttention: cross, recorder: &log)
    return try #require(log.trace)
  }

  static let tiny = ModelConfig(
    layers: 1, heads: 2, kvHeads: 1, dim: 8, mlpDim: 8, contextLength: 16,
    vocabularySize: Tokenizer.demo.vocabularySize)

  @Test(.tags(.unit), arguments: TraceFileFormat.allCases)
  func encoderDecoderTracesRoundTrip(_ format: TraceFileFormat) throws {
    for trace in [
      try Self.trace(), try Self.trace(cross: .recompute, detail: .summary),
      try Self.trace(steps: 2, policy: NoCache()), try Self.trace(steps: 16, config: Self.tiny),
    ] {
      let bytes = TraceEncoder.encode(trace, as: format)
      let decoded = try TraceDecoder.decode(bytes)
      #expect(decoded == trace)
      #expect(decoded.header.architecture == .encoderDecoder)
      #expect(TraceEncoder.encode(decoded, as: format) == bytes)
    }
  }

  @Test(.tags(.golden)) func summaryBytesAreGolden() throws {
    let bytes = TraceEncoder.encode(
      try Self.trace(steps: 2, detail: .summary, config: Self.tiny), as: .json)
    let text = String(decoding: bytes, as: UTF8.self)
    #expect(text.contains(#""source":{"tokens":[{"id":"#))
    #expect(text.contains(#""crossAttention":"once"}"#))
    #expect(text.contains(#""phase":"encode""#))
    #expect(text.contains(#""kind":"cross""#))
    #expect(text.contains(#""crossRowsComputed":13,"crossRowsReused":0"#))
    try golden.check(bytes, named: "encoder-decoder-summary.json")
  }

  /// A JSON object with a key twice is ambiguous (readers keep either one), so the
  /// schema, now with the header's `source`, must have none: its `$defs` once had
  /// two `token`s.
  @Test(.tags(.unit)) func theSchemaHasNoKeyTwice() throws {
    var parser = JSONParser(Array(TraceSchema.text.utf8))
    var pending = [(try parser.value(), "$")]
    var objects = 0
    while let (value, path) = pending.popLast() {
      switch value.kind {
      case .object(let members):
        objects += 1
        let keys = members.map(\.key)
        #expect(Set(keys).count == keys.count, "a key twice in \(path): \(keys)")
        pending += members.map { ($0.value, path + "." + $0.key) }
      case .array(let elements):
        pending += elements.enumerated().map { ($1, "\(path)[\($0)]") }
      default: break
      }
    }
    #expect(objects > 20)
  }

  @Test(.tags(.unit)) func aDecoderOnlyTraceWritesNoneOfTheEncoderDecoderFields() throws {
    let text = String(decoding: TraceEncoder.encode(try Demo.full.get(), as: .json), as: UTF8.self)
    #expect(!text.contains("\"source\""))
    #expect(!text.contains("crossRows"))
  }

  /// The JSON Lines of a small trace (line 0 is the header), the last one empty.
  static func lines() throws -> [String] {
    let trace = try Self.trace(steps: 2, detail: .summary, config: Self.tiny)
    return String(decoding: TraceEncoder.encode(trace, as: .jsonl), as: UTF8.self)
      .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
  }

  /// Those lines with `line` edited, as bytes.
  static func edited(_ line: Int, _ edit: (String) -> String) throws -> [UInt8] {
    var lines = try Self.lines()
    lines[line] = edit(lines[line])
    return Array(lines.joined(separator: "\n").utf8)
  }

  static func line(containing needle: String) throws -> Int {
    try #require(try Self.lines().firstIndex { $0.contains(needle) })
  }

  @Test(.tags(.unit)) func theEncodeStepChoosesNoTokenAndComesFirst() throws {
    let decodeBegins = try Self.line(containing: #""step":1,"phase":"decode""#)
    let wrongPhase = try Self.edited(decodeBegins) {
      $0.replacingOccurrences(of: #""phase":"decode""#, with: #""phase":"encode""#)
    }
    #expect(
      decodingError(wrongPhase)?.description.contains(
        "an encoder-decoder trace encodes at step 0, once") == true)
    // The first decoder step's token, moved into the encode step.
    let token = try Self.line(containing: #""type":"token","step":1"#)
    var lines = try Self.lines()
    let moved = lines.remove(at: token).replacingOccurrences(of: #""step":1"#, with: #""step":0"#)
    lines.insert(moved, at: decodeBegins)
    #expect(
      decodingError(Array(lines.joined(separator: "\n").utf8))?.description.contains(
        "the encode step chooses no token; the decoder's first step does") == true)
  }

  @Test(.tags(.unit)) func crossRowsStayWithinTheSource() throws {
    let cross = try Self.line(containing: #""kind":"cross""#)
    let beyond = try Self.edited(cross) {
      $0.replacingOccurrences(of: "[[0,13]]", with: "[[0,14]]")
    }
    #expect(decodingError(beyond)?.description.contains("the source has 13 tokens") == true)
  }

  @Test(.tags(.unit)) func aDecoderOnlyTraceHasNoEncodeStep() throws {
    let bytes = TraceEncoder.encode(try Demo.trace(steps: 1, detail: .summary), as: .jsonl)
    let text = String(decoding: bytes, as: UTF8.self)
      .replacingOccurrences(of: #""phase":"prefill""#, with: #""phase":"encode""#)
    #expect(
      decodingError(Array(text.utf8))?.description.contains(
        "a decoder-only trace has no encode step") == true)
  }
}
