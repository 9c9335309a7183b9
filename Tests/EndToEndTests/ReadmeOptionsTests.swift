import Foundation
import Testing

/// The README's tables of commands and options must say what the built `kvtrace` says.
///
/// The help text is where each option's name, placeholder and default are declared; the
/// README copies them into a table for a newcomer. These tests read `kvtrace help COMMAND`
/// from the binary and fail, naming the option, when the table lists an option the help
/// does not have, misses one it has, spells its placeholder differently, or gives another
/// default.
@Suite(.tags(.endToEnd)) struct ReadmeOptionsTests {
  /// The commands whose options the README's options table describes.
  static let commands = ["run", "step", "compare"]

  /// One option as a help text or the README's table states it.
  struct Option: Equatable, CustomStringConvertible {
    /// The flag and its placeholder, such as `--steps N` or `--ascii`.
    var usage: String
    /// The default, as the help words it (`6`, `the number of cores`), or nil for none.
    var defaultValue: String?

    var flag: String { String(usage.prefix { $0 != " " }) }
    var description: String { "\(usage) (default: \(defaultValue ?? "none"))" }
  }

  /// The option rows of the README's table headed `| option | default | meaning |`.
  static func readmeOptions() throws -> [Option] {
    let text = try String(contentsOf: ReadmeTests.readme, encoding: .utf8)
    let lines = text.components(separatedBy: "\n")
    guard let header = lines.firstIndex(of: "| option | default | meaning |") else { return [] }
    return lines[(header + 2)...].prefix { $0.hasPrefix("|") }.map { row in
      let cells = row.dropFirst(2).components(separatedBy: " | ")
      let unquote = { (cell: String) in cell.replacingOccurrences(of: "`", with: "") }
      let defaultCell = unquote(cells.count > 1 ? cells[1] : "")
      return Option(usage: unquote(cells[0]), defaultValue: defaultCell == "—" ? nil : defaultCell)
    }
  }

  /// The options a help text lists under `OPTIONS:`, each with its description joined
  /// into one line (`-h, --help` left out: every command has it).
  static func helpOptions(_ help: String) -> [(usage: String, text: String)] {
    var entries: [(usage: String, text: String)] = []
    let section = help.components(separatedBy: "\nOPTIONS:\n").dropFirst().first ?? ""
    for line in section.components(separatedBy: "\n") {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if line.hasPrefix("  -") {
        let parts = trimmed.components(separatedBy: "  ")
        let text = parts.dropFirst().joined(separator: " ").trimmingCharacters(in: .whitespaces)
        entries.append((parts[0], text))
      } else if !trimmed.isEmpty, let last = entries.indices.last {
        entries[last].text += (entries[last].text.isEmpty ? "" : " ") + trimmed
      } else if trimmed.isEmpty, !entries.isEmpty {
        break
      }
    }
    return entries.filter { $0.usage != "-h, --help" }
  }

  /// The default an option's help states, in the three ways the help words one:
  /// `auto (default), always or never` (the word the mark follows, or the first word of
  /// its clause), `full (also scores and weights; default)`, and `(default 6)` or
  /// `(default: the number of cores)`.
  static func helpDefault(_ text: String) -> String? {
    if let mark = text.range(of: " (default)") {
      let clause = text[..<mark.lowerBound].components(separatedBy: ": ").last ?? ""
      return clause.components(separatedBy: " ").first
    }
    if let mark = text.range(of: "; default)"),
      let open = text[..<mark.lowerBound].lastIndex(of: "(")
    {
      return text[..<open].trimmingCharacters(in: .whitespaces).components(separatedBy: " ").last
    }
    for opening in ["(default: ", "(default "] {
      if let start = text.range(of: opening),
        let end = text[start.upperBound...].firstIndex(of: ")")
      {
        return String(text[start.upperBound..<end])
      }
    }
    return nil
  }

  @Test func theOptionsTableAgreesWithEachCommandsHelp() throws {
    let readme = try Self.readmeOptions()
    #expect(readme.count >= 20, "the README's options table was not found")
    var helped: Set<String> = []
    for command in Self.commands {
      let help = try runKVTrace(["help", command])
      #expect(help.status == 0)
      let options = Self.helpOptions(help.output)
      #expect(options.count >= 20, "kvtrace help \(command) lists no options")
      for (usage, text) in options {
        let stated = Option(usage: usage, defaultValue: Self.helpDefault(text))
        helped.insert(stated.flag)
        let row = readme.first { $0.flag == stated.flag }
        #expect(
          row != nil, "README's options table has no row for \(usage) (kvtrace help \(command))")
        if let row {
          #expect(row == stated, "README says \(row), kvtrace help \(command) says \(stated)")
        }
      }
    }
    for row in readme {
      #expect(helped.contains(row.flag), "README lists \(row.usage), which no command's help has")
    }
  }

  @Test func theCommandsTableNamesEveryCommandAndTopLevelOption() throws {
    let help = try runKVTrace(["--help"])
    #expect(help.status == 0)
    let sections = help.output.components(separatedBy: "\nCOMMANDS:\n")
    let commands = (sections.dropFirst().first ?? "").components(separatedBy: "\n\n")[0]
      .components(separatedBy: "\n").filter { $0.hasPrefix("  ") && !$0.hasPrefix("   ") }
      .compactMap { $0.split(separator: " ").first.map(String.init) }
    #expect(commands.count >= 6)
    let text = try String(contentsOf: ReadmeTests.readme, encoding: .utf8)
    let table =
      text.components(separatedBy: "| command | what it does |").dropFirst().first?
      .components(separatedBy: "\n\n").first ?? ""
    for command in commands {
      #expect(table.contains("`kvtrace \(command)"), "README's commands table misses \(command)")
    }
    for option in Self.helpOptions(help.output).map(\.usage) + ["--help"] {
      let flag = option.components(separatedBy: ", ").last ?? option
      #expect(table.contains("kvtrace \(flag)`"), "README's commands table misses \(flag)")
    }
  }

  @Test func theDefaultParserReadsEachWording() {
    #expect(Self.helpDefault("decode steps after the prefill (default 6)") == "6")
    #expect(
      Self.helpDefault("results are identical (default: the number of cores)")
        == "the number of cores")
    #expect(Self.helpDefault("auto (default), always or never") == "auto")
    #expect(Self.helpDefault("0 picks the most probable token (default); above 0 samples") == "0")
    #expect(
      Self.helpDefault("encoder-decoder only: once projects them (default); recompute") == "once")
    #expect(
      Self.helpDefault("summary (rows only) or full (also scores and weights; default)") == "full")
    #expect(Self.helpDefault("draw with ASCII characters only") == nil)
  }
}
