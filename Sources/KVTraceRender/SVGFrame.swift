import KVTrace

/// One screen of `kvtrace step` as an SVG image with real text: a slide, a figure.
///
/// The frame is the terminal's own: ``InteractiveFrame`` draws the lines for a step
/// and a screen size, color escapes included, exactly as the walk-through paints
/// them. This type only moves those lines onto an SVG canvas of the same size, a
/// character cell per column and a text line per row:
///
/// - every row is one `<text>` element (an empty one for a blank row), so the
///   image's text, read line by line, is the frame's text; it can be selected,
///   searched and read aloud, and stays sharp at any zoom;
/// - a run of characters in one color is a `<tspan>` placed at its column, its
///   color a `fill`; bold is `font-weight`, faint is `fill-opacity`, and inverse
///   text (the status bar) gets a background rectangle in its foreground color;
/// - text is XML-escaped, and no control character reaches the file: the frame's
///   texts are already escaped for the terminal, and any other control character
///   left after the color escapes are read becomes `�`.
///
/// The colors are a dark terminal's: a common dark theme's 16 basic colors, xterm's
/// 256-color palette, 24-bit colors as they are. With ``ColorMode/none`` the image is
/// that terminal's text without color, meaning carried by glyphs alone.
public enum SVGFrame {
  /// The font size, in pixels.
  static let fontSize = 14.0
  /// The height of a row.
  static let lineHeight = 17.0
  /// The width of a character cell: DejaVu Sans Mono's advance, 0.602 em.
  static let cellWidth = 8.43
  /// The space around the frame.
  static let margin = 12.0

  /// The SVG of the walk-through's screen at `state`, `size.columns` cells by `size.rows`
  /// lines, drawn as `kvtrace step` draws it in `style`.
  ///
  /// - Parameters:
  ///   - frame: The trace's frames (with the runs without a cache, if any).
  ///   - state: The step, focus and view; values out of range are clamped, as on a terminal.
  ///   - size: The screen.
  ///   - style: Glyphs and colors; its width is replaced by `size.columns`.
  /// - Returns: A complete SVG document, UTF-8 text.
  public static func render(
    _ frame: InteractiveFrame, state: InteractiveState, size: FrameSize, style: RenderStyle
  ) -> String {
    document(frame.lines(state, size: size, style: style), size: size)
  }

  /// The SVG of terminal `lines` (color escapes included) on a screen of `size`.
  static func document(_ lines: [String], size: FrameSize) -> String {
    let width = Int((Double(size.columns) * cellWidth + 2 * margin).rounded(.up))
    let height = Int((Double(size.rows) * lineHeight + 2 * margin).rounded(.up))
    let palette = SVGPalette.dark
    var svg = """
      <?xml version="1.0" encoding="UTF-8"?>
      <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" \
      viewBox="0 0 \(width) \(height)" xml:space="preserve">
      <style>text { white-space: pre; }</style>
      <rect width="100%" height="100%" fill="\(palette.background)"/>
      <g font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="\(format(fontSize))" \
      fill="\(palette.foreground)">

      """
    for (row, line) in lines.enumerated() {
      svg += self.line(line, row: row, palette: palette)
    }
    svg += "</g>\n</svg>\n"
    return svg
  }

  /// One row: its inverse runs' backgrounds, then a `<text>` of its runs.
  private static func line(_ line: String, row: Int, palette: SVGPalette) -> String {
    let top = margin + Double(row) * lineHeight
    let baseline = top + fontSize
    let runs = SGRRun.runs(of: line)
    var out = ""
    for run in runs where run.attributes.inverse {
      let color = palette.color(run.attributes.foreground) ?? palette.foreground
      out +=
        "<rect x=\"\(format(x(run.column)))\" y=\"\(format(top + 1))\" "
        + "width=\"\(format(Double(run.width) * cellWidth))\" height=\"\(format(lineHeight))\" "
        + "fill=\"\(color)\"/>\n"
    }
    out += "<text x=\"\(format(margin))\" y=\"\(format(baseline))\">"
    for run in runs {
      out += "<tspan x=\"\(format(x(run.column)))\"\(attributes(run.attributes, palette))>"
      out += escaped(run.text) + "</tspan>"
    }
    return out + "</text>\n"
  }

  /// The x of a column's left edge.
  private static func x(_ column: Int) -> Double { margin + Double(column) * cellWidth }

  /// A run's `fill`, `font-weight` and `fill-opacity`, each only when it differs from the text's.
  private static func attributes(_ a: SGRRun.Attributes, _ palette: SVGPalette) -> String {
    var out = ""
    let color = palette.color(a.foreground)
    if a.inverse {
      out += " fill=\"\(palette.background)\""
    } else if let color {
      out += " fill=\"\(color)\""
    }
    if a.bold { out += " font-weight=\"bold\"" }
    if a.faint { out += " fill-opacity=\"0.6\"" }
    return out
  }

  /// `text` safe as XML character data: `&`, `<` and `>` escaped, and every character
  /// XML 1.0 does not allow (controls, U+FFFE, U+FFFF) written as `�`.
  static func escaped(_ text: String) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      default:
        if TerminalText.isControl(scalar) || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
          out += "\u{FFFD}"
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out
  }

  /// A coordinate with at most two decimals, the same text on every platform.
  static func format(_ value: Double) -> String {
    let hundredths = Int((value * 100).rounded())
    let whole = hundredths / 100
    let fraction = abs(hundredths % 100)
    if fraction == 0 { return String(whole) }
    if fraction % 10 == 0 { return "\(whole).\(fraction / 10)" }
    return "\(whole)." + (fraction < 10 ? "0" : "") + String(fraction)
  }
}
