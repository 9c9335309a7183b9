import KVTrace

/// Decides what the model computes at each step and what the cache keeps after it.
///
/// The model asks the policy which positions to run (everything the cache does
/// not already hold), runs them, and hands the cache back to the policy to
/// trim. ``NoCache`` is the "before" picture (recompute everything),
/// ``FullCache`` keeps every row, and ``PagedCache`` keeps every row in blocks found
/// through a block table; all three are **exact**. ``SlidingWindow`` (a window,
/// optionally with attention sinks) forgets old rows before a query reads them, and
/// is **approximate**: it may change the tokens (M15); so is ``Int8Cache``, which
/// keeps every row but rounds it to bytes.
public protocol CachePolicy: Sendable {
  /// The policy's name, exactness and one-line summary, as the trace records it.
  var info: CachePolicyInfo { get }
  /// The positions to run through the model at this step, given the sequence
  /// length and what the cache holds.
  func positionsToCompute(sequenceLength: Int, cache: KVCache) -> Range<Int>
  /// Trims the cache after a step; returns the positions it evicted.
  func retain(in cache: KVCache, sequenceLength: Int) -> Range<Int>
  /// Drops the rows the query at `position` must not see, before it is computed;
  /// returns the positions dropped. Only approximate policies drop anything here.
  func evict(before position: Int, in cache: KVCache) -> PositionSet
  /// An empty cache laid out for this policy: contiguous float rows, blocks
  /// (``PagedCache``) or int8 rows (``Int8Cache``).
  func makeCache(config: ModelConfig) -> KVCache
}

extension CachePolicy {
  /// Contiguous rows, llama2.c's layout.
  public func makeCache(config: ModelConfig) -> KVCache { KVCache(config: config) }

  /// Drops nothing: an exact policy lets every query see every earlier key.
  public func evict(before position: Int, in cache: KVCache) -> PositionSet { PositionSet() }
}

/// No cache: every step recomputes the keys and values of every position.
///
/// This is what a transformer does if nobody adds a cache (picoGPT's `generate`):
/// step `t` runs all `P + t` positions through every layer again, although only
/// the newest one is new. It is exact, and wasteful.
public struct NoCache: CachePolicy {
  /// Creates the policy.
  public init() {}
  /// `none`, exact.
  public var info: CachePolicyInfo {
    CachePolicyInfo(
      name: "none", exact: true,
      summary: "every step recomputes K and V for every position")
  }
  /// All positions, every step.
  public func positionsToCompute(sequenceLength: Int, cache: KVCache) -> Range<Int> {
    0..<sequenceLength
  }
  /// Forgets everything: nothing is kept between steps.
  public func retain(in cache: KVCache, sequenceLength: Int) -> Range<Int> {
    cache.removeAll()
    return 0..<0
  }
}

/// A full cache: every row computed once, kept, and read back at every later step.
///
/// After the prefill, each decode step computes the keys and values of the one
/// new position per layer and KV head, and reuses all earlier rows. It is exact:
/// a cached row is bit for bit the row a recomputation would produce.
public struct FullCache: CachePolicy {
  /// Creates the policy.
  public init() {}
  /// `full`, exact.
  public var info: CachePolicyInfo {
    CachePolicyInfo(
      name: "full", exact: true,
      summary: "each row is computed once and reused at every later step")
  }
  /// Only the positions the cache does not hold yet.
  public func positionsToCompute(sequenceLength: Int, cache: KVCache) -> Range<Int> {
    min(cache.length, sequenceLength)..<sequenceLength
  }
  /// Keeps everything.
  public func retain(in cache: KVCache, sequenceLength: Int) -> Range<Int> { 0..<0 }
}

/// Looks up a policy by its `--cache` name.
public enum CachePolicies {
  /// The names `--cache` accepts, with one line each.
  public static let all: [(name: String, summary: String)] = [
    (NoCache().info.name, "exact: " + NoCache().info.summary),
    (FullCache().info.name, "exact: " + FullCache().info.summary),
    ("window:N", "approximate: keeps the last N positions, evicting one per step once full"),
    ("sinks:S,window:N", "approximate: pins the first S positions and keeps the last N"),
    ("paged:B", "exact: keeps every row in blocks of B positions found through a block table"),
    ("int8", "approximate: keeps every row as int8 bytes and one float scale per row"),
  ]

  /// The policy called `name`, or `nil` if there is none.
  public static func named(_ name: String) -> (any CachePolicy)? {
    try? parse(name)
  }

  /// The policy called `name`.
  ///
  /// - Throws: ``CachePolicyError`` naming what is wrong with `name` and a value that works.
  public static func parse(_ name: String) throws(CachePolicyError) -> any CachePolicy {
    switch name {
    case "none": return NoCache()
    case "full": return FullCache()
    case "int8": return Int8Cache()
    default: break
    }
    if name.hasPrefix("paged:") {
      let value = name.dropFirst("paged:".count)
      guard let blockSize = Int(value), blockSize >= 1 else {
        throw .badNumber(name, part: "paged", value: String(value))
      }
      return PagedCache(blockSize: blockSize)
    }
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
    return SlidingWindow(sinks: values["sinks"] ?? 0, window: window)
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
      "--\(option) expects one of \(CachePolicies.all.map(\.name).joined(separator: ", ")), "
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
