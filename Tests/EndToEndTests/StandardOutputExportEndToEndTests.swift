// Issue 15, finding 6: `--export -` and `--export /dev/stdout` write the trace to the stream.

import Foundation
import Testing

@Suite(.tags(.endToEnd)) struct StandardOutputExportEndToEndTests {
  /// The trace is the whole output, byte for byte the file export, and replays.
  ///
  /// `-` is checked first: a kvtrace that replaced its target by renaming would, as
  /// root, replace `/dev/stdout` itself, so that name is only tried once `-` works.
  @Test func aTraceGoesToStandardOutput() throws {
    let directory = try ScratchDirectory()
    try directory.shell(#""$KVTRACE" run --steps 2 --export t.jsonl > run.out"#)
    for target in ["-", "/dev/stdout"] {
      let status = try directory.shell(
        #""$KVTRACE" run --steps 2 --export \#(target) --format jsonl > stream 2> err"#)
      #expect(status == 0, "\(directory.text("err"))")
      #expect(directory.text("err").isEmpty)
      try #require(!directory.contents("stream").isEmpty, "\(target)")
      try #require(directory.contents("stream") == directory.contents("t.jsonl"), "\(target)")
      let replayed = try directory.shell(
        #""$KVTRACE" run --steps 2 --export \#(target) --format json | "$KVTRACE" replay - > out"#)
      #expect(replayed == 0)
      #expect(directory.contents("out") == directory.contents("run.out"), "\(target)")
    }
  }
}
