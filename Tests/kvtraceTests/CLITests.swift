// The command line as a pure function: `KVTraceCLI.run` in, text and an exit code out.
// No process is spawned here; Tests/EndToEndTests runs the built binary.

import Testing
import TinyTransformer

@testable import kvtrace

/// Runs kvtrace in-process. The environment is empty and standard output is not a terminal
/// unless a test says otherwise, so `--color auto` draws no color and the output is the same
/// on every machine.
func runCLI(
  _ arguments: [String], environment: [String: String] = [:], terminal: Bool = false
) -> CommandResult {
  KVTraceCLI.run(arguments: arguments, environment: environment, stdoutIsTerminal: terminal)
}

/// Whether `text` contains the escape byte that starts every ANSI color sequence.
func hasEscape(_ text: String) -> Bool { text.utf8.contains(0x1B) }

/// The lines of `text`, without the newline that ends the last one.
func lines(of text: String) -> [Substring] {
  text.split(separator: "\n", omittingEmptySubsequences: false)
}

/// The rows of every cache grid in `text`: `   3  fox       ■ ■ ■ ■ …`.
func gridRows(of text: String) -> [Substring] {
  let rows = lines(of: text).filter { $0.wholeMatch(of: #/ +[0-9]+  \S.*/#) != nil }
  #expect(!rows.isEmpty)
  return rows
}

/// The partial and whole blocks the attention bars are drawn with.
let barGlyphs: [Character] = ["▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"]

/// The options of ARCHITECTURE.md's command-line contract that `run` and `compare` have today.
let contractOptions = [
  "--prompt", "--steps", "--seed", "--cache", "--layers", "--heads", "--kv-heads", "--dim",
  "--layer", "--head", "--detail", "--export", "--format", "--color", "--ascii", "--arch",
]

// MARK: - The default demo

@Test(.tags(.unit)) func noArgumentsRunsTheDefaultDemo() {
  let result = runCLI([])
  #expect(result.code == .ok)
  #expect(result.error.isEmpty)
  #expect(result.output.contains("step 0 (prefill)"))
  // The header wraps the weights line at 80 columns; read it as one line.
  let header = result.output.replacingOccurrences(of: "\n         ", with: " ")
  #expect(
    header.contains("weights  \((try? TinyTransformer.trainedDefault())?.weightsSource ?? "?")"))
  #expect(result.output.contains(CommandSpecs.defaultPrompt))
  #expect(result.output.contains("The quick brown fox jumps over the lazy dog."))
  #expect(result.output.hasSuffix("\n"))
}

@Test(.tags(.unit)) func runIsTheDefaultCommand() {
  let bare = runCLI([])
  let run = runCLI(["run"])
  #expect(run.code == .ok)
  #expect(run == bare)
  #expect(runCLI(["--steps", "2"]) == runCLI(["run", "--steps", "2"]))
}

@Test(.tags(.unit)) func defaultDemoDrawsEveryStepWithFreshAndReusedRows() {
  let output = runCLI([]).output
  for step in 1...6 {
    #expect(output.contains("step \(step) (decode)"), "step \(step)")
  }
  #expect(!output.contains("step 7"))
  #expect(output.contains("■"))
  #expect(output.contains("□"))
  #expect(output.contains("reused 80 from the cache"))
}

@Test(.tags(.unit)) func stepsZeroDrawsOnlyThePrefill() {
  let result = runCLI(["--steps", "0"])
  #expect(result.code == .ok)
  #expect(result.output.contains("step 0 (prefill)"))
  #expect(!result.output.contains("(decode)"))
}

@Test(.tags(.unit)) func aRepeatedOptionKeepsTheLastValue() {
  let result = runCLI(["--steps", "1", "--steps=2"])
  #expect(result.code == .ok)
  #expect(result.output.contains("a prefill, then 2 decode steps"))
}

// MARK: - Version and help

@Test(.tags(.unit)) func versionPrintsTheNameAndVersion() throws {
  let result = runCLI(["--version"])
  #expect(result.code == .ok)
  #expect(result.error.isEmpty)
  #expect(result.output == CommandSpecs.version + "\n")
  #expect(result.output.hasPrefix("kvtrace "))
  let number = result.output.dropFirst("kvtrace ".count).dropLast()
  #expect(number.split(separator: ".").count == 3)
  #expect(number.allSatisfy { $0.isNumber || $0 == "." })
  #expect(runCLI(["run", "--steps", "3", "--version"]) == result)
}

@Test(
  .tags(.unit),
  arguments: [["run", "--help"], ["compare", "--help"], ["help", "run"], ["compare", "-h"]])
func commandHelpListsEveryContractOption(_ arguments: [String]) {
  let result = runCLI(arguments)
  #expect(result.code == .ok)
  #expect(result.error.isEmpty)
  #expect(
    result.output.hasPrefix("USAGE: kvtrace \(arguments.contains("run") ? "run" : "compare")"))
  for option in contractOptions {
    #expect(result.output.contains("  \(option) "), "\(option) is missing")
  }
  #expect(result.output.contains("-h, --help"))
}

@Test(.tags(.unit), arguments: [["--help"], ["run", "--help"], ["compare", "--help"], ["help"]])
func helpFitsEightyColumns(_ arguments: [String]) {
  let result = runCLI(arguments)
  #expect(result.code == .ok)
  #expect(!result.output.isEmpty)
  for line in lines(of: result.output) {
    #expect(line.unicodeScalars.count <= 80, "too wide: \(line)")
    #expect(!line.hasSuffix(" "), "trailing space: \(line)")
  }
}

/// The top-level help is an overview of the commands, not of the options: it points to
/// `kvtrace help <command>` for those (see the report: it lists none of the options).
@Test(.tags(.unit)) func overviewHelpListsTheCommandsAndPointsToThem() {
  let result = runCLI(["--help"])
  #expect(result.code == .ok)
  #expect(result.output.hasPrefix("USAGE: kvtrace [<command>] [options]"))
  #expect(result.output.contains("  run (default) "))
  #expect(result.output.contains("  compare "))
  #expect(result.output.contains("  replay "))
  #expect(result.output.contains("  schema "))
  #expect(result.output.contains("--version"))
  #expect(result.output.contains("kvtrace help <command>"))
  #expect(runCLI(["help"]) == result)
  #expect(runCLI(["-h"]) == result)
}

@Test(.tags(.unit)) func helpForACommandEqualsItsHelpFlag() {
  #expect(runCLI(["help", "compare"]) == runCLI(["compare", "--help"]))
  #expect(runCLI(["run", "--steps", "abc", "--help"]) == runCLI(["run", "--help"]))
  #expect(runCLI(["run", "--help"]) != runCLI(["compare", "--help"]))
}

// MARK: - compare

@Test(.tags(.unit)) func compareFindsTheCacheChangesNothing() {
  let result = runCLI(["compare"])
  #expect(result.code == .ok)
  #expect(result.error.isEmpty)
  #expect(result.output.contains("PASS"))
  #expect(result.output.contains("max |Δlogit|"))
  #expect(!result.output.contains("FAIL"))
}

@Test(.tags(.unit)) func compareWithGroupedQueryAttentionPasses() {
  let result = runCLI([
    "compare", "--layers", "4", "--heads", "8", "--kv-heads", "2", "--steps", "40",
  ])
  #expect(result.code == .ok)
  #expect(result.output.contains("4 layers × 8 heads (2 KV)"))
  #expect(result.output.contains("identical at all 41 steps"))
  #expect(result.output.contains("PASS"))
}

/// The final grids sit side by side while they fit 80 columns, and one above the
/// other once the layers make them too wide: no line of `compare` is ever wider.
@Test(.tags(.unit), arguments: [1, 2, 4, 8, 12, 16])
func compareFitsEightyColumnsForAnyLayerCount(layers: Int) {
  let result = runCLI(["compare", "--layers", String(layers), "--steps", "2"])
  #expect(result.code == .ok)
  let widest = result.output.split(separator: "\n").map(\.count).max() ?? 0
  #expect(widest <= 80, "a compare line is \(widest) columns wide with \(layers) layers")
  let titles = result.output.split(separator: "\n").filter { $0.contains("last step, cache") }
  #expect(titles.count == (layers >= 12 ? 2 : 1), "grids stacked only when too wide")
}

@Test(.tags(.unit)) func compareOfNoCacheAgainstItselfPasses() {
  let result = runCLI(["compare", "--cache", "none", "--steps", "2"])
  #expect(result.code == .ok)
  #expect(result.output.contains("PASS"))
}

// MARK: - Color, glyphs and detail

@Test(.tags(.unit)) func colorNeverHasNoEscapeEvenWhenForcedOnATerminal() {
  let environment = ["CLICOLOR_FORCE": "1", "TERM": "xterm-256color", "COLORTERM": "truecolor"]
  for command in [["run"], ["compare"]] {
    let result = runCLI(command + ["--color", "never"], environment: environment, terminal: true)
    #expect(result.code == .ok)
    #expect(!hasEscape(result.output), "\(command)")
  }
}

@Test(.tags(.unit)) func colorAlwaysColorsAPipe() {
  for command in [["run"], ["compare"]] {
    let result = runCLI(command + ["--color", "always"])
    #expect(result.code == .ok)
    #expect(hasEscape(result.output), "\(command)")
  }
}

@Test(.tags(.unit)) func autoColorFollowsTheTerminalAndTheEnvironment() {
  #expect(!hasEscape(runCLI([]).output))
  #expect(hasEscape(runCLI([], terminal: true).output))
  #expect(!hasEscape(runCLI([], environment: ["NO_COLOR": "1"], terminal: true).output))
  #expect(hasEscape(runCLI([], environment: ["CLICOLOR_FORCE": "1"]).output))
  #expect(hasEscape(runCLI(["--color", "always"], environment: ["NO_COLOR": "1"]).output))
}

@Test(.tags(.unit)) func colorChangesOnlyTheEscapes() {
  let plain = runCLI(["--steps", "2"]).output
  let colored = runCLI(["--steps", "2", "--color", "always"]).output
  #expect(colored != plain)
  #expect(colored.replacing(#/\x1B\[[0-9;]*m/#, with: "") == plain)
}

@Test(.tags(.unit), arguments: [["run"], ["compare"]])
func asciiOutputIsPureASCII(_ command: [String]) {
  let prompts = [CommandSpecs.defaultPrompt, "naïve café — 🎉 日本"]
  for prompt in prompts {
    let result = runCLI(command + ["--ascii", "--prompt", prompt, "--color", "always"])
    #expect(result.code == .ok)
    #expect(!result.output.isEmpty)
    #expect(result.output.utf8.allSatisfy { $0 < 0x80 }, "\(prompt)")
  }
  #expect(!runCLI(command).output.utf8.allSatisfy { $0 < 0x80 })
}

@Test(.tags(.unit)) func summaryDetailDropsTheWeightsButKeepsTheRows() {
  let full = runCLI(["--detail", "full"]).output
  #expect(full.contains { barGlyphs.contains($0) })
  #expect(full == runCLI([]).output)
  let summary = runCLI(["--detail", "summary"])
  #expect(summary.code == .ok)
  #expect(!summary.output.contains { barGlyphs.contains($0) })
  #expect(gridRows(of: full).allSatisfy { $0.last?.isNumber == true })
  #expect(gridRows(of: summary.output).allSatisfy { $0.hasSuffix("read") })
  #expect(summary.output.contains("■"))
  #expect(summary.output.contains("□"))
  #expect(summary.output.contains("read"))
  #expect(summary.output.contains("reused 80 from the cache"))
}

// MARK: - Determinism

@Test(
  .tags(.unit),
  arguments: [["run"], ["compare"], ["--temperature", "0.8", "--top-k", "5", "--seed", "7"]])
func twoRunsGiveTheSameBytes(_ arguments: [String]) {
  let first = runCLI(arguments)
  let second = runCLI(arguments)
  #expect(first.code == .ok)
  #expect(Array(first.output.utf8) == Array(second.output.utf8))
  #expect(first == second)
}

/// The seed draws a random model's weights (the trained model's are fixed: there it seeds
/// sampling only, see WeightsOptionTests).
@Test(.tags(.unit)) func theSeedChangesTheRandomModel() {
  let seed0 = runCLI(["--weights", "random", "--seed", "0"])
  let seed1 = runCLI(["--weights", "random", "--seed", "1"])
  #expect(seed1.code == .ok)
  #expect(seed1.output.contains("random, seed 1"))
  #expect(seed0.output != seed1.output)
  #expect(seed0 == runCLI(["--weights", "random"]))
}
