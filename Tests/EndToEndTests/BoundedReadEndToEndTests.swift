// Issue 15, finding 7: replay reads what a trace comes in, and no more than a trace can hold.

import Foundation
import Testing

@Suite(.tags(.endToEnd)) struct BoundedReadEndToEndTests {
  /// A device is refused before a byte is read: `/dev/zero` would never end.
  @Test func aDeviceIsRefused() throws {
    let directory = try ScratchDirectory()
    // `timeout` only keeps a broken kvtrace from running forever; nothing here is timed.
    try directory.expectFailure(
      #"timeout 300 "$KVTRACE" replay /dev/zero > out 2> err"#, 66, "it is a device")
    #expect(directory.text("out").isEmpty)
  }

  /// A file larger than the cap is refused by its size, and the message says the cap;
  /// a stream that is not a trace is not read past its first MiB.
  @Test func aFileOverTheCapIsRefusedBeforeItIsRead() throws {
    let directory = try ScratchDirectory()
    // Sparse: 1 GiB and one byte of zeros that take no disk.
    try directory.expectFailure(
      #"truncate -s 1073741825 big.json && "$KVTRACE" replay big.json > out 2> err"#, 65,
      "more than the 1 GiB (1073741824 bytes)")
    let zeros = try directory.shell(
      #"timeout 300 "$KVTRACE" replay - < /dev/zero > out 2> err"#)
    #expect(zeros == 65, "\(directory.text("err"))")
    #expect(
      directory.text("err") == "kvtrace: standard input: line 1, column 1: "
        + "expected a value, found the byte 0x0\n")
  }

  /// `-` is standard input, a pipe or a file; a FIFO is read when a program writes to it,
  /// refused at once when none does.
  @Test func standardInputAndFIFOsAreRead() throws {
    let directory = try ScratchDirectory()
    try directory.shell(
      #""$KVTRACE" run --steps 2 --export t.jsonl > expected && mkfifo fifo nobody"#)
    let expected = directory.text("expected")
    #expect(!expected.isEmpty)
    #expect(try directory.shell(#""$KVTRACE" replay - < t.jsonl > file 2> err"#) == 0)
    #expect(directory.text("file") == expected, "\(directory.text("err"))")
    #expect(try directory.shell(#"cat t.jsonl | "$KVTRACE" replay - > pipe"#) == 0)
    #expect(directory.text("pipe") == expected)
    #expect(try directory.shell(#"cat t.jsonl > fifo & "$KVTRACE" replay fifo > fifo.out"#) == 0)
    #expect(directory.text("fifo.out") == expected)
    try directory.expectFailure(
      #"timeout 300 "$KVTRACE" replay nobody > out 2> err"#, 66, "no program is writing to")
  }
}
