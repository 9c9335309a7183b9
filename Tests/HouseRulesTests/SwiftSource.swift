// A Swift source file read just well enough to check the house rules: comments and
// string literals blanked out (so a brace or `func` inside them does not count), then
// its imports and its functions found by keyword and brace matching.

/// One Swift file as the house-rule checks see it.
struct SwiftSource {
  /// The file's path relative to the package root, for messages.
  let path: String
  /// The number of lines, as `wc -l` counts them (plus a last line without a newline).
  let lineCount: Int
  /// The bytes with every comment and string literal blanked to spaces, newlines kept.
  let code: [UInt8]

  init(path: String, text: String) {
    self.path = path
    let bytes = Array(text.utf8)
    let newlines = bytes.filter { $0 == UInt8(ascii: "\n") }.count
    lineCount = newlines + (bytes.last.map { $0 == UInt8(ascii: "\n") ? 0 : 1 } ?? 0)
    code = CodeMask.blankingCommentsAndStrings(bytes)
  }

  /// The modules this file imports (`import X`, `@testable import X`, `import struct X.Y`).
  var imports: [String] {
    String(decoding: code, as: UTF8.self).split(separator: "\n").compactMap { line in
      var words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
      while let first = words.first, first.hasPrefix("@") || Self.accessLevels.contains(first) {
        words.removeFirst()
      }
      guard words.first == "import", words.count >= 2 else { return nil }
      let path = Self.importKinds.contains(words[1]) && words.count >= 3 ? words[2] : words[1]
      return String(path.prefix(while: { $0 != "." }))
    }
  }

  static let accessLevels: Set = ["public", "package", "internal", "fileprivate", "private"]
  static let importKinds: Set = [
    "typealias", "struct", "class", "enum", "protocol", "let", "var", "func",
  ]

  /// A function, initializer, deinitializer or subscript with a body, and its extent.
  struct Function: Equatable {
    let name: String
    /// The line of its keyword (1-based).
    let firstLine: Int
    /// The line of its closing brace.
    let lastLine: Int
    /// Lines from its keyword through its closing brace.
    var lineCount: Int { lastLine - firstLine + 1 }
  }

  /// Every function with a body, nested ones included (each counted whole).
  var functions: [Function] {
    let tokens = Token.scan(code)
    var found: [Function] = []
    for (index, token) in tokens.enumerated() where Self.declarationKeywords.contains(token.text) {
      if index > 0, tokens[index - 1].text == "." { continue }  // `.init(…)`, `Self.init`
      guard let open = Self.bodyStart(after: index, in: tokens),
        let close = Self.matchingClose(of: open, in: tokens)
      else { continue }
      let name =
        token.text == "func" && index + 1 < tokens.count ? tokens[index + 1].text : token.text
      found.append(Function(name: name, firstLine: token.line, lastLine: tokens[close].line))
    }
    return found
  }

  static let declarationKeywords: Set = ["func", "init", "deinit", "subscript"]
  /// Tokens that start another declaration: met before a `{`, the declaration had no body.
  static let nextDeclaration: Set = [
    "func", "init", "deinit", "subscript", "var", "let", "case", "typealias", "associatedtype",
    "struct", "class", "enum", "protocol", "extension", "}", ";",
  ]

  /// The index of the `{` that opens the body of the declaration at `keyword`, if it has one.
  static func bodyStart(after keyword: Int, in tokens: [Token]) -> Int? {
    var depth = 0
    var index = keyword + 1
    while index < tokens.count {
      let token = tokens[index]
      switch token.text {
      case "(", "[": depth += 1
      case ")", "]": depth -= 1
      case "{" where depth == 0: return index
      default:
        if depth == 0 && (nextDeclaration.contains(token.text) || token.startsLineWithAttribute) {
          return nil
        }
      }
      index += 1
    }
    return nil
  }

  /// The index of the `}` or `)` that closes the `{` or `(` at `open`.
  static func matchingClose(of open: Int, in tokens: [Token]) -> Int? {
    let opener = tokens[open].text
    let closer = opener == "(" ? ")" : "}"
    var depth = 0
    for index in open..<tokens.count {
      if tokens[index].text == opener { depth += 1 }
      if tokens[index].text == closer { depth -= 1 }
      if depth == 0 { return index }
    }
    return nil
  }
}

/// A word or a single punctuation character of blanked source, with its line.
struct Token {
  let text: String
  let line: Int
  /// Whether this is an `@attribute` that begins its line (so a new declaration).
  let startsLineWithAttribute: Bool

  static func scan(_ code: [UInt8]) -> [Token] {
    var tokens: [Token] = []
    var line = 1
    var lineStart = true
    var index = 0
    while index < code.count {
      let byte = code[index]
      if byte == UInt8(ascii: "\n") {
        line += 1
        lineStart = true
        index += 1
      } else if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
        index += 1
      } else if isWordByte(byte) || byte == UInt8(ascii: "@") {
        var end = index + 1
        while end < code.count && isWordByte(code[end]) { end += 1 }
        let text = String(decoding: code[index..<end], as: UTF8.self)
        tokens.append(
          Token(text: text, line: line, startsLineWithAttribute: lineStart && text.hasPrefix("@")))
        lineStart = false
        index = end
      } else {
        tokens.append(
          Token(
            text: String(UnicodeScalar(byte)), line: line, startsLineWithAttribute: false))
        lineStart = false
        index += 1
      }
    }
    return tokens
  }

  static func isWordByte(_ byte: UInt8) -> Bool {
    (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
      || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
      || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
      || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "`") || byte >= 0x80
  }
}
