import KVTrace

/// The cells of a heatmap: a level between 0 and 1 drawn as a shade, colored
/// when the terminal allows.
///
/// The shade glyph (`░ ▒ ▓ █`, or `: = % @` in ASCII) carries the level on its
/// own, so the heatmap reads in a black-and-white terminal and in a file. Color
/// adds finer steps: 4 with 16 colors, the 6×6×6 cube with 256 colors, and a
/// continuous ramp with truecolor, all from dim blue through teal to yellow.
enum HeatPalette {
  /// The ramp's anchors, at levels 0, 0.5 and 1.
  static let anchors: [(red: Double, green: Double, blue: Double)] = [
    (40, 60, 160), (40, 180, 170), (250, 230, 50),
  ]
  /// The 16-color codes for the four shades.
  static let basic = ["34", "36", "32", "93"]

  /// A cell `width` columns wide showing `level` (clamped to 0...1).
  static func cell(_ level: Double, width: Int, style: RenderStyle) -> String {
    let level = level.isFinite ? min(1, max(0, level)) : 0
    let shades = style.glyphs.shades
    let index = min(shades.count - 1, Int(level * Double(shades.count)))
    let text = String(repeating: shades[index], count: max(0, width))
    guard let code = code(level, shade: index, mode: style.color) else { return text }
    return "\u{1B}[\(code)m\(text)\u{1B}[0m"
  }

  /// The SGR foreground code for `level`, or `nil` without color.
  static func code(_ level: Double, shade: Int, mode: ColorMode) -> String? {
    switch mode {
    case .none: return nil
    case .ansi16: return basic[min(basic.count - 1, shade)]
    case .ansi256:
      let (r, g, b) = rgb(level)
      return "38;5;\(16 + 36 * cubeStep(r) + 6 * cubeStep(g) + cubeStep(b))"
    case .truecolor:
      let (r, g, b) = rgb(level)
      return "38;2;\(r);\(g);\(b)"
    }
  }

  /// The ramp's color at `level`, interpolated between the anchors.
  static func rgb(_ level: Double) -> (Int, Int, Int) {
    let scaled = level * Double(anchors.count - 1)
    let lower = min(anchors.count - 2, Int(scaled))
    let t = scaled - Double(lower)
    let (a, b) = (anchors[lower], anchors[lower + 1])
    func mix(_ x: Double, _ y: Double) -> Int { Int((x + (y - x) * t).rounded()) }
    return (mix(a.red, b.red), mix(a.green, b.green), mix(a.blue, b.blue))
  }

  /// The nearest of the 256-color cube's six levels (0, 95, 135, 175, 215, 255).
  static func cubeStep(_ value: Int) -> Int {
    let levels = [0, 95, 135, 175, 215, 255]
    var best = 0
    for (index, level) in levels.enumerated() where abs(level - value) < abs(levels[best] - value) {
      best = index
    }
    return best
  }
}
