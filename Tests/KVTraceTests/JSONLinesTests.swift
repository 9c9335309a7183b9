import KVTrace
import Testing
import TinyTransformer

/// JSON Lines: streamed while decoding, and readable up to a cut.
@Suite(.tags(.unit)) struct JSONLinesTests {
  @Test func theRecorderStreamsTheEncodersBytesOneLineAtATime() throws {
    let model = TinyTransformer.demo()
    var chunks: [[UInt8]] = []
    var recorder = TeeRecorder(
      TraceLog(detail: .full),
      JSONLinesRecorder(detail: .full) {
        chunks.append($0)
      })
    _ = try model.generate(prompt: Demo.pangram, steps: 3, recorder: &recorder)
    let trace = try #require(recorder.first.trace)
    #expect(chunks.count == 1 + trace.events.count)
    #expect(
      chunks.allSatisfy { $0.last == UInt8(ascii: "\n") && $0.filter { $0 == 10 }.count == 1 })
    #expect(Array(chunks.joined()) == TraceEncoder.encode(trace, as: .jsonl))
  }

  @Test func theRecordersDetailIsWhatTheModelRecords() throws {
    var bytes: [UInt8] = []
    var recorder = JSONLinesRecorder(detail: .summary) { bytes += $0 }
    _ = try TinyTransformer.demo().generate(prompt: "The fox", steps: 1, recorder: &recorder)
    let trace = try TraceDecoder.decode(bytes)
    #expect(trace.header.detail == .summary)
    #expect(!String(decoding: bytes, as: UTF8.self).contains("\"weights\":["))
  }

  @Test func aCutMidLineKeepsTheWholeStepsBeforeIt() throws {
    let trace = try Demo.summary.get()
    let bytes = TraceEncoder.encode(trace, as: .jsonl)
    let lineStarts = [0] + bytes.indices.filter { bytes[$0] == 10 }.map { $0 + 1 }.dropLast()
    for (lineIndex, start) in lineStarts.enumerated().dropFirst() {
      let cut = Array(bytes[..<(start + 5)])  // five bytes into an event line
      let error = try #require(decodingError(cut))
      #expect(error.kind == .cutShort)
      #expect(error.line == lineIndex + 1)
      #expect(error.problem.contains("the file ends in the middle of a line"))
      let prefix = try #require(error.wholePrefix)
      let whole = Self.wholeEventCount(trace.events.prefix(lineIndex - 1))
      #expect(prefix.events == Array(trace.events.prefix(whole)), "cut in line \(lineIndex + 1)")
      #expect(prefix.steps.allSatisfy { $0.counters != nil && $0.token != nil })
    }
  }

  @Test func aCutBetweenLinesSaysHowManyStepsArrived() throws {
    let trace = try Demo.summary.get()
    let text = String(decoding: TraceEncoder.encode(trace, as: .jsonl), as: UTF8.self)
    let lines = text.split(separator: "\n")
    let firstDecode = try #require(lines.firstIndex { $0.contains("\"step\":1,") })
    let cut = lines[..<firstDecode].joined(separator: "\n") + "\n"
    let error = try #require(decodingError(Array(cut.utf8)))
    #expect(error.kind == .cutShort)
    #expect(error.problem.hasPrefix("the trace ends after 1 whole step, but its header promises 7"))
    #expect(error.wholePrefix?.steps.count == 1)
    let headerOnly = String(lines[0])
    let empty = try #require(decodingError(Array(headerOnly.utf8)))
    #expect(empty.kind == .cutShort)
    #expect(empty.wholePrefix?.events == [])
  }

  @Test func lineEndingsAndTheLastNewlineAreFlexible() throws {
    let trace = try Demo.summary.get()
    let text = String(decoding: TraceEncoder.encode(trace, as: .jsonl), as: UTF8.self)
    #expect(try TraceDecoder.decode(Array(text.dropLast().utf8)) == trace)
    let crlf = text.split(separator: "\n").joined(separator: "\r\n") + "\r\n"
    #expect(try TraceDecoder.decode(Array(crlf.utf8)) == trace)
  }

  @Test(arguments: [
    ("a blank line", "\n\n", "\n", "an empty line"),
    (
      "two events on a line", "}\n{\"type\":\"attention\"", "} {\"type\":\"attention\"",
      "more text after the event"
    ),
    (
      "a broken line in the middle", "\"keys\":[[0,1]]}", "\"keys\":[[0,1]",
      "the line stops in the middle of an event"
    ),
  ])
  func aBadLineIsAnErrorNotACut(_ name: String, _ good: String, _ bad: String, _ problem: String)
    throws
  {
    let trace = try Demo.summary.get()
    var text = String(decoding: TraceEncoder.encode(trace, as: .jsonl), as: UTF8.self)
    if good == "\n\n" {
      text = text.replacing(
        "\n{\"type\":\"rows\"", with: "\n\n{\"type\":\"rows\"", maxReplacements: 1)
    } else {
      text = text.replacing(good, with: bad, maxReplacements: 1)
    }
    let error = try #require(decodingError(Array(text.utf8)))
    #expect(error.kind == .syntax, "\(name): \(error)")
    #expect(error.wholePrefix == nil)
    #expect(error.problem.contains(problem), "\(name): \(error)")
  }

  /// How many of `events` belong to steps that have both their counters and their token.
  static func wholeEventCount(_ events: ArraySlice<TraceEvent>) -> Int {
    var whole = 0
    var counters = false
    var token = false
    for (index, event) in events.enumerated() {
      switch event {
      case .stepBegan: (counters, token) = (false, false)
      case .counters: counters = true
      case .token: token = true
      default: break
      }
      if counters && token { whole = index + 1 }
    }
    return whole
  }
}
