/// `exp`, `sin` and `cos` computed the same way on every platform.
///
/// The C library's `expf` and `cosf` may differ in the last bit between Linux and
/// macOS, and one bit can flip a greedy choice or a printed digit. kvtrace
/// promises the same trace everywhere, so it evaluates these few functions with
/// plain `Double` arithmetic (which IEEE 754 makes identical everywhere) and
/// rounds once to `Float`.
///
/// Public so the trainer (module `Training`) computes the very same functions: trained
/// weights must mean the same thing at inference, and a retrain must give the same bits.
public enum DeterministicMath {
  private static let ln2High = 0.693_147_180_369_123_816_49
  private static let ln2Low = 1.908_214_929_270_587_700_02e-10
  private static let halfPiParts = (
    1.570_796_326_734_125_614_17, 6.077_100_506_303_965_976_60e-11,
    2.022_266_248_795_950_732_40e-21
  )

  /// e^x, correct to about one unit in the last place of a `Float`.
  public static func exp(_ x: Double) -> Double {
    if x.isNaN { return x }
    if x > 709 { return .infinity }
    if x < -745 { return 0 }
    // x = n·ln2 + r with |r| ≤ ln2/2, so e^x = 2^n · e^r.
    let n = (x / (ln2High + ln2Low)).rounded()
    let r = (x - n * ln2High) - n * ln2Low
    var term = 1.0
    var sum = 1.0
    for k in 1...13 {
      term = term * r / Double(k)
      sum += term
    }
    return scale(sum, by: Int(n))
  }

  /// Multiplies by 2^n exactly, in steps that never overflow the exponent.
  private static func scale(_ value: Double, by n: Int) -> Double {
    var result = value
    var remaining = n
    while remaining > 1000 {
      result *= Double(sign: .plus, exponent: 1000, significand: 1)
      remaining -= 1000
    }
    while remaining < -1000 {
      result *= Double(sign: .plus, exponent: -1000, significand: 1)
      remaining += 1000
    }
    return result * Double(sign: .plus, exponent: remaining, significand: 1)
  }

  /// e^x in `Float`, for softmax and SiLU in the hot loops.
  ///
  /// Cephes' `expf`: `x = n·ln2 + r`, a degree-5 polynomial for e^r, and an
  /// exact scaling by 2^n. Only `Float` additions and multiplications, written
  /// out so the order is fixed: within about one unit in the last place, and the
  /// same bits everywhere.
  @inline(__always)
  public static func expf(_ x: Float) -> Float {
    if x.isNaN { return x }
    if x > 88.72 { return .infinity }
    if x < -103.97 { return 0 }
    let n = (x * 1.442_695_041).rounded()
    let r = (x - n * 0.693_359_375) - n * -2.121_944_4e-4
    var p: Float = 1.987_569_15e-4
    p = p * r + 1.398_199_950_7e-3
    p = p * r + 8.333_451_907_3e-3
    p = p * r + 4.166_579_589_4e-2
    p = p * r + 1.666_666_545_9e-1
    p = p * r + 5.000_000_120_1e-1
    let e = (p * (r * r) + r) + 1
    let exponent = Int(n)
    if exponent < -126 {  // subnormal result: scale in two steps
      return e * Float(sign: .plus, exponent: exponent + 64, significand: 1)
        * Float(sign: .plus, exponent: -64, significand: 1)
    }
    return e * Float(sign: .plus, exponent: exponent, significand: 1)
  }
  /// ``expf(_:)`` of eight values at once, bit for bit the same results.
  ///
  /// The same operations in the same order, lane by lane, so each lane rounds
  /// exactly as the scalar version does. A vector with a lane outside the common
  /// range (NaN, overflow, underflow, a subnormal result) is left to the scalar
  /// version, lane by lane.
  @inline(__always)
  public static func expf(_ x: SIMD8<Float>) -> SIMD8<Float> {
    // Common range: x in [-87, 88] gives n in [-126, 127], a normal power of two.
    guard all(x .>= -87) && all(x .<= 88) else {
      var result = SIMD8<Float>()
      for lane in 0..<8 { result[lane] = expf(x[lane]) }
      return result
    }
    // n = round(t), halves away from zero, as the scalar `rounded()`, in vector
    // operations only: adding and subtracting 1.5 × 2^23 rounds to the nearest
    // integer (halves to even) exactly for |t| < 2^22; then a half that went
    // toward zero is moved away from it.
    let t = x * 1.442_695_041
    let magic = SIMD8<Float>(repeating: 12_582_912)
    let shifted = t + magic  // n sits in the low bits of this float
    var n = shifted - magic
    let rest = t - n  // exact
    n.replace(with: n + 1, where: (rest .== 0.5) .& (t .> 0))
    n.replace(with: n - 1, where: (rest .== -0.5) .& (t .< 0))
    let r = (x - n * 0.693_359_375) - n * -2.121_944_4e-4
    var p = SIMD8<Float>(repeating: 1.987_569_15e-4)
    p = p * r + 1.398_199_950_7e-3
    p = p * r + 8.333_451_907_3e-3
    p = p * r + 4.166_579_589_4e-2
    p = p * r + 1.666_666_545_9e-1
    p = p * r + 5.000_000_120_1e-1
    let e = (p * (r * r) + r) + 1
    // 2^n, built from its exponent field; n + 1.5 × 2^23 is exact and holds n in its low bits.
    let whole =
      unsafeBitCast(n + magic, to: SIMD8<Int32>.self) &- unsafeBitCast(magic, to: SIMD8<Int32>.self)
    let power = unsafeBitCast((whole &+ 127) &<< 23, to: SIMD8<Float>.self)
    return e * power
  }

  /// The natural logarithm of `x`, to about one unit in the last place of a `Double`.
  ///
  /// `x = m·2^e` with `m` in `[√½, √2)` (exact: it only reads the bits), then
  /// `ln m = 2·atanh(s)` with `s = (m − 1)/(m + 1)`, `|s| < 0.18`, summed as the odd series
  /// `2(s + s³/3 + s⁵/5 + …)`. The trainer's cross-entropy needs it.
  public static func log(_ x: Double) -> Double {
    if x.isNaN || x < 0 { return .nan }
    if x == 0 { return -.infinity }
    if x.isInfinite { return x }
    var e = Double(x.exponent)
    var m = x.significand  // [1, 2)
    if m > 1.414_213_562_373_095_1 {
      m /= 2
      e += 1
    }
    let s = (m - 1) / (m + 1)
    let s2 = s * s
    var power = s
    var sum = s
    for k in 1...12 {
      power *= s2
      sum += power / Double(2 * k + 1)
    }
    return (e * ln2High + 2 * sum) + e * ln2Low
  }

  /// (sin x, cos x), for the rotary position tables.
  public static func sinCos(_ x: Double) -> (sin: Double, cos: Double) {
    // x = k·π/2 + r with |r| ≤ π/4 (three-part π/2 keeps r exact for large x).
    let k = (x / (halfPiParts.0 + halfPiParts.1)).rounded()
    let r = ((x - k * halfPiParts.0) - k * halfPiParts.1) - k * halfPiParts.2
    let r2 = r * r
    var sinSum = r
    var cosSum = 1.0
    var sinTerm = r
    var cosTerm = 1.0
    for i in 1...10 {
      sinTerm = -sinTerm * r2 / Double((2 * i) * (2 * i + 1))
      cosTerm = -cosTerm * r2 / Double((2 * i - 1) * (2 * i))
      sinSum += sinTerm
      cosSum += cosTerm
    }
    switch Int(k.truncatingRemainder(dividingBy: 4) + 4) % 4 {
    case 0: return (sinSum, cosSum)
    case 1: return (cosSum, -sinSum)
    case 2: return (-sinSum, -cosSum)
    default: return (-cosSum, sinSum)
    }
  }
}
