import Foundation
import KVTrace
import Testing

@testable import TinyTransformer

/// The shipped T5 summarizer, run by the inference model (not the trainer).
@Suite(.tags(.unit)) struct TrainedT5Tests {
  @Test func theTrainedT5SummarizesTheSeedSentence() throws {
    let model = try EncoderDecoderTransformer.trainedDefault()
    #expect(model.tokenizer == .summaries)
    var log = TraceLog(detail: .summary)
    let run = try model.generate(
      source: "summarize: My friends are cool but they eat too many carbs.", steps: 10,
      recorder: &log)
    let end = try #require(run.tokens.firstIndex(of: Tokenizer.eosToken))
    #expect(model.tokenizer.decode(Array(run.tokens[..<end])) == "My friends eat too many carbs.")
    let identity = try #require(log.header?.identity)
    #expect(identity.weights.hasPrefix("trained default T5"))
    let bytes = try ShippedModel.read("default-t5", "safetensors")
    #expect(identity.weightsSHA256 == SHA256.hex(bytes))
  }
}
