import KVTrace

/// The characters a renderer draws with; `--ascii` swaps in a pure-ASCII set.
///
/// Fresh, reused and not-cached rows differ by glyph as well as by color, so the
/// picture survives a black-and-white terminal and a text file.
struct Glyphs: Sendable {
  var fresh: String
  var reused: String
  var notCached: String
  var evicted: String  // left the cache at this step
  var pinned: String  // a sink: held, never evicted
  var rule: String
  var ellipsis: String
  var arrow: String
  var times: String
  var eighths: [String]  // partial bar blocks, 1/8 to 8/8
  var check: String
  var cross: String
  var differs: String  // an approximate policy's expected difference: neither ✓ nor ✗
  var shades: [String]  // heat, faint to full: a level shows without color
  var cut: String  // marks text or columns cut off on the right
  var keys: KeyGlyphs
  var score: String  // the raw attention score's formula

  static let unicode = Glyphs(
    fresh: "■", reused: "□", notCached: "·", evicted: "×", pinned: "◆", rule: "━", ellipsis: "⋮",
    arrow: "→", times: "×",
    eighths: ["▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"], check: "✓", cross: "✗", differs: "≈",
    shades: ["░", "▒", "▓", "█"], cut: "…",
    keys: KeyGlyphs(right: "→", left: "←", upDown: "↑↓", up: "↑", down: "↓"),
    score: "q·k/√d")

  static let ascii = Glyphs(
    fresh: "#", reused: "o", notCached: ".", evicted: "-", pinned: "*", rule: "=", ellipsis: ":",
    arrow: "->", times: "x",
    eighths: ["", "", "", "#", "#", "#", "#", "#"], check: "ok", cross: "FAIL", differs: "~",
    shades: [":", "=", "%", "@"], cut: "~",
    keys: KeyGlyphs(right: "right", left: "left", upDown: "up/down", up: "up", down: "down"),
    score: "q.k/sqrt(d)")

  func mark(_ source: RowSource) -> String {
    switch source {
    case .fresh: fresh
    case .reused: reused
    case .notCached: notCached
    case .evicted: evicted
    }
  }
}

/// How the arrow keys are named on screen.
struct KeyGlyphs: Sendable {
  var right: String
  var left: String
  var upDown: String
  var up: String
  var down: String
}

/// ANSI SGR colors, applied only when the style allows color.
enum Paint {
  case fresh, reused, notCached, evicted, pinned, bar, dim, bold, ok, bad, inverse

  private var code: String {
    switch self {
    case .fresh: "32"  // green
    case .reused: "36"  // cyan
    case .notCached: "2"  // faint
    case .evicted: "31"  // red
    case .pinned: "35"  // magenta
    case .bar: "33"  // yellow
    case .dim: "2"
    case .bold: "1"
    case .ok: "32;1"
    case .bad: "31;1"
    case .inverse: "7"
    }
  }

  /// `text` wrapped in this color when `mode` allows color.
  func apply(_ text: String, _ mode: ColorMode) -> String {
    guard mode != .none, !text.isEmpty else { return text }
    return "\u{1B}[\(code)m\(text)\u{1B}[0m"
  }

  static func forSource(_ source: RowSource) -> Paint {
    switch source {
    case .fresh: .fresh
    case .reused: .reused
    case .notCached: .notCached
    case .evicted: .evicted
    }
  }
}
