/// A run of a terminal line's text in one look, read from its color escapes.
///
/// The renderers color text with ANSI SGR escapes (`ESC [ 32 m` … `ESC [ 0 m`).
/// ``runs(of:)`` reads a line as a terminal does: each escape changes the current
/// attributes, `0` resets them, and the text between escapes is a run drawn with
/// the attributes current at its start. Each run knows the column it starts at,
/// counted as ``TextLayout/width(_:)`` counts them.
struct SGRRun: Equatable {
  /// How a run looks.
  struct Attributes: Equatable {
    /// The foreground color, `nil` for the terminal's default.
    var foreground: SGRColor? = nil
    var bold = false
    var faint = false
    var inverse = false
  }

  /// The column the run starts at.
  var column: Int
  /// How many columns it covers.
  var width: Int
  /// Its text, without escapes.
  var text: String
  /// How it looks.
  var attributes: Attributes

  /// The runs of `line`, in order; a line without text has none.
  static func runs(of line: String) -> [SGRRun] {
    var runs: [SGRRun] = []
    var current = Attributes()
    var text = String.UnicodeScalarView()
    var column = 0
    var start = 0
    var scalars = line.unicodeScalars.makeIterator()
    func close() {
      if !text.isEmpty {
        runs.append(
          SGRRun(column: start, width: column - start, text: String(text), attributes: current))
      }
      text = String.UnicodeScalarView()
      start = column
    }
    while let scalar = scalars.next() {
      guard scalar == "\u{1B}" else {
        text.append(scalar)
        if scalar.properties.generalCategory != .nonspacingMark { column += 1 }
        continue
      }
      // An escape: `[`, parameters, a final byte. Only `m` (SGR) changes the look.
      var parameters = ""
      var final: Unicode.Scalar? = nil
      if let open = scalars.next(), open == "[" {
        while let next = scalars.next() {
          if (0x40...0x7E).contains(next.value) {
            final = next
            break
          }
          parameters.unicodeScalars.append(next)
        }
      }
      guard final == "m" else { continue }
      close()
      current = apply(parameters, to: current)
    }
    close()
    return runs
  }

  /// `attributes` after the SGR parameters `parameters` (`"0"`, `"32;1"`, `"38;2;40;60;160"`).
  static func apply(_ parameters: String, to attributes: Attributes) -> Attributes {
    var a = attributes
    let codes = parameters.split(separator: ";", omittingEmptySubsequences: false).map {
      Int($0) ?? 0
    }
    var index = 0
    while index < codes.count {
      let code = codes[index]
      switch code {
      case 0: a = Attributes()
      case 1: a.bold = true
      case 2: a.faint = true
      case 7: a.inverse = true
      case 22: (a.bold, a.faint) = (false, false)
      case 27: a.inverse = false
      case 30...37: a.foreground = .basic(code - 30)
      case 39: a.foreground = nil
      case 90...97: a.foreground = .basic(code - 90 + 8)
      case 38 where index + 2 < codes.count && codes[index + 1] == 5:
        a.foreground = .indexed(codes[index + 2])
        index += 2
      case 38 where index + 4 < codes.count && codes[index + 1] == 2:
        a.foreground = .rgb(codes[index + 2], codes[index + 3], codes[index + 4])
        index += 4
      default: break
      }
      index += 1
    }
    return a
  }
}

/// A terminal foreground color, as an SGR escape names it.
enum SGRColor: Equatable {
  /// One of the 16 basic colors: 0–7, and 8–15 for their bright forms.
  case basic(Int)
  /// One of the 256-color palette's.
  case indexed(Int)
  /// 24-bit color.
  case rgb(Int, Int, Int)
}
