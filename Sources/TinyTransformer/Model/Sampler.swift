import FastKernelsC
import KVTrace

/// Picks the next token from the logits, greedily or by seeded sampling.
///
/// Works in place on buffers the decoder allocated once, so a decode step
/// allocates nothing. Greedy decoding needs no softmax at all: the most probable
/// token is the one with the largest logit.
struct Sampler {
  var sampling: Sampling
  var generator: SplitMix64
  /// How many threads share the probabilities' exponentials (the same bits for any count).
  var threads = 1

  init(sampling: Sampling, seed: UInt64) {
    self.sampling = sampling
    // A stream of its own, so sampling never shifts the weights' stream.
    generator = SplitMix64(seed: seed ^ 0x5A4D_504C_4552_5321)
  }

  /// Whether choosing needs the probabilities (greedy does not).
  var needsProbabilities: Bool { sampling.temperature > 0 }

  /// Writes softmax(logits / T) into `probabilities`; T = 1 when greedy.
  func probabilities(
    _ logits: UnsafeBufferPointer<Float>, into probabilities: UnsafeMutablePointer<Float>
  ) {
    let inverse = 1 / (sampling.temperature > 0 ? sampling.temperature : 1)
    for i in logits.indices { probabilities[i] = logits[i] * inverse }
    Kernels.softmax(probabilities, n: logits.count, threads: threads)
  }

  /// Chooses a token: the largest logit when greedy, else a seeded draw from
  /// `probabilities` (which ``probabilities(_:into:)`` must have filled).
  mutating func choose(
    logits: UnsafeBufferPointer<Float>, probabilities: UnsafeMutablePointer<Float>
  ) -> Int {
    guard sampling.temperature > 0 else { return Self.argmax(logits) }
    let all = UnsafeBufferPointer(start: probabilities, count: logits.count)
    let pool = sampling.topK > 0 ? Self.top(sampling.topK, of: all) : Array(all.indices)
    var total: Float = 0
    for token in pool { total += all[token] }
    var threshold = generator.nextUnitFloat() * total
    for token in pool {
      threshold -= all[token]
      if threshold < 0 { return token }
    }
    return pool[pool.count - 1]
  }

  /// The index of the largest value (ties: the lowest index), as `top(1, of:)[0]`.
  ///
  /// Greedy decoding calls this once per step over the whole vocabulary: one pass
  /// that allocates nothing, where `top` keeps a list.
  static func argmax(
    _ values: UnsafeBufferPointer<Float>, variant: KernelVariant = .active
  ) -> Int {
    #if arch(x86_64)
      if variant.hasAVX2, let base = values.baseAddress {  // the top-1 scan, many at once
        var best = 0
        _ =
          variant == .avx512
          ? fk_avx512_top(base, values.count, 1, &best) : fk_avx2_top(base, values.count, 1, &best)
        return best
      }
    #endif
    var best = 0
    for index in values.indices.dropFirst() where values[index] > values[best] { best = index }
    return best
  }

  /// The indices of the `k` largest values, largest first (ties: lower index first).
  ///
  /// One pass with a small sorted list: O(n·k), without sorting all n values. Under an
  /// AVX2 or AVX-512 ``KernelVariant`` the pass compares eight or sixteen values at once
  /// with the list's smallest and looks only at those above it: the same indices.
  static func top(
    _ k: Int, of values: UnsafeBufferPointer<Float>, variant: KernelVariant = .active
  ) -> [Int] {
    let k = min(k, values.count)
    guard k > 0 else { return [] }
    #if arch(x86_64)
      if variant.hasAVX2, let base = values.baseAddress {
        return [Int](unsafeUninitializedCapacity: k) { best, count in
          let start = best.baseAddress!
          count =
            variant == .avx512
            ? fk_avx512_top(base, values.count, k, start)
            : fk_avx2_top(base, values.count, k, start)
        }
      }
    #endif
    var best: [Int] = []
    best.reserveCapacity(k + 1)
    for index in values.indices {
      let value = values[index]
      if best.count == k, let last = best.last, !(value > values[last]) { continue }
      var slot = best.count
      while slot > 0, value > values[best[slot - 1]] { slot -= 1 }
      best.insert(index, at: slot)
      if best.count > k { best.removeLast() }
    }
    return best
  }
}
