/// Turns frames into the bytes that draw them: cursor moves, line erases, text.
///
/// The painter remembers the last frame and repaints only the lines that
/// changed, so stepping redraws the few lines that moved and the screen does not
/// flicker. After a resize everything is cleared and drawn again. Each line is
/// addressed by its row (`ESC [ row ; 1 H`), erased whole (`ESC [ 2 K`) and then
/// written, so no line depends on where the previous one left the cursor.
struct ScreenPainter: Sendable {
  /// Switches to the alternate screen, hides the cursor, turns off line wrap, clears.
  static let enter = "\u{1B}[?1049h\u{1B}[?25l\u{1B}[?7l\u{1B}[2J"
  /// Undoes ``enter``: colors off, wrap back on, the main screen back, the cursor shown.
  static let leave = "\u{1B}[0m\u{1B}[?7h\u{1B}[?1049l\u{1B}[?25h"

  private var shown: [String] = []

  /// The bytes that turn the screen into `lines`.
  ///
  /// - Parameters:
  ///   - lines: The frame, a line per row from the top.
  ///   - clear: Whether to clear the screen and draw every line (after a resize).
  mutating func paint(_ lines: [String], clear: Bool = false) -> String {
    var out = clear ? "\u{1B}[0m\u{1B}[2J" : ""
    for (index, line) in lines.enumerated()
    where clear || index >= shown.count || shown[index] != line {
      out += "\u{1B}[\(index + 1);1H\u{1B}[0m\u{1B}[2K" + line
    }
    shown = lines
    return out
  }
}
