import KVTrace

/// `kvtrace train`: trains the demo model from kvtrace's own corpus, with progress.
enum TrainCommand {
  /// The command as `--help` describes it.
  static let spec = CommandSpec(
    name: "train",
    summary: "train the demo model on kvtrace's own corpus, with progress and checkpoints",
    discussion: """
      Trains a model of the demo's shape from random weights on stories, pangrams and \
      repeated runs of words that kvtrace writes itself (seeded: the same on every machine), \
      with hand-written backward passes and AdamW. The same options give the same weights bit \
      for bit, whatever --threads is.

      On a terminal one line shows the step, the loss, the validation loss (measured on \
      held-out text every --validate-every steps), tokens per second and the time left; to a \
      file or a pipe it prints a line per validation instead. At the end it draws the loss \
      curve and prints the validation loss and next-token accuracy beside a unigram baseline.

      Files, in --out: model.bin (a llama2.c checkpoint, written every --checkpoint-every \
      steps and at the end, each time replaced whole), tokenizer.bin (the demo vocabulary in \
      llama2.c's format), recipe.json (everything that decided the run) and training-log.txt \
      (one line per step with the exact bits of its loss, learning rate and gradient norm, \
      so a retrain can be checked line by line). Run the result with \
      'kvtrace run --checkpoint DIR/model.bin'. With --resume FILE the weights start as \
      FILE's; AdamW's moments, the schedule and the batches start again from step 0 (a \
      checkpoint holds weights only).

      Ctrl-C (or SIGTERM, SIGHUP) stops after the step under way, writes that step's \
      checkpoint and log, says where they are and exits 130 (143, 129). Exit status 64 for a \
      bad option, 66 or 65 for a --resume file that is missing or not a checkpoint of this \
      shape, 73 when a file or the folder cannot be created, 74 when writing fails.

      With --arch encoder-decoder it trains the tiny T5 summarizer instead (1,000 steps of 16 \
      'summarize: ...' pairs unless --steps, --batch or --seed say otherwise) and writes a \
      Hugging Face folder: config.json, model.safetensors and training-log.txt; run it with \
      'kvtrace run --arch encoder-decoder --model DIR'.
      """,
    options: TrainOptionCatalog.specs)

  /// Runs `kvtrace train` with the parsed arguments.
  ///
  /// - Parameters:
  ///   - display: Where progress goes while the run trains.
  ///   - interrupts: The signals that stop the run between steps.
  /// - Returns: The summary, or one line and the exit code of what went wrong.
  static func run(
    _ arguments: ParsedArguments, display: TrainDisplay, interrupts: TrainInterrupts
  ) -> CommandResult {
    do throws(CommandFailure) {
      let options: TrainOptions
      do { options = try TrainOptions(arguments) } catch { throw CommandFailure(error) }
      if arguments.last(OptionCatalog.arch.spec.name) == Architecture.encoderDecoder.rawValue {
        let recipe = T5TrainRun.recipe(options, arguments)
        return try T5TrainRun(options, recipe: recipe, display: display).run(interrupts: interrupts)
      }
      let run = try TrainRun(options, display: display)
      return run.run(interrupts: interrupts)
    } catch {
      return error.result
    }
  }

  /// `kvtrace train` in the kvtrace process: progress on standard output, signals watched.
  static func run(
    _ arguments: ParsedArguments, environment: [String: String], stdoutIsTerminal: Bool
  ) -> CommandResult {
    let interrupts = TrainInterrupts()
    defer { interrupts.stop() }
    return run(
      arguments,
      display: .standardOutput(isTerminal: stdoutIsTerminal, environment: environment),
      interrupts: interrupts)
  }
}
