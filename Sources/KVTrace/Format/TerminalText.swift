/// The one gate between outside text and a terminal.
///
/// Text that comes from a file or a tokenizer (token text, the prompt, the header's
/// `weights`, a policy's name and summary, a field name the decoder did not expect) may hold
/// control characters, and a terminal obeys them: ESC starts the sequences that move the
/// cursor, set the window title or clear the screen, BEL rings the bell, BS and CR overwrite
/// what is already shown, and U+009B is a whole CSI in one character. So every renderer, and
/// every error message that quotes a file, shows such text only through ``escaped(_:)``.
///
/// The style is one for all: a control character becomes its code in angle brackets, `<0x1B>`
/// for C0 (U+0000…U+001F) and DEL (U+007F), as byte tokens are named, and `<U+009B>` for C1
/// (U+0080…U+009F), as the ASCII style names any non-ASCII character. Nothing else changes,
/// so text without control characters is shown as it is. JSON keeps the exact text (its
/// writer escapes C0, DEL and C1 as `\u001b`, `\u009b`, which a terminal shows as text).
public enum TerminalText {
  /// Whether a terminal may treat `scalar` as a command: C0, DEL or C1.
  public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
  }

  /// `text` with every control character written as its code: `"a\u{1B}[2J"` becomes
  /// `"a<0x1B>[2J"`, `"\u{9B}"` becomes `"<U+009B>"`.
  public static func escaped(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: isControl) else { return text }
    var out = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      if isControl(scalar) {
        out.append(contentsOf: name(of: scalar).unicodeScalars)
      } else {
        out.append(scalar)
      }
    }
    return String(out)
  }

  /// The visible name of a control character: `<0x1B>` (C0, DEL) or `<U+009B>` (C1).
  public static func name(of scalar: Unicode.Scalar) -> String {
    let digits = String(scalar.value, radix: 16, uppercase: true)
    let width = scalar.value < 0x80 ? 2 : 4
    let padded = String(repeating: "0", count: max(0, width - digits.count)) + digits
    return scalar.value < 0x80 ? "<0x\(padded)>" : "<U+\(padded)>"
  }
}
