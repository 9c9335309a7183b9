/// How many colors the output may use.
///
/// The decision is made once, at the edge of the program (from `--color`,
/// `NO_COLOR`, the terminal), and handed to the renderers as this value.
public enum ColorMode: String, Sendable, Equatable, CaseIterable {
  /// Plain text: meaning carried by glyphs alone.
  case none
  /// The 16 basic ANSI colors.
  case ansi16
  /// The 256-color palette.
  case ansi256
  /// 24-bit color.
  case truecolor
}

/// Everything about the output medium a renderer needs: width, colors, glyphs.
public struct RenderStyle: Sendable, Equatable {
  /// Columns available.
  public var width: Int
  /// Colors available.
  public var color: ColorMode
  /// Whether non-ASCII glyphs (■ □ █ ━) may be used; `false` for `--ascii`.
  public var unicode: Bool
  /// The most cache rows to draw per step; longer sequences show the rows the
  /// drawn query weighs most, and a marker for each gap saying what it hides.
  public var maxRows: Int

  /// Creates a style.
  public init(width: Int = 80, color: ColorMode = .none, unicode: Bool = true, maxRows: Int = 24) {
    self.width = width
    self.color = color
    self.unicode = unicode
    self.maxRows = maxRows
  }

  /// Plain 80-column Unicode text without color: what goes into a file.
  public static let plain = RenderStyle()

  /// The glyph set this style draws with.
  var glyphs: Glyphs { unicode ? .unicode : .ascii }
}

/// Which layer and head the attention view shows, and which layers the grid draws.
public struct RenderFocus: Sendable, Equatable {
  /// The layer whose attention is drawn.
  public var layer: Int
  /// The query head whose attention is drawn.
  public var head: Int
  /// The layers the cache grid draws (`--show-layers 10-14`); `nil` draws every layer
  /// that fits the width. A model of 30 layers does not fit 80 columns: the grid then
  /// draws a window of consecutive layers holding ``layer`` and says which.
  public var layers: ClosedRange<Int>?

  /// Creates a focus.
  public init(layer: Int = 0, head: Int = 0, layers: ClosedRange<Int>? = nil) {
    self.layer = layer
    self.head = head
    self.layers = layers
  }
}
