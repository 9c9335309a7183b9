import KVTrace
import Testing
import TinyTransformer

/// Decoding without a recorder must choose exactly what a recorded run chooses.
@Test(.tags(.unit)) func decodingWithoutARecorderChoosesTheSameTokens() throws {
  let model = TinyTransformer.demo(seed: 3)
  let plain = try model.generate(prompt: "Once upon a time", steps: 8, collectLogits: true)
  var log = TraceLog(detail: .full)
  let traced = try model.generate(
    prompt: "Once upon a time", steps: 8, collectLogits: true, recorder: &log)
  #expect(plain == traced)
  #expect(plain.tokens.count == 9)
  #expect(log.events.count > 0)
}
