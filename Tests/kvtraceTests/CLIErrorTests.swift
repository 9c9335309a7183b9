// Bad command lines: each must exit 64 (EX_USAGE), print nothing on standard output, and
// print exactly one line on standard error that names the problem and its fix.

import Testing

@testable import kvtrace

/// A bad command line and the words its error line must contain.
struct BadInput: Sendable, CustomTestStringConvertible {
  var arguments: [String]
  /// Names what is wrong.
  var problem: String
  /// Says how to fix it; it follows the problem on the same line.
  var fix: String

  var testDescription: String { arguments.joined(separator: " ") }
}

/// A prompt of 70 one-token words: more than the 64 positions of the default context.
let seventyWords = Array(repeating: "the", count: 70).joined(separator: " ")

let badInputs: [BadInput] = [
  BadInput(
    arguments: ["--bogus"], problem: "unknown option '--bogus' for 'kvtrace run'",
    fix: "see 'kvtrace run --help' for the options"),
  BadInput(
    arguments: ["--stpes", "3"], problem: "unknown option '--stpes'",
    fix: "did you mean '--steps'?"),
  BadInput(
    arguments: ["--steps", "-1"], problem: "--steps must be between 0 and 64, got -1",
    fix: "pick a value in 0...64"),
  BadInput(
    arguments: ["--heads", "3", "--kv-heads", "2"], problem: "kv-heads (2) must divide heads (3)",
    fix: "try --kv-heads 1"),
  BadInput(
    arguments: ["--prompt", seventyWords],
    problem: "the prompt has 70 tokens but the context holds 64 positions",
    fix: "use a prompt of at most 64 tokens"),
  BadInput(
    arguments: ["--steps", "60"],
    problem: "the prompt (10 tokens) plus 60 decode steps needs 70 positions but the context "
      + "holds 64", fix: "use --steps 54 or a shorter prompt"),
  BadInput(
    arguments: ["--cache", "bogus"],
    problem:
      "--cache expects one of none, full, window:N, sinks:S,window:N, paged:B, int8, got 'bogus'",
    fix: "for example --cache window:4"),
  BadInput(
    arguments: ["--layer", "5"], problem: "--layer must be between 0 and 1, got 5",
    fix: "pick a value in 0...1"),
  BadInput(
    arguments: ["--head", "9"], problem: "--head must be between 0 and 3, got 9",
    fix: "pick a value in 0...3"),
  BadInput(
    arguments: ["--color", "sometimes"],
    problem: "--color expects one of auto, always, never, got 'sometimes'",
    fix: "for example --color auto"),
  BadInput(
    arguments: ["--detail", "everything"],
    problem: "--detail expects one of summary, full, vectors, got 'everything'",
    fix: "for example --detail summary"),
  BadInput(
    arguments: ["--steps", "abc"], problem: "--steps expects a whole number, got 'abc'",
    fix: "for example --steps 6"),
  BadInput(
    arguments: ["--detail", "vectors", "--logits", "x"],
    problem: "--logits expects all or a whole number K >= 0, got 'x'",
    fix: "for example --logits all or --logits 8"),
  BadInput(
    arguments: ["--detail", "vectors", "--logits", "-1"],
    problem: "--logits expects all or a whole number K >= 0, got '-1'",
    fix: "for example --logits all or --logits 8"),
  BadInput(
    arguments: ["--temperature", "-1"], problem: "--temperature must be between",
    fix: "for example --temperature 0.8"),
  BadInput(
    arguments: ["--prompt", ""], problem: "the prompt is empty",
    fix: "give some text with --prompt"),
  BadInput(
    arguments: ["compare", "--prompt", ""], problem: "the prompt is empty",
    fix: "see 'kvtrace compare --help'"),
  BadInput(
    arguments: ["compare", "--steps", "65"], problem: "--steps must be between 0 and 64, got 65",
    fix: "pick a value in 0...64"),
  BadInput(
    arguments: ["--dim", "30"], problem: "dim (30) must be a multiple of heads (4)",
    fix: "try --dim 32"),
  BadInput(
    arguments: ["--heads", "32", "--dim", "32"], problem: "head size dim / heads = 1 must be even",
    fix: "try --dim 256"),
  BadInput(
    arguments: ["--steps"], problem: "option '--steps' needs a value (N)",
    fix: "write '--steps N' or '--steps=N'"),
  BadInput(
    arguments: ["--ascii=yes"], problem: "flag '--ascii' does not take a value",
    fix: "write '--ascii' on its own"),
  BadInput(
    arguments: ["rnu"], problem: "unknown command 'rnu'", fix: "did you mean 'run'?"),
  BadInput(
    arguments: ["run", "extra"], problem: "unexpected argument 'extra' for 'kvtrace run'",
    fix: "'kvtrace run' takes no arguments"),
]

@Test(.tags(.unit), arguments: badInputs)
func badInputIsOneUsageLine(_ input: BadInput) throws {
  let result = runCLI(input.arguments)
  #expect(result.code == .usage)
  #expect(result.code.rawValue == 64)
  #expect(result.output.isEmpty)
  #expect(result.error.hasPrefix("kvtrace: "))
  #expect(result.error.hasSuffix("\n"))
  #expect(result.error.filter { $0 == "\n" }.count == 1, "\(result.error)")
  let problem = try #require(result.error.range(of: input.problem), "\(result.error)")
  let fix = try #require(result.error.range(of: input.fix), "\(result.error)")
  #expect(problem.upperBound <= fix.lowerBound, "the fix must follow the problem")
  #expect(result.error.contains("; "), "problem and fix are separated by '; '")
}

@Test(.tags(.unit)) func aValueWithALineBreakStillGivesOneLine() {
  let result = runCLI(["--cache", "two\nlines"])
  #expect(result.code == .usage)
  #expect(result.error.filter { $0 == "\n" }.count == 1)
  #expect(result.error.contains("got 'two lines'"))
}

@Test(.tags(.unit)) func theContextErrorSuggestsAStepCountThatFits() {
  let prompt = Array(repeating: "the", count: 60).joined(separator: " ")
  let result = runCLI(["--prompt", prompt, "--steps", "10"])
  #expect(result.code == .usage)
  #expect(result.error.contains("--steps 4"))
  #expect(runCLI(["--prompt", prompt, "--steps", "4"]).code == .ok)
}

/// When the prompt alone overflows the context, no step count can help: the fix
/// asks for a shorter prompt only.
@Test(.tags(.unit)) func theContextErrorDoesNotSuggestAStepCountThatCannotFit() {
  let result = runCLI(["--prompt", seventyWords, "--steps", "0"])
  #expect(result.code == .usage)
  #expect(result.error.contains("the prompt has 70 tokens"))
  #expect(result.error.contains("at most 64 tokens"))
  #expect(!result.error.contains("--steps"), "\(result.error)")
}

@Test(.tags(.unit)) func usageErrorsPrintNoColor() {
  let result = runCLI(["--bogus", "--color", "always"], terminal: true)
  #expect(result.code == .usage)
  #expect(!hasEscape(result.error))
}
