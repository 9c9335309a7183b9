/// The matrix products of training: `C (+)= A · B`, blocked and vectorized.
///
/// Training spends nearly all its time in three products per weight matrix `W` (`[out,
/// in]`) and batch of rows `X` (`[rows, in]`): the forward `Y = X · Wᵀ`, the input gradient
/// `dX = dY · W`, the weight gradient `dW += dYᵀ · X`. All three are this one kernel, with
/// `Wᵀ` precomputed once per step and `dYᵀ` read through strides.
///
/// The kernel computes a block of 4 rows × 8 columns of `C` at a time in four `SIMD8`
/// accumulators: for each `p` it loads 8 floats of row `p` of `B` and adds them, times
/// `A[i, p]`, into row `i`'s accumulator. Every element is still `Σ_p A[i, p] · B[p, j]` in
/// the order `p = 0, 1, …` (the vector lanes are independent sums), so the result is bit for
/// bit the one of ``plainProduct(_:_:rowStride:innerStride:_:m:k:n:accumulate:)``, the plain
/// loops the tests compare it with.
enum MatrixKernels {
  /// `C (+)= A · B`, vectorized; see ``TrainingScalar/product(_:_:rowStride:innerStride:_:m:k:n:accumulate:)``.
  static func product(
    _ c: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>, rowStride: Int,
    innerStride: Int, _ b: UnsafePointer<Float>, m: Int, k: Int, n: Int, accumulate: Bool
  ) {
    let wide = n / 8 * 8
    var row = 0
    while row < m {
      let rows = min(4, m - row)
      let aRow = a + row * rowStride
      let cRow = c + row * n
      var column = 0
      while column < wide {
        if rows == 4 {
          block4(cRow + column, aRow, rowStride, innerStride, b + column, k: k, n: n, accumulate)
        } else {
          for r in 0..<rows {
            block1(
              cRow + r * n + column, aRow + r * rowStride, innerStride, b + column, k: k, n: n,
              accumulate)
          }
        }
        column += 8
      }
      for r in 0..<rows where wide < n {  // the last n % 8 columns, one at a time
        plainProduct(
          cRow + r * n + wide, aRow + r * rowStride, rowStride: rowStride,
          innerStride: innerStride, b + wide, m: 1, k: k, n: n - wide, rowLength: n,
          accumulate: accumulate)
      }
      row += rows
    }
  }

  /// Four rows by eight columns of `C`.
  @inline(__always)
  private static func block4(
    _ c: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>, _ rowStride: Int,
    _ innerStride: Int, _ b: UnsafePointer<Float>, k: Int, n: Int, _ accumulate: Bool
  ) {
    var (c0, c1, c2, c3) = (SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>())
    let (a0, a1, a2, a3) = (a, a + rowStride, a + 2 * rowStride, a + 3 * rowStride)
    var bRow = UnsafeRawPointer(b)
    var offset = 0
    for _ in 0..<k {
      let bv = bRow.loadUnaligned(as: SIMD8<Float>.self)
      c0 += SIMD8(repeating: a0[offset]) * bv
      c1 += SIMD8(repeating: a1[offset]) * bv
      c2 += SIMD8(repeating: a2[offset]) * bv
      c3 += SIMD8(repeating: a3[offset]) * bv
      bRow += 4 &* n
      offset &+= innerStride
    }
    store(c0, c, accumulate)
    store(c1, c + n, accumulate)
    store(c2, c + 2 * n, accumulate)
    store(c3, c + 3 * n, accumulate)
  }

  /// One row by eight columns of `C`.
  @inline(__always)
  private static func block1(
    _ c: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>, _ innerStride: Int,
    _ b: UnsafePointer<Float>, k: Int, n: Int, _ accumulate: Bool
  ) {
    var sum = SIMD8<Float>()
    var bRow = UnsafeRawPointer(b)
    var offset = 0
    for _ in 0..<k {
      sum += SIMD8(repeating: a[offset]) * bRow.loadUnaligned(as: SIMD8<Float>.self)
      bRow += 4 &* n
      offset &+= innerStride
    }
    store(sum, c, accumulate)
  }

  @inline(__always)
  private static func store(_ v: SIMD8<Float>, _ c: UnsafeMutablePointer<Float>, _ add: Bool) {
    let raw = UnsafeMutableRawPointer(c)
    raw.storeBytes(
      of: add ? raw.loadUnaligned(as: SIMD8<Float>.self) + v : v, as: SIMD8<Float>.self)
  }

  /// `C (+)= A · B` with plain loops, in any precision: the definition the fast kernel
  /// matches bit for bit. `rowLength` is the distance between rows of `B` and `C` (`n`
  /// unless this is a slice of wider matrices).
  static func plainProduct<T: BinaryFloatingPoint>(
    _ c: UnsafeMutablePointer<T>, _ a: UnsafePointer<T>, rowStride: Int, innerStride: Int,
    _ b: UnsafePointer<T>, m: Int, k: Int, n: Int, rowLength: Int? = nil, accumulate: Bool
  ) {
    let width = rowLength ?? n
    for i in 0..<m {
      for j in 0..<n {
        var sum: T = 0
        for p in 0..<k { sum += a[i * rowStride + p * innerStride] * b[p * width + j] }
        c[i * width + j] = accumulate ? c[i * width + j] + sum : sum
      }
    }
  }
}

extension Ops {
  /// `y (+)= x · Wᵀ` over `rows` rows, with `W` (`[out, inner]`) given transposed (`wt`,
  /// `[inner, out]`): the forward product of every linear layer.
  static func linear<T: TrainingScalar>(
    _ y: UnsafeMutablePointer<T>, _ x: UnsafePointer<T>, transposed wt: UnsafePointer<T>,
    out: Int, inner: Int, rows: Int, accumulate: Bool
  ) {
    T.product(
      y, x, rowStride: inner, innerStride: 1, wt, m: rows, k: inner, n: out,
      accumulate: accumulate)
  }

  /// The gradient of ``linear(_:_:transposed:out:inner:rows:accumulate:)``: `dx (+)= dy · W`
  /// and `dW += dyᵀ · x`.
  static func linearBackward<T: TrainingScalar>(
    dx: UnsafeMutablePointer<T>, dy: UnsafePointer<T>, x: UnsafePointer<T>,
    weight w: UnsafePointer<T>, dWeight: UnsafeMutablePointer<T>, out: Int, inner: Int,
    rows: Int, accumulate: Bool
  ) {
    T.product(
      dx, dy, rowStride: out, innerStride: 1, w, m: rows, k: out, n: inner,
      accumulate: accumulate)
    T.product(
      dWeight, dy, rowStride: 1, innerStride: out, x, m: out, k: rows, n: inner,
      accumulate: true)
  }
}
