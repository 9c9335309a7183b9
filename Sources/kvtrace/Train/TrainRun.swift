import Foundation
import TinyTransformer
import Training

/// One run of `kvtrace train`: batches in, steps taken, progress shown, files written.
///
/// The loop is the textbook one (llm.c's `train_gpt2.c` reads the same): take the batch of
/// this step from the corpus, let the trainer run it forward and backward and update the
/// weights, log the loss; every few steps measure the loss on held-out text, every few
/// more write a checkpoint. Between two steps it looks for Ctrl-C, so a stop always leaves
/// the weights of a whole step behind.
final class TrainRun {
  // A class: it owns the trainer (a class) and the open token file, and updates its figures.
  let options: TrainOptions
  let trainer: Trainer
  /// The documents trained on.
  let corpus: Corpus
  /// The held-out batches the validation loss is measured on, the same at every measurement.
  let validationSet: [[[Int]]]
  private var display: TrainDisplay
  private var curve = LossCurve()
  private var log: [String] = []
  private var tokensFile: OutputFile?
  private var lastValidation: (loss: Float, accuracy: Float)?
  /// Seconds spent in the trainer's steps (not validating, not writing files).
  private var trainingSeconds = 0.0

  /// How many held-out batches the validation loss averages.
  static let validationBatches = 4
  /// How many training batches the unigram baseline counts.
  static let baselineBatchCount = 50

  /// Sets up the run: the trainer (fresh or resumed), the corpus, the description files
  /// in the output folder, and the token file if asked for.
  ///
  /// - Throws: ``CommandFailure``: 66 or 65 for a `--resume` file that is missing or not a
  ///   checkpoint of this shape, 73 or 74 for files that cannot be written.
  init(_ options: TrainOptions, display: TrainDisplay) throws(CommandFailure) {
    self.options = options
    self.display = display
    let recipe = options.recipe
    do {
      if let path = options.resume {
        let data = try ModelFiles.readCheckpoint(path)
        trainer = try Trainer(recipe: recipe, threads: options.threads, resumingFrom: data)
      } else {
        trainer = try Trainer(recipe: recipe, threads: options.threads)
      }
    } catch let error as CommandFailure {
      throw error
    } catch {
      let what = options.resume.map { "cannot resume from '\($0)': " } ?? "cannot train: "
      throw CommandFailure(what + "\(error)", options.resume == nil ? .usage : .dataError)
    }
    corpus = Corpus(seed: recipe.seed, split: .training)
    let validation = Corpus(seed: recipe.seed, split: .validation)
    validationSet = (0..<Self.validationBatches).map {
      validation.batch(step: $0, size: recipe.batchSize, length: recipe.sequenceLength)
    }
    try TrainFiles.writeDescription(options)
    if let path = options.tokens {
      let file = try OutputFile(replacing: path)
      file.write(Array(TrainFiles.tokensHeader(recipe).utf8))
      tokensFile = file
    }
  }

  /// Trains every step (or until a signal stops it), writes the files, and returns the
  /// summary: the loss curve and the final figures, or the reason it failed.
  func run(interrupts: TrainInterrupts) -> CommandResult {
    var stoppedBy: ExitCode?
    do {
      for step in trainer.step..<options.recipe.steps {
        try trainOneStep(step)
        if let signal = interrupts.received() {
          stoppedBy = signal
          break
        }
      }
      if curve.validation.last?.step != curve.training.count { validate() }
      display.endLine()
      try TrainFiles.writeCheckpoint(trainer, log: log, options)
      try tokensFile?.commit()
      if let svg = options.svg {
        try TrainFiles.write(Array(curve.svg(title: TrainSummary.title(options)).utf8), to: svg)
      }
    } catch {
      display.endLine()
      tokensFile?.discard()
      return error.result
    }
    let summary = TrainSummary(
      options: options, curve: curve, validation: lastValidation ?? (.nan, .nan),
      baseline: baseline(), seconds: trainingSeconds, stoppedBy: stoppedBy)
    return CommandResult(output: summary.text, code: stoppedBy ?? .ok)
  }

  /// Step `step` (from 0): its batch, the update, the log line, the display, and the
  /// validation and checkpoint when they are due.
  private func trainOneStep(_ step: Int) throws(CommandFailure) {
    let recipe = options.recipe
    let batch = corpus.batch(step: step, size: recipe.batchSize, length: recipe.sequenceLength)
    tokensFile?.write(Array(TrainFiles.tokensLine(step: step, batch: batch).utf8))
    var report = TrainingStepReport(step: step, loss: .nan, learningRate: 0, gradientNorm: 0)
    trainingSeconds += Stopwatch.seconds { report = trainer.trainStep(batch) }
    log.append(TrainingLog.line(report))
    curve.training.append(report.loss)
    let done = step + 1
    let validated = done % options.validateEvery == 0 || done == recipe.steps
    if validated { validate() }
    let seconds = trainingSeconds
    let tokens = Double(done * recipe.batchSize * recipe.sequenceLength)
    display.show(
      TrainProgress(
        step: done, totalSteps: recipe.steps, loss: report.loss,
        validationLoss: lastValidation?.loss,
        tokensPerSecond: seconds > 0 ? tokens / seconds : nil,
        secondsLeft: seconds / Double(done) * Double(recipe.steps - done)),
      validated: validated)
    if options.checkpointEvery > 0, done % options.checkpointEvery == 0, done < recipe.steps {
      try TrainFiles.writeCheckpoint(trainer, log: log, options)
    }
  }

  /// Measures the loss and accuracy on the held-out batches, and adds the loss to the curve.
  private func validate() {
    let measured = validationSet.map { trainer.loss(on: $0) }
    let count = Float(measured.count)
    let figures = (
      loss: measured.map(\.loss).reduce(0, +) / count,
      accuracy: measured.map(\.accuracy).reduce(0, +) / count
    )
    lastValidation = figures
    curve.validation.append((step: trainer.step, loss: figures.loss))
  }

  /// The context-free baseline: token frequencies counted on training batches from after the
  /// curriculum (text of the same kind as the held-out batches: the curriculum's bare runs
  /// from a small pool would skew the counts), scored on the held-out batches.
  private func baseline() -> (loss: Double, accuracy: Double) {
    let recipe = options.recipe
    let first = max(recipe.steps, corpus.options.curriculumSteps)
    let train = (first..<first + Self.baselineBatchCount).flatMap {
      corpus.batch(step: $0, size: recipe.batchSize, length: recipe.sequenceLength)
    }
    return Corpus.unigramCrossEntropy(
      train: train, validation: Array(validationSet.joined()),
      vocabularySize: recipe.config.vocabularySize)
  }
}
