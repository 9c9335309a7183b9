import Dispatch
import Foundation
import Synchronization
import TinyTransformer

/// `--checkpoint FILE [--tokenizer FILE]`: a llama2.c model instead of kvtrace's own weights.
///
/// Without `--tokenizer`, a checkpoint whose vocabulary is the demo vocabulary's size (what
/// `kvtrace train` writes) reads its tokens with the demo tokenizer.
///
/// Any command that runs a model can take these two options: add them to its options in
/// ``CommandSpecs`` and build its model through ``RunOptions/model()``. The files are read
/// only when the model is built, into memory and never mapped: a mapped file that shrinks
/// while the model reads it kills the process (SIGBUS), where a read simply comes up short.
struct ModelFiles: Sendable, Equatable {
  /// The path of the llama2.c checkpoint, e.g. `stories15M.bin`.
  var checkpoint: String
  /// The path of its `tokenizer.bin`; `nil`: the demo tokenizer.
  var tokenizer: String?

  /// The options that set a random model's shape; a checkpoint fixes the shape itself.
  static let shapeOptions = ["layers", "heads", "kv-heads", "dim", "context"]

  /// The two paths, `nil` when neither option is given.
  ///
  /// - Throws: ``UsageError`` when `--tokenizer` comes without `--checkpoint`, or a shape
  ///   option is given with them.
  static func parse(_ arguments: ParsedArguments) throws(UsageError) -> ModelFiles? {
    switch (arguments.last("checkpoint"), arguments.last("tokenizer")) {
    case (nil, nil):
      return nil
    case (nil, let tokenizer?):
      throw UsageError(
        "--tokenizer needs --checkpoint",
        fix: "give the model too, e.g. --checkpoint stories15M.bin --tokenizer \(tokenizer)")
    case (let checkpoint?, let tokenizer):
      if let shape = shapeOptions.first(where: arguments.has) {
        throw UsageError(
          "--\(shape) cannot be used with --checkpoint: the checkpoint fixes the model's shape",
          fix: "drop --\(shape)")
      }
      return ModelFiles(checkpoint: checkpoint, tokenizer: tokenizer)
    }
  }

  /// Reads and checks both files and builds the model.
  ///
  /// With two threads or more, two threads read the checkpoint's two halves, and then one
  /// computes its SHA-256 (for the trace's header) while the other checks the weights and
  /// reads the tokenizer: the same model, sooner.
  ///
  /// - Parameters:
  ///   - seed: The seed of sampling.
  ///   - threads: How many threads may share the loading.
  ///   - digest: Whether the trace header needs the checkpoint's SHA-256: only a trace that
  ///     is written to a file does, and hashing 60 MB is not free.
  /// - Throws: ``CommandFailure`` with exit 66 when a file cannot be read, 65 when it is not
  ///   what it should be, 74 when the checkpoint comes up short while it is read.
  func load(seed: UInt64, threads: Int = 1, digest: Bool = true) throws(CommandFailure)
    -> TinyTransformer
  {
    let name = URL(fileURLWithPath: checkpoint).lastPathComponent
    do {
      let data = try Self.readCheckpoint(self.checkpoint, threads: threads)
      guard threads > 1, digest else {
        let checkpoint = try Checkpoint(data)
        let tokenizer = try self.tokenizer(for: checkpoint)
        return try TinyTransformer(
          checkpoint: checkpoint, tokenizer: tokenizer, name: name, seed: seed,
          digestsWeights: digest)
      }
      let hexDigest = Mutex<String?>(nil)
      // (Replaced by the second part's result before it is read.)
      let checked = Mutex<Result<(Checkpoint, Tokenizer), any Error>>(.failure(CancellationError()))
      DispatchQueue.concurrentPerform(iterations: 2) { part in
        if part == 0 {
          let hex = SHA256.hex(data)
          hexDigest.withLock { $0 = hex }
        } else {
          let result = Result { () throws -> (Checkpoint, Tokenizer) in
            let checkpoint = try Checkpoint(data)
            return (checkpoint, try self.tokenizer(for: checkpoint))
          }
          checked.withLock { $0 = result }
        }
      }
      let (checkpoint, tokenizer) = try checked.withLock { $0 }.get()
      return try TinyTransformer(
        checkpoint: checkpoint, tokenizer: tokenizer, name: name, seed: seed,
        weightsSHA256: hexDigest.withLock { $0 })
    } catch let error as CommandFailure {
      throw error
    } catch let error as CheckpointError {
      throw CommandFailure("checkpoint '\(checkpoint)': \(error)", .dataError)
    } catch let error as TokenizerError {
      throw CommandFailure("tokenizer '\(tokenizer ?? "")': \(error)", .dataError)
    } catch {
      throw CommandFailure("cannot load '\(checkpoint)': \(error)", .dataError)
    }
  }

  /// `--tokenizer`'s file, or without one the demo tokenizer when the vocabulary sizes agree.
  private func tokenizer(for checkpoint: Checkpoint) throws -> Tokenizer {
    let size = checkpoint.config.vocabularySize
    guard let tokenizer else {
      guard size == Tokenizer.demo.vocabularySize else {
        throw CommandFailure(
          UsageError(
            "the checkpoint '\(self.checkpoint)' has a vocabulary of \(size) tokens, not the demo "
              + "vocabulary's \(Tokenizer.demo.vocabularySize), so it needs its own tokenizer",
            fix: "add --tokenizer FILE (\(Self.tokenizerHome))"))
      }
      return .demo
    }
    return try Tokenizer(
      llama2cTokenizer: try Self.read(tokenizer, kind: "tokenizer", home: Self.tokenizerHome),
      vocabularySize: size)
  }

  /// Where the published checkpoints are.
  static let checkpointHome = "the stories models are at https://huggingface.co/karpathy/tinyllamas"
  /// Where the stories models' tokenizer is.
  static let tokenizerHome = "tokenizer.bin is in https://github.com/karpathy/llama2.c"

  /// The checkpoint's bytes, read into memory: first its header, which says how many bytes
  /// the file must have; then, once the file's size agrees, exactly those bytes.
  ///
  /// - Throws: ``CheckpointError`` when the header or the size is wrong, ``CommandFailure``
  ///   when the file cannot be read (66) or ends early while it is read (74).
  static func readCheckpoint(_ path: String, threads: Int = 1) throws -> Data {
    let size = try regularFileSize(path, kind: "checkpoint", home: checkpointHome)
    guard let handle = FileHandle(forReadingAtPath: path) else { throw cannotRead(path) }
    defer { try? handle.close() }
    return try readCheckpoint(handle, fileSize: size, path: path, threads: threads)
  }

  /// The checkpoint's bytes from `handle`, for a file that had `size` bytes when it was
  /// looked at: the file may have changed since, and then the read comes up short (74).
  static func readCheckpoint(
    _ handle: FileHandle, fileSize size: Int, path: String, threads: Int = 1
  ) throws -> Data {
    let headerSize = Checkpoint.headerByteCount
    let header = (try? handle.read(upToCount: headerSize)) ?? Data()
    // A file that had a whole header when it was looked at, and has none now, shrank.
    if size >= headerSize, header.count < headerSize {
      throw shrank(path, after: header.count, of: headerSize)
    }
    let expected = try Checkpoint.byteCount(header: header, fileSize: size)
    // Straight into weight memory (huge pages where the system has them), the weights on a
    // cache line: the model reads them there, with no second copy.
    // With two threads or more, in 2 MB pieces (a huge page each) that the threads take as
    // they finish: the system clears and fills their pages at once. (Halves were slower: some
    // pages come back to a process fast and others slowly, and one half could take four
    // times as long as the other, its thread alone.)
    let piece = threads > 1 && expected >= 1 << 22 ? 1 << 21 : max(expected, 1)
    let parts = (expected + piece - 1) / piece
    let range: @Sendable (Int) -> Range<Int> = { (piece * $0)..<min(piece * ($0 + 1), expected) }
    let before = FileVersion(handle.fileDescriptor)
    return try WeightMemory.data(count: expected, alignedAt: headerSize) { bytes in
      let counts = Mutex([Result<Int, CommandFailure>](repeating: .success(0), count: parts))
      nonisolated(unsafe) let bytes = bytes  // each part writes its own range
      let next = Atomic(0)  // the next piece nobody has taken
      DispatchQueue.concurrentPerform(iterations: min(threads, parts)) { _ in
        while case let part = next.wrappingAdd(1, ordering: .relaxed).oldValue, part < parts {
          let result = Result { () throws(CommandFailure) -> Int in
            try readFully(handle.fileDescriptor, into: bytes, range: range(part), path: path)
          }
          counts.withLock { $0[part] = result }
        }
      }
      var count = 0
      for (part, result) in counts.withLock({ $0 }).enumerated() {
        let got = try result.get()
        count += got
        // A part that came up short: the file ended there.
        if got < range(part).count { break }
      }
      guard count == expected else { throw shrank(path, after: count, of: expected) }
      // Whole, but written to meanwhile (a size, a change time): the bytes may mix two
      // versions of the file, so they are not weights to trust.
      guard let before, FileVersion(handle.fileDescriptor) == before else {
        throw CommandFailure(
          "the checkpoint file '\(path)' changed on disk while it was read; read it again "
            + "once it is complete", .ioError)
      }
    }
  }

  /// What changes when a file is written to: its size and its change time.
  private struct FileVersion: Equatable {
    var size: Int
    var changed: timespec

    init?(_ descriptor: Int32) {
      var status = stat()
      guard fstat(descriptor, &status) == 0 else { return nil }
      size = Int(status.st_size)
      #if canImport(Darwin)
        changed = status.st_ctimespec
      #else
        changed = status.st_ctim
      #endif
    }

    static func == (a: FileVersion, b: FileVersion) -> Bool {
      a.size == b.size && a.changed.tv_sec == b.changed.tv_sec
        && a.changed.tv_nsec == b.changed.tv_nsec
    }
  }

  /// Reads the bytes `range` of the file into the same bytes of `bytes`, until the range is
  /// full or the file ends; how many bytes were read.
  private static func readFully(
    _ descriptor: Int32, into bytes: UnsafeMutableRawBufferPointer, range: Range<Int>,
    path: String
  ) throws(CommandFailure) -> Int {
    var done = 0
    while done < range.count, let base = bytes.baseAddress {
      let chunk = min(range.count - done, 1 << 24)
      let at = range.lowerBound + done
      let got = pread(descriptor, base + at, chunk, off_t(at))
      if got > 0 {
        done += got
      } else if got == 0 {
        break
      } else if errno != EINTR {
        throw CommandFailure(
          "cannot read the checkpoint file '\(path)': \(String(cString: strerror(errno))); "
            + "check the disk and try again", .ioError)
      }
    }
    return done
  }

  /// The checkpoint at `path` ended after `count` of the `expected` bytes it had when it was
  /// looked at: it changed on disk while it was read (74).
  private static func shrank(_ path: String, after count: Int, of expected: Int) -> CommandFailure {
    CommandFailure(
      "the checkpoint file '\(path)' ended after \(count) of its \(expected) bytes "
        + "while it was read: it changed on disk; read it again once it is complete", .ioError)
  }

  /// The size of the regular file at `path`, refusing a missing file, a directory or a device.
  private static func regularFileSize(_ path: String, kind: String, home: String)
    throws(CommandFailure) -> Int
  {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw CommandFailure("no \(kind) file at '\(path)'; check the path (\(home))", .noInput)
    }
    guard !isDirectory.boolValue else {
      throw CommandFailure(
        "'\(path)' is a directory, not a \(kind) file; give the path of the .bin file", .noInput)
    }
    // Of the file itself: a symlinked checkpoint is read through its link.
    let attributes = try? FileManager.default.attributesOfItem(
      atPath: URL(fileURLWithPath: path).resolvingSymlinksInPath().path)
    guard let attributes, let size = (attributes[.size] as? NSNumber)?.intValue else {
      throw cannotRead(path, kind: kind)
    }
    guard attributes[.type] as? FileAttributeType == .typeRegular else {
      throw CommandFailure(
        "'\(path)' is not a regular file (a device or a FIFO?), so it is no \(kind) file; "
          + "give the path of the .bin file", .noInput)
    }
    return size
  }

  private static func cannotRead(_ path: String, kind: String = "checkpoint") -> CommandFailure {
    CommandFailure("cannot read the \(kind) file '\(path)'; check that it is readable", .noInput)
  }

  /// The file's bytes, read into memory (a regular file only, so never a device's endless bytes).
  private static func read(_ path: String, kind: String, home: String) throws(CommandFailure)
    -> Data
  {
    _ = try regularFileSize(path, kind: kind, home: home)
    do {
      return try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw cannotRead(path, kind: kind)
    }
  }
}
