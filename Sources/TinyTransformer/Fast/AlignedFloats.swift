/// Working memory for the kernels: floats that start on a 64-byte boundary.
///
/// A 64-byte boundary is where the processor's cache lines begin. A vector load of 32 or
/// 64 bytes from an address that is not on one may straddle two lines, and the processor
/// then reads both: `malloc`, which `UnsafeMutablePointer.allocate` uses, only promises 16
/// bytes, so a large buffer begins 16 bytes past a page and every 64-byte load from it
/// straddles. The products read their inputs and the attention loops their cached rows
/// with such loads; a row of 288 floats (1,152 bytes, 18 lines) keeps the boundary from
/// one row to the next when the first row is on one. In a C loop over the 15M shape's
/// batched products for 200 positions, inputs 16 bytes past a line ran at 73 GFLOP/s,
/// on a line at 80.
enum AlignedFloats {
  /// The boundary, in bytes: a cache line on x86-64 and arm64.
  static let alignment = 64

  /// Room for `count` floats (at least one), uninitialized, on a 64-byte boundary. Free it
  /// with `deallocate()`.
  static func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
    let capacity = max(count, 1)
    return UnsafeMutableRawPointer.allocate(
      byteCount: capacity * MemoryLayout<Float>.stride, alignment: alignment
    ).bindMemory(to: Float.self, capacity: capacity)
  }

  /// Room for `count` floats (at least one) set to zero, on a 64-byte boundary. Free it with
  /// `deallocate()` (on the buffer or its `baseAddress`).
  static func zeroed(_ count: Int) -> UnsafeMutableBufferPointer<Float> {
    let buffer = UnsafeMutableBufferPointer(start: allocate(count), count: max(count, 1))
    buffer.initialize(repeating: 0)
    return buffer
  }
}
