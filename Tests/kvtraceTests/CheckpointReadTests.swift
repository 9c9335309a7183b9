// Issue 15, finding 8: a checkpoint is read into memory, never mapped, so a file that shrinks
// while it is read cannot fault (SIGBUS); it comes up short. The reader learns the file's size
// from its header and reads exactly that many bytes; a file of another size fails with one line.

import Foundation
import Testing
import TinyTransformer

@testable import kvtrace

@Suite(.tags(.unit)) struct CheckpointReadTests {
  @Test func theReaderReadsExactlyWhatTheHeaderImplies() throws {
    let files = try TinyLlamaFiles()
    defer { files.remove() }
    let data = try ModelFiles.readCheckpoint(files.path("tiny.bin"))
    #expect(data == Data(TinyLlamaFiles.checkpointBytes()))
  }

  @Test func aSymlinkedCheckpointIsReadThroughItsLink() throws {
    let files = try TinyLlamaFiles()
    defer { files.remove() }
    try FileManager.default.createSymbolicLink(
      atPath: files.path("link.bin"), withDestinationPath: files.path("tiny.bin"))
    let data = try ModelFiles.readCheckpoint(files.path("link.bin"))
    #expect(data.count == TinyLlamaFiles.checkpointBytes().count)
  }

  @Test(arguments: [20, 28, 4_000])
  func aFileShorterThanItsHeaderImpliesFailsWithOneLine(_ length: Int) throws {
    let files = try TinyLlamaFiles()
    defer { files.remove() }
    try files.write(Array(TinyLlamaFiles.checkpointBytes().prefix(length)), to: "cut.bin")
    #expect(throws: CheckpointError.self) { try ModelFiles.readCheckpoint(files.path("cut.bin")) }
    let result = runCLI([
      "run", "--checkpoint", files.path("cut.bin"), "--tokenizer", files.path("tokenizer.bin"),
    ])
    #expect(result.code == .dataError)
    #expect(result.error.filter { $0 == "\n" }.count == 1, "\(result.error)")
    #expect(result.error.contains(length < 28 ? "fewer than its 28-byte header" : "truncated"))
  }

  @Test func aDeviceIsNoCheckpoint() throws {
    #expect(throws: CommandFailure.self) { try ModelFiles.readCheckpoint("/dev/zero") }
    let result = runCLI(["run", "--checkpoint", "/dev/zero", "--tokenizer", "/dev/zero"])
    #expect(result.code == .noInput)
    #expect(result.error.contains("is not a regular file"), "\(result.error)")
  }
}
