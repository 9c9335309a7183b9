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

/// A small parser for `tool [command] [options] [--] [positionals]`.
///
/// - The first argument selects a command when it names one; otherwise `defaultCommand` runs.
/// - Options are `--name value`, `--name=value` or flags `--name`. A separate value may not start
///   with `-` unless it is a negative number (`--steps -1`) or `-` alone; use `=` for others.
/// - `--` ends options. Global flags, honoured anywhere before `--`: `--help`/`-h` (help for the
///   command named explicitly, else the overview), `--version`, and the `help [command]` command.
/// - An option given twice keeps both values; `ParsedArguments.last(_:)` returns the later one.
struct ArgumentParser: Sendable {
  /// What the caller should do after parsing.
  enum Outcome: Sendable, Equatable {
    case run(ParsedArguments)
    case help(String)
    case version
  }

  static let helpFlags: Set<String> = ["--help", "-h"]
  static let versionFlag = "--version"
  static let helpCommand = "help"

  var toolName: String
  /// One paragraph on what the tool is, for the overview.
  var abstract: String = ""
  var commands: [CommandSpec]
  /// Used when the first argument is not a command name, or there are no arguments.
  var defaultCommand: String

  /// Parses `arguments` (without argv[0]) into what to do next.
  func parse(_ arguments: [String]) throws(UsageError) -> Outcome {
    if arguments.first == Self.helpCommand {
      return try helpCommandOutcome(arguments.dropFirst())
    }
    let (spec, rest, isExplicit) = try resolveCommand(arguments)
    for argument in rest.prefix(while: { $0 != "--" }) {
      if Self.helpFlags.contains(argument) {
        return .help(helpText(for: isExplicit ? spec.name : nil))
      }
      if argument == Self.versionFlag { return .version }
    }
    return .run(try parseOptions(rest, for: spec))
  }

  /// The command called `name`, if any.
  func command(named name: String) -> CommandSpec? {
    commands.first { $0.name == name }
  }

  /// The command to run, the arguments after the command word, and whether it was named.
  private func resolveCommand(_ arguments: [String]) throws(UsageError) -> (
    spec: CommandSpec, rest: ArraySlice<String>, isExplicit: Bool
  ) {
    if let first = arguments.first, let spec = command(named: first) {
      return (spec, arguments.dropFirst(), true)
    }
    guard let spec = command(named: defaultCommand) else {
      throw UsageError("unknown command '\(defaultCommand)'", fix: commandListFix(defaultCommand))
    }
    if let first = arguments.first, !first.hasPrefix("-"), spec.positionals.isEmpty {
      throw UsageError("unknown command '\(first)'", fix: commandListFix(first))
    }
    return (spec, arguments[...], false)
  }

  private func helpCommandOutcome(_ rest: ArraySlice<String>) throws(UsageError) -> Outcome {
    guard let name = rest.first, !Self.helpFlags.contains(name) else {
      return .help(helpText(for: nil))
    }
    guard command(named: name) != nil else {
      throw UsageError("unknown command '\(name)'", fix: commandListFix(name))
    }
    if let extra = rest.dropFirst().first {
      throw UsageError(
        "unexpected argument '\(extra)' for '\(toolName) help'",
        fix: "write '\(toolName) help <command>' with one command name")
    }
    return .help(helpText(for: name))
  }

  private func commandListFix(_ typed: String) -> String {
    let names = commands.map(\.name)
    let list = "Commands: \(names.joined(separator: ", "))."
    guard let match = Suggestion.closest(to: typed, in: names + [Self.helpCommand]) else {
      return "\(list) See '\(toolName) --help'."
    }
    return "did you mean '\(match)'? \(list)"
  }

  private func parseOptions(_ arguments: ArraySlice<String>, for spec: CommandSpec)
    throws(UsageError) -> ParsedArguments
  {
    var parsed = ParsedArguments(command: spec.name)
    var remaining = arguments
    while let argument = remaining.popFirst() {
      if argument == "--" {
        parsed.positionals += remaining
        break
      }
      guard Self.isOption(argument) else {
        parsed.positionals.append(argument)
        continue
      }
      let (name, value) = try readOption(argument, from: &remaining, for: spec)
      parsed.values[name, default: []].append(value)
    }
    try checkPositionals(parsed.positionals, for: spec)
    return parsed
  }

  /// Reads one option (and its value, consuming it from `remaining` if separate).
  private func readOption(
    _ argument: String, from remaining: inout ArraySlice<String>, for spec: CommandSpec
  ) throws(UsageError) -> (String, String) {
    let (name, inlineValue) = Self.split(argument)
    guard argument.hasPrefix("--"), let option = spec.option(named: name) else {
      throw unknownOption(argument, for: spec)
    }
    switch option.kind {
    case .flag:
      if let inlineValue {
        throw UsageError(
          "flag '--\(name)' does not take a value, got '\(inlineValue)'",
          fix: "write '--\(name)' on its own")
      }
      return (name, "")
    case .value(let placeholder):
      if let inlineValue { return (name, inlineValue) }
      guard let next = remaining.first, !Self.isOption(next) else {
        throw UsageError(
          "option '--\(name)' needs a value (\(placeholder))",
          fix: "write '--\(name) \(placeholder)' or '--\(name)=\(placeholder)'. "
            + "See '\(toolName) \(spec.name) --help'.")
      }
      remaining.removeFirst()
      return (name, next)
    }
  }

  private func unknownOption(_ argument: String, for spec: CommandSpec) -> UsageError {
    let shown = argument.prefix { $0 != "=" }
    let typed = String(shown.drop { $0 == "-" })
    let candidates = spec.options.map(\.name) + ["help", "version"]
    let seeHelp = "'\(toolName) \(spec.name) --help'"
    let fix =
      Suggestion.closest(to: typed, in: candidates).map {
        "did you mean '--\($0)'? See \(seeHelp)."
      }
      ?? "see \(seeHelp) for the options"
    return UsageError("unknown option '\(shown)' for '\(toolName) \(spec.name)'", fix: fix)
  }

  private func checkPositionals(_ positionals: [String], for spec: CommandSpec) throws(UsageError) {
    let command = "\(toolName) \(spec.name)"
    let usage = "usage: \(usageLine(for: spec))"
    let maximum = spec.positionals.count
    if positionals.count > maximum {
      let fix = maximum > 0 ? usage : "'\(command)' takes no arguments. See '\(command) --help'."
      throw UsageError("unexpected argument '\(positionals[maximum])' for '\(command)'", fix: fix)
    }
    let unfilled = spec.positionals.dropFirst(positionals.count)
    if let missing = unfilled.first(where: { !$0.isOptional }) {
      throw UsageError("missing \(missing.name) for '\(command)'", fix: usage)
    }
  }

  /// Whether `argument` is an option word: it starts with `-`, but is not `-` alone or a
  /// negative number such as `-1` (those are values or positionals).
  static func isOption(_ argument: String) -> Bool {
    guard argument.hasPrefix("-"), let second = argument.dropFirst().first else { return false }
    return !second.isASCIIDigit
  }

  /// Splits `--name=value` into its name (dashes removed: two if present, else one) and value.
  private static func split(_ argument: String) -> (String, String?) {
    let body = argument.hasPrefix("--") ? argument.dropFirst(2) : argument.dropFirst()
    guard let equals = body.firstIndex(of: "=") else { return (String(body), nil) }
    return (String(body[..<equals]), String(body[body.index(after: equals)...]))
  }
}

extension Character {
  /// Whether this is one of the ASCII digits 0-9.
  fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

// MARK: - Help

extension ArgumentParser {
  /// The help for `command`, or the tool overview listing the commands when `command` is nil
  /// (or not a command). Lines are at most `HelpLayout.width` columns; the text is deterministic.
  func helpText(for command: String?) -> String {
    guard let name = command, let spec = self.command(named: name) else { return overview() }
    var sections = [HelpLayout.hanging("USAGE: ", usageLine(for: spec), column: 7)]
    sections.append(HelpLayout.wrap(spec.summary))
    if !spec.discussion.isEmpty { sections.append(HelpLayout.wrap(spec.discussion)) }
    if !spec.positionals.isEmpty {
      sections.append(
        ["ARGUMENTS:"] + spec.positionals.flatMap { HelpLayout.row($0.name, $0.help) })
    }
    let options = spec.options.flatMap { option in
      HelpLayout.row(
        Self.label(for: option), option.help + (option.repeatable ? " (repeatable)" : ""))
    }
    sections.append(["OPTIONS:"] + options + HelpLayout.row("-h, --help", "show this help"))
    return HelpLayout.render(sections)
  }

  /// `kvtrace run [options] FILE [OTHER]`.
  func usageLine(for spec: CommandSpec) -> String {
    let positionals = spec.positionals.map { $0.isOptional ? "[\($0.name)]" : $0.name }
    return ([toolName, spec.name, "[options]"] + positionals).joined(separator: " ")
  }

  private func overview() -> String {
    let usage = HelpLayout.hanging("USAGE: ", "\(toolName) [<command>] [options]", column: 7)
    let about = HelpLayout.wrap(abstract)
    let rows = commands.flatMap { spec in
      HelpLayout.row(
        spec.name == defaultCommand ? "\(spec.name) (default)" : spec.name, spec.summary)
    }
    let help = HelpLayout.row(Self.helpCommand, "show help for a command")
    let flags = HelpLayout.row("-h, --help", "show this help")
    let version = HelpLayout.row(Self.versionFlag, "show the version")
    let more = HelpLayout.wrap("See '\(toolName) help <command>' for more about a command.")
    return HelpLayout.render([
      usage, about, ["COMMANDS:"] + rows + help, ["OPTIONS:"] + flags + version, more,
    ])
  }

  private static func label(for option: OptionSpec) -> String {
    switch option.kind {
    case .flag: "--\(option.name)"
    case .value(let placeholder): "--\(option.name) \(placeholder)"
    }
  }
}

/// Word wrapping and column layout for help text.
enum HelpLayout {
  /// The maximum width of a help line.
  static let width = 80
  /// The column where the description of an option, argument or command starts.
  static let column = 24

  /// Wraps `text` to lines of at most `width` characters. Each line of `text` is wrapped on its
  /// own (so blank lines separate paragraphs). An indented line that fits is kept as written
  /// (a table laid out with ``row(_:_:)`` stays aligned); a longer one keeps its leading spaces
  /// on every line it wraps to. Elsewhere runs of spaces collapse, and a word longer than the
  /// room left is cut into pieces. Always returns at least one line.
  static func wrap(_ text: String, width: Int = width) -> [String] {
    text.split(separator: "\n", omittingEmptySubsequences: false).flatMap { line -> [String] in
      if line.first == " ", line.count <= width { return [String(line)] }
      let indent = String(line.prefix { $0 == " " }.prefix(max(width - 1, 0)))
      let room = max(width - indent.count, 1)
      var lines: [String] = []
      var current = ""
      for word in line.split(separator: " ").flatMap({ pieces(of: $0, width: room) }) {
        if current.isEmpty {
          current = word
        } else if current.count + 1 + word.count <= room {
          current += " " + word
        } else {
          lines.append(indent + current)
          current = word
        }
      }
      return lines + [current.isEmpty ? "" : indent + current]
    }
  }

  /// `label` indented by two, then `text` from `column` on; see `hanging(_:_:column:)`.
  static func row(_ label: String, _ text: String) -> [String] {
    hanging("  \(label)  ", text, column: column)
  }

  /// `prefix`, then `text` wrapped with a hanging indent of `column`. A prefix wider than the
  /// column gets a line of its own.
  static func hanging(_ prefix: String, _ text: String, column: Int) -> [String] {
    let body = wrap(text, width: width - column).map { String(repeating: " ", count: column) + $0 }
    guard prefix.count <= column, let first = body.first else { return [prefix] + body }
    return [prefix + first.dropFirst(prefix.count)] + body.dropFirst()
  }

  /// Joins sections with blank lines and strips trailing spaces.
  static func render(_ sections: [[String]]) -> String {
    sections.map { lines in
      lines.map { String($0.reversed().drop { $0 == " " }.reversed()) }.joined(separator: "\n")
    }.joined(separator: "\n\n")
  }

  private static func pieces(of word: Substring, width: Int) -> [String] {
    stride(from: 0, to: word.count, by: width).map { String(word.dropFirst($0).prefix(width)) }
  }
}
