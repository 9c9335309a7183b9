/// Writes a `Float` with the fewest decimal digits that read back as the same value.
///
/// This is what `Float.description` prints, byte for byte (`0.1`, `1.0`,
/// `0.00012345`, `1e-05`, `3.4028235e+38`), without building a `String`: the
/// trace writer spells millions of scores and weights, and the string costs more
/// than finding the digits.
///
/// Finding the digits is Raffaello Giulietti's *Schubfach* method (as in Java's
/// `Float.toString`). A `Float` is `c × 2^q`; every real number closer to it than
/// to its neighbours reads back as it, so the task is the shortest decimal
/// `d × 10^k` inside that *rounding interval*. Schubfach picks `k` so that the
/// interval, scaled by `10^-k`, holds at most a few integers, computes the scaled
/// value and both ends with one 64×64-bit multiplication each (a 63-bit
/// approximation of `10^-k` is precise enough for a 24-bit significand), and then
/// chooses: one digit fewer if a multiple of ten fits, else the integer in the
/// interval nearest the exact value (ties to even).
///
/// The tests compare it with `Float.description` on millions of values; a one-off
/// run over every non-negative finite `Float` (all 2,139,095,040 of them; a
/// negative one is the same digits after a `-`) found no difference. When the
/// digits came to be written a word at a time (below), a second one-off run
/// compared every one of them with the version before, byte for byte, and
/// checked that nothing was written past ``maximumLength``: no difference either.
///
/// The layout is Swift's: plain decimal notation from `0.0001` up to `2^24`,
/// otherwise scientific with a signed exponent of at least two digits; a whole
/// number ends in `.0`; `-0.0` keeps its sign.
enum ShortestFloat {
  /// The most bytes one value can take: `-1.2345678e-38`.
  static let maximumLength = 16

  /// Writes the spelling of the finite `value` at `out` (at least
  /// ``maximumLength`` bytes); returns its length. Bytes after the spelling, up to
  /// ``maximumLength``, may be overwritten too: the digits go in whole words.
  static func write(_ value: Float, to out: UnsafeMutablePointer<UInt8>) -> Int {
    // No branch on the sign (half of all scores are negative, in no pattern a
    // processor could guess): the `-` is always written, and kept by starting the
    // rest one byte later.
    out[0] = UInt8(ascii: "-")
    let length = value.sign == .minus ? 1 : 0
    guard value != 0 else {
      out[length] = UInt8(ascii: "0")
      out[length + 1] = UInt8(ascii: ".")
      out[length + 2] = UInt8(ascii: "0")
      return length + 3
    }
    let (digits, exponent) = decimal(value.magnitude)
    let scientific = value.magnitude > 0x1p24
    return length + layout(digits, exponent, scientific: scientific, to: out + length)
  }

  // MARK: - The digits

  private static let minimumExponent = -149  // q of the subnormals and the smallest normals
  private static let hiddenBit: UInt64 = 1 << 23  // the significand's implicit leading 1
  private static let minimumTableK = -45

  /// The shortest `digits × 10^exponent` that reads back as the positive, finite `v`.
  @inline(__always)
  static func decimal(_ v: Float) -> (digits: UInt64, exponent: Int) {
    let fraction = UInt64(v.significandBitPattern)
    let biased = Int(v.exponentBitPattern)
    guard biased != 0 else {  // subnormal: c × 2^-149
      return digits(q: minimumExponent, c: fraction)
    }
    let c = hiddenBit | fraction
    let q = biased - 150
    if q < 0, q > -24 {  // perhaps a whole number below 2^24: its digits are exact
      let whole = c >> UInt64(-q)
      if whole << UInt64(-q) == c { return (whole, 0) }
    }
    return digits(q: q, c: c)
  }

  /// Schubfach for `c × 2^q`.
  @inline(__always)
  private static func digits(q: Int, c: UInt64) -> (digits: UInt64, exponent: Int) {
    let odd: UInt64 = c & 1  // an odd significand's interval excludes its ends
    let cb = c << 2  // 4c: the value, with room for the quarter-steps of the ends
    let cbr = cb + 2  // the upper end, (c + ½) scaled
    let cbl: UInt64
    let k: Int
    if c != hiddenBit || q == minimumExponent {
      cbl = cb - 2  // the lower end, (c - ½) scaled
      k = floorLog10Pow2(q)
    } else {
      cbl = cb - 1  // at a power of two the gap below is half the gap above
      k = floorLog10ThreeQuartersPow2(q)
    }
    let h = q + floorLog2Pow10(-k) + 33
    let g = powersOfTen[k - minimumTableK] + 1  // 10^-k ≈ g × 2^r, g of 63 bits
    let vb = roundToOdd(g, cb << UInt64(h))  // 4 × v × 10^-k, rounded to odd
    let vbl = roundToOdd(g, cbl << UInt64(h))
    let vbr = roundToOdd(g, cbr << UInt64(h))
    let s = vb >> 2  // ⌊v × 10^-k⌋
    // Every candidate is worked out and the answer picked at the end: which one
    // wins follows no pattern, and a guessed branch that goes wrong costs more
    // than these few additions and comparisons.
    // One digit fewer: the multiples of ten around the value, if one is inside.
    let sp10 = 10 * (s / 10)
    let tp10 = sp10 + 10
    let upin = vbl + odd <= sp10 << 2
    let wpin = (tp10 << 2) + odd <= vbr
    // Otherwise s or s + 1, whichever is inside; if both, the nearer one, and the
    // even one on a tie.
    let t = s + 1
    let uin = vbl + odd <= s << 2
    let win = (t << 2) + odd <= vbr
    let twice = (s + t) << 1
    let nearer = vb < twice || (vb == twice && s & 1 == 0) ? s : t
    let full = uin != win ? (uin ? s : t) : nearer
    if upin && wpin {  // both multiples of ten: only the tiniest subnormals, whose interval is wide
      let twice = (sp10 + tp10) << 1
      let below = vb < twice || (vb == twice && (sp10 / 10) & 1 == 0)
      return (below ? sp10 : tp10, k)
    }
    return (upin != wpin ? (upin ? sp10 : tp10) : full, k)
  }

  /// The high bits of `g × cp`, with any bits shifted out folded into the lowest
  /// bit ("round to odd"), which keeps the comparisons above exact.
  @inline(__always)
  private static func roundToOdd(_ g: UInt64, _ cp: UInt64) -> UInt64 {
    let high = g.multipliedFullWidth(by: cp).high
    let vbp = high >> 31
    return vbp | (((high & 0xFFFF_FFFF) + 0xFFFF_FFFF) >> 32)
  }

  /// ⌊q × log10(2)⌋, exact for the exponents a `Float` has.
  @inline(__always)
  private static func floorLog10Pow2(_ q: Int) -> Int { (q * 661_971_961_083) >> 41 }

  /// ⌊log10(¾ × 2^q)⌋.
  @inline(__always)
  private static func floorLog10ThreeQuartersPow2(_ q: Int) -> Int {
    (q * 661_971_961_083 - 274_743_187_321) >> 41
  }

  /// ⌊e × log2(10)⌋.
  @inline(__always)
  private static func floorLog2Pow10(_ e: Int) -> Int { (e * 913_124_641_741) >> 38 }

  /// For k = -45...31: the top 63 bits of `10^-k` normalized to `[2^125, 2^126)`
  /// (rounded up by one unit at bit 0 of the full 126 bits), as Schubfach's table.
  /// Generated with exact rational arithmetic; the tests check every `Float`
  /// spelling they try against `Float.description`.
  private static let powersOfTen: [UInt64] = [
    0x59AEDFC10D7279C5, 0x47BF19673DF52E37, 0x72CB5BD86321E38C,
    0x5BD5E313828182D6, 0x4977E8DC68679BDF, 0x758CA7C70D7292FE,
    0x5E0A1FD271287598, 0x4B3B4CA85A86C47A, 0x785EE10D5DA46D90,
    0x604BE73DE4838AD9, 0x4D0985CB1D3608AE, 0x7B426FAB61F00DE3,
    0x629B8C891B267182, 0x4EE2D6D415B85ACE, 0x7E37BE2022C0914B,
    0x64F964E68233A76F, 0x50C783EB9B5C85F2, 0x409F9CBC7C4A04C2,
    0x6765C793FA10079D, 0x52B7D2DCC80CD2E4, 0x422CA8B0A00A4250,
    0x69E10DE76676D080, 0x54B40B1F852BDA00, 0x43C33C1937564800,
    0x6C6B935B8BBD4000, 0x56BC75E2D6310000, 0x4563918244F40000,
    0x6F05B59D3B200000, 0x58D15E1762800000, 0x470DE4DF82000000,
    0x71AFD498D0000000, 0x5AF3107A40000000, 0x48C2739500000000,
    0x746A528800000000, 0x5D21DBA000000000, 0x4A817C8000000000,
    0x7735940000000000, 0x5F5E100000000000, 0x4C4B400000000000,
    0x7A12000000000000, 0x61A8000000000000, 0x4E20000000000000,
    0x7D00000000000000, 0x6400000000000000, 0x5000000000000000,
    0x4000000000000000, 0x6666666666666666, 0x51EB851EB851EB85,
    0x4189374BC6A7EF9D, 0x68DB8BAC710CB295, 0x53E2D6238DA3C211,
    0x431BDE82D7B634DA, 0x6B5FCA6AF2BD215E, 0x55E63B88C230E77E,
    0x44B82FA09B5A52CB, 0x6DF37F675EF6EADF, 0x57F5FF85E592557F,
    0x465E6604B7A84465, 0x709709A125DA0709, 0x5A126E1A84AE6C07,
    0x480EBE7B9D58566C, 0x734ACA5F6226F0AD, 0x5C3BD5191B525A24,
    0x49C97747490EAE83, 0x760F253EDB4AB0D2, 0x5E72843249088D75,
    0x4B8ED0283A6D3DF7, 0x78E480405D7B9658, 0x60B6CD004AC94513,
    0x4D5F0A66A23A9DA9, 0x7BCB43D769F762A8, 0x63090312BB2C4EED,
    0x4F3A68DBC8F03F24, 0x7EC3DAF941806506, 0x65697BFA9ACD1D9F,
    0x51212FFBAF0A7E18, 0x40E7599625A1FE7A,
  ]

  // MARK: - The layout
  //
  // `digits` is below 1.7 × 10^8 (the scaled value is below 10 × c, and c below
  // 2^24), so it has at most nine digits: a first one, 0 or 1, and eight more.
  // Those eight are made all at once in one 64-bit word, one digit per byte, and
  // the spelling is put together with whole-word stores: no loop over digits, no
  // division, and every byte stays within the first 15 at `out`, so ``write(_:to:)``
  // keeps to its ``maximumLength`` even after a `-`. A word may spill digits past
  // the spelling's end; those bytes are not part of it, and the next value
  // overwrites them.

  /// "00", "01", … "99", one after another: an exponent's two digits in one look-up.
  private static let pairs: StaticString =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"

  /// `"0"` in each of the eight bytes: or-ed with eight digits 0…9, it spells them.
  private static let asciiZeros: UInt64 = 0x3030_3030_3030_3030

  /// `"0.000000"` as a word, first character in the lowest byte.
  private static let zeroPoint: UInt64 = 0x3030_3030_3030_2E30

  /// The eight decimal digits of `n` (below 10^8), one per byte as a number 0…9,
  /// the most significant in the lowest byte: stored, they read left to right.
  ///
  /// This is "SIMD within a register": the number is split into two halves of
  /// four digits, each half into two pairs, each pair into two digits, and every
  /// split handles all lanes of the word with one multiplication. Dividing by a
  /// small constant is a multiplication and a shift, exact on the range it gets:
  /// ⌊x / 100⌋ = ⌊x × 10486 / 2^20⌋ for x below 10^4, and ⌊x / 10⌋ = ⌊x × 103 / 2^10⌋
  /// for x below 100. No lane's product reaches the next lane, and the masks drop
  /// the bits a shift brings down from it.
  @inline(__always)
  static func eightDigits(_ n: UInt64) -> UInt64 {
    let halves = (n / 10_000) | (n % 10_000) << 32  // abcd | efgh: 32-bit lanes
    let hundreds = (halves &* 10_486) >> 20 & 0x7F_0000_007F  // ab | ef
    let pairs = hundreds | (halves &- 100 &* hundreds) << 16  // ab | cd | ef | gh: 16-bit lanes
    let tens = (pairs &* 103) >> 10 & 0x000F_000F_000F_000F  // a | c | e | g
    return tens | (pairs &- 10 &* tens) << 8  // a | b | c | … | h: 8-bit lanes
  }

  /// Stores the eight bytes of `word` at `out`, lowest byte first, in one go.
  @inline(__always)
  private static func store(_ word: UInt64, at out: UnsafeMutablePointer<UInt8>) {
    UnsafeMutableRawPointer(out).storeBytes(of: word.littleEndian, as: UInt64.self)
  }

  /// Writes `d.ddde±XX`: the first digit, the others (`restCount` of them, in
  /// `text`) after a point, and the power of ten; returns the length.
  @inline(__always)
  private static func layoutScientific(
    _ leading: UInt8, _ text: UInt64, _ restCount: Int, power: Int,
    to out: UnsafeMutablePointer<UInt8>
  ) -> Int {
    out[0] = leading
    var n = 1
    if restCount > 0 {
      out[1] = UInt8(ascii: ".")
      store(text, at: out + 2)
      n = 2 + restCount
    }
    out[n] = UInt8(ascii: "e")
    out[n + 1] = power < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+")
    let pair = pairs.utf8Start + 2 * abs(power)  // at most 45: two digits
    out[n + 2] = pair[0]
    out[n + 3] = pair[1]
    return n + 4
  }

  /// Writes `digits × 10^exponent` the way `Float.description` does; returns the length.
  @inline(__always)
  private static func layout(
    _ digits: UInt64, _ exponent: Int, scientific: Bool, to out: UnsafeMutablePointer<UInt8>
  ) -> Int {
    // Nine digit places: `top`, then eight in a word. The spelling needs the first
    // significant digit apart, and the digits after it as a word.
    let top = digits / 100_000_000  // 0 or 1
    let low = eightDigits(digits - top * 100_000_000)
    let first: UInt64
    let rest: UInt64
    let point: Int  // where the decimal point falls, counted from the first digit
    // (Picked without a branch: a first digit of 1 comes and goes at random.)
    let zeros = low.trailingZeroBitCount / 8  // leading zero digits are empty low bytes
    let shifted = low >> (8 * zeros)
    first = top != 0 ? top : shifted & 0xFF
    rest = top != 0 ? low : shifted >> 8
    point = exponent + (top != 0 ? 9 : 8 - zeros)
    // Trailing zeros are empty high bytes; the shortest form drops them.
    let restCount = rest == 0 ? 0 : 8 - rest.leadingZeroBitCount / 8
    let count = 1 + restCount
    let leading = UInt8(truncatingIfNeeded: first) | UInt8(ascii: "0")
    let text = rest | asciiZeros  // the digits after the first, then "0"s up to eight
    if scientific || point < -3 {  // d.ddde±XX
      return layoutScientific(leading, text, restCount, power: point - 1, to: out)
    }
    if point <= 0 {  // 0.000ddd, with at most three zeros after the point
      store(zeroPoint, at: out)
      out[2 - point] = leading
      store(text, at: out + 3 - point)
      return 3 - point + restCount
    }
    out[0] = leading
    store(text, at: out + 1)
    if point < count {  // ddd.ddd: the digits after the point move right by one
      if point <= 6 {
        store(text >> (8 * (point - 1)), at: out + point + 1)
      } else {  // a million or more, with a fraction: byte by byte, within bounds
        var i = count
        while i > point {
          out[i] = out[i - 1]
          i -= 1
        }
      }
      out[point] = UInt8(ascii: ".")
      return count + 1
    }
    // ddd000.0: a whole number below 2^24 has at most eight digits, so the word's
    // "0"s after the last digit already fill the places up to the point.
    out[point] = UInt8(ascii: ".")
    out[point + 1] = UInt8(ascii: "0")
    return point + 2
  }
}
