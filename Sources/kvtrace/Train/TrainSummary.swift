import Foundation
import Training

/// What `kvtrace train` prints when it ends: how long it took, the loss curve, the final
/// figures against a baseline, where the files are and how to run the model.
///
/// The validation loss is the mean cross-entropy, in nats, of every next token of the
/// held-out batches; the accuracy the share of those tokens the model ranks first. The
/// unigram baseline is the best a model can do that never looks at the context (it only
/// knows how often each token occurs): the gap between the two is what attention earned.
struct TrainSummary {
  var options: TrainOptions
  var curve: LossCurve
  /// The last validation loss and accuracy.
  var validation: (loss: Float, accuracy: Float)
  /// The unigram model's loss and accuracy on the same batches.
  var baseline: (loss: Double, accuracy: Double)
  /// Seconds spent training (steps only).
  var seconds: Double
  /// The signal that stopped the run early, if one did.
  var stoppedBy: ExitCode?

  /// The summary's lines, each ending in a newline.
  var text: String {
    let recipe = options.recipe
    let steps = curve.training.count
    let tokens = Double(steps * recipe.batchSize * recipe.sequenceLength)
    var lines: [String] = []
    if let stoppedBy {
      lines.append(
        "stopped by \(TrainInterrupts.name(of: stoppedBy)) after step \(steps) of "
          + "\(recipe.steps); the checkpoint holds step \(steps)")
    }
    lines.append(
      "trained \(steps) steps (\(recipe.batchSize) sequences of \(recipe.sequenceLength) "
        + "tokens each) in "
        + TrainProgress.duration(seconds)
        + (seconds > 0 ? " (\(TrainProgress.count(tokens / seconds)) tokens/s" : " (")
        + ", \(options.threads) thread\(options.threads == 1 ? "" : "s"))")
    lines += curve.sparklines(width: 60, ascii: options.ascii)
    lines.append(
      "validation loss \(TrainProgress.figure(validation.loss)), next-token accuracy "
        + Self.percent(Double(validation.accuracy)) + " (\(TrainRun.validationBatches) batches "
        + "of \(recipe.batchSize) held-out sequences)")
    lines.append(
      "a unigram model (token frequencies, no context) scores loss "
        + TrainProgress.figure(Float(baseline.loss)) + ", accuracy "
        + Self.percent(baseline.accuracy))
    lines.append(
      "wrote \(options.modelPath) (llama2.c checkpoint, step \(steps)), tokenizer.bin, "
        + "recipe.json and training-log.txt in \(options.folder)"
        + (options.svg.map { "; the loss curve in \($0)" } ?? "")
        + (options.tokens.map { "; the token ids in \($0)" } ?? ""))
    lines.append("run it: kvtrace run --checkpoint \(Self.shellQuoted(options.modelPath))")
    return lines.map { $0 + "\n" }.joined()
  }

  /// `61.2%`.
  static func percent(_ share: Double) -> String {
    share.isFinite ? String(format: "%.1f%%", share * 100) : "?"
  }

  /// The title of the SVG: the shape and the recipe's main numbers.
  static func title(_ options: TrainOptions) -> String {
    let r = options.recipe
    let c = r.config
    return "kvtrace train: \(c.layers) layers, \(c.heads) heads, dim \(c.dim), "
      + "\(r.steps) steps of \(r.batchSize) sequences of \(r.sequenceLength) tokens, "
      + "learning rate \(TrainLearningRate.text(r.learningRate)), seed \(r.seed)"
  }

  /// `path` as a shell reads it back: unchanged when it is plain, else in single quotes.
  static func shellQuoted(_ path: String) -> String {
    let plain = path.unicodeScalars.allSatisfy {
      $0.isASCII && ($0.properties.isAlphabetic || "0123456789-_./+,:@".unicodeScalars.contains($0))
    }
    return plain && !path.isEmpty
      ? path : "'" + path.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }
}
