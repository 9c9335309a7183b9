// The normalizer and pre-tokenizer steps of a tokenizer.json, as `tokenizers` runs them.

import Foundation

extension HuggingFacePipeline {
  /// `text` after every normalizer step, in order.
  func normalize(_ text: String) -> String {
    normalizers.reduce(text) { text, step in
      switch step {
      case .precompiled(let charsmap): Self.precompiled(text, charsmap)
      case .replace(let pattern, let minimumRun, let content):
        Self.replace(text, pattern, minimumRun: minimumRun, with: content)
      case .strip(let left, let right): Self.strip(text, left: left, right: right)
      }
    }
  }

  /// The words of normalized text after every pre-tokenizer step; `isFirst` says whether
  /// this text starts the input (for Metaspace's "first" prepend scheme).
  func preTokenize(_ text: String, isFirst: Bool) -> [String] {
    var words = text.isEmpty ? [] : [text]
    for step in preTokenizers {
      switch step {
      case .whitespaceSplit:
        words = words.flatMap { word in
          word.unicodeScalars.split(whereSeparator: \.properties.isWhitespace).map(String.init)
        }
      case .metaspace(let replacement, let prepend, let split):
        words = words.enumerated().flatMap { index, word in
          Self.metaspace(
            word, replacement: replacement,
            prepends: prepend == "always" || (prepend == "first" && isFirst && index == 0),
            split: split)
        }
      }
    }
    return words
  }

  /// `tokenizers`' Precompiled normalizer: a grapheme shorter than 6 bytes that starts with a
  /// key of the map is replaced whole by that key's string (the shortest key found first);
  /// otherwise each scalar is replaced by its own key's string, or kept. This differs from
  /// sentencepiece, which replaces the longest key wherever it starts.
  static func precompiled(_ text: String, _ charsmap: PrecompiledCharsmap) -> String {
    var output: [UInt8] = []
    func transform(_ bytes: [UInt8]) -> Range<Int>? {
      var first: Range<Int>?
      charsmap.forEachPrefix(of: bytes, from: 0) { _, replacement in
        if first == nil { first = replacement }
      }
      return first
    }
    for grapheme in text {
      let bytes = Array(grapheme.utf8)
      if bytes.count < 6, let replacement = transform(bytes) {
        output += charsmap.pool[replacement]
        continue
      }
      for scalar in grapheme.unicodeScalars {
        let bytes = Array(String(scalar).utf8)
        if let replacement = transform(bytes) {
          output += charsmap.pool[replacement]
        } else {
          output += bytes
        }
      }
    }
    return String(decoding: output, as: UTF8.self)
  }

  /// Every copy of `pattern` replaced by `content`, or with a `minimumRun`, every run of at
  /// least that many copies replaced by one `content`.
  static func replace(
    _ text: String, _ pattern: String, minimumRun: Int?, with content: String
  ) -> String {
    guard !pattern.isEmpty else { return text }
    let scalars = Array(text.unicodeScalars)
    let target = Array(pattern.unicodeScalars)
    var output = String.UnicodeScalarView()
    var index = 0
    while index < scalars.count {
      var copies = 0
      while scalars[(index + copies * target.count)...].starts(with: target) { copies += 1 }
      if copies > 0 && copies >= minimumRun ?? 1 {
        for _ in 0..<(minimumRun == nil ? copies : 1) {
          output.append(contentsOf: content.unicodeScalars)
        }
        index += copies * target.count
      } else {
        output.append(scalars[index])
        index += 1
      }
    }
    return String(output)
  }

  /// Whitespace removed from either end.
  static func strip(_ text: String, left: Bool, right: Bool) -> String {
    var scalars = Substring(text).unicodeScalars[...]
    while left, let first = scalars.first, first.properties.isWhitespace {
      scalars = scalars.dropFirst()
    }
    while right, let last = scalars.last, last.properties.isWhitespace {
      scalars = scalars.dropLast()
    }
    return String(String.UnicodeScalarView(scalars))
  }

  /// Metaspace: spaces replaced, the replacement put in front, and the word cut before each
  /// replacement (which stays with the text after it).
  static func metaspace(_ word: String, replacement: String, prepends: Bool, split: Bool)
    -> [String]
  {
    var text = word.replacingOccurrences(of: " ", with: replacement)
    if prepends && !text.hasPrefix(replacement) { text = replacement + text }
    guard split, let mark = replacement.unicodeScalars.first else { return [text] }
    var pieces: [String] = []
    var current = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      if scalar == mark && !current.isEmpty {
        pieces.append(String(current))
        current = String.UnicodeScalarView()
      }
      current.append(scalar)
    }
    if !current.isEmpty { pieces.append(String(current)) }
    return pieces
  }
}
