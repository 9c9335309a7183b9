import KVTraceRender

/// Where the size of the screen comes from, in order of trust.
///
/// The terminal itself knows best (the `TIOCGWINSZ` request); a terminal that
/// does not answer (a serial line, some emulators) leaves `COLUMNS` and `LINES`,
/// which shells export; and when those are missing too, 80×24, the size
/// terminals have opened with since the VT100.
enum WindowSize {
  /// The size to use: what the terminal reported, unless it reported nothing.
  ///
  /// - Parameters:
  ///   - reported: The terminal's answer, if any; zeros count as no answer.
  ///   - fallback: The size from ``fallback(environment:)``.
  static func resolve(reported: FrameSize?, fallback: FrameSize) -> FrameSize {
    if let reported, reported.columns > 0, reported.rows > 0 { return reported }
    return fallback
  }

  /// The size from `COLUMNS` and `LINES`, each defaulting to 80×24's.
  static func fallback(environment: [String: String]) -> FrameSize {
    func positive(_ name: String) -> Int? {
      guard let value = environment[name].flatMap({ Int($0) }), value > 0 else { return nil }
      return value
    }
    return FrameSize(
      columns: positive("COLUMNS") ?? FrameSize.standard.columns,
      rows: positive("LINES") ?? FrameSize.standard.rows)
  }
}
