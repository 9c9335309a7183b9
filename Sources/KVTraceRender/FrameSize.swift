/// The size of a terminal screen in character cells.
public struct FrameSize: Sendable, Equatable, Hashable, CustomStringConvertible {
  /// Cells across.
  public var columns: Int
  /// Lines down.
  public var rows: Int

  /// Creates a size.
  public init(columns: Int, rows: Int) {
    self.columns = columns
    self.rows = rows
  }

  /// The size terminals open with when nothing better is known.
  public static let standard = FrameSize(columns: 80, rows: 24)

  /// `80×24`.
  public var description: String { "\(columns)×\(rows)" }
}
