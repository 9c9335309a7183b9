/// Why a trace file could not be read, and exactly where.
///
/// Every error names a place (line and column, counted from 1, and the JSON
/// path of the value, such as `$.events[12].weights[3]`; in a JSON Lines file
/// the path starts at that line's object) and says what is wrong and how to fix
/// it, in one line:
///
/// ```text
/// line 14, column 212, $.events[12].weights[3]: weight 1.5 is not a probability; …
/// ```
///
/// A file that was cut short (a run stopped mid-write, a copy interrupted)
/// still yields what it holds: ``wholePrefix`` is the trace up to the last step
/// whose events all arrived, so a viewer can show it before it reports the cut.
public struct TraceFileError: Error, Equatable, CustomStringConvertible {
  /// What kind of problem this is.
  public enum Kind: String, Sendable, Equatable, CaseIterable {
    /// The bytes are not JSON (or not JSON Lines).
    case syntax
    /// The JSON is not a kvtrace trace: another `format` name, or none.
    case notATrace
    /// The trace was written by a newer kvtrace, or claims an unknown version.
    case unsupportedVersion
    /// A required field is absent.
    case missingField
    /// A field this version of the format does not have.
    case unknownField
    /// A field holds the wrong kind of value (a string for a number, …).
    case wrongType
    /// A value outside its allowed range: a layer beyond the model's layers,
    /// a position beyond the sequence, a token outside the vocabulary.
    case outOfRange
    /// Attention weights or token probabilities that are not probabilities.
    case notProbabilities
    /// Events out of order: steps not counting up, a step missing events.
    case outOfOrder
    /// The file ends early: cut mid-line, or before the steps its header promises.
    case cutShort
  }

  /// What kind of problem this is.
  public var kind: Kind
  /// The line of the problem, counted from 1.
  public var line: Int
  /// The column of the problem in that line, counted in characters from 1.
  public var column: Int
  /// The JSON path of the offending value, e.g. `$.events[12].weights[3]`.
  public var path: String
  /// What is wrong and how to fix it.
  public var problem: String
  /// For ``Kind/cutShort``: the trace up to the last whole step before the cut.
  public var wholePrefix: Trace?

  /// Creates an error.
  public init(
    kind: Kind, line: Int, column: Int, path: String, problem: String, wholePrefix: Trace? = nil
  ) {
    self.kind = kind
    self.line = line
    self.column = column
    self.path = path
    self.problem = problem
    self.wholePrefix = wholePrefix
  }

  /// The place: `line 14, column 212, $.events[12].weights[3]`.
  public var place: String {
    "line \(line), column \(column)" + (path.isEmpty ? "" : ", \(path)")
  }

  /// `place: problem`, on one line, its control characters escaped (``TerminalText``).
  public var description: String {
    TerminalText.escaped(String("\(place): \(problem)".map { $0.isNewline ? " " : $0 }))
  }
}

/// A problem found while decoding, before its line and column are worked out.
///
/// Decoding passes byte offsets around (cheap); only an error that escapes is
/// turned into a ``TraceFileError`` with a line and column (a scan of the file).
struct TraceProblem: Error {
  var kind: TraceFileError.Kind
  var offset: Int
  var path: String
  var problem: String
  var wholePrefix: Trace? = nil

  init(
    _ kind: TraceFileError.Kind, at offset: Int, _ path: String, _ problem: String,
    wholePrefix: Trace? = nil
  ) {
    self.kind = kind
    self.offset = offset
    self.path = path
    self.problem = problem
    self.wholePrefix = wholePrefix
  }

  /// A syntax error inside the value at `path`.
  init(_ error: JSONSyntaxError, path: String) {
    self.init(error.atEnd ? .cutShort : .syntax, at: error.offset, path, error.message)
  }

  /// The public error, with the offset turned into a line and a column.
  func located(in bytes: [UInt8]) -> TraceFileError {
    let offset = min(max(0, offset), bytes.count)
    var line = 1
    var lineStart = 0
    for index in 0..<offset where bytes[index] == UInt8(ascii: "\n") {
      line += 1
      lineStart = index + 1
    }
    // Characters, not bytes: count every byte that does not continue a UTF-8 sequence.
    let column = 1 + bytes[lineStart..<offset].reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
    return TraceFileError(
      kind: kind, line: line, column: column, path: path, problem: problem,
      wholePrefix: wholePrefix)
  }
}
