import KVTrace
import Testing

@testable import KVTraceRender

/// The walk-through's cursor: steps stop at the ends, layers and heads wrap.
@Suite(.tags(.unit)) struct InteractiveStateTests {
  static let model = ModelConfig(
    layers: 2, heads: 4, kvHeads: 4, dim: 32, mlpDim: 64, contextLength: 64, vocabularySize: 10)

  static func applying(_ commands: [InteractiveCommand], to start: InteractiveState = .init())
    -> InteractiveState
  {
    var state = start
    for command in commands { state.apply(command, stepCounts: [7], model: model) }
    return state
  }

  @Test func stepsStopAtTheEnds() {
    #expect(Self.applying([.previousStep]).step == 0)
    #expect(Self.applying([.nextStep, .nextStep]).step == 2)
    #expect(Self.applying(Array(repeating: .nextStep, count: 20)).step == 6)
    #expect(Self.applying([.lastStep]).step == 6)
    #expect(Self.applying([.lastStep, .previousStep, .firstStep]).step == 0)
  }

  @Test func layersAndHeadsWrapAround() {
    #expect(Self.applying([.previousLayer]).focus.layer == 1)
    #expect(Self.applying([.nextLayer, .nextLayer]).focus.layer == 0)
    #expect(Self.applying([.previousHead]).focus.head == 3)
    #expect(Self.applying([.nextHead, .nextHead, .nextHead, .nextHead, .nextHead]).focus.head == 1)
  }

  @Test func viewsCycleAndValuesToggle() {
    #expect(Self.applying([.cycleView]).view == .withoutCache)
    #expect(Self.applying([.cycleView, .cycleView]).view == .split)
    #expect(Self.applying([.cycleView, .cycleView, .cycleView]).view == .cache)
    #expect(Self.applying([.toggleValues]).values == .scores)
    #expect(Self.applying([.toggleValues, .toggleValues]).values == .weights)
  }

  @Test func anyCommandButTheToggleClosesTheHelp() {
    #expect(Self.applying([.toggleHelp]).showsHelp)
    #expect(!Self.applying([.toggleHelp, .toggleHelp]).showsHelp)
    #expect(!Self.applying([.toggleHelp, .nextStep]).showsHelp)
    #expect(!Self.applying([.toggleHelp, .back]).showsHelp)
  }

  @Test func applyReportsWhetherAnythingChanged() {
    var state = InteractiveState()
    let changes = [.previousStep, .nextStep, .quit, .back, .toggleHelp].map {
      (command: InteractiveCommand) in state.apply(command, stepCounts: [7], model: Self.model)
    }
    #expect(changes == [false, true, false, false, true])
  }

  @Test func clampingMovesTheCursorIntoTheTrace() {
    let state = InteractiveState(step: 40, focus: RenderFocus(layer: 9, head: -1))
    let clamped = state.clamped(stepCounts: [7], model: Self.model)
    #expect(clamped.step == 6)
    #expect(clamped.focus == RenderFocus(layer: 1, head: 0))
  }
}

/// The heat palette: a shade for every level, a color when allowed.
@Suite(.tags(.unit)) struct HeatPaletteTests {
  @Test func shadesRiseWithTheLevel() {
    let style = RenderStyle()
    #expect(HeatPalette.cell(0, width: 2, style: style) == "░░")
    #expect(HeatPalette.cell(0.3, width: 1, style: style) == "▒")
    #expect(HeatPalette.cell(0.6, width: 1, style: style) == "▓")
    #expect(HeatPalette.cell(1, width: 1, style: style) == "█")
    #expect(HeatPalette.cell(.nan, width: 1, style: style) == "░")
    #expect(HeatPalette.cell(1, width: 1, style: RenderStyle(unicode: false)) == "@")
  }

  @Test func colorsFollowTheMode() {
    #expect(
      HeatPalette.cell(1, width: 1, style: RenderStyle(color: .ansi16)) == "\u{1B}[93m█\u{1B}[0m")
    #expect(
      HeatPalette.cell(0, width: 1, style: RenderStyle(color: .truecolor))
        == "\u{1B}[38;2;40;60;160m░\u{1B}[0m")
    #expect(
      HeatPalette.cell(1, width: 1, style: RenderStyle(color: .truecolor))
        == "\u{1B}[38;2;250;230;50m█\u{1B}[0m")
    // (250, 230, 50) is nearest to the cube's (255, 215, 95): 16 + 36·5 + 6·4 + 1.
    #expect(
      HeatPalette.cell(1, width: 1, style: RenderStyle(color: .ansi256))
        == "\u{1B}[38;5;221m█\u{1B}[0m")
  }

  @Test func cubeStepsAreNearest() {
    #expect(HeatPalette.cubeStep(0) == 0)
    #expect(HeatPalette.cubeStep(47) == 0)
    #expect(HeatPalette.cubeStep(48) == 1)
    #expect(HeatPalette.cubeStep(255) == 5)
  }
}
