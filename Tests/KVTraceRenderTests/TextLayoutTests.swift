import Foundation
import Testing

@testable import KVTraceRender

@Suite(.tags(.unit)) struct TextLayoutTests {
  @Test func fixedRoundsHalfAwayFromZero() {
    #expect(TextLayout.fixed(0.125, 2) == "0.13")
    #expect(TextLayout.fixed(-0.125, 2) == "-0.13")
    #expect(TextLayout.fixed(3, 0) == "3")
    #expect(TextLayout.fixed(0.05, 2) == "0.05")
    #expect(TextLayout.fixed(-0.001, 2) == "0.00")
    #expect(TextLayout.fixed(12.5, 1) == "12.5")
  }

  /// The ranges `width` counts without asking Unicode hold no nonspacing mark, and a mark
  /// just outside them (the combining marks for symbols) still takes no column.
  @Test func theRangesWidthTrustsHoldNoMark() {
    for value: UInt32 in 0x2000...0x2BFF where TextLayout.isMarkless(value) {
      let scalar = Unicode.Scalar(value)
      let name = "U+" + String(value, radix: 16)
      #expect(scalar?.properties.generalCategory != .nonspacingMark, "\(name)")
    }
    #expect(!TextLayout.isMarkless(0x20D7) && !TextLayout.isMarkless(0x2CEF))
    #expect(TextLayout.width("→\u{20D7}") == 1)  // an arrow with a combining arrow above
    #expect(TextLayout.width("━━ ■ □ █▌ · … ×") == 15)
  }

  @Test func metricAndBytes() {
    #expect(TextLayout.metric(950) == "950")
    #expect(TextLayout.metric(484_480) == "484.5 k")
    #expect(TextLayout.metric(1_120_000) == "1.12 M")
    #expect(TextLayout.bytes(512) == "512 B")
    #expect(TextLayout.bytes(5120) == "5.0 KiB")
    #expect(TextLayout.bytes(3 * 1024 * 1024 / 2) == "1.50 MiB")
  }

  @Test func labelsAreReadable() {
    #expect(TextLayout.label(" quick", unicode: true) == "quick")
    #expect(TextLayout.label(" ", unicode: true) == "␣")
    #expect(TextLayout.label(" ", unicode: false) == "_")
    #expect(TextLayout.label("\n", unicode: false) == "\\n")
    #expect(TextLayout.label("café", unicode: false) == "caf<U+00E9>")
    #expect(TextLayout.label("", unicode: false) == "<empty>")
  }

  @Test func wrapKeepsWordsAndWidth() {
    let text = "step 1 (decode): computed 8 new K/V rows for 'very' and reused 80 from the cache"
    let lines = TextLayout.wrap(text, width: 30, indent: "  ")
    #expect(lines.allSatisfy { TextLayout.width($0) <= 30 })
    #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("  ") })
    let rejoined = lines.map { $0.trimmingCharacters() }.joined(separator: " ")
    #expect(rejoined == text)
  }

  @Test func wrapNeverSplitsANumberFromItsUnit() {
    let lines = TextLayout.wrap("the cache holds 5.5 KiB now", width: 19)
    #expect(lines == ["the cache holds", "5.5 KiB now"])
  }

  /// A line's width is kept as words join it (plain text), or measured whole (text with
  /// escape sequences, which take no columns): both break at the same places.
  @Test func wrapBreaksColoredTextWhereThePlainTextBreaks() {
    let plain = "step 12 (decode): the cache holds 5.5 KiB after reusing 80 rows for 'fox'"
    let colored = plain.replacingOccurrences(of: "cache", with: "\u{1B}[1mcache\u{1B}[0m")
      .replacingOccurrences(of: "'fox'", with: "\u{1B}[36m'fox'\u{1B}[0m")
    for width in 8...40 {
      let expected = TextLayout.wrap(plain, width: width, indent: "  ")
      let lines = TextLayout.wrap(colored, width: width, indent: "  ")
      let shown = lines.map { $0.replacingOccurrences(of: "\u{1B}[1m", with: "") }
        .map { $0.replacingOccurrences(of: "\u{1B}[36m", with: "") }
        .map { $0.replacingOccurrences(of: "\u{1B}[0m", with: "") }
      #expect(shown == expected, "width \(width)")
    }
  }

  /// A space followed by a combining mark is one character, not a place to break.
  @Test func wrapNeverBreaksASpaceFromTheMarkOnIt() {
    #expect(TextLayout.wrap("aaaa \u{301}bbbb", width: 5) == ["aaaa \u{301}bbbb"])
    #expect(TextLayout.wrap("aaaa bbbb é", width: 5) == ["aaaa", "bbbb", "é"])
  }

  @Test func wrapPreservesSpaceRunsInsideALine() {
    #expect(TextLayout.wrap("cache    full", width: 80) == ["cache    full"])
  }

  @Test func widthIgnoresEscapes() {
    #expect(TextLayout.width("\u{1B}[32m■\u{1B}[0m") == 1)
    #expect(TextLayout.padRight("\u{1B}[32mab\u{1B}[0m", 4).hasSuffix("  "))
  }

  @Test func truncateMarksTheCut() {
    #expect(TextLayout.truncate("wonderful", 5, unicode: true) == "wond…")
    #expect(TextLayout.truncate("wonderful", 5, unicode: false) == "wond~")
    #expect(TextLayout.truncate("fox", 5, unicode: true) == "fox")
  }

  @Test func visibleRowsElideTheMiddle() {
    #expect(GridTable.visibleRows(length: 5, maxRows: 24) == [0, 1, 2, 3, 4])
    let rows = GridTable.visibleRows(length: 100, maxRows: 10)
    #expect(rows.count == 10)
    #expect(rows[2] == nil)
    #expect(rows.last == 99)
  }

  @Test func visibleRowsNeverExceedTheirBudget() {
    for maxRows in 0...8 {
      let rows = GridTable.visibleRows(length: 20, maxRows: maxRows)
      #expect(rows.count <= maxRows, "maxRows \(maxRows): \(rows)")
      if maxRows > 0 { #expect(rows.last == 19, "the newest row stays in view") }
      if maxRows >= 2 { #expect(rows.contains(nil), "a marker says rows are missing") }
    }
  }

  @Test func clipKeepsColorAndMarksTheCut() {
    let red = "\u{1B}[31mabcdef\u{1B}[0m"
    #expect(TextLayout.clip(red, 6, unicode: true) == red)
    let clipped = TextLayout.clip(red, 4, unicode: true)
    #expect(clipped == "\u{1B}[31mabc\u{1B}[0m…")
    #expect(TextLayout.width(clipped) == 4)
    #expect(TextLayout.clip("abcdef", 3, unicode: false) == "ab~")
    #expect(TextLayout.clip("abcdef", 0, unicode: false) == "")
  }

  @Test func barsScaleWithWeight() {
    let style = RenderStyle()
    #expect(AttentionBar.bar(1, width: 16, style: style) == String(repeating: "█", count: 16))
    #expect(AttentionBar.bar(0, width: 16, style: style).allSatisfy { $0 == " " })
    #expect(
      AttentionBar.bar(0.5, width: 16, style: RenderStyle(unicode: false)).filter { $0 == "#" }
        .count == 8)
  }

  @Test func scientificFormatting() {
    #expect(ComparisonRenderer.scientific(0) == "0")
    #expect(ComparisonRenderer.scientific(1e-4) == "1.0e-04")
    #expect(ComparisonRenderer.scientific(3.14e-6) == "3.1e-06")
  }
}

extension String {
  fileprivate func trimmingCharacters() -> String {
    var s = Substring(self)
    while s.first == " " { s = s.dropFirst() }
    while s.last == " " { s = s.dropLast() }
    return String(s)
  }
}
