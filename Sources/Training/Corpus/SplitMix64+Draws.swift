import TinyTransformer

/// The few random draws the corpus makes, written out so they give the same results on
/// every machine and every Swift release.
///
/// The standard library's `Int.random(in:using:)` is free to change how it turns random bits
/// into a number; a corpus that must be the same bytes everywhere cannot depend on that.
extension SplitMix64 {
  /// A whole number in `0..<bound` (bound > 0): the high half of a 64×64-bit product.
  ///
  /// The bias of this method is below bound / 2⁶⁴, far too small to matter here.
  mutating func below(_ bound: Int) -> Int {
    Int(next().multipliedFullWidth(by: UInt64(bound)).high)
  }

  /// A whole number in `range`, every value equally likely.
  mutating func int(in range: ClosedRange<Int>) -> Int {
    range.lowerBound + below(range.count)
  }

  /// True with probability `p`: 53 random bits as a `Double` in `[0, 1)`, compared with `p`.
  mutating func chance(_ p: Double) -> Bool {
    Double(next() >> 11) * 0x1p-53 < p
  }

  /// One element of a non-empty array, every element equally likely.
  mutating func pick<Element>(_ array: [Element]) -> Element {
    array[below(array.count)]
  }

  /// `count` distinct elements of `array` (count ≤ array.count), in random order.
  ///
  /// A partial Fisher–Yates shuffle: swap a random later element into each of the first
  /// `count` places.
  mutating func distinct<Element>(_ count: Int, of array: [Element]) -> [Element] {
    var items = array
    for i in 0..<count {
      items.swapAt(i, i + below(items.count - i))
    }
    return Array(items.prefix(count))
  }
}
