import KVTrace

/// Where a person is in the interactive walk-through: the step, the layer and
/// head under the cursor, and how the step is shown.
///
/// The state is all the walk-through remembers; a frame is drawn from the trace
/// and this value alone. That is why stepping back costs nothing: the trace
/// already holds every step, and nothing is recomputed.
public struct InteractiveState: Sendable, Equatable {
  /// The step shown: 0 is the prefill.
  public var step: Int
  /// The sequence shown: 0, or 1 for the second of two prompts decoded together.
  public var sequence: Int
  /// The layer and query head whose attention is shown.
  public var focus: RenderFocus
  /// The cache as used, without a cache, or both.
  public var view: CacheView
  /// Weights or raw scores.
  public var values: AttentionValues
  /// Whether the list of keys covers the grid.
  public var showsHelp: Bool
  /// The first grid row shown once the grid is scrolled; `nil` shows the rows
  /// the newest query weighs most, with the gaps marked. A new step resets it.
  public var firstRow: Int?
  /// Whether the closing summary is shown: → past the last step opens it, ← leaves it.
  public var showsClosing: Bool

  /// Creates a state; the defaults show the prefill's weights with the cache.
  public init(
    step: Int = 0, sequence: Int = 0, focus: RenderFocus = RenderFocus(),
    view: CacheView = .cache, values: AttentionValues = .weights, showsHelp: Bool = false,
    firstRow: Int? = nil, showsClosing: Bool = false
  ) {
    self.step = step
    self.sequence = sequence
    self.focus = focus
    self.view = view
    self.values = values
    self.showsHelp = showsHelp
    self.firstRow = firstRow
    self.showsClosing = showsClosing
  }

  /// Carries out `command` for a trace of `model` whose sequences have
  /// `stepCounts` steps: one count for one prompt, two for two prompts.
  ///
  /// Steps stop at the first and the last, and → at the last opens the closing
  /// summary (← closes it); layers, heads and sequences wrap around, so a single
  /// key visits all of them. Switching to a sequence with fewer steps moves the
  /// step back to its last. Any command but the help toggle closes the help.
  /// ``InteractiveCommand/quit`` changes nothing: leaving is the caller's job.
  /// Scrolling needs the screen's size, so it changes nothing here: see
  /// ``InteractiveFrame/apply(_:to:size:style:)``.
  ///
  /// - Returns: Whether the state changed (and the frame needs drawing again).
  @discardableResult
  public mutating func apply(
    _ command: InteractiveCommand, stepCounts: [Int], model: ModelConfig
  ) -> Bool {
    let before = self
    let lastStep = Self.lastStep(of: sequence, stepCounts)
    if command != .toggleHelp { showsHelp = false }
    if Self.changesStep(command) { firstRow = nil }  // a new step: the heaviest rows again
    let closing = showsClosing
    if command != .toggleHelp { showsClosing = false }
    switch command {
    case .nextStep:
      showsClosing = step == lastStep
      step = min(lastStep, step + 1)
    case .previousStep: step = closing ? step : max(0, step - 1)
    case .firstStep: step = 0
    case .lastStep: step = lastStep
    case .nextLayer: focus.layer = Self.wrap(focus.layer + 1, in: Self.layers(focus, model))
    case .previousLayer: focus.layer = Self.wrap(focus.layer - 1, in: Self.layers(focus, model))
    case .nextHead: focus.head = Self.wrap(focus.head + 1, model.heads)
    case .previousHead: focus.head = Self.wrap(focus.head - 1, model.heads)
    case .cycleView: view = view.next
    case .toggleValues: values = values == .weights ? .scores : .weights
    case .nextSequence:
      sequence = Self.wrap(sequence + 1, stepCounts.count)
      step = min(step, Self.lastStep(of: sequence, stepCounts))
    case .toggleHelp: showsHelp.toggle()
    case .back, .quit, .scrollDown, .scrollUp, .pageDown, .pageUp, .nextLayers, .previousLayers:
      break
    }
    return self != before
  }

  private static func changesStep(_ command: InteractiveCommand) -> Bool {
    [.nextStep, .previousStep, .firstStep, .lastStep, .nextSequence].contains(command)
  }

  /// This state with the sequence, step, layer and head moved into the trace's range.
  public func clamped(stepCounts: [Int], model: ModelConfig) -> InteractiveState {
    var copy = self
    copy.sequence = min(max(0, sequence), max(0, stepCounts.count - 1))
    copy.step = min(max(0, step), Self.lastStep(of: copy.sequence, stepCounts))
    let layers = Self.layers(focus, model)
    copy.focus.layer = min(max(layers.lowerBound, focus.layer), max(0, layers.upperBound - 1))
    copy.focus.head = min(max(0, focus.head), max(0, model.heads - 1))
    return copy
  }

  private static func lastStep(of sequence: Int, _ stepCounts: [Int]) -> Int {
    max(0, (stepCounts.indices.contains(sequence) ? stepCounts[sequence] : 0) - 1)
  }

  /// The layers ↑ and ↓ visit: those `focus` asks the grid for, else all of them.
  static func layers(_ focus: RenderFocus, _ model: ModelConfig) -> Range<Int> {
    Layout.wanted(config: model, focus: focus)
  }

  private static func wrap(_ value: Int, in range: Range<Int>) -> Int {
    range.lowerBound + wrap(value - range.lowerBound, range.count)
  }

  private static func wrap(_ value: Int, _ count: Int) -> Int {
    count > 0 ? ((value % count) + count) % count : 0
  }
}
