// The `@Test` and `@Suite` attributes of a test file, with the level tags they carry,
// so a test added without a level is caught (Tests/GoldenFiles/TestLevels.swift).

extension SwiftSource {
  /// The levels a test can be tagged with.
  static let levels: Set = ["unit", "oracle", "golden", "endToEnd"]

  /// One `@Test` or `@Suite` attribute.
  struct TestAttribute {
    /// `@Test` or `@Suite`.
    let attribute: String
    /// Its line (1-based).
    let line: Int
    /// The levels in its `.tags(…)` trait.
    let levels: Set<String>
    /// For a suite: the lines of its type's body.
    let body: ClosedRange<Int>?
  }

  var testAttributes: [TestAttribute] {
    let tokens = Token.scan(code)
    return tokens.indices.compactMap { index in
      let text = tokens[index].text
      guard text == "@Test" || text == "@Suite" else { return nil }
      var levels: Set<String> = []
      var after = index + 1
      if after < tokens.count, tokens[after].text == "(",
        let close = Self.matchingClose(of: after, in: tokens)
      {
        levels = Self.tagLevels(in: tokens, from: after, to: close)
        after = close + 1
      }
      var body: ClosedRange<Int>?
      if text == "@Suite", let open = tokens[after...].firstIndex(where: { $0.text == "{" }),
        let close = Self.matchingClose(of: open, in: tokens)
      {
        body = tokens[open].line...tokens[close].line
      }
      return TestAttribute(
        attribute: text, line: tokens[index].line, levels: levels, body: body)
    }
  }

  /// The test functions and suites that carry no level, themselves or through a suite.
  var testsWithoutALevel: [TestAttribute] {
    let attributes = testAttributes
    let taggedSuites = attributes.filter { $0.attribute == "@Suite" && !$0.levels.isEmpty }
    return attributes.filter { attribute in
      attribute.levels.isEmpty
        && !taggedSuites.contains { $0.body?.contains(attribute.line) ?? false }
        && !(attribute.attribute == "@Suite" && allTestsInside(attribute, areTaggedIn: attributes))
    }
  }

  /// Whether every `@Test` in `suite`'s body carries a level of its own.
  func allTestsInside(_ suite: TestAttribute, areTaggedIn attributes: [TestAttribute]) -> Bool {
    guard let body = suite.body else { return false }
    let inside = attributes.filter { $0.attribute == "@Test" && body.contains($0.line) }
    return !inside.isEmpty && inside.allSatisfy { !$0.levels.isEmpty }
  }

  /// The level names written `.name` in a `tags(…)` call between `start` and `end`.
  static func tagLevels(in tokens: [Token], from start: Int, to end: Int) -> Set<String> {
    guard let tags = (start..<end).first(where: { tokens[$0].text == "tags" }),
      tokens[tags + 1].text == "(", let close = matchingClose(of: tags + 1, in: tokens)
    else { return [] }
    var found: Set<String> = []
    for index in (tags + 1)..<close
    where tokens[index].text == "." && levels.contains(tokens[index + 1].text) {
      found.insert(tokens[index + 1].text)
    }
    return found
  }
}
