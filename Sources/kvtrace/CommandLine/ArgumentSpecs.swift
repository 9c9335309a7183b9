/// One option a command accepts, such as `--ascii` or `--steps N`.
struct OptionSpec: Sendable {
  /// Whether an option is a switch or carries a value.
  enum Kind: Sendable {
    /// A switch such as `--ascii`; it never takes a value.
    case flag
    /// An option with a value such as `--steps N`; `placeholder` (`N`) is shown in help.
    case value(placeholder: String)
  }

  /// The long name without dashes, e.g. "steps".
  var name: String
  var kind: Kind
  /// One line for the OPTIONS section of the help.
  var help: String
  /// Whether the option is meant to be given more than once (shown in help). Every occurrence is
  /// recorded either way; for a single-valued option the last one wins, see `last(_:)`.
  var repeatable: Bool = false
}

/// One positional argument of a command, such as `FILE`.
struct PositionalSpec: Sendable {
  /// The name shown in usage and help, e.g. "FILE".
  var name: String
  /// One line for the ARGUMENTS section of the help.
  var help: String
  /// Optional positionals may be left out; they must come after the required ones.
  var isOptional: Bool = false
}

/// One command of the tool, such as `run` or `compare`.
struct CommandSpec: Sendable {
  var name: String
  /// One line for the command list.
  var summary: String
  /// Paragraph(s) for `--help`; a line break starts a new line, a blank line a new paragraph.
  var discussion: String = ""
  var options: [OptionSpec] = []
  var positionals: [PositionalSpec] = []

  /// The option called `name` (without dashes), if this command has one.
  func option(named name: String) -> OptionSpec? {
    options.first { $0.name == name }
  }
}

/// The command line after a successful parse: the command, its option values and positionals.
struct ParsedArguments: Sendable, Equatable {
  var command: String
  /// Option name to values in the order given; a flag records "" per occurrence.
  var values: [String: [String]] = [:]
  var positionals: [String] = []

  /// Whether the option or flag `flag` was given at least once.
  func has(_ flag: String) -> Bool { values[flag] != nil }

  /// The last value given for `name`: when an option is repeated, the later one wins.
  func last(_ name: String) -> String? { values[name]?.last }

  /// Every value given for `name`, in order.
  func all(_ name: String) -> [String] { values[name] ?? [] }
}
