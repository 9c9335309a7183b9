/// The losses of a training run, and the curve `kvtrace train` draws from them at the end.
///
/// Two series share one step axis and one loss scale, so the eye can compare them: the
/// training loss of every step (noisy: each step sees a different batch), and the
/// validation loss measured every few steps on text the model never trains on. When the
/// two part, with validation above, the model has begun to memorise its batches rather
/// than learn the language.
struct LossCurve: Equatable {
  /// The training loss of steps 1, 2, 3, …
  var training: [Float] = []
  /// The validation loss and the step after which it was measured.
  var validation: [(step: Int, loss: Float)] = []

  static func == (a: LossCurve, b: LossCurve) -> Bool {
    a.training == b.training && a.validation.map(\.step) == b.validation.map(\.step)
      && a.validation.map(\.loss) == b.validation.map(\.loss)
  }

  /// The steps the curve covers.
  var steps: Int { max(training.count, validation.last?.step ?? 0) }

  /// The lowest and highest finite loss of either series, or nil when there is none.
  var range: (low: Float, high: Float)? {
    let values = (training + validation.map(\.loss)).filter(\.isFinite)
    guard let low = values.min(), let high = values.max() else { return nil }
    return (low, high)
  }

  /// The two series as text sparklines, `width` buckets wide, each bucket the mean of
  /// the losses whose steps fall in it, on the shared scale of ``range``.
  ///
  /// A bucket without a validation measurement is drawn as a space. With `ascii`, the
  /// levels are `_.-=*#` instead of the eight block characters `▁`…`█`.
  func sparklines(width: Int, ascii: Bool = false) -> [String] {
    guard let range, steps > 0 else { return ["loss curve: no steps were trained"] }
    let levels = ascii ? Array("_.-=*#") : Array("▁▂▃▄▅▆▇█")
    let buckets = max(1, min(width, steps))
    func draw(_ points: [(step: Int, loss: Float)]) -> String {
      var sums = [Float](repeating: 0, count: buckets)
      var counts = [Int](repeating: 0, count: buckets)
      for point in points where point.loss.isFinite {
        let bucket = min((point.step - 1) * buckets / steps, buckets - 1)
        sums[bucket] += point.loss
        counts[bucket] += 1
      }
      return String(
        zip(sums, counts).map { sum, count in
          guard count > 0 else { return " " }
          let share =
            range.high > range.low ? (sum / Float(count) - range.low) / (range.high - range.low) : 0
          return levels[min(levels.count - 1, Int(share * Float(levels.count - 1) + 0.5))]
        })
    }
    let train = training.enumerated().map { (step: $0.offset + 1, loss: $0.element) }
    var lines = [
      "loss curve, steps 1 to \(steps), loss \(TrainProgress.figure(range.low)) to "
        + "\(TrainProgress.figure(range.high)):",
      "  train       " + draw(train) + Self.ends(training, ascii: ascii),
    ]
    if !validation.isEmpty {
      lines.append(
        "  validation  " + draw(validation) + Self.ends(validation.map(\.loss), ascii: ascii))
    }
    return lines
  }

  /// `  4.8120 → 1.2030`: a series' first and last values.
  private static func ends(_ series: [Float], ascii: Bool) -> String {
    guard let first = series.first, let last = series.last else { return "" }
    return "  " + TrainProgress.figure(first) + (ascii ? " -> " : " → ")
      + TrainProgress.figure(last)
  }
}
