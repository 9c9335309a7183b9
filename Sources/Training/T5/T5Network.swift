/// The weights one T5 pass reads: the parameters, and every matrix transposed (`[in, out]`)
/// for the forward products (see ``MatrixKernels``), norms and bias tables copied as they are.
struct T5Network<T: TrainingScalar> {
  let layout: T5Layout
  let weights: UnsafePointer<T>
  let transposed: UnsafePointer<T>

  /// `y (+)= x · Wᵀ` for the matrix `W` (`[out, inner]`) at `offset`, over `rows` rows.
  func linear(
    _ y: UnsafeMutablePointer<T>, _ x: UnsafePointer<T>, _ offset: Int, _ out: Int,
    _ inner: Int, _ rows: Int, accumulate: Bool = false
  ) {
    Ops.linear(
      y, x, transposed: transposed + offset, out: out, inner: inner, rows: rows,
      accumulate: accumulate)
  }

  /// The gradient of ``linear(_:_:_:_:_:_:accumulate:)``: `dx (+)= dy · W` and `dW += dyᵀ ·
  /// x`, with `dW` at the matrix's place in `gradient`.
  func linearBackward(
    dx: UnsafeMutablePointer<T>, dy: UnsafePointer<T>, x: UnsafePointer<T>, _ offset: Int,
    _ out: Int, _ inner: Int, _ rows: Int, gradient: UnsafeMutablePointer<T>,
    accumulate: Bool = false
  ) {
    Ops.linearBackward(
      dx: dx, dy: dy, x: x, weight: weights + offset, dWeight: gradient + offset, out: out,
      inner: inner, rows: rows, accumulate: accumulate)
  }

  /// The transposes of every matrix of `weights`, in the same layout.
  static func transpose(_ weights: [T], layout: T5Layout) -> [T] {
    var result = weights
    for tensor in layout.tensors where !tensor.isVector {
      let (base, rows, columns) = (tensor.offset, tensor.rows, tensor.columns)
      for i in 0..<rows {
        for j in 0..<columns { result[base + j * rows + i] = weights[base + i * columns + j] }
      }
    }
    return result
  }
}

/// Buffers that live as long as their owner, each allocated zeroed.
final class Arena<T: TrainingScalar> {
  private var blocks: [UnsafeMutablePointer<T>] = []

  /// A zeroed buffer of `count` numbers.
  func take(_ count: Int) -> UnsafeMutablePointer<T> {
    let block = UnsafeMutablePointer<T>.allocate(capacity: max(1, count))
    block.initialize(repeating: 0, count: max(1, count))
    blocks.append(block)
    return block
  }

  deinit { for block in blocks { block.deallocate() } }
}
