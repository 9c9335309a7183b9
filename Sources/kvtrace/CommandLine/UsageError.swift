/// A mistake on the command line, reported to the user as a single line on stderr.
///
/// Every usage error says what is wrong (`message`) and how to fix it (`fix`). The rendered
/// `description` is always one line: any newline that sneaks in (for example from a value the
/// user typed) is replaced by a space.
struct UsageError: Error, Equatable, CustomStringConvertible {
  /// What is wrong, e.g. "unknown option '--stpes' for 'kvtrace run'".
  var message: String
  /// How to fix it, e.g. "did you mean '--steps'? See 'kvtrace run --help'.".
  var fix: String

  /// Creates an error from what went wrong and how to fix it.
  init(_ message: String, fix: String) {
    self.message = message
    self.fix = fix
  }

  /// `"<message>; <fix>"` on one line.
  var description: String {
    Self.singleLine("\(message); \(fix)")
  }

  /// Replaces every line break in `text` with a space.
  static func singleLine(_ text: String) -> String {
    String(text.map { $0.isNewline ? " " : $0 })
  }
}

/// "Did you mean …?" suggestions for misspelt option names, commands and choices.
enum Suggestion {
  /// The largest edit distance that still counts as a likely typo.
  static let maximumDistance = 2

  /// The candidate closest to `typed`, or nil when nothing is close.
  ///
  /// A candidate is close when its Levenshtein distance to `typed` is at most
  /// `maximumDistance`, or when `typed` is a prefix of it. Comparison ignores case. Among close
  /// candidates the smallest distance wins; ties go to the earlier candidate.
  static func closest(to typed: String, in candidates: [String]) -> String? {
    let needle = typed.lowercased()
    guard !needle.isEmpty else { return nil }
    var best: (candidate: String, distance: Int)?
    for candidate in candidates {
      let lowered = candidate.lowercased()
      let distance = editDistance(needle, lowered)
      guard distance <= maximumDistance || lowered.hasPrefix(needle) else { continue }
      if best.map({ distance < $0.distance }) ?? true {
        best = (candidate, distance)
      }
    }
    return best?.candidate
  }

  /// The Levenshtein distance between `a` and `b`: the fewest single-character insertions,
  /// deletions and substitutions that turn one into the other.
  static func editDistance(_ a: String, _ b: String) -> Int {
    let source = Array(a)
    let target = Array(b)
    var previous = Array(0...target.count)
    for (i, sourceChar) in source.enumerated() {
      var current = [i + 1]
      for (j, targetChar) in target.enumerated() {
        let substitution = previous[j] + (sourceChar == targetChar ? 0 : 1)
        current.append(min(previous[j + 1] + 1, current[j] + 1, substitution))
      }
      previous = current
    }
    return previous[target.count]
  }
}

/// Typed accessors that turn a bad option value into a `UsageError` with a clear fix.
extension ParsedArguments {
  /// The last value of `--name` as an integer in `range`, or `defaultValue` when absent.
  func int(_ name: String, default defaultValue: Int, range: ClosedRange<Int>) throws(UsageError)
    -> Int
  {
    guard let raw = last(name) else { return defaultValue }
    let outOfRange = UsageError(
      "--\(name) must be between \(range.lowerBound) and \(range.upperBound), got \(raw)",
      fix: "pick a value in \(range.lowerBound)...\(range.upperBound)")
    guard let value = Int(raw) else {
      // All digits but too large for Int is a range problem, not a format problem.
      let digits = raw.first == "-" || raw.first == "+" ? raw.dropFirst() : raw[...]
      if !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) { throw outOfRange }
      throw UsageError(
        "--\(name) expects a whole number, got '\(raw)'",
        fix: "for example --\(name) \(defaultValue)")
    }
    guard range.contains(value) else { throw outOfRange }
    return value
  }

  /// The value matching the last `--name` among `choices`, or `defaultValue` when absent.
  func choice<T>(_ name: String, default defaultValue: T, from choices: [(String, T)])
    throws(UsageError) -> T
  {
    guard let raw = last(name) else { return defaultValue }
    if let match = choices.first(where: { $0.0 == raw }) { return match.1 }
    let names = choices.map { $0.0 }
    let fix =
      Suggestion.closest(to: raw, in: names).map { "did you mean '--\(name) \($0)'?" }
      ?? "for example --\(name) \(names.first ?? "")"
    throw UsageError(
      "--\(name) expects one of \(names.joined(separator: ", ")), got '\(raw)'", fix: fix)
  }
}
