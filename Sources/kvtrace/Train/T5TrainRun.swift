import Foundation
import TinyTransformer
import Training

/// `kvtrace train --arch encoder-decoder`: trains ``Training/T5TrainingRecipe/summarizer(vocabularySize:)``
/// on ``Training/SummaryCorpus`` with progress, and writes a Hugging Face folder.
///
/// The folder holds `config.json` and `model.safetensors` (what `--model DIR` loads) and
/// `training-log.txt` (one line per step, as the decoder's log, so a retrain can be checked
/// line by line). The vocabulary is ``TinyTransformer/Tokenizer/summaries``.
final class T5TrainRun {
  let options: TrainOptions
  let recipe: T5TrainingRecipe
  let trainer: T5Trainer
  let tokenizer = Tokenizer.summaries
  private var display: TrainDisplay
  private var log: [String] = []
  private var validationLoss: Float?
  private var trainingSeconds = 0.0

  /// How many held-out pairs the validation loss and the exact-match share are measured on.
  static let validationPairs = 64

  /// The recipe `kvtrace train --arch encoder-decoder` trains: the summarizer, with the
  /// steps, seed and batch size the command line names explicitly.
  static func recipe(_ options: TrainOptions, _ arguments: ParsedArguments) -> T5TrainingRecipe {
    var recipe = T5TrainingRecipe.summarizer(vocabularySize: Tokenizer.summaries.vocabularySize)
    if arguments.has("steps") { recipe.steps = options.recipe.steps }
    if arguments.has("batch") { recipe.batchSize = options.recipe.batchSize }
    if arguments.has("seed") { recipe.seed = options.recipe.seed }
    return recipe
  }

  /// Sets up the trainer and the output folder.
  init(_ options: TrainOptions, recipe: T5TrainingRecipe, display: TrainDisplay)
    throws(CommandFailure)
  {
    self.options = options
    self.recipe = recipe
    self.display = display
    do {
      trainer = try T5Trainer(recipe: recipe, threads: options.threads)
    } catch {
      throw CommandFailure("cannot train: \(error)", .usage)
    }
    try TrainFiles.makeFolder(options.folder)
  }

  /// The pairs of step `step` of `corpus` as token ids.
  func tokens(_ corpus: SummaryCorpus, step: Int, size: Int) -> [TokenPair] {
    corpus.pairs(step: step, size: size).map { SummaryCorpus.tokens(of: $0, tokenizer: tokenizer) }
  }

  /// Trains every step, writes the folder, and returns the summary.
  func run(interrupts: TrainInterrupts) -> CommandResult {
    let corpus = SummaryCorpus(seed: recipe.seed, split: .training)
    let validation = tokens(
      SummaryCorpus(seed: recipe.seed, split: .validation), step: 0, size: Self.validationPairs)
    var stoppedBy: ExitCode?
    for step in 0..<recipe.steps {
      let batch = tokens(corpus, step: step, size: recipe.batchSize)
      var report = TrainingStepReport(step: step, loss: .nan, learningRate: 0, gradientNorm: 0)
      trainingSeconds += Stopwatch.seconds { report = trainer.trainStep(batch) }
      log.append(TrainingLog.line(report))
      let done = step + 1
      let validated = done % options.validateEvery == 0 || done == recipe.steps
      if validated { validationLoss = trainer.loss(on: validation).loss }
      let labels = Double(done * recipe.batchSize * (recipe.targetLength + 1))
      display.show(
        TrainProgress(
          step: done, totalSteps: recipe.steps, loss: report.loss, validationLoss: validationLoss,
          tokensPerSecond: trainingSeconds > 0 ? labels / trainingSeconds : nil,
          secondsLeft: trainingSeconds / Double(done) * Double(recipe.steps - done)),
        validated: validated)
      if let signal = interrupts.received() {
        stoppedBy = signal
        break
      }
    }
    display.endLine()
    do throws(CommandFailure) {
      for (name, data) in trainer.huggingFaceFolder() {
        try TrainFiles.write(Array(data), to: options.file(name))
      }
      try TrainFiles.write(
        Array(log.map { $0 + "\n" }.joined().utf8), to: options.file("training-log.txt"))
    } catch {
      return error.result
    }
    return CommandResult(output: summary(validation, stoppedBy: stoppedBy), code: stoppedBy ?? .ok)
  }

  /// The summary: time, validation loss, exact matches, the seed sentence's summary.
  private func summary(_ validation: [TokenPair], stoppedBy: ExitCode?) -> String {
    let loss = trainer.loss(on: validation).loss
    let exact = validation.filter {
      trainer.greedySummary(of: $0.source, maxLength: recipe.targetLength) == $0.target
    }.count
    let seed = tokenizer.encode(ArchitectureOptions.encoderDecoderPrompt) + [Tokenizer.eosToken]
    let words = tokenizer.decode(trainer.greedySummary(of: seed, maxLength: recipe.targetLength))
    var lines: [String] = []
    if let stoppedBy {
      lines.append("stopped by \(TrainInterrupts.name(of: stoppedBy)) after step \(log.count)")
    }
    lines += [
      "trained a tiny T5 summarizer \(log.count) steps (\(recipe.batchSize) pairs each) in "
        + TrainProgress.duration(trainingSeconds)
        + " (\(options.threads) thread\(options.threads == 1 ? "" : "s"))",
      "validation loss \(String(format: "%.4f", loss)) per label; greedy summaries match "
        + "\(exact) of \(validation.count) held-out pairs exactly",
      "'\(ArchitectureOptions.encoderDecoderPrompt)' -> '\(words)'",
      "wrote \(options.file("config.json")), model.safetensors and training-log.txt",
      "run it: kvtrace run --arch encoder-decoder --model \(options.folder)",
    ]
    return lines.map { $0 + "\n" }.joined()
  }
}
