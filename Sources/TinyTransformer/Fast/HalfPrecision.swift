/// Dot products over rows of 16-bit floats, widened exactly to `Float` as they are read.
///
/// A `bfloat16` is the top half of a `Float`: shifting its bits 16 places up *is* the
/// `Float`. An IEEE half has 5 exponent bits and 10 fraction bits; moving its magnitude
/// bits 13 places up gives a `Float` whose exponent is 112 too small, and one exact
/// multiplication by 2¹¹² puts it right, subnormal halves included (they become normal
/// `Float`s). Only infinities and NaNs, whose exponent is all ones, need their exponent set.
/// Eight elements are widened at a time and summed into two 8-wide accumulators combined in
/// a fixed order, so a row's result is the same on every machine and thread.
enum HalfPrecision {
  /// An IEEE half's bits as a `Float`, exactly.
  @inline(__always)
  static func widen(half h: UInt16) -> Float {
    widen(halves: SIMD8<UInt32>(repeating: UInt32(h)))[0]
  }

  /// A bfloat16's bits as a `Float`, exactly.
  @inline(__always)
  static func widen(brainFloat b: UInt16) -> Float { Float(bitPattern: UInt32(b) << 16) }

  /// Eight IEEE halves (in the low 16 bits of each lane) as `Float`s, exactly.
  @inline(__always)
  static func widen(halves h: SIMD8<UInt32>) -> SIMD8<Float> {
    let magnitude = (h & 0x7FFF) &<< 13
    let scaled = unsafeBitCast(magnitude, to: SIMD8<Float>.self) * 0x1p112  // exact
    let special = (h & 0x7C00) .== 0x7C00  // infinity or NaN
    var bits = unsafeBitCast(scaled, to: SIMD8<UInt32>.self)
    bits.replace(with: magnitude | 0x7F80_0000, where: special)
    return unsafeBitCast(bits | ((h & 0x8000) &<< 16), to: SIMD8<Float>.self)
  }

  /// The dot product of `count` IEEE halves at `row` with `x`.
  static func dot(halves row: UnsafeRawPointer, _ x: UnsafePointer<Float>, count: Int) -> Float {
    sum(row, x, count: count) { widen(halves: $0) }
  }

  /// The dot product of `count` bfloat16s at `row` with `x`.
  static func dot(brainFloats row: UnsafeRawPointer, _ x: UnsafePointer<Float>, count: Int)
    -> Float
  {
    sum(row, x, count: count) { unsafeBitCast($0 &<< 16, to: SIMD8<Float>.self) }
  }

  /// `Σ widen(row[j]) · x[j]`, eight at a time into two accumulators.
  @inline(__always)
  private static func sum(
    _ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, count: Int,
    _ widen: (SIMD8<UInt32>) -> SIMD8<Float>
  ) -> Float {
    let rx = UnsafeRawPointer(x)
    var s0 = SIMD8<Float>()
    var s1 = SIMD8<Float>()
    var j = 0
    while j &+ 16 <= count {
      let a = SIMD8<UInt32>(truncatingIfNeeded: row.loadUnaligned(fromByteOffset: 2 &* j, as: SIMD8<UInt16>.self))
      let b = SIMD8<UInt32>(
        truncatingIfNeeded: row.loadUnaligned(fromByteOffset: 2 &* j &+ 16, as: SIMD8<UInt16>.self))
      s0 += widen(a) * rx.loadUnaligned(fromByteOffset: 4 &* j, as: SIMD8<Float>.self)
      s1 += widen(b) * rx.loadUnaligned(fromByteOffset: 4 &* j &+ 32, as: SIMD8<Float>.self)
      j &+= 16
    }
    var total = Kernels.horizontalSum(s0 + s1)
    while j < count {  // the last count % 16, one at a time
      let bits = UInt32(row.loadUnaligned(fromByteOffset: 2 &* j, as: UInt16.self))
      total += widen(SIMD8(repeating: bits))[0] * x[j]
      j &+= 1
    }
    return total
  }
}
