// The walk-through's loop, driven by a scripted terminal: no terminal, no clock.

import KVTrace
import KVTraceRender
import Testing

@testable import kvtrace

/// A terminal that replays `events` and records what was written.
final class ScriptedTerminal: InteractiveTerminal {
  var size: FrameSize
  var events: [TerminalEvent]
  var sizes: [FrameSize] = []
  private(set) var writes: [String] = []
  private(set) var timeouts: [Int32?] = []

  init(size: FrameSize = .standard, events: [TerminalEvent]) {
    self.size = size
    self.events = events
  }

  func write(_ text: String) throws(TerminalError) { writes.append(text) }

  func nextEvent(timeout milliseconds: Int32?) throws(TerminalError) -> TerminalEvent {
    timeouts.append(milliseconds)
    guard !events.isEmpty else { throw TerminalError(message: "the script ran out") }
    let event = events.removeFirst()
    if event == .resized, !sizes.isEmpty { size = sizes.removeFirst() }
    return event
  }
}

@Suite(.tags(.unit)) struct InteractiveSessionTests {
  static func session() -> InteractiveSession {
    let trace = KVTraceCLI.run(
      arguments: ["step"], environment: [:], stdoutIsTerminal: true, stdinIsTerminal: true
    )
    .walkThrough?.trace
    return InteractiveSession(
      frame: InteractiveFrame(trace: trace ?? Trace(header: emptyHeader, events: [])),
      state: InteractiveState(), style: RenderStyle())
  }

  static let emptyHeader = TraceHeader(
    model: ModelConfig(
      layers: 1, heads: 1, kvHeads: 1, dim: 8, mlpDim: 8, contextLength: 8, vocabularySize: 8),
    weights: "none", policy: CachePolicyInfo(kind: .full, exact: true, summary: ""), seed: 0,
    sampling: .greedy, prompt: "", promptTokens: [], decodeSteps: 0, detail: .full)

  static func input(_ text: String) -> TerminalEvent { .input(Array(text.utf8)) }

  @Test func drawsAtOnceThenFollowsTheKeys() {
    var session = Self.session()
    let terminal = ScriptedTerminal(events: [
      Self.input("\u{1B}[C"), Self.input("\u{1B}[B"), Self.input("q"),
    ])
    #expect(session.run(on: terminal) == .quit)
    #expect(terminal.writes.count == 3)
    #expect(terminal.writes[0].contains("step 0 of 6"))
    #expect(terminal.writes[1].contains("step 1 of 6 · decode"))
    #expect(terminal.writes[2].contains("layer 1"))
    #expect(session.state.step == 1)
    #expect(session.state.focus.layer == 1)
  }

  @Test func aLoneEscWaitsBrieflyThenQuits() {
    var session = Self.session()
    let terminal = ScriptedTerminal(events: [Self.input("\u{1B}"), .timeout])
    #expect(session.run(on: terminal) == .quit)
    #expect(terminal.timeouts == [nil, InteractiveSession.escapeTimeout])
  }

  @Test func escClosesTheHelpBeforeItQuits() {
    var session = Self.session()
    let terminal = ScriptedTerminal(events: [
      Self.input("?"), Self.input("\u{1B}"), .timeout, Self.input("\u{1B}"), .timeout,
    ])
    #expect(session.run(on: terminal) == .quit)
    #expect(terminal.writes[1].contains("next step"))
    #expect(terminal.writes.count == 3, "help shown, then hidden, then quit without drawing")
  }

  @Test func ctrlCAndSignalsEndTheSession() {
    var session = Self.session()
    #expect(session.run(on: ScriptedTerminal(events: [Self.input("l\u{03}")])) == .interrupted)
    #expect(session.run(on: ScriptedTerminal(events: [.signal(.terminate)])) == .signal(.terminate))
    #expect(session.run(on: ScriptedTerminal(events: [.endOfInput])) == .endOfInput)
    #expect(
      session.run(on: ScriptedTerminal(events: []))
        == .failed(TerminalError(message: "the script ran out")))
  }

  @Test func aResizeRedrawsEverythingAtTheNewSize() {
    var session = Self.session()
    let terminal = ScriptedTerminal(events: [.resized, .resized, Self.input("q")])
    terminal.sizes = [FrameSize(columns: 60, rows: 16), FrameSize(columns: 30, rows: 8)]
    #expect(session.run(on: terminal) == .quit)
    #expect(terminal.writes.count == 3)
    #expect(terminal.writes[1].hasPrefix("\u{1B}[0m\u{1B}[2J"))
    #expect(terminal.writes[1].contains("\u{1B}[16;1H"))
    #expect(!terminal.writes[1].contains("\u{1B}[17;1H"))
    #expect(terminal.writes[2].contains("30×8"))
  }

  @Test func keysThatChangeNothingDrawNothing() {
    var session = Self.session()
    let terminal = ScriptedTerminal(events: [Self.input("\u{1B}[Dxyz\r"), Self.input("q")])
    #expect(session.run(on: terminal) == .quit)
    #expect(terminal.writes.count == 1)
  }

  /// Two prompts: `s` shows the other sequence at the same step and back again; with
  /// one prompt it changes nothing, so nothing is drawn.
  @Test func sSwitchesTheSequenceShown() throws {
    let trace = try #require(
      KVTraceCLI.run(
        arguments: [
          "step", "--prompt", "The cat sat.", "--prompt", "The cat ran.", "--steps", "2",
        ],
        environment: [:], stdoutIsTerminal: true, stdinIsTerminal: true
      ).walkThrough?.trace)
    var session = InteractiveSession(
      frame: InteractiveFrame(trace: trace), state: InteractiveState(), style: RenderStyle())
    let terminal = ScriptedTerminal(events: [
      Self.input("\u{1B}[C"), Self.input("s"), Self.input("s"), Self.input("q"),
    ])
    #expect(session.run(on: terminal) == .quit)
    #expect(terminal.writes.count == 4)
    #expect(terminal.writes[0].contains(" sequence 0: \"The cat sat.\""))
    #expect(terminal.writes[2].contains(" sequence 1: \"The cat ran.\""))
    #expect(terminal.writes[1].contains("step 1 of 2 · decode"))
    #expect(!terminal.writes[2].contains("\u{1B}[1;1H"), "the status (step 1, layer 0) stays")
    #expect(terminal.writes[2].contains("1  cat       ▣ ▣ ▣ ▣  ▣ ▣ ▣ ▣"), "a shared row")
    #expect(terminal.writes[3].contains(" sequence 0: \"The cat sat.\""))

    var single = Self.session()
    let quiet = ScriptedTerminal(events: [Self.input("s"), Self.input("q")])
    #expect(single.run(on: quiet) == .quit)
    #expect(quiet.writes.count == 1)
  }

  @Test func painterRepaintsOnlyChangedLines() {
    var painter = ScreenPainter()
    let first = painter.paint(["a", "b", "c"], clear: true)
    #expect(first.hasPrefix("\u{1B}[0m\u{1B}[2J"))
    #expect(first.contains("\u{1B}[3;1H"))
    let second = painter.paint(["a", "B", "c"])
    #expect(second == "\u{1B}[2;1H\u{1B}[0m\u{1B}[2KB")
    #expect(painter.paint(["a", "B", "c"]) == "")
  }

  @Test func theCrashGuardLeavesTheScreenLikeARegularExit() {
    #expect("\(CrashGuard.leaveScreen)" == ScreenPainter.leave)
  }

  @Test func everyDocumentedKeyDoesWhatTheHelpSays() {
    let expected: [(Key, InteractiveCommand)] = [
      (.right, .nextStep), (.character(" "), .nextStep), (.character("l"), .nextStep),
      (.left, .previousStep), (.character("h"), .previousStep),
      (.up, .previousLayer), (.down, .nextLayer),
      (.tab, .nextHead), (.character("]"), .nextHead), (.character("["), .previousHead),
      (.backTab, .previousHead), (.character("c"), .cycleView), (.character("w"), .toggleValues),
      (.character("s"), .nextSequence),
      (.character("g"), .firstStep), (.character("G"), .lastStep), (.home, .firstStep),
      (.end, .lastStep),
      (.character("?"), .toggleHelp), (.character("q"), .quit), (.escape, .back),
      (.interrupt, .quit),
    ]
    for (key, command) in expected {
      #expect(KeyBindings.command(for: key) == command, "\(key)")
    }
    #expect(KeyBindings.command(for: .character("x")) == nil)
  }

  @Test func windowSizeComesFromTheTerminalThenTheEnvironment() {
    let fallback = WindowSize.fallback(environment: ["COLUMNS": "132", "LINES": "43"])
    #expect(fallback == FrameSize(columns: 132, rows: 43))
    #expect(WindowSize.fallback(environment: [:]) == .standard)
    #expect(WindowSize.fallback(environment: ["COLUMNS": "wide", "LINES": "0"]) == .standard)
    #expect(
      WindowSize.fallback(environment: ["COLUMNS": "100"]) == FrameSize(columns: 100, rows: 24))
    let reported = FrameSize(columns: 90, rows: 30)
    #expect(WindowSize.resolve(reported: reported, fallback: fallback) == reported)
    #expect(
      WindowSize.resolve(reported: FrameSize(columns: 0, rows: 0), fallback: fallback) == fallback)
    #expect(WindowSize.resolve(reported: nil, fallback: fallback) == fallback)
  }
}
