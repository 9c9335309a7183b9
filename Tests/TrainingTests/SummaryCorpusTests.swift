import Testing

@testable import TinyTransformer
@testable import Training

/// The summarization corpus: reproducible, split, every word one token of
/// `Tokenizer.summaries`, every summary a copy of its sentence with parts removed.
@Suite(.tags(.unit)) struct SummaryCorpusTests {
  static let training = SummaryCorpus(seed: 1, split: .training)
  static let validation = SummaryCorpus(seed: 1, split: .validation)
  static let sample = (0..<2000).map { training.pair($0) }

  @Test func sameSeedGivesTheSamePairsAndOtherSeedsOrSplitsOthers() {
    let again = SummaryCorpus(seed: 1, split: .training)
    #expect((0..<50).map(again.pair) == Array(Self.sample[0..<50]))
    #expect(Self.training.pairs(step: 3, size: 4) == Array(Self.sample[12..<16]))
    let other = SummaryCorpus(seed: 2, split: .training)
    #expect((0..<50).map(other.pair) != Array(Self.sample[0..<50]))
    let held = (0..<2000).map { Self.validation.pair($0).sentence }
    let trained = Set(Self.sample.map(\.sentence))
    let shared = held.filter { trained.contains($0) }.count
    #expect(shared < 20, "\(shared) of 2000 validation sentences also among 2000 training ones")
  }

  @Test func theSummaryCopiesTheSentencesWordsInOrder() {
    for pair in Self.sample {
      let words = pair.sentence.split(separator: " ").map { $0.filter(\.isLetter) }
      let kept = pair.summary.split(separator: " ").map { $0.filter(\.isLetter) }
      var next = words.makeIterator()
      let inOrder = kept.allSatisfy { word in
        while let w = next.next() { if w == word { return true } }
        return false
      }
      #expect(inOrder, "\(pair)")
      #expect(kept.count < words.count, "\(pair) drops something")
      #expect(pair.summary.hasSuffix(".") && pair.source.hasPrefix("summarize: "))
    }
  }

  @Test func everyTemplateAppearsAndTheSeedSentenceIsOneOfThem() {
    let seed = SummaryWriter.write(
      SummaryWriter.Draw(
        template: .opinionBut, subject: SummaryLexicon.pluralSubjects[0],
        verb: SummaryLexicon.verbs[0], object: "too many carbs", adjective: "cool",
        aside: SummaryLexicon.asides[0], time: "", comment: "", adverb: "", concession: ""))
    #expect(seed.source == "summarize: My friends are cool but they eat too many carbs.")
    #expect(seed.summary == "My friends eat too many carbs.")
    let openings = Set(Self.sample.map { $0.sentence.count - $0.summary.count })
    #expect(openings.count > 30)
    let asides = Self.sample.filter { $0.sentence.contains(", who ") }.count
    let opinions = Self.sample.filter { $0.sentence.contains(" but ") }.count
    #expect(asides > 200 && opinions > 200, "asides \(asides), opinions \(opinions)")
  }

  /// Every word is one whole-word token; punctuation is a byte token; specials only at the
  /// ends; and every word of the vocabulary is used by the corpus.
  @Test func everyWordIsOneTokenOfTheSummariesVocabulary() {
    let tokenizer = Tokenizer.summaries
    var used = Set<Int>()
    for pair in Self.sample {
      let tokens = SummaryCorpus.tokens(of: pair, tokenizer: tokenizer)
      #expect(tokens.source.last == Tokenizer.eosToken)
      let words = pair.source.split(separator: " ").count + 2  // ":" and "." are tokens too
      let commas = pair.source.filter { $0 == "," }.count
      #expect(tokens.source.count == words + commas + 1, "\(pair.source)")
      #expect(tokenizer.decode(tokens.source) == pair.source)
      #expect(tokenizer.decode(tokens.target) == pair.summary)
      for token in tokens.source.dropLast() + tokens.target {
        let piece = tokenizer.piece(of: token)
        #expect(
          token >= WordVocabulary.firstWordToken || [".", ",", ":"].contains(piece), "\(piece)")
        used.insert(token)
      }
    }
    let unused = Tokenizer.summaryWords.filter {
      !used.contains(tokenizer.encode(" " + $0)[0]) && !used.contains(tokenizer.encode($0)[0])
    }
    #expect(unused.isEmpty, "words no pair uses: \(unused)")
    #expect(tokenizer.vocabularySize == 704)
  }

  /// The longest pairs the lists allow (the longest subject, aside, fact and time phrase in
  /// the longest template) fit the summarizer's recipe, and the sample comes close to them.
  @Test func pairsFitTheSummarizersLengths() {
    let recipe = T5TrainingRecipe.summarizer(vocabularySize: Tokenizer.summaries.vocabularySize)
    let tokens = Self.sample.map { SummaryCorpus.tokens(of: $0, tokenizer: .summaries) }
    let longest = (tokens.map(\.source.count).max() ?? 0, tokens.map(\.target.count).max() ?? 0)
    let worst = SummaryWriter.write(
      SummaryWriter.Draw(
        template: .asideAndTime, subject: SummaryLexicon.pluralSubjects[9],
        verb: SummaryLexicon.verbs[3], object: "dinner for everyone", adjective: "",
        aside: SummaryLexicon.asides[7], time: "in the evening", comment: "", adverb: "",
        concession: ""))
    let worstTokens = SummaryCorpus.tokens(of: worst, tokenizer: .summaries)
    #expect(worstTokens.source.count == 21 && worstTokens.target.count == 8, "\(worst)")
    #expect(worstTokens.source.count <= recipe.sourceLength)
    #expect(worstTokens.target.count <= recipe.targetLength)
    #expect(longest.0 >= 19 && longest.1 >= 7, "\(longest)")
  }
}
