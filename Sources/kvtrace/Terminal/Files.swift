// Reading and writing files: with Platform.swift, the only code of kvtrace that touches the OS.
#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension CommandFailure {
  /// The failure of the system call `action` on `path`, from `errno`: 66 for an input
  /// that cannot be read, 73 for an output that cannot be created, 74 for reading or
  /// writing that failed midway.
  static func system(_ action: String, _ path: String, _ code: ExitCode, fix: String)
    -> CommandFailure
  {
    CommandFailure("cannot \(action) '\(path)': \(String(cString: strerror(errno))); \(fix)", code)
  }
}

/// Whole-file reads.
enum Files {
  /// The bytes of the file at `path`.
  ///
  /// - Throws: ``CommandFailure`` with code 66 when the file is missing, unreadable
  ///   or a directory, 74 when reading fails midway.
  static func read(_ path: String) throws(CommandFailure) -> [UInt8] {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else {
      throw .system("read", path, .noInput, fix: "check the path")
    }
    defer { close(descriptor) }
    var status = stat()
    if fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFDIR {
      throw CommandFailure(
        "cannot read '\(path)': it is a directory; give the trace file's path", .noInput)
    }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let count = chunk.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress, $0.count) }
      if count == 0 { return bytes }
      if count < 0 {
        if errno == EINTR { continue }
        throw .system("read", path, .ioError, fix: "check the disk and try again")
      }
      bytes += chunk[..<count]
    }
  }
}

/// A new file that replaces `path` only once it is complete.
///
/// Bytes go to a temporary file beside the target (same folder, so the final
/// rename cannot cross file systems); ``commit()`` flushes it to disk and
/// renames it over the target in one step. A reader of `path` sees the old
/// file or the whole new one, never half of it; if kvtrace fails or is stopped
/// midway, the old file is untouched.
final class OutputFile {
  // A class: it owns an open file descriptor, closed exactly once.
  let path: String
  private let temporaryPath: String
  private var descriptor: Int32
  private var buffer: [UInt8] = []
  private var failure: CommandFailure?
  private var isOpen = true

  /// Creates the temporary file beside `path`.
  ///
  /// - Throws: ``CommandFailure`` with code 73 when the folder is missing or not
  ///   writable, or `path` is a directory.
  init(replacing path: String) throws(CommandFailure) {
    var status = stat()
    if stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFDIR {
      throw CommandFailure(
        "cannot create '\(path)': it is a directory; give a file name", .cannotCreate)
    }
    let slash = path.lastIndex(of: "/")
    let folder = slash.map { String(path[...$0]) } ?? ""
    let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
    self.path = path
    temporaryPath = "\(folder).\(name).kvtrace-\(getpid()).tmp"
    descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else {
      throw .system(
        "create", path, .cannotCreate, fix: "check that the folder exists and is writable")
    }
    Platform.removeOnInterrupt(temporaryPath)
    buffer.reserveCapacity(1 << 16)
  }

  deinit { discard() }

  /// Appends `bytes`; they reach the disk in large writes. A failure is kept for ``commit()``.
  func write(_ bytes: [UInt8]) {
    buffer += bytes
    if buffer.count >= 1 << 16 { flush() }
  }

  /// Writes what is buffered, syncs it, and renames the file into place.
  ///
  /// - Throws: ``CommandFailure`` with code 74 when writing failed, 73 when the rename did.
  func commit() throws(CommandFailure) {
    flush()
    if failure == nil, fsync(descriptor) != 0 {
      failure = .system("write", path, .ioError, fix: "check the disk and try again")
    }
    close(descriptor)
    isOpen = false
    defer { Platform.removeOnInterrupt(nil) }
    if let failure {
      unlink(temporaryPath)
      throw failure
    }
    guard rename(temporaryPath, path) == 0 else {
      let error = CommandFailure.system(
        "create", path, .cannotCreate, fix: "check that the folder is writable")
      unlink(temporaryPath)
      throw error
    }
  }

  /// Closes and removes the temporary file; the target stays as it was.
  func discard() {
    guard isOpen else { return }
    close(descriptor)
    unlink(temporaryPath)
    isOpen = false
    Platform.removeOnInterrupt(nil)
  }

  private func flush() {
    guard failure == nil, isOpen else { return }
    var offset = 0
    while offset < buffer.count {
      let written = buffer.withUnsafeBytes { raw -> Int in
        guard let base = raw.baseAddress else { return 0 }
        return systemWrite(descriptor, base + offset, raw.count - offset)
      }
      if written < 0, errno == EINTR { continue }
      guard written > 0 else {
        failure = .system("write", path, .ioError, fix: "check the disk and try again")
        break
      }
      offset += written
    }
    buffer.removeAll(keepingCapacity: true)
  }
}
