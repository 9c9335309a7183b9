extension Kernels {
  /// `out = W · x` for a stored matrix `W` (`[rows, columns]`, any ``WeightEncoding``).
  ///
  /// A `Float32` matrix takes the `Float` product unchanged (same rows, same bands, same
  /// bits); any other encoding computes the same row by row, each row widened as it is read.
  static func matmul(
    _ out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ w: WeightMatrix,
    threads: Int = 1
  ) {
    if let floats = w.floats {
      matmul(out, x, floats, n: w.columns, d: w.rows, threads: threads)
      return
    }
    Parallel.forEachBand(rows: w.rows, work: w.rows * w.columns, threads: threads) { rows in
      for i in rows { out[i] = w.dot(row: i, x) }  // [rows, columns] · [columns] -> [rows]
    }
  }

  /// One matrix of a multi-product dispatch over stored matrices.
  typealias StoredProduct = (out: UnsafeMutablePointer<Float>, w: WeightMatrix)

  /// Two or three products of the same `x` in one dispatch (q, k, v; gate and up), as
  /// ``matmul(_:n:_:_:_:threads:)`` does for `Float` pointers, whose path `Float32`
  /// matrices take unchanged.
  static func matmul(
    _ x: UnsafePointer<Float>, _ a: StoredProduct, _ b: StoredProduct, _ c: StoredProduct? = nil,
    threads: Int = 1
  ) {
    let n = a.w.columns
    if let fa = a.w.floats, let fb = b.w.floats {
      let third = c.flatMap { p in p.w.floats.map { (out: p.out, w: $0, rows: p.w.rows) } }
      if (c == nil) == (third == nil) {  // every matrix is Float32
        matmul(x, n: n, (a.out, fa, a.w.rows), (b.out, fb, b.w.rows), third, threads: threads)
        return
      }
    }
    let total = a.w.rows + b.w.rows + (c?.w.rows ?? 0)
    Parallel.forEachBand(rows: total, work: total * n, threads: threads) { band in
      func part(_ p: StoredProduct, start: Int) {
        let first = max(band.lowerBound - start, 0)
        let end = min(band.upperBound - start, p.w.rows)
        guard first < end else { return }  // the band misses this product
        for i in first..<end { p.out[i] = p.w.dot(row: i, x) }
      }
      part(a, start: 0)
      part(b, start: a.w.rows)
      if let c { part(c, start: a.w.rows + b.w.rows) }
    }
  }

  /// `out[p] = W · x[p]` for `count` vectors (`x` is `[count, columns]`, `out` is
  /// `[count, rows]`) for a stored matrix: each row of `W` is read once for all of them.
  ///
  /// A `Float32` matrix takes the `Float` ``matmulBatch(_:_:_:n:d:count:threads:)``; any
  /// other encoding computes each element as ``WeightMatrix/dot(row:_:)``, as its
  /// matrix-vector product does, so every element has the bits one position at a time gets.
  static func matmulBatch(
    _ out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ w: WeightMatrix,
    count: Int, threads: Int = 1
  ) {
    let (d, n) = (w.rows, w.columns)
    if let floats = w.floats {
      matmulBatch(out, x, floats, n: n, d: d, count: count, threads: threads)
      return
    }
    Parallel.forEachBand(rows: d, work: d * n * count, threads: threads) { rows in
      for i in rows {
        for p in 0..<count { out[p * d + i] = w.dot(row: i, x + p * n) }  // one row, every x
      }
    }
  }
}
