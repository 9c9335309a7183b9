import Testing

@testable import kvtrace

/// A kvtrace-like command set shared by the tests.
private let parser = ArgumentParser(
  toolName: "kvtrace",
  commands: [
    CommandSpec(
      name: "run",
      summary: "Decode a prompt and trace the KV cache.",
      discussion: "Runs the toy model for a few steps and prints how the key/value cache grows "
        + "with every decoded token, one table per step.",
      options: [
        OptionSpec(
          name: "steps", kind: .value(placeholder: "N"),
          help: "how many tokens to decode (default 6)"),
        OptionSpec(name: "seed", kind: .value(placeholder: "N"), help: "random seed (default 0)"),
        OptionSpec(name: "ascii", kind: .flag, help: "draw tables with ASCII characters only"),
        OptionSpec(
          name: "color", kind: .value(placeholder: "WHEN"),
          help: "when to use color: auto, always or never (default auto)"),
        OptionSpec(
          name: "prompt", kind: .value(placeholder: "TEXT"),
          help: "the prompt to decode; give it twice to trace two prompts side by side and "
            + "see where their caches diverge",
          repeatable: true),
      ]),
    CommandSpec(
      name: "compare",
      summary: "Compare two saved trace files.",
      options: [OptionSpec(name: "ascii", kind: .flag, help: "draw with ASCII characters only")],
      positionals: [
        PositionalSpec(name: "FILE", help: "the first trace file"),
        PositionalSpec(name: "OTHER", help: "the second trace file"),
      ]),
  ],
  defaultCommand: "run")

/// The error `parse` throws for `arguments`, or nil when it succeeds.
private func parseError(_ arguments: [String]) -> UsageError? {
  do {
    _ = try parser.parse(arguments)
    return nil
  } catch {
    return error
  }
}

/// The parsed arguments for a command line that is expected to parse.
private func parsed(_ arguments: [String]) throws -> ParsedArguments? {
  guard case .run(let result) = try parser.parse(arguments) else { return nil }
  return result
}

private func longestLine(_ text: String) -> Int {
  text.split(separator: "\n", omittingEmptySubsequences: false).map(\.count).max() ?? 0
}

// MARK: - Commands and options

@Test(.tags(.unit)) func noArgumentsRunsTheDefaultCommand() throws {
  #expect(try parser.parse([]) == .run(ParsedArguments(command: "run")))
}

@Test(.tags(.unit)) func defaultCommandTakesOptions() throws {
  let result = try parsed(["--steps", "3", "--ascii"])
  #expect(result == ParsedArguments(command: "run", values: ["steps": ["3"], "ascii": [""]]))
}

@Test(.tags(.unit)) func explicitCommandWithPositionals() throws {
  let result = try parsed(["compare", "a.trace", "--ascii", "b.trace"])
  #expect(result?.command == "compare")
  #expect(result?.positionals == ["a.trace", "b.trace"])
  #expect(result?.has("ascii") == true)
}

@Test(.tags(.unit)) func equalsFormAcceptsAnyValue() throws {
  let result = try parsed(["run", "--steps=3", "--prompt=--not-an-option", "--seed="])
  #expect(result?.last("steps") == "3")
  #expect(result?.last("prompt") == "--not-an-option")
  #expect(result?.last("seed") == "")
}

@Test(.tags(.unit)) func flagsRecordOneEmptyValuePerOccurrence() throws {
  let result = try parsed(["--ascii", "--ascii"])
  #expect(result?.has("ascii") == true)
  #expect(result?.all("ascii") == ["", ""])
  #expect(result?.has("seed") == false)
  #expect(result?.last("seed") == nil)
}

@Test(.tags(.unit)) func negativeNumberIsAValue() throws {
  let result = try #require(try parsed(["--steps", "-1", "--seed", "-42"]))
  #expect(result.last("steps") == "-1")
  #expect(result.last("seed") == "-42")
  #expect(
    throws: UsageError("--steps must be between 0 and 64, got -1", fix: "pick a value in 0...64")
  ) {
    try result.int("steps", default: 6, range: 0...64)
  }
}

@Test(.tags(.unit)) func loneDashIsAValueAndAPositional() throws {
  #expect(try parsed(["--prompt", "-"])?.last("prompt") == "-")
  #expect(try parsed(["compare", "-", "b"])?.positionals == ["-", "b"])
}

@Test(.tags(.unit)) func missingValueAtTheEnd() {
  let error = parseError(["run", "--steps"])
  #expect(error?.message == "option '--steps' needs a value (N)")
  #expect(error?.fix == "write '--steps N' or '--steps=N'. See 'kvtrace run --help'.")
}

@Test(.tags(.unit)) func optionIsNotTakenAsAValue() {
  #expect(parseError(["--steps", "--seed", "2"])?.message == "option '--steps' needs a value (N)")
  #expect(parseError(["--color", "-x"])?.message == "option '--color' needs a value (WHEN)")
}

@Test(.tags(.unit)) func flagGivenAValueIsAnError() {
  let error = parseError(["--ascii=yes"])
  #expect(
    error
      == UsageError(
        "flag '--ascii' does not take a value, got 'yes'", fix: "write '--ascii' on its own"))
}

@Test(.tags(.unit)) func repeatedOptionKeepsAllValuesAndTheLastWins() throws {
  let result = try parsed(["--prompt", "a", "--steps", "1", "--prompt", "b", "--steps=2"])
  #expect(result?.all("prompt") == ["a", "b"])
  #expect(result?.last("steps") == "2")
  #expect(try result?.int("steps", default: 6, range: 0...64) == 2)
}

@Test(.tags(.unit)) func doubleDashEndsOptions() throws {
  let result = try parsed(["compare", "--ascii", "--", "--help", "-h"])
  #expect(result?.positionals == ["--help", "-h"])
  #expect(result?.all("ascii") == [""])
}

// MARK: - Mistakes

@Test(.tags(.unit)) func unknownOptionSuggestsTheClosestName() {
  #expect(
    parseError(["run", "--stpes", "3"])
      == UsageError(
        "unknown option '--stpes' for 'kvtrace run'",
        fix: "did you mean '--steps'? See 'kvtrace run --help'."))
  #expect(parseError(["--asc"])?.fix == "did you mean '--ascii'? See 'kvtrace run --help'.")
  #expect(parseError(["--colour=auto"])?.message == "unknown option '--colour' for 'kvtrace run'")
  #expect(parseError(["-steps"])?.fix.hasPrefix("did you mean '--steps'?") == true)
}

@Test(.tags(.unit)) func unknownOptionWithoutCloseMatch() {
  #expect(
    parseError(["compare", "--frobnicate", "a", "b"])
      == UsageError(
        "unknown option '--frobnicate' for 'kvtrace compare'",
        fix: "see 'kvtrace compare --help' for the options"))
}

@Test(.tags(.unit)) func unknownCommandSuggestsTheClosestCommand() {
  #expect(
    parseError(["rnu"])
      == UsageError(
        "unknown command 'rnu'", fix: "did you mean 'run'? Commands: run, compare."))
  #expect(parseError(["zzzzzz"])?.fix == "Commands: run, compare. See 'kvtrace --help'.")
  #expect(parseError(["help", "comapre"])?.fix.hasPrefix("did you mean 'compare'?") == true)
}

@Test(.tags(.unit)) func bareWordGoesToADefaultCommandThatTakesPositionals() throws {
  var withFile = parser
  withFile.commands[0].positionals = [
    PositionalSpec(name: "FILE", help: "a trace", isOptional: true)
  ]
  #expect(
    try withFile.parse(["rnu"]) == .run(ParsedArguments(command: "run", positionals: ["rnu"])))
  #expect(try withFile.parse([]) == .run(ParsedArguments(command: "run")))
}

@Test(.tags(.unit)) func tooManyPositionals() {
  #expect(
    parseError(["compare", "a", "b", "c"])
      == UsageError(
        "unexpected argument 'c' for 'kvtrace compare'",
        fix: "usage: kvtrace compare [options] FILE OTHER"))
  #expect(
    parseError(["run", "--steps", "3", "4"])
      == UsageError(
        "unexpected argument '4' for 'kvtrace run'",
        fix: "'kvtrace run' takes no arguments. See 'kvtrace run --help'."))
}

@Test(.tags(.unit)) func missingPositional() {
  #expect(
    parseError(["compare", "a"])
      == UsageError(
        "missing OTHER for 'kvtrace compare'", fix: "usage: kvtrace compare [options] FILE OTHER"))
}

@Test(.tags(.unit)) func errorDescriptionIsOneLine() {
  let errors = [
    parseError(["--stpes"]), parseError(["rnu"]), parseError(["compare", "x"]),
    parseError(["--ascii=two\nlines"]), parseError(["--steps"]),
  ]
  for error in errors {
    let text = error?.description ?? "\n"
    #expect(!text.contains("\n"), "\(text)")
  }
  #expect(UsageError("a", fix: "b").description == "a; b")
  #expect(UsageError("a\r\nb", fix: "c\nd").description == "a b; c d")
}

// MARK: - Typed accessors

@Test(.tags(.unit)) func intRejectsWordsAndOutOfRangeValues() throws {
  let steps = { (value: String) in ParsedArguments(command: "run", values: ["steps": [value]]) }
  #expect(
    throws: UsageError("--steps expects a whole number, got 'abc'", fix: "for example --steps 6")
  ) {
    try steps("abc").int("steps", default: 6, range: 0...64)
  }
  #expect(
    throws: UsageError("--steps must be between 0 and 64, got 65", fix: "pick a value in 0...64")
  ) {
    try steps("65").int("steps", default: 6, range: 0...64)
  }
  let huge = "99999999999999999999999"
  #expect(
    throws: UsageError(
      "--steps must be between 0 and 64, got \(huge)", fix: "pick a value in 0...64")
  ) {
    try steps(huge).int("steps", default: 6, range: 0...64)
  }
  #expect(try ParsedArguments(command: "run").int("steps", default: 6, range: 0...64) == 6)
}

@Test(.tags(.unit)) func choicePicksAValueOrExplains() throws {
  enum Color: Equatable { case auto, always, never }
  let choices: [(String, Color)] = [("auto", .auto), ("always", .always), ("never", .never)]
  let color = { (value: String) in ParsedArguments(command: "run", values: ["color": [value]]) }
  #expect(try color("never").choice("color", default: .auto, from: choices) == .never)
  #expect(
    try ParsedArguments(command: "run").choice("color", default: .auto, from: choices) == .auto)
  #expect(
    throws: UsageError(
      "--color expects one of auto, always, never, got 'sometimes'", fix: "for example --color auto"
    )
  ) {
    try color("sometimes").choice("color", default: .auto, from: choices)
  }
  #expect(
    throws: UsageError(
      "--color expects one of auto, always, never, got 'alway'",
      fix: "did you mean '--color always'?")
  ) {
    try color("alway").choice("color", default: .auto, from: choices)
  }
}

// MARK: - Help and version

@Test(.tags(.unit)) func helpFlagAnywhereShowsTheCommandHelp() throws {
  let runHelp = ArgumentParser.Outcome.help(parser.helpText(for: "run"))
  #expect(try parser.parse(["run", "--help"]) == runHelp)
  #expect(try parser.parse(["run", "--steps", "3", "-h"]) == runHelp)
  #expect(try parser.parse(["run", "--stpes", "-h"]) == runHelp)
  #expect(try parser.parse(["help", "run"]) == runHelp)
  #expect(try parser.parse(["compare", "-h"]) == .help(parser.helpText(for: "compare")))
}

@Test(.tags(.unit)) func helpWithoutACommandShowsTheOverview() throws {
  let overview = ArgumentParser.Outcome.help(parser.helpText(for: nil))
  #expect(try parser.parse(["--help"]) == overview)
  #expect(try parser.parse(["--steps", "3", "-h"]) == overview)
  #expect(try parser.parse(["help"]) == overview)
  #expect(
    parseError(["help", "run", "compare"])?.message
      == "unexpected argument 'compare' for 'kvtrace help'")
}

@Test(.tags(.unit)) func commandHelpListsUsageAndEveryOption() throws {
  for command in parser.commands {
    let text = parser.helpText(for: command.name)
    #expect(text.hasPrefix("USAGE: kvtrace \(command.name) [options]"))
    #expect(text.contains("OPTIONS:"))
    for option in command.options {
      #expect(text.contains("  --\(option.name)"), "\(option.name)")
    }
    #expect(text.contains("-h, --help"))
    #expect(longestLine(text) <= 80)
    #expect(!text.contains(" \n"))
  }
}

@Test(.tags(.unit)) func overviewListsEveryCommand() {
  let text = parser.helpText(for: nil)
  #expect(text.hasPrefix("USAGE: kvtrace [<command>] [options]"))
  #expect(text.contains("COMMANDS:"))
  #expect(text.contains("  run (default)         Decode a prompt and trace the KV cache."))
  #expect(text.contains("  compare               Compare two saved trace files."))
  #expect(text.contains("--version"))
  #expect(longestLine(text) <= 80)
}

@Test(.tags(.unit)) func longOptionHelpWrapsWithAHangingIndent() throws {
  let lines = parser.helpText(for: "run").split(separator: "\n").map(String.init)
  let start = try #require(lines.firstIndex { $0.hasPrefix("  --prompt TEXT") })
  let indent = String(repeating: " ", count: 24)
  #expect(
    lines[start]
      == "  --prompt TEXT         the prompt to decode; give it twice to trace two prompts")
  #expect(lines[start + 1] == indent + "side by side and see where their caches diverge")
  #expect(lines[start + 2] == indent + "(repeatable)")
}

@Test(.tags(.unit)) func compareHelpIsExact() {
  let expected = """
    USAGE: kvtrace compare [options] FILE OTHER

    Compare two saved trace files.

    ARGUMENTS:
      FILE                  the first trace file
      OTHER                 the second trace file

    OPTIONS:
      --ascii               draw with ASCII characters only
      -h, --help            show this help
    """
  #expect(parser.helpText(for: "compare") == expected)
}

@Test(.tags(.unit)) func versionFlagAnywhereBeforeDoubleDash() throws {
  #expect(try parser.parse(["--version"]) == .version)
  #expect(try parser.parse(["run", "--steps", "2", "--version"]) == .version)
  #expect(
    try parser.parse(["compare", "a", "--", "--version"])
      == .run(
        ParsedArguments(command: "compare", positionals: ["a", "--version"])))
}

// MARK: - Layout helpers

@Test(.tags(.unit)) func wrapBreaksOnSpacesAndKeepsBlankLines() {
  #expect(HelpLayout.wrap("aaa bbb ccc", width: 7) == ["aaa bbb", "ccc"])
  #expect(HelpLayout.wrap("one\n\ntwo  three", width: 80) == ["one", "", "two three"])
  #expect(HelpLayout.wrap("abcdefghij", width: 4) == ["abcd", "efgh", "ij"])
  #expect(HelpLayout.wrap("", width: 10) == [""])
}

@Test(.tags(.unit)) func wrapKeepsAnIndentedLineThatFitsAndIndentsOneThatWraps() {
  #expect(HelpLayout.wrap("  a     b", width: 10) == ["  a     b"])
  #expect(HelpLayout.wrap("  aaa bbb ccc", width: 10) == ["  aaa bbb", "  ccc"])
  #expect(HelpLayout.wrap("a     b", width: 10) == ["a b"])
}

@Test(.tags(.unit)) func rowPutsAWideLabelOnItsOwnLine() {
  let lines = HelpLayout.row("--a-very-long-option-name VALUE", "help")
  #expect(
    lines == ["  --a-very-long-option-name VALUE  ", String(repeating: " ", count: 24) + "help"])
  #expect(HelpLayout.row("--x", "y") == ["  --x" + String(repeating: " ", count: 19) + "y"])
}

@Test(.tags(.unit)) func editDistanceCountsSingleCharacterEdits() {
  #expect(Suggestion.editDistance("stpes", "steps") == 2)
  #expect(Suggestion.editDistance("", "abc") == 3)
  #expect(Suggestion.editDistance("kitten", "sitting") == 3)
  #expect(Suggestion.closest(to: "xyz", in: ["steps", "seed"]) == nil)
  #expect(Suggestion.closest(to: "SEED", in: ["steps", "seed"]) == "seed")
}
