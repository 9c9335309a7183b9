/// Small helpers the block formats share: half-precision scales, bytes to float lanes,
/// and a horizontal sum in a fixed order.
///
/// Everything here is exact: a byte or a half-precision number converts to `Float`
/// without rounding, so the only roundings in a dot product are its multiplications and
/// additions, whose order each format documents.
enum BlockLanes {
  /// The little-endian IEEE half-precision number at `offset`, widened (exactly).
  @inline(__always)
  static func half(_ p: UnsafeRawPointer, _ offset: Int) -> Float {
    let bits = UInt16(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    return Float(Float16(bitPattern: bits))
  }

  /// Sixteen bytes at `offset` as sixteen unsigned bytes.
  @inline(__always)
  static func bytes(_ p: UnsafeRawPointer, _ offset: Int) -> SIMD16<UInt8> {
    p.loadUnaligned(fromByteOffset: offset, as: SIMD16<UInt8>.self)
  }

  /// Small unsigned integers (each below 256) as floats.
  @inline(__always)
  static func floats(_ v: SIMD16<UInt8>) -> SIMD16<Float> {
    SIMD16<Float>(SIMD16<Int32>(truncatingIfNeeded: v))
  }

  /// Signed bytes as floats.
  @inline(__always)
  static func floats(_ v: SIMD16<Int8>) -> SIMD16<Float> {
    SIMD16<Float>(SIMD16<Int32>(truncatingIfNeeded: v))
  }

  /// Sixteen floats of `x` from element `index`.
  @inline(__always)
  static func load(_ x: UnsafePointer<Float>, _ index: Int) -> SIMD16<Float> {
    UnsafeRawPointer(x + index).loadUnaligned(as: SIMD16<Float>.self)
  }

  /// Stores sixteen floats at `out[index...]`.
  @inline(__always)
  static func store(_ v: SIMD16<Float>, _ out: UnsafeMutablePointer<Float>, _ index: Int) {
    UnsafeMutableRawPointer(out + index).storeBytes(of: v, as: SIMD16<Float>.self)
  }

  /// The sum of the lanes, in a fixed order: halves added pairwise (16 → 8 → 4 → 2 → 1).
  @inline(__always)
  static func sum(_ v: SIMD16<Float>) -> Float {
    let eight = v.lowHalf + v.highHalf
    let four = eight.lowHalf + eight.highHalf
    let two = four.lowHalf + four.highHalf
    return two[0] + two[1]
  }
}
