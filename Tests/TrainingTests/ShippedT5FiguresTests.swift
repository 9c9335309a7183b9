import Foundation
import KVTrace
import Testing
import TinyTransformer

@testable import Training

/// The shipped T5's figures, measured by the inference model on held-out pairs: exact match
/// and token F1 against copying the sentence (without its `summarize:` prefix), and the mean
/// cross-attention weight the drawn head (`CopyAttention.best`) puts on the word it copies.
@Suite(.tags(.oracle)) struct ShippedT5FiguresTests {
  static let pairs = 128

  /// Token F1 of `guess` against `reference`, counting repeated tokens.
  static func f1(_ guess: [Int], _ reference: [Int]) -> Double {
    var left = Dictionary(reference.map { ($0, 1) }, uniquingKeysWith: +)
    var common = 0
    for token in guess where left[token, default: 0] > 0 {
      common += 1
      left[token, default: 0] -= 1
    }
    guard common > 0 else { return 0 }
    let p = Double(common) / Double(guess.count)
    let r = Double(common) / Double(reference.count)
    return 2 * p * r / (p + r)
  }

  @Test func theShippedT5SummarizesHeldOutPairsByReadingTheWordItCopies() throws {
    let model = try EncoderDecoderTransformer.trainedDefault()
    let corpus = SummaryCorpus(seed: 1, split: .validation)
    var (exact, f1, copyF1, shares) = (0, 0.0, 0.0, [Double]())
    for index in 0..<Self.pairs {
      let pair = SummaryCorpus.tokens(of: corpus.pair(index), tokenizer: .summaries)
      var log = TraceLog(detail: .full)
      let run = try model.generate(sourceTokens: pair.source, steps: 12, recorder: &log)
      let summary = Array(run.tokens.prefix { $0 != Tokenizer.eosToken })
      exact += summary == pair.target ? 1 : 0
      f1 += Self.f1(summary, pair.target)
      copyF1 += Self.f1(Array(pair.source.dropFirst(2).dropLast()), pair.target)
      let trace = Trace(header: try #require(log.header), events: log.events)
      if let best = CopyAttention.best(in: trace) { shares.append(best.share) }
    }
    let n = Double(Self.pairs)
    print(
      "shipped T5 on \(Self.pairs) validation pairs: exact \(exact), token F1 \(f1 / n), "
        + "copy-the-sentence F1 \(copyF1 / n), drawn head's mean share on the copied word "
        + "\(shares.reduce(0, +) / Double(max(1, shares.count))) over \(shares.count) traces")
    #expect(f1 / n > copyF1 / n)
    #expect(shares.count * 10 >= Self.pairs * 9)  // a head reads the copy in nearly every trace
  }
}
