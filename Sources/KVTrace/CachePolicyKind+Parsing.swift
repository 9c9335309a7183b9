extension CachePolicyKind {
  /// The names `--cache` accepts, with one line each: the one list the help, the
  /// errors and the README table are made from.
  public static let catalog: [(name: String, summary: String)] = [
    ("none", "exact: " + CachePolicyKind.none.summary),
    ("full", "exact: " + CachePolicyKind.full.summary),
    ("window:N", "approximate: keeps the last N positions, evicting one per step once full"),
    ("sinks:S,window:N", "approximate: pins the first S positions and keeps the last N"),
    ("paged:B", "exact: keeps every row in blocks of B positions found through a block table"),
    ("int8", "approximate: keeps every row as int8 bytes and one float scale per row"),
  ]

  /// Parses a `--cache` name (`none`, `full`, `window:N`, `sinks:S,window:N`,
  /// `paged:B`, `int8`).
  ///
  /// - Throws: ``CachePolicyError`` naming what is wrong and a value that works.
  public init(parsing name: String) throws(CachePolicyError) {
    switch name {
    case "none": self = .none
    case "full": self = .full
    case "int8": self = .int8
    case _ where name.hasPrefix("paged:"):
      let value = name.dropFirst("paged:".count)
      guard let blockSize = Int(value), blockSize >= 1 else {
        throw .badNumber(name, part: "paged", value: String(value))
      }
      self = .paged(blockSize: blockSize)
    default:
      self = try Self.window(name)
    }
  }

  /// `window:N` or `sinks:S,window:N`.
  private static func window(_ name: String) throws(CachePolicyError) -> CachePolicyKind {
    let parts = name.split(separator: ",", omittingEmptySubsequences: false)
    var values: [String: Int] = [:]
    for part in parts {
      let pair = part.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
      guard pair.count == 2, ["window", "sinks"].contains(String(pair[0])) else {
        throw .unknown(name)
      }
      guard let value = Int(pair[1]), value >= (pair[0] == "window" ? 1 : 0) else {
        throw .badNumber(name, part: String(pair[0]), value: String(pair[1]))
      }
      values[String(pair[0])] = value
    }
    guard parts.count == values.count, let window = values["window"] else {
      throw .unknown(name)
    }
    if parts.count == 2, parts[0].hasPrefix("window") { throw .unknown(name) }
    return .window(sinks: values["sinks"] ?? 0, window: window)
  }
}

/// Why a `--cache` value names no policy.
public enum CachePolicyError: Error, Equatable, CustomStringConvertible {
  /// Not a policy name at all.
  case unknown(String)
  /// A policy's number is not a whole number in range.
  case badNumber(String, part: String, value: String)

  /// One line: what is wrong and a value that works.
  public var description: String { message(option: "cache") + "; " + fix(option: "cache") }

  /// What is wrong, naming the option (`cache`, or `against` for `compare`).
  public func message(option: String) -> String {
    switch self {
    case .unknown(let name):
      "--\(option) expects one of \(CachePolicyKind.catalog.map(\.name).joined(separator: ", ")), "
        + "got '\(name)'"
    case .badNumber(let name, let part, let value):
      "in --\(option) \(name), \(part == "paged" ? "the block size" : part) must be a whole number of at least "
        + "\(part == "sinks" ? 0 : 1), got '\(value)'"
    }
  }

  /// A value that works.
  public func fix(option: String) -> String {
    switch self {
    case .unknown(let name) where name.hasPrefix("int8"):
      "int8 takes no number: use --\(option) int8"
    case .unknown:
      "for example --\(option) window:4, --\(option) sinks:2,window:4, --\(option) paged:4 "
        + "or --\(option) int8"
    case .badNumber(_, "paged", _): "for example --\(option) paged:4"
    case .badNumber(_, let part, _):
      part == "window"
        ? "for example --\(option) window:4" : "for example --\(option) sinks:2,window:4"
    }
  }
}
