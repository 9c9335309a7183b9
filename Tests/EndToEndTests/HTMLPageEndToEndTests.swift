// The built kvtrace writing web pages, and opening its walk-through at a chosen step.

import Foundation
import Testing

/// `--format html` and `kvtrace step --start N`.
@Suite(.tags(.endToEnd)) struct HTMLPageEndToEndTests {
  static func folder() throws -> URL {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("kvtrace-html-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// A page exported by `run` (its name tells the format) and one `replay` writes from the
  /// run's JSON trace are the same bytes for a run without a cache: the page is a function of
  /// the trace. A run with a cache decodes the prompt again without one for the page's `c`
  /// views, as `kvtrace step` does; a replay has no such run, and its page says so.
  @Test func runAndReplayWriteTheSamePage() throws {
    let folder = try Self.folder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = { (name: String) in folder.appendingPathComponent(name).path }
    let page = { (name: String) in try Data(contentsOf: folder.appendingPathComponent(name)) }
    let options = ["--steps", "3", "--cache", "none"]
    let plain = try runKVTrace(options)
    let run = try runKVTrace(options + ["--export", path("run.html")])
    #expect(run.status == 0 && run.stderr.isEmpty, "\(run.error)")
    #expect(run.stdout == plain.stdout)  // the page is written beside the usual output
    _ = try runKVTrace(options + ["--export", path("t.json")])
    let replay = try runKVTrace(
      ["replay", path("t.json"), "--export", path("replay.page"), "--format", "html"])
    #expect(replay.status == 0, "\(replay.error)")
    #expect(try page("run.html") == (try page("replay.page")))
    #expect(String(decoding: try page("run.html"), as: UTF8.self).hasPrefix("<!DOCTYPE html>"))
    let uncached = #"<script type="application/json" id="kvtrace-uncached">"#
    _ = try runKVTrace(["--steps", "3", "--export", path("full.html")])
    _ = try runKVTrace(["--steps", "3", "--export", path("full.json")])
    _ = try runKVTrace(["replay", path("full.json"), "--export", path("full-replay.html")])
    let full = String(decoding: try page("full.html"), as: UTF8.self)
    let replayed = String(decoding: try page("full-replay.html"), as: UTF8.self)
    #expect(full.contains(uncached + #"[{"format":"kvtrace""#))
    #expect(replayed.contains(uncached + "[]</script>"))
    // --layer and --head at export: the page opens on that head.
    _ = try runKVTrace(["--steps", "1", "--layer", "1", "--head", "3", "--export", path("h.html")])
    #expect(String(decoding: try page("h.html"), as: UTF8.self).contains(#""focus":[1,3]"#))
  }

  @Test func stepStartsAtTheStepAskedForAndNamesTheRangeOtherwise() throws {
    let past = try runKVTrace(["step", "--steps", "3", "--start", "4"])
    #expect(past.status == 64)
    #expect(isOneErrorLine(past.error))
    #expect(past.error.contains("--start 4 is past the last step: this run has steps 0 to 3"))
    let word = try runKVTrace(["step", "--start", "two"])
    #expect(word.status == 64 && word.error.contains("--start expects a whole number"))
    let negative = try runKVTrace(["step", "--start", "-1"])
    #expect(negative.status == 64 && isOneErrorLine(negative.error))
    // Without a terminal, `step` prints what `run` prints, whatever step it would open at.
    let last = try runKVTrace(["step", "--steps", "3", "--start", "3"])
    #expect(last.status == 0)
    #expect(last.stdout == (try runKVTrace(["--steps", "3"])).stdout)
    let run = try runKVTrace(["run", "--start", "1"])  // `run` has no walk-through to start
    #expect(run.status == 64)
  }

  /// On a terminal, the walk-through opens at `--start`'s step and moves on from there.
  @Test func stepOpensAtTheStartStepOnATerminal() throws {
    let run = try PseudoTerminalRun(["step", "--start", "4"])
    run.waitFor("step 4") { $0.contains("step 4 of 6") && $0.contains("q quit") }
    run.press("\u{1B}[C")
    run.waitFor("step 5") { $0.contains("step 5 of 6") }
    run.press("q")
    #expect(run.waitForExit() == 0)
  }
}
