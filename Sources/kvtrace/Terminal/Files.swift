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

/// Reading a trace for `replay`, bounded.
///
/// `replay` reads a whole trace into memory, so what it reads is bounded before a
/// byte is read: a regular file, standard input (`-`, whatever it is: a file, a
/// pipe) or a FIFO that a program is writing to. A device such as `/dev/zero`, a
/// directory, or a FIFO that no program writes to (within about five seconds) is
/// refused (exit 66) instead of read until memory runs out or waited on forever.
/// No trace is read past ``traceLimit`` (1 GiB, the most `run --export` writes;
/// replaying that much takes about 2.5 GB of memory): a larger regular file is
/// refused by its size before it is read, a longer stream as soon as it passes the
/// limit (exit 65). Input that does not start like a trace (`{`) is not read past
/// its first MiB: the decoder reports its first byte.
enum Files {
  /// The most bytes a trace may have: `replay` reads no more, `run` exports no more.
  static let traceLimit = 1 << 30
  /// ``traceLimit`` for messages.
  static let traceLimitText = "1 GiB (1073741824 bytes)"

  /// The bytes of the trace at `path`, or of standard input when `path` is `-`.
  ///
  /// - Parameter stdinIsTerminal: Whether standard input is a terminal; `-` is then
  ///   refused rather than waiting for someone to type a trace.
  /// - Throws: ``CommandFailure`` with code 66 when the file is missing, unreadable
  ///   or not something a trace is read from, 65 when it is larger than
  ///   ``traceLimit``, 74 when reading fails midway.
  static func readTrace(_ path: String, stdinIsTerminal: Bool = false) throws(CommandFailure)
    -> [UInt8]
  {
    if path == "-" {
      guard !stdinIsTerminal else {
        throw CommandFailure(
          "cannot read a trace from standard input: it is a terminal; "
            + "pipe a trace into 'kvtrace replay -' or give the trace file's path", .noInput)
      }
      let first = try check(STDIN_FILENO, "standard input", isStandardInput: true)
      return try readAll(STDIN_FILENO, "standard input", after: first)
    }
    let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
    guard descriptor >= 0 else {
      throw .system("read", path, .noInput, fix: "check the path")
    }
    defer { close(descriptor) }
    let first = try check(descriptor, path, isStandardInput: false)
    return try readAll(descriptor, path, after: first)
  }

  /// Refuses what a trace is never read from; for a FIFO, waits only if a program writes to it.
  ///
  /// - Returns: The bytes already read (from a FIFO), to read on from.
  private static func check(_ descriptor: Int32, _ path: String, isStandardInput: Bool)
    throws(CommandFailure) -> [UInt8]
  {
    var status = stat()
    guard fstat(descriptor, &status) == 0 else {
      throw .system("read", path, .noInput, fix: "check the path")
    }
    switch status.st_mode & S_IFMT {
    case S_IFDIR:
      throw CommandFailure(
        "cannot read '\(path)': it is a directory; give the trace file's path", .noInput)
    case S_IFREG:
      guard status.st_size <= traceLimit else {
        throw CommandFailure(
          "cannot read '\(path)': it has \(status.st_size) bytes, more than the "
            + "\(traceLimitText) kvtrace reads for a trace; is it a trace file?", .dataError)
      }
    case S_IFIFO where !isStandardInput:
      return try awaitWriter(descriptor, path)
    case _ where isStandardInput:
      break  // standard input is read whatever it is, up to the limit
    default:
      throw CommandFailure(
        "cannot read '\(path)': it is a device, not a trace file; "
          + "give a trace file's path, or '-' to read standard input", .noInput)
    }
    return []
  }

  /// The first bytes of a FIFO opened without blocking, after which its reads block;
  /// refuses one that no program opens for writing within about five seconds.
  ///
  /// With no writer a non-blocking read sees the end at once; with a writer that has
  /// sent nothing yet it fails with `EAGAIN` (a writer blocked opening the FIFO counts).
  /// A writer started just before kvtrace (`producer > fifo & kvtrace replay fifo`)
  /// may open the FIFO a moment after kvtrace does, so kvtrace looks again every 10 ms.
  private static func awaitWriter(_ descriptor: Int32, _ path: String) throws(CommandFailure)
    -> [UInt8]
  {
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    for _ in 0..<fifoWriterChecks {
      let count = chunk.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress, $0.count) }
      if count == 0 || (count < 0 && errno == EINTR) {
        usleep(10_000)  // no writer yet
        continue
      }
      if count < 0, errno != EAGAIN {
        throw .system("read", path, .ioError, fix: "check the writer and try again")
      }
      _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
      return Array(chunk[..<max(count, 0)])
    }
    throw CommandFailure(
      "cannot read '\(path)': it is a FIFO that no program is writing to; "
        + "start the writer first, or give a trace file's path", .noInput)
  }

  /// How many times, 10 ms apart, a FIFO is checked for a writer: about five seconds.
  private static let fifoWriterChecks = 500

  /// Reads `descriptor` to its end after the bytes `first`, up to ``traceLimit`` bytes.
  private static func readAll(_ descriptor: Int32, _ path: String, after first: [UInt8])
    throws(CommandFailure) -> [UInt8]
  {
    var bytes = first
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let count = chunk.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress, $0.count) }
      if count == 0 { return bytes }
      if count < 0 {
        if errno == EINTR { continue }
        throw .system("read", path, .ioError, fix: "check the disk and try again")
      }
      bytes += chunk[..<count]
      guard bytes.count <= traceLimit else {
        throw CommandFailure(
          "cannot read '\(path)': it goes on past the \(traceLimitText) "
            + "kvtrace reads for a trace; is it a trace?", .dataError)
      }
      if bytes.count >= 1 << 20, !startsLikeATrace(bytes) { return bytes }
    }
  }

  /// Whether the first byte that is not white space is `{`, as in every trace.
  private static func startsLikeATrace(_ bytes: [UInt8]) -> Bool {
    bytes.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) } == UInt8(ascii: "{")
  }
}
