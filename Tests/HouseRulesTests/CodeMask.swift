// Blanks Swift comments and string literals, keeping every newline, so that what is left
// is code: braces, keywords and imports can then be found by plain scanning.
//
// Handles `//` and nested `/* */` comments; "…", """…""" and raw #"…"# strings; escapes;
// and interpolations `\(…)`, whose code (and the strings nested in it) is scanned too.

enum CodeMask {
  /// What the scanner is inside: code (at top level or in an interpolation), or a string.
  enum Frame {
    /// Code; `parens` counts open parentheses inside an interpolation (nil: top level).
    case code(parens: Int?)
    /// A string literal opened with `hashes` `#`s, multi-line or not.
    case string(hashes: Int, multiline: Bool)
  }

  static let newline = UInt8(ascii: "\n")
  static let quote = UInt8(ascii: "\"")
  static let hash = UInt8(ascii: "#")
  static let slash = UInt8(ascii: "/")
  static let star = UInt8(ascii: "*")
  static let backslash = UInt8(ascii: "\\")

  static func blankingCommentsAndStrings(_ source: [UInt8]) -> [UInt8] {
    var scanner = Scanner(source: source)
    scanner.run()
    return scanner.output
  }

  struct Scanner {
    let source: [UInt8]
    var output: [UInt8]
    var stack: [Frame] = [.code(parens: nil)]
    var index = 0

    init(source: [UInt8]) {
      self.source = source
      output = source
    }

    func byte(_ at: Int) -> UInt8? { at < source.count ? source[at] : nil }

    /// Blanks `count` bytes from `index` (newlines kept) and moves past them.
    mutating func blank(_ count: Int) {
      for at in index..<min(index + count, source.count) where source[at] != newline {
        output[at] = UInt8(ascii: " ")
      }
      index += count
    }

    /// How many `#`s start at `at`.
    func hashes(at: Int) -> Int {
      var count = 0
      while byte(at + count) == hash { count += 1 }
      return count
    }

    mutating func run() {
      while index < source.count, let frame = stack.last {
        switch frame {
        case .code(let parens): scanCode(parens: parens)
        case .string(let hashes, let multiline): scanString(hashes: hashes, multiline: multiline)
        }
      }
    }

    mutating func scanCode(parens: Int?) {
      let current = source[index]
      if current == slash && byte(index + 1) == slash {
        var end = index
        while end < source.count && source[end] != newline { end += 1 }
        blank(end - index)
      } else if current == slash && byte(index + 1) == star {
        blankBlockComment()
      } else if current == quote || current == hash {
        let count = hashes(at: index)
        guard byte(index + count) == quote else {
          index += max(count, 1)
          return
        }
        let multiline = byte(index + count + 1) == quote && byte(index + count + 2) == quote
        blank(count + (multiline ? 3 : 1))
        stack.append(.string(hashes: count, multiline: multiline))
      } else if let parens, current == UInt8(ascii: "(") {
        stack[stack.count - 1] = .code(parens: parens + 1)
        index += 1
      } else if let parens, current == UInt8(ascii: ")") {
        if parens == 0 {
          stack.removeLast()  // the interpolation ends: back in its string
          blank(1)
        } else {
          stack[stack.count - 1] = .code(parens: parens - 1)
          index += 1
        }
      } else {
        index += 1
      }
    }

    mutating func blankBlockComment() {
      var depth = 0
      var end = index
      repeat {
        if source[end] == slash && byte(end + 1) == star {
          depth += 1
          end += 2
        } else if source[end] == star && byte(end + 1) == slash {
          depth -= 1
          end += 2
        } else {
          end += 1
        }
      } while depth > 0 && end < source.count
      blank(end - index)
    }

    mutating func scanString(hashes count: Int, multiline: Bool) {
      let current = source[index]
      if current == backslash && hashes(at: index + 1) >= count {
        if byte(index + 1 + count) == UInt8(ascii: "(") {
          blank(count + 2)
          stack.append(.code(parens: 0))
        } else {
          blank(count == 0 ? 2 : count + 1)  // an escape: `\"` never ends the string
        }
      } else if current == quote, closes(at: index, hashes: count, multiline: multiline) {
        blank((multiline ? 3 : 1) + count)
        stack.removeLast()
      } else {
        blank(1)
      }
    }

    /// Whether the quote at `at` closes a string opened with `count` `#`s.
    func closes(at: Int, hashes count: Int, multiline: Bool) -> Bool {
      let quotes = multiline ? 3 : 1
      for offset in 0..<quotes where byte(at + offset) != quote { return false }
      return hashes(at: at + quotes) >= count
    }
  }
}
