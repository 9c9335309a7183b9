import KVTrace
import Testing

/// A 64-bit linear congruential generator (Knuth's MMIX constants), independent of the model's.
private struct LCG {
  var state: UInt64

  mutating func next(below bound: Int) -> Int {
    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return Int((state >> 33) % UInt64(bound))
  }
}

/// Whether `ranges` is in canonical form: non-empty, sorted, disjoint and never touching.
private func isCanonical(_ ranges: [Range<Int>]) -> Bool {
  for range in ranges where range.isEmpty { return false }
  for (a, b) in zip(ranges, ranges.dropFirst()) where a.upperBound >= b.lowerBound {
    return false
  }
  return true
}

private func set(inserting positions: [Int]) -> PositionSet {
  var set = PositionSet()
  for position in positions { set.insert(position) }
  return set
}

@Test(.tags(.unit)) func emptySetHoldsNothing() {
  let empty = PositionSet()
  #expect(empty.isEmpty)
  #expect(empty.count == 0)
  #expect(empty.ranges.isEmpty)
  #expect(!empty.contains(0))
  #expect(Array(empty).isEmpty)
  #expect(PositionSet(3..<3) == empty)
  #expect(PositionSet(3..<3).ranges.isEmpty)
}

@Test(.tags(.unit)) func insertInOrderBuildsOneRun() {
  let positions = set(inserting: [0, 1, 2, 3, 4])
  #expect(positions.ranges == [0..<5])
  #expect(positions.count == 5)
  #expect(!positions.isEmpty)
}

@Test(.tags(.unit)) func insertOutOfOrderKeepsRunsSorted() {
  let positions = set(inserting: [9, 2, 5])
  #expect(positions.ranges == [2..<3, 5..<6, 9..<10])
  #expect(Array(positions) == [2, 5, 9])
}

@Test(.tags(.unit)) func insertDuplicatesChangesNothing() {
  var positions = set(inserting: [4, 5, 6])
  let before = positions
  positions.insert(5)
  positions.insert(4)
  positions.insert(6)
  #expect(positions == before)
  #expect(positions.ranges == [4..<7])
  #expect(positions.count == 3)
}

@Test(.tags(.unit)) func insertBridgesTwoNeighbours() {
  // 5, then 3: two runs; 4 touches both and merges them into one.
  var positions = set(inserting: [5, 3])
  #expect(positions.ranges == [3..<4, 5..<6])
  positions.insert(4)
  #expect(positions.ranges == [3..<6])
}

@Test(.tags(.unit)) func insertExtendsARunOnEitherSide() {
  var positions = PositionSet(10..<12)
  positions.insert(12)  // touches the upper bound
  #expect(positions.ranges == [10..<13])
  positions.insert(9)  // touches the lower bound
  #expect(positions.ranges == [9..<13])
  positions.insert(0)  // before everything, not touching
  #expect(positions.ranges == [0..<1, 9..<13])
  positions.insert(8)  // touches only the later run
  #expect(positions.ranges == [0..<1, 8..<13])
  positions.insert(1)  // touches only the earlier run
  #expect(positions.ranges == [0..<2, 8..<13])
  positions.insert(14)  // after everything, not touching
  #expect(positions.ranges == [0..<2, 8..<13, 14..<15])
  positions.insert(13)  // bridges the last two runs
  #expect(positions.ranges == [0..<2, 8..<15])
}

@Test(.tags(.unit)) func containsMatchesRunBoundaries() {
  let positions = PositionSet(ranges: [2..<4, 7..<8, 10..<13])
  let inside = [2, 3, 7, 10, 11, 12]
  let outside = [-1, 0, 1, 4, 5, 6, 8, 9, 13, 100]
  for position in inside { #expect(positions.contains(position), "\(position)") }
  for position in outside { #expect(!positions.contains(position), "\(position)") }
  #expect(positions.count == 6)
}

@Test(.tags(.unit)) func iteratesInIncreasingOrder() {
  let positions = PositionSet([12, 0, 7, 3, 8, 1, 7])
  #expect(Array(positions) == [0, 1, 3, 7, 8, 12])
  #expect(positions.ranges == [0..<2, 3..<4, 7..<9, 12..<13])
}

@Test(.tags(.unit)) func initRangesMergesOverlapsAndNeighbours() {
  let positions = PositionSet(ranges: [8..<10, 0..<3, 2..<5, 5..<6, 12..<12, 10..<11])
  #expect(positions.ranges == [0..<6, 8..<11])
  #expect(positions.count == 9)
  #expect(PositionSet(ranges: []).isEmpty)
}

@Test(.tags(.unit)) func setsBuiltDifferentlyAreEqual() {
  let fromRange = PositionSet(0..<6)
  let fromRanges = PositionSet(ranges: [3..<6, 0..<3])
  let fromPositions = PositionSet([5, 4, 3, 2, 1, 0, 3])
  let fromInserts = set(inserting: [5, 3, 4, 0, 2, 1])
  #expect(fromRange == fromRanges)
  #expect(fromRange == fromPositions)
  #expect(fromRange == fromInserts)
  #expect(Set([fromRange, fromRanges, fromPositions, fromInserts]).count == 1)
  #expect(fromRange != PositionSet(0..<5))
  #expect(fromRange != PositionSet(ranges: [0..<3, 4..<7]))
}

@Test(.tags(.unit), arguments: [1, 2, 3, 42, 2024])
func randomInsertsMatchASetModel(seed: UInt64) {
  var random = LCG(state: seed)
  let span = [8, 40, 200][Int(seed % 3)]
  var positions = PositionSet()
  var model = Set<Int>()
  for round in 0..<400 {
    let position = random.next(below: span)
    positions.insert(position)
    model.insert(position)
    #expect(isCanonical(positions.ranges), "round \(round): \(positions.ranges)")
    #expect(positions.count == model.count)
    if round % 20 == 0 || model.count == span {
      #expect(Array(positions) == model.sorted())
      for probe in -2..<(span + 2) {
        #expect(positions.contains(probe) == model.contains(probe), "probe \(probe)")
      }
    }
  }
  #expect(Array(positions) == model.sorted())
  #expect(PositionSet(model) == positions)
}

@Test(.tags(.unit), arguments: [7, 99, 31337])
func randomRangeUnionsMatchASetModel(seed: UInt64) {
  var random = LCG(state: seed)
  for _ in 0..<50 {
    var ranges: [Range<Int>] = []
    var model = Set<Int>()
    for _ in 0..<random.next(below: 6) {
      let lower = random.next(below: 30)
      let range = lower..<(lower + random.next(below: 6))
      ranges.append(range)
      model.formUnion(range)
    }
    let positions = PositionSet(ranges: ranges)
    #expect(isCanonical(positions.ranges), "\(ranges) -> \(positions.ranges)")
    #expect(Array(positions) == model.sorted())
    #expect(positions == PositionSet(model))
    #expect(positions.isEmpty == model.isEmpty)
  }
}
