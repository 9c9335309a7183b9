/// Which key does what in the walk-through: the one declaration the command
/// line maps key presses with, the help overlay lists and the footer hints from.
public enum KeyBindings {
  /// One line of the help: the keys it lists (each with its command), keys that
  /// work without being listed, what they do, and the footer's short hint.
  struct Row: Sendable {
    /// The keys the help lists, in order.
    var listed: [(Key, InteractiveCommand)]
    /// Keys that do the same but the help leaves out (Home, End, Shift-Tab).
    var unlisted: [(Key, InteractiveCommand)] = []
    /// Only with two prompts (the `s` key switches between them).
    var twoPromptsOnly = false
    /// Only when the grid draws a window of the layers (`<` and `>` move it).
    var layerWindowOnly = false
    /// What the keys do, as the help says it.
    var meaning: @Sendable (Glyphs) -> String
    /// The footer's hint (`→ next`), which may name the values shown now.
    var hint: @Sendable (KeyGlyphs, AttentionValues) -> String
    /// Whether the keys do something on the closing summary too (← leaves it).
    var onClosing = false
  }

  /// Every key of the walk-through, in the order the help lists them.
  static let rows: [Row] = [
    Row(
      listed: [(.right, .nextStep), (.character(" "), .nextStep), (.character("l"), .nextStep)],
      meaning: { _ in "next step; past the last, the run's closing summary" },
      hint: { k, _ in "\(k.right) next" }),
    Row(
      listed: [(.left, .previousStep), (.character("h"), .previousStep)],
      meaning: { _ in "previous step (free: every step is in the trace)" },
      hint: { k, _ in "\(k.left) back" }, onClosing: true),
    Row(
      listed: [(.character("s"), .nextSequence)], twoPromptsOnly: true,
      meaning: { _ in "sequence: the other prompt, at the same step" },
      hint: { _, _ in "s sequence" }),
    Row(
      listed: [(.up, .previousLayer), (.down, .nextLayer)],
      meaning: { _ in "previous / next layer" }, hint: { k, _ in "\(k.upDown) layer" }),
    Row(
      listed: [(.character("<"), .previousLayers), (.character(">"), .nextLayers)],
      unlisted: [(.character(","), .previousLayers), (.character("."), .nextLayers)],
      layerWindowOnly: true,
      meaning: { _ in "the layers before / after those drawn, when not all fit" },
      hint: { _, _ in "< > layers" }),
    Row(
      listed: [(.tab, .nextHead), (.character("]"), .nextHead), (.character("["), .previousHead)],
      unlisted: [(.backTab, .previousHead)], meaning: { _ in "next / previous head" },
      hint: { _, _ in "tab head" }),
    Row(
      listed: [
        (.character("j"), .scrollDown), (.character("k"), .scrollUp), (.pageDown, .pageDown),
        (.pageUp, .pageUp),
      ],
      meaning: { _ in "scroll the rows that do not fit, by a row or by a page" },
      hint: { _, _ in "j k scroll" }),
    Row(
      listed: [(.character("c"), .cycleView)],
      meaning: { _ in "view: the cache, the same step without one, both side by side" },
      hint: { _, _ in "c view" }),
    Row(
      listed: [(.character("w"), .toggleValues)],
      meaning: { g in "attention weights, or raw scores \(g.score) before the softmax" },
      hint: { _, values in values == .weights ? "w scores" : "w weights" }),
    Row(
      listed: [(.character("g"), .firstStep), (.character("G"), .lastStep)],
      unlisted: [(.home, .firstStep), (.end, .lastStep)], meaning: { _ in "first / last step" },
      hint: { _, _ in "g G first/last" }, onClosing: true),
    Row(
      listed: [(.character("?"), .toggleHelp)],
      meaning: { _ in "show or hide this help (Esc hides it too)" }, hint: { _, _ in "? help" },
      onClosing: true),
    Row(
      listed: [(.character("q"), .quit), (.escape, .back), (.interrupt, .quit)],
      meaning: { _ in "quit" }, hint: { _, _ in "q quit" }, onClosing: true),
  ]

  /// The command `key` stands for, or `nil` when the key does nothing.
  public static func command(for key: Key) -> InteractiveCommand? {
    for row in rows {
      if let match = (row.listed + row.unlisted).first(where: { $0.0 == key }) {
        return match.1
      }
    }
    return nil
  }

  /// The rows that apply to a trace of `sequences` prompts, on a screen whose grid
  /// draws every layer or, `layerWindow`, only some of them.
  static func rows(sequences: Int, layerWindow: Bool = false) -> [Row] {
    rows.filter { (sequences > 1 || !$0.twoPromptsOnly) && (layerWindow || !$0.layerWindowOnly) }
  }

  /// How the help names `key`: `→`, `space`, `tab`, `Esc`, `Ctrl-C`, `q`.
  static func label(_ key: Key, _ k: KeyGlyphs) -> String {
    switch key {
    case .right: k.right
    case .left: k.left
    case .up: k.up
    case .down: k.down
    case .home: "Home"
    case .end: "End"
    case .pageUp: "PgUp"
    case .pageDown: "PgDn"
    case .tab: "tab"
    case .backTab: "Shift-tab"
    case .enter: "Enter"
    case .escape: "Esc"
    case .interrupt: "Ctrl-C"
    case .character(" "): "space"
    case .character(let c): String(c)
    }
  }
}
