import Testing
import TinyTransformer

private let tokenizer = Tokenizer.demo

private func labels(_ text: String) -> [String] {
  tokenizer.encode(text).map { tokenizer.label(of: $0) }
}

private func pieces(_ text: String) -> [String] {
  tokenizer.encode(text).map { tokenizer.piece(of: $0) }
}

/// A deterministic 2000-scalar string mixing ASCII, accents, CJK, emoji, ZWJ and marks.
private func generatedText() -> String {
  let pool: [Unicode.Scalar] = [
    "a", "e", "t", "o", "T", "q", "z", "7", " ", " ", " ", ".", ",", "'", "\n", "\t",
    "é", "ß", "Ω", "日", "本", "\u{301}", "\u{200D}", "👩", "👧", "🙂", "\u{FE0F}",
  ]
  var state: UInt64 = 0x5EED
  var scalars = String.UnicodeScalarView()
  for _ in 0..<2000 {
    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    scalars.append(pool[Int((state >> 33) % UInt64(pool.count))])
  }
  return String(scalars)
}

@Test(.tags(.unit)) func pangramIsTenWholeWordTokens() {
  let text = "The quick brown fox jumps over the lazy dog."
  #expect(tokenizer.encode(text).count == 10)
  #expect(
    labels(text) == ["The", "quick", "brown", "fox", "jumps", "over", "the", "lazy", "dog", "."])
  #expect(
    pieces(text) == [
      "The", " quick", " brown", " fox", " jumps", " over", " the", " lazy", " dog", ".",
    ])
}

@Test(.tags(.unit)) func summarizePromptSplitsIntoWordsAndPunctuation() {
  let text = "summarize: My friends are cool but they eat too many carbs."
  #expect(
    pieces(text) == [
      "summarize", ":", " My", " friends", " are", " cool", " but", " they", " eat", " too",
      " many", " carbs", ".",
    ])
  #expect(labels("Once upon a time") == ["Once", "upon", "a", "time"])
}

@Test(
  .tags(.unit),
  arguments: [
    "", " ", "   ", "a  b", "  leading", "trailing  ", " \t\n mixed\r\n\twhitespace \n",
    "naïve café", "nai\u{308}ve cafe\u{301}", "日本語", "👩‍👩‍👧", "don't", "It's 2024, 42!",
    "The quick brown fox jumps over the lazy dog.", "a\u{7F}b", "\u{FEFF}x\u{2028}y",
  ])
func roundTripIsExact(_ text: String) {
  let decoded = tokenizer.decode(tokenizer.encode(text))
  #expect(decoded == text)
  #expect(Array(decoded.utf8) == Array(text.utf8))
}

@Test(.tags(.unit)) func generatedTextRoundTrips() {
  let text = generatedText()
  #expect(text.unicodeScalars.count == 2000)
  let tokens = tokenizer.encode(text)
  #expect(tokens.allSatisfy { (Tokenizer.startToken + 1)..<tokenizer.vocabularySize ~= $0 })
  #expect(Array(tokenizer.decode(tokens).utf8) == Array(text.utf8))
}

@Test(.tags(.unit)) func emptyStringEncodesToNothing() {
  #expect(tokenizer.encode("").isEmpty)
  #expect(tokenizer.decode([]).isEmpty)
}

@Test(.tags(.unit)) func unknownWordsFallBackToSmallerPieces() {
  let tokens = tokenizer.encode(" zyxwv")
  #expect(tokens.count > 1)
  #expect(tokenizer.decode(tokens) == " zyxwv")
  #expect(pieces(" jumping") == [" jump", "ing"])
  #expect(pieces("Today quickly") == ["Today", " quick", "ly"])
}

@Test(.tags(.unit)) func runsOfSpacesGiveTheLastSpaceToTheWord() {
  #expect(pieces("a   dog") == ["a", " ", " ", " dog"])
  #expect(labels("dog \n") == ["dog", "␣", "↵"])
}

@Test(.tags(.unit)) func nonASCIITextBecomesByteTokens() {
  let tokens = tokenizer.encode("日本語")
  #expect(tokens.count == 9)
  #expect(tokens.allSatisfy { 4...259 ~= $0 })
  #expect(tokens.first == 4 + 0xE6)
  #expect(tokenizer.piece(of: 4 + 0xE2) == "<0xE2>")
  #expect(tokenizer.label(of: 4 + 0xE2) == "<0xE2>")
  #expect(tokenizer.piece(of: 4 + 0x2E) == ".")
}

@Test(.tags(.unit)) func invalidUTF8FromByteTokensIsRepaired() {
  #expect(tokenizer.decode([4 + 0xE2]) == "\u{FFFD}")
  #expect(tokenizer.decode([4 + 0xE2, 4 + 0x41]) == "\u{FFFD}A")
}

@Test(.tags(.unit)) func whitespaceLabelsAreVisible() {
  let space = 4 + 0x20
  let newline = 4 + 0x0A
  let tab = 4 + 0x09
  #expect([space, newline, tab].map { tokenizer.label(of: $0) } == ["␣", "↵", "⇥"])
  #expect(
    [space, newline, tab].map { tokenizer.label(of: $0, ascii: true) } == ["_", "\\n", "\\t"])
  #expect(tokenizer.label(of: 4 + 0x0D) == "<0x0D>")
}

@Test(.tags(.unit)) func asciiLabelsArePureASCIIForEveryId() {
  for token in 0..<tokenizer.vocabularySize {
    let label = tokenizer.label(of: token, ascii: true)
    #expect(!label.isEmpty)
    #expect(label.unicodeScalars.allSatisfy { $0.isASCII && $0.value >= 0x20 }, "id \(token)")
  }
}

@Test(.tags(.unit)) func vocabularyHasNoDuplicatePieces() {
  let all = (0..<tokenizer.vocabularySize).map { tokenizer.piece(of: $0) }
  #expect(Set(all).count == all.count)
  #expect(tokenizer.vocabularySize > 260)
  #expect(tokenizer.vocabularySize < 1024)
}

@Test(.tags(.unit)) func everyWordPieceEncodesToItself() {
  for token in 260..<tokenizer.vocabularySize {
    #expect(tokenizer.encode(tokenizer.decode([token])) == [token], "id \(token)")
  }
}

@Test(.tags(.unit)) func specialTokensDecodeToEmptyText() {
  let specials = [
    Tokenizer.padToken, Tokenizer.bosToken, Tokenizer.eosToken, Tokenizer.startToken,
  ]
  #expect(specials == [0, 1, 2, 3])
  #expect(tokenizer.decode(specials).isEmpty)
  #expect(specials.map { tokenizer.piece(of: $0) } == ["<pad>", "<bos>", "<eos>", "<start>"])
  let dog = tokenizer.encode(" dog")
  #expect(tokenizer.decode([Tokenizer.bosToken] + dog + [Tokenizer.eosToken]) == " dog")
}

@Test(.tags(.unit)) func outOfRangeIdsNeverCrash() {
  let size = tokenizer.vocabularySize
  let dog = tokenizer.encode("dog")
  #expect(tokenizer.decode([-1] + dog + [size, Int.max, Int.min]) == "dog")
  #expect(tokenizer.label(of: size) == "<unk:\(size)>")
  #expect(tokenizer.label(of: -5, ascii: true) == "<unk:-5>")
  #expect(tokenizer.piece(of: Int.max) == "<unk:\(Int.max)>")
}

@Test(.tags(.unit)) func tokenizersCompareByVocabulary() {
  #expect(Tokenizer.demo == tokenizer)
}
