import KVTrace
import Testing
import TinyTransformer

/// Head roles are a function of the trace alone: a file read back scores exactly as the
/// run that wrote it, in either format.
@Suite(.tags(.unit)) struct HeadRolesReplayTests {
  @Test(arguments: [TraceFileFormat.json, .jsonl])
  func aReplayedTraceScoresAsTheRun(format: TraceFileFormat) throws {
    let model = try TinyTransformer(
      config: .demo(vocabularySize: Tokenizer.demo.vocabularySize), seed: 0)
    var log = TraceLog(detail: .full)
    _ = try model.generate(
      prompt: "the cat sat on the mat and the cat sat", steps: 4, recorder: &log)
    let trace = try #require(log.trace)
    let roles = try HeadRoles(trace)
    let replayed = try TraceDecoder.decode(TraceEncoder.encode(trace, as: format))
    #expect(try HeadRoles(replayed) == roles)
    // Every head has all four scores (the prompt repeats "the cat sat"), each a share.
    for layer in 0..<roles.layers {
      for head in 0..<roles.heads {
        for role in HeadRole.allCases {
          let score = try #require(roles.score(role, layer: layer, head: head))
          #expect((0...1).contains(score), "\(role) \(layer) \(head)")
        }
      }
    }
    #expect(roles.queries(.induction, layer: 0, head: 0) >= 3)
  }
}
