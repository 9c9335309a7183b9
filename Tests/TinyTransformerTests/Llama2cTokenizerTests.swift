// Encoding and decoding with a llama2.c vocabulary, byte for byte, on a handcrafted
// vocabulary whose merges are worked out by hand in the comments.

import Foundation
import Testing
import TinyTransformer

/// Ids 259 on: single characters (low scores) and merged pieces.
private let handcrafted: [(String, Float)] = [
  (" ", -100), ("O", -100), ("n", -100), ("c", -100), ("e", -100), ("u", -100),  // 259-264
  ("p", -100), ("o", -100), ("a", -100), ("t", -100), ("i", -100), ("m", -100),  // 265-270
  ("é", -100), ("On", -5), (" O", -4), (" On", -3), ("ce", -6), (" Once", -1),  // 271-276
  ("up", -2), ("po", -2), (" up", -1.5), ("on", -2.5), (" upon", -0.5), (" a", -1),  // 277-282
  ("ti", -8), ("im", -3), ("ime", -2.5), (" t", -9), (" time", -0.2),  // 283-287
  ("ma", -1e10),  // 288: a score no merge can beat, as in llama2.c
]

private let vocabularySize = 259 + handcrafted.count

private let tokenizer: Tokenizer = {
  // The fixture is well formed; a failure here fails every test that uses it.
  (try? Tokenizer(
    llama2cTokenizer: tokenizerData(vocab: vocabularySize, pieces: handcrafted),
    vocabularySize: vocabularySize)) ?? .demo
}()

/// The id of a handcrafted piece.
private func id(_ piece: String) -> Int {
  259 + (handcrafted.firstIndex { $0.0 == piece } ?? -1000)
}

/// The byte token of `byte`: llama2.c's byte fallback, id = byte + 3.
private func byteToken(_ byte: UInt8) -> Int { 3 + Int(byte) }

@Test(.tags(.unit)) func theHandcraftedVocabularyLoads() {
  #expect(tokenizer.vocabularySize == vocabularySize)
  #expect(tokenizer != .demo)
  #expect(tokenizer.piece(of: id(" Once")) == " Once")
}

/// `<s>`, then the dummy-prefix space and one token per character, merged by score:
/// " O" (-4), " On" (-3), "ce" (-6), " Once" (-1) for the first word; "up" beats its tie
/// "po" (-2) by coming first, then " up", "on", " upon"; "im" (-3) goes before "ti" (-8)
/// although "ti" comes first, then "ime", " t", " time".
@Test(.tags(.unit)) func onceUponATimeMergesByScore() {
  let tokens = tokenizer.encode("Once upon a time")
  #expect(tokens == [1, id(" Once"), id(" upon"), id(" a"), id(" time")])
  #expect(tokens.map { tokenizer.label(of: $0) } == ["<s>", "Once", "upon", "a", "time"])
  #expect(tokens.map { tokenizer.piece(of: $0) } == ["<s>", " Once", " upon", " a", " time"])
}

@Test(.tags(.unit)) func theBestScoreWinsOverTheLeftmostPair() {
  // " t" (-9), "ti" (-8), "im" (-3): "im" merges first, so "ti" never can; " t" follows.
  #expect(tokenizer.encode("tim") == [1, id(" t"), id("im")])
}

@Test(.tags(.unit)) func aTieGoesToTheFirstPair() {
  // "up" and "po" both score -2; the first wins, so "po" never forms; " up" follows.
  #expect(tokenizer.encode("upo") == [1, id(" up"), id("o")])
}

@Test(.tags(.unit)) func aPieceScoringMinusTenBillionNeverMerges() {
  #expect(tokenizer.encode("ma") == [1, id(" "), id("m"), id("a")])
}

@Test(.tags(.unit)) func theEmptyTextIsJustTheBeginningOfSequence() {
  #expect(tokenizer.encode("") == [1])
  #expect(tokenizer.decode([1]).isEmpty)
}

@Test(.tags(.unit)) func charactersMissingFromTheVocabularyFallBackToBytes() {
  // ☃ is E2 98 83 in UTF-8 and not in the vocabulary; é is, as one two-byte piece.
  #expect(tokenizer.encode("☃") == [1, id(" "), byteToken(0xE2), byteToken(0x98), byteToken(0x83)])
  #expect(tokenizer.encode("é") == [1, id(" "), id("é")])
  #expect(tokenizer.encode("aé☃") == [1, id(" a"), id("é")] + [0xE2, 0x98, 0x83].map(byteToken))
  // Byte tokens never merge: "<0x41>" + "<0x41>" is no piece.
  #expect(tokenizer.encode("ZZ") == [1, id(" "), byteToken(0x5A), byteToken(0x5A)])
}

@Test(.tags(.unit)) func fourByteCharactersFallBackToFourBytes() {
  // U+1F642 is F0 9F 99 82.
  #expect(tokenizer.encode("🙂").dropFirst(2) == [0xF0, 0x9F, 0x99, 0x82].map(byteToken)[...])
}

@Test(.tags(.unit)) func decodingDropsTheSpaceAfterTheBeginningOfSequenceOnly() {
  #expect(tokenizer.decode([1, id(" Once"), id(" upon")]) == "Once upon")
  #expect(tokenizer.decode([id(" Once"), id(" upon")]) == " Once upon")
  #expect(tokenizer.decode([1, id(" ")]).isEmpty)
  // A space byte token is a byte, not a piece with a leading space: it stays.
  #expect(tokenizer.decode([1, byteToken(0x20), id("a")]) == " a")
}

@Test(.tags(.unit)) func byteTokensDecodeToRawBytesAndInvalidUTF8IsRepaired() {
  #expect(tokenizer.decode([0xE2, 0x98, 0x83].map(byteToken)) == "☃")
  #expect(tokenizer.decode([byteToken(0xE2)]) == "\u{FFFD}")
  #expect(tokenizer.decode([byteToken(0xE2), id("a")]) == "\u{FFFD}a")
  #expect(tokenizer.decode([byteToken(0x0A)]) == "\n")
}

@Test(.tags(.unit)) func specialsAndUnknownIdsDecodeToNothing() {
  #expect(tokenizer.decode([0, 1, 2, -1, vocabularySize, Int.max]).isEmpty)
  #expect(tokenizer.decode([2, id("a"), 0]) == "a")
}

@Test(
  .tags(.unit),
  arguments: [
    "", " ", "  two leading", "Once upon a time", "trailing ", "a\nb\tc", "naïve café", "日本語",
    "👩‍👩‍👧", "Ω≈ç√", "a\u{0}b", "\u{FEFF}", "Once upon a time, there was a little fox.",
  ])
func decodeOfEncodeIsTheText(_ text: String) {
  let tokens = tokenizer.encode(text)
  #expect(tokens.first == 1)
  #expect(Array(tokenizer.decode(tokens).utf8) == Array(text.utf8))
}

@Test(.tags(.unit)) func piecesAndLabelsOfSpecialsBytesAndText() {
  #expect((0...2).map { tokenizer.piece(of: $0) } == ["<unk>", "<s>", "</s>"])
  #expect(tokenizer.piece(of: byteToken(0x0A)) == "\n")
  #expect(tokenizer.piece(of: byteToken(0xE2)) == "<0xE2>")
  #expect(tokenizer.label(of: byteToken(0x0A)) == "↵")
  #expect(tokenizer.label(of: byteToken(0x0A), ascii: true) == "\\n")
  #expect(tokenizer.label(of: id(" ")) == "␣")
  #expect(tokenizer.label(of: id("é"), ascii: true) == "<U+00E9>")
  #expect(tokenizer.label(of: vocabularySize) == "<unk:\(vocabularySize)>")
  #expect(tokenizer.piece(of: -3) == "<unk:-3>")
}

@Test(.tags(.unit)) func asciiLabelsArePureASCIIInALlama2cVocabulary() {
  for token in 0..<tokenizer.vocabularySize {
    let label = tokenizer.label(of: token, ascii: true)
    #expect(!label.isEmpty)
    #expect(label.unicodeScalars.allSatisfy { $0.isASCII && $0.value >= 0x20 }, "id \(token)")
  }
}

/// Without a `" "` piece the dummy prefix falls back to the space byte (llama2.c would
/// write the id -1 there).
@Test(.tags(.unit)) func aVocabularyWithoutASpacePieceStillEncodes() throws {
  let noSpace = try Tokenizer(
    llama2cTokenizer: tokenizerData(vocab: 260, pieces: [("a", 0)]), vocabularySize: 260)
  #expect(noSpace.encode("a") == [1, byteToken(0x20), 259])
}

/// A file may store one piece under two ids; encoding gives the lower one, for a single
/// character looked up as much as for a merged pair.
@Test(.tags(.unit)) func aPieceStoredTwiceEncodesAsItsLowerId() throws {
  let pieces = handcrafted + [(" a", 5), ("n", -100)]  // 289, 290: " a" scoring better
  let size = 259 + pieces.count
  let twice = try Tokenizer(
    llama2cTokenizer: tokenizerData(vocab: size, pieces: pieces), vocabularySize: size)
  #expect(twice.encode("a") == [1, id(" a")])
  #expect(twice.encode("n") == [1, id(" "), id("n")])
  #expect(twice.piece(of: 289) == " a")
}
