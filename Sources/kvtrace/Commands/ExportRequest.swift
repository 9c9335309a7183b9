import KVTraceRender

/// What `--export FILE` and `--format` ask for: where to write the trace, and how.
struct ExportRequest: Sendable, Equatable {
  /// The file formats `--format` accepts.
  enum Format: String, CaseIterable, Sendable {
    /// One JSON document (the kvtrace trace format).
    case json
    /// JSON Lines, streamed while decoding (the kvtrace trace format).
    case jsonl
    /// Chrome Trace Event format, for Perfetto and chrome://tracing (cannot be replayed).
    case chrome
    /// One self-contained web page that steps through the trace (cannot be replayed).
    case html
    /// One step as `kvtrace step` draws it, an SVG image with real text (cannot be replayed).
    case svg
  }

  /// The file names that tell the format, longest first: `.chrome.json` before `.json`.
  static let extensions: [(String, Format)] = [
    (".chrome.json", .chrome), (".jsonl", .jsonl), (".json", .json), (".html", .html),
    (".svg", .svg),
  ]

  var path: String
  var format: Format
  /// `--frame STEP`: the step an SVG draws (``defaultFrame`` without it).
  var frame: Int?
  /// Whether an SVG is drawn in color: yes unless `--color never`.
  var colors = true
  /// The screen an SVG draws: `COLUMNS` × `LINES`, else 80×24, as `kvtrace step` without
  /// a terminal that reports its size.
  var size = FrameSize.standard

  /// The step an SVG draws without `--frame`: the prefill, where `kvtrace step` opens.
  static let defaultFrame = 0

  /// The request on the command line, or nil when there is no `--export`.
  ///
  /// `--format` wins; without it the file name decides (`.json`, `.jsonl`, `.chrome.json`,
  /// `.html`, `.svg`). `--frame` goes with an SVG only.
  init?(_ arguments: ParsedArguments, environment: [String: String] = [:]) throws(UsageError) {
    guard let path = arguments.last("export") else {
      if arguments.has("format") {
        throw UsageError(
          "--format needs --export FILE", fix: "for example --export trace.json --format json")
      }
      if arguments.has(OptionCatalog.frame.spec.name) {
        throw UsageError(
          "--frame needs --export FILE --format svg",
          fix: "for example --export step1.svg --frame 1")
      }
      return nil
    }
    guard !path.isEmpty else {
      throw UsageError("--export needs a file name", fix: "for example --export trace.json")
    }
    self.path = path
    if arguments.has("format") {
      format = try arguments.choice(
        OptionCatalog.format.name, default: .json, from: Format.allCases.map { ($0.rawValue, $0) })
    } else if let inferred = Self.extensions.first(where: { path.hasSuffix($0.0) })?.1 {
      format = inferred
    } else {
      throw UsageError(
        "cannot tell the format of '\(path)' from its name",
        fix:
          "end it in .json, .jsonl, .chrome.json, .html or .svg, "
          + "or add --format json|jsonl|chrome|html|svg")
    }
    if arguments.has(OptionCatalog.frame.spec.name) {
      guard format == .svg else {
        throw UsageError(
          "--frame picks the step of an SVG image; --format \(format.rawValue) writes every step",
          fix: "add --format svg (or end the file name in .svg), or drop --frame")
      }
      frame = try arguments.int(OptionCatalog.frame)
    }
    colors = arguments.last(OptionCatalog.color.spec.name) != ColorChoice.never.rawValue
    size = WindowSize.fallback(environment: environment)
  }

  /// The path of one of several runs: `role` goes before the extension.
  ///
  /// `kvtrace compare --export t.json` writes `t.reference.json` (the run without a
  /// cache) and `t.full.json` (the policy under test).
  func path(for role: String) -> String {
    let safe = String(role.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "-" })
    guard let suffix = Self.extensions.first(where: { path.hasSuffix($0.0) })?.0 else {
      return "\(path).\(safe)"
    }
    return "\(path.dropLast(suffix.count)).\(safe)\(suffix)"
  }
}
