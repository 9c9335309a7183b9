import KVTrace
import KVTraceRender
import TinyTransformer

/// The command line as a pure function: arguments and environment in, text and an
/// exit code out. `main.swift` is the only place that touches the process.
///
/// Files are the exception: `--export` writes them and `replay` reads them, through
/// `Files` and `OutputFile` in Terminal/. `warn` receives the lines that must reach
/// standard error before a long export starts, rather than after it.
enum KVTraceCLI {
  static func run(
    arguments: [String], environment: [String: String], stdoutIsTerminal: Bool,
    warn: (String) -> Void = { _ in }
  ) -> CommandResult {
    do throws(UsageError) {
      switch try CommandSpecs.parser.parse(arguments) {
      case .help(let text): return CommandResult(output: text.hasSuffix("\n") ? text : text + "\n")
      case .version: return CommandResult(output: CommandSpecs.version + "\n")
      case .run(let parsed) where parsed.command == "replay":
        return try Replay.run(parsed, environment: environment, stdoutIsTerminal: stdoutIsTerminal)
      case .run(let parsed) where parsed.command == "schema":
        return CommandResult(output: TraceSchema.text)
      case .run(let parsed):
        let options = try RunOptions(
          parsed, environment: environment, stdoutIsTerminal: stdoutIsTerminal)
        switch parsed.command {
        case "compare": return try compare(options, warn: warn)
        default: return try run(options, warn: warn)
        }
      }
    } catch {
      return .failure(error.description, .usage)
    }
  }

  /// `kvtrace run`: decode once and draw every step (and export the trace if asked).
  static func run(_ options: RunOptions, warn: (String) -> Void) throws(UsageError)
    -> CommandResult
  {
    let model = try options.model()
    do {
      let trace = try Exporter.run(options, model: model, command: "run", warn: warn)
      return CommandResult(
        output: RunRenderer.render(trace, focus: options.focus, style: options.style))
    } catch {
      switch error {
      case .usage(let usage): throw usage
      case .file(let file): return .failure(file.description, file.code)
      }
    }
  }

  /// `kvtrace compare`: decode without a cache and with one, and check they agree.
  static func compare(_ options: RunOptions, warn: (String) -> Void) throws(UsageError)
    -> CommandResult
  {
    let model = try options.model()
    let reference = options.export?.path(for: "reference")
    let cached = options.export?.path(for: options.policy.info.name)
    if let export = options.export, let reference, let cached {
      for (path, recomputes) in [(reference, true), (cached, options.policy.info.name == "none")] {
        Exporter.warnIfLarge(
          export, path: path, options, model: model, recomputesEveryPosition: recomputes,
          warn: warn)
      }
    }
    let report: OracleReport
    do {
      report = try Oracle.check(
        model: model, promptTokens: model.tokenizer.encode(options.prompt),
        promptText: options.prompt, steps: options.steps, policy: options.policy,
        sampling: options.sampling, detail: options.detail)
    } catch {
      throw RunOptions.usageError(error, command: "compare")
    }
    if let format = options.export?.format, let reference, let cached {
      do {
        try Exporter.write(report.reference, as: format, to: reference)
        try Exporter.write(report.cached, as: format, to: cached)
      } catch {
        return .failure(error.description, error.code)
      }
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
