import KVTrace

/// Small text helpers: padding, truncation, numbers, token labels.
///
/// Numbers are formatted with integer arithmetic, never the C library, so the
/// output is the same bytes on every platform.
enum TextLayout {
  /// The number of terminal columns `text` occupies (one per Unicode scalar,
  /// escape sequences excluded).
  static func width(_ text: String) -> Int {
    var width = 0
    var inEscape = false
    for scalar in text.unicodeScalars {
      if inEscape {
        if scalar == "m" { inEscape = false }
      } else if scalar == "\u{1B}" {
        inEscape = true
      } else if scalar.value < 0x300 || Self.isMarkless(scalar.value)
        || scalar.properties.generalCategory != .nonspacingMark
      {
        // (no mark comes before U+0300, nor among the punctuation, arrows, box drawing and
        // blocks the grids are drawn with: most text needs no look-up)
        width += 1
      }
    }
    return width
  }

  /// Whether `value` lies where Unicode has no nonspacing mark: U+2000 to U+20CF
  /// (punctuation, super- and subscripts, currency) or U+2100 to U+2BFF (letterlike symbols
  /// to miscellaneous symbols and arrows, box drawing and block elements among them).
  /// U+20D0 to U+20FF, the combining marks for symbols, are left to the look-up.
  static func isMarkless(_ value: UInt32) -> Bool {
    (0x2000...0x20CF).contains(value) || (0x2100...0x2BFF).contains(value)
  }

  /// `text` padded with spaces on the right to `width` columns.
  static func padRight(_ text: String, _ width: Int) -> String {
    text + String(repeating: " ", count: max(0, width - Self.width(text)))
  }

  /// `text` padded with spaces on the left to `width` columns.
  static func padLeft(_ text: String, _ width: Int) -> String {
    String(repeating: " ", count: max(0, width - Self.width(text))) + text
  }

  /// `text` cut to at most `width` columns, ending in `…` (or `~`) when cut.
  static func truncate(_ text: String, _ width: Int, unicode: Bool) -> String {
    guard self.width(text) > width else { return text }
    return String(text.unicodeScalars.prefix(max(0, width - 1)).map(Character.init))
      + (unicode ? "…" : "~")
  }

  /// `text` cut to at most `width` terminal columns, escape sequences kept.
  ///
  /// Unlike ``truncate(_:_:unicode:)`` this is safe on colored text: it counts
  /// only what the terminal shows, and when it cuts a colored line it resets the
  /// color before the `…` (or `~`) that marks the cut.
  static func clip(_ text: String, _ width: Int, unicode: Bool) -> String {
    guard self.width(text) > width else { return text }
    guard width > 0 else { return "" }
    var out = ""
    var used = 0
    var inEscape = false
    var colored = false
    for scalar in text.unicodeScalars {
      if inEscape || scalar == "\u{1B}" {
        inEscape = scalar != "m"
        colored = true
        out.unicodeScalars.append(scalar)
        continue
      }
      let cost = scalar.properties.generalCategory == .nonspacingMark ? 0 : 1
      if used + cost > width - 1 { break }
      used += cost
      out.unicodeScalars.append(scalar)
    }
    return out + (colored ? "\u{1B}[0m" : "") + (unicode ? "…" : "~")
  }

  /// `text` broken into lines of at most `width` columns at spaces; lines after
  /// the first start with `indent`.
  static func wrap(_ text: String, width: Int, indent: String = "") -> [String] {
    var lines: [String] = []
    var line = ""
    var lineWidth = 0  // width(line), kept as words join it
    var lineHasWord = false
    // A width is the sum of its parts' when no escape sequence runs across a space: always
    // so for text without escapes, and checked in full otherwise.
    let additive = !text.unicodeScalars.contains("\u{1B}")
    let indentWidth = Self.width(indent)
    // Empty pieces keep runs of spaces ("cache    full") where no break falls.
    for word in keepingUnits(words(text)) {
      if word.isEmpty && !lineHasWord && !lines.isEmpty { continue }
      let first = line.isEmpty && lines.isEmpty
      let candidate = first ? String(word) : line + " " + word
      let wordWidth = Self.width(String(word))
      let candidateWidth =
        !additive ? Self.width(candidate) : first ? wordWidth : lineWidth + 1 + wordWidth
      let breaks = candidateWidth > width && lineHasWord && !word.isEmpty
      if breaks { lines.append(line.trimmingTrailingSpaces()) }
      if breaks || (!lineHasWord && !lines.isEmpty) {  // a new line starts with this word
        (line, lineWidth) = (indent + word, indentWidth + wordWidth)
      } else {
        (line, lineWidth) = (candidate, candidateWidth)
      }
      lineHasWord = lineHasWord || !word.isEmpty || line != indent
      if line == indent { lineHasWord = false }
    }
    if !line.trimmingTrailingSpaces().isEmpty { lines.append(line.trimmingTrailingSpaces()) }
    return lines
  }

  /// `text` split at every space, empty pieces kept.
  ///
  /// Text whose scalars all come before U+0300 (no UTF-8 byte from 0xCC up) holds no
  /// combining mark or other scalar that could join a space into a larger character, so its
  /// bytes are split directly, without finding its characters' boundaries first.
  private static func words(_ text: String) -> [Substring] {
    guard text.utf8.allSatisfy({ $0 < 0xCC }) else {
      return text.split(separator: " ", omittingEmptySubsequences: false)
    }
    return text.utf8.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
      .map { Substring($0) }
  }

  /// The units ``keepingUnits(_:)`` glues to the number before them.
  private static let units: Set<Substring> = ["k", "M", "G", "B", "KiB", "MiB", "GiB"]
  /// The first bytes of ``units``.
  private static let unitStarts = Set(units.compactMap(\.utf8.first))

  /// Glues a unit to its number ("5.5" "KiB" → "5.5 KiB") so a wrap never splits them.
  private static func keepingUnits(_ words: [Substring]) -> [Substring] {
    var out: [Substring] = []
    for word in words {
      // Every unit starts with one of these: most words need no look at their letters.
      guard let first = word.utf8.first, unitStarts.contains(first) else {
        out.append(word)
        continue
      }
      let bare = word.prefix { $0.isLetter }
      if let last = out.last, !last.isEmpty, units.contains(bare), bare.count >= word.count - 2,
        last.last?.isNumber == true
      {
        out[out.count - 1] = Substring(last + " " + word)
      } else {
        out.append(word)
      }
    }
    return out
  }

  /// Two blocks of lines side by side: each line of `left` padded to `leftWidth`
  /// columns, `gap` spaces, then the line of `right`; the shorter block goes on
  /// with blank lines. Trailing spaces are trimmed.
  static func sideBySide(_ left: [String], _ right: [String], leftWidth: Int, gap: Int)
    -> [String]
  {
    (0..<max(left.count, right.count)).map { index in
      let a = index < left.count ? left[index] : ""
      let b = index < right.count ? right[index] : ""
      return (padRight(a, leftWidth + gap) + b).trimmingTrailingSpaces()
    }
  }

  /// Free text made safe for the style: with `unicode == false`, every non-ASCII
  /// scalar becomes `<U+XXXX>`.
  static func display(_ text: String, unicode: Bool) -> String {
    let text = TerminalText.escaped(text)
    guard !unicode else { return text }
    var out = ""
    for scalar in text.unicodeScalars {
      if scalar.isASCII {
        out.unicodeScalars.append(scalar)
      } else {
        out += "<U+" + hex(scalar.value, 4) + ">"
      }
    }
    return out
  }

  /// `value` with `digits` decimals, rounded half away from zero.
  static func fixed(_ value: Double, _ digits: Int) -> String {
    guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    guard abs(value) * scale < 0x1p62 else { return "out of range" }  // a file's huge number
    let scaled = Int64((abs(value) * scale).rounded())
    let sign = value < 0 && scaled != 0 ? "-" : ""
    let whole = scaled / Int64(scale)
    guard digits > 0 else { return "\(sign)\(whole)" }
    let fraction = String(scaled % Int64(scale))
    return "\(sign)\(whole)." + String(repeating: "0", count: digits - fraction.count) + fraction
  }

  /// `a + b`, or `Int.max` where the sum would overflow (counts a file may make huge).
  static func sum(_ a: Int, _ b: Int) -> Int {
    let (total, overflow) = a.addingReportingOverflow(b)
    return overflow ? Int.max : total
  }

  /// A count with a metric suffix: `950`, `484.5 k`, `1.25 M`, `3.10 G`.
  static func metric(_ value: Int) -> String {
    let v = Double(value)
    if v < 1_000 { return "\(value)" }
    if v < 1_000_000 { return fixed(v / 1_000, 1) + " k" }
    if v < 1_000_000_000 { return fixed(v / 1_000_000, 2) + " M" }
    return fixed(v / 1_000_000_000, 2) + " G"
  }

  /// A byte count in binary units: `512 B`, `5.0 KiB`, `1.50 MiB`.
  static func bytes(_ value: Int) -> String {
    let v = Double(value)
    if v < 1024 { return "\(value) B" }
    if v < 1024 * 1024 { return fixed(v / 1024, 1) + " KiB" }
    return fixed(v / (1024 * 1024), 2) + " MiB"
  }

  /// A short on-screen label for a token's text: no leading space, visible
  /// whitespace, and with `unicode == false` pure ASCII.
  static func label(_ text: String, unicode: Bool) -> String {
    var body = Substring(text)
    if body.count > 1, body.first == " " { body = body.dropFirst() }
    var out = ""
    for scalar in body.unicodeScalars {
      switch scalar {
      case " ": out += unicode ? "␣" : "_"
      case "\n": out += unicode ? "↵" : "\\n"
      case "\t": out += unicode ? "⇥" : "\\t"
      case _ where TerminalText.isControl(scalar): out += TerminalText.name(of: scalar)
      case _ where !unicode && !scalar.isASCII:
        out += "<U+" + hex(scalar.value, 4) + ">"
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out.isEmpty ? (unicode ? "∅" : "<empty>") : out
  }

  /// The text quoted for a sentence: `'quick'`.
  static func quoted(_ text: String, unicode: Bool) -> String {
    "'" + label(text, unicode: unicode) + "'"
  }

  private static func hex(_ value: UInt32, _ digits: Int) -> String {
    let text = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, digits - text.count)) + text
  }
}
