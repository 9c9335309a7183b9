// Where an export may write: decided from what is at the path before a byte is written.
#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What `--export PATH` names, checked before anything is created.
///
/// An export replaces its target by renaming a finished file over it, and a rename
/// replaces whatever is there: as root, `--export /dev/null` would leave a regular
/// file where the device was. So only three kinds of target are accepted:
///
/// - **Standard output** (`-`, `/dev/stdout`, `/dev/fd/1`, `/proc/self/fd/1`): the
///   bytes go to the stream as they are produced; nothing is created or renamed.
/// - **A regular file**, or no file yet: replaced whole (see ``OutputFile``). An
///   existing file keeps its permission bits (and, where allowed, its owner and
///   group); a read-only one is refused rather than replaced.
/// - **A symbolic link to a regular file**: the link stays, and the file it points
///   to is replaced whole, in that file's folder (the export writes *through* the
///   link). A link to nothing (dangling) or to anything else is refused.
///
/// Devices, FIFOs, sockets and directories are refused with exit 73 and one line.
enum ExportTarget: Equatable {
  /// The process's standard output.
  case standardOutput
  /// A regular file at `path` (links resolved), new when `existing` is nil.
  case file(path: String, existing: Existing?)

  /// What an existing target file has that its replacement keeps.
  struct Existing: Equatable {
    var mode: mode_t
    var owner: uid_t
    var group: gid_t
  }

  /// The names that mean standard output.
  static let standardOutputNames: Set<String> = [
    "-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1",
  ]

  /// The target `path` names.
  ///
  /// - Throws: ``CommandFailure`` with code 73 when `path` is a directory, a device,
  ///   a FIFO, a socket, a read-only file, or a link to none of the accepted kinds.
  static func resolve(_ path: String) throws(CommandFailure) -> ExportTarget {
    if standardOutputNames.contains(path) { return .standardOutput }
    var status = stat()
    guard lstat(path, &status) == 0 else {
      // Nothing there (or a folder that is missing): creating the file says why, if it fails.
      return .file(path: path, existing: nil)
    }
    guard status.st_mode & S_IFMT == S_IFLNK else {
      return try regular(path, status, shown: path)
    }
    guard let resolved = realpath(path, nil) else {
      throw refusal(
        path, "it is a symbolic link to nothing", fix: "point it at a file or remove it")
    }
    defer { free(resolved) }
    let target = String(cString: resolved)
    guard stat(target, &status) == 0 else {
      throw .system("create", path, .cannotCreate, fix: "check where the link points")
    }
    return try regular(target, status, shown: path)
  }

  /// A `.file` target for the thing at `path` (not a link), or the refusal that fits it.
  private static func regular(_ path: String, _ status: stat, shown: String)
    throws(CommandFailure) -> ExportTarget
  {
    switch status.st_mode & S_IFMT {
    case S_IFREG:
      guard status.st_mode & 0o222 != 0, access(path, W_OK) == 0 else {
        throw refusal(
          shown, "it is read-only",
          fix: "make it writable (chmod u+w) or export to another name")
      }
      return .file(
        path: path,
        existing: Existing(
          mode: status.st_mode & 0o7777, owner: status.st_uid, group: status.st_gid))
    case S_IFDIR:
      throw refusal(shown, "it is a directory", fix: "give a file name")
    case S_IFIFO:
      throw refusal(shown, "it is a FIFO (named pipe), not a regular file", fix: standardFix)
    case S_IFSOCK:
      throw refusal(shown, "it is a socket, not a regular file", fix: standardFix)
    default:
      throw refusal(shown, "it is a device, not a regular file", fix: standardFix)
    }
  }

  private static let standardFix =
    "kvtrace replaces only regular files; give a file name, or '-' for standard output"

  private static func refusal(_ path: String, _ problem: String, fix: String) -> CommandFailure {
    CommandFailure("cannot create '\(path)': \(problem); \(fix)", .cannotCreate)
  }

  /// Whether `path` names a target that is still a regular file or nothing: checked
  /// again just before the rename, in case the path changed while the trace was written.
  static func isReplaceable(_ path: String) -> Bool {
    var status = stat()
    guard lstat(path, &status) == 0 else { return errno == ENOENT }
    return status.st_mode & S_IFMT == S_IFREG
  }
}
