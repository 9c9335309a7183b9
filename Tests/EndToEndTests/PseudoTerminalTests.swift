// `kvtrace step` on a pseudo-terminal: keys in, frames out, the terminal restored.

import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What the terminal must receive last: the main screen back, the cursor shown.
let leaveSequence = "\u{1B}[?1049l\u{1B}[?25h"

@Suite(.tags(.endToEnd)) struct PseudoTerminalTests {
  @Test func keysStepThroughAndQuitRestoresTheTerminal() throws {
    let run = try PseudoTerminalRun(["step", "--color", "always", "--layer", "0"])
    let first = run.waitFor("the first frame") {
      $0.contains("step 0 of 6") && $0.contains("q quit")
    }
    #expect(first.contains("\u{1B}[?1049h"), "the alternate screen")
    #expect(first.contains("\u{1B}[?25l"), "the cursor hidden")
    #expect(first.contains("\u{1B}[38;5;"), "256 colors for TERM=xterm-256color")
    #expect(run.modes.c_lflag & tcflag_t(ICANON | ECHO | ISIG) == 0, "raw mode")

    run.press("\u{1B}[C")
    run.waitFor("step 1") { $0.contains("step 1 of 6 · decode") && $0.contains("query 10 '") }
    run.press(" ")
    run.waitFor("step 2") { $0.contains("step 2 of 6") }
    run.press("\u{1B}[D")
    run.waitFor("step 1 again") { $0.contains("step 1 of 6") }
    run.press("\u{1B}[B")
    run.waitFor("layer 1") {
      $0.contains("layer 1 · head 0") && $0.contains("weights, layer 1 head 0")
    }
    run.press("\t")
    run.waitFor("head 1") { $0.contains("layer 1 · head 1") }
    run.press("c")
    run.waitFor("the view without a cache") { $0.contains("no cache (the run: full)") }
    run.press("?")
    run.waitFor("the help") { $0.contains("next step") && $0.contains("quit") }
    run.press("q")
    let status = run.waitForExit()
    #expect(status == 0)
    let text = String(decoding: run.output, as: UTF8.self)
    #expect(text.hasSuffix(leaveSequence), "ends: \(text.suffix(40).debugDescription)")
    #expect(sameModes(run.modes, run.modesBefore), "the terminal's modes are restored")
  }

  /// Two prompts: `s` shows the other sequence at the same step, its shared rows marked.
  @Test func sSwitchesBetweenTwoPrompts() throws {
    let run = try PseudoTerminalRun([
      "step", "--prompt", "The quick brown fox jumps over the lazy dog.", "--prompt",
      "The quick brown fox jumps over a cat.", "--steps", "3",
    ])
    run.waitFor("sequence 0") {
      $0.contains("step 0 of 3") && $0.contains("sequence 0: \"The quick brown fox jumps over the")
    }
    run.press("\u{1B}[C")
    run.waitFor("step 1") { $0.contains("step 1 of 3") }
    run.press("s")
    let switched = run.waitFor("sequence 1") {
      $0.contains("sequence 1: \"The quick brown fox jumps over a cat.\"")
        && $0.contains("query 9 '")
    }
    #expect(stripEscapes(switched).contains("0  The       ▣ ▣ ▣ ▣  ▣ ▣ ▣ ▣"), "a shared row")
    run.press("s")
    run.waitFor("sequence 0 again") { $0.contains("sequence 0: ") && $0.contains("query 10 '") }
    run.press("q")
    #expect(run.waitForExit() == 0)
    #expect(sameModes(run.modes, run.modesBefore))
  }

  /// A grid taller than the screen: j, PgDn and k scroll it, and the line under
  /// it says which rows are shown; a new step shows the heaviest rows again.
  @Test func jkAndPageKeysScrollTheGrid() throws {
    let run = try PseudoTerminalRun(["step", "--steps", "30", "--color", "never"])
    run.waitFor("the first frame") { $0.contains("step 0 of 30") && $0.contains("q quit") }
    run.press("G")
    run.waitFor("the last step, its rows kept by weight") {
      $0.contains("step 30 of 30") && $0.contains("of 40 rows: those query 39 weighs most")
    }
    run.press("j")
    let top = stripEscapes(run.waitFor("the top rows") { $0.contains("rows 0–") })
    #expect(top.contains("   0  The "))
    let page = try #require(top.firstMatch(of: #/rows 0–(\d+) of 40/#).flatMap { Int($0.1) })
    run.press("j")
    run.waitFor("a row down") { $0.contains("rows 1–\(page + 1) of 40") }
    run.press("\u{1B}[6~")
    run.waitFor("a page down") { $0.contains("rows \(page + 2)–") }
    run.press("k")
    run.waitFor("a row up") { $0.contains("rows \(page + 1)–") }
    run.press("\u{1B}[5~")
    run.waitFor("a page up") { $0.contains("rows 0–\(page) of 40") }
    run.press("\u{1B}[D")
    run.waitFor("step 29, by weight again") {
      $0.contains("step 29 of 30") && $0.contains("of 39 rows: those query 38 weighs most")
    }
    run.press("q")
    #expect(run.waitForExit() == 0)
  }

  @Test func aResizeRedrawsAtTheNewSize() throws {
    let run = try PseudoTerminalRun(["step", "--color", "never"], columns: 100, rows: 30)
    let first = run.waitFor("the first frame") { $0.contains("q quit") }
    #expect(first.contains("\u{1B}[30;1H"))
    run.resize(columns: 60, rows: 16)
    let resized = run.waitFor("the smaller frame") { $0.contains("q quit") }
    #expect(resized.contains("\u{1B}[2J"), "cleared")
    #expect(resized.contains("\u{1B}[16;1H"))
    #expect(!resized.contains("\u{1B}[17;1H"), "nothing below the new last row")
    run.resize(columns: 30, rows: 8)
    run.waitFor("the too-small message") { $0.contains("30×8") }
    run.press("q")
    #expect(run.waitForExit() == 0)
    #expect(sameModes(run.modes, run.modesBefore))
  }

  @Test func ctrlCAndALoneEscQuitAndRestore() throws {
    for (key, expected) in [("\u{03}", Int32(130)), ("\u{1B}", 0)] {
      let run = try PseudoTerminalRun(["step", "--ascii"])
      run.waitFor("the first frame") { $0.contains("step 0 of 6") }
      run.press(key)
      #expect(run.waitForExit() == expected, "\(key.debugDescription)")
      #expect(String(decoding: run.output, as: UTF8.self).hasSuffix(leaveSequence))
      #expect(sameModes(run.modes, run.modesBefore))
    }
  }

  /// SIGTERM, SIGINT and SIGHUP (15, 2 and 1 on Linux and macOS alike).
  @Test(arguments: [(Int32(15), Int32(143)), (2, 130), (1, 129)])
  func signalsRestoreTheTerminalThenExit(signal: Int32, status: Int32) throws {
    let run = try PseudoTerminalRun(["step"])
    run.waitFor("the first frame") { $0.contains("step 0 of 6") }
    kill(run.process.processIdentifier, signal)
    #expect(run.waitForExit() == status)
    #expect(String(decoding: run.output, as: UTF8.self).hasSuffix(leaveSequence))
    #expect(sameModes(run.modes, run.modesBefore))
  }

  /// A crash (here a SIGSEGV sent from outside, which the process cannot tell
  /// from a real one) still puts the terminal back before the process dies of it.
  /// Swift's backtracer, which runs next, is told not to wait for a key.
  @Test func aCrashStillRestoresTheTerminal() throws {
    let run = try PseudoTerminalRun(["step"], environment: ["SWIFT_BACKTRACE": "interactive=no"])
    run.waitFor("the first frame") { $0.contains("step 0 of 6") }
    kill(run.process.processIdentifier, SIGSEGV)
    _ = run.waitForExit(reason: .uncaughtSignal)
    let text = String(decoding: run.output, as: UTF8.self)
    #expect(text.contains(leaveSequence))
    #expect(sameModes(run.modes, run.modesBefore))
  }

  /// Keys on a terminal but output to a pipe: `step` prints what `run` prints and
  /// returns without waiting for a key.
  @Test func outputToAPipeFallsBackToRun() throws {
    let pipe = Pipe()
    let run = try PseudoTerminalRun(["step", "--steps", "2"], standardOutput: pipe)
    let printed = pipe.fileHandleForReading.readDataToEndOfFile()
    #expect(run.waitForExit() == 0)
    let expected = try runKVTrace(["run", "--steps", "2"])
    #expect(printed == expected.stdout)
    #expect(sameModes(run.modes, run.modesBefore), "never touched")
  }

  @Test(arguments: [[], ["--prompt", "The cat sat.", "--prompt", "The cat ran."]])
  func noTerminalAtAllFallsBackToRunWithANote(_ prompts: [String]) throws {
    let step = try runKVTrace(["step"] + prompts)
    let run = try runKVTrace(["run"] + prompts)
    #expect(step.status == 0)
    #expect(step.stdout == run.stdout)
    #expect(step.error.hasPrefix("kvtrace: note: 'kvtrace step' is interactive"))
    #expect(step.error.filter { $0 == "\n" }.count == 1)
  }
}
