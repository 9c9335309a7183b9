// Issue 15, finding 6: `--export -` and `--export /dev/stdout` write the trace to the stream.

import Foundation
import Testing

@Suite struct StandardOutputExportEndToEndTests {
  /// The trace is the whole output, byte for byte the file export, and replays.
  @Test(arguments: ["-", "/dev/stdout"])
  func aTraceGoesToStandardOutput(_ target: String) throws {
    let directory = try ScratchDirectory()
    try directory.shell(#""$KVTRACE" run --steps 2 --export t.jsonl > run.out"#)
    let status = try directory.shell(
      #""$KVTRACE" run --steps 2 --export \#(target) --format jsonl > stream 2> err"#)
    #expect(status == 0, "\(directory.text("err"))")
    #expect(directory.text("err").isEmpty)
    #expect(!directory.contents("stream").isEmpty)
    #expect(directory.contents("stream") == directory.contents("t.jsonl"))
    #expect(
      try directory.shell(
        #""$KVTRACE" run --steps 2 --export \#(target) --format json | "$KVTRACE" replay - > out"#)
        == 0)
    #expect(directory.contents("out") == directory.contents("run.out"))
  }
}
