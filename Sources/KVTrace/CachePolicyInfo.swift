/// A cache policy as a trace records it: its typed ``kind`` and the words the
/// header stores beside it.
///
/// A policy is *exact* when it gives the same tokens as decoding with no cache
/// (up to float rounding), and *approximate* when it may not (a sliding window
/// forgets rows; quantization changes them).
///
/// The file stores the policy as `{"name": ..., "exact": ..., "summary": ...}`;
/// the name is parsed into ``kind`` once, when the header is made or read, so
/// every reader `switch`es over ``CachePolicyKind`` instead of reading the name.
public struct CachePolicyInfo: Sendable, Equatable, Hashable {
  /// The policy: what views and the oracle switch on.
  public let kind: CachePolicyKind
  /// The name as given to `--cache` and stored in the file, e.g. `full`.
  public let name: String
  /// Whether the policy gives the same tokens as no cache.
  public let exact: Bool
  /// One sentence on what the policy keeps.
  public let summary: String

  /// Creates the description of `kind`, with the words the file stores.
  ///
  /// `name` defaults to the kind's own name; pass the name a file spelled
  /// (`sinks:0,window:4` is the kind `window:4`) to write the same bytes back.
  public init(kind: CachePolicyKind, name: String? = nil, exact: Bool, summary: String) {
    self.kind = kind
    self.name = name ?? kind.name
    self.exact = exact
    self.summary = summary
  }

  /// Creates the description from a `--cache` name.
  ///
  /// - Throws: ``CachePolicyError`` when `name` is not a policy name
  ///   ``CachePolicyKind/init(parsing:)`` accepts: a description always has a kind.
  public init(name: String, exact: Bool, summary: String) throws(CachePolicyError) {
    self.init(
      kind: try CachePolicyKind(parsing: name), name: name, exact: exact, summary: summary)
  }

  /// How many of the first positions the policy pins (its attention sinks):
  /// `S` for `sinks:S,window:N`, else 0.
  public var pinnedPositions: Int {
    switch kind {
    case .window(let sinks, _): sinks
    case .none, .full, .paged, .int8: 0
    }
  }
}

extension CachePolicyInfo: Codable {
  private enum CodingKeys: String, CodingKey { case name, exact, summary }

  /// Reads the three fields the file stores and parses the name.
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    let name = try c.decode(String.self, forKey: .name)
    let kind: CachePolicyKind
    do { kind = try CachePolicyKind(parsing: name) } catch {
      throw DecodingError.dataCorruptedError(
        forKey: .name, in: c, debugDescription: error.description)
    }
    self.init(
      kind: kind, name: name, exact: try c.decode(Bool.self, forKey: .exact),
      summary: try c.decode(String.self, forKey: .summary))
  }

  /// Writes the three fields the file stores.
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(name, forKey: .name)
    try c.encode(exact, forKey: .exact)
    try c.encode(summary, forKey: .summary)
  }
}
