import KVTrace
import KVTraceRender
import TinyTransformer

/// The command line as a pure function: arguments and environment in, text and an
/// exit code out. `main.swift` is the only place that touches the process.
enum KVTraceCLI {
  static func run(
    arguments: [String], environment: [String: String], stdoutIsTerminal: Bool
  ) -> CommandResult {
    do throws(UsageError) {
      switch try CommandSpecs.parser.parse(arguments) {
      case .help(let text): return CommandResult(output: text.hasSuffix("\n") ? text : text + "\n")
      case .version: return CommandResult(output: CommandSpecs.version + "\n")
      case .run(let parsed) where parsed.command == "bench":
        return try bench(parsed)
      case .run(let parsed):
        let options = try RunOptions(
          parsed, environment: environment, stdoutIsTerminal: stdoutIsTerminal)
        switch parsed.command {
        case "compare": return try compare(options)
        default: return try run(options)
        }
      }
    } catch {
      return .failure(error.description, .usage)
    }
  }

  /// `kvtrace bench`: measured speed.
  static func bench(_ arguments: ParsedArguments) throws(UsageError) -> CommandResult {
    var options = BenchCommand.Options()
    options.runs = try arguments.int("runs", default: 5, range: 1...100)
    options.tokens = try arguments.int("tokens", default: 256, range: 2...256)
    options.threads = try arguments.int("threads", default: Platform.processorCount, range: 1...256)
    options.shapes = try arguments.choice(
      "shape", default: BenchShape.all,
      from: [("all", BenchShape.all), ("demo", [.demo]), ("15M", [.stories15M])])
    options.json = arguments.has("json")
    do {
      return try BenchCommand.run(options)
    } catch {
      return .failure("the benchmark could not run: \(error)", .ioError)
    }
  }

  /// `kvtrace run`: decode once and draw every step.
  static func run(_ options: RunOptions) throws(UsageError) -> CommandResult {
    let model = try options.model()
    var log = TraceLog(detail: options.detail)
    do {
      _ = try model.generate(
        prompt: options.prompt, steps: options.steps, policy: options.policy,
        sampling: options.sampling, recorder: &log)
    } catch {
      throw UsageError(error.description, fix: "see 'kvtrace run --help'")
    }
    guard let trace = log.trace else { return .failure("nothing was decoded", .usage) }
    return CommandResult(
      output: RunRenderer.render(trace, focus: options.focus, style: options.style))
  }

  /// `kvtrace compare`: decode without a cache and with one, and check they agree.
  static func compare(_ options: RunOptions) throws(UsageError) -> CommandResult {
    let model = try options.model()
    let report: OracleReport
    do {
      report = try Oracle.check(
        model: model, promptTokens: model.tokenizer.encode(options.prompt),
        promptText: options.prompt, steps: options.steps, policy: options.policy,
        sampling: options.sampling, detail: options.detail)
    } catch {
      throw UsageError(error.description, fix: "see 'kvtrace compare --help'")
    }
    let verdict = ComparisonRenderer.Verdict(
      maxLogitDifference: report.maxLogitDifference, tolerance: OracleReport.tolerance,
      accountingProblems: report.accountingProblems)
    let text = ComparisonRenderer.render(
      report.reference, report.cached, verdict: verdict, focus: options.focus,
      style: options.style)
    return CommandResult(output: text, code: report.passed ? .ok : .checkFailed)
  }
}
