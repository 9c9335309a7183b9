// Greedy merging by score in O(n log n): a heap of candidate pairs over a linked list of
// tokens, instead of rescanning the whole prompt after every merge (which took minutes for a
// prompt of 100,000 characters).

extension SentencePieceVocabulary {
  /// Merges the best-scoring adjacent pair until no adjacent pair is a piece.
  ///
  /// Like llama2.c: the concatenation of the two *stored* pieces is looked up (so byte tokens,
  /// stored as `<0xE2>`, never merge), the first pair wins a tie, and a piece must score above
  /// ``worstMergeScore``. llama2.c rescans every pair after each merge; here every adjacent
  /// pair that is a piece waits in a heap ordered by score, then by position, and a merge only
  /// adds the two pairs it creates. A pair whose token changed since it was pushed is skipped
  /// when it comes out, so the merges, and the ids, are exactly llama2.c's.
  func mergeBestPairs(_ tokens: inout [Int]) {
    let end = tokens.count
    guard end > 1 else { return }
    var next = Array(1...end)
    var previous = Array(-1..<(end - 1))
    var version = [Int](repeating: 0, count: end)
    var heap = MergeHeap()
    var pair: [UInt8] = []
    func push(_ left: Int) {
      let right = next[left]
      pair.removeAll(keepingCapacity: true)
      pair += pieces[tokens[left]]
      pair += pieces[tokens[right]]
      guard let id = ids[PieceKey(pair)], scores[id] > Self.worstMergeScore else { return }
      heap.push(
        MergeCandidate(
          score: scores[id], left: left, right: right, leftVersion: version[left],
          rightVersion: version[right], id: id))
    }
    for left in 0..<(end - 1) { push(left) }
    while let best = heap.pop() {
      let (left, right) = (best.left, best.right)
      guard version[left] == best.leftVersion, version[right] == best.rightVersion else { continue }
      tokens[left] = best.id  // [a, b] -> [ab]
      version[left] += 1
      version[right] += 1  // removed: every pair that names it is stale
      next[left] = next[right]
      if next[left] < end { previous[next[left]] = left }
      if previous[left] >= 0 { push(previous[left]) }
      if next[left] < end { push(left) }
    }
    var merged: [Int] = []
    var index = 0
    while index < end {
      merged.append(tokens[index])
      index = next[index]
    }
    tokens = merged
  }
}

/// A pair of adjacent tokens whose concatenation is a piece, as it was when pushed.
struct MergeCandidate {
  var score: Float
  var left: Int
  var right: Int
  var leftVersion: Int
  var rightVersion: Int
  var id: Int

  /// Whether this pair merges before `other`: a higher score, or the same score further left.
  func precedes(_ other: MergeCandidate) -> Bool {
    score != other.score ? score > other.score : left < other.left
  }
}

/// A binary max-heap of merge candidates, best first.
struct MergeHeap {
  private var items: [MergeCandidate] = []

  mutating func push(_ item: MergeCandidate) {
    items.append(item)
    var child = items.count - 1
    while child > 0 {
      let parent = (child - 1) / 2
      guard items[child].precedes(items[parent]) else { break }
      items.swapAt(child, parent)
      child = parent
    }
  }

  mutating func pop() -> MergeCandidate? {
    guard let top = items.first else { return nil }
    let last = items.removeLast()
    guard !items.isEmpty else { return top }
    items[0] = last
    var parent = 0
    while true {
      let left = 2 * parent + 1
      let right = left + 1
      var best = parent
      if left < items.count, items[left].precedes(items[best]) { best = left }
      if right < items.count, items[right].precedes(items[best]) { best = right }
      guard best != parent else { return top }
      items.swapAt(parent, best)
      parent = best
    }
  }
}
