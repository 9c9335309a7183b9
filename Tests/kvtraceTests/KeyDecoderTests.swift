// Key decoding: bytes from a raw-mode terminal back into keys, however they are split.

import KVTraceRender
import Testing

@testable import kvtrace

@Suite(.tags(.unit)) struct KeyDecoderTests {
  static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

  /// Decodes `chunks` one read at a time, then flushes (as after the Esc timeout).
  static func keys(_ chunks: [String], flush: Bool = true) -> [Key] {
    var decoder = KeyDecoder()
    var keys = chunks.flatMap { decoder.decode(bytes($0)) }
    if flush { keys += decoder.flush() }
    return keys
  }

  @Test func plainKeys() {
    #expect(
      Self.keys(["lh q?s"]) == [
        .character("l"), .character("h"), .character(" "), .character("q"), .character("?"),
        .character("s"),
      ])
    #expect(Self.keys(["\t\r\n"]) == [.tab, .enter, .enter])
    #expect(Self.keys(["\u{03}"]) == [.interrupt])
  }

  @Test func arrowsInBothSpellings() {
    #expect(Self.keys(["\u{1B}[A\u{1B}[B\u{1B}[C\u{1B}[D"]) == [.up, .down, .right, .left])
    #expect(Self.keys(["\u{1B}OA\u{1B}OB\u{1B}OC\u{1B}OD"]) == [.up, .down, .right, .left])
  }

  @Test func modifiersHomeEndAndShiftTab() {
    #expect(Self.keys(["\u{1B}[1;5C"]) == [.right])
    #expect(
      Self.keys(["\u{1B}[H\u{1B}[F\u{1B}[1~\u{1B}[4~\u{1B}OH"]) == [
        .home, .end, .home, .end, .home,
      ])
    #expect(Self.keys(["\u{1B}[Z"]) == [.backTab])
  }

  /// Every way to split `ESC [ A` across reads gives the same key, and no key
  /// comes out before the sequence is complete.
  @Test func sequencesSplitAcrossReads() {
    let sequence = Self.bytes("\u{1B}[1;5D")
    for cut in 1..<sequence.count {
      var decoder = KeyDecoder()
      #expect(decoder.decode(sequence[..<cut]) == [], "cut at \(cut)")
      #expect(decoder.isWaiting)
      #expect(decoder.decode(sequence[cut...]) == [.left], "cut at \(cut)")
      #expect(!decoder.isWaiting)
    }
    #expect(Self.keys(["\u{1B}", "O", "C"], flush: false) == [.right])
  }

  @Test func aLoneEscIsEscOnlyWhenNothingFollows() {
    var decoder = KeyDecoder()
    #expect(decoder.decode(Self.bytes("\u{1B}")) == [])
    #expect(decoder.isWaiting)
    #expect(decoder.flush() == [.escape])
    #expect(!decoder.isWaiting)
    #expect(Self.keys(["\u{1B}\u{1B}[A"]) == [.escape, .up])
    #expect(Self.keys(["q\u{1B}"]) == [.character("q"), .escape])
  }

  @Test func pageUpAndPageDown() {
    #expect(Self.keys(["\u{1B}[5~", "\u{1B}[6~"]) == [.pageUp, .pageDown])
    #expect(Self.keys(["\u{1B}[5", "~j"]) == [.pageUp, .character("j")])  // split across reads
  }

  @Test func unknownAndUnfinishedSequencesLeaveNoStrayKeys() {
    #expect(Self.keys(["\u{1B}[15~\u{1B}[200~x"]) == [.character("x")])
    #expect(Self.keys(["\u{1B}[1;5"]) == [])  // cut off, then the timeout
    #expect(Self.keys(["\u{1B}["]) == [])
    #expect(Self.keys(["\u{1B}x"]) == [])  // Alt-x: not ours
    #expect(Self.keys(["\u{1B}[\u{03}"]) == [.interrupt])  // malformed, then Ctrl-C still counts
    #expect(
      Self.keys([String(repeating: "\u{1B}[" + String(repeating: "1", count: 40), count: 1) + "A"])
        .count <= 41)
  }

  @Test func multiByteCharactersMaySplit() {
    let bytes = Self.bytes("é→")
    var decoder = KeyDecoder()
    var keys: [Key] = []
    for byte in bytes { keys += decoder.decode([byte]) }
    #expect(keys == [.character("é"), .character("→")])
    var broken = KeyDecoder()
    #expect(broken.decode([0xFF, 0xE2, 0x86, UInt8(ascii: "a")]) == [.character("a")])
  }
}
