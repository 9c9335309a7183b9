/// The pre-tokenizers' regular expressions, alternative by alternative, over an array of
/// scalars.
///
/// Each method returns where the expression's match starting at `start` ends, trying the
/// alternatives in the expression's order, as a backtracking regex engine does. `end` is
/// where the text ends for the expression (`$` and `(?!\S)` succeed there).
struct PatternMatcher {
  let text: [Unicode.Scalar]
  let end: Int

  /// `\p{L}`: a letter of any script (general categories Lu, Ll, Lt, Lm, Lo).
  static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.properties.generalCategory {
    case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
      true
    default: false
    }
  }

  /// `\p{N}`: a number (Nd, Nl, No): `7`, `٣`, `Ⅻ`, `½`.
  static func isNumber(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.properties.generalCategory {
    case .decimalNumber, .letterNumber, .otherNumber: true
    default: false
    }
  }

  /// `\s`: Unicode white space (space, tab, newlines, no-break space, ideographic space…).
  static func isSpace(_ scalar: Unicode.Scalar) -> Bool { scalar.properties.isWhitespace }

  /// `[^\s\p{L}\p{N}]`: punctuation, symbols, emoji, marks, controls.
  static func isOther(_ scalar: Unicode.Scalar) -> Bool {
    !isSpace(scalar) && !isLetter(scalar) && !isNumber(scalar)
  }

  static func isNewline(_ scalar: Unicode.Scalar) -> Bool { scalar == "\r" || scalar == "\n" }

  /// GPT-2: `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`.
  func gpt2(at start: Int) -> Int {
    if let end = contraction(at: start, ignoringCase: false) { return end }
    for isMember in [Self.isLetter, Self.isNumber, Self.isOther] {
      if let end = run(at: start, optionalSpace: true, of: isMember) { return end }
    }
    return spaces(at: start)
  }

  /// Llama 3 (`digitGroup` 3) and Qwen2 (1): `(?i:'s|'t|'re|'ve|'m|'ll|'d)|`
  /// `[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`.
  func llama3(at start: Int, digitGroup: Int) -> Int {
    if let end = contraction(at: start, ignoringCase: true) { return end }
    // [^\r\n\p{L}\p{N}]?\p{L}+
    let first = text[start]
    if !Self.isNewline(first) && !Self.isLetter(first) && !Self.isNumber(first),
      let end = run(at: start + 1, optionalSpace: false, of: Self.isLetter)
    {
      return end
    }
    if let end = run(at: start, optionalSpace: false, of: Self.isLetter) { return end }
    // \p{N}{1,n}
    if Self.isNumber(first) {
      var end = start + 1
      while end < self.end && end - start < digitGroup && Self.isNumber(text[end]) { end += 1 }
      return end
    }
    // ?[^\s\p{L}\p{N}]+[\r\n]*
    if var end = run(at: start, optionalSpace: true, of: Self.isOther) {
      while end < self.end && Self.isNewline(text[end]) { end += 1 }
      return end
    }
    // \s*[\r\n]+: the white space up to and including its last newline.
    let runEnd = spaceRunEnd(from: start)
    if let last = text[start..<runEnd].lastIndex(where: Self.isNewline) { return last + 1 }
    return spaces(at: start)
  }

  /// `'s|'t|'re|'ve|'m|'ll|'d`, optionally in either case.
  private func contraction(at start: Int, ignoringCase: Bool) -> Int? {
    guard text[start] == "'", start + 1 < end else { return nil }
    func letter(_ offset: Int) -> Character? {
      guard start + offset < end else { return nil }
      let scalar = text[start + offset]
      let character = Character(scalar)
      return ignoringCase && scalar.isASCII ? Character(character.lowercased()) : character
    }
    switch letter(1) {
    case "s", "t", "m", "d": return start + 2
    case "r", "v": return letter(2) == "e" ? start + 3 : nil
    case "l": return letter(2) == "l" ? start + 3 : nil
    default: return nil
    }
  }

  /// ` ?X+`: an optional space (U+0020 only), then at least one scalar with `isMember`.
  private func run(at start: Int, optionalSpace: Bool, of isMember: (Unicode.Scalar) -> Bool)
    -> Int?
  {
    var index = start
    if optionalSpace && index < end && text[index] == " " && index + 1 < end
      && isMember(text[index + 1])
    {
      index += 1
    }
    guard index < end, isMember(text[index]) else { return nil }
    while index < end && isMember(text[index]) { index += 1 }
    return index
  }

  /// Where the run of white space starting at `start` ends.
  private func spaceRunEnd(from start: Int) -> Int {
    var index = start
    while index < end && Self.isSpace(text[index]) { index += 1 }
    return index
  }

  /// `\s+(?!\S)|\s+`: a run of white space, less its last scalar when a non-space follows
  /// (that space goes with the next word), or one scalar of anything the other
  /// alternatives missed.
  private func spaces(at start: Int) -> Int {
    let runEnd = spaceRunEnd(from: start)
    if runEnd == start { return start + 1 }
    if runEnd == end || runEnd - start == 1 { return runEnd }
    return runEnd - 1
  }
}
