/// Word wrapping and column layout for help text.
enum HelpLayout {
  /// The maximum width of a help line.
  static let width = 80
  /// The column where the description of an option, argument or command starts.
  static let column = 24

  /// Wraps `text` to lines of at most `width` characters. Each line of `text` is wrapped on its
  /// own (so blank lines separate paragraphs). An indented line that fits is kept as written
  /// (a table laid out with ``row(_:_:)`` stays aligned); a longer one keeps its leading spaces
  /// on every line it wraps to. Elsewhere runs of spaces collapse, and a word longer than the
  /// room left is cut into pieces. Always returns at least one line.
  static func wrap(_ text: String, width: Int = width) -> [String] {
    text.split(separator: "\n", omittingEmptySubsequences: false).flatMap { line -> [String] in
      if line.first == " ", line.count <= width { return [String(line)] }
      let indent = String(line.prefix { $0 == " " }.prefix(max(width - 1, 0)))
      let room = max(width - indent.count, 1)
      var lines: [String] = []
      var current = ""
      for word in line.split(separator: " ").flatMap({ pieces(of: $0, width: room) }) {
        if current.isEmpty {
          current = word
        } else if current.count + 1 + word.count <= room {
          current += " " + word
        } else {
          lines.append(indent + current)
          current = word
        }
      }
      return lines + [current.isEmpty ? "" : indent + current]
    }
  }

  /// `label` indented by two, then `text` from `column` on; see `hanging(_:_:column:)`.
  static func row(_ label: String, _ text: String) -> [String] {
    hanging("  \(label)  ", text, column: column)
  }

  /// `prefix`, then `text` wrapped with a hanging indent of `column`. A prefix wider than the
  /// column gets a line of its own.
  static func hanging(_ prefix: String, _ text: String, column: Int) -> [String] {
    let body = wrap(text, width: width - column).map { String(repeating: " ", count: column) + $0 }
    guard prefix.count <= column, let first = body.first else { return [prefix] + body }
    return [prefix + first.dropFirst(prefix.count)] + body.dropFirst()
  }

  /// Joins sections with blank lines and strips trailing spaces.
  static func render(_ sections: [[String]]) -> String {
    sections.map { lines in
      lines.map { String($0.reversed().drop { $0 == " " }.reversed()) }.joined(separator: "\n")
    }.joined(separator: "\n\n")
  }

  private static func pieces(of word: Substring, width: Int) -> [String] {
    stride(from: 0, to: word.count, by: width).map { String(word.dropFirst($0).prefix(width)) }
  }
}
