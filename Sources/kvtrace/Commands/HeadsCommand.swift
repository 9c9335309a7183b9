import KVTrace
import TinyTransformer

/// `kvtrace heads`: what each attention head does, measured from full-detail traces.
///
/// With no `--prompt` and no `--trace`, the model decodes prompts made to show copying:
/// a random run of whole words, then its first word again, so that a model which has
/// learned to copy continues with the rest of the run. Every run is recorded at full
/// detail and ``HeadRoles`` scores the heads over all of them; the greedy continuations
/// give the copy accuracy, under the `--cache` policy asked for (a window shorter than
/// the run has evicted the rows the copy needs). With `--prompt`, that prompt is decoded
/// for `--steps` steps and measured; with `--trace FILE`, a saved full-detail trace is
/// measured and no model is built.
enum HeadsCommand {
  typealias O = OptionCatalog

  /// `--prompt` as `heads` reads it: one prompt of your own instead of the repeat prompts.
  static let promptOption = OptionSpec(
    name: "prompt", kind: .value(placeholder: "TEXT"),
    help: "measure this prompt, decoded for --steps steps, instead of the repeat prompts")

  /// The options that describe a model to run: meaningless beside `--trace`.
  static var modelOptionNames: [String] {
    CommandSpecs.heads.options.map(\.name).filter { $0 != OptionCatalog.trace.name }
  }

  /// Runs the command.
  static func run(
    _ arguments: ParsedArguments, environment: [String: String], stdoutIsTerminal: Bool,
    stdinIsTerminal: Bool
  ) throws(UsageError) -> CommandResult {
    if let file = arguments.last(O.trace.name) {
      if let clash = modelOptionNames.first(where: { arguments.has($0) }) {
        throw UsageError(
          "--trace measures a saved trace and runs no model, so --\(clash) has nothing to change",
          fix: "leave out --\(clash), or leave out --trace to run the model")
      }
      return measureFile(file, stdinIsTerminal: stdinIsTerminal)
    }
    if arguments.all(O.prompt.spec.name).count > 1 {
      throw UsageError(
        "kvtrace heads decodes one --prompt at a time", fix: "give --prompt once")
    }
    let ownPrompt = arguments.has(O.prompt.spec.name)
    if ownPrompt, arguments.has(O.prompts.spec.name) {
      throw UsageError(
        "--prompts sets how many repeat prompts to draw, and --prompt replaces them",
        fix: "leave out --prompts or --prompt")
    }
    if !ownPrompt, arguments.has(O.steps.spec.name) {
      throw UsageError(
        "--steps sets how far your --prompt decodes; a repeat prompt decodes to the end of its run",
        fix: "leave out --steps, or give --prompt")
    }
    let options = try RunOptions(
      arguments, environment: environment, stdoutIsTerminal: stdoutIsTerminal)
    let model: TinyTransformer
    do { model = try options.model() } catch { return error.result }
    let prompts: RepeatPrompts? =
      ownPrompt
      ? nil
      : try RepeatPrompts(
        count: arguments.int(O.prompts), seed: options.seed, tokenizer: model.tokenizer,
        contextLength: model.config.contextLength)
    do throws(DecodeError) {
      if let prompts { return try copyRuns(model, prompts: prompts, policy: options.policy) }
      let trace = try record(
        model, prompt: model.tokenizer.encode(options.prompt), text: options.prompt,
        steps: options.steps, policy: options.policy
      ).trace
      return measured([trace], input: "the prompt, then \(options.steps) greedy steps")
    } catch {
      throw options.usageError(error, command: "heads")
    }
  }

  /// Decodes each repeat prompt greedily under `policy`, measures the heads over the
  /// traces and counts the continuation's matches with the run.
  static func copyRuns(
    _ model: TinyTransformer, prompts: RepeatPrompts, policy: any CachePolicy
  ) throws(DecodeError) -> CommandResult {
    var traces: [Trace] = []
    var copied = 0
    var total = 0
    for (index, run) in prompts.runs.enumerated() {
      let prompt = prompts.prompt(index)
      // The prefill predicts run[1]; n - 2 decode steps predict the rest, up to run[n - 1].
      let (trace, generated) = try record(
        model, prompt: prompt, text: model.tokenizer.decode(prompt), steps: run.count - 2,
        policy: policy)
      traces.append(trace)
      copied += zip(generated, run.dropFirst()).filter { $0 == $1 }.count
      total += run.count - 1
    }
    var result = measured(traces, input: prompts.description)
    guard result.code == .ok else { return result }
    let accuracy = total > 0 ? Double(copied) / Double(total) : 0
    result.output +=
      "copy accuracy over the repeat: \(HeadsTable.fixed(accuracy)) "
      + "(\(prompts.runs.count) prompts, cache \(policy.info.name); \(copied) of \(total) tokens)\n"
    return result
  }

  /// Decodes `prompt` greedily at full detail.
  static func record(
    _ model: TinyTransformer, prompt: [Int], text: String, steps: Int, policy: any CachePolicy
  ) throws(DecodeError) -> (trace: Trace, generated: [Int]) {
    var log = TraceLog(detail: .full)
    let generation = try model.generate(
      promptTokens: prompt, promptText: text, steps: steps, policy: policy, sampling: .greedy,
      recorder: &log)
    guard let trace = log.trace else { throw DecodeError.emptyPrompt }
    return (trace, generation.tokens)
  }

  /// The table for `traces`, or the one-line error (65) when they cannot be measured.
  static func measured(_ traces: [Trace], input: String, path: String? = nil) -> CommandResult {
    do {
      let roles = try HeadRoles(traces)
      return CommandResult(output: HeadsTable.render(roles, header: traces[0].header, input: input))
    } catch {
      return .failure((path.map { "\($0): " } ?? "") + error.description, .dataError)
    }
  }

  /// `--trace FILE`: the heads of a saved trace.
  static func measureFile(_ file: String, stdinIsTerminal: Bool) -> CommandResult {
    let bytes: [UInt8]
    do {
      bytes = try Files.readTrace(file, stdinIsTerminal: stdinIsTerminal)
    } catch {
      return error.result
    }
    let path = file == "-" ? "standard input" : file
    do {
      return measured([try TraceDecoder.decode(bytes)], input: "the trace \(path)", path: path)
    } catch {
      return .failure("\(path): \(error)", .dataError)
    }
  }
}
