/// What a key press asks of the interactive walk-through.
///
/// Commands are independent of keys: the command line maps its keys to them, and
/// ``InteractiveState/apply(_:stepCounts:model:)`` carries them out, so the whole
/// walk-through can be driven and tested without a terminal.
public enum InteractiveCommand: String, Sendable, Equatable, CaseIterable {
  /// The next step (the cache grows by one row per layer and KV head at a decode step).
  case nextStep
  /// The step before; stepping back is free, because every step is in the trace.
  case previousStep
  /// The prefill.
  case firstStep
  /// The last decode step.
  case lastStep
  /// The next layer's attention (wraps around).
  case nextLayer
  /// The previous layer's attention (wraps around).
  case previousLayer
  /// The layers after those the grid draws, when it draws a window of them: the
  /// drawn layer moves to the first of the next window (wraps around).
  case nextLayers
  /// The layers before those the grid draws (wraps around).
  case previousLayers
  /// The next query head (wraps around).
  case nextHead
  /// The previous query head (wraps around).
  case previousHead
  /// The cache as the run used it, the same step without a cache, both side by side.
  case cycleView
  /// Softmax weights or raw scores in the attention heatmap.
  case toggleValues
  /// The other prompt, when two were decoded together: same step, layer and head.
  case nextSequence
  /// Scrolls the grid down a row, to later positions (the first press leaves the
  /// rows chosen by weight for the grid's top).
  case scrollDown
  /// Scrolls the grid up a row (the first press leaves the rows chosen by weight
  /// for the grid's newest rows).
  case scrollUp
  /// Scrolls the grid down a screenful.
  case pageDown
  /// Scrolls the grid up a screenful.
  case pageUp
  /// Shows or hides the list of keys.
  case toggleHelp
  /// Closes the help if it is shown, else leaves.
  case back
  /// Leaves the walk-through.
  case quit
}

/// How the grid of the interactive view shows the current step.
public enum CacheView: String, Sendable, Equatable, CaseIterable {
  /// The step as the run did it: fresh rows computed, the others read from the cache.
  case cache
  /// The same step as a run without a cache would do it: every row recomputed.
  case withoutCache
  /// Both grids side by side, the cache on the left.
  case split

  /// The view `c` switches to.
  public var next: CacheView {
    switch self {
    case .cache: .withoutCache
    case .withoutCache: .split
    case .split: .cache
    }
  }
}

/// Which numbers the attention heatmap shows.
public enum AttentionValues: String, Sendable, Equatable, CaseIterable {
  /// The softmax weights: each query's weights sum to 1.
  case weights
  /// The raw scores `q·k / √headSize` before the softmax.
  case scores
}
