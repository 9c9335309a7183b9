/// A set of sequence positions, stored as sorted, disjoint, non-adjacent ranges.
///
/// Cache rows come in runs: a full cache reuses positions `0..<t` and computes
/// `t`; a window keeps the last N. Storing runs keeps a trace small however long
/// the sequence, and keeps the common cases readable in a JSON file: positions
/// 0 through 12 are `[[0, 13]]` (start included, end excluded, like Swift's
/// `0..<13` and Python's `range(0, 13)`) rather than thirteen numbers.
public struct PositionSet: Sendable, Equatable, Hashable, Codable, Sequence {
  /// The runs, sorted, disjoint and never touching.
  public private(set) var ranges: [Range<Int>]

  /// The empty set.
  public init() { ranges = [] }

  /// The positions of one range.
  public init(_ range: Range<Int>) { ranges = range.isEmpty ? [] : [range] }

  /// The given positions, in any order, duplicates ignored.
  public init(_ positions: some Sequence<Int>) {
    ranges = []
    for position in positions.sorted() { insert(position) }
  }

  /// Runs that are already sorted, non-empty, disjoint and never touching, as a
  /// trace file stores them; the decoder checks that before it calls this.
  init(canonicalRanges: [Range<Int>]) { ranges = canonicalRanges }

  /// The union of the given ranges, in any order.
  public init(ranges: [Range<Int>]) {
    self.init()
    for range in ranges { for position in range { insert(position) } }
  }

  /// Adds one position, merging it with the runs it touches.
  public mutating func insert(_ position: Int) {
    // The first run that ends at or after `position`.
    var index = ranges.count
    if let last = ranges.last, last.upperBound < position {
      ranges.append(position..<(position + 1))  // the common case: appending in order
      return
    }
    if let last = ranges.last, last.upperBound == position {
      ranges[ranges.count - 1] = last.lowerBound..<(position + 1)  // extending the last run
      return
    }
    var low = 0
    while low < index {
      let mid = (low + index) / 2
      if ranges[mid].upperBound < position { low = mid + 1 } else { index = mid }
    }
    if index < ranges.count, ranges[index].contains(position) { return }
    var merged = position..<(position + 1)
    var removeFrom = index
    var removeTo = index
    if index < ranges.count, ranges[index].upperBound == position {
      merged = ranges[index].lowerBound..<merged.upperBound
      removeTo = index + 1
    }
    if removeTo < ranges.count, ranges[removeTo].lowerBound == position + 1 {
      merged = merged.lowerBound..<ranges[removeTo].upperBound
      removeTo += 1
    }
    if removeFrom == removeTo, index < ranges.count, ranges[index].lowerBound == position + 1 {
      merged = position..<ranges[index].upperBound
      removeFrom = index
      removeTo = index + 1
    }
    ranges.replaceSubrange(removeFrom..<removeTo, with: [merged])
  }

  /// How many positions the set holds.
  public var count: Int { ranges.reduce(0) { $0 + $1.count } }
  /// Whether the set holds no position.
  public var isEmpty: Bool { ranges.isEmpty }

  /// Whether `position` is in the set.
  public func contains(_ position: Int) -> Bool {
    var low = 0
    var high = ranges.count
    while low < high {
      let mid = (low + high) / 2
      if ranges[mid].upperBound <= position {
        low = mid + 1
      } else if ranges[mid].lowerBound > position {
        high = mid
      } else {
        return true
      }
    }
    return false
  }

  /// Where `position` comes in the set's increasing order (a trace's weights are listed in
  /// that order), or `nil` when the set does not hold it.
  func offset(of position: Int) -> Int? {
    var before = 0
    for range in ranges {
      if range.contains(position) { return before + (position - range.lowerBound) }
      if range.lowerBound > position { return nil }
      before += range.count
    }
    return nil
  }

  /// The positions in increasing order.
  public func makeIterator() -> FlattenSequence<[Range<Int>]>.Iterator {
    ranges.joined().makeIterator()
  }
}
