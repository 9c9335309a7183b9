import Foundation

extension BytePairVocabulary {
  /// The ids of `text`: the beginning-of-sequence id if the vocabulary adds one, then
  /// special tokens whole and every other stretch pre-tokenized and merged word by word.
  func encode(_ text: String) -> [Int] {
    var ids: [Int] = []
    if addsBeginning, let beginning = specials.beginning { ids.append(beginning) }
    for stretch in splitter.splitAddedTokens(text) {
      switch stretch {
      case .added(let id): ids.append(id)
      case .text(var part):
        if composesText { part = part.precomposedStringWithCanonicalMapping }
        if addsPrefixSpace && !part.hasPrefix(" ") { part = " " + part }
        let scalars = Array(part.unicodeScalars)
        for word in preTokenizer.split(scalars) {
          ids += encodeWord(Array(String(String.UnicodeScalarView(scalars[word])).utf8))
        }
      }
    }
    return ids
  }

  /// The ids of one word's bytes: one token per byte, then the best-ranked adjacent pair
  /// merged until no pair is a merge.
  func encodeWord(_ bytes: [UInt8]) -> [Int] {
    if ignoresMerges, let id = wholeWords[bytes] { return [id] }
    let start = bytes.compactMap { byteIDs[Int($0)] ?? specials.unknown }
    return merged(start)
  }

  /// A candidate merge: the pair starting at symbol `position`, as it was when found.
  private struct Candidate: Comparable {
    var rank: Int32
    var position: Int
    var left: Int
    var right: Int
    var result: Int

    /// Best rank first; among equal ranks, the leftmost pair (as `tokenizers` does).
    static func < (a: Candidate, b: Candidate) -> Bool {
      (a.rank, a.position) < (b.rank, b.position)
    }
  }

  /// `symbols` after all merges: a priority queue of candidate pairs by rank, and a linked
  /// list of the symbols still alive, so each merge costs a logarithm rather than a rescan.
  func merged(_ symbols: [Int]) -> [Int] {
    guard symbols.count > 1 else { return symbols }
    var ids = symbols
    let none = symbols.count
    var next = Array(1...symbols.count)  // `none` past the last
    var previous = Array(-1..<(symbols.count - 1))
    var alive = [Bool](repeating: true, count: symbols.count)
    var queue = MinHeap<Candidate>()
    func consider(_ position: Int) {
      guard position >= 0, next[position] != none else { return }
      let left = ids[position]
      let right = ids[next[position]]
      if let merge = merges[Self.key(left, right)] {
        queue.push(
          Candidate(
            rank: merge.rank, position: position, left: left, right: right,
            result: Int(merge.id)))
      }
    }
    for position in 0..<(symbols.count - 1) { consider(position) }
    while let candidate = queue.pop() {
      let position = candidate.position
      let following = next[position]
      // The pair may have changed since it was queued: skip it unless it is still there.
      guard alive[position], ids[position] == candidate.left, following != none,
        ids[following] == candidate.right
      else { continue }
      ids[position] = candidate.result
      alive[following] = false
      next[position] = next[following]
      if next[following] != none { previous[next[following]] = position }
      consider(previous[position])
      consider(position)
    }
    return ids.indices.filter { alive[$0] }.map { ids[$0] }
  }
}

/// A binary min-heap: the smallest element comes out first.
struct MinHeap<Element: Comparable> {
  private var elements: [Element] = []

  mutating func push(_ element: Element) {
    elements.append(element)
    var child = elements.count - 1
    while child > 0 {
      let parent = (child - 1) / 2
      guard elements[child] < elements[parent] else { break }
      elements.swapAt(child, parent)
      child = parent
    }
  }

  mutating func pop() -> Element? {
    guard !elements.isEmpty else { return nil }
    elements.swapAt(0, elements.count - 1)
    let smallest = elements.removeLast()
    var parent = 0
    while true {
      let left = 2 * parent + 1
      let right = left + 1
      var best = parent
      if left < elements.count && elements[left] < elements[best] { best = left }
      if right < elements.count && elements[right] < elements[best] { best = right }
      if best == parent { break }
      elements.swapAt(parent, best)
      parent = best
    }
    return smallest
  }
}
