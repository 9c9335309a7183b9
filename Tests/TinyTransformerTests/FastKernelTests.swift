import KVTrace
import Testing

@testable import TinyTransformer

/// The fast kernels must equal the straightforward ones: within 1e-5 relative on
/// random inputs of awkward sizes (sums in another order round differently).
@Suite(.tags(.oracle)) struct FastKernelTests {
  static let sizes = [1, 7, 33, 288, 769]

  static func random(_ count: Int, seed: UInt64, scale: Float = 1) -> [Float] {
    var generator = SplitMix64(seed: seed)
    return (0..<count).map { _ in generator.nextSignedFloat() * scale }
  }

  static func close(_ a: [Float], _ b: [Float], relative: Float = 1e-5) -> Bool {
    let norm = max(1e-6, b.map(abs).max() ?? 0)
    return a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= relative * norm }
  }

  @Test(arguments: sizes)
  func matmulMatchesTheReference(n: Int) {
    let d = 37
    let w = Self.random(d * n, seed: UInt64(n))
    let x = Self.random(n, seed: UInt64(n) + 1)
    var fast = [Float](repeating: 0, count: d)
    var slow = fast
    fast.withUnsafeMutableBufferPointer { Kernels.matmul($0.baseAddress!, x, w, n: n, d: d) }
    slow.withUnsafeMutableBufferPointer {
      ReferenceKernels.matmul($0.baseAddress!, x, w, n: n, d: d)
    }
    #expect(Self.close(fast, slow))
  }

  @Test(arguments: sizes)
  func threadedAndBatchedProductsAreBitIdentical(n: Int) {
    let d = 769
    let count = 3
    let w = Self.random(d * n, seed: 90 + UInt64(n))
    let x = Self.random(n * count, seed: 91 + UInt64(n))
    var single = [Float](repeating: 0, count: d * count)
    single.withUnsafeMutableBufferPointer { out in
      for p in 0..<count {
        x.withUnsafeBufferPointer {
          Kernels.matmul(out.baseAddress! + p * d, $0.baseAddress! + p * n, w, n: n, d: d)
        }
      }
    }
    for threads in [2, 3] {
      var batched = [Float](repeating: 0, count: d * count)
      batched.withUnsafeMutableBufferPointer {
        Kernels.matmulBatch($0.baseAddress!, x, w, n: n, d: d, count: count, threads: threads)
      }
      #expect(batched == single)
    }
  }

  @Test(arguments: sizes)
  func rmsnormSoftmaxAndSwigluMatchTheReference(n: Int) {
    let x = Self.random(n, seed: 7 * UInt64(n), scale: 4)
    let weight = Self.random(n, seed: 8 * UInt64(n))
    var fast = [Float](repeating: 0, count: n)
    var slow = fast
    fast.withUnsafeMutableBufferPointer { Kernels.rmsnorm($0.baseAddress!, x, weight, n: n) }
    slow.withUnsafeMutableBufferPointer {
      ReferenceKernels.rmsnorm($0.baseAddress!, x, weight, n: n)
    }
    #expect(Self.close(fast, slow))

    fast = x
    slow = x
    fast.withUnsafeMutableBufferPointer { Kernels.softmax($0.baseAddress!, n: n) }
    slow.withUnsafeMutableBufferPointer { ReferenceKernels.softmax($0.baseAddress!, n: n) }
    #expect(Self.close(fast, slow))

    fast = x
    slow = x
    fast.withUnsafeMutableBufferPointer { Kernels.swiglu($0.baseAddress!, weight, n: n) }
    slow.withUnsafeMutableBufferPointer { ReferenceKernels.swiglu($0.baseAddress!, weight, n: n) }
    #expect(Self.close(fast, slow))
  }

  @Test func floatExpIsWithinAFewUnitsInTheLastPlace() {
    var worst: Float = 0
    for i in 0...40_000 {
      let x = Float(-100 + Double(i) * 0.0047)
      let expected = Float(DeterministicMath.exp(Double(x)))
      guard expected > Float.leastNormalMagnitude else { continue }
      worst = max(worst, abs(DeterministicMath.expf(x) - expected) / expected.ulp)
    }
    #expect(worst <= 2)
    #expect(DeterministicMath.expf(0) == 1)
    #expect(DeterministicMath.expf(100) == .infinity)
    #expect(DeterministicMath.expf(-200) == 0)
  }

  /// The eight-wide exp must give each lane the scalar exp's very bits, in range
  /// and out of it (NaN, overflow, underflow, subnormal results, mixed vectors).
  @Test func eightWideExpEqualsTheScalarExpBitForBit() {
    var random = SplitMix64(seed: 31)
    var values: [Float] = [0, -0.0, 1, -1, 88, 88.72, 89, -87, -87.5, -103, -104, -200, 100, .nan]
    for i in 0...80_000 { values.append(Float(-110 + Double(i) * 0.0025)) }
    for _ in 0..<80_000 { values.append((random.nextUnitFloat() - 0.9) * 120) }
    while values.count % 8 != 0 { values.append(0.5) }
    var mismatches = 0
    for start in stride(from: 0, to: values.count, by: 8) {
      let x = SIMD8<Float>(values[start..<(start + 8)])
      let wide = DeterministicMath.expf(x)
      for lane in 0..<8 where wide[lane].bitPattern != DeterministicMath.expf(x[lane]).bitPattern {
        mismatches += 1
      }
    }
    #expect(mismatches == 0)
  }

  @Test func topPicksTheLargestInOrderWithTiesByIndex() {
    let values: [Float] = [0.1, 0.5, 0.3, 0.5, -1, 0.9]
    values.withUnsafeBufferPointer {
      #expect(Sampler.top(3, of: $0) == [5, 1, 3])
      #expect(Sampler.top(1, of: $0) == [5])
      #expect(Sampler.top(10, of: $0) == [5, 1, 3, 2, 0, 4])
    }
  }

  @Test func argmaxChoosesAsTopOneDoes() {
    // Ties (values drawn from a few levels), NaN and infinities anywhere, awkward sizes.
    var random = SplitMix64(seed: 17)
    let levels: [Float] = [-.infinity, -1, 0, 0.25, 0.25, 2, .infinity, .nan]
    for count in [1, 2, 7, 33, 288, 769, 32_000] {
      for _ in 0..<4 {
        let values = (0..<count).map { _ in
          levels[Int(random.nextUnitFloat() * Float(levels.count)) % levels.count]
        }
        values.withUnsafeBufferPointer {
          #expect(Sampler.argmax($0) == Sampler.top(1, of: $0)[0], "count \(count)")
        }
      }
    }
    [Float.nan, 1, 3, 3].withUnsafeBufferPointer { #expect(Sampler.argmax($0) == 0) }
    [Float(1), 3, .nan, 3].withUnsafeBufferPointer { #expect(Sampler.argmax($0) == 1) }
  }

  @Test func oneTwoAndThreeThreadsDecodeTheSameTokensAndLogits() throws {
    let config = ModelConfig(
      layers: 2, heads: 4, kvHeads: 2, dim: 256, mlpDim: 512, contextLength: 64,
      vocabularySize: Tokenizer.demo.vocabularySize)
    var one = try TinyTransformer(config: config, seed: 5)
    one.threads = 1
    let prompt = "The quick brown fox jumps over the lazy dog."
    let a = try one.generate(prompt: prompt, steps: 12, collectLogits: true)
    for threads in [2, 3] {
      var many = one
      many.threads = threads
      let b = try many.generate(prompt: prompt, steps: 12, collectLogits: true)
      #expect(a == b, "\(threads) threads")
    }
  }

  /// q, k and v (and the MLP's gate and up) share one dispatch: each output must
  /// equal its own product, bit for bit, for any number of threads.
  @Test(arguments: sizes)
  func productsSharingOneDispatchEqualSeparateProducts(n: Int) {
    let rows = [769, 33, 7]
    let w = rows.map { Self.random($0 * n, seed: 60 + UInt64($0 + n)) }
    let x = Self.random(n, seed: 59 + UInt64(n))
    let separate = rows.indices.map { index in
      var out = [Float](repeating: 0, count: rows[index])
      out.withUnsafeMutableBufferPointer {
        Kernels.matmul($0.baseAddress!, x, w[index], n: n, d: rows[index])
      }
      return out
    }
    for threads in [1, 2, 3] {
      let out = rows.map { UnsafeMutablePointer<Float>.allocate(capacity: $0) }
      defer { out.forEach { $0.deallocate() } }
      w[0].withUnsafeBufferPointer { w0 in
        w[1].withUnsafeBufferPointer { w1 in
          w[2].withUnsafeBufferPointer { w2 in
            Kernels.matmul(  // [n] -> [769], [33], [7] in one dispatch
              x, n: n, (out[0], w0.baseAddress!, rows[0]), (out[1], w1.baseAddress!, rows[1]),
              (out[2], w2.baseAddress!, rows[2]), threads: threads)
          }
        }
      }
      let outs = rows.indices.map { Array(UnsafeBufferPointer(start: out[$0], count: rows[$0])) }
      #expect(outs == separate, "\(threads) threads")
    }
  }

  /// `y += a · x`, eight lanes at a time, equals the plain loop bit for bit.
  @Test(arguments: sizes)
  func addScaledEqualsThePlainLoopBitForBit(n: Int) {
    let x = Self.random(n, seed: 50 + UInt64(n))
    let start = Self.random(n, seed: 51 + UInt64(n))
    var fast = start
    var slow = start
    let a: Float = 0.3137
    fast.withUnsafeMutableBufferPointer { Kernels.addScaled($0.baseAddress!, a, x, n: n) }
    for i in 0..<n { slow[i] += a * x[i] }
    #expect(fast.map(\.bitPattern) == slow.map(\.bitPattern))
  }
}
