/// The line a training run writes for each step, readable and exact at once.
///
/// ```
/// step 12 loss 5.1234 lr 0.000300 norm 0.8123 bits 40a3f1c2 399d4952 3f4ff2e5
/// ```
///
/// The decimals are for people; the `bits` are the exact `Float` bit patterns of the loss,
/// the learning rate and the gradient norm, in hexadecimal. Two runs whose logs agree on
/// every `bits` field computed the same numbers: a test can retrain the first steps of a
/// shipped model and compare its log with the shipped one, line by line.
public enum TrainingLog {
  /// The line of one step.
  public static func line(_ report: TrainingStepReport) -> String {
    let values = [report.loss, report.learningRate, report.gradientNorm]
    let bits = values.map { hex($0.bitPattern) }.joined(separator: " ")
    return "step \(report.step) loss \(decimal(report.loss, 4)) lr "
      + "\(decimal(report.learningRate, 6)) norm \(decimal(report.gradientNorm, 4)) bits \(bits)"
  }

  /// The report a line was written from, exact to the bit, or nil if it is not such a line.
  public static func report(parsing line: Substring) -> TrainingStepReport? {
    let words = line.split(separator: " ")
    guard words.count == 12, words[0] == "step", words[8] == "bits", let step = Int(words[1])
    else { return nil }
    let values = words[9...].compactMap { UInt32($0, radix: 16) }.map(Float.init(bitPattern:))
    guard values.count == 3 else { return nil }
    return TrainingStepReport(
      step: step, loss: values[0], learningRate: values[1], gradientNorm: values[2])
  }

  /// Eight hexadecimal digits.
  static func hex(_ bits: UInt32) -> String {
    let digits = String(bits, radix: 16)
    return String(repeating: "0", count: 8 - digits.count) + digits
  }

  /// `value` with `places` decimals, rounded half away from zero, the same text everywhere.
  static func decimal(_ value: Float, _ places: Int) -> String {
    guard value.isFinite else { return "\(value)" }
    var scale = 1.0
    for _ in 0..<places { scale *= 10 }
    let scaled = (Double(value) * scale).rounded()
    let sign = scaled < 0 ? "-" : ""
    let magnitude = UInt64(abs(scaled))
    let whole = magnitude / UInt64(scale)
    let fraction = String(magnitude % UInt64(scale))
    return "\(sign)\(whole)." + String(repeating: "0", count: places - fraction.count) + fraction
  }
}
