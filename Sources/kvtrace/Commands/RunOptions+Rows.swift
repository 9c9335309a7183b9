import KVTraceRender

extension RunOptions {
  /// The lines a step of `run` takes besides its cache rows: the rule, the two
  /// headings, and the sentences under the grid.
  static let linesAroundRows = 8

  /// The most cache rows a step draws, as `--rows` asks: `auto` fits a step in the
  /// terminal's height (`LINES`, else 24), `all` draws every row, a number caps them.
  static func rows(_ arguments: ParsedArguments, environment: [String: String])
    throws(UsageError) -> Int
  {
    let raw = arguments.value(OptionCatalog.rows)
    switch raw {
    case "auto":
      return max(4, WindowSize.fallback(environment: environment).rows - linesAroundRows)
    case "all": return Int.max
    default:
      guard let count = Int(raw), count >= 1 else {
        throw UsageError(
          "--rows expects auto, all or a number of rows of at least 1, got '\(raw)'",
          fix: "for example --rows all")
      }
      return count
    }
  }
}
