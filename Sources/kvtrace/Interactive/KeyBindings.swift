import KVTraceRender

/// Which key does what in `kvtrace step`; the help overlay lists the same keys.
enum KeyBindings {
  /// The command `key` stands for, or `nil` when the key does nothing.
  static func command(for key: Key) -> InteractiveCommand? {
    switch key {
    case .right, .character(" "), .character("l"): .nextStep
    case .left, .character("h"): .previousStep
    case .home, .character("g"): .firstStep
    case .end, .character("G"): .lastStep
    case .up: .previousLayer
    case .down: .nextLayer
    case .tab, .character("]"): .nextHead
    case .backTab, .character("["): .previousHead
    case .character("c"): .cycleView
    case .character("w"): .toggleValues
    case .character("s"): .nextSequence
    case .character("?"): .toggleHelp
    case .escape: .back
    case .interrupt, .character("q"): .quit
    case .enter, .character: nil
    }
  }
}
