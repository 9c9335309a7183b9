import KVTrace
import KVTraceRender
import TinyTransformer

/// The command line as a pure function: arguments and environment in, text and an
/// exit code out. `main.swift` is the only place that touches the process.
enum KVTraceCLI {
  static func run(
    arguments: [String], environment: [String: String], stdoutIsTerminal: Bool,
    stdinIsTerminal: Bool = false
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
        case "step":
          let trace: Trace
          do { trace = try decode(options) } catch { return error.result }
          return walkThrough(
            trace, focus: options.focus, style: options.style,
            environment: environment, isTerminal: stdinIsTerminal && stdoutIsTerminal)
        default: return run(options)
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
  static func run(_ options: RunOptions) -> CommandResult {
    do {
      let trace = try decode(options)
      return CommandResult(
        output: RunRenderer.render(trace, focus: options.focus, style: options.style))
    } catch {
      return error.result
    }
  }

  /// Decodes the prompt as the options say and returns the trace.
  ///
  /// - Throws: ``CommandFailure``: a usage error, or model files that are missing or bad.
  static func decode(_ options: RunOptions) throws(CommandFailure) -> Trace {
    if options.architecture.architecture == .encoderDecoder {
      do { return try decodeEncoderDecoder(options) } catch { throw CommandFailure(error) }
    }
    let model = try options.model()
    var log = TraceLog(detail: options.detail)
    do {
      _ = try model.generate(
        prompt: options.prompt, steps: options.steps, policy: options.policy,
        sampling: options.sampling, recorder: &log)
    } catch {
      throw CommandFailure(UsageError(error.description, fix: "see 'kvtrace run --help'"))
    }
    guard let trace = log.trace else {
      throw CommandFailure(UsageError("nothing was decoded", fix: "give a non-empty --prompt"))
    }
    return trace
  }

  /// The note `kvtrace step` leaves on standard error when there is no terminal.
  static let noTerminalNote =
    "kvtrace: note: 'kvtrace step' is interactive and needs a terminal on standard input "
    + "and output; printed what 'kvtrace run' prints instead\n"

  /// The interactive walk-through of `trace`, or, without a terminal, what
  /// `kvtrace run` prints for it and a note on standard error; never waits for keys.
  ///
  /// `kvtrace step` calls this with the trace it decoded; a replay of a trace
  /// file calls it with the trace it read.
  static func walkThrough(
    _ trace: Trace, focus: RenderFocus, style: RenderStyle, environment: [String: String],
    isTerminal: Bool
  ) -> CommandResult {
    guard isTerminal else {
      return CommandResult(
        output: RunRenderer.render(trace, focus: focus, style: style), error: noTerminalNote)
    }
    return CommandResult(
      walkThrough: WalkThrough(
        trace: trace, state: InteractiveState(focus: focus), style: style,
        fallbackSize: WindowSize.fallback(environment: environment)))
  }

  /// `kvtrace compare`: decode without a cache and with one, and check they agree.
  static func compare(_ options: RunOptions) throws(UsageError) -> CommandResult {
    if options.architecture.architecture == .encoderDecoder {
      return try compareEncoderDecoder(options)
    }
    let model: TinyTransformer
    do { model = try options.model() } catch { return error.result }
    let report: OracleReport
    do {
      report = try Oracle.check(
        model: model, promptTokens: model.tokenizer.encode(options.prompt),
        promptText: options.prompt, steps: options.steps, policy: options.policy,
        sampling: options.sampling, detail: options.detail)
    } catch {
      throw UsageError(error.description, fix: "see 'kvtrace compare --help'")
    }
    return comparison(report, options)
  }

  /// The comparison text of an oracle report, and exit code 0 when it passed, 1 when not.
  static func comparison(_ report: OracleReport, _ options: RunOptions) -> CommandResult {
    let verdict = ComparisonRenderer.Verdict(
      maxLogitDifference: report.maxLogitDifference, tolerance: OracleReport.tolerance,
      accountingProblems: report.accountingProblems)
    let text = ComparisonRenderer.render(
      report.reference, report.cached, verdict: verdict, focus: options.focus,
      style: options.style)
    return CommandResult(output: text, code: report.passed ? .ok : .checkFailed)
  }
}
