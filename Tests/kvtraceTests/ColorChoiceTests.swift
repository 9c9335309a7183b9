// The decision table of `ColorChoice.resolve(environment:isTerminal:)`.
//
// Precedence, as the code implements it:
//   1. `--color never` → no color; `--color always` → color, whatever the environment says
//      (NO_COLOR, TERM=dumb and a pipe included; no-color.org lets a flag override NO_COLOR).
//   2. `auto`: NO_COLOR set and non-empty → no color, even with CLICOLOR_FORCE, even on a
//      terminal. NO_COLOR="" counts as unset.
//   3. `auto`: CLICOLOR_FORCE set, non-empty and not "0" → color, even on a pipe and even
//      with TERM=dumb.
//   4. `auto`: TERM=dumb or not a terminal → no color; otherwise color.
// Whenever there is color, the palette is truecolor for COLORTERM=truecolor or 24bit, else
// ansi256 when TERM contains "256color", else ansi16.

import KVTraceRender
import Testing

@testable import kvtrace

/// One row of the decision table.
struct ColorCase: Sendable, CustomTestStringConvertible {
  var choice: ColorChoice
  var environment: [String: String]
  var isTerminal: Bool
  var expected: ColorMode

  init(
    _ choice: ColorChoice, _ environment: [String: String], terminal: Bool, _ expected: ColorMode
  ) {
    self.choice = choice
    self.environment = environment
    self.isTerminal = terminal
    self.expected = expected
  }

  var testDescription: String {
    let env = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    return "\(choice) \(env.joined(separator: " ")) \(isTerminal ? "tty" : "pipe") → \(expected)"
  }
}

/// An environment that would color everything, as richly as possible.
private let colorful = [
  "CLICOLOR_FORCE": "1", "TERM": "xterm-256color", "COLORTERM": "truecolor",
]

let colorCases: [ColorCase] = [
  // never: nothing turns color on.
  ColorCase(.never, [:], terminal: true, .none),
  ColorCase(.never, [:], terminal: false, .none),
  ColorCase(.never, colorful, terminal: true, .none),
  // always: color even on a pipe, and even when the environment asks for none.
  ColorCase(.always, [:], terminal: false, .ansi16),
  ColorCase(.always, [:], terminal: true, .ansi16),
  ColorCase(.always, ["NO_COLOR": "1"], terminal: false, .ansi16),
  ColorCase(.always, ["TERM": "dumb"], terminal: false, .ansi16),
  ColorCase(.always, ["TERM": "xterm-256color"], terminal: false, .ansi256),
  ColorCase(.always, ["COLORTERM": "24bit"], terminal: false, .truecolor),
  // auto, NO_COLOR: any non-empty value wins over a terminal and over CLICOLOR_FORCE.
  ColorCase(.auto, ["NO_COLOR": "1"], terminal: true, .none),
  ColorCase(.auto, ["NO_COLOR": "0"], terminal: true, .none),
  ColorCase(.auto, ["NO_COLOR": "1", "CLICOLOR_FORCE": "1"], terminal: true, .none),
  ColorCase(.auto, ["NO_COLOR": "1", "CLICOLOR_FORCE": "1"], terminal: false, .none),
  ColorCase(.auto, colorful.merging(["NO_COLOR": "yes"]) { $1 }, terminal: true, .none),
  // auto, NO_COLOR empty: ignored.
  ColorCase(.auto, ["NO_COLOR": ""], terminal: true, .ansi16),
  ColorCase(.auto, ["NO_COLOR": ""], terminal: false, .none),
  ColorCase(.auto, ["NO_COLOR": "", "CLICOLOR_FORCE": "1"], terminal: false, .ansi16),
  // auto, CLICOLOR_FORCE: non-empty and not "0" colors a pipe, and beats TERM=dumb.
  ColorCase(.auto, ["CLICOLOR_FORCE": "1"], terminal: false, .ansi16),
  ColorCase(.auto, ["CLICOLOR_FORCE": "yes"], terminal: false, .ansi16),
  ColorCase(.auto, ["CLICOLOR_FORCE": "1", "TERM": "dumb"], terminal: false, .ansi16),
  ColorCase(.auto, ["CLICOLOR_FORCE": "1", "TERM": "xterm-256color"], terminal: false, .ansi256),
  ColorCase(.auto, ["CLICOLOR_FORCE": "1", "COLORTERM": "truecolor"], terminal: false, .truecolor),
  // auto, CLICOLOR_FORCE "0" or empty: not forced; a terminal still colors.
  ColorCase(.auto, ["CLICOLOR_FORCE": "0"], terminal: false, .none),
  ColorCase(.auto, ["CLICOLOR_FORCE": ""], terminal: false, .none),
  ColorCase(.auto, ["CLICOLOR_FORCE": "0"], terminal: true, .ansi16),
  // auto, TERM=dumb: no color even on a terminal.
  ColorCase(.auto, ["TERM": "dumb"], terminal: true, .none),
  ColorCase(.auto, ["TERM": "dumb", "COLORTERM": "truecolor"], terminal: true, .none),
  // auto, not a terminal: no color, whatever the palette would be.
  ColorCase(.auto, [:], terminal: false, .none),
  ColorCase(.auto, ["TERM": "xterm-256color", "COLORTERM": "truecolor"], terminal: false, .none),
  // auto on a terminal: the palette follows COLORTERM, then TERM.
  ColorCase(.auto, [:], terminal: true, .ansi16),
  ColorCase(.auto, ["TERM": "xterm"], terminal: true, .ansi16),
  ColorCase(.auto, ["TERM": "xterm-256color"], terminal: true, .ansi256),
  ColorCase(.auto, ["TERM": "screen-256color"], terminal: true, .ansi256),
  ColorCase(.auto, ["COLORTERM": "truecolor"], terminal: true, .truecolor),
  ColorCase(.auto, ["COLORTERM": "24bit"], terminal: true, .truecolor),
  ColorCase(
    .auto, ["COLORTERM": "truecolor", "TERM": "xterm-256color"], terminal: true, .truecolor),
  ColorCase(.auto, ["COLORTERM": "yes", "TERM": "xterm-256color"], terminal: true, .ansi256),
  ColorCase(.auto, ["COLORTERM": "TRUECOLOR"], terminal: true, .ansi16),
]

@Test(.tags(.unit), arguments: colorCases)
func colorChoiceResolves(_ row: ColorCase) {
  #expect(
    row.choice.resolve(environment: row.environment, isTerminal: row.isTerminal) == row.expected)
}

@Test(.tags(.unit)) func theTableCoversEveryChoiceAndEveryMode() {
  #expect(Set(colorCases.map(\.choice)) == Set(ColorChoice.allCases))
  #expect(Set(colorCases.map(\.expected)) == Set(ColorMode.allCases))
}

@Test(.tags(.unit)) func neverIsNeverAColorAndAlwaysIsAlwaysOne() {
  let environments: [[String: String]] = [
    [:], ["NO_COLOR": "1"], ["TERM": "dumb"], ["CLICOLOR_FORCE": "0"], colorful,
  ]
  for environment in environments {
    for isTerminal in [false, true] {
      #expect(ColorChoice.never.resolve(environment: environment, isTerminal: isTerminal) == .none)
      #expect(ColorChoice.always.resolve(environment: environment, isTerminal: isTerminal) != .none)
    }
  }
}

@Test(.tags(.unit)) func choiceNamesAreTheOnesTheHelpShows() {
  #expect(ColorChoice.allCases.map(\.rawValue) == ["auto", "always", "never"])
  #expect(ColorChoice(rawValue: "sometimes") == nil)
}
