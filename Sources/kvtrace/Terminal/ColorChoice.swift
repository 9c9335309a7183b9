import KVTraceRender

/// The one place kvtrace decides whether, and how richly, to color its output.
///
/// `--color always` and `never` are obeyed. `auto` (the default) colors only a
/// terminal, and never when `NO_COLOR` is set to anything non-empty or
/// `TERM=dumb`; `CLICOLOR_FORCE` (non-empty, not `0`) colors even a pipe. The
/// palette follows `COLORTERM` and `TERM`.
enum ColorChoice: String, CaseIterable, Sendable {
  case auto, always, never

  /// The color mode for this choice in this environment.
  func resolve(environment: [String: String], isTerminal: Bool) -> ColorMode {
    switch self {
    case .never: return .none
    case .always: return Self.palette(environment)
    case .auto:
      if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return .none }
      if let force = environment["CLICOLOR_FORCE"], !force.isEmpty, force != "0" {
        return Self.palette(environment)
      }
      if environment["TERM"] == "dumb" || !isTerminal { return .none }
      return Self.palette(environment)
    }
  }

  private static func palette(_ environment: [String: String]) -> ColorMode {
    let colorTerm = environment["COLORTERM"] ?? ""
    if colorTerm == "truecolor" || colorTerm == "24bit" { return .truecolor }
    if (environment["TERM"] ?? "").contains("256color") { return .ansi256 }
    return .ansi16
  }
}
