import Testing
import TinyTransformer

@testable import Training

/// The corpus: same seed same bytes, whole-word tokens, lengths, repeats that repeat.
@Suite(.tags(.unit)) struct CorpusTests {
  let corpus = Corpus(seed: 1)
  let tokenizer = Tokenizer.demo

  /// The words of a text: its runs of letters.
  func words(of text: String) -> [String] {
    text.split(whereSeparator: { !$0.isLetter }).map(String.init)
  }

  @Test func sameSeedGivesTheSameBatchAndOtherSeedsOtherBatches() {
    let batch = corpus.batch(step: 7, size: 8, length: 64)
    #expect(Corpus(seed: 1).batch(step: 7, size: 8, length: 64) == batch)
    #expect(Corpus(seed: 2).batch(step: 7, size: 8, length: 64) != batch)
    #expect(corpus.batch(step: 8, size: 8, length: 64) != batch)
    // A sample does not depend on the batch size, and no two samples of a batch are equal.
    #expect(Array(corpus.batch(step: 7, size: 16, length: 64).prefix(8)) == batch)
    #expect(Set(batch).count == batch.count)
  }

  @Test func everyWordIsOneWholeWordToken() {
    var seen: Set<String> = []
    for step in [0, 500, 5000] {
      for (index, sample) in corpus.batch(step: step, size: 100, length: 128).enumerated() {
        // The samples are the canonical encoding of their text.
        let text = tokenizer.decode(sample)
        #expect(tokenizer.encode(text) == sample)
        for word in words(of: text) where !seen.contains(word) {
          let spaced = tokenizer.encode(" " + word)
          #expect(spaced.count == 1 && spaced[0] >= 260, "\(word) in \(step)/\(index)")
          seen.insert(word)
        }
      }
    }
    #expect(seen.count > 200)
    for word in Corpus.words {
      #expect(tokenizer.encode(" " + word).count == 1, "\(word)")
      #expect(tokenizer.encode(word).count == 1, "\(word)")
    }
    #expect(Set(Corpus.words).count == Corpus.words.count)
  }

  @Test func thePangramIsTenTokensAndComesOften() {
    let pangram = "The quick brown fox jumps over the lazy dog."
    #expect(tokenizer.encode(pangram).count == 10)
    // After the curriculum (whose samples are bare runs), stories again.
    let texts = corpus.batch(step: 3000, size: 200, length: 256).map(tokenizer.decode)
    let holding = texts.filter { $0.contains(pangram) }.count
    let opening = texts.filter { $0.hasPrefix(pangram) }.count
    // A story that opens with it mostly says it again at once.
    let twice = texts.filter { $0.hasPrefix(pangram + " " + pangram) }.count
    #expect(twice > 0 && twice * 2 >= opening, "\(twice) of \(opening)")
    // Half the stories hold a pangram, half of those the original, half of those first; half
    // the samples open with their run instead.
    #expect((10...60).contains(holding), "\(holding)")
    #expect((2...30).contains(opening), "\(opening)")
    #expect(texts.contains { $0.contains(" jumps over the ") && !$0.contains(pangram) })
    let none = Corpus(seed: 1, options: CorpusOptions(pangramShare: 0))
    #expect(
      !none.batch(step: 3, size: 200, length: 256).map(tokenizer.decode).contains {
        $0.contains(" jumps over the ")
      })
  }

  @Test(arguments: [0, 1, 2, 7, 16, 64, 300])
  func everySampleHasLengthPlusOneTokens(length: Int) {
    let batch = corpus.batch(step: 11, size: 20, length: length)
    #expect(batch.count == 20)
    #expect(batch.allSatisfy { $0.count == length + 1 })
  }

  @Test func emptyAndNegativeRequestsGiveNothingOrOneToken() {
    #expect(corpus.batch(step: 0, size: 0, length: 64).isEmpty)
    #expect(corpus.batch(step: 0, size: -3, length: 64).isEmpty)
    #expect(corpus.batch(step: -1, size: 2, length: -5).map(\.count) == [1, 1])
  }

  /// Checks that every copy of the run holds the same words and fits in the sample.
  func expectCopiesRepeat(_ document: Document, copies: Int, lengths: ClosedRange<Int>) {
    guard let run = document.run else {
      Issue.record("no run in \(tokenizer.decode(document.tokens))")
      return
    }
    let tokens = document.tokens
    #expect(lengths.contains(run.count) && run.starts.count == copies)
    #expect(zip(run.starts, run.starts.dropFirst()).allSatisfy { $0 + run.count <= $1 })
    #expect((run.starts.last ?? .max) + run.count <= tokens.count)
    let first = run.starts[0]
    for start in run.starts.dropFirst() {
      #expect(tokens[first + 1..<first + run.count] == tokens[start + 1..<start + run.count])
      // The first words are the same word (bare at the start of a document, else spaced).
      let words = [first, start].map { tokenizer.decode([tokens[$0]]) }
      #expect(words[0].trimmingPrefix(" ") == words[1].trimmingPrefix(" "))
    }
  }

  @Test func everyRunIsRepeatedVerbatimWithinTheSample() {
    let twice = Corpus(seed: 1, options: CorpusOptions(copies: 2))
    for index in 0..<300 {
      let document = twice.document(step: 3000, index: index, length: 64)
      expectCopiesRepeat(document, copies: 2, lengths: 8...20)
    }
    for (step, index) in [2000, 3000].flatMap({ step in (0..<100).map { (step, $0) } }) {
      let document = corpus.document(step: step, index: index, length: 64)
      expectCopiesRepeat(document, copies: 3, lengths: 8...20)
    }
  }

  @Test func theKnobsSetTheShareAndTheShapeOfTheRepeats() {
    let plain = Corpus(seed: 1, options: CorpusOptions(repeatShare: 0))
    #expect((0..<100).allSatisfy { plain.document(step: 0, index: $0, length: 64).run == nil })
    let half = Corpus(seed: 1, options: CorpusOptions(repeatShare: 0.5))
    let withRun = (0..<400).filter { half.document(step: 0, index: $0, length: 64).run != nil }
    #expect((150...250).contains(withRun.count))
    let shaped = Corpus(
      seed: 1, options: CorpusOptions(runLengths: 3...5, copies: 2, promptShapedShare: 1))
    for index in 0..<100 {
      let run = shaped.document(step: 0, index: index, length: 64).run
      #expect(run.map { $0.starts == [0, $0.count] && (3...5).contains($0.count) } == true)
    }
    // A sample too short for the longest run gets a shorter one that fits twice.
    for index in 0..<50 {
      let run = corpus.document(step: 0, index: index, length: 9).run
      #expect(run.map { $0.count <= 5 && $0.starts[1] + $0.count <= 10 } == true)
    }
  }

  @Test func validationDocumentsAreNotTrainingDocuments() {
    let validation = Corpus(seed: 1, split: .validation)
    let held = Set((0..<20).flatMap { validation.batch(step: $0, size: 10, length: 64) })
    let seen = Set((0..<20).flatMap { corpus.batch(step: $0, size: 10, length: 64) })
    #expect(held.count == 200 && seen.count == 200)
    #expect(held.isDisjoint(with: seen))
  }
}
