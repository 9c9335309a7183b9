/// The colors an ``SVGFrame`` paints a terminal's text with: a dark terminal's.
///
/// The 16 basic colors are a common dark theme's, chosen to read on the dark
/// background (and on a projector); the 256-color palette is xterm's (16 basic,
/// the 6×6×6 cube, 24 grays); 24-bit colors are used as they are.
struct SVGPalette {
  /// The page behind the text.
  var background: String
  /// Text without a color of its own.
  var foreground: String
  /// The 16 basic colors, 0–7 then their bright forms.
  var basic: [String]

  /// A dark terminal.
  static let dark = SVGPalette(
    background: "#1e1e1e", foreground: "#d4d4d4",
    basic: [
      "#000000", "#cd3131", "#0dbc79", "#e5e510", "#2472c8", "#bc3fbc", "#11a8cd", "#e5e5e5",
      "#666666", "#f14c4c", "#23d18b", "#f5f543", "#3b8eea", "#d670d6", "#29b8db", "#ffffff",
    ])

  /// `color` as `#rrggbb`, or `nil` for the default foreground.
  func color(_ color: SGRColor?) -> String? {
    switch color {
    case nil: return nil
    case .basic(let index): return basic[min(max(0, index), basic.count - 1)]
    case .indexed(let index): return indexed(min(max(0, index), 255))
    case .rgb(let r, let g, let b): return Self.hex(r, g, b)
    }
  }

  /// A color of the 256-color palette.
  private func indexed(_ index: Int) -> String {
    if index < 16 { return basic[index] }
    if index >= 232 {
      let gray = 8 + 10 * (index - 232)
      return Self.hex(gray, gray, gray)
    }
    let levels = [0, 95, 135, 175, 215, 255]
    let cube = index - 16
    return Self.hex(levels[cube / 36], levels[(cube / 6) % 6], levels[cube % 6])
  }

  /// `#rrggbb` of three channels, each clamped to 0–255.
  static func hex(_ r: Int, _ g: Int, _ b: Int) -> String {
    let digits = Array("0123456789abcdef")
    var out = "#"
    for channel in [r, g, b] {
      let value = min(max(0, channel), 255)
      out.append(digits[value / 16])
      out.append(digits[value % 16])
    }
    return out
  }
}
