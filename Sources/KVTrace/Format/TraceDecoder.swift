/// Reads a trace file (JSON or JSON Lines, told apart by their content) strictly.
///
/// Strict means a file either loads as a trace kvtrace could have written, or
/// fails with a ``TraceFileError`` that names the line, column and JSON path of
/// the first problem. It checks, in this order: that the bytes are JSON; that
/// `format` is `"kvtrace"` and `version` one this library reads; that every
/// required field is present with the right type and no unknown field is; that
/// every coordinate is in range (a layer below the model's layer count, a
/// position inside its step's sequence); that attention weights are
/// probabilities; and that steps come in order, each whole.
///
/// ```swift
/// let bytes = Array(try Data(contentsOf: url))
/// let trace = try TraceDecoder.decode(bytes)
/// for step in trace.steps {
///   print(step.step, step.counters?.rowsReused ?? 0)
/// }
/// ```
///
/// The parser is hand-written: it keeps every byte offset (for the error
/// messages), reads each `Float` from its own digits (so values come back bit
/// for bit), never recurses deeper than a trace needs, and handles one event
/// at a time.
public enum TraceDecoder {
  static let topLevelFields = ["format", "version", "header", "events"]

  /// Decodes the bytes of a trace file.
  ///
  /// - Parameter bytes: The file's contents: a JSON document or JSON Lines.
  /// - Returns: The trace, equal to the one that was encoded.
  /// - Throws: ``TraceFileError``. When the file was cut short (its kind is
  ///   ``TraceFileError/Kind/cutShort``), the error's
  ///   ``TraceFileError/wholePrefix`` holds the whole steps before the cut.
  public static func decode(_ bytes: [UInt8]) throws(TraceFileError) -> Trace {
    do throws(TraceProblem) {
      return try read(bytes)
    } catch {
      throw error.located(in: bytes)
    }
  }

  /// Reads the first object, then the events: inside it (a JSON document) or on
  /// the lines after it (JSON Lines).
  static func read(_ bytes: [UInt8]) throws(TraceProblem) -> Trace {
    var parser = JSONParser(bytes)
    parser.skipWhitespace()
    guard parser.peek != nil else {
      throw TraceProblem(
        .syntax, at: 0, "", "the file is empty; a trace starts {\"format\":\"kvtrace\",…")
    }
    var top = TopLevel()
    do throws(JSONSyntaxError) {
      try readTopLevel(&parser, into: &top, bytes: bytes)
    } catch {
      throw top.problem ?? cut(error, top.assembler, document: true)
    }
    if let problem = top.problem { throw problem }
    var assembler: TraceAssembler
    if let streamed = top.assembler {
      assembler = streamed
    } else {
      assembler = try top.preamble(bytes: bytes)
    }
    try top.checkFields(jsonLines: !top.sawEvents)
    if let events = top.pendingEvents {  // a document whose events came before its header
      for (index, event) in events.enumerated() {
        try assembler.add(event, path: "$.events[\(index)]")
      }
    }
    if top.sawEvents {
      parser.skipWhitespace()
      guard parser.peek == nil else {
        throw TraceProblem(
          .syntax, at: parser.index, "", "more text after the trace's closing '}'")
      }
      return try assembler.finish(at: lastContent(bytes), path: "$.events")
    }
    return try readLines(bytes, from: parser.index, into: &assembler)
  }

  /// Reads the top-level object; streams `events` once format, version and header are known.
  private static func readTopLevel(
    _ parser: inout JSONParser, into top: inout TopLevel, bytes: [UInt8]
  ) throws(JSONSyntaxError) {
    guard parser.peek == UInt8(ascii: "{") else {
      // Not a trace at all: report what is there, as JSON sees it.
      let value = try parser.value()
      top.problem = TraceProblem(
        .notATrace, at: value.offset, "$",
        "a trace is a JSON object {\"format\":\"kvtrace\",…}, found \(value.typeName)")
      return
    }
    parser.index += 1
    parser.skipWhitespace()
    if parser.peek == UInt8(ascii: "}") {
      parser.index += 1
      return
    }
    repeat {
      parser.skipWhitespace()
      guard parser.peek == UInt8(ascii: "\"") else { throw parser.unexpected("a key") }
      let key = try parser.string()
      try parser.expect(UInt8(ascii: ":"), "':' after the key")
      if key == "events", !top.sawEvents, top.canStream {
        top.sawEvents = true
        try streamEvents(&parser, into: &top, bytes: bytes)
        if top.problem != nil { return }  // stop at the first problem
      } else {
        top.add(key, try parser.value())
      }
    } while try parser.another(closing: UInt8(ascii: "}"), "',' or '}'")
  }

  /// Reads the `events` array element by element, each checked as it is read.
  private static func streamEvents(
    _ parser: inout JSONParser, into top: inout TopLevel, bytes: [UInt8]
  ) throws(JSONSyntaxError) {
    // Format, version and header came first: check them now, then stream.
    do throws(TraceProblem) {
      top.assembler = try top.preamble(bytes: bytes)
    } catch {
      top.problem = error
      return
    }
    try parser.expect(UInt8(ascii: "["), "'[' to open the events")
    parser.skipWhitespace()
    if parser.peek == UInt8(ascii: "]") {
      parser.index += 1
      return
    }
    var index = 0
    repeat {
      let event = try parser.value()
      do throws(TraceProblem) {
        try top.assembler?.add(event, path: "$.events[\(index)]")
      } catch {
        top.problem = error
        return
      }
      index += 1
    } while try parser.another(closing: UInt8(ascii: "]"), "',' or ']'")
  }

  /// Reads JSON Lines: after the header line, one event per line.
  private static func readLines(
    _ bytes: [UInt8], from start: Int, into assembler: inout TraceAssembler
  ) throws(TraceProblem) -> Trace {
    var index = start
    while index < bytes.count, [0x20, 0x09, 0x0D].contains(bytes[index]) { index += 1 }
    if index < bytes.count {
      guard bytes[index] == UInt8(ascii: "\n") else {
        throw TraceProblem(
          .syntax, at: index, "",
          "expected a line break after the header object: the file has no \"events\" array, so it "
            + "must be JSON Lines, one object per line")
      }
      index += 1
    }
    while index < bytes.count {
      let newline = bytes[index...].firstIndex(of: UInt8(ascii: "\n"))
      var parser = JSONParser(bytes, from: index, to: newline ?? bytes.count)
      parser.skipWhitespace()
      guard parser.peek != nil else {
        throw TraceProblem(
          .syntax, at: index, "", "an empty line; JSON Lines has one event object per line")
      }
      let value: JSONValue
      do throws(JSONSyntaxError) {
        value = try parser.value()
      } catch {
        guard newline == nil else {
          let problem =
            error.atEnd
            ? "the line stops in the middle of an event (\(error.message))" : error.message
          throw TraceProblem(.syntax, at: error.offset, "$", problem)
        }
        throw cut(error, assembler, document: false)
      }
      parser.skipWhitespace()
      guard parser.peek == nil else {
        throw TraceProblem(
          .syntax, at: parser.index, "", "more text after the event; one event per line")
      }
      try assembler.add(value, path: "$")
      index = (newline ?? bytes.count - 1) + 1
    }
    return try assembler.finish(at: lastContent(bytes), path: "")
  }

  /// The offset of the file's last byte that is not white space: where an early end is reported.
  private static func lastContent(_ bytes: [UInt8]) -> Int {
    bytes.lastIndex { ![0x20, 0x09, 0x0A, 0x0D].contains($0) } ?? 0
  }

  /// The error for a syntax error; when the text ran out, a cut with what was whole.
  private static func cut(_ error: JSONSyntaxError, _ assembler: TraceAssembler?, document: Bool)
    -> TraceProblem
  {
    guard error.atEnd, let assembler else { return TraceProblem(error, path: "") }
    let whole = assembler.wholeSteps
    return TraceProblem(
      .cutShort, at: error.offset, "",
      "the file ends in the middle of \(document ? "the events" : "a line"): it was cut short "
        + "after \(whole) whole \(whole == 1 ? "step" : "steps")",
      wholePrefix: assembler.wholePrefix)
  }
}
