extension TraceDecoder {
  /// What the top-level object held, gathered while it is read.
  ///
  /// kvtrace writes `format`, `version` and `header` before `events`, so the
  /// events can be checked one by one as they are read. Another writer may put
  /// them in any order; then the events wait in ``pendingEvents`` until the
  /// header is known.
  struct TopLevel {
    var format: JSONValue?
    var version: JSONValue?
    var header: JSONValue?
    var sawEvents = false
    var pendingEvents: [JSONValue]?
    var assembler: TraceAssembler?
    /// The first problem found while reading; reading stops there.
    var problem: TraceProblem?
    /// A key the format does not have, and where it was.
    var unknown: (key: String, offset: Int)?
    /// Whether the object has Chrome's `traceEvents`: a trace for Perfetto, not for replay.
    var isChromeTrace = false

    /// Whether the events can be checked as they are read.
    var canStream: Bool { format != nil && version != nil && header != nil && problem == nil }

    /// Files a member away; a repeated key or a misplaced `events` is a problem.
    mutating func add(_ key: String, _ value: JSONValue) {
      func once(_ slot: inout JSONValue?) {
        if slot != nil, problem == nil {
          problem = TraceProblem(.syntax, at: value.offset, "$", "the field '\(key)' appears twice")
        }
        slot = value
      }
      switch key {
      case "format": once(&format)
      case "version": once(&version)
      case "header": once(&header)
      case "events":
        guard !sawEvents else {
          problem =
            problem
            ?? TraceProblem(.syntax, at: value.offset, "$", "the field 'events' appears twice")
          return
        }
        sawEvents = true
        guard case .array(let elements) = value.kind else {
          problem = problem ?? JSONDecoding.wrongType(value, "an array", "$.events")
          return
        }
        pendingEvents = elements
      default:
        if key == "traceEvents" { isChromeTrace = true }
        if unknown == nil { unknown = (key, value.offset) }
      }
    }

    /// Checks `format` and `version`, reads the header, and returns a fresh assembler.
    func preamble(bytes: [UInt8]) throws(TraceProblem) -> TraceAssembler {
      guard let format else {
        throw TraceProblem(
          .notATrace, at: 0, "$",
          isChromeTrace
            ? "this is a Chrome trace (for Perfetto or chrome://tracing), not a kvtrace trace; "
              + "replay the .json or .jsonl file kvtrace exported"
            : "no \"format\" field: this is not a kvtrace trace, which starts "
              + "{\"format\":\"kvtrace\",\"version\":1,…")
      }
      guard case .string(let name) = format.kind, name == TraceHeader.formatName else {
        let found =
          if case .string(let name) = format.kind { "\"\(name)\"" } else { format.typeName }
        throw TraceProblem(
          .notATrace, at: format.offset, "$.format",
          "the format is \(found), not \"\(TraceHeader.formatName)\": this is not a kvtrace trace")
      }
      guard let version else {
        throw TraceProblem(.missingField, at: 0, "$", "missing field 'version'")
      }
      let number = try JSONDecoding.int(version, "$.version", bytes)
      let current = TraceHeader.currentVersion
      guard number <= current else {
        throw TraceProblem(
          .unsupportedVersion, at: version.offset, "$.version",
          "version \(number) is newer than this kvtrace reads (version \(current)); "
            + "update kvtrace to read it")
      }
      guard number >= 1 else {
        throw TraceProblem(
          .unsupportedVersion, at: version.offset, "$.version",
          "version \(number) does not exist; trace versions start at 1")
      }
      guard let header else {
        throw TraceProblem(.missingField, at: 0, "$", "missing field 'header'")
      }
      let decoded = try TraceDecoder.header(header, path: "$.header", bytes: bytes)
      return TraceAssembler(header: decoded, bytes: bytes)
    }

    /// Fails on a key the top-level object should not have.
    func checkFields(jsonLines: Bool) throws(TraceProblem) {
      guard let unknown else { return }
      let fields = jsonLines ? "format, version and header" : "format, version, header and events"
      throw TraceProblem(
        .unknownField, at: unknown.offset, "$",
        "unknown field '\(unknown.key)'; the top level has \(fields)")
    }
  }
}
