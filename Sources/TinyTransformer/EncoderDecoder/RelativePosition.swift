/// T5's relative position bias: which bucket an offset between a query and a key
/// falls into.
///
/// T5 has no position embeddings. Each attention score gets a learned number
/// added, `bias[bucket(key − query), head]`, from a table of `buckets × heads`
/// that the first layer of each stack owns and every layer of the stack reuses.
/// Near offsets get a bucket each; far ones share buckets whose widths grow
/// logarithmically up to `maxDistance`, beyond which all offsets share the last.
/// The encoder is bidirectional: half the buckets are for keys after the query.
/// The decoder is causal: a key is never after its query, so all buckets count
/// backwards.
///
/// **Why a cached key stays valid.** The bias depends only on the offset
/// `key − query`, never on what the key holds, and it is added to the *score*,
/// not stored in the key. A key cached at step 3 is the same vector at step 9;
/// only the bias added to its score changes, computed afresh from the two
/// positions. So, as with RoPE, the cache holds rows that never need rewriting.
enum RelativePosition {
  /// The bucket of `offset = key − query`, exactly as Hugging Face's
  /// `T5Attention._relative_position_bucket` computes it.
  ///
  /// The logarithmic part, `maxExact + ⌊log(n / maxExact) / log(maxDistance /
  /// maxExact) × (buckets − maxExact)⌋`, is computed with ``DeterministicMath/log(_:)``
  /// in `Double`, so every machine gets the same bucket. A quotient that lands
  /// exactly on a whole number is taken at that number (`+ 1e-9`), as the real
  /// arithmetic says.
  ///
  /// - Parameters:
  ///   - offset: The key's position minus the query's.
  ///   - bidirectional: `true` in the encoder, `false` in the decoder.
  ///   - buckets: The table's bucket count (T5: 32).
  ///   - maxDistance: Offsets from this far on share the last bucket (T5: 128).
  static func bucket(offset: Int, bidirectional: Bool, buckets: Int, maxDistance: Int) -> Int {
    var count = buckets
    var base = 0
    var n: Int
    if bidirectional {
      count /= 2
      if offset > 0 { base = count }  // keys after the query: the upper half
      n = abs(offset)
    } else {
      n = max(0, -offset)  // keys at or before the query
    }
    let maxExact = count / 2
    guard n >= maxExact else { return base + n }  // one bucket per near offset
    let ratio = DeterministicMath.log(Double(n) / Double(maxExact))
    let span = DeterministicMath.log(Double(maxDistance) / Double(maxExact))
    let large = maxExact + Int(ratio / span * Double(count - maxExact) + 1e-9)
    return base + min(large, count - 1)
  }
}
