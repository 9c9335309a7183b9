// Writing an export: to a file replaced whole, or to standard output as a stream.
#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A new file that replaces `path` only once it is complete, or standard output.
///
/// Bytes go to a temporary file beside the target (same folder, so the final
/// rename cannot cross file systems); ``commit()`` flushes it to disk and
/// renames it over the target in one step. A reader of `path` sees the old
/// file or the whole new one, never half of it; if kvtrace fails or is stopped
/// midway, the old file is untouched. What may be replaced, and what a symbolic
/// link means, is ``ExportTarget``'s rule.
///
/// The temporary name is short and does not contain the target's name
/// (`.kvtrace-PID-N.tmp`), so any legal target name, up to the file system's
/// 255 bytes, can be exported to.
///
/// When the target is standard output (`-`, `/dev/stdout`) the bytes go to the
/// stream; a reader that stops reading (`| head`) ends kvtrace quietly, see
/// ``Platform/readerLeft()``.
final class OutputFile {
  // A class: it owns an open file descriptor, closed exactly once.
  /// The target as the command line gave it, for messages.
  let path: String
  /// The file the rename replaces (a link's target); nil for standard output.
  private let targetPath: String?
  private let temporaryPath: String?
  private var descriptor: Int32
  private var buffer: [UInt8] = []
  private var failure: CommandFailure?
  private var isOpen = true
  private let limit: Int?
  private var count = 0

  /// Creates the temporary file beside `path`, or writes to standard output.
  ///
  /// - Parameter limit: The most bytes the export may hold (the most `replay` reads),
  ///   or nil for none; passing it fails the export at ``commit()`` with code 73.
  /// - Throws: ``CommandFailure`` with code 73 when the folder is missing or not
  ///   writable, or `path` is not something an export may replace (``ExportTarget``).
  init(replacing path: String, limit: Int? = nil) throws(CommandFailure) {
    self.path = path
    self.limit = limit
    switch try ExportTarget.resolve(path) {
    case .standardOutput:
      targetPath = nil
      temporaryPath = nil
      descriptor = STDOUT_FILENO
    case .file(let target, let existing):
      targetPath = target
      (temporaryPath, descriptor) = try Self.createTemporary(
        beside: target, shown: path, keeping: existing)
      Platform.removeOnInterrupt(temporaryPath)
    }
    buffer.reserveCapacity(1 << 16)
  }

  deinit { discard() }

  /// Appends `bytes`; they reach the target in large writes. A failure is kept for ``commit()``.
  func write(_ bytes: [UInt8]) {
    guard failure == nil else { return }
    count += bytes.count
    if let limit, count > limit {
      failure = CommandFailure(
        "cannot export '\(path)': the trace is larger than \(Files.traceLimitText), the most "
          + "'kvtrace replay' reads; use --detail summary, fewer --steps or a smaller model",
        .cannotCreate)
      buffer.removeAll()
      return
    }
    buffer += bytes
    if buffer.count >= 1 << 16 { flush() }
  }

  /// Writes what is buffered, syncs it, and renames the file into place.
  ///
  /// - Throws: ``CommandFailure`` with code 74 when writing failed, 73 when the rename did
  ///   or the trace passed its limit.
  func commit() throws(CommandFailure) {
    flush()
    guard let temporaryPath, let targetPath else {
      isOpen = false
      if let failure { throw failure }
      return
    }
    if failure == nil, fsync(descriptor) != 0 {
      failure = .system("write", path, .ioError, fix: "check the disk and try again")
    }
    close(descriptor)
    isOpen = false
    defer { Platform.removeOnInterrupt(nil) }
    if failure == nil, !ExportTarget.isReplaceable(targetPath) {
      failure = CommandFailure(
        "cannot create '\(path)': it is no longer a regular file; nothing was replaced",
        .cannotCreate)
    }
    if let failure {
      unlink(temporaryPath)
      throw failure
    }
    guard rename(temporaryPath, targetPath) == 0 else {
      let error = CommandFailure.system(
        "create", path, .cannotCreate, fix: "check that the folder is writable")
      unlink(temporaryPath)
      throw error
    }
  }

  /// Closes and removes the temporary file; the target stays as it was.
  func discard() {
    guard isOpen else { return }
    isOpen = false
    guard let temporaryPath else { return }
    close(descriptor)
    unlink(temporaryPath)
    Platform.removeOnInterrupt(nil)
  }

  private func flush() {
    guard failure == nil, isOpen, !buffer.isEmpty else { return }
    defer { buffer.removeAll(keepingCapacity: true) }
    let written =
      temporaryPath == nil
      ? Platform.writeStandardOutput(buffer) : Platform.write(buffer, to: descriptor)
    guard written else {
      if temporaryPath == nil {
        if errno == EPIPE { Platform.readerLeft() }
        failure = .standardOutput("the trace")
      } else {
        failure = .system("write", path, .ioError, fix: "check the disk and try again")
      }
      return
    }
  }

  /// A new file beside `target`, with a name that fits whatever `target`'s is, and the
  /// permissions of the file it will replace.
  private static func createTemporary(
    beside target: String, shown: String, keeping existing: ExportTarget.Existing?
  ) throws(CommandFailure) -> (String, Int32) {
    let folder = target.lastIndex(of: "/").map { String(target[...$0]) } ?? ""
    for attempt in 0..<1_000 {
      let name = "\(folder).kvtrace-\(getpid())-\(attempt).tmp"
      let descriptor = open(name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
      if descriptor >= 0 {
        if let existing {
          _ = fchown(descriptor, existing.owner, existing.group)  // allowed only to root, mostly
          _ = fchmod(descriptor, existing.mode)
        }
        return (name, descriptor)
      }
      guard errno == EEXIST else { break }  // another export of this process is using the name
    }
    throw .system(
      "create", shown, .cannotCreate, fix: "check that the folder exists and is writable")
  }
}
