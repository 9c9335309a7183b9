// Issue 15, finding 5: output that cannot be written is an error, a reader that leaves is not.

import Foundation
import Testing

@Suite(.tags(.endToEnd)) struct StandardOutputEndToEndTests {
  /// `kvtrace … > /dev/full`: the output is lost, so kvtrace says so and exits 74.
  @Test(arguments: [
    "run", "schema", "--help", "replay t.json", "compare --steps 1",
  ])
  func aFullDiskExitsSeventyFour(_ command: String) throws {
    guard FileManager.default.fileExists(atPath: "/dev/full") else { return }  // Linux has it
    let directory = try ScratchDirectory()
    #expect(try directory.shell(#""$KVTRACE" run --steps 1 --export t.json > /dev/null"#) == 0)
    try directory.expectFailure(
      #""$KVTRACE" \#(command) > /dev/full 2> err"#, 74,
      "cannot write to standard output: No space left on device")
  }

  /// `kvtrace run >&-`: no standard output at all is a write error too, and no file
  /// kvtrace opens takes its place.
  @Test func aClosedStandardOutputExitsSeventyFour() throws {
    let directory = try ScratchDirectory()
    try directory.expectFailure(
      #""$KVTRACE" run --steps 1 --export t.json >&- 2> err"#, 74,
      "cannot write to standard output")
    #expect(directory.contents("t.json").starts(with: Data(#"{"format":"kvtrace""#.utf8)))
  }

  /// `kvtrace run | head -c 10`: the reader has what it wanted. kvtrace stops with
  /// 141 (128 + SIGPIPE) and nothing on standard error, whether its parent left
  /// SIGPIPE at its default or ignored it (`trap '' PIPE`).
  @Test(arguments: ["", "trap '' PIPE; "])
  func aReaderThatLeavesEndsItQuietly(_ prelude: String) throws {
    let directory = try ScratchDirectory()
    // About 950 KB of output: far more than a pipe holds, so `head` leaves before the end.
    let status = try directory.shell(
      #"{ \#(prelude)"$KVTRACE" run --context 512 --steps 400 2> err; echo $? > status; }"#
        + " | head -c 10 > head")
    #expect(status == 0)
    #expect(directory.text("head").count == 10)
    #expect(directory.text("status") == "141\n")
    #expect(directory.text("err").isEmpty)
  }

  /// The same for a trace streamed to standard output: the run stops when the reader does.
  @Test func aStreamedExportEndsQuietlyWhenItsReaderLeaves() throws {
    let directory = try ScratchDirectory()
    let status = try directory.shell(
      #"{ trap '' PIPE; "$KVTRACE" run --context 512 --steps 400 --export - --format jsonl"#
        + #" 2> err; echo $? > status; } | head -c 10 > head"#)
    #expect(status == 0)
    #expect(directory.text("head") == #"{"format":"#)
    #expect(directory.text("status") == "141\n")
    #expect(directory.text("err").isEmpty)
  }
}
