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
  }

  /// The file names that tell the format, longest first: `.chrome.json` before `.json`.
  static let extensions: [(String, Format)] = [
    (".chrome.json", .chrome), (".jsonl", .jsonl), (".json", .json), (".html", .html),
  ]

  var path: String
  var format: Format

  /// The request on the command line, or nil when there is no `--export`.
  ///
  /// `--format` wins; without it the file name decides (`.json`, `.jsonl`, `.chrome.json`,
  /// `.html`).
  init?(_ arguments: ParsedArguments) throws(UsageError) {
    guard let path = arguments.last("export") else {
      if arguments.has("format") {
        throw UsageError(
          "--format needs --export FILE", fix: "for example --export trace.json --format json")
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
          "end it in .json, .jsonl, .chrome.json or .html, "
          + "or add --format json|jsonl|chrome|html")
    }
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
