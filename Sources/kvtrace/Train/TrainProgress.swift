import Foundation

/// Where a training run stands, as its progress line shows it.
///
/// `kvtrace train` redraws one line on a terminal after every step (a carriage return
/// and the new text, padded so it covers the old) and prints one plain line per
/// validation interval when standard output is a file or a pipe, so a log stays short
/// and readable. Both are pure functions of this value; the command supplies the clock.
struct TrainProgress: Equatable {
  /// Steps done so far.
  var step: Int
  /// Steps the run will take.
  var totalSteps: Int
  /// The training loss of the latest step.
  var loss: Float
  /// The latest validation loss, once one was measured.
  var validationLoss: Float?
  /// Tokens (inputs of every sequence of every batch) trained on per second of wall time.
  var tokensPerSecond: Double?
  /// The time left at the current speed, in seconds.
  var secondsLeft: Double?

  /// The line for a terminal `columns` wide: never longer than `columns - 1` (a line
  /// that fills the last column makes some terminals wrap), padded with spaces to that
  /// length so it covers a longer line drawn before it, and starting with `\r`.
  ///
  /// The fields come in order of importance; the ones that do not fit are left out
  /// (validation, speed, then the time left), and a bar of the steps done fills what
  /// room is left over, when at least a few columns are.
  func terminalLine(columns: Int) -> String {
    let room = max(columns - 1, 1)
    // Display order: step, loss, validation, speed, time left; kept in order of importance.
    var kept = [stepField, "loss " + Self.figure(loss), nil, nil, nil]
    for (slot, optional) in [(4, etaField), (2, validationField), (3, speedField)] {
      guard let optional else { continue }
      if width(of: (kept + [optional]).compactMap { $0 }) <= room { kept[slot] = optional }
    }
    var fields = kept.compactMap { $0 }
    let barRoom = room - width(of: fields) - 2
    if barRoom >= 8 {
      fields.insert(Self.bar(done: step, of: totalSteps, width: min(barRoom, 30)), at: 1)
    }
    var line = String(fields.joined(separator: "  ").prefix(room))
    line += String(repeating: " ", count: room - line.count)
    return "\r" + line
  }

  /// The line for a file or a pipe: every field, no bar, no carriage return.
  var plainLine: String {
    ([stepField, "loss " + Self.figure(loss)]
      + [validationField, speedField, etaField]
      .compactMap { $0 }).joined(separator: "  ") + "\n"
  }

  private var stepField: String {
    let digits = String(totalSteps).count
    let done = String(step)
    return "step " + String(repeating: " ", count: max(0, digits - done.count)) + done
      + "/\(totalSteps)"
  }

  private var validationField: String? { validationLoss.map { "val " + Self.figure($0) } }

  private var speedField: String? {
    tokensPerSecond.map { Self.count($0) + " tok/s" }
  }

  private var etaField: String? { secondsLeft.map { "ETA " + Self.duration($0) } }

  private func width(of fields: [String]) -> Int {
    fields.reduce(0) { $0 + $1.count } + 2 * max(fields.count - 1, 0)
  }

  /// A loss with four decimals, as the log and the summary print it (`3.4120`).
  static func figure(_ value: Float) -> String {
    value.isFinite ? String(format: "%.4f", Double(value)) : String(describing: value)
  }

  /// A rate such as `812`, `12.3k` or `1.45M`.
  static func count(_ value: Double) -> String {
    switch value {
    case ..<1_000: String(format: "%.0f", value)
    case ..<100_000: String(format: "%.1fk", value / 1_000)
    case ..<1_000_000: String(format: "%.0fk", value / 1_000)
    default: String(format: "%.2fM", value / 1_000_000)
    }
  }

  /// A duration such as `42s`, `3m07s` or `1h05m`.
  static func duration(_ seconds: Double) -> String {
    guard seconds.isFinite, seconds >= 0 else { return "?" }
    let whole = Int(seconds.rounded())
    switch whole {
    case ..<60: return "\(whole)s"
    case ..<3_600: return "\(whole / 60)m" + Self.twoDigits(whole % 60) + "s"
    default: return "\(whole / 3_600)h" + Self.twoDigits(whole / 60 % 60) + "m"
    }
  }

  private static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

  /// `[#####.....]`: the share of `total` that `done` is, `width` columns wide.
  static func bar(done: Int, of total: Int, width: Int) -> String {
    let inside = max(width - 2, 1)
    let filled = total > 0 ? min(inside, inside * done / total) : 0
    return "[" + String(repeating: "#", count: filled)
      + String(repeating: ".", count: inside - filled) + "]"
  }
}
