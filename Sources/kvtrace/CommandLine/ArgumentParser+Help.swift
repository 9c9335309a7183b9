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
