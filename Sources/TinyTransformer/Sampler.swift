import KVTrace

/// Picks the next token from the logits, greedily or by seeded sampling.
struct Sampler {
  var sampling: Sampling
  var generator: SplitMix64

  init(sampling: Sampling, seed: UInt64) {
    self.sampling = sampling
    // A stream of its own, so sampling never shifts the weights' stream.
    generator = SplitMix64(seed: seed ^ 0x5A4D_504C_4552_5321)
  }

  /// The probabilities the sampler draws from: softmax(logits / T), T = 1 when greedy.
  func probabilities(_ logits: [Float]) -> [Float] {
    let temperature = sampling.temperature > 0 ? sampling.temperature : 1
    var probabilities = logits.map { $0 / temperature }
    probabilities.withUnsafeMutableBufferPointer {
      Kernels.softmax($0.baseAddress!, n: $0.count)
    }
    return probabilities
  }

  /// Token ids ordered by probability, most probable first (ties: lower id first).
  static func ranked(_ probabilities: [Float]) -> [Int] {
    probabilities.indices.sorted {
      probabilities[$0] != probabilities[$1] ? probabilities[$0] > probabilities[$1] : $0 < $1
    }
  }

  /// Chooses a token: the most probable when greedy, else a seeded draw.
  mutating func choose(from probabilities: [Float]) -> Int {
    let ranked = Self.ranked(probabilities)
    guard sampling.temperature > 0 else { return ranked[0] }
    let pool = sampling.topK > 0 ? Array(ranked.prefix(sampling.topK)) : ranked
    let total = pool.reduce(Float(0)) { $0 + probabilities[$1] }
    var threshold = generator.nextUnitFloat() * total
    for token in pool {
      threshold -= probabilities[token]
      if threshold < 0 { return token }
    }
    return pool[pool.count - 1]
  }
}
