// Issue 15, finding 3: what `run --export` writes from a checkpoint, `replay` reads. A
// checkpoint with a NaN weight is refused at load (65, one line naming the tensor) instead of
// exporting `"probability": null`; one declaring a context above what a trace can hold runs
// with its context capped, so its export replays.

import Foundation
import Testing

@testable import kvtrace

@Suite(.tags(.unit)) struct CheckpointExportReplayTests {
  /// The tiny model's bytes with float `index` (counted after the header) replaced.
  static func tinyCheckpoint(setting index: Int, to value: Float) -> [UInt8] {
    var bytes = TinyLlamaFiles.checkpointBytes()
    let offset = 28 + 4 * index
    bytes.replaceSubrange(
      offset..<(offset + 4), with: TinyLlamaFiles.littleEndian(value.bitPattern))
    return bytes
  }

  /// The tiny model declaring `context` positions: its two RoPE tables, stored last (the
  /// classifier is shared), grow to `context × 4` floats each.
  static func tinyCheckpoint(context: Int) -> [UInt8] {
    var bytes = TinyLlamaFiles.checkpointBytes()
    bytes.replaceSubrange(24..<28, with: TinyLlamaFiles.littleEndian(UInt32(context)))
    bytes += [UInt8](repeating: 0, count: 4 * 2 * 4 * (context - 16))
    return bytes
  }

  @Test(arguments: [Float.nan, -Float.infinity])
  func aNonFiniteWeightIsRefusedAtLoadNamingItsTensor(_ value: Float) throws {
    let files = try TinyLlamaFiles()
    defer { files.remove() }
    // After the embedding (260 × 16) and the attention norm (16): element 5 of wq.
    try files.write(Self.tinyCheckpoint(setting: 260 * 16 + 16 + 5, to: value), to: "bad.bin")
    let export = files.path("bad.json")
    let result = runCLI([
      "run", "--checkpoint", files.path("bad.bin"), "--tokenizer", files.path("tokenizer.bin"),
      "--prompt", "hi", "--steps", "3", "--export", export,
    ])
    #expect(result.code == .dataError, "\(result.output)")
    #expect(result.output.isEmpty)
    #expect(result.error.filter { $0 == "\n" }.count == 1, "\(result.error)")
    #expect(result.error.contains("tensor wq holds a weight that is not a finite number"))
    #expect(result.error.contains("at element 5"))
    #expect(!FileManager.default.fileExists(atPath: export))
  }

  @Test func aContextLongerThanATraceHoldsExportsATraceThatReplays() throws {
    let files = try TinyLlamaFiles()
    defer { files.remove() }
    try files.write(Self.tinyCheckpoint(context: 40_000), to: "long.bin")
    let export = files.path("long.json")
    let run = runCLI([
      "run", "--checkpoint", files.path("long.bin"), "--tokenizer", files.path("tokenizer.bin"),
      "--prompt", "hi", "--steps", "3", "--export", export,
    ])
    #expect(run.code == .ok, "\(run.error)")
    let replay = runCLI(["replay", export])
    #expect(replay.code == .ok, "\(replay.error)")
    #expect(replay.output.contains("step 3 (decode)"))
    let tooLong = runCLI([
      "run", "--checkpoint", files.path("long.bin"), "--tokenizer", files.path("tokenizer.bin"),
      "--prompt", "hi", "--steps", "33000",
    ])
    #expect(tooLong.code == .usage)
    #expect(tooLong.error.contains("32768"), "\(tooLong.error)")
  }
}
