/// A key press, as the walk-through understands it.
///
/// A terminal in raw mode sends bytes, not keys: `q` is one byte, ← is the three
/// bytes `ESC [ D`, and Ctrl-C is the byte 3 (raw mode turns off the signal it
/// would otherwise send). The command line's key decoder turns the bytes back into keys.
public enum Key: Equatable, Sendable {
  /// The arrow keys.
  case up, down, left, right
  /// Home and End.
  case home, end
  /// Page Up and Page Down.
  case pageUp, pageDown
  /// Tab; Shift-Tab is `backTab`.
  case tab, backTab
  /// Return.
  case enter
  /// Esc on its own, not the start of a sequence.
  case escape
  /// Ctrl-C (byte 3).
  case interrupt
  /// A printable character.
  case character(Character)
}
