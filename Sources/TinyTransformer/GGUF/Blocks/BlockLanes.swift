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
    halfToFloat(UInt16(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
  }

  /// A half-precision bit pattern as a `Float`, exactly, in a few integer operations.
  ///
  /// `Float(Float16(bitPattern:))` is a library call on x86-64 without the F16C
  /// instructions, and the scales of every block go through here. Shifting the half's
  /// exponent and mantissa into a float's fields gives the right number times 2^-112
  /// (subnormal halves included), so one exact multiplication by 2^112 finishes it;
  /// infinities and NaNs (exponent 31) are mapped by hand.
  @inline(__always)
  static func halfToFloat(_ h: UInt16) -> Float {
    let sign = UInt32(h & 0x8000) << 16
    let magnitude = UInt32(h & 0x7FFF)
    if magnitude >= 0x7C00 {
      return Float(bitPattern: sign | 0x7F80_0000 | (magnitude & 0x03FF) << 13)
    }
    let scaled = Float(bitPattern: magnitude << 13) * 0x1p112
    return Float(bitPattern: sign | scaled.bitPattern)
  }

  /// Sixteen bytes at `offset` as sixteen unsigned bytes.
  @inline(__always)
  static func bytes(_ p: UnsafeRawPointer, _ offset: Int) -> SIMD16<UInt8> {
    p.loadUnaligned(fromByteOffset: offset, as: SIMD16<UInt8>.self)
  }

  /// Integers below 2^24 (in 32-bit lanes) as floats, exactly.
  ///
  /// The standard library's vector conversion is a generic call; written lane by lane,
  /// the compiler makes it four `cvtdq2ps` on x86-64 (one per four lanes).
  @inline(__always)
  static func floats(_ v: SIMD16<UInt32>) -> SIMD16<Float> {
    var out = SIMD16<Float>()
    for i in 0..<16 { out[i] = Float(Int32(bitPattern: v[i])) }
    return out
  }

  /// Unsigned bytes as floats, exactly.
  @inline(__always)
  static func floats(_ v: SIMD16<UInt8>) -> SIMD16<Float> {
    floats(widen(v))
  }

  /// Signed bytes as floats, exactly.
  @inline(__always)
  static func floats(_ v: SIMD16<Int8>) -> SIMD16<Float> {
    var out = SIMD16<Float>()
    for i in 0..<16 { out[i] = Float(Int32(v[i])) }
    return out
  }

  /// Bytes widened to 32-bit lanes.
  ///
  /// Written lane by lane so that it is inlined (the standard library's
  /// `init(truncatingIfNeeded:)` stays a call, which spills every vector register);
  /// the compiler turns it into a few unpack instructions.
  @inline(__always)
  static func widen(_ v: SIMD16<UInt8>) -> SIMD16<UInt32> {
    SIMD16<UInt32>(
      UInt32(v[0]), UInt32(v[1]), UInt32(v[2]), UInt32(v[3]),
      UInt32(v[4]), UInt32(v[5]), UInt32(v[6]), UInt32(v[7]),
      UInt32(v[8]), UInt32(v[9]), UInt32(v[10]), UInt32(v[11]),
      UInt32(v[12]), UInt32(v[13]), UInt32(v[14]), UInt32(v[15]))
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
