// Issue 15, finding 6: an export replaces a regular file or nothing, and nothing else.

import Foundation
import KVTrace
import Testing

@testable import kvtrace

@Suite(.tags(.unit)) struct ExportTargetTests {
  /// The kind of file at `path` (`S_IFIFO`, `S_IFCHR`, …), not following a link.
  private func kind(_ path: String) -> mode_t {
    var status = stat()
    return lstat(path, &status) == 0 ? status.st_mode & S_IFMT : 0
  }

  /// A FIFO, a device or a directory is refused with 73 before anything is created,
  /// and is still what it was.
  @Test func onlyARegularFileIsReplaced() throws {
    let directory = try TemporaryDirectory()
    let fifo = directory.path("pipe.json")
    #expect(mkfifo(fifo, 0o600) == 0)
    expectFailure(
      runCLI(["--steps", "1", "--export", fifo]), .cannotCreate, ["pipe.json", "it is a FIFO"])
    try #require(kind(fifo) == S_IFIFO, "the FIFO must not have been replaced")
    #expect(try directory.names() == ["pipe.json"], "no temporary file is left behind")
    // Devices: refused by looking at them, so even as root nothing in /dev is touched.
    for device in ["/dev/null", "/dev/full"] where kind(device) == S_IFCHR {
      expectFailure(
        runCLI(["--steps", "1", "--export", device, "--format", "json"]), .cannotCreate,
        ["'\(device)'", "it is a device, not a regular file", "'-' for standard output"])
      #expect(kind(device) == S_IFCHR)
    }
  }

  /// A link is written through: it stays a link, and the file it points to gets the trace
  /// (replaced whole, in its own folder). A link to nothing is refused.
  @Test func aSymbolicLinkIsWrittenThrough() throws {
    let directory = try TemporaryDirectory()
    try FileManager.default.createDirectory(
      atPath: directory.path("real"), withIntermediateDirectories: true)
    try Data("old".utf8).write(to: URL(fileURLWithPath: directory.path("real/t.json")))
    #expect(symlink("real/t.json", directory.path("link.json")) == 0)
    #expect(runCLI(["--steps", "1", "--export", directory.path("link.json")]).code == .ok)
    #expect(kind(directory.path("link.json")) == S_IFLNK)
    #expect(runCLI(["--steps", "1", "--export", directory.path("direct.json")]).code == .ok)
    #expect(directory.contents("real/t.json") == directory.contents("direct.json"))
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: directory.path("real")) == ["t.json"])
    #expect(symlink("nowhere.json", directory.path("dangling.json")) == 0)
    expectFailure(
      runCLI(["--steps", "1", "--export", directory.path("dangling.json")]), .cannotCreate,
      ["dangling.json", "symbolic link to nothing"])
    #expect(kind(directory.path("nowhere.json")) == 0)
  }

  /// The replacement keeps the permissions of the file it replaces; a read-only file
  /// is refused rather than replaced.
  @Test func permissionsAreKept() throws {
    let directory = try TemporaryDirectory()
    let manager = FileManager.default
    for (name, mode) in [("private.json", 0o600), ("shared.json", 0o664)] {
      try Data("old".utf8).write(to: URL(fileURLWithPath: directory.path(name)))
      try manager.setAttributes([.posixPermissions: mode], ofItemAtPath: directory.path(name))
      #expect(runCLI(["--steps", "1", "--export", directory.path(name)]).code == .ok)
      let kept = try manager.attributesOfItem(atPath: directory.path(name))[.posixPermissions]
      #expect(kept as? Int == mode, "\(name)")
    }
    let readOnly = directory.path("read-only.json")
    try Data("old".utf8).write(to: URL(fileURLWithPath: readOnly))
    try manager.setAttributes([.posixPermissions: 0o444], ofItemAtPath: readOnly)
    expectFailure(
      runCLI(["--steps", "1", "--export", readOnly]), .cannotCreate,
      ["read-only.json", "it is read-only"])
    #expect(directory.contents("read-only.json") == Array("old".utf8))
  }

  /// The temporary name does not grow with the target's: a 245-byte name (legal up to
  /// 255) is exported to, and nothing else is left in the folder.
  @Test func aLongFileNameCanBeExportedTo() throws {
    let directory = try TemporaryDirectory()
    let name = String(repeating: "a", count: 240) + ".json"
    #expect(name.utf8.count == 245)
    let result = runCLI(["--steps", "1", "--export", directory.path(name)])
    #expect(result.code == .ok, "\(result.error)")
    #expect(try directory.names() == [name])
    #expect(try TraceDecoder.decode(try #require(directory.contents(name))).steps.count == 2)
  }

  /// `compare` writes two traces: they cannot share standard output.
  @Test func compareDoesNotExportToStandardOutput() {
    for target in ["-", "/dev/stdout"] {
      expectFailure(
        runCLI(["compare", "--export", target, "--format", "json"]), .usage,
        ["compare exports two traces, so --export cannot be standard output"])
    }
  }

  /// A trace `replay` could not read is not written: past its limit the export fails
  /// with 73 and the target is untouched.
  @Test func anExportStopsAtItsLimit() throws {
    let directory = try TemporaryDirectory()
    let path = directory.path("t.json")
    try Data("old".utf8).write(to: URL(fileURLWithPath: path))
    let file = try OutputFile(replacing: path, limit: 10)
    file.write(Array("0123456789".utf8))
    file.write([0x0A])
    #expect(throws: CommandFailure.self) { try file.commit() }
    #expect(directory.contents("t.json") == Array("old".utf8))
    #expect(try directory.names() == ["t.json"])
    #expect(Exporter.limit(.json) == Files.traceLimit)
    #expect(Exporter.limit(.chrome) == nil)
  }
}
