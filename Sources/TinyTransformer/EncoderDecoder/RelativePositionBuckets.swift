/// T5's relative-position buckets: which row of the bias table a query-key pair reads.
///
/// T5 adds no position vectors to its embeddings. Instead every attention score gets a
/// learned bias that depends on the offset `key − query` only, and offsets are grouped into
/// buckets: each small distance has a bucket of its own, larger ones share log-spaced
/// buckets, and every distance from `maxDistance` on shares the last one. In the encoder
/// (bidirectional) half the buckets are for keys after the query; in the decoder (causal)
/// every bucket is for keys at or before it.
///
/// Hugging Face computes the bucket of a distance `n ≥ maxExact` as `maxExact +
/// ⌊log(n / maxExact) / log(maxDistance / maxExact) × (buckets − maxExact)⌋` in floating
/// point, once per pair. Here the same rule is solved exactly, once: bucket `maxExact + j`
/// starts at the smallest integer `n` with `n^R ≥ maxExact^(R−j) · maxDistance^j` (with `R =
/// buckets − maxExact`), compared in exact integer arithmetic. The thresholds are integers,
/// so every platform finds the same buckets bit for bit, with no `log` per pair. The
/// inference model (``EncoderDecoderTransformer``) and the trainer both read this one rule.
///
/// **Why a cached key stays valid.** The bias depends only on the offset `key − query`,
/// never on what the key holds, and it is added to the *score*, not stored in the key. A key
/// cached at step 3 is the same vector at step 9; only the bias added to its score changes,
/// computed afresh from the two positions. So, as with RoPE, the cache holds rows that never
/// need rewriting.
package struct RelativePositionBuckets: Sendable, Equatable {
  let bidirectional: Bool
  let buckets: Int
  let maxDistance: Int
  /// `table[n]` is the bucket of distance `n` (before the direction offset), for `n` up to
  /// `maxDistance`; larger distances use the last bucket of their direction.
  private let table: [Int]

  package init(bidirectional: Bool, buckets: Int, maxDistance: Int) {
    (self.bidirectional, self.buckets, self.maxDistance) = (bidirectional, buckets, maxDistance)
    let perDirection = bidirectional ? buckets / 2 : buckets
    let maxExact = perDirection / 2
    let r = perDirection - maxExact
    var table = Array(0..<min(maxExact, maxDistance + 1))
    var j = 0
    for n in table.count...max(table.count, maxDistance) {
      while j + 1 < r
        && BigNatural.power(n, r) >= BigNatural.power(maxExact, r - j - 1)
          * BigNatural.power(maxDistance, j + 1)
      {
        j += 1
      }
      table.append(maxExact + j)
    }
    self.table = table
  }

  /// The bucket of the pair (query at `query`, key at `key`).
  package func bucket(query: Int, key: Int) -> Int {
    let offset = key - query
    let perDirection = bidirectional ? buckets / 2 : buckets
    let direction = bidirectional && offset > 0 ? perDirection : 0
    let distance = bidirectional ? abs(offset) : max(0, -offset)
    return direction + (distance < table.count ? table[distance] : perDirection - 1)
  }
}

/// A natural number of any size, just enough of one to compare powers exactly.
struct BigNatural: Comparable {
  /// Base-2³² digits, least significant first, no trailing zeros.
  private var digits: [UInt64]

  init(_ value: Int) {
    digits = []
    var v = UInt64(value)
    while v > 0 {
      digits.append(v & 0xFFFF_FFFF)
      v >>= 32
    }
  }

  static func power(_ base: Int, _ exponent: Int) -> BigNatural {
    var result = BigNatural(1)
    for _ in 0..<exponent { result = result * BigNatural(base) }
    return result
  }

  static func * (a: BigNatural, b: BigNatural) -> BigNatural {
    var product = [UInt64](repeating: 0, count: a.digits.count + b.digits.count)
    for (i, x) in a.digits.enumerated() {
      var carry: UInt64 = 0
      for (j, y) in b.digits.enumerated() {
        let t = x * y + product[i + j] + carry
        product[i + j] = t & 0xFFFF_FFFF
        carry = t >> 32
      }
      product[i + b.digits.count] += carry
    }
    while product.last == 0 { product.removeLast() }
    var result = BigNatural(0)
    result.digits = product
    return result
  }

  static func < (a: BigNatural, b: BigNatural) -> Bool {
    if a.digits.count != b.digits.count { return a.digits.count < b.digits.count }
    for i in a.digits.indices.reversed() where a.digits[i] != b.digits[i] {
      return a.digits[i] < b.digits[i]
    }
    return false
  }
}
