import Testing

@testable import KVTrace

/// A position's offset in a set is its index in the set's increasing order (where a trace
/// lists its weight), for sets of several runs, and nothing for a position outside.
@Test(.tags(.unit)) func aPositionsOffsetIsItsIndexInIncreasingOrder() {
  let sets = [
    PositionSet(), PositionSet(0..<13), PositionSet([0, 1, 2, 7, 8, 20]),
    PositionSet(ranges: [3..<5, 9..<12, 40..<41]),
  ]
  for set in sets {
    let listed = Array(set)
    for position in -2..<45 {
      #expect(set.offset(of: position) == listed.firstIndex(of: position), "\(position)")
    }
  }
}
