// Drawing captured terminal output as an SVG image, for the tutorials' figures.

import Foundation
import Testing

/// A terminal's text as an SVG: one `<text>` per line in a monospace font, black on white.
///
/// The tutorials' images are drawn from real kvtrace output this way, then converted to
/// PNG by Tutorials/make-images.sh (rsvg-convert). The SVG is the checked source.
enum TerminalSVG {
  static let fontSize = 13.0
  static let lineHeight = 16.0
  static let characterWidth = 7.83  // DejaVu Sans Mono: 0.602 em
  static let margin = 10.0

  static func render(_ text: String) -> String {
    var lines = text.components(separatedBy: "\n")
    if lines.last == "" { lines.removeLast() }
    let columns = lines.map(\.count).max() ?? 0
    let width = Int((Double(columns) * characterWidth + 2 * margin).rounded(.up))
    let height = Int((Double(lines.count) * lineHeight + 2 * margin).rounded(.up))
    var svg = """
      <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" \
      viewBox="0 0 \(width) \(height)">
      <rect width="100%" height="100%" fill="#ffffff"/>
      <g font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="\(Int(fontSize))" \
      fill="#1d1d1f" xml:space="preserve">

      """
    for (index, line) in lines.enumerated() where !line.isEmpty {
      let y = margin + Double(index) * lineHeight + fontSize
      svg += "<text x=\"\(Int(margin))\" y=\"\(Int(y))\">\(escape(line))</text>\n"
    }
    svg += "</g>\n</svg>\n"
    return svg
  }

  static func escape(_ line: String) -> String {
    line.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
      .replacingOccurrences(of: ">", with: "&gt;")
  }
}
