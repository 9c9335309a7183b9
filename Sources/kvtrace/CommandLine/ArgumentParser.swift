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
