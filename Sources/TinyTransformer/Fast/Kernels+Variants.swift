import FastKernelsC

/// The products that have a wider variant (see ``KernelVariant``): each takes the
/// variant to run, so a test can run every one the processor has on the same input.
extension Kernels {
  /// `out[i] = dot(w + i n, x)` for the rows `rows` of `w` (`[d, n]`).
  @inline(__always)
  static func matmulRows(
    _ out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>,
    n: Int, rows: Range<Int>, variant: KernelVariant
  ) {
    #if arch(x86_64)
      switch variant {
      case .avx512: return fk_avx512_matmul_rows(out, x, w, n, rows.lowerBound, rows.upperBound)
      case .avx2: return fk_avx2_matmul_rows(out, x, w, n, rows.lowerBound, rows.upperBound)
      case .portable: break
      }
    #endif
    for i in rows { out[i] = dot(w + i &* n, x, n: n) }  // [rows, n] · [n] -> [rows]
  }

  /// `out[p d + i] = dot(w + i n, x + p n)` for the rows `rows` and every `p < count`.
  @inline(__always)
  static func matmulBatchRows(
    _ out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>,
    n: Int, d: Int, count: Int, rows: Range<Int>, variant: KernelVariant
  ) {
    #if arch(x86_64)
      let (first, end) = (rows.lowerBound, rows.upperBound)
      switch variant {
      case .avx512: return fk_avx512_matmul_batch_rows(out, x, w, n, d, count, first, end)
      case .avx2: return fk_avx2_matmul_batch_rows(out, x, w, n, d, count, first, end)
      case .portable: break
      }
    #endif
    for i in rows {  // each row of W once, against every x while in cache
      let row = w + i &* n
      for p in 0..<count { out[p &* d &+ i] = dot(row, x + p &* n, n: n) }
    }
  }

  /// ``dot(_:_:n:)`` by the given variant.
  static func dot(
    _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, n: Int, variant: KernelVariant
  ) -> Float {
    #if arch(x86_64)
      switch variant {
      case .avx512: return fk_avx512_dot(a, b, n)
      case .avx2: return fk_avx2_dot(a, b, n)
      case .portable: break
      }
    #endif
    return dot(a, b, n: n)
  }

  /// ``addScaled(_:_:_:n:)`` by the given variant.
  static func addScaled(
    _ y: UnsafeMutablePointer<Float>, _ a: Float, _ x: UnsafePointer<Float>, n: Int,
    variant: KernelVariant
  ) {
    #if arch(x86_64)
      if variant.hasAVX2 { return fk_avx2_add_scaled(y, a, x, n) }
    #endif
    addScaled(y, a, x, n: n)
  }
}
