import Foundation
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
    stdinIsTerminal: Bool = false, warn: (String) -> Void = { _ in }
  ) -> CommandResult {
    do throws(UsageError) {
      switch try CommandSpecs.parser.parse(arguments) {
      case .help(let text): return CommandResult(output: text.hasSuffix("\n") ? text : text + "\n")
      case .version: return CommandResult(output: CommandSpecs.version + "\n")
      case .run(let parsed) where parsed.command == "bench":
        return try bench(parsed)
      case .run(let parsed) where parsed.command == "replay":
        return try Replay.run(
          parsed, environment: environment, stdoutIsTerminal: stdoutIsTerminal,
          stdinIsTerminal: stdinIsTerminal)
      case .run(let parsed) where parsed.command == "train":
        return TrainCommand.run(
          parsed, environment: environment, stdoutIsTerminal: stdoutIsTerminal)
      case .run(let parsed) where parsed.command == "heads":
        return try HeadsCommand.run(
          parsed, environment: environment, stdoutIsTerminal: stdoutIsTerminal,
          stdinIsTerminal: stdinIsTerminal)
      case .run(let parsed) where parsed.command == "models":
        return ModelsCommand.run(
          environment: environment,
          current: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
      case .run(let parsed) where parsed.command == "schema":
        return CommandResult(output: TraceSchema.text)
      case .run(let parsed):
        let options = try RunOptions(
          parsed, environment: environment, stdoutIsTerminal: stdoutIsTerminal)
        if parsed.command == "compare" {
          return try compare(options, json: parsed.has(OptionCatalog.compareJSON.name), warn: warn)
        }
        let trace: Trace
        do {
          trace = try decode(options, command: parsed.command, warn: warn)
        } catch {
          return error.result
        }
        if options.export?.writesToStandardOutput == true { return CommandResult() }
        let roles = try? HeadRoles(trace)  // once: the drawn head and the summaries need them
        guard parsed.command == "step" else {
          return CommandResult(
            output: RunRenderer.render(
              trace, focus: options.focus(for: trace, roles: roles), style: options.style,
              roles: roles, threads: options.threads))
        }
        let isTerminal = stdinIsTerminal && stdoutIsTerminal
        let start = try startStep(parsed, of: trace)
        return walkThrough(
          trace, focus: options.focus(for: trace, roles: roles), roles: roles,
          style: options.style, environment: environment, isTerminal: isTerminal,
          withoutCache: isTerminal ? uncachedRuns(options) : [], start: start)
      }
    } catch {
      return .failure(error.description, .usage)
    }
  }

  /// `kvtrace bench`: measured speed.
  static func bench(_ arguments: ParsedArguments) throws(UsageError) -> CommandResult {
    var options = BenchCommand.Options()
    typealias O = OptionCatalog
    options.runs = try arguments.int(O.runs)
    options.tokens = try arguments.int(O.tokens)
    options.threads = try arguments.int(O.benchThreads, default: Platform.processorCount)
    let shapes = [("all", BenchShape.all), ("demo", [.demo]), ("15M", [.stories15M])]
    options.shapes = try arguments.choice(
      O.shape.spec.name,
      default: shapes.first { $0.0 == O.shape.defaultValue }?.1 ?? BenchShape.all,
      from: shapes)
    options.json = arguments.has(O.json.name)
    if let path = arguments.last(O.model.name) {  // a real model: tokens/s against the bound
      do {
        let model = try ModelFolder(path: path).loadDecoder(seed: 0)
        return try BenchModelFile.run(
          model, name: URL(fileURLWithPath: path).lastPathComponent,
          tokens: arguments.has(O.tokens.spec.name) ? options.tokens : 64, runs: options.runs,
          threads: options.threads, json: options.json)
      } catch let failure as CommandFailure {
        return .failure(failure.message, failure.code)
      } catch {
        return .failure("the benchmark could not run: \(error)", .ioError)
      }
    }
    do {
      return try BenchCommand.run(options)
    } catch {
      return .failure("the benchmark could not run: \(error)", .ioError)
    }
  }

  /// Decodes the prompt as the options say and returns the trace, exporting it when
  /// `--export` asks (`run` and `step`).
  ///
  /// - Throws: ``CommandFailure``: a usage error, model files that are missing or bad,
  ///   or an export file that cannot be written.
  static func decode(_ options: RunOptions, command: String, warn: (String) -> Void)
    throws(CommandFailure) -> Trace
  {
    let model = try options.commandModel()
    return try Exporter.run(
      options.wrappingChat(model), model: model, command: command, warn: warn)
  }

  /// The note `kvtrace step` (or `kvtrace replay --interactive`) leaves on standard error
  /// when there is no terminal.
  static func noTerminalNote(_ command: String) -> String {
    "kvtrace: note: '\(command)' is interactive and needs a terminal on standard input "
      + "and output; printed what 'kvtrace run' prints instead\n"
  }

  /// The interactive walk-through of `trace`, or, without a terminal, what
  /// `kvtrace run` prints for it and a note on standard error; never waits for keys.
  ///
  /// `kvtrace step` calls this with the trace it decoded; `kvtrace replay --interactive`
  /// with the trace it read.
  static func walkThrough(
    _ trace: Trace, focus: RenderFocus, roles: HeadRoles?, style: RenderStyle,
    environment: [String: String], isTerminal: Bool, command: String = "kvtrace step",
    withoutCache: [Trace] = [], start: Int = 0
  ) -> CommandResult {
    guard isTerminal else {
      return CommandResult(
        output: RunRenderer.render(trace, focus: focus, style: style, roles: roles),
        error: noTerminalNote(command))
    }
    return CommandResult(
      walkThrough: WalkThrough(
        trace: trace, state: InteractiveState(step: start, focus: focus), style: style,
        fallbackSize: WindowSize.fallback(environment: environment), withoutCache: withoutCache))
  }

  /// `kvtrace compare`: decode without a cache and with one, and check they agree
  /// (for an encoder-decoder, in the `--cross` mode asked for).
  static func compare(_ unwrapped: RunOptions, json: Bool = false, warn: (String) -> Void)
    throws(UsageError) -> CommandResult
  {
    var options = unwrapped
    if options.export?.writesToStandardOutput == true { throw Exporter.twoTracesToOneStream }
    if json, options.secondPrompt != nil {
      throw UsageError(
        "compare --json reports on one prompt; two --prompt are compared as text",
        fix: "drop --json, or give one --prompt")
    }
    let model: any CommandModel
    do {
      model = try unwrapped.commandModel()
      options = try unwrapped.wrappingChat(model)
    } catch { return error.result }
    if let second = options.secondPrompt, let transformer = model as? TinyTransformer {
      return try compareShared(options, second: second, model: transformer)
    }
    let reference = options.export?.path(for: "reference")
    let cached = options.export?.path(for: options.policy.info.name)
    let policies: [any CachePolicy] = [options.reference, options.policy]
    if let export = options.export, let reference, let cached {
      for (path, policy) in zip([reference, cached], policies) {
        Exporter.warnIfLarge(export, path: path, options, model: model, policy: policy, warn: warn)
      }
    } else {
      Exporter.warnIfLargeInMemory(options, model: model, policies: policies, warn: warn)
    }
    let report: OracleReport
    let forced: [TeacherForcedStep]?
    do {
      report = try model.check(options)
      forced = try TeacherForcing.steps(model: model, options: options, report: report)
    } catch {
      return options.failure(error, command: "compare").result
    }
    if let export = options.export, let reference, let cached {
      let view = ExportView(
        focus: options.focusIsDefault ? nil : options.focus, style: options.style)
      do {
        try Exporter.write(report.reference, as: export, to: reference, view: view)
        try Exporter.write(report.cached, as: export, to: cached, view: view)
      } catch {
        return error.result
      }
    }
    let verdict = ComparisonRenderer.Verdict(
      maxLogitDifference: report.maxLogitDifferenceOnSameText, tolerance: OracleReport.tolerance,
      accountingProblems: report.accountingProblems, teacherForced: forced)
    let text =
      json
      ? ComparisonRenderer.json(report.reference, report.cached, verdict: verdict)
      : ComparisonRenderer.render(
        report.reference, report.cached, verdict: verdict,
        focus: options.focus(for: report.reference),
        style: options.style)
    let outcome = ComparisonRenderer.outcome(report.reference, report.cached, verdict: verdict)
    return CommandResult(output: text, code: outcome.succeeded ? .ok : .checkFailed)
  }

  /// `kvtrace compare --prompt A --prompt B`: the two decoded together, sharing their
  /// prefix, against each decoded alone with a full cache.
  static func compareShared(_ options: RunOptions, second: String, model: TinyTransformer)
    throws(UsageError) -> CommandResult
  {
    let report: SharedPrefixReport
    do {
      report = try Oracle.checkSharedPrefix(
        model: model, promptTokens: model.promptTokens(options.prompt),
        secondPromptTokens: model.promptTokens(second), promptTexts: (options.prompt, second),
        steps: options.steps, blockSize: (options.policy as? PagedCache)?.blockSize ?? 4,
        sampling: options.sampling, detail: options.detail)
    } catch {
      return options.failure(error, command: "compare").result
    }
    let verdict = ComparisonRenderer.Verdict(
      maxLogitDifference: report.maxLogitDifference, tolerance: OracleReport.tolerance,
      accountingProblems: report.accountingProblems)
    let text = SharedPrefixComparison.render(
      together: report.shared, alone: report.alone, verdict: verdict, style: options.style)
    let outcome = SharedPrefixComparison.outcome(
      together: report.shared, alone: report.alone, verdict: verdict)
    return CommandResult(output: text, code: outcome.succeeded ? .ok : .checkFailed)
  }
}
