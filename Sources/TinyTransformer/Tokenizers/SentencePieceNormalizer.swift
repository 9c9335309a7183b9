/// SentencePiece's normalizer: the precompiled map, then the whitespace rules.
///
/// Text is read one *prefix* at a time: a user-defined piece is kept as is; otherwise the
/// longest key of the precompiled map that starts here is replaced by its normalized string
/// (NFKC's "ﬁ" → "fi"); otherwise one character is kept unchanged. Around that loop come the
/// whitespace rules of the `NormalizerSpec`: leading, trailing and repeated spaces dropped
/// (`remove_extra_whitespaces`), one space put before the text (`add_dummy_prefix`, so the
/// first word is `▁The` like any later one), and every space written as `▁`, U+2581
/// (`escape_whitespaces`), so that a piece carries its own word boundary.
struct SentencePieceNormalizer: Sendable, Equatable {
  let charsmap: PrecompiledCharsmap?
  let spec: SentencePieceModelFile.Normalization
  let treatWhitespaceAsSuffix: Bool
  /// The user-defined pieces, which are matched before the map and never normalized.
  let userDefined: Set<[UInt8]>
  let longestUserDefined: Int

  /// `▁` in UTF-8.
  static let spaceSymbol: [UInt8] = [0xE2, 0x96, 0x81]

  init(
    spec: SentencePieceModelFile.Normalization, treatWhitespaceAsSuffix: Bool,
    userDefined: Set<[UInt8]>
  ) throws(TokenizerFileProblem) {
    charsmap = spec.charsmap.isEmpty ? nil : try PrecompiledCharsmap(spec.charsmap)
    self.spec = spec
    self.treatWhitespaceAsSuffix = treatWhitespaceAsSuffix
    self.userDefined = userDefined
    longestUserDefined = userDefined.map(\.count).max() ?? 0
  }

  /// The normalized UTF-8 bytes of `text`, ready for segmentation.
  func normalize(_ text: String) -> [UInt8] {
    let input = Array(text.utf8)
    var index = 0
    if spec.removeExtraWhitespaces {
      while index < input.count {
        let (replacement, consumed) = prefix(input, at: index)
        guard replacement.elementsEqual([0x20]) else { break }
        index += consumed
      }
    }
    guard index < input.count else { return [] }
    let space = spec.escapeWhitespaces ? Self.spaceSymbol : [0x20]
    var output: [UInt8] = []
    output.reserveCapacity(input.count * 3 / 2)
    if !treatWhitespaceAsSuffix && spec.addDummyPrefix { output += space }
    var isPreviousSpace = spec.removeExtraWhitespaces
    while index < input.count {
      var (replacement, consumed) = prefix(input, at: index)
      while isPreviousSpace && replacement.first == 0x20 { replacement = replacement.dropFirst() }
      if !replacement.isEmpty {
        for byte in replacement {
          if byte == 0x20 { output += space } else { output.append(byte) }
        }
        isPreviousSpace = replacement.last == 0x20
      }
      index += consumed
      if !spec.removeExtraWhitespaces { isPreviousSpace = false }
    }
    if spec.removeExtraWhitespaces {
      while output.count >= space.count && output.suffix(space.count).elementsEqual(space) {
        output.removeLast(space.count)
      }
    }
    if treatWhitespaceAsSuffix && spec.addDummyPrefix { output += space }
    return output
  }

  /// What the prefix of `input` at `index` normalizes to, and how many bytes it consumes.
  func prefix(_ input: [UInt8], at index: Int) -> (ArraySlice<UInt8>, Int) {
    if longestUserDefined > 0 {
      let limit = min(longestUserDefined, input.count - index)
      for length in stride(from: limit, through: 1, by: -1)
      where userDefined.contains(Array(input[index..<(index + length)])) {
        return (input[index..<(index + length)], length)
      }
    }
    if let charsmap {
      var longest: (Int, Range<Int>)?
      charsmap.forEachPrefix(of: input, from: index) { length, replacement in
        if length > longest?.0 ?? 0 { longest = (length, replacement) }
      }
      if let (length, replacement) = longest { return (charsmap.pool[replacement], length) }
    }
    let length = min(Self.characterLength(input[index]), input.count - index)
    return (input[index..<(index + length)], length)
  }

  /// The byte length of the UTF-8 character that starts with `lead`, as sentencepiece's
  /// `OneCharLen` reads it from the top four bits.
  static func characterLength(_ lead: UInt8) -> Int {
    switch lead >> 4 {
    case 0xC, 0xD: 2
    case 0xE: 3
    case 0xF: 4
    default: 1
    }
  }
}
