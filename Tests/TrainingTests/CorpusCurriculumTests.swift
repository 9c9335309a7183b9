import Foundation
import Testing
import TinyTransformer

@testable import Training

/// The curriculum's pool of run words, the repeat prompts and the unigram baseline.
@Suite(.tags(.unit)) struct CorpusCurriculumTests {
  let tokenizer = Tokenizer.demo

  /// The distinct words of the runs of 200 samples of `step`.
  func runWords(_ corpus: Corpus, step: Int) -> Set<String> {
    var words: Set<String> = []
    for index in 0..<200 {
      let document = corpus.document(step: step, index: index, length: 64)
      guard let run = document.run else { continue }
      let tokens = document.tokens[run.starts[0]..<run.starts[0] + run.count]
      words.formUnion(tokens.map { String(tokenizer.decode([$0]).trimmingPrefix(" ")) })
    }
    return words
  }

  @Test func thePoolGrowsLinearlyFromItsStartToEveryWord() {
    let all = Corpus.words.count
    let options = CorpusOptions(initialPoolSize: 64, poolHoldSteps: 0, curriculumSteps: 1000)
    #expect(options.poolSize(atStep: 0) == 64)
    #expect(options.poolSize(atStep: 500) == 64 + (all - 64) / 2)
    #expect(options.poolSize(atStep: 999) < all)
    #expect(options.poolSize(atStep: 1000) == all)
    #expect(options.poolSize(atStep: Int.max) == all)
    let sizes = stride(from: 0, through: 1000, by: 10).map { options.poolSize(atStep: $0) }
    #expect(zip(sizes, sizes.dropFirst()).allSatisfy { $0 <= $1 })
    #expect(CorpusOptions(curriculumSteps: 0).poolSize(atStep: 0) == all)
    // Never below the longest run, whose words are distinct.
    #expect(CorpusOptions(initialPoolSize: 4).poolSize(atStep: 0) == 20)
  }

  @Test func theDefaultCurriculumHoldsThePoolThenTeachesCopyingAlone() {
    let all = Corpus.words.count
    let options = CorpusOptions()
    #expect(options.poolSize(atStep: 0) == 64 && options.poolSize(atStep: 1249) == 64)
    #expect(options.poolSize(atStep: 1875) == 64 + (all - 64) / 2)
    #expect(options.poolSize(atStep: 2500) == all)
    #expect(options.copiesOnly(atStep: 2499) && !options.copiesOnly(atStep: 2500))
    // During the curriculum every training sample opens with its run, said three times.
    let corpus = Corpus(seed: 1)
    for index in 0..<50 {
      let run = corpus.document(step: 100, index: index, length: 64).run
      #expect(run.map { $0.starts == [0, $0.count, 2 * $0.count] } == true)
    }
    // Validation never follows the curriculum: some of its runs sit inside a story.
    let validation = Corpus(seed: 1, split: .validation)
    let starts = (0..<50).compactMap { validation.document(step: 100, index: $0, length: 64).run }
    #expect(starts.contains { $0.starts[0] != 0 })
  }

  @Test func earlyRunsDrawOnlyFromTheSmallPoolAndValidationFromAll() {
    let corpus = Corpus(seed: 1)
    let small = Set(Corpus.words.prefix(64))
    let early = runWords(corpus, step: 0)
    #expect(early.isSubset(of: small))
    #expect(early.count == 64)
    #expect(runWords(corpus, step: 2500).subtracting(small).count > 150)
    let validation = Corpus(seed: 1, split: .validation)
    #expect(runWords(validation, step: 0).subtracting(small).count > 150)
  }

  @Test func repeatPromptsAreARunImmediatelyRepeated() {
    let prompts = Corpus.repeatPrompts(count: 100, seed: 7)
    #expect(prompts.count == 100)
    #expect(Corpus.repeatPrompts(count: 100, seed: 7) == prompts)
    #expect(Corpus.repeatPrompts(count: 100, seed: 8) != prompts)
    for prompt in prompts {
      let half = prompt.count / 2
      #expect(prompt.count % 2 == 0 && (10...20).contains(half))
      #expect(prompt[1..<half] == prompt[(half + 1)...])
      #expect(Set(prompt.prefix(half)).count == half)
      let text = tokenizer.decode(prompt)
      #expect(tokenizer.encode(text) == prompt)
      #expect(text.split(separator: " ").count == 2 * half)
    }
    #expect(Corpus.repeatPrompts(count: 3, seed: 1, lengths: 4...4).allSatisfy { $0.count == 8 })
  }

  @Test func theUnigramBaselineCountsWithAddOneSmoothing() {
    let result = Corpus.unigramCrossEntropy(
      train: [[5, 5, 6]], validation: [[5, 6, 5, 99]], vocabularySize: 8)
    // 11 = 3 counted tokens + 8 ids; targets 6, 5 (99 is out of range, 5 opens the sequence).
    let expected = -(Foundation.log(2.0 / 11) + Foundation.log(3.0 / 11)) / 2
    #expect(abs(result.loss - expected) < 1e-12)
    #expect(result.accuracy == 0.5)
    let empty = Corpus.unigramCrossEntropy(train: [], validation: [[1]], vocabularySize: 8)
    #expect(empty.loss == 0 && empty.accuracy == 0)
  }
}
