import Foundation
import KVTrace
import Testing

@testable import kvtrace

/// Traces written before the header had `identity` and `model.architecture` (the files
/// committed in KVTraceTests/Snapshots/before-identity, byte for byte as kvtrace wrote them
/// then) still decode and replay.
@Suite(.tags(.unit)) struct OldTraceReplayTests {
  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../KVTraceTests/Snapshots/before-identity")

  @Test(arguments: [
    ("default-demo-summary.json", "decoder"), ("encoder-decoder-summary.json", "encoder-decoder"),
  ])
  func anOldTraceDecodesAndReplays(name: String, architecture: String) throws {
    let path = Self.directory.appendingPathComponent(name).path
    let old = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
    #expect(!old.contains("\"identity\"") && !old.contains("\"architecture\""))
    let trace = try TraceDecoder.decode(Array(old.utf8))
    #expect(trace.header.identity == nil)
    #expect(trace.header.architecture.rawValue == architecture)
    // Written again, it differs only by the architecture this kvtrace adds to the model.
    let again = String(decoding: TraceEncoder.encode(trace, as: .json), as: UTF8.self)
    let size = "\"vocabularySize\":\(trace.header.model.vocabularySize)"
    #expect(
      again
        == old.replacingOccurrences(
          of: size + "}", with: size + ",\"architecture\":\"\(architecture)\"}"))
    let replay = runCLI(["replay", path])
    #expect(replay.code == .ok, "\(replay.error)")
    #expect(replay.error.isEmpty)
    #expect(replay.output.contains("step \(trace.header.decodeSteps)"))
  }
}
