// Issue 15, finding 8: a checkpoint is read into memory, never mapped, so a file that shrinks
// while it is read cannot fault (SIGBUS); it comes up short. The reader learns the file's size
// from its header and reads exactly that many bytes; a file of another size fails with one line.

import Foundation
import KVTrace
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

  /// The tiny checkpoint, opened for reading once its size was taken, then cut to `length`
  /// bytes before the read: what a file that shrinks while it is read looks like.
  @Test(arguments: [0, 10, 28, 100, 4_000, TinyLlamaFiles.checkpointBytes().count - 1])
  func aFileThatShrinksWhileItIsReadFailsWith74(_ length: Int) throws {
    let files = try TinyLlamaFiles()
    defer { files.remove() }
    let path = files.path("tiny.bin")
    let size = TinyLlamaFiles.checkpointBytes().count
    let reader = try #require(FileHandle(forReadingAtPath: path))
    defer { try? reader.close() }
    let writer = try #require(FileHandle(forWritingAtPath: path))
    try writer.truncate(atOffset: UInt64(length))
    try writer.close()
    let expected = length < 28 ? 28 : size
    #expect(
      throws: CommandFailure(
        "the checkpoint file '\(path)' ended after \(length) of its \(expected) bytes while it "
          + "was read: it changed on disk; read it again once it is complete", .ioError)
    ) { try ModelFiles.readCheckpoint(reader, fileSize: size, path: path) }
  }

  /// A checkpoint of 4.5 MB (a 16384-token vocabulary), big enough for two threads to read
  /// its halves: the header, then zeros.
  static func twoPartCheckpoint() -> [UInt8] {
    let header: [Int32] = [64, 128, 2, 4, 4, 16_384, 16]  // dim, MLP, layers, heads, KV, vocab, seq
    let floats = 16_384 * 64 + 2 * 64 + 4 * 2 * 64 * 64 + 2 * 64 + 3 * 2 * 128 * 64 + 64 + 16 * 16
    return header.flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) }
      + [UInt8](repeating: 0, count: 4 * floats)
  }

  /// Two threads read the two halves into place: the same bytes; and a file cut in either
  /// half while it is read fails with 74 at the first byte missing.
  @Test(arguments: [nil, 100, 2_262_000, 3_000_000, 4_524_315])
  func twoThreadsReadTheHalvesOrFindWhereTheFileEnds(_ length: Int?) throws {
    let bytes = Self.twoPartCheckpoint()
    #expect(bytes.count == 4_524_316)
    let files = try TinyLlamaFiles()
    defer { files.remove() }
    try files.write(bytes, to: "big.bin")
    let path = files.path("big.bin")
    guard let length else {
      #expect(try ModelFiles.readCheckpoint(path, threads: 2) == Data(bytes))
      return
    }
    let reader = try #require(FileHandle(forReadingAtPath: path))
    defer { try? reader.close() }
    let writer = try #require(FileHandle(forWritingAtPath: path))
    try writer.truncate(atOffset: UInt64(length))
    try writer.close()
    #expect(
      throws: CommandFailure(
        "the checkpoint file '\(path)' ended after \(length) of its \(bytes.count) bytes "
          + "while it was read: it changed on disk; read it again once it is complete", .ioError)
    ) { try ModelFiles.readCheckpoint(reader, fileSize: bytes.count, path: path, threads: 2) }
  }

  /// Loading on two threads (the digest computed beside the checks) builds the model one
  /// thread builds: the same identity, digest included, and the same logits.
  @Test func aModelLoadedOnTwoThreadsIsTheModelLoadedOnOne() throws {
    let files = try TinyLlamaFiles()
    defer { files.remove() }
    let paths = ModelFiles(
      checkpoint: files.path("tiny.bin"), tokenizer: files.path("tokenizer.bin"))
    let one = try paths.load(seed: 3, threads: 1)
    let two = try paths.load(seed: 3, threads: 2)
    #expect(one.identity == two.identity)
    #expect(one.identity.weightsSHA256 == SHA256.hex(Data(TinyLlamaFiles.checkpointBytes())))
    var off = NoRecorder()
    let a = try one.generate(
      promptTokens: [1, 2, 3], steps: 3, collectLogits: true, recorder: &off)
    let b = try two.generate(
      promptTokens: [1, 2, 3], steps: 3, collectLogits: true, recorder: &off)
    #expect(a.logits.map { $0.map(\.bitPattern) } == b.logits.map { $0.map(\.bitPattern) })
  }

  /// A run whose trace is written gets the checkpoint's digest in its header; a run whose
  /// trace is only drawn skips computing it, on one thread or two, and decodes the same.
  @Test(arguments: [1, 2])
  func onlyATraceThatIsWrittenCarriesTheCheckpointsDigest(threads: Int) throws {
    let files = try TinyLlamaFiles()
    defer { files.remove() }
    let paths = ModelFiles(
      checkpoint: files.path("tiny.bin"), tokenizer: files.path("tokenizer.bin"))
    let digested = try paths.load(seed: 0, threads: threads, digest: true)
    let skipped = try paths.load(seed: 0, threads: threads, digest: false)
    #expect(digested.identity.weightsSHA256 == SHA256.hex(Data(TinyLlamaFiles.checkpointBytes())))
    #expect(skipped.identity.weightsSHA256 == nil)
    #expect(skipped.identity.weights == digested.identity.weights)
    let export = files.path("run.json")
    let run = runCLI([
      "run", "--checkpoint", files.path("tiny.bin"), "--tokenizer", files.path("tokenizer.bin"),
      "--prompt", "Once", "--steps", "2", "--threads", "\(threads)", "--export", export,
    ])
    #expect(run.code == .ok, "\(run.error)")
    let written = try String(contentsOfFile: export, encoding: .utf8)
    #expect(
      written.contains(
        "\"weightsSHA256\":\"\(SHA256.hex(Data(TinyLlamaFiles.checkpointBytes())))\""))
  }

  /// A writer cuts the file and writes it back again and again while the command line loads
  /// it: every run succeeds or fails with one line and 65 (the size was wrong when looked at)
  /// or 74 (it shrank during the read). A mapped file would die of SIGBUS here.
  @Test func aCheckpointCutAndRewrittenDuringLoadsNeverCrashes() throws {
    let files = try TinyLlamaFiles()
    defer { files.remove() }
    let path = files.path("tiny.bin")
    let bytes = Data(TinyLlamaFiles.checkpointBytes())
    let writer = try #require(FileHandle(forWritingAtPath: path))
    let stop = StopFlag()
    let done = DispatchSemaphore(value: 0)
    Thread.detachNewThread {
      var cut = 0
      while !stop.isSet {
        cut = (cut + 977) % bytes.count
        try? writer.truncate(atOffset: UInt64(cut))
        try? writer.seek(toOffset: 0)
        try? writer.write(contentsOf: bytes)
      }
      try? writer.close()
      done.signal()
    }
    var codes: [ExitCode: Int] = [:]
    for index in 0..<300 {
      if index % 30 == 0 {
        let result = runCLI([
          "run", "--checkpoint", path, "--tokenizer", files.path("tokenizer.bin"), "--prompt", "hi",
          "--steps", "1", "--detail", "summary",
        ])
        codes[result.code, default: 0] += 1
        #expect([.ok, .dataError, .ioError].contains(result.code), "\(result.error)")
        #expect(result.code == .ok || result.error.filter { $0 == "\n" }.count == 1)
        continue
      }
      do {
        let data = try ModelFiles.readCheckpoint(path)
        #expect(data == bytes)
        codes[.ok, default: 0] += 1
      } catch let failure as CommandFailure {
        #expect(failure.code == .ioError, "\(failure)")
        codes[failure.code, default: 0] += 1
      } catch {
        #expect(error is CheckpointError, "\(error)")
        codes[.dataError, default: 0] += 1
      }
    }
    stop.set()
    done.wait()
    #expect(codes.values.reduce(0, +) == 300, "\(codes)")
  }
}

/// A flag one thread sets and another reads.
final class StopFlag: @unchecked Sendable {
  private let lock = NSLock()
  private var value = false

  var isSet: Bool { lock.withLock { value } }
  func set() { lock.withLock { value = true } }
}
