import FastKernelsC

/// The numeric kernels the model runs, written for speed.
///
/// A dot product summed one element at a time runs at a tenth of what the
/// machine can do: Swift will not reorder a floating-point sum by itself, so the
/// loop waits on every addition. These kernels keep four independent 8-wide
/// accumulators and combine them in a fixed order at the end, so the result is
/// the same on every machine and for any number of threads (each output element
/// is always computed by one thread, the same way). No CPU flags are needed:
/// `SIMD8<Float>` becomes two SSE registers on any x86-64 and two NEON registers
/// on Apple silicon. ``ReferenceKernels`` holds the plain loops they are tested
/// against.
enum Kernels {
  /// The dot product of `a` and `b`, both `[n]`.
  ///
  /// The loop walks byte offsets with wrapping arithmetic (`&+`): an offset into a
  /// buffer that exists cannot overflow, and without the overflow checks the loop
  /// is nothing but loads, multiplies and adds (rows are short, so every
  /// instruction per step counts).
  @inline(__always)
  static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, n: Int) -> Float {
    let ra = UnsafeRawPointer(a)
    let rb = UnsafeRawPointer(b)
    var s0 = SIMD8<Float>()
    var s1 = SIMD8<Float>()
    var s2 = SIMD8<Float>()
    var s3 = SIMD8<Float>()
    var offset = 0  // bytes: element j is at 4 j
    let end32 = (n / 32) &* 128  // the bytes of the whole 32-element blocks
    while offset < end32 {
      s0 +=
        ra.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
        * rb.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
      s1 +=
        ra.loadUnaligned(fromByteOffset: offset &+ 32, as: SIMD8<Float>.self)
        * rb.loadUnaligned(fromByteOffset: offset &+ 32, as: SIMD8<Float>.self)
      s2 +=
        ra.loadUnaligned(fromByteOffset: offset &+ 64, as: SIMD8<Float>.self)
        * rb.loadUnaligned(fromByteOffset: offset &+ 64, as: SIMD8<Float>.self)
      s3 +=
        ra.loadUnaligned(fromByteOffset: offset &+ 96, as: SIMD8<Float>.self)
        * rb.loadUnaligned(fromByteOffset: offset &+ 96, as: SIMD8<Float>.self)
      offset &+= 128
    }
    let end8 = (n / 8) &* 32  // then 8 at a time, into the first accumulator
    while offset < end8 {
      s0 +=
        ra.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
        * rb.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
      offset &+= 32
    }
    var sum = horizontalSum((s0 + s1) + (s2 + s3))
    var j = offset / 4
    while j < n {  // the last n % 8, one at a time
      sum += a[j] * b[j]
      j &+= 1
    }
    return sum
  }

  /// The sum of a vector's lanes in a fixed order (pairwise halves).
  @inline(__always)
  static func horizontalSum(_ v: SIMD8<Float>) -> Float {
    let four = v.lowHalf + v.highHalf
    let two = four.lowHalf + four.highHalf
    return two[0] + two[1]
  }

  /// `out = W · x`: `W` is `[d, n]` row-major, `x` is `[n]`, `out` is `[d]`.
  ///
  /// Rows are read in order, each exactly once: the product streams the matrix
  /// from memory, which is what limits decoding speed. With `threads > 1` the
  /// rows are split into contiguous bands, one per thread.
  static func matmul(
    _ out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>,
    n: Int, d: Int, threads: Int = 1
  ) {
    let variant = KernelVariant.active
    Parallel.forEachBand(rows: d, work: d * n, threads: threads) { band in
      matmulRows(out, x, w, n: n, rows: band, variant: variant)  // [d, n] · [n] -> [d]
    }
  }

  /// One matrix of a multi-product dispatch: `out = w · x` with `w` of `rows` rows.
  typealias Product = (out: UnsafeMutablePointer<Float>, w: UnsafePointer<Float>, rows: Int)

  /// `a.out = a.w · x`, `b.out = b.w · x` and `c.out = c.w · x`: several products
  /// of the same input in one dispatch.
  ///
  /// Handing work to other threads has a fixed cost per dispatch, and q, k and v
  /// (or the MLP's two input projections) all read the same `x`: one dispatch over
  /// their rows laid end to end pays that cost once. Every row is still one
  /// ``dot(_:_:n:)`` by one thread, so the results equal separate ``matmul`` calls.
  /// Leave out `c` for two products.
  static func matmul(
    _ x: UnsafePointer<Float>, n: Int, _ a: Product, _ b: Product, _ c: Product? = nil,
    threads: Int = 1
  ) {
    let total = a.rows + b.rows + (c?.rows ?? 0)
    let variant = KernelVariant.active
    Parallel.forEachBand(rows: total, work: total * n, threads: threads) { band in
      // The band's rows of one product, which starts at row `start` of the whole.
      func part(_ p: Product, start: Int) {
        let first = max(band.lowerBound - start, 0)
        let end = min(band.upperBound - start, p.rows)
        guard first < end else { return }  // the band misses this product
        // [rows, n] · [n] -> [rows]
        matmulRows(p.out, x, p.w, n: n, rows: first..<end, variant: variant)
      }
      part(a, start: 0)
      part(b, start: a.rows)
      if let c { part(c, start: a.rows + b.rows) }
    }
  }

  /// `out[p] = W · x[p]` for `count` vectors: a matrix-matrix product.
  ///
  /// `x` is `[count, n]`, `out` is `[count, d]`. Each row of `W` is read once
  /// and applied to every vector while it is in cache, so a block of positions
  /// (a prefill, or a step without a cache) reads the weights once, not once per
  /// position. Every element is the same ``dot(_:_:n:)`` as in ``matmul``, so
  /// results are bit-identical to `count` separate matrix-vector products.
  static func matmulBatch(
    _ out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>,
    n: Int, d: Int, count: Int, threads: Int = 1
  ) {
    let variant = KernelVariant.active
    Parallel.forEachBand(rows: d, work: d * n * count, threads: threads) { band in
      matmulBatchRows(out, x, w, n: n, d: d, count: count, rows: band, variant: variant)
    }
  }

  /// `y += a · x`, both `[n]`: the step of a weighted sum of rows.
  ///
  /// Eight lanes at a time, each lane the same multiply then add as the plain
  /// loop, so the result is identical to it.
  @inline(__always)
  static func addScaled(
    _ y: UnsafeMutablePointer<Float>, _ a: Float, _ x: UnsafePointer<Float>, n: Int
  ) {
    let ry = UnsafeMutableRawPointer(y)
    let rx = UnsafeRawPointer(x)
    var offset = 0  // bytes
    let end8 = (n / 8) &* 32
    while offset < end8 {  // [n] += scalar · [n], eight at a time
      let sum =
        ry.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
        + a * rx.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
      ry.storeBytes(of: sum, toByteOffset: offset, as: SIMD8<Float>.self)
      offset &+= 32
    }
    var i = offset / 4
    while i < n {
      y[i] += a * x[i]
      i &+= 1
    }
  }

  /// `out = x / rms(x) * weight`: root-mean-square normalization.
  ///
  /// Llama normalizes the hidden state before attention and before the MLP
  /// ("pre-norm"); keys and values are projections of this normalized state.
  static func rmsnorm(
    _ out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ weight: UnsafePointer<Float>,
    n: Int, epsilon: Float = 1e-5
  ) {
    let sumOfSquares = dot(x, x, n: n)  // [n] -> scalar
    let scale = 1 / (sumOfSquares / Float(n) + epsilon).squareRoot()
    for j in 0..<n { out[j] = weight[j] * (scale * x[j]) }  // [n] -> [n]
  }

  /// ``ReferenceKernels/softmax(_:n:)`` eight lanes at a time, with an exponential
  /// that gives the scalar one's bits; in wider registers under an AVX2 or AVX-512
  /// ``KernelVariant`` (the same operations, so the same bits).
  static func softmax(
    _ x: UnsafeMutablePointer<Float>, n: Int, variant: KernelVariant = .active
  ) {
    #if arch(x86_64)
      switch variant {
      case .avx512: return fk_avx512_softmax(x, n)
      case .avx2: return fk_avx2_softmax(x, n)
      case .portable: break
      }
    #endif
    guard n > 0 else { return }
    var maximum = x[0]
    for i in 1..<n where x[i] > maximum { maximum = x[i] }
    var sum: Float = 0
    var i = 0
    let raw = UnsafeMutableRawPointer(x)
    while i + 8 <= n {  // eight exponentials at once, the sum still in order
      let offset = i * MemoryLayout<Float>.stride
      let shifted = raw.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self) - maximum
      let e = DeterministicMath.expf(shifted)
      raw.storeBytes(of: e, toByteOffset: offset, as: SIMD8<Float>.self)
      for lane in 0..<8 { sum += e[lane] }
      i += 8
    }
    while i < n {
      x[i] = DeterministicMath.expf(x[i] - maximum)
      sum += x[i]
      i += 1
    }
    let inverse = 1 / sum
    for i in 0..<n { x[i] *= inverse }
  }

  /// Rotates the pairs of every head of `v` by the angles of one position (RoPE).
  ///
  /// Applied to the query and to the key *before* the key is stored, it makes
  /// `q·k` depend on the distance between the two positions. Forgetting the
  /// absolute position of a new token is the classic cache bug.
  static func rope(
    _ v: UnsafeMutablePointer<Float>, count: Int, sines: UnsafePointer<Float>,
    cosines: UnsafePointer<Float>, table: RotaryTable
  ) {
    ReferenceKernels.rope(v, count: count, sines: sines, cosines: cosines, table: table)  // cheap
  }

  /// `gate = silu(gate) * up`, the SwiGLU activation of Llama's MLP (in wider registers
  /// under an AVX2 or AVX-512 ``KernelVariant``: the same bits).
  static func swiglu(
    _ gate: UnsafeMutablePointer<Float>, _ up: UnsafePointer<Float>, n: Int,
    variant: KernelVariant = .active
  ) {
    #if arch(x86_64)
      switch variant {
      case .avx512: return fk_avx512_swiglu(gate, up, n)
      case .avx2: return fk_avx2_swiglu(gate, up, n)
      case .portable: break
      }
    #endif
    var i = 0
    let rawGate = UnsafeMutableRawPointer(gate)
    let rawUp = UnsafeRawPointer(up)
    while i + 8 <= n {  // [n], [n] -> [n], eight at a time, each lane as below
      let offset = i * MemoryLayout<Float>.stride
      let g = rawGate.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
      let u = rawUp.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
      let silu = g / (1 + DeterministicMath.expf(-g))
      rawGate.storeBytes(of: silu * u, toByteOffset: offset, as: SIMD8<Float>.self)
      i += 8
    }
    while i < n {
      let g = gate[i]
      gate[i] = g / (1 + DeterministicMath.expf(-g)) * up[i]
      i += 1
    }
  }

  /// Whether the `count` floats at `raw` (any alignment) are all finite: no NaN, no infinity.
  ///
  /// A float is not finite exactly when its bits without the sign exceed the largest finite
  /// float's. As signed 32-bit integers those bits are never negative, so the comparison is
  /// one the narrowest vector instructions have (SSE2's `pcmpgtd`, NEON's `cmgt`): eight
  /// floats a step, the verdicts OR-ed together, one look at the end.
  static func allFinite(_ raw: UnsafeRawPointer, count: Int) -> Bool {
    let magnitude = SIMD8<Int32>(repeating: 0x7FFF_FFFF)
    let largest = SIMD8<Int32>(
      repeating: Int32(bitPattern: Float.greatestFiniteMagnitude.bitPattern))
    var seen = SIMDMask<SIMD8<Int32>>(repeating: false)
    var i = 0
    while i + 8 <= count {
      let bits = raw.loadUnaligned(fromByteOffset: i &* 4, as: SIMD8<Int32>.self)
      seen .|= (bits & magnitude) .> largest
      i &+= 8
    }
    var finite = !any(seen)
    while i < count {
      let bits = raw.loadUnaligned(fromByteOffset: i &* 4, as: UInt32.self)
      finite = finite && bits & 0x7FFF_FFFF <= Float.greatestFiniteMagnitude.bitPattern
      i &+= 1
    }
    return finite
  }

  /// `x += y`, the residual connection.
  static func add(_ x: UnsafeMutablePointer<Float>, _ y: UnsafePointer<Float>, n: Int) {
    ReferenceKernels.add(x, y, n: n)  // one pass over [n]: nothing to gain
  }
}
